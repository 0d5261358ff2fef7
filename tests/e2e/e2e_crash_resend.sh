#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: exactly-once meter reads across lost replies and kill -9.
#  1. The server stores the read but its reply is lost: esold keeps the
#     read in its spool and retries the same read_id; the server answers
#     "duplicate", the ledger holds the read once, the spool empties.
#  2. The connection drops before the server stores anything; esold is
#     killed; the read is still in the spool (on disk) and is stored
#     once after the restart.
. "$(dirname "$0")/lib.sh"
e2e_init crash_resend

make_sysfs "$T/root" SIM0001
start_server --supplies off
write_conf
start_esold

# --- 1: stored, reply lost: the retry gets "duplicate" ---
server_fault "lost-reply@/v1/meter-reads*1"
ctl poll-now
wait_for 20 reads_are 1 || fail "the server did not store the read"
wait_for 60 spool_is 0 || fail "the read was not confirmed by a retry: $(ctl status)"
reads_are 1 || fail "the read was stored twice: $(ledger list-reads)"
ctl --json log 20 | jq -e '[.records[] | select(.result == "duplicate")] | length == 1' \
	>/dev/null || fail "no duplicate answer in the transmission log"

# --- 2: dropped before storing, kill -9, next cycle's read ---
stop_esold
stop_server
# A new billing cycle: the server asks for a new read.
start_server --supplies off --now 2099-01-15T10:00:00Z
sed -i "s|^url = .*|url = https://localhost:$PORT|" "$T/esold.conf"
server_fault "drop@/v1/meter-reads"
start_esold
ctl poll-now
wait_for 20 spool_is 1 || fail "the new read was not spooled"
tried() {
	[ "$(ctl --json log 1000 | jq '[.records[] | select(.endpoint == "/v1/meter-reads" and (.result | test("error")))] | length')" -ge 1 ]
}
wait_for 20 tried || fail "the read was not tried: $(ctl --json log 1000)"
kill9_esold
reads_are 1 || fail "a read was stored through a dropped connection"
server_fault ""
start_esold
wait_for 30 reads_are 2 || fail "the spooled read was not stored after restart: $(ctl status)"
wait_for 10 spool_is 0 || fail "spool not empty"
[ "$(ledger list-reads --json | jq '[.[].read_id] | unique | length')" -eq 2 ] \
	|| fail "read ids not unique"
stop_esold
log "ok"
