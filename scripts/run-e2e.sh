#!/bin/sh
# Run the host end-to-end tests: each script in turn, with a time limit,
# its output kept in build/results/e2e-logs/NAME.log.  Prints a line per
# test, writes build/results/e2e ("PASSED FAILED") and ends with
# "e2e: N passed, N failed".
# Usage: run-e2e.sh TEST_SCRIPT...
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
limit="${E2E_TIMEOUT:-180}"
logs=build/results/e2e-logs
mkdir -p "$logs"
for t in "$@"; do
	name=$(basename "$t" .sh)
	log="$logs/$name.log"
	start=$(date +%s)
	# timeout runs the test in a process group of its own and signals
	# the whole group: a hung test gets TERM (its cleanup trap runs),
	# then KILL 5 s later, with everything it started.
	timeout -k 5 "$limit" sh "$t" >"$log" 2>&1
	rc=$?
	secs=$(( $(date +%s) - start ))
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "PASS $name (${secs}s)"
	else
		failed=$((failed + 1))
		[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "run-e2e: $name killed after ${limit}s" >>"$log"
		echo "FAIL $name (${secs}s, exit $rc): last lines of $log:"
		tail -n 25 "$log" | sed 's/^/    /'
	fi
done
mkdir -p build/results
echo "$passed $failed" > build/results/e2e
echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
