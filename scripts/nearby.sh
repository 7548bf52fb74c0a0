#!/usr/bin/env bash
# The room's own network, for real: two network namespaces joined by a veth pair that this
# script creates (nothing leaves the machine). The organiser's laptop serves its store in
# one and announces it (DNS-SD over multicast DNS); in the other, a device finds it with
# `recolte discover` and joins with an invitation that names no hub address, and with one whose
# hub is down (the room's laptop found instead). Then the same
# with announcements off, as on a network that blocks multicast: discovery finds nothing and
# the join says why, while an invitation with the address still works. Last, a device that
# joined through the venue's server keeps syncing when that server goes down: background sync
# finds the laptop serving the event nearby and moves there by itself; and a laptop serving
# wss:// with its own certificate, found with it. Needs root.
#
#   bash scripts/nearby.sh [path/to/recolte]
set -euo pipefail
cd "$(dirname "$0")/.."
recolte="$(realpath "${1:-${CARGO_TARGET_DIR:-target}/debug/recolte}")"
[ "$(id -u)" -eq 0 ] || { echo "nearby.sh creates network namespaces: run it as root" >&2; exit 1; }
room="recolte-room-$$"
device="recolte-device-$$"
work="$(mktemp -d)"
hub_pid=""
watch_pid=""
passed=0
failed=0
cleanup() {
    [ -n "$hub_pid" ] && kill "$hub_pid" 2>/dev/null || true
    [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null || true
    ip netns del "$room" 2>/dev/null || true
    ip netns del "$device" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
check() { if eval "$2"; then echo "ok - $1"; passed=$((passed + 1)); else echo "not ok - $1"; failed=$((failed + 1)); fi; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Two hosts on one link: 10.77.0.1 (the organiser's laptop) and 10.77.0.2 (a facilitator's).
ip netns add "$room"
ip netns add "$device"
ip link add "veth-r$$" type veth peer name "veth-d$$"
ip link set "veth-r$$" netns "$room"
ip link set "veth-d$$" netns "$device"
ip -n "$room" addr add 10.77.0.1/24 dev "veth-r$$"
ip -n "$device" addr add 10.77.0.2/24 dev "veth-d$$"
for ns in "$room" "$device"; do ip -n "$ns" link set lo up; done
ip -n "$room" link set "veth-r$$" up multicast on
ip -n "$device" link set "veth-d$$" up multicast on

export LANG=fr_FR.UTF-8
organiser="$work/organiser"
"$recolte" --data-dir "$organiser" event import examples/assises-2025.json >/dev/null
event="$("$recolte" --data-dir "$organiser" --json event show | json 'd["id"]')"
session="$("$recolte" --data-dir "$organiser" --json session list --theme 2 | json 'd[0]["id"]')"

serve() { # $1: the port; then extra hub options
    local port="$1"
    shift
    ip netns exec "$room" "$recolte" --data-dir "$organiser" hub --listen "10.77.0.1:$port" "$@" >"$work/hub.out" 2>"$work/hub.log" &
    hub_pid=$!
    for _ in $(seq 1 100); do grep -qE "wss?://" "$work/hub.out" 2>/dev/null && return; sleep 0.1; done
    echo "the hub did not start: $(cat "$work/hub.log")" >&2; exit 1
}
stop() { kill "$hub_pid"; wait "$hub_pid" 2>/dev/null || true; hub_pid=""; }

# 1. Announced: found from the other host, and joined with an invitation without address.
serve 4455
found="$(ip netns exec "$device" "$recolte" --json discover --seconds 4)"
ids="$(echo "$found" | json "' '.join(h['event_id'] for h in d)")"
check "the device finds the hub of the event" '[ "$ids" = "$event" ]'
check "at the laptop's address on the shared link" \
    '[[ "$(echo "$found" | json "d[0][\"urls\"]")" == *"ws://10.77.0.1:4455"* ]]'
link="$("$recolte" --data-dir "$organiser" invite create --role facilitator --session "$session" --for "Lou")"
check "an invitation may leave the hub address out" '[[ "$link" != *"&h="* ]]'
facilitator="$work/facilitator"
check "the device joins with it, through the hub found nearby" \
    'ip netns exec "$device" "$recolte" --data-dir "$facilitator" join --invitation "$link" --name Lou >/dev/null'
check "and has the programme and its session" \
    '[ "$("$recolte" --data-dir "$facilitator" --json session list | json "len(d)")" -eq 36 ]'
ip netns exec "$device" "$recolte" --data-dir "$facilitator" proposal add --session "$session" --title "Trouvée sans adresse" >/dev/null
check "what it captures reaches the organiser's store through the hub" \
    'ip netns exec "$device" "$recolte" --data-dir "$facilitator" sync >/dev/null && [[ "$("$recolte" --data-dir "$organiser" --json proposal list)" == *"Trouvée sans adresse"* ]]'
venue_down="$("$recolte" --data-dir "$organiser" invite create --role facilitator --session "$session" --hub ws://10.77.0.1:4999)"
elsewhere="$work/elsewhere"
check "a card whose hub is down joins through the laptop serving the event nearby" \
    'ip netns exec "$device" "$recolte" --data-dir "$elsewhere" join --invitation "$venue_down" --name Sam >/dev/null'
check "and has the programme" \
    '[ "$("$recolte" --data-dir "$elsewhere" --json session list | json "len(d)")" -eq 36 ]'
check "the token never travels in the announcement" \
    '! echo "$found" | grep -q "v4.public"'
stop

# 2. Not announced (as on a network that blocks multicast): nothing found, the join says why,
#    and an invitation with the address still works.
serve 4455 --no-announce
found="$(ip netns exec "$device" "$recolte" --json discover --seconds 3)"
check "with announcements off, nothing is found" '[ "$(echo "$found" | json "len(d)")" -eq 0 ]'
other="$work/other"
message="$(ip netns exec "$device" "$recolte" --data-dir "$other" join --invitation "$link" --name Noa 2>&1 >/dev/null || true)"
check "joining without an address then says no hub was found" '[[ "$message" == *"aucun serveur de cet événement"* ]]'
with_address="$("$recolte" --data-dir "$organiser" invite create --role facilitator --session "$session" --hub ws://10.77.0.1:4455)"
check "an invitation with the address joins anyway" \
    'ip netns exec "$device" "$recolte" --data-dir "$other" join --invitation "$with_address" --name Noa >/dev/null'
stop

# 3. The venue's server (here on another port, not announced) goes down with the Wi-Fi; the
#    organiser's laptop then serves the event in the room. A device that joined through the
#    server and keeps syncing (`recolte sync --watch`, as the app does) moves there by itself
#    (its hub out of reach at two looks 20 s apart, then the event looked for nearby); a
#    one-off `recolte sync` at once.
serve 4456 --no-announce
venue_card="$("$recolte" --data-dir "$organiser" invite create --role facilitator --session "$session" --hub ws://10.77.0.1:4456)"
staying="$work/staying"
ip netns exec "$device" "$recolte" --data-dir "$staying" join --invitation "$venue_card" --name Eli >/dev/null
once="$work/once"
ip netns exec "$device" "$recolte" --data-dir "$once" join --invitation "$venue_card" --name Noé >/dev/null
ip netns exec "$device" "$recolte" --data-dir "$staying" sync --watch >"$work/watch.out" 2>"$work/watch.err" &
watch_pid=$!
stop
ip netns exec "$device" "$recolte" --data-dir "$staying" proposal add --session "$session" --title "Saisie pendant la panne" >/dev/null
serve 4455
arrived() {
    for _ in $(seq 1 75); do
        [[ "$("$recolte" --data-dir "$organiser" --json proposal list)" == *"Saisie pendant la panne"* ]] && return 0
        sleep 2
    done
    return 1
}
check "a device whose server went down syncs with the laptop found nearby, by itself" 'arrived'
# The move's own full sync brings the proposal; the watch says so at its next look (2 s).
says_so() {
    for _ in $(seq 1 20); do
        grep -q "ne répond plus" "$work/watch.err" && [[ "$("$recolte" --data-dir "$staying" status)" == *"trouvé à proximité"* ]] && return 0
        sleep 0.5
    done
    return 1
}
check "and says so" 'says_so'
check "a one-off recolte sync moves there too, and says so" \
    '[[ "$(ip netns exec "$device" "$recolte" --data-dir "$once" sync 2>&1 >/dev/null)" == *"trouvé à proximité"* ]]'
kill "$watch_pid"; wait "$watch_pid" 2>/dev/null || true; watch_pid=""
stop

# 4. The laptop serves wss:// with its own certificate, as the app does: a card without address
#    nor certificate joins with the one the laptop announces; a card for this laptop's server
#    names its certificate, and joins through the laptop found nearby only if it announces that one.
serve 4457 --tls
check "the laptop announces its certificate" \
    '[ -n "$(ip netns exec "$device" "$recolte" --json discover --seconds 4 | json "d[0][\"fingerprint\"] or \"\"")" ]'
before_tls="$work/before-tls"
check "a card without certificate joins the wss:// laptop with the announced one" \
    'ip netns exec "$device" "$recolte" --data-dir "$before_tls" join --invitation "$link" --name Ali >/dev/null && [[ "$("$recolte" --data-dir "$before_tls" status)" == "wss://10.77.0.1:4457"* ]]'
pinned_card="$("$recolte" --data-dir "$organiser" invite create --role facilitator --session "$session" --hub wss://10.77.0.1:4999)"
check "a card for this laptop's server names its certificate" '[[ "$pinned_card" == *"&f="* ]]'
with_tls="$work/with-tls"
check "its hub down, it joins through the laptop announcing that certificate" \
    'ip netns exec "$device" "$recolte" --data-dir "$with_tls" join --invitation "$pinned_card" --name Ana >/dev/null && [[ "$("$recolte" --data-dir "$with_tls" status)" == "wss://10.77.0.1:4457"* ]]'
forged="$(echo "$pinned_card" | sed -E 's/&f=[0-9a-f]+/\&f='"$(printf 'ab%.0s' $(seq 1 32))"'/')"
other_cert="$work/other-cert"
ip netns exec "$device" "$recolte" --data-dir "$other_cert" join --invitation "$forged" --name Ana >/dev/null 2>&1 || true
check "a card naming another certificate does not join a laptop announcing its own" \
    '[[ "$("$recolte" --data-dir "$other_cert" status 2>&1)" == "wss://10.77.0.1:4999 :"* ]]'
no_address="$work/no-address"
refused="$(ip netns exec "$device" "$recolte" --data-dir "$no_address" join --invitation "$link&f=$(printf 'ab%.0s' $(seq 1 32))" --name Ana 2>&1 >/dev/null || true)"
check "and without address, says the laptop found does not have the certificate it names" \
    '[[ "$refused" == *"un serveur de cet événement a été trouvé sur le réseau local, mais pas avec le certificat"* ]]'
stop

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
