#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: the control socket and esolctl: status (text and --json), set with
# validation and atomic persistence, reload (a broken file is refused and
# the running config kept), log, spool list, exit codes, socket
# mode, a second esold refused.
. "$(dirname "$0")/lib.sh"
e2e_init control

make_sysfs "$T/root" SIM0001
start_server --supplies off
write_conf
start_esold

[ "$(stat -c %a "$T/ctl.sock")" = 660 ] || fail "socket mode $(stat -c %a "$T/ctl.sock")"
ctl status | grep -Eq '^enabled +yes' || fail "status text: $(ctl status)"
ctl --json status | jq -e '.enabled == true and .spool.count == 0 and .timezone == "UTC"' \
	>/dev/null || fail "status json: $(ctl --json status)"

# set: validated, saved atomically, applied.
ctl set poll_time 04:30
grep -Eq '^poll_time *= *04:30' "$T/esold.conf" || fail "poll_time not saved"
[ "$(status_field poll_time)" = "04:30" ] || fail "poll_time not applied"
ctl set timezone Europe/Berlin
[ "$(status_field timezone)" = "Europe/Berlin" ] || fail "timezone not applied"
rc=0; ctl set poll_time 25:99 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "bad poll_time: exit $rc"
grep -q "poll_time" "$T/err" || fail "bad poll_time message: $(cat "$T/err")"
grep -Eq '^poll_time *= *04:30' "$T/esold.conf" || fail "bad value reached the file"
rc=0; ctl set timezone Mars/Olympus 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "bad timezone: exit $rc"
rc=0; ctl set no_such_key 1 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "unknown key: exit $rc"

# reload: a broken file is refused, the running config kept.
cp "$T/esold.conf" "$T/good.conf"
echo "this is not ini" >>"$T/esold.conf"
rc=0; ctl reload 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "broken reload: exit $rc"
cat "$T/err"
[ "$(status_field poll_time)" = "04:30" ] || fail "running config lost"
kill -HUP "$ESOLD_PID"
sleep 0.5
kill -0 "$ESOLD_PID" || fail "esold died on SIGHUP with a broken file"
cp "$T/good.conf" "$T/esold.conf"
sed -i 's/^poll_time *=.*/poll_time = 05:15/' "$T/esold.conf"
ctl reload
[ "$(status_field poll_time)" = "05:15" ] || fail "reload not applied"

# log and spool on an idle agent.
ctl --json log 5 | jq -e '.records | length == 0' >/dev/null || fail "log not empty"
ctl spool list | grep -q "spool is empty" || fail "spool list"

# esolctl escapes what it prints: a record holding a terminal escape, a
# newline that would forge a line, and a bidi override (as a hostile
# server's reply would put there) reaches the terminal as text.
printf '%s\n' '{"time":"2026-01-01T00:00:00Z","endpoint":"/v1/poll","status":200,"result":"ok\u001b]0;pwned\u0007\nforged: line","sent":"{}","received":"{\"x\":\"\u001b[2J\u202e\"}"}' \
	>>"$T/state/txlog"
ctl log 1 >"$T/out"
! grep -q "$(printf '\033')" "$T/out" || fail "esolctl log printed a raw ESC: $(od -c "$T/out" | head)"
! grep -q '^forged' "$T/out" || fail "esolctl log let a newline forge a line"
grep -qF 'ok\x1b]0;pwned\x07\nforged: line' "$T/out" || fail "esolctl log: $(cat "$T/out")"
grep -qF '\u{202E}' "$T/out" || fail "esolctl log kept a bidi override: $(cat "$T/out")"
ctl --json log 1 | grep -qiF '\u001b]0;pwned' || fail "esolctl --json log"
! ctl --json log 1 | grep -q "$(printf '\033')" || fail "esolctl --json printed a raw ESC"

# (Malformed requests on the raw socket are covered by test_control.)

# esolctl exit codes: usage 2, unreachable 3.
rc=0; ctl frobnicate 2>/dev/null || rc=$?
[ "$rc" -eq 2 ] || fail "usage error: exit $rc"
rc=0; "$ESOLCTL" -s "$T/nope.sock" status 2>/dev/null || rc=$?
[ "$rc" -eq 3 ] || fail "unreachable: exit $rc"

# Another esold on the same socket refuses to start.
rc=0; "$ESOLD" --foreground --config "$T/esold.conf" --root "$T/root" >"$T/second.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "a second esold started"
grep -q "another esold" "$T/second.log" || fail "second esold: $(cat "$T/second.log")"
stop_esold
[ ! -e "$T/ctl.sock" ] || fail "socket left behind"
log "ok"
