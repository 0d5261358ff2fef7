#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# bench/soak: esold's anonymous memory over many exchanges on new
# connections (issue 14: flat after warm-up over 10,000).  Figures only.
#
# esold (the plain build) polls bench/agent_peer.py in its "resumed" mode:
# every reply closes the connection, so every poll opens a new one and
# resumes the TLS session; `esolctl poll-now` starts each poll once the
# previous one is answered.  RssAnon and VmRSS (/proc/PID/status) are
# printed every STEP exchanges, and at the end the growth from the first
# checkpoint (the warm-up) to the last.  Runs in a network namespace of its
# own.  Usage: bench/soak.sh [EXCHANGES [STEP]] (default 10000 1000).
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
N=${1:-10000}
STEP=${2:-1000}
ESOLD=${ESOLD:-$TOP/build/bin/esold}
ESOLCTL=${ESOLCTL:-$TOP/build/bin/esolctl}

if [ "${SOAK_NETNS:-}" != 1 ]; then
	for b in "$ESOLD" "$ESOLCTL"; do
		[ -x "$b" ] || { echo "bench-soak: $b not built (make userspace)" >&2; exit 1; }
	done
	SOAK_NETNS=1 exec unshare -n "$TOP/bench/soak.sh" "$N" "$STEP"
fi
ip link set lo up
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
T=$(mktemp -d /tmp/esol-bench-soak.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "bench-soak: $*" >&2; }
wait_for() {	# wait_for SECONDS CMD...
	w=$(( $1 * 10 )); shift
	while ! "$@" >/dev/null 2>&1; do
		w=$((w - 1)); [ "$w" -gt 0 ] || return 1; sleep 0.1
	done
}

"$TOP/scripts/mkpki.sh" "$T/pki" SIM0001 >/dev/null
echo resumed >"$T/mode"
python3 "$TOP/bench/agent_peer.py" --port-file "$T/port" --cert "$T/pki/server.crt" \
	--key "$T/pki/server.key" --client-ca "$T/pki/ca.crt" --mode-file "$T/mode" \
	--log "$T/peer.log" >"$T/peer.err" 2>&1 &
PIDS="$PIDS $!"
wait_for 10 test -s "$T/port" || { say "the endpoint did not start"; cat "$T/peer.err" >&2; exit 1; }
PORT=$(cat "$T/port")

d="$T/root/sys/class/printeng/printeng0"
mkdir -p "$d" "$T/state" "$T/spool"
echo SIM0001 >"$d/serial"; echo "Esol Demo 9000" >"$d/model"
echo E1.02.3 >"$d/engine_fw"; echo C4.5.6 >"$d/controller_fw"
echo 1 >"$d/generation"; echo 0 >"$d/refused_updates"
for m in impressions_total:12345 impressions_mono:10000 sheets_total:10345; do
	echo "${m#*:}" >"$d/${m%%:*}"
done
cat >"$T/esold.conf" <<EOF
[agent]
enabled = true
log_level = warning
state_dir = $T/state
[server]
url = https://localhost:$PORT
ca_file = $T/pki/ca.crt
client_cert = $T/pki/device.crt
client_key = $T/pki/device.key
[schedule]
poll_time = 03:00
time_zone = UTC
[spool]
dir = $T/spool
[txlog]
path = $T/state/txlog
[control]
socket = $T/ctl.sock
group =
EOF
printf '{"version":1,"supplies_enabled":false,"supplies_interval_s":0,"supplies_last_sent":0,"last_poll":%s,"last_poll_ok":0}\n' \
	"$(date +%s)" >"$T/state/state.json"
# As its unit and init script start it (GnuTLS, loaded by libcurl's
# dependencies and unused, left uninitialised).
GNUTLS_NO_IMPLICIT_INIT=1 "$ESOLD" --foreground --config "$T/esold.conf" --root "$T/root" \
	>"$T/esold.log" 2>&1 &
EPID=$!
PIDS="$PIDS $EPID"
wait_for 20 test -S "$T/ctl.sock" || { say "esold did not start"; cat "$T/esold.log" >&2; exit 1; }

polls() { c=$(grep -c ' POST /v1/poll 200 ' "$T/peer.log" 2>/dev/null) || true; echo "${c:-0}"; }
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$EPID/status"; }
say "esold (pid $EPID): $N exchanges, each on a new connection (TLS resumed)"
printf '%10s %14s %12s\n' exchanges "RssAnon (kB)" "VmRSS (kB)"
printf '%10s %14s %12s\n' 0 "$(kb RssAnon)" "$(kb VmRSS)"
i=0 first="" stalls=0 t0=$(date +%s)
while [ "$i" -lt "$N" ]; do
	"$ESOLCTL" -s "$T/ctl.sock" poll-now >/dev/null
	i=$((i + 1))
	# Answered (the endpoint logs after its reply).  A poll-now that found
	# no poll to start is asked again after 5 s, and said so.
	w=0
	while [ "$(polls)" -lt "$i" ]; do
		sleep 0.005
		w=$((w + 1))
		if [ "$w" -ge 1000 ]; then
			say "exchange $i: no poll in 5 s: $("$ESOLCTL" -s "$T/ctl.sock" --json status |
				jq -c '{last_poll_result, transfer, error}' 2>/dev/null)"
			"$ESOLCTL" -s "$T/ctl.sock" poll-now >/dev/null
			w=0
			stalls=$((stalls + 1))
		fi
	done
	if [ $((i % STEP)) -eq 0 ]; then
		sleep 0.1
		a=$(kb RssAnon)
		[ -n "$first" ] || first=$a
		printf '%10s %14s %12s\n' "$i" "$a" "$(kb VmRSS)"
	fi
done
last=$(kb RssAnon)
echo "bench-soak: RssAnon after warm-up ($STEP exchanges) $first kB, after $N: $last kB: growth $((last - ${first:-$last})) kB; $(( $(date +%s) - t0 )) s; reused TLS sessions: $(awk '$6 == 1' "$T/peer.log" | wc -l) of $(polls); poll-now asked again $stalls times"
