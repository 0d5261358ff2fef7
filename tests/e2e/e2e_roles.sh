#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: who may do what on the control socket (issue 12, section 1), with
# real unprivileged users made here (as root; skipped otherwise):
#  - a user outside the socket's group cannot connect at all;
#  - a member reads (status, log, spool list) and operates (enable,
#    disable, poll time, time zone, proxy and its credentials, poll-now,
#    reload), and is
#    refused -- with esold's own words, file unchanged -- every key that
#    decides where data goes or how the server is proved, and spool
#    clear; a set mixing both kinds is refused whole;
#  - a reader (a member of control.read_group, on control.read_socket)
#    reads the status, the log and the spool list there and is refused
#    every change in esold's words; the reader cannot reach the control
#    socket, an operator outside read_group cannot reach the read socket,
#    and root operates through either;
#  - root does all of it; every change is logged with the uid;
#  - a client that sends nothing is dropped after the idle time, one user
#    cannot take every slot, the last slots are root's, and esolctl
#    prints the refusal ("busy ...") rather than a broken pipe.
. "$(dirname "$0")/lib.sh"
e2e_init roles

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: e2e_roles needs root to create the test users (useradd); run it as root"
	exit 0
fi

GRP=esole2e_ctl
RGRP=esole2e_read
USERS="esole2e_op1 esole2e_op2 esole2e_op3 esole2e_out esole2e_rd"
roles_cleanup() {
	for u in $USERS; do userdel "$u" 2>/dev/null || true; done
	groupdel "$GRP" 2>/dev/null || true
	groupdel "$RGRP" 2>/dev/null || true
}
trap 'rc0=$?; roles_cleanup; (exit $rc0); e2e_cleanup' EXIT
roles_cleanup
groupadd "$GRP"
for u in esole2e_op1 esole2e_op2 esole2e_op3; do
	useradd -M -N -g "$GRP" -s /usr/sbin/nologin "$u"
done
useradd -M -N -g nogroup -s /usr/sbin/nologin esole2e_out
groupadd "$RGRP"
useradd -M -N -g "$RGRP" -s /usr/sbin/nologin esole2e_rd

# What the users run must be reachable by them.
chmod 0711 "$T"
cp "$ESOLCTL" "$T/esolctl"
cc -O1 -o "$T/ctl_hold" "$TOP/tests/e2e/ctl_hold.c" || fail "cannot build ctl_hold"
chmod 0755 "$T/esolctl" "$T/ctl_hold"

as_user() { u=$1; shift; setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups "$@"; }
uctl() { u=$1; shift; as_user "$u" "$T/esolctl" -s "$T/ctl.sock" "$@"; }
rctl() { u=$1; shift; as_user "$u" "$T/esolctl" -s "$T/ro.sock" "$@"; }
hold() { u=$1; shift; as_user "$u" "$T/ctl_hold" "$T/ctl.sock" "$@"; }

make_sysfs "$T/root" SIM0001
start_server --supplies off
write_conf
sed -i "s/^group =.*/group = $GRP/" "$T/esold.conf"
printf 'read_socket = %s\nread_group = %s\n' "$T/ro.sock" "$RGRP" >>"$T/esold.conf"
start_esold
[ "$(stat -c %G:%a "$T/ctl.sock")" = "$GRP:660" ] || fail "socket $(stat -c %G:%a "$T/ctl.sock")"
wait_for 10 test -S "$T/ro.sock" || fail "no read-only socket"
[ "$(stat -c %G:%a "$T/ro.sock")" = "$RGRP:660" ] || fail "ro socket $(stat -c %G:%a "$T/ro.sock")"
OP1=$(id -u esole2e_op1)

# ---- a user outside the group: not even a connection ----
rc=0; uctl esole2e_out status 2>"$T/err" || rc=$?
[ "$rc" -eq 3 ] && grep -q "Permission denied" "$T/err" || fail "outsider: exit $rc $(cat "$T/err")"

