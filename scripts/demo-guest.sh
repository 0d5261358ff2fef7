#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# The guest half of `make demo` (a /tests.list entry): a simulated print
# engine prints pages, its toner runs low, and the device's meters and
# supplies are shown the way a field technician sees them.
ctl=/sys/kernel/debug/printeng_sim/control
sim=/sys/kernel/debug/printeng_sim/demo
say() { echo "# demo: $*"; }
stat() { if [ -x /tests/printeng-stat ]; then /tests/printeng-stat "$@"; else
	for f in /sys/class/printeng/$dev/*; do [ -f "$f" ] && echo "$(basename "$f"): $(cat "$f")"; done; fi; }

echo "1..3"
say "creating a simulated engine (serial DEMO0001, counters from NVRAM: 120000 impressions)"
echo "add demo serial=DEMO0001 model=esol-demo-mfp start=impressions_total:120000,impressions_mono:100000,impressions_color:20000,sheets_total:90000,sheets_duplex:30000,impressions_duplex:60000 toner_pages=300" > "$ctl" || { echo "not ok 1 - engine"; exit 1; }
dev=$(cat $sim/info)
echo "ok 1 - engine $dev registered"

say "printing 120 mono simplex sheets, 40 colour duplex sheets, 10 large"
echo "120 mono simplex" > $sim/print
echo "40 color duplex" > $sim/print
echo "10 mono simplex large" > $sim/print
say "the meters, as /dev/$dev gives them (one consistent snapshot):"
stat "${dev#printeng}" 2>&1 | sed 's/^/# /'

say "printing until the cyan toner runs low (a uevent and a netlink event fire)"
echo "100 color duplex" > $sim/print
st=$(cat /sys/class/printeng/$dev/supply1/state)
say "supply1 (cyan toner): level $(cat /sys/class/printeng/$dev/supply1/level)%, state $st"
if [ "$st" = low ] || [ "$st" = empty ]; then echo "ok 2 - toner low"; else echo "not ok 2 - toner low"; fi

if [ -x /tests/printeng-stat ]; then
	say "JSON, as the agent reads it:"
	/tests/printeng-stat --json "${dev#printeng}" 2>&1 | sed 's/^/# /'
fi
t=$(cat /sys/class/printeng/$dev/impressions_total)
[ "$t" -eq $((120000 + 120 + 80 + 10 + 200)) ] && echo "ok 3 - impressions_total $t" || echo "not ok 3 - impressions_total $t"
echo "del demo" > "$ctl"
