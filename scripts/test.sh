#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs every test of Récolte: unit tests, property tests,
# and the whole flows in tests/ (replicas, bundles, SIGKILL durability, a real hub on
# 127.0.0.1, interoperability with the reference Yjs tools from npm) on real SQLite files.
set -euo pipefail
cd "$(dirname "$0")/.."
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    source scripts/setup-debian.sh
else
    source scripts/setup-debian.sh nodejs npm
fi
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

# The reference y-websocket client and server, pinned by the lock file.
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error

cargo test --workspace --locked
