#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# bench/fleet/bench-fleet.sh [N...] (make bench-fleet DEVICES="N ..."):
# a compressed day of N simulated printers (bench/fleet/esol-fleet)
# through nginx against esol-server on PostgreSQL with 1 and 2 instances
# and on SQLite with 1, each with faults (an instance killed mid-day and
# restarted at 40% of the fleet; PostgreSQL restarted at 70%); and first,
# polls per second over kept-alive connections through the front against
# nginx's own static reply of the same size, same certificates.
#
# Each day runs REPEAT times (default 3 up to 10^4 devices, else 1): the
# figures printed are min/median/max, the JSON keeps the run of median
# req/s, with the min/median/max of req/s and p99 and the lost and
# duplicated reads of all runs added.
# CONFIGS (default "postgresql:1 postgresql:2 sqlite:1") picks the
# configurations, KEEPALIVE=0 skips the keep-alive comparison,
# DAY_SECONDS the compressed day's length (default devices / 250, at
# least 20: a 10^6 day of 4,000 s would be longer than this machine needs
# to serve it; shorter, the run is bound by what it serves), and
# ESOL_SERVER / ESOL_FLEET name the binaries (default build/bin/...: a
# long run can use a copy while the tree is rebuilt).
# Writes build/bench/fleet.json ({"runs": [...], "keepalive": {...}}; a
# run replaces an earlier one of the same backend, instances and size)
# and build/bench/fleet.png (gnuplot: requests/s and p99 by fleet size).
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
SERVER=${ESOL_SERVER:-build/bin/esol-server}
FLEET=${ESOL_FLEET:-build/bin/esol-fleet}
export ESOL_SERVER=$SERVER	# tests/server/instance.sh starts this one
CONFIGS=${CONFIGS:-postgresql:1 postgresql:2 sqlite:1}
out=build/bench
mkdir -p "$out"
[ $# -ge 1 ] || [ "${KEEPALIVE:-1}" = 1 ] ||
	{ echo "usage: $0 DEVICES... (none: the keep-alive comparison alone)" >&2; exit 2; }

T=$(mktemp -d /tmp/esol-bench-fleet-XXXXXX)
chmod 0755 "$T"
cleanup() {
	for i in 1 2; do tests/server/instance.sh stop "$T" $i >/dev/null 2>&1 || true; done
	tests/server/front.sh stop "$T" >/dev/null 2>&1 || true
	tests/server/pg.sh stop "$T/pg" >/dev/null 2>&1 || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 20000))
cycle=$(date -u +%Y-%m)
"$FLEET" pki --dir "$T"
tests/server/pg.sh start "$T/pg" >/dev/null
tests/server/front.sh start "$T" "$port" "$T/server.crt" "$T/server.key" "$T/ca.crt" \
	"$T/s1.sock" "$T/s2.sock"
url=https://127.0.0.1:$port
[ -f "$out/fleet.json" ] || echo '{"runs": []}' >"$out/fleet.json"

stop_all() { for i in 1 2; do tests/server/instance.sh stop "$T" $i; done; }

# day BACKEND INSTANCES N REPEAT: the median run's JSON into $T/day.json
day() {
	local backend=$1 n=$2 devices=$3 repeat=$4 k db faults secs
	secs=${DAY_SECONDS:-$((devices / 250))}
	[ $secs -ge 20 ] || secs=20
	for k in $(seq 1 "$repeat"); do
		if [ "$backend" = postgresql ]; then
			db=$(tests/server/pg.sh newdb "$T/pg" "bench_$k")
			faults=(--fault "0.7:tests/server/pg.sh restart $T/pg")
		else
			db=$T/bench_$k.db
			rm -f "$db" "$db-wal" "$db-shm"
			faults=()
		fi
		for i in $(seq 1 "$n"); do tests/server/instance.sh start "$T" "$i" "$db" --threads 4; done
		"$FLEET" day --dir "$T" --url "$url" --devices "$devices" --day-seconds "$secs" \
			--conns 256 --backend "$backend" --instances "$n" --prefix "B${k}X" \
			--rss-pids "$(seq -f "$T/s%g.pid" -s, 1 "$n")" \
			--export-cmd "$SERVER export --db '$db' --cycle $cycle" \
			--fault "0.4:tests/server/instance.sh crash $T $n '$db' --threads 4" \
			"${faults[@]}" --json "$T/run_$k.json" >"$T/day_$k.txt" 2>&1 ||
			echo "  (run $k: the fleet did not finish clean; see below)"
		sed 's/^/    /' "$T/day_$k.txt"
		stop_all
	done
	# the median run by req/s; min/median/max of req/s and p99
	jq -s 'def med(f): map(f) | sort | .[(length - 1) / 2 | floor];
		sort_by(.req_per_s) | .[(length - 1) / 2 | floor] + {
		repeats: length,
		req_per_s_min: (map(.req_per_s) | min), req_per_s_max: (map(.req_per_s) | max),
		p99_ms_min: (map(.p99_ms) | min), p99_ms_median: med(.p99_ms),
		p99_ms_max: (map(.p99_ms) | max),
		lost_total: (map(.lost) | add), duplicated_total: (map(.duplicated) | add)}' \
		"$T"/run_*.json >"$T/day.json"
	rm -f "$T"/run_*.json
	jq -r '"  \(.backend) x\(.instances), \(.devices) devices (\(.repeats) runs): req/s min/median/max \(.req_per_s_min|floor)/\(.req_per_s|floor)/\(.req_per_s_max|floor); p99 ms \(.p99_ms_min)/\(.p99_ms_median)/\(.p99_ms_max); peak RSS \(.peak_rss_kb) kB; lost \(.lost_total), duplicated \(.duplicated_total) (all runs)"' "$T/day.json"
	jq --slurpfile r "$T/day.json" \
		'.runs = ([.runs[] | select(.backend != $r[0].backend or .instances != $r[0].instances or .devices != $r[0].devices)] + $r | sort_by(.backend, .instances, .devices))' \
		"$out/fleet.json" >"$T/merged.json"
	mv "$T/merged.json" "$out/fleet.json"
}

