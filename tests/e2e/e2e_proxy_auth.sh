#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: a second real proxy, squid, that demands Basic authentication.
# Without credentials esold's poll is refused with 407 and the agent says
# so (proxy authentication, not "network"), backing off; with the
# credentials file (user:password, mode 0600) the same poll goes through,
# and squid's access log names the user; so it does with the credentials
# an operator sets over the control socket (esolctl proxy-credentials
# set, esold's own file).  Then the proxy goes down: the
# poll fails as a proxy error and esold does not busy-loop (its system
# calls counted); when the proxy returns, one poll catches up.
. "$(dirname "$0")/lib.sh"
e2e_init proxy_auth
command -v squid >/dev/null || fail "squid not installed (scripts/install-deps.sh)"
[ -x /usr/lib/squid/basic_ncsa_auth ] || fail "squid's basic_ncsa_auth missing"

make_sysfs "$T/root" SIM0001
start_server --supplies off

# squid drops to its own user: its files live in a directory it can use.
S=$T/squid
mkdir -p "$S"
chmod 0755 "$T"
chmod 0777 "$S"
SPORT=$(free_port)
printf 'esol:%s\n' "$(openssl passwd -apr1 's3cret-pass')" > "$S/passwd"
chmod 0644 "$S/passwd"
cat > "$S/squid.conf" <<CONF
http_port 127.0.0.1:$SPORT
pid_filename $S/squid.pid
cache deny all
cache_mem 8 MB
access_log stdio:$S/access.log
cache_log $S/cache.log
coredump_dir $S
auth_param basic program /usr/lib/squid/basic_ncsa_auth $S/passwd
auth_param basic realm esol-test
auth_param basic children 2
acl authed proxy_auth REQUIRED
acl esol_port port $PORT
acl CONNECT method CONNECT
http_access deny CONNECT !esol_port
http_access allow authed
http_access deny all
shutdown_lifetime 1 seconds
CONF
squid -N -f "$S/squid.conf" > "$T/squid.log" 2>&1 &
SQUID_PID=$!
track "$SQUID_PID"
wait_for 30 sh -c "ss -Hltn 'sport = :$SPORT' | grep -q LISTEN" ||
	fail "squid did not start: $(cat "$T/squid.log" "$S/cache.log" 2>/dev/null | tail -n 20)"
log "squid on 127.0.0.1:$SPORT (Basic auth)"

# --- no credentials: 407, said as such
write_conf "[proxy]" "mode = manual" "host = 127.0.0.1" "port = $SPORT"
start_esold
ctl poll-now >/dev/null
wait_for 30 sh -c "$ESOLCTL -s '$T/ctl.sock' status | grep -qi '407\|proxy auth'" ||
	fail "no proxy-authentication error shown: $(ctl status)"
log "without credentials: $(status_field last_error)"
grep -q "TCP_DENIED/407" "$S/access.log" || fail "squid saw no 407: $(cat "$S/access.log")"
[ "$(reads_count)" -eq 0 ] || fail "a read went through without credentials"
stop_esold

# --- with credentials: the poll goes through, as user esol
printf 'esol:s3cret-pass\n' > "$T/proxy.creds"
chmod 0600 "$T/proxy.creds"
write_conf "[proxy]" "mode = manual" "host = 127.0.0.1" "port = $SPORT" \
	"credentials_file = $T/proxy.creds"
start_esold
p=$(polls)
ctl poll-now >/dev/null
wait_for 30 polled_ok_since "$p" || fail "poll through squid with credentials failed: $(ctl status)"
wait_for 30 reads_are 1 || fail "no read through squid: $(ctl status)"
# (squid logs a tunnel when it closes: esold closes an idle connection
# after 20 s)
wait_for 60 grep -q "TCP_TUNNEL/200 .* esol " "$S/access.log" ||
	fail "squid's log does not show user esol tunnelling: $(tail -n 5 "$S/access.log")"
