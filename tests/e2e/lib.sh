# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# shellcheck shell=sh
# lib.sh: helpers shared by the host end-to-end tests (sourced).
#
# Every test: `. tests/e2e/lib.sh; e2e_init NAME`.  It gets a private temp
# dir $T, and a trap that stops every process it started (by pid) and
# removes $T, however the test ends.  Only loopback addresses are used;
# ports are free ephemeral ones picked at run time.

set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
# The agent runs as built with ASan+UBSan; server and esolctl as built.
ESOLD=${ESOLD:-$TOP/build/san/bin/esold}
ESOLCTL=${ESOLCTL:-$TOP/build/bin/esolctl}
ESOL_SERVER=${ESOL_SERVER:-$TOP/build/bin/esol-server}
MKPKI=${MKPKI:-$TOP/scripts/mkpki.sh}
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# What an ASan/UBSan/LSan report starts with.
SAN_REPORT='runtime error:|ERROR: AddressSanitizer|ERROR: LeakSanitizer|SUMMARY: UndefinedBehaviorSanitizer'
# Never let a proxy from the environment route test traffic elsewhere.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

E2E_PIDS=""

log() { echo "[$(date +%H:%M:%S)] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

e2e_cleanup() {
	rc=$?
	for p in $E2E_PIDS; do
		kill -TERM "$p" 2>/dev/null || true
	done
	for p in $E2E_PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$p" 2>/dev/null || true
	done
	# A sanitizer report anywhere fails the test, even from an esold
	# that was killed (its exit status is never seen then).
	if [ -n "${T:-}" ] && grep -lE "$SAN_REPORT" "$T"/*.log >/dev/null 2>&1; then
		echo "FAIL: sanitizer report in $(grep -lE "$SAN_REPORT" "$T"/*.log | tr '\n' ' ')" >&2
		grep -hE -A20 "$SAN_REPORT" "$T"/*.log | head -n 60 >&2
		[ "$rc" -ne 0 ] || rc=1
	fi
	if [ "$rc" -ne 0 ] && [ -n "${T:-}" ]; then
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "---- $f (last 40 lines)"
			tail -n 40 "$f"
		done
	fi
	[ -n "${T:-}" ] && rm -rf "$T"
	exit "$rc"
}

e2e_init() {
	E2E_NAME=$1
	T=$(mktemp -d "/tmp/esol-e2e-$E2E_NAME.XXXXXX")
	trap e2e_cleanup EXIT
	trap 'exit 130' INT TERM
	for b in "$ESOLD" "$ESOLCTL" "$ESOL_SERVER"; do
		[ -x "$b" ] || fail "$b not built (make && make SAN=1 $b)"
	done
}

# Remember a pid for cleanup.
track() { E2E_PIDS="$E2E_PIDS $1"; }
untrack() {
	u_left=""
	for u_p in $E2E_PIDS; do [ "$u_p" = "$1" ] || u_left="$u_left $u_p"; done
	E2E_PIDS=$u_left
}

# A TCP port nobody uses, below the ephemeral range (scripts/free-port.sh).
free_port() { "$TOP/scripts/free-port.sh"; }

# wait_for SECONDS CMD...: run CMD every 0.1 s until it succeeds.
wait_for() {
	w_limit=$(( $1 * 10 ))
	shift
	w_i=0
	while ! "$@" >/dev/null 2>&1; do
		w_i=$((w_i + 1))
		[ $w_i -lt $w_limit ] || return 1
		sleep 0.1
	done
}

# ---- the sysfs-shaped tree esold reads with --root ----

# make_sysfs ROOT SERIAL: one engine printeng0 with seven meters and four
# toner supplies, like printeng_sim's default engine.
make_sysfs() {
	d="$1/sys/class/printeng/printeng0"
	mkdir -p "$d"
	echo "$2" >"$d/serial"
	echo "Esol Demo 9000" >"$d/model"
	echo "E1.02.3" >"$d/engine_fw"
	echo "C4.5.6" >"$d/controller_fw"
	echo 1 >"$d/generation"
	echo 0 >"$d/refused_updates"
	echo 12345 >"$d/impressions_total"
	echo 10000 >"$d/impressions_mono"
	echo 2345 >"$d/impressions_color"
	echo 4000 >"$d/impressions_duplex"
	echo 100 >"$d/impressions_large"
	echo 10345 >"$d/sheets_total"
	echo 2000 >"$d/sheets_duplex"
	k=0
	for c in black cyan magenta yellow; do
		s="$d/supply$k"
		mkdir -p "$s"
		echo toner >"$s/type"
		echo percent >"$s/unit"
		echo "$c" >"$s/colorant"
		echo "$c toner" >"$s/description"
		echo 80 >"$s/level"
		echo 100 >"$s/max_capacity"
		echo ok >"$s/state"
		echo 0 >"$s/replaced"
		k=$((k + 1))
	done
}

sysfs_dir() { echo "$1/sys/class/printeng/printeng0"; }

# Write a sysfs-tree file the way an update lands: a new file renamed
# into place, then the generation bumped.
sysfs_set() {
	f="$(sysfs_dir "$1")/$2"
	echo "$3" >"$f.new"
	mv "$f.new" "$f"
	g=$(cat "$(sysfs_dir "$1")/generation")
	echo $((g + 1)) >"$(sysfs_dir "$1")/generation.new"
	mv "$(sysfs_dir "$1")/generation.new" "$(sysfs_dir "$1")/generation"
}

# supply_state ROOT K STATE [LEVEL]
supply_state() {
	[ $# -lt 4 ] || sysfs_set "$1" "supply$2/level" "$4"
	sysfs_set "$1" "supply$2/state" "$3"
}

# ---- esol-server ----

# start_server [serve options...]: HTTPS on a free loopback port with the
# test PKI and client-certificate auth; sets PORT.  Bodies it receives
# are kept in $T/capture, its ledger is $T/ledger.db.
start_server() {
	"$MKPKI" "$T/pki" SIM0001 >/dev/null
	rm -f "$T/port"
	"$ESOL_SERVER" serve --listen 127.0.0.1:0 --port-file "$T/port" \
		--cert "$T/pki/server.crt" --key "$T/pki/server.key" \
		--client-ca "$T/pki/ca.crt" --db "$T/ledger.db" \
		--capture "$T/capture" --fault-file "$T/fault" \
		--foreground --log-level debug "$@" >>"$T/server.log" 2>&1 &
	SERVER_PID=$!
	track "$SERVER_PID"
	wait_for 10 test -s "$T/port" || fail "esol-server did not start"
	PORT=$(cat "$T/port")
	log "esol-server on 127.0.0.1:$PORT (pid $SERVER_PID)"
}

stop_server() {
	kill -TERM "$SERVER_PID" 2>/dev/null || true
	wait "$SERVER_PID" 2>/dev/null || true
	untrack "$SERVER_PID"
}

# server_fault SPEC: inject a fault from now on ("" to stop).
server_fault() {
	echo "${1:-none}" >"$T/fault.new"
	mv "$T/fault.new" "$T/fault"
}

# Ledger queries through the server's CLI.
ledger() { "$ESOL_SERVER" "$@" --db "$T/ledger.db"; }
reads_count() { ledger list-reads --json | grep -o '"read_id"' | wc -l; }
supplies_count() { ledger list-supplies --json | grep -o '"report_id"' | wc -l; }

# Captured request bodies of an endpoint ("meter-reads", "poll", "supplies").
captured() { ls "$T/capture" 2>/dev/null | grep -c -- "$1" || true; }

# ---- esold ----

# write_conf [extra INI lines...]: $T/esold.conf for the server on $PORT.
write_conf() {
	mkdir -p "$T/state" "$T/spool"
	{
		echo "[agent]"
		echo "enabled = true"
		echo "log_level = debug"
		echo "state_dir = $T/state"
		echo "[server]"
		echo "url = https://localhost:$PORT"
		echo "ca_file = $T/pki/ca.crt"
		echo "client_cert = $T/pki/device.crt"
		echo "client_key = $T/pki/device.key"
		echo "[schedule]"
		echo "poll_time = 03:00"
		echo "time_zone = UTC"
		echo "spread_minutes = 0"
		echo "[spool]"
		echo "dir = $T/spool"
		echo "[txlog]"
		echo "path = $T/state/txlog"
		echo "[control]"
		echo "socket = $T/ctl.sock"
		echo "group ="
		for l in "$@"; do echo "$l"; done
	} >"$T/esold.conf"
	# Polled "today" already: the daily schedule stays out of the way
	# and the tests poll with esolctl poll-now.
	[ -f "$T/state/state.json" ] || printf \
		'{"version":1,"supplies_enabled":false,"supplies_interval_s":0,"supplies_last_sent":0,"last_poll":%s,"last_poll_ok":0}\n' \
		"$(date +%s)" >"$T/state/state.json"
}

# start_esold: the ASan+UBSan esold in the foreground, reading $T/root.
start_esold() {
	rm -f "$T/ctl.sock"
	"$ESOLD" --foreground --verbose --config "$T/esold.conf" --root "$T/root" \
		>>"$T/esold.log" 2>&1 &
	ESOLD_PID=$!
	track "$ESOLD_PID"
	wait_for 20 test -S "$T/ctl.sock" || fail "esold did not start"
	log "esold running (pid $ESOLD_PID)"
}

# stop_esold: SIGTERM and wait; fails on a non-zero exit (ASan reports).
stop_esold() {
	kill -TERM "$ESOLD_PID"
	rc=0
	wait "$ESOLD_PID" || rc=$?
	untrack "$ESOLD_PID"
	[ "$rc" -eq 0 ] || fail "esold exited $rc"
}

# esold_conns: TCP connections esold holds to the server (any state).
esold_conns() {
	ss -Htnp state all "( dport = :$PORT )" | grep -c "pid=$ESOLD_PID," || true
}
no_conns() { [ "$(esold_conns)" -eq 0 ]; }

kill9_esold() {
	kill -KILL "$ESOLD_PID"
	wait "$ESOLD_PID" 2>/dev/null || true
	untrack "$ESOLD_PID"
}

ctl() { "$ESOLCTL" -s "$T/ctl.sock" "$@"; }

# status_field KEY: one field of `esolctl status --json` (top level or a.b).
status_field() {
	ctl --json status | jq -r ".$1"
}

# Conditions for wait_for (functions, so wait_for can call them).
reads_are() { [ "$(ledger list-reads --json | jq length)" -eq "$1" ]; }
supplies_are() { [ "$(ledger list-supplies --json | jq length)" -eq "$1" ]; }
supplies_at_least() { [ "$(ledger list-supplies --json | jq length)" -ge "$1" ]; }
spool_is() { [ "$(ctl --json status | jq .spool.count)" -eq "$1" ]; }
idle() { [ "$(ctl --json status | jq -r .transfer)" = null ]; }
captured_at_least() { [ "$(captured "$1")" -ge "$2" ]; }
polled_ok_since() {	# polled_ok_since COUNT: the poll counter passed COUNT
	[ "$(ctl --json status | jq .counters.polls)" -gt "$1" ]
}
polls() { ctl --json status | jq .counters.polls; }
# tx_at_least ENDPOINT N: the transmission log has N records for ENDPOINT.
tx_at_least() {
	[ "$(ctl --json log 1000 | jq --arg e "$1" '[.records[] | select(.endpoint == $e)] | length')" -ge "$2" ]
}

# strace_count SECONDS: the system calls esold makes in SECONDS (all its
# threads), for "never busy-loops" checks; -1 when strace cannot attach.
# (strace -c writes nothing at all for a process that made no call.)
strace_count() {
	: > "$T/strace.out"
	timeout -s INT "$1" strace -c -f -q -p "$ESOLD_PID" -o "$T/strace.out" \
		>/dev/null 2>"$T/strace.err" || true
	if grep -q "attach" "$T/strace.err"; then
		echo -1
		return
	fi
	awk '$NF == "total" { n = $4 } END { print n + 0 }' "$T/strace.out"
}

# ---- proxies and PAC files ----

# start_tinyproxy: tinyproxy on a free loopback port, allowed to CONNECT
# to the server on $PORT; sets PPORT, logs to $T/tinyproxy.log.
start_tinyproxy() {
	command -v tinyproxy >/dev/null || fail "tinyproxy not installed"
	PPORT=$(free_port)
	cat >"$T/tinyproxy.conf" <<CONF
Port $PPORT
Listen 127.0.0.1
Timeout 30
LogFile "$T/tinyproxy.log"
LogLevel Info
MaxClients 10
Allow 127.0.0.1
ConnectPort $PORT
DisableViaHeader Yes
CONF
	tinyproxy -d -c "$T/tinyproxy.conf" >"$T/tinyproxy.out" 2>&1 &
	track $!
	wait_for 10 sh -c "grep -qi listening '$T/tinyproxy.log'" || fail "tinyproxy did not start"
}
# connects: the CONNECTs tinyproxy has logged.
connects() { grep -c CONNECT "$T/tinyproxy.log" || true; }

# serve_pac FILE: FILE (a PAC script) served over plain http by busybox
# httpd on a free loopback port; sets PAC_URL.
serve_pac() {
	HPORT=$(free_port)
	mkdir -p "$T/www"
	cp "$1" "$T/www/proxy.pac"
	busybox httpd -f -p "127.0.0.1:$HPORT" -h "$T/www" &
	track $!
	PAC_URL="http://127.0.0.1:$HPORT/proxy.pac"
	wait_for 10 sh -c "busybox wget -q -O - $PAC_URL >/dev/null" || fail "httpd did not start"
}
