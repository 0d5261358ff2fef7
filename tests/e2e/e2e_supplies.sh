#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: the Supplies Assistant.  Off until the server enables it; then a
# first report ("enabled"); a report at once when a supply turns low
# ("event": on the host there is no printeng netlink family, so esold
# notices the change at its next snapshot, here the poll esolctl asks
# for); and a report when the interval the server set has elapsed, kept
# across a restart through the agent state file.
. "$(dirname "$0")/lib.sh"
e2e_init supplies

make_sysfs "$T/root" SIM0001
start_server --supplies on --supplies-interval 300
write_conf
start_esold

[ "$(status_field supplies.enabled)" = "false" ] || fail "supplies on before the server said so"
p=$(polls)
ctl poll-now
wait_for 20 polled_ok_since "$p" || fail "poll failed: $(ctl status)"
[ "$(status_field supplies.enabled)" = "true" ] || fail "supplies not enabled by the server"
[ "$(status_field supplies.interval_s)" = "300" ] || fail "interval not taken"
wait_for 20 supplies_are 1 || fail "no first supplies report"
ledger list-supplies --json | jq -e '.[0].trigger == "enabled" and (.[0].supplies | length) == 4' \
	>/dev/null || fail "first report: $(ledger list-supplies --json)"
jq -e '.supplies_enabled == true and .supplies_interval_s == 300' "$T/state/state.json" \
	>/dev/null || fail "state not persisted: $(cat "$T/state/state.json")"

# A toner turns low: a report at once (well before the 300 s interval).
supply_state "$T/root" 2 low 9
ctl poll-now
wait_for 20 supplies_are 2 || fail "no report after the supply turned low: $(ctl status)"
ledger list-supplies --json | jq -e '.[1].trigger == "event" and
	(.[1].supplies[] | select(.colorant == "magenta") | .state == "low" and .level == 9)' \
	>/dev/null || fail "event report: $(ledger list-supplies --json | jq '.[1]')"
# Nothing changed since: another poll sends no report.
p=$(polls)
ctl poll-now
wait_for 20 polled_ok_since "$p"
wait_for 10 idle
supplies_are 2 || fail "a report without a change or interval"

# The interval: restart with the last report 297 s ago; the next one is
# due 3 s after start-up, from the running timer.
stop_esold
now=$(date +%s)
jq --argjson t $((now - 297)) '.supplies_last_sent = $t' "$T/state/state.json" >"$T/st.new"
mv "$T/st.new" "$T/state/state.json"
start_esold
[ "$(status_field supplies.enabled)" = "true" ] || fail "supplies state lost across restart"
next=$(status_field supplies.next_in_s)
[ "$next" -le 3 ] && [ "$next" -ge 1 ] || fail "next report in $next s, want 1..3"
wait_for 20 supplies_are 3 || fail "no interval report"
ledger list-supplies --json | jq -e '.[2].trigger == "interval"' >/dev/null \
	|| fail "third report: $(ledger list-supplies --json | jq '.[2]')"
next=$(status_field supplies.next_in_s)
[ "$next" -ge 290 ] || fail "after an interval report the next is in $next s"

# The server disables it: no more reports, state saved.
stop_esold
ledger set-device --device SIM0001 --supplies off
start_esold
p=$(polls)
ctl poll-now
wait_for 20 polled_ok_since "$p"
[ "$(status_field supplies.enabled)" = "false" ] || fail "not disabled by the server"
jq -e '.supplies_enabled == false' "$T/state/state.json" >/dev/null || fail "disable not saved"
supply_state "$T/root" 0 empty 0
ctl poll-now
sleep 2
supplies_are 3 || fail "a report while disabled"
stop_esold
log "ok"