status_field proxy.last_used | grep -q "127.0.0.1:$SPORT" || fail "status proxy: $(status_field proxy.last_used)"
log "with credentials: read stored, squid logged user esol"
# The password never reaches a log, the status or the transmission log.
if grep -rq 's3cret-pass' "$T"/*.log "$T/state" 2>/dev/null || ctl status | grep -q 's3cret-pass' ||
	ctl log 20 | grep -q 's3cret-pass'; then
	fail "the proxy password leaked into a log or the status"
fi

# --- the same credentials set by an operator's request (esolctl
# proxy-credentials set, the web page's way): esold's own file, no
# credentials_file in the config
stop_esold
write_conf "[proxy]" "mode = manual" "host = 127.0.0.1" "port = $SPORT"
start_esold
[ "$(status_field proxy.credentials)" = "not set" ] || fail "credentials before set: $(ctl status)"
printf 's3cret-pass\n' | ctl proxy-credentials set esol > "$T/out" ||
	fail "proxy-credentials set: $(cat "$T/out")"
grep -q "proxy credentials saved (user esol)" "$T/out" || fail "reply: $(cat "$T/out")"
[ "$(stat -c %a "$T/state/proxy-credentials")" = 600 ] ||
	fail "own credentials file mode $(stat -c %a "$T/state/proxy-credentials")"
[ "$(status_field proxy.credentials_from)" = esold ] || fail "status: $(ctl status)"
ok_before=$(grep -c "TCP_TUNNEL/200 .* esol " "$S/access.log")
p=$(polls)
ctl poll-now >/dev/null
wait_for 30 polled_ok_since "$p" || fail "no poll through squid after proxy-credentials set: $(ctl status)"
wait_for 60 sh -c "[ \$(grep -c 'TCP_TUNNEL/200 .* esol ' '$S/access.log') -gt $ok_before ]" ||
	fail "squid's log shows no new tunnel as user esol: $(tail -n 5 "$S/access.log")"
log "credentials set by an operator's request: through the 407 as user esol"
if grep -rq 's3cret-pass' "$T"/*.log 2>/dev/null ||
	grep -rlq 's3cret-pass' --exclude=proxy-credentials "$T/state" 2>/dev/null ||
	ctl status | grep -q 's3cret-pass' || ctl log 20 | grep -q 's3cret-pass'; then
	fail "the proxy password leaked into a log or the status"
fi

# --- the proxy goes down: a network error, no busy loop
kill -TERM "$SQUID_PID"
wait "$SQUID_PID" 2>/dev/null
untrack "$SQUID_PID"
wait_for 10 sh -c "! ss -Hltn 'sport = :$SPORT' | grep -q LISTEN" || fail "squid did not stop"
ctl poll-now >/dev/null
wait_for 30 sh -c "$ESOLCTL -s '$T/ctl.sock' --json status | jq -e '.last_error != null and .last_error != \"-\"' >/dev/null" ||
	fail "no error with the proxy down: $(ctl status)"
log "proxy down: $(status_field last_error)"
n=$(strace_count 10)
log "system calls in 10 s with the proxy down: $n"
[ "$n" -ge 0 ] || fail "strace could not count esold's system calls"
[ "$n" -lt 400 ] || fail "esold busy-loops with the proxy down: $n system calls in 10 s"
# --- the proxy returns: one poll catches up
squid -N -f "$S/squid.conf" > "$T/squid.log" 2>&1 &
SQUID_PID=$!
track "$SQUID_PID"
wait_for 30 sh -c "ss -Hltn 'sport = :$SPORT' | grep -q LISTEN" || fail "squid did not restart"
p=$(polls)
ctl poll-now >/dev/null
wait_for 30 polled_ok_since "$p" || fail "no poll after the proxy came back: $(ctl status)"
[ "$(polls)" -eq $((p + 1)) ] || fail "catching up took $(( $(polls) - p )) polls, not one"
log "proxy back: caught up in one poll"
stop_esold
echo "PASS"
