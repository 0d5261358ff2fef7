#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: brief polls (docs/protocol.md).  The first poll carries the
# identity and configuration; once the server answered it, polls carry
# only device_id and the identity tag, across a restart of esold too.  A
# changed configuration goes in full again.  A server that has no such
# identity on file (a new ledger) answers 409 identity_unknown, and the
# full poll follows at once: no back-off, nothing lost.
. "$(dirname "$0")/lib.sh"
e2e_init brief_poll

make_sysfs "$T/root" SIM0001
start_server --supplies off
write_conf
start_esold

# poll_bodies: the poll bodies the server captured, oldest first.
poll_bodies() { ls "$T/capture" | grep -- '-poll.body$' | sort; }
nth_poll() { cat "$T/capture/$(poll_bodies | sed -n "${1}p")"; }
npolls() { poll_bodies | wc -l; }
poll_once() {
	p=$(polls)
	ctl poll-now
	wait_for 20 polled_ok_since "$p" || fail "the poll did not succeed: $(ctl status)"
	wait_for 10 idle
}
is_full() { nth_poll "$1" | jq -e '.device.model and .config.poll_time and (has("identity_tag") | not)' >/dev/null; }
is_brief() {
	nth_poll "$1" | jq -e '(.device | keys) == ["device_id"] and (has("config") | not) and
		(.identity_tag | test("^[0-9a-f]{16}$"))' >/dev/null
}

poll_once
is_full 1 || fail "the first poll is not full: $(nth_poll 1)"
poll_once
is_brief 2 || fail "the second poll is not brief: $(nth_poll 2)"
[ "$(nth_poll 2 | wc -c)" -lt "$(nth_poll 1 | wc -c)" ] || fail "a brief poll is not smaller"
tag=$(nth_poll 2 | jq -r .identity_tag)
jq -e --arg t "$tag" '.identity_tag == $t' "$T/state/state.json" >/dev/null ||
	fail "state.json does not keep the tag: $(cat "$T/state/state.json")"
# what the server has on file is the full poll's
ledger list-devices --json | jq -e '.[0].model != "" and .[0].polls == 2' >/dev/null ||
	fail "the ledger's device: $(ledger list-devices --json)"

# A restart of esold keeps the tag: still brief.
stop_esold
start_esold
poll_once
is_brief 3 || fail "the poll after a restart is not brief: $(nth_poll 3)"

# A changed configuration (the poll time) is a new identity: full, then brief.
ctl set poll_time 04:15
poll_once
is_full 4 || fail "the poll after a new poll time is not full: $(nth_poll 4)"
nth_poll 4 | jq -e '.config.poll_time == "04:15"' >/dev/null || fail "poll 4: $(nth_poll 4)"
poll_once
is_brief 5 || fail "the poll after the full one is not brief: $(nth_poll 5)"
[ "$(nth_poll 5 | jq -r .identity_tag)" != "$tag" ] || fail "the tag did not change"

# A busy server (429) refuses a brief poll as any poll: back-off, no full poll at once.
n=$(npolls)
server_fault "429:900@/v1/poll*1"
ctl poll-now
# (a function: wait_for runs it again each time; a "$(...)" argument would be
# read once, before the poll is over)
backing_off() { [ "$(status_field retry_in_s)" != null ]; }
wait_for 20 backing_off || fail "no back-off after 429: $(ctl status)"
sleep 1
[ "$(npolls)" -eq $((n + 1)) ] || fail "a 429 to a brief poll was followed by $(($(npolls) - n - 1)) more"
is_brief $((n + 1)) || fail "the poll answered 429 was not brief: $(nth_poll $((n + 1)))"
server_fault ""
stop_esold
start_esold

# A server with a new ledger: the brief poll is refused, the full one follows at once.
stop_server
rm -f "$T/ledger.db" "$T/ledger.db-wal" "$T/ledger.db-shm"
start_server --supplies off
ctl set server_url "https://localhost:$PORT"
n=$(npolls)
poll_once
[ "$(npolls)" -eq $((n + 2)) ] || fail "not two polls after the new ledger: $(npolls) after $n"
is_brief $((n + 1)) || fail "the refused poll was not brief: $(nth_poll $((n + 1)))"
is_full $((n + 2)) || fail "the poll after the 409 was not full: $(nth_poll $((n + 2)))"
grep -q 'POST /v1/poll -> 409 .* poll: brief, tag [0-9a-f]* not on file' "$T/server.log" ||
	fail "no 409 to the brief poll in the server's log"
status_field last_poll_result | grep -q '^ok' ||
	fail "a 409 to a brief poll left: $(status_field last_poll_result)"
ledger list-devices --json | jq -e '.[0].model != "" and .[0].config.poll_time == "04:15"' \
	>/dev/null || fail "the new ledger's device: $(ledger list-devices --json)"
wait_for 20 reads_are 1 || fail "no read in the new ledger: $(ctl status)"
# the tag is on the data allowlist; nothing else was sent
ledger check-capture --capture "$T/capture" --allowlist "$TOP/docs/protocol.md" ||
	fail "a body carried a field outside the allowlist"
stop_esold
log "ok"
