#!/usr/bin/env bash
# The Debian package as a person installs it (CI, as root): packaged by the Tauri bundler from
# the binaries the tests used, installed with apt-get; `recolte --version` from the PATH; the
# desktop entry and the hub's unit checked by their validators; the installed app started under
# Xvfb to its welcome screen; then removed, and the user's data folder is untouched.
#
#   bash scripts/package-check.sh [SCREENSHOTS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
shots="${1:-}"
target="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
pass=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }

bash scripts/package.sh --debug
deb="$(ls "$target"/debug/bundle/deb/recolte_*_amd64.deb)"
rpm="$(ls "$target"/debug/bundle/rpm/recolte-*.x86_64.rpm)"
dpkg-deb -I "$deb" >/dev/null
# The PDF report draws emoji and Chinese, Japanese, Korean text with the machine's fonts.
dpkg-deb -f "$deb" Recommends | grep -q 'fonts-noto-color-emoji, fonts-noto-cjk, fonts-dejavu-core' \
    || { echo "not ok - the package does not recommend the PDF's fonts: $(dpkg-deb -f "$deb" Recommends)"; exit 1; }
[ -s "$rpm" ] && ok "a .deb and an .rpm: $(basename "$deb"), $(basename "$rpm"); the .deb recommends the PDF's fonts"

as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
[ "$(command -v recolte)" = /usr/bin/recolte ] && [ -x /usr/bin/recolte-app ]
version="$(recolte --version)"
expected="recolte $(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1) (commit $(git rev-parse --short=12 HEAD)"
case "$version" in "$expected"*) ok "installed with apt-get; from the PATH: $version" ;; *) echo "not ok - recolte --version says '$version', expected '$expected…'"; exit 1 ;; esac

desktop=/usr/share/applications/recolte.desktop
desktop-file-validate "$desktop"
grep -q '^MimeType=x-scheme-handler/recolte;' "$desktop"
grep -q '^Comment\[fr\]=' "$desktop"
grep -q '^Exec=recolte-app %u' "$desktop"
ok "the desktop entry is valid, in French and English, and opens recolte:// links"
for size in 32x32 64x64 128x128 512x512; do [ -s "/usr/share/icons/hicolor/$size/apps/recolte-app.png" ]; done
ok "icons at 32, 64, 128 and 512 pixels"

unit=/lib/systemd/system/recolte-hub.service
systemd-analyze verify "$unit"
for directive in DynamicUser=yes StateDirectory=recolte-hub NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes RestrictAddressFamilies= MemoryMax=; do
    grep -q "^$directive" "$unit" || { echo "not ok - $unit lacks $directive"; exit 1; }
done
[ -f /etc/default/recolte-hub ]
ok "the hub's unit passes systemd-analyze verify, with its own user, state directory and hardening"

home="$(mktemp -d)"
xvfb-run -a node tests/e2e/installed.mjs --home "$home" ${shots:+--screenshots "$shots"}
data="$home/.local/share/recolte"
before="$(cd "$data" && find . -type f -exec sha256sum {} + | sort)"

as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq recolte >/dev/null
[ ! -e /usr/bin/recolte ] && [ ! -e /usr/bin/recolte-app ]
after="$(cd "$data" && find . -type f -exec sha256sum {} + | sort)"
[ -n "$before" ] && [ "$before" = "$after" ]
ok "removed with apt-get: the programs are gone, the user's data folder is untouched ($(echo "$before" | wc -l) files)"
rm -rf "$home"
echo "$((pass + 1)) passed, 0 failed"
