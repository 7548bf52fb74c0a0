#!/usr/bin/env bash
# Installs what building Récolte needs on Debian and builds the app and the `recolte` command in
# release (target/release/). Shared by start.sh and package.sh; meant to be sourced.
node_packages=()
command -v node >/dev/null 2>&1 || node_packages+=(nodejs)
command -v npm >/dev/null 2>&1 || node_packages+=(npm)
source scripts/setup-debian.sh "${node_packages[@]}" libwebkit2gtk-4.1-dev
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"

# `npm install` (not `npm ci`): the lock file omits the optional native packages of other
# platforms (rollup, esbuild), which `npm ci` insists on; `npm install` keeps the locked versions.
npm install --prefix ui --no-audit --no-fund --loglevel=error
# The desktop shell embeds ui/dist at compile time: build the UI first.
npm run --prefix ui build
cargo build --release --locked -p recolte-app -p recolte-cli
