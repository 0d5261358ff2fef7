#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: settings never strand a device (issue 11, section 3).
#  - The shipped example config (participation off, no server URL), with
#    only its paths moved under the test dir, starts esold: it idles and
#    answers esolctl; enabling without a URL is refused with a message
#    naming what to set.
#  - For every key the file has, a bad value (and for some keys a value
#    that parses but cannot work: a CA file that is not PEM, a client key
#    that is not the certificate's, a directory that is not there) is
#    refused, and neither the file (byte for byte) nor the running agent
#    (its status) changes.
#  - Then the server is set, participation enabled, and a poll goes out.
. "$(dirname "$0")/lib.sh"
e2e_init factory

make_sysfs "$T/root" SIM0001
start_server --supplies off
mkdir -p "$T/state" "$T/spool"
# The example as shipped: only where things live changes (and no group,
# which the init files create on a device).
sed -e "s|^state_dir = .*|state_dir = $T/state|" \
    -e "s|^dir = .*|dir = $T/spool|" \
    -e "s|^path = .*|path = $T/state/txlog.jsonl|" \
    -e "s|^socket = .*|socket = $T/ctl.sock|" \
    -e "s|^group = .*|group =|" \
    "$TOP/userspace/agent/init/esold.conf" >"$T/esold.conf"
grep -q '^enabled = false' "$T/esold.conf" || fail "the example is not off"
grep -q '^url =$' "$T/esold.conf" || fail "the example has a server URL"
start_esold
kill -0 "$ESOLD_PID" || fail "esold exited with the factory config"
ctl --json status | jq -e '.enabled == false and .server == null and .not_sending == null' \
	>/dev/null || fail "factory status: $(ctl --json status)"
ctl status >/dev/null || fail "status text"

cp "$T/esold.conf" "$T/before.conf"
rc=0; ctl enable 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "enable without a server: exit $rc"
grep -q "server.url" "$T/err" || fail "enable refusal does not say what to set: $(cat "$T/err")"
cmp -s "$T/esold.conf" "$T/before.conf" || fail "a refused enable changed the file"
rc=0; ctl poll-now 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "poll-now while off: exit $rc"
sleep 1
[ "$(grep -c "POST /v1/" "$T/server.log" || true)" -eq 0 ] || fail "traffic from a factory device"

# Values for the tests below.
NO_SERVER=1
printf 'not a certificate\n' >"$T/notpem.txt"
"$MKPKI" "$T/pki2" OTHER0001 >/dev/null	# another device's key

# bad_values KEY: values that must be refused for KEY, one per line.
bad_values() {
	case "$1" in
	agent.enabled) printf '%s\n' maybe; if [ -n "$NO_SERVER" ]; then echo true; fi ;;
	agent.log_level) printf '%s\n' loud ;;
	agent.state_dir) printf '%s\n' relative/dir "$T/no/such/dir" "$T/notpem.txt" ;;
	server.url) printf '%s\n' http://localhost:1/ "https://user:pw@localhost/" "not a url" ;;
	server.ca_file) printf '%s\n' relative.pem "$T/missing.pem" "$T/notpem.txt" ;;
	server.pin) printf '%s\n' sha256//short md5//AAAA ;;
	# Alone: without its key (no server yet), or not the key's (then).
	server.client_cert) printf '%s\n' "$T/pki2/device.crt" "$T/notpem.txt" ;;
	server.client_key) printf '%s\n' "$T/pki2/device.key" "$T/notpem.txt" ;;
	schedule.poll_time) printf '%s\n' 25:00 7:5 ;;
	schedule.time_zone) printf '%s\n' Mars/Olympus CET-1CEST ;;
	schedule.spread_minutes) printf '%s\n' 721 -1 ;;
	proxy.mode) printf '%s\n' sometimes manual ;;	# manual: no host, no port
	proxy.host) printf '%s\n' -bad.example "a b" ;;
	proxy.port) printf '%s\n' 0 70000 ;;
	proxy.credentials_file) printf '%s\n' relative.creds ;;
	proxy.pac_url) printf '%s\n' ftp://wpad/wpad.dat ;;
	spool.dir) printf '%s\n' spool "$T/no/such/parent/spool" "$T/notpem.txt/spool" ;;
	spool.max_count) printf '%s\n' 0 100001 ;;
	spool.max_bytes) printf '%s\n' 1K 2G ;;
	txlog.path) printf '%s\n' txlog "$T/no/such/dir/txlog" ;;
	txlog.max_bytes) printf '%s\n' 1K 5G ;;
	control.socket) printf '%s\n' ctl.sock "$T/no/such/dir/ctl.sock" ;;
	control.group) printf '%s\n' no_such_group_e2e "Bad Group" ;;
	control.read_socket) printf '%s\n' ro.sock "$T/no/such/dir/ro.sock" ;;
	control.read_group) printf '%s\n' no_such_group_e2e "Bad Group" ;;
	*) return 1 ;;
	esac
}

