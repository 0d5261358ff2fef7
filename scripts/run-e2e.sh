#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Run the host end-to-end tests: each script in turn, with a time limit,
# its output kept in build/results/e2e-logs/NAME.log.  Prints a line per
# test, writes build/results/e2e ("PASSED FAILED") and ends with
# "e2e: N passed, N failed".
#
# The agent under test is the ASan+UBSan build: $ESOLD (default
# build/san/bin/esold, `make SAN=1 build/san/bin/esold`); a binary built
# without the sanitizers is refused.  A sanitizer report in any log a
# test leaves fails that test (tests/e2e/lib.sh checks on exit).
# Usage: run-e2e.sh TEST_SCRIPT...
set -u
cd "$(dirname "$0")/.." || exit 1
ESOLD=${ESOLD:-build/san/bin/esold}
case "$ESOLD" in /*) ;; *) ESOLD="$PWD/$ESOLD" ;; esac
export ESOLD
passed=0
failed=0
limit="${E2E_TIMEOUT:-180}"
logs=build/results/e2e-logs
mkdir -p "$logs"
rm -f build/results/e2e
if ! [ -x "$ESOLD" ]; then
	echo "run-e2e: $ESOLD not built (make SAN=1 build/san/bin/esold)" >&2
	failed=$#
elif ! grep -qa __asan_init "$ESOLD" || ! grep -qa __ubsan_handle "$ESOLD"; then
	echo "run-e2e: $ESOLD is not an ASan+UBSan build (make SAN=1 build/san/bin/esold)" >&2
	failed=$#
else
	for t in "$@"; do
		name=$(basename "$t" .sh)
		log="$logs/$name.log"
		start=$(date +%s)
		# timeout runs the test in a process group of its own and
		# signals the whole group: a hung test gets TERM (its cleanup
		# trap runs), then KILL 5 s later, with everything it started.
		timeout -k 5 "$limit" sh "$t" >"$log" 2>&1
		rc=$?
		secs=$(( $(date +%s) - start ))
		if [ "$rc" -eq 0 ]; then
			passed=$((passed + 1))
			echo "PASS $name (${secs}s)"
		else
			failed=$((failed + 1))
			{ [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; } &&
				echo "run-e2e: $name killed after ${limit}s" >>"$log"
			echo "FAIL $name (${secs}s, exit $rc): last lines of $log:"
			tail -n 25 "$log" | sed 's/^/    /'
		fi
	done
fi
mkdir -p build/results
echo "$passed $failed" > build/results/e2e
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
