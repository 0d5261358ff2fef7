#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# bench/idle: esold's footprint when idle and per poll, next to collectd's
# (one read plugin, write_http to HTTPS on loopback every 10 s), on this
# machine, in one run.  Figures only: nothing here passes or fails.
#
#   1. esol-server on loopback with the test PKI (scripts/mkpki.sh, client
#      certificates), esold (the plain build) against it reading a
#      sysfs-shaped tree; its start-up exchange (a poll that gets a meter
#      read requested, the read) is run and waited for.
#   2. 60 s idle: VmRSS/RssAnon (/proc/PID/status) at the start and end,
#      and `strace -c -f -p PID` over the 60 s.
#   3. one poll (`esolctl poll-now`): esolctl's system calls (strace -c),
#      esold's for that exchange (strace -c -f -p from the request until
#      it is back in epoll_wait), and the bytes: HTTP as curl counts them
#      (the transmission log), TCP payload (ss: bytes_sent/bytes_received
#      of esold's connections) and at IP level (payload + 52 B/segment:
#      IPv4 20 + TCP 20 + timestamps 12).
#   4. collectd (collectd-core) with `load` and `write_http` (posting JSON
#      to the same server; it answers 401 without a client certificate,
#      which costs collectd the same work), Interval 10: after its first
#      post, the same 60 s measures.
# Usage: bench/idle.sh [SECONDS] (default 60).  Needs root for strace -p.
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
SECS=${1:-60}
ESOLD=${ESOLD:-$TOP/build/bin/esold}
ESOLCTL=${ESOLCTL:-$TOP/build/bin/esolctl}
ESOL_SERVER=${ESOL_SERVER:-$TOP/build/bin/esol-server}
for b in "$ESOLD" "$ESOLCTL" "$ESOL_SERVER"; do
	[ -x "$b" ] || { echo "bench-idle: $b not built (make userspace)" >&2; exit 1; }
done
for c in strace collectd ss jq; do
	command -v "$c" >/dev/null || { echo "bench-idle: $c missing (scripts/install-deps.sh)" >&2; exit 1; }
done
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