# status_now: the agent's status without what moves by itself.
status_now() { ctl --json status | jq -S 'del(.supplies.next_in_s, .retry_in_s)'; }

# try_all: every key of the file (section.name), each bad value refused,
# nothing changed.
try_all() {
	cp "$T/esold.conf" "$T/before.conf"
	status_now >"$T/status.before"
	n=0
	for key in $(awk '/^\[/ { s = substr($0, 2, length($0) - 2) }
			  /^[a-z_]+ *=/ { sub(/ *=.*/, ""); print s "." $0 }' "$T/before.conf"); do
		vals=$(bad_values "$key") || fail "no bad value to try for $key"
		echo "$vals" | while IFS= read -r v; do
			rc=0
			ctl set "$key" "$v" >"$T/out" 2>"$T/err" || rc=$?
			[ "$rc" -eq 1 ] || fail "set $key '$v' accepted (exit $rc): $(cat "$T/out")"
			cmp -s "$T/esold.conf" "$T/before.conf" ||
				fail "refused set $key '$v' changed the file: $(diff "$T/before.conf" "$T/esold.conf")"
			echo "  $key '$v': $(cat "$T/err")"
		done
		n=$((n + 1))
	done
	[ "$n" -ge 25 ] || fail "only $n keys found in the file"
	status_now >"$T/status.after"
	cmp -s "$T/status.before" "$T/status.after" ||
		fail "refused sets changed the agent: $(diff "$T/status.before" "$T/status.after")"
	log "$n keys: every bad value refused, file and agent unchanged"
}
try_all

# A server: set (with its CA and the client certificate and key, together).
ctl set server.url "https://localhost:$PORT" server.ca_file "$T/pki/ca.crt" \
	server.client_cert "$T/pki/device.crt" server.client_key "$T/pki/device.key"
grep -q "^url = https://localhost:$PORT" "$T/esold.conf" || fail "url not saved"
NO_SERVER=

# What parses but cannot work is refused too: a key of another device.
cp "$T/esold.conf" "$T/before.conf"
rc=0; ctl set server.client_cert "$T/pki/device.crt" server.client_key "$T/pki2/device.key" \
	2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "mismatched key accepted"
grep -q "not the key of the certificate" "$T/err" || fail "mismatch message: $(cat "$T/err")"
rc=0; ctl set server.client_cert "$T/notpem.txt" server.client_key "$T/pki/device.key" \
	2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || fail "a certificate that is not PEM accepted"
cmp -s "$T/esold.conf" "$T/before.conf" || fail "refused TLS settings changed the file"
try_all

# Now participation can be turned on, and the device polls.
ctl enable
grep -q '^enabled = true' "$T/esold.conf" || fail "enabled not saved"
ctl poll-now
wait_for 20 polled_ok_since 0 || fail "no poll after enabling: $(ctl status)"

# A start-up key is saved for the next start; the running one is kept.
mkdir -p "$T/state2"
ctl set agent.state_dir "$T/state2" | grep -q "next start" || fail "state_dir reply"
ctl --json status | jq -e '.restart_pending == true' >/dev/null || fail "restart_pending"
# A file edited by hand whose next start would fail is not taken on reload.
sed -i "s|^state_dir = .*|state_dir = $T/no/such/state|" "$T/esold.conf"
rc=0; ctl reload 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "agent.state_dir" "$T/err" || fail "reload of a stranding file: $rc $(cat "$T/err")"
stop_esold
log "ok"
