#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Run each libFuzzer harness for SECONDS on its seeds; print a line per
# harness ("fuzz NAME: N execs, K findings") and fail if any found one.
# Usage: tests/fuzz/run.sh SECONDS NAME...
set -u
secs=$1
shift
bad=0
for t in "$@"; do
	bin=build/fuzz/fuzz_$t
	corpus=build/fuzz/corpus/$t
	findings=build/fuzz/findings/$t
	mkdir -p "$corpus" "$findings"
	log=build/fuzz/$t.log
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$findings/" "$corpus" "tests/fuzz/seeds/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	found=$(find "$findings" -type f | wc -l)
	echo "fuzz $t: ${execs:-0} execs, $found findings (exit $rc)"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		bad=$((bad + 1))
		tail -n 40 "$log"
	fi
done
[ "$bad" -eq 0 ]
