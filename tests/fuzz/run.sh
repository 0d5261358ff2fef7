#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Run each libFuzzer harness, one after the other (one process each), for
# SECONDS on its seeds (tests/fuzz/seeds/NAME) and its working corpus
# (build/fuzz/corpus/NAME); print a line per harness ("fuzz NAME: N execs,
# K findings"), its log's tail when it found something (the inputs land in
# build/fuzz/findings/NAME; those of the run before are kept in
# NAME.prev), write build/results/fuzz ("PASSED FAILED": one check per
# harness, passed when it ran to the end without a finding) and end with
# "fuzz: N passed, N failed".
# Usage: tests/fuzz/run.sh SECONDS NAME...
set -u
secs=$1
shift
passed=0
failed=0
mkdir -p build/results
rm -f build/results/fuzz
for t in "$@"; do
	bin=build/fuzz/fuzz_$t
	corpus=build/fuzz/corpus/$t
	findings=build/fuzz/findings/$t
	rm -rf "$findings.prev"
	[ -d "$findings" ] && mv "$findings" "$findings.prev"
	mkdir -p "$corpus" "$findings"
	log=build/fuzz/$t.log
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$findings/" "$corpus" "tests/fuzz/seeds/$t" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	found=$(find "$findings" -type f | wc -l)
	echo "fuzz $t: ${execs:-0} execs, $found findings"
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		echo "fuzz $t: exit $rc; log $log, inputs in $findings/"
		grep -v '^#[0-9]' "$log" | tail -n 40
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
done
echo "$passed $failed" > build/results/fuzz
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
