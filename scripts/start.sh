#!/usr/bin/env bash
# Sets up Récolte on a fresh Debian machine and starts it on the embedded default: a local
# SQLite store, no server. Until the desktop app lands, "starting" means: build the
# `recolte` command, load the sample event (the Assises 2025) once, and list its sessions.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-debian.sh
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

cargo build --release --locked -p recolte-cli
recolte="${CARGO_TARGET_DIR:-target}/release/recolte"
export RECOLTE_DATA_DIR="${RECOLTE_DATA_DIR:-$HOME/.local/share/recolte}"

if ! "$recolte" event show >/dev/null 2>&1; then
    "$recolte" event import examples/assises-2025.json >/dev/null
fi
"$recolte" event show
echo
"$recolte" session list
echo
echo "Stockage : $RECOLTE_DATA_DIR — essayez : $recolte --help"
