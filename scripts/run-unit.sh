#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Run Check test binaries, sum their results, end with "N passed, N failed".
# Usage: run-unit.sh TEST_BINARY...
set -u
passed=0
failed=0
crashed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
export CK_DEFAULT_TIMEOUT="${CK_DEFAULT_TIMEOUT:-60}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
for t in "$@"; do
	echo "== $t"
	"$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		echo "run-unit: $t exited $rc without a Check summary" >&2
		crashed=$((crashed + 1))
		continue
	fi
	checks=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
	fails=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/')
	errs=$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/')
	bad=$((fails + errs))
	passed=$((passed + checks - bad))
	failed=$((failed + bad))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		echo "run-unit: $t exited $rc" >&2
		crashed=$((crashed + 1))
	fi
done
failed=$((failed + crashed))
mkdir -p build/results
echo "$passed $failed" > build/results/unit
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