# Polls through the front vs nginx's static reply, kept-alive, alternating, KA_ROUNDS times.
keepalive() {
echo "== keep-alive: esol-server polls (PostgreSQL, 2 instances) vs nginx static reply"
db=$(tests/server/pg.sh newdb "$T/pg" keepalive)
for i in 1 2; do tests/server/instance.sh start "$T" $i "$db" --threads 4; done
for k in $(seq 1 "${KA_ROUNDS:-5}"); do
	"$FLEET" keepalive --dir "$T" --url "$url" --path /static/poll --conns 16 --requests "${KA_REQUESTS:-3000}" \
		--prefix KS --label static --json "$T/ka_static_$k.json"
	"$FLEET" keepalive --dir "$T" --url "$url" --path /v1/poll --conns 16 --requests "${KA_REQUESTS:-3000}" \
		--prefix KP --label poll --json "$T/ka_poll_$k.json"
done
stop_all
jq -n --slurpfile s <(cat "$T"/ka_static_*.json) --slurpfile p <(cat "$T"/ka_poll_*.json) '
	def mmm(a): (a | sort) as $v | {min: $v[0], median: $v[(($v|length)-1)/2|floor], max: $v[-1]};
	{conns: $s[0].conns, requests_per_conn: ($s[0].requests / $s[0].conns), repeats: ($s|length),
	 static_req_per_s: mmm([$s[].req_per_s]), poll_req_per_s: mmm([$p[].req_per_s]),
	 ratio: mmm([range(0; $s|length) as $i | $p[$i].req_per_s / $s[$i].req_per_s])}' \
	>"$T/ka.json"
jq -r '"  static req/s min/median/max \(.static_req_per_s.min|floor)/\(.static_req_per_s.median|floor)/\(.static_req_per_s.max|floor); poll req/s \(.poll_req_per_s.min|floor)/\(.poll_req_per_s.median|floor)/\(.poll_req_per_s.max|floor); poll/static \(.ratio.min*100|floor/100)/\(.ratio.median*100|floor/100)/\(.ratio.max*100|floor/100) (target >= 0.5)"' "$T/ka.json"
jq --slurpfile k "$T/ka.json" '.keepalive = $k[0]' "$out/fleet.json" >"$T/merged.json"
mv "$T/merged.json" "$out/fleet.json"
}
[ "${KEEPALIVE:-1}" = 0 ] || keepalive


for devices in "$@"; do
	repeat=${REPEAT:-$([ "$devices" -le 10000 ] && echo 3 || echo 1)}
	echo "== $devices devices"
	for cfg in $CONFIGS; do
		day "${cfg%%:*}" "${cfg##*:}" "$devices" "$repeat"
	done
done


# The cost curve.
if command -v gnuplot >/dev/null; then
	for cfg in "postgresql 1" "postgresql 2" "sqlite 1"; do
		set -- $cfg
		jq -r --arg b "$1" --argjson n "$2" \
			'.runs[] | select(.backend == $b and .instances == $n) | "\(.devices) \(.req_per_s) \(.p99_ms)"' \
			"$out/fleet.json" | sort -n >"$T/$1-$2.dat"
	done
	gnuplot <<PLOT
set terminal png size 900,520
set output "$out/fleet.png"
set title "esol-server, a compressed fleet day through nginx (faults included)"
set logscale x
set xrange [500:2000000]
set format x "10^{%L}"
set xlabel "devices"
set ylabel "requests/s (completed)"
set y2label "p99 latency, ms"
set y2tics
set ytics nomirror
set key bottom right
set grid
plot "$T/postgresql-1.dat" using 1:2 with linespoints title "PostgreSQL x1 req/s", \
     "$T/postgresql-2.dat" using 1:2 with linespoints title "PostgreSQL x2 req/s", \
     "$T/sqlite-1.dat" using 1:2 with linespoints title "SQLite x1 req/s", \
     "$T/postgresql-1.dat" using 1:3 axes x1y2 with lines dashtype 2 title "PostgreSQL x1 p99", \
     "$T/postgresql-2.dat" using 1:3 axes x1y2 with lines dashtype 2 title "PostgreSQL x2 p99", \
     "$T/sqlite-1.dat" using 1:3 axes x1y2 with lines dashtype 2 title "SQLite x1 p99"
PLOT
	echo "plot: $out/fleet.png"
fi
echo "figures: $out/fleet.json"
