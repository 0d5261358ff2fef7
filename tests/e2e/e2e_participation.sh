#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: participation off stops all traffic at once: the transfer in
# flight is cancelled and no connection to the server stays open (idle
# kept-alive ones included), no poll, no report, poll-now is refused; the
# spool is kept (and wiped only by `esolctl spool clear`); the setting
# is saved to the config file; turning it on sends what was kept.
. "$(dirname "$0")/lib.sh"
e2e_init participation

make_sysfs "$T/root" SIM0001
start_server --supplies off
write_conf
start_esold

# A read stuck in flight: the server never answers meter-reads.
server_fault "stall@/v1/meter-reads"
ctl poll-now
wait_for 20 spool_is 1 || fail "read not spooled"
wait_for 10 sh -c "[ \"\$('$ESOLCTL' -s '$T/ctl.sock' --json status | jq -r .transfer)\" = meter-read ]" \
	|| fail "no transfer in flight"
ctl set enabled false
[ "$(status_field enabled)" = "false" ] || fail "still enabled"
[ "$(status_field transfer)" = "null" ] || fail "transfer not cancelled"
no_conns || fail "esold still holds a connection to the server: $(ss -tnp | grep ":$PORT")"
[ "$(status_field next_poll)" = "null" ] || fail "a poll is still scheduled"
grep -Eq '^enabled *= *false' "$T/esold.conf" || fail "not saved: $(cat "$T/esold.conf")"
server_fault ""
sleep 1	# the server logs the cancelled request when it ends
n=$(grep "POST /v1/" "$T/server.log" | grep -vc stalling)
if ctl poll-now 2>"$T/err"; then fail "poll-now accepted while off"; fi
grep -q "participation is off" "$T/err" || fail "poll-now error: $(cat "$T/err")"
supply_state "$T/root" 1 empty 0
sleep 3
[ "$(grep "POST /v1/" "$T/server.log" | grep -vc stalling)" -eq "$n" ] || fail "traffic while participation is off"
spool_is 1 || fail "spool not kept"

# Restart while off: still nothing leaves.
stop_esold
start_esold
sleep 2
m=$(grep "POST /v1/" "$T/server.log" | grep -vc stalling)
[ "$m" -eq "$n" ] || fail "traffic after restart while off ($n -> $m requests)"

# On again: the kept read is sent.
ctl set enabled true
wait_for 20 reads_are 1 || fail "kept read not sent after enabling: $(ctl status)"
wait_for 10 spool_is 0

# Off again with nothing in flight: the idle kept-alive connection is
# closed at once too.
wait_for 10 idle
[ "$(esold_conns)" -ge 1 ] || fail "no kept-alive connection to test with"
ctl set enabled false
no_conns || fail "idle connection left open while off: $(ss -tnp | grep ":$PORT")"
ctl set enabled true

# spool clear wipes what is waiting.
server_fault "drop"
ctl set enabled false
stop_esold
stop_server
start_server --supplies off --now 2099-02-10T10:00:00Z
sed -i "s|^url = .*|url = https://localhost:$PORT|" "$T/esold.conf"
server_fault "drop@/v1/meter-reads"
start_esold
ctl set enabled true
ctl poll-now
wait_for 20 spool_is 1 || fail "second read not spooled"
ctl spool clear | grep -q "1 messages deleted" || fail "spool clear"
spool_is 0 || fail "spool not empty after clear"
[ -z "$(ls "$T/spool" | grep -v corrupt)" ] || fail "spool files left: $(ls "$T/spool")"
stop_esold
log "ok"