# ---- a member: reads and operates ----
uctl esole2e_op1 status >/dev/null || fail "member: status"
uctl esole2e_op1 --json status | jq -e '.enabled == true' >/dev/null || fail "member: status json"
uctl esole2e_op1 log 5 >/dev/null || fail "member: log"
uctl esole2e_op1 spool list >/dev/null || fail "member: spool list"
uctl esole2e_op1 disable || fail "member: disable"
grep -q '^enabled = false' "$T/esold.conf" || fail "disable not saved"
uctl esole2e_op1 enable || fail "member: enable"
uctl esole2e_op1 set poll_time 05:45 || fail "member: poll_time"
uctl esole2e_op1 set timezone Europe/Paris || fail "member: timezone"
uctl esole2e_op1 set spread_minutes 30 || fail "member: spread"
uctl esole2e_op1 set log_level debug || fail "member: log_level"
uctl esole2e_op1 set proxy_host proxy.example proxy_port 3128 || fail "member: proxy host/port"
uctl esole2e_op1 set proxy none || fail "member: proxy mode"
uctl esole2e_op1 poll-now || fail "member: poll-now"
uctl esole2e_op1 reload || fail "member: reload"
grep -Eq "uid $OP1 pid [0-9]+ set schedule.poll_time = 05:45" "$T/esold.log" ||
	fail "the change is not logged with the uid"
[ "$(status_field poll_time)" = 05:45 ] || fail "poll_time not applied"
# The manual proxy's credentials: an operator's request, esold's own file.
printf 'op-s3cret\n' | uctl esole2e_op1 proxy-credentials set opuser >"$T/out" 2>&1 ||
	fail "member: proxy-credentials set: $(cat "$T/out")"
[ "$(stat -c %a "$T/state/proxy-credentials")" = 600 ] || fail "own credentials file mode"
[ "$(stat -c %u "$T/state/proxy-credentials")" = "$(id -u)" ] ||
	fail "own credentials file not owned by esold's user"
[ "$(status_field proxy.user)" = opuser ] || fail "member: credentials not in status"
grep -Eq "uid $OP1 pid [0-9]+ set the proxy credentials: user opuser" "$T/esold.log" ||
	fail "the credentials change is not logged with the uid"
rc=0; printf 'x\n' | uctl esole2e_op1 proxy-credentials set 'op:user' 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "invalid_value: user: must not contain ':'" "$T/err" ||
	fail "member: a bad user name: exit $rc $(cat "$T/err")"
rc=0; printf 'x\n' | uctl esole2e_out proxy-credentials set outsider 2>"$T/err" || rc=$?
[ "$rc" -eq 3 ] || fail "outsider: proxy-credentials set exit $rc"
uctl esole2e_op1 proxy-credentials clear >/dev/null || fail "member: proxy-credentials clear"
[ ! -e "$T/state/proxy-credentials" ] || fail "member: credentials file not removed"
if grep -q 'op-s3cret' "$T/esold.log" || ctl status | grep -q 'op-s3cret'; then
	fail "the proxy password is in the log or the status"
fi

# ... and is refused what decides where data goes, file unchanged.
"$MKPKI" "$T/pki2" OTHER0001 >/dev/null
mkdir -p "$T/other"
cp "$T/esold.conf" "$T/before.conf"
refused() {	# refused ARGS...: a member's esolctl ARGS is refused
	rc=0
	uctl esole2e_op1 "$@" >"$T/out" 2>"$T/err" || rc=$?
	[ "$rc" -eq 1 ] || fail "member: '$*' exit $rc: $(cat "$T/out" "$T/err")"
	grep -q "permission_denied: .*only root may do this" "$T/err" ||
		fail "member: '$*' refusal: $(cat "$T/err")"
	cmp -s "$T/esold.conf" "$T/before.conf" || fail "member: '$*' changed the file"
}
refused set server_url https://evil.example/
refused set server.url "https://localhost:$PORT"	# even the same value
refused set server.ca_file "$T/pki2/ca.crt"
refused set server.pin "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
refused set server.client_cert "$T/pki2/device.crt" server.client_key "$T/pki2/device.key"
refused set proxy.credentials_file "$T/other/creds"
refused set agent.state_dir "$T/other"
refused set spool.dir "$T/other"
refused set spool.max_count 1
refused set spool.max_bytes 16K
refused set txlog.path "$T/other/txlog"
refused set txlog.max_bytes 16K
refused set control.socket "$T/other/ctl.sock"
refused set control.group nogroup
refused set poll_time 06:00 server.url https://evil.example/	# mixed: refused whole
refused spool clear
[ "$(status_field poll_time)" = 05:45 ] || fail "a refused mixed set changed the agent"
grep -Eq "control: uid $OP1 pid [0-9]+: set server.url refused: not root" "$T/esold.log" ||
	fail "refusals are not logged with the uid"

