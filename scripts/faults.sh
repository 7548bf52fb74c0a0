#!/usr/bin/env bash
# Fault campaign: a full disk and a read-only store, on a device and under a hub. Edits must fail with a clear message,
# nothing already saved may be damaged, and editing must resume when space (or write access)
# returns. A store whose disk is full or read-only when it opens is still read and exported. Needs root (it mounts a tiny tmpfs), as CI has; run it in a throwaway machine.
#
#   bash scripts/faults.sh [path/to/recolte]
set -euo pipefail
cd "$(dirname "$0")/.."
recolte="$(realpath "${1:-${CARGO_TARGET_DIR:-target}/debug/recolte}")"
[ "$(id -u)" -eq 0 ] || { echo "faults.sh mounts a tmpfs: run it as root" >&2; exit 1; }
mnt="$(mktemp -d)"
errors="$(mktemp)"
passed=0
failed=0
hub_mnt=""
hub_pid=""
cleanup() {
    [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null || true
    for dir in "$mnt" $hub_mnt; do umount "$dir" 2>/dev/null || true; rmdir "$dir" 2>/dev/null || true; done
    rm -f "$errors"
}
trap cleanup EXIT
check() { if eval "$2"; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }

mount -t tmpfs -o size=3m tmpfs "$mnt"
export RECOLTE_DATA_DIR="$mnt/store" LANG=fr_FR.UTF-8
"$recolte" event import examples/assises-2025.json >/dev/null
session="$("$recolte" --json session list --theme 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
body="$(head -c 6000 /dev/zero | tr '\0' 'x')"

# 1. Fill the disk: every proposal reported saved must survive; the failure must say why.
saved=()
message=""
for i in $(seq 1 2000); do
    # (stderr goes outside the full disk, or the message itself would be lost)
    if id="$("$recolte" proposal add --session "$session" --title "Proposition $i" --body "$body" 2>"$errors")"; then
        saved+=("$id")
    else
        message="$(cat "$errors")"
        break
    fi
done
check "the disk fills up after ${#saved[@]} proposals, with a clear message" '[[ "$message" == *"disque est plein"* ]]'
listed="$("$recolte" --json proposal list --session "$session" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "every proposal reported saved is there (${#saved[@]})" '[ "$listed" -eq "${#saved[@]}" ]'
check "the store passes its integrity check on a full disk" '"$recolte" store check >/dev/null'

# 2. Space comes back: editing resumes.
mount -o remount,size=16m "$mnt"
check "editing resumes when space returns" '"$recolte" proposal add --session "$session" --title "Après" >/dev/null'

# 3. Read-only: refused with a clear message, nothing changed; writable again: resumes.
before="$("$recolte" --json proposal list --session "$session" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
mount -o remount,ro "$mnt"
ro_message="$("$recolte" proposal add --session "$session" --title "En lecture seule" 2>&1 >/dev/null || true)"
check "a read-only store refuses edits with a clear message" '[[ "$ro_message" == *"lecture seule"* ]]'
mount -o remount,rw "$mnt"
after="$("$recolte" --json proposal list --session "$session" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
check "nothing changed while read-only" '[ "$before" -eq "$after" ]'
check "editing resumes when the store is writable again" '"$recolte" proposal add --session "$session" --title "De nouveau" >/dev/null'
check "the store is sound at the end" '"$recolte" store check >/dev/null && "$recolte" store rebuild >/dev/null'

# 4. The disk fills up while Récolte is closed (another program's files): the store opens for
# reading, lists, searches and exports everything to another disk; edits are refused, saying
# why, and nothing changes; with space back, editing resumes.
count() { "$recolte" --json proposal list --session "$session" 2>/dev/null | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
before="$(count)"
dd if=/dev/zero of="$mnt/other-program" bs=64k 2>/dev/null || true
listed="$(count)"
check "a store closed before the disk filled up still lists its $before proposals" '[ "$listed" = "$before" ]'
warned="$("$recolte" proposal list --session "$session" 2>&1 >/dev/null)"
check "reading says the store is open for reading only, and why" '[[ "$warned" == *"lecture seule"*"disque est plein"* ]]'
check "it still searches" '"$recolte" search "Après" 2>/dev/null | grep -q "Après"'
check "its file passes the integrity check" '"$recolte" store check >/dev/null 2>&1'
elsewhere="$(mktemp -d)"
check "it exports to another disk" '"$recolte" bundle export --out "$elsewhere/sauvegarde.recolte" >/dev/null 2>&1'
check "the bundle carries every proposal" '[ "$(RECOLTE_DATA_DIR="$elsewhere/store" "$recolte" bundle import "$elsewhere/sauvegarde.recolte" >/dev/null 2>&1 && RECOLTE_DATA_DIR="$elsewhere/store" count)" = "$before" ]'
rm -rf "$elsewhere"
full_message="$("$recolte" proposal add --session "$session" --title "Disque plein" 2>&1 >/dev/null || true)"
check "an edit is refused: open for reading only, the disk is full" '[[ "$full_message" == *"ouvert qu'"'"'en lecture (le disque est plein)"*"rien n'"'"'a été enregistré"* ]]'
compacted="$("$recolte" store compact 2>&1 >/dev/null || true)"
check "compacting is refused the same way (not as a permissions problem)" '[[ "$compacted" == *"ouvert qu"*"(le disque est plein)"* ]]'
check "nothing changed while the disk was full" '[ "$(count)" = "$before" ]'
hub_said="$(timeout 20 "$recolte" hub --listen 127.0.0.1:0 --no-announce 2>&1 >/dev/null; echo "exit $?")"
check "a hub does not start on a store it could not save to, and says why" '[[ "$hub_said" == *"ne peut pas servir ce stockage : le disque est plein"*"exit 1" ]]'
rm -f "$mnt/other-program"
check "editing resumes once space is freed" '"$recolte" proposal add --session "$session" --title "Place libérée" >/dev/null && [ "$(count)" = "$((before + 1))" ]'

# 5. A read-only disk, the store closed: it opens for reading, and says why an edit cannot be.
before="$(count)"
mount -o remount,ro "$mnt"
check "a read-only store still lists its proposals" '[ "$(count)" = "$before" ]'
ro_edit="$("$recolte" --lang en proposal add --session "$session" --title "Read-only" 2>&1 >/dev/null || true)"
check "an edit is refused: open for reading only, the folder cannot be written (in English)" '[[ "$ro_edit" == *"open for reading only (the disk or the data folder cannot be written)"* ]]'
hub_said="$(timeout 20 "$recolte" --lang en hub --listen 127.0.0.1:0 --no-announce 2>&1 >/dev/null; echo "exit $?")"
check "nor on a read-only one (in English)" '[[ "$hub_said" == *"the hub cannot serve this store: the disk or the data folder cannot be written"*"exit 1" ]]'
mount -o remount,rw "$mnt"
check "the store is sound after all of it" '"$recolte" store check >/dev/null'
# 6. A hub whose own disk fills up while devices send: it says it cannot save (not « connection
# lost »), /health says so, nothing is lost on the device, and it all arrives once space is back.
hub_mnt="$(mktemp -d)"
mount -t tmpfs -o size=2m tmpfs "$hub_mnt"
organiser="$(mktemp -d)"
export RECOLTE_DATA_DIR="$organiser/store"
"$recolte" event import examples/assises-2025.json >/dev/null
key="$("$recolte" --json event show | python3 -c 'import json,sys; print(json.load(sys.stdin)["public_key"])')"
"$recolte" --data-dir "$hub_mnt/hub" hub --listen 127.0.0.1:0 --no-announce --trust "$key" >"$organiser/hub.out" 2>/dev/null &
hub_pid=$!
for _ in $(seq 1 100); do [ -s "$organiser/hub.out" ] && break; sleep 0.1; done
hub_url="$(head -n 1 "$organiser/hub.out")"
"$recolte" join --invitation "$("$recolte" invite create --role organiser --hub "$hub_url")" >/dev/null
session="$("$recolte" --json session list --theme 1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')"
for i in $(seq 1 400); do "$recolte" proposal add --session "$session" --title "Vers le serveur $i" --body "$body" >/dev/null; done
hub_full="$("$recolte" sync 2>&1 >/dev/null || true)"
check "a device syncing to a hub that cannot save is told so, and that nothing is lost" '[[ "$hub_full" == *"ne peut plus rien enregistrer"*"rien n'"'"'est perdu"* ]]'
health="$(python3 -c 'import json,sys,urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1] + "/health"))["saving"])' "${hub_url/ws:/http:}")"
check "the hub's /health says it is failing to save" '[ "$health" = "failing" ]'
check "the device still holds all 400 proposals" '[ "$("$recolte" --json proposal list --session "$session" | python3 -c "import json,sys; print(len(json.load(sys.stdin)))")" = 400 ]'
mount -o remount,size=64m "$hub_mnt"
check "once the hub has space again, the same sync goes through" '"$recolte" sync >/dev/null 2>&1'
kill "$hub_pid" 2>/dev/null || true
wait "$hub_pid" 2>/dev/null || true
umount "$hub_mnt"; rmdir "$hub_mnt"; hub_mnt=""; hub_pid=""; rm -rf "$organiser"
echo "  (disk full said: ${message:-nothing}; read-only said: ${ro_message:-nothing})"
echo "  (disk full, store closed: ${full_message:-nothing})"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
