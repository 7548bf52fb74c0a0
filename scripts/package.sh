#!/usr/bin/env bash
# Builds Récolte's Linux packages with the Tauri bundler (the CLI pinned in ui/package-lock.json):
# a .deb and an .rpm, each with the app, the `recolte` command, a desktop entry in French and
# English that opens recolte:// invitation links, icons, and the hub's systemd unit.
#
#   bash scripts/package.sh            # builds in release, then target/release/bundle/{deb,rpm}/
#   bash scripts/package.sh --debug   # packages the debug binaries already built (CI, quick)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
[ "${1:-}" = "--debug" ] && profile=debug

[ "$profile" = release ] && source scripts/build-release.sh

mkdir -p "${CARGO_TARGET_DIR:-target}"
target="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
app="$target/$profile/recolte-app"
cli="$target/$profile/recolte"
for binary in "$app" "$cli"; do
    [ -x "$binary" ] || { echo "missing $binary: build it first (cargo build -p recolte-app -p recolte-cli)" >&2; exit 1; }
done
flags=(--bundles deb,rpm)
[ "$profile" = debug ] && flags+=(--debug)
# Debug information (line tables in release, everything in debug) would make packages several
# times larger, slow to pack and to install; the code is the same without it.
strip --strip-debug "$app" "$cli"
# The `recolte` command is taken from the same build as the app, wherever the target folder is.
config=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/recolte":"%s"}},"rpm":{"files":{"/usr/bin/recolte":"%s"}}}}}' "$cli" "$cli")
rm -rf "$target/$profile/bundle"
ui/node_modules/.bin/tauri bundle "${flags[@]}" --config "$config"
ls -l "$target/$profile/bundle/deb/"*.deb "$target/$profile/bundle/rpm/"*.rpm
