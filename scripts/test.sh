#!/usr/bin/env bash
# Sets up a fresh Debian machine and runs every test of Récolte:
#  - Rust: unit and property tests, and the whole flows of tests/flows (replicas, bundles,
#    SIGKILL durability, a real hub on 127.0.0.1, interop with the npm Yjs tools);
#  - the interface: Vitest on an in-memory backend, then the built UI in headless Chromium
#    with an accessibility scan;
#  - the real desktop app under Xvfb, driven by tauri-driver and WebKitWebDriver.
set -euo pipefail
cd "$(dirname "$0")/.."
# Node and npm only if absent: a Node from elsewhere (nodesource) ships its own npm, which
# Debian's npm package would conflict with.
node_packages=()
command -v node >/dev/null 2>&1 || node_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || node_packages+=(npm)
source scripts/setup-debian.sh "${node_packages[@]}" libwebkit2gtk-4.1-dev webkit2gtk-driver xvfb xauth chromium python3 zbar-tools poppler-utils iproute2 xdotool ruby python3-venv desktop-file-utils fonts-noto-color-emoji fonts-noto-cjk fonts-dejavu-core
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

# The code as rustfmt writes it, first since it fails in seconds; Clippy (the lints are in
# Cargo.toml) once the UI is built, which the desktop shell embeds. A minimal rustup profile
# has neither tool.
if command -v rustup >/dev/null 2>&1; then rustup component add rustfmt clippy >/dev/null 2>&1 || true; fi
cargo fmt --all -- --check

# The open-data validators its readers use, pinned: Frictionless Data and validata-table (the
# French public sector's validator), in a virtual environment of their own; with them
# python-xlib, with which the real-app tests close the window as a window manager would.
validators="${RECOLTE_VALIDATORS:-${CARGO_TARGET_DIR:-target}/validators}"
[ -x "$validators/bin/frictionless" ] || python3 -m venv "$validators"
"$validators/bin/pip" install --quiet --disable-pip-version-check frictionless==5.21.0 validata-table==0.12.5 python-xlib==0.33
export RECOLTE_VALIDATORS="$(cd "$validators" && pwd)"

# Pinned by the lock files: the reference y-websocket client and server, and the UI's tools.
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
# `npm install` (not `npm ci`): the lock file omits the optional native packages of other
# platforms (rollup, esbuild), which `npm ci` insists on; `npm install` keeps the locked versions.
npm install --prefix ui --no-audit --no-fund --loglevel=error
# The desktop shell embeds ui/dist at compile time: build the UI first.
npm run --prefix ui build
npm run --prefix ui build:test

cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
npm test --prefix ui
node ui/tests/browser.mjs

command -v tauri-driver >/dev/null 2>&1 || cargo install tauri-driver --version '^2' --locked
cargo build --locked -p recolte-app -p recolte-cli -p recolte-bench
target="${CARGO_TARGET_DIR:-target}"
xvfb-run -a node tests/e2e/app.mjs --app "$target/debug/recolte-app" --cli "$target/debug/recolte" --screenshots "$target/screenshots"
xvfb-run -a node tests/e2e/synced.mjs --app "$target/debug/recolte-app" --cli "$target/debug/recolte" --screenshots "$target/screenshots"
xvfb-run -a node tests/e2e/invitations.mjs --app "$target/debug/recolte-app" --cli "$target/debug/recolte" --screenshots "$target/screenshots"
xvfb-run -a node tests/e2e/room.mjs --app "$target/debug/recolte-app" --cli "$target/debug/recolte" --screenshots "$target/screenshots"
xvfb-run -a node tests/e2e/undo.mjs --app "$target/debug/recolte-app" --cli "$target/debug/recolte" --screenshots "$target/screenshots"
xvfb-run -a node tests/e2e/full-disk.mjs --app "$target/debug/recolte-app" --cli "$target/debug/recolte" --screenshots "$target/screenshots"
xvfb-run -a node tests/e2e/unopenable.mjs --app "$target/debug/recolte-app" --screenshots "$target/screenshots"

# Campaigns, briefly (at length: see docs/reliability.md).
bash scripts/faults.sh "$target/debug/recolte"
bash scripts/nearby.sh "$target/debug/recolte"
"$target/debug/recolte-bench" soak --seconds 20 --clients 60 --dir "$(mktemp -d)"
"$target/debug/recolte-bench" crash --runs 5 --dir "$(mktemp -d)"
FUZZ_SEED=20261122 bash scripts/fuzz.sh 15

# The Debian package, installed and removed as a person would (packages the debug binaries
# above, stripped: it comes last).
bash scripts/package-check.sh "$target/screenshots"
