#!/usr/bin/env bash
# Sets up Récolte on a fresh Debian machine and starts the desktop app on the embedded
# default: a local SQLite store, no server, no account. On first run the app offers the
# sample event (the Assises 2025), a programme file, or joining an event from a hub.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-release.sh
echo "Stockage : ${RECOLTE_DATA_DIR:-$HOME/.local/share/recolte} — ligne de commande : ${CARGO_TARGET_DIR:-target}/release/recolte --help"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "Pas d'écran détecté : lancez l'application dans une session graphique, ou essayez : xvfb-run -a ${CARGO_TARGET_DIR:-target}/release/recolte-app"
    exit 0
fi
exec "${CARGO_TARGET_DIR:-target}/release/recolte-app"
