#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs every test of Récolte: unit tests, property tests,
# and the whole flows in tests/ (replicas, bundles, SIGKILL durability) on real SQLite files.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-debian.sh
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

cargo test --workspace --locked
