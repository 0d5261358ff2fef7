#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: a billing read is requested by the server, spooled, sent once,
# stored once; a second poll in the same cycle asks for nothing more.
. "$(dirname "$0")/lib.sh"
e2e_init meter_read

make_sysfs "$T/root" SIM0001
start_server --supplies off
write_conf
start_esold

[ "$(status_field enabled)" = "true" ] || fail "not enabled"
p=$(polls)
ctl poll-now
wait_for 20 polled_ok_since "$p" || fail "the poll did not succeed: $(ctl status)"
wait_for 20 reads_are 1 || fail "no read in the ledger: $(ctl status)"
wait_for 20 spool_is 0 || fail "the read is still in the spool"
ledger list-reads --json | jq -e '.[0].meters.impressions_total == "12345" and
	.[0].device_id == "SIM0001"' >/dev/null \
	|| fail "wrong read in the ledger: $(ledger list-reads --json)"
[ "$(captured meter-reads)" -eq 1 ] || fail "read sent $(captured meter-reads) times"

# Same cycle: the next poll asks for no read.
p=$(polls)
ctl poll-now
wait_for 20 polled_ok_since "$p" || fail "second poll failed"
wait_for 10 idle
reads_are 1 || fail "a second read was stored"
[ "$(captured meter-reads)" -eq 1 ] || fail "the read was sent again"

# The transmission log shows what was sent, the spool is empty.
ctl --json log 10 | jq -e '[.records[] | select(.endpoint == "/v1/meter-reads")] | length == 1' \
	>/dev/null || fail "transmission log lacks the read: $(ctl --json log 10)"
ctl log 10 | grep -q "/v1/poll" || fail "esolctl log (text) lacks the poll"
ctl spool list | grep -q "spool is empty" || fail "spool list: $(ctl spool list)"
stop_esold
log "ok"