# ---- a reader: the read-only socket ----
RD=$(id -u esole2e_rd)
rctl esole2e_rd status >/dev/null || fail "reader: status"
rctl esole2e_rd --json status | jq -e '.enabled == true' >/dev/null || fail "reader: status json"
rctl esole2e_rd log 5 >/dev/null || fail "reader: log"
rctl esole2e_rd spool list >/dev/null || fail "reader: spool list"
cp "$T/esold.conf" "$T/before.conf"
rrefused() {	# rrefused ARGS...: the reader's esolctl ARGS is refused
	rc=0
	rctl esole2e_rd "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	[ "$rc" -eq 1 ] || fail "reader: '$*' exit $rc: $(cat "$T/out" "$T/err")"
	grep -q "permission_denied: .*this is the read-only socket" "$T/err" ||
		fail "reader: '$*' refusal: $(cat "$T/err")"
	cmp -s "$T/esold.conf" "$T/before.conf" || fail "reader: '$*' changed the file"
}
rrefused disable
rrefused set poll_time 06:15
rrefused set proxy none
rrefused poll-now
rrefused reload
rrefused spool clear
rrefused proxy-credentials clear
[ "$(status_field poll_time)" = 05:45 ] || fail "a reader changed the agent"
grep -Eq "control: uid $RD pid [0-9]+: set refused: read-only socket" "$T/esold.log" ||
	fail "the reader's refusal is not logged with the uid"
rc=0; uctl esole2e_rd status 2>"$T/err" || rc=$?
[ "$rc" -eq 3 ] && grep -q "Permission denied" "$T/err" ||
	fail "reader on the control socket: exit $rc $(cat "$T/err")"
rc=0; rctl esole2e_op1 status 2>"$T/err" || rc=$?
[ "$rc" -eq 3 ] && grep -q "Permission denied" "$T/err" ||
	fail "operator outside read_group on the read socket: exit $rc $(cat "$T/err")"
"$ESOLCTL" -s "$T/ro.sock" set spool.max_count 299 | grep -q saved ||
	fail "root through the read-only socket"

# ---- root: everything ----
ctl set spool.max_count 300 | grep -q saved || fail "root: spool.max_count"
ctl spool clear >/dev/null || fail "root: spool clear"

# ---- nobody keeps a slot by saying nothing ----
out=$(hold esole2e_op1 12)
echo "$out" | grep -q '"error":"timeout"' || fail "idle client not told: $out"
ms=$(echo "$out" | sed -n 's/^closed after \([0-9]*\) ms$/\1/p')
[ -n "$ms" ] && [ "$ms" -ge 4000 ] && [ "$ms" -le 10000 ] || fail "idle client: $out"
log "an idle client was dropped after $ms ms"

# ---- one user cannot take every slot; the last ones are root's ----
HOLDS=""
for i in 1 2 3; do hold esole2e_op1 4 >"$T/hold1.$i" & HOLDS="$HOLDS $!"; done
sleep 1
rc=0; uctl esole2e_op1 status >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a 4th connection of one user: exit $rc $(cat "$T/out")"
grep -q "busy: uid $OP1 already has 3 control connections open" "$T/err" ||
	fail "per-user refusal not shown: $(cat "$T/err")"
uctl esole2e_op2 status >/dev/null || fail "another member locked out by one user"
for i in 1 2 3; do hold esole2e_op2 3 >"$T/hold2.$i" & HOLDS="$HOLDS $!"; done
sleep 0.5
rc=0; uctl esole2e_op3 status >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a member past the shared slots: exit $rc"
grep -q "busy: too many control clients .*kept for root" "$T/err" ||
	fail "shared-slot refusal not shown: $(cat "$T/err")"
! grep -qi "broken pipe" "$T/err" || fail "esolctl printed a broken pipe"
ctl status >/dev/null || fail "root locked out"
for p in $HOLDS; do wait "$p"; done
for f in "$T"/hold1.* "$T"/hold2.*; do
	grep -q "open after" "$f" || fail "a held connection was refused: $(cat "$f")"
done
uctl esole2e_op1 status >/dev/null || fail "slots not freed"

stop_esold
log "ok"