T=$(mktemp -d /tmp/esol-bench-idle.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench-idle: $*" >&2; }
wait_for() {	# wait_for SECONDS CMD...
	w=$(( $1 * 10 )); shift
	while ! "$@" >/dev/null 2>&1; do
		w=$((w - 1)); [ "$w" -gt 0 ] || return 1; sleep 0.1
	done
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
# strace -c summary file -> total calls (0 when the table is empty)
calls() { awk '$NF == "total" { print $(NF-2); f = 1 } END { if (!f) print 0 }' "$1"; }
# The syscalls of a summary, "name count" most frequent first, on one line.
top_calls() {
	awk '/^-/ { n++; next } n == 1 && NF >= 5 { print $NF "=" $4 }' "$1" |
		head -n 6 | tr '\n' ' '
}
# In epoll_wait (or epoll_pwait): the loop is asleep between events.
asleep() { read -r nr rest <"/proc/$1/syscall" && { [ "$nr" = 232 ] || [ "$nr" = 281 ]; }; }

# ---- the server and esold -----------------------------------------------
"$TOP/scripts/mkpki.sh" "$T/pki" SIM0001 >/dev/null
"$ESOL_SERVER" serve --listen 127.0.0.1:0 --port-file "$T/port" \
	--cert "$T/pki/server.crt" --key "$T/pki/server.key" --client-ca "$T/pki/ca.crt" \
	--db "$T/ledger.db" --supplies off --foreground --log-level info >"$T/server.log" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/port" || { say "esol-server did not start"; exit 1; }
PORT=$(cat "$T/port")

d="$T/root/sys/class/printeng/printeng0"
mkdir -p "$d" "$T/state" "$T/spool"
echo SIM0001 >"$d/serial"; echo "Esol Demo 9000" >"$d/model"
echo E1.02.3 >"$d/engine_fw"; echo C4.5.6 >"$d/controller_fw"
echo 1 >"$d/generation"; echo 0 >"$d/refused_updates"
for m in impressions_total:12345 impressions_mono:10000 impressions_color:2345 \
	 impressions_duplex:4000 impressions_large:100 sheets_total:10345 sheets_duplex:2000; do
	echo "${m#*:}" >"$d/${m%%:*}"
done
k=0
for c in black cyan magenta yellow; do
	s="$d/supply$k"; mkdir -p "$s"
	echo toner >"$s/type"; echo percent >"$s/unit"; echo "$c" >"$s/colorant"
	echo "$c toner" >"$s/description"; echo 80 >"$s/level"; echo 100 >"$s/max_capacity"
	echo ok >"$s/state"; echo 0 >"$s/replaced"
	k=$((k + 1))
done
cat >"$T/esold.conf" <<EOF
[agent]
enabled = true
log_level = info
state_dir = $T/state
[server]
url = https://localhost:$PORT
ca_file = $T/pki/ca.crt
client_cert = $T/pki/device.crt
client_key = $T/pki/device.key
[schedule]
poll_time = 03:00
time_zone = UTC
spread_minutes = 60
[spool]
dir = $T/spool
[txlog]
path = $T/state/txlog
[control]
socket = $T/ctl.sock
group =
EOF
# Polled a moment ago: the daily schedule stays out of the measurement.
printf '{"version":1,"supplies_enabled":false,"supplies_interval_s":0,"supplies_last_sent":0,"last_poll":%s,"last_poll_ok":0}\n' \
	"$(date +%s)" >"$T/state/state.json"
# As its unit and init script start it (GnuTLS, loaded by libcurl's
# dependencies and unused, left uninitialised).
GNUTLS_NO_IMPLICIT_INIT=1 "$ESOLD" --foreground --config "$T/esold.conf" --root "$T/root" \
	>"$T/esold.log" 2>&1 &
EPID=$!
PIDS="$PIDS $EPID"
wait_for 20 test -S "$T/ctl.sock" || { say "esold did not start"; cat "$T/esold.log" >&2; exit 1; }
ctl() { "$ESOLCTL" -s "$T/ctl.sock" "$@"; }
txlines() { if [ -f "$T/state/txlog" ]; then wc -l <"$T/state/txlog"; else echo 0; fi; }

# The start-up exchange: a poll (the server asks for this cycle's read), the read.
say "esold (pid $EPID) against esol-server on 127.0.0.1:$PORT: start-up exchange"
ctl poll-now >/dev/null
wait_for 30 sh -c "[ \$(wc -l < '$T/state/txlog' 2>/dev/null || echo 0) -ge 2 ]" ||
	{ say "the start-up exchange did not complete"; tail "$T/esold.log" >&2; exit 1; }
wait_for 10 sh -c "[ \"\$('$ESOLCTL' -s '$T/ctl.sock' --json status | jq -r '.transfer')\" = null ]"
wait_for 10 asleep "$EPID"

# ---- esold idle ---------------------------------------------------------
say "esold idle for $SECS s"
e_rss0=$(status_kb "$EPID" VmRSS); e_anon0=$(status_kb "$EPID" RssAnon)
timeout -s INT "$SECS" strace -c -f -p "$EPID" -o "$T/esold-idle.strace" 2>/dev/null || true
e_rss1=$(status_kb "$EPID" VmRSS); e_anon1=$(status_kb "$EPID" RssAnon)
e_idle=$(calls "$T/esold-idle.strace")

# ---- one poll -----------------------------------------------------------
say "esold: one poll"
conns() {	# "localport payload_out payload_in segs" of esold's connections to the server
	ss -HtinpO state all "( dport = :$PORT )" 2>/dev/null | grep "pid=$EPID," |
	awk '{ lp = $4; sub(/.*:/, "", lp); o = i = s = 0
	       for (f = 1; f <= NF; f++) {
		 if ($f ~ /^bytes_sent:/) { split($f, a, ":"); o = a[2] }
		 if ($f ~ /^bytes_received:/) { split($f, a, ":"); i = a[2] }
		 if ($f ~ /^segs_out:/) { split($f, a, ":"); s += a[2] }
		 if ($f ~ /^segs_in:/) { split($f, a, ":"); s += a[2] }
	       }
	       print lp, o, i, s }'
}
conns >"$T/conns.before"
n0=$(txlines)
strace -c -f -p "$EPID" -o "$T/esold-poll.strace" 2>/dev/null &
SPID=$!
sleep 0.5	# attached
strace -c -f -o "$T/esolctl-poll.strace" "$ESOLCTL" -s "$T/ctl.sock" poll-now >/dev/null
wait_for 30 sh -c "[ \$(wc -l < '$T/state/txlog') -gt $n0 ]" || { say "the poll did not complete"; exit 1; }
wait_for 10 asleep "$EPID"
sleep 0.2
kill -INT "$SPID"; wait "$SPID" 2>/dev/null || true
conns >"$T/conns.after"
p_esold=$(calls "$T/esold-poll.strace")
p_ctl=$(calls "$T/esolctl-poll.strace")
rec=$(tail -n 1 "$T/state/txlog")
http_out=$(echo "$rec" | jq -r '.bytes_sent // .sent_bytes // empty' 2>/dev/null || true)
http_in=$(echo "$rec" | jq -r '.bytes_received // .received_bytes // empty' 2>/dev/null || true)
read -r tcp_out tcp_in segs <<EOF
$(awk 'NR == FNR { o[$1] = $2; i[$1] = $3; s[$1] = $4; next }
       { po += $2 - o[$1]; pi += $3 - i[$1]; ps += $4 - s[$1] }
       END { printf "%d %d %d\n", po, pi, ps }' "$T/conns.before" "$T/conns.after")
EOF
ip_bytes=$((tcp_out + tcp_in + 52 * segs))
reused=$(awk 'NR == FNR { b[$1] = 1; next } ($1 in b) { r = 1 } END { print r ? "resumed connection (kept alive)" : "new connection (TLS resumed or full)" }' \
	"$T/conns.before" "$T/conns.after")
e_rss2=$(status_kb "$EPID" VmRSS); e_anon2=$(status_kb "$EPID" RssAnon)

# ---- collectd -----------------------------------------------------------
say "collectd: load + write_http -> https://127.0.0.1:$PORT/collectd every 10 s"
mkdir -p "$T/collectd"
cat >"$T/collectd.conf" <<EOF
Hostname "bench"
FQDNLookup false
BaseDir "$T/collectd"
PIDFile "$T/collectd/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
Interval 10
LoadPlugin logfile
<Plugin logfile>
  LogLevel "info"
  File "$T/collectd.log"
</Plugin>
LoadPlugin load
<LoadPlugin write_http>
  FlushInterval 10
</LoadPlugin>
<Plugin write_http>
  <Node "esol">
    URL "https://127.0.0.1:$PORT/collectd"
    Format "JSON"
    VerifyPeer true
    VerifyHost true
    CACert "$T/pki/ca.crt"
    StoreRates false
  </Node>
</Plugin>
EOF
collectd -f -C "$T/collectd.conf" >"$T/collectd.out" 2>&1 &
CPID=$!
PIDS="$PIDS $CPID"
# Its first post reached the server (the server logs every request).
wait_for 40 grep -q "/collectd" "$T/server.log" ||
	{ say "collectd did not post"; cat "$T/collectd.log" "$T/collectd.out" >&2; exit 1; }
posts0=$(grep -c "/collectd" "$T/server.log")
say "collectd (pid $CPID) posting; $SECS s measured"
c_rss0=$(status_kb "$CPID" VmRSS); c_anon0=$(status_kb "$CPID" RssAnon)
timeout -s INT "$SECS" strace -c -f -p "$CPID" -o "$T/collectd.strace" 2>/dev/null || true
c_rss1=$(status_kb "$CPID" VmRSS); c_anon1=$(status_kb "$CPID" RssAnon)
c_calls=$(calls "$T/collectd.strace")
c_posts=$(( $(grep -c "/collectd" "$T/server.log") - posts0 ))
c_threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$CPID/status")
e_threads=$(awk '$1 == "Threads:" { print $2 }' "/proc/$EPID/status")

# ---- the table ------------------------------------------------------------
echo
echo "bench-idle: kernel $(uname -r), $(nproc) CPUs; esold: $ESOLD; collectd $(dpkg-query -W -f='${Version}' collectd-core 2>/dev/null)"
printf '%-38s %16s %16s\n' "figure" "esold" "collectd"
printf '%-38s %16s %16s\n' "--------------------------------------" "----------------" "----------------"
printf '%-38s %16s %16s\n' "VmRSS start / end of idle (kB)" "$e_rss0 / $e_rss1" "$c_rss0 / $c_rss1"
printf '%-38s %16s %16s\n' "RssAnon start / end of idle (kB)" "$e_anon0 / $e_anon1" "$c_anon0 / $c_anon1"
printf '%-38s %16s %16s\n' "threads" "$e_threads" "$c_threads"
printf '%-38s %16s %16s\n' "system calls in $SECS s (strace -c -f)" "$e_idle" "$c_calls"
printf '%-38s %16s %16s\n' "HTTPS requests in those $SECS s" "0" "$c_posts"
printf '%-38s %16s %16s\n' "system calls per poll: the agent" "$p_esold" "-"
printf '%-38s %16s %16s\n' "system calls per poll: esolctl" "$p_ctl" "-"
printf '%-38s %16s %16s\n' "bytes per poll, HTTP (out / in)" "${http_out:-?} / ${http_in:-?}" "-"
printf '%-38s %16s %16s\n' "bytes per poll, TCP payload (out/in)" "$tcp_out / $tcp_in" "-"
printf '%-38s %16s %16s\n' "bytes per poll, IP level (segments)" "$ip_bytes ($segs)" "-"
printf '%-38s %16s %16s\n' "VmRSS / RssAnon after the poll (kB)" "$e_rss2 / $e_anon2" "-"
echo
echo "poll: $reused; the server logged: $(grep 'POST /v1/poll' "$T/server.log" | tail -n 1 | grep -o 'tls=[^ ]*')"
echo "esold, idle:     $(top_calls "$T/esold-idle.strace")"
echo "esold, one poll: $(top_calls "$T/esold-poll.strace")"
echo "collectd, idle:  $(top_calls "$T/collectd.strace")"
echo
echo "esold's system calls for one poll (strace -c -f):"
sed -n '/^%/,$p' "$T/esold-poll.strace"
