#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make check-webui: esol-webui's tests in turn: the webui Check suites
# (ASan+UBSan; they also run in make check-unit), the host test
# (tests/webui/host_test.sh) and the browser test in the device image
# (tests/webui/browser_test.sh).  Logs in build/results/webui-logs/;
# build/results/webui gets "PASSED FAILED"; the last line is
# "webui: N passed, N failed".
# Usage: check-webui.sh UNIT_TEST_BINARY...
set -u
cd "$(dirname "$0")/../.." || exit 1
logs=build/results/webui-logs
mkdir -p "$logs"
rm -f build/results/webui
passed=0
failed=0
export CK_DEFAULT_TIMEOUT="${CK_DEFAULT_TIMEOUT:-60}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# add P F: to the totals
add() { passed=$((passed + $1)); failed=$((failed + $2)); }

# ---- the Check suites (run-unit.sh is not used: it owns build/results/unit)
up=0 uf=0
for t in "$@"; do
	name=$(basename "$t")
	"$t" > "$logs/$name.log" 2>&1
	rc=$?
	line=$(grep -E '^[0-9]+%: Checks: [0-9]+' "$logs/$name.log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "check-webui: $name exited $rc without a Check summary"
		uf=$((uf + 1))
		continue
	fi
	n=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
	bad=$(( $(echo "$line" | sed -E 's/.*Failures: ([0-9]+).*/\1/') + \
		$(echo "$line" | sed -E 's/.*Errors: ([0-9]+).*/\1/') ))
	[ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || bad=1
	up=$((up + n - bad))
	uf=$((uf + bad))
	echo "$line  ($name)"
done
echo "webui-unit: $up passed, $uf failed"
add "$up" "$uf"

# ---- the host test and the browser test
for s in host browser; do
	timeout -k 5 1500 sh "tests/webui/${s}_test.sh" > "$logs/$s.log" 2>&1
	l=$(sed -n "s/^webui-$s: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p" "$logs/$s.log" | tail -n 1)
	set -- ${l:-0 1}
	[ -n "$l" ] || echo "check-webui: $s test ended without its summary (see $logs/$s.log)"
	grep -E '^(not ok|webui-browser: screenshot)' "$logs/$s.log"
	echo "webui-$s: $1 passed, $2 failed"
	add "$1" "$2"
done

mkdir -p build/results
echo "$passed $failed" > build/results/webui
echo "webui: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
