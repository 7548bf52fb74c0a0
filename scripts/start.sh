#!/usr/bin/env bash
# Sets up Récolte on a fresh Debian machine and starts the desktop app on the embedded
# default: a local SQLite store, no server, no account. On first run the app offers the
# sample event (the Assises 2025), a programme file, or joining an event from a hub.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node and npm only if absent: a Node from elsewhere (nodesource) ships its own npm, which
# Debian's npm package would conflict with.
node_packages=()
command -v node >/dev/null 2>&1 || node_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || node_packages+=(npm)
source scripts/setup-debian.sh "${node_packages[@]}" libwebkit2gtk-4.1-dev
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

# `npm install` (not `npm ci`): the lock file omits the optional native packages of other
# platforms (rollup, esbuild), which `npm ci` insists on; `npm install` keeps the locked versions.
npm install --prefix ui --no-audit --no-fund --loglevel=error
npm run --prefix ui build
cargo build --release --locked -p recolte-app -p recolte-cli
echo "Stockage : ${RECOLTE_DATA_DIR:-$HOME/.local/share/recolte} — ligne de commande : ${CARGO_TARGET_DIR:-target}/release/recolte --help"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    echo "Pas d'écran détecté : lancez l'application dans une session graphique, ou essayez : xvfb-run -a ${CARGO_TARGET_DIR:-target}/release/recolte-app"
    exit 0
fi
exec "${CARGO_TARGET_DIR:-target}/release/recolte-app"
