#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# The torture verdict's own test (make check-torture): check.sh, given the
# ledger of a run made wrong in one way at a time, must say which way.
# Each case copies the run's record (consoles, opens, boots, cuts) and its
# ledger as JSON (esol-server list-reads/list-supplies --json, which
# check.sh left in DIR), changes the JSON with jq, and runs check.sh on it:
#   a read with meters the engine never had (impressions_total 1, in no
#   boot's range, so it cannot pass as a read cut short by a power cut)
#                                        -> "every read equals ..." fails
#   the read of one cycle missing        -> "no requested read lost" fails
#   one read stored again under a new id -> "no read stored twice" fails
#   one supplies report stored again     -> "no supplies report ..." fails
#   the ledger as it is                  -> every check passes
# Usage: selftest.sh DIR KILLS CUTS KILLS-DONE
# The last line is "selftest: N passed, N failed".
set -u
T=$1 kills=$2 cuts=$3 kills_done=$4
top=$(cd "$(dirname "$0")/../.." && pwd)
S=$T/selftest
passed=0 failed=0

# CASE-NAME JQ-FILTER-FOR-READS JQ-FILTER-FOR-SUPPLIES EXPECTED-FAILURE
case_() {
	local name=$1 rf=$2 sf=$3 want=$4 out
	rm -rf "$S"
	mkdir -p "$S"
	cp "$T"/opens "$T"/boots "$T"/cuts "$T"/boot-*.log "$S/"
	if ! jq "$rf" "$T/reads.json" > "$S/reads.json" ||
	   ! jq "$sf" "$T/supplies.json" > "$S/supplies.json"; then
		failed=$((failed + 1)); echo "not ok - $name: jq failed"; return
	fi
	out=$("$top/tests/torture/check.sh" "$S" - "$kills" "$cuts" "$kills_done" 2>&1)
	if [ -z "$want" ]; then
		if echo "$out" | grep -q '^not ok'; then
			failed=$((failed + 1))
			echo "not ok - $name: $(echo "$out" | grep '^not ok' | head -n 1)"
		else
			passed=$((passed + 1)); echo "ok - $name"
		fi
	elif [ "$(echo "$out" | grep -c '^not ok')" = 1 ] && echo "$out" | grep -q "^not ok - $want"; then
		passed=$((passed + 1)); echo "ok - $name: check.sh says \"not ok - $want\""
	else
		failed=$((failed + 1))
		echo "not ok - $name: check.sh did not say only \"not ok - $want\":"
		echo "$out" | grep '^\(ok\|not ok\)' | sed 's/^/#   /'
	fi
}

[ "$(jq length "$T/reads.json")" -ge 2 ] && [ "$(jq length "$T/supplies.json")" -ge 1 ] || {
	echo "not ok - the run stored too little to test the verdict on"
	echo "selftest: 0 passed, 1 failed"
	exit 1
}
case_ "the ledger as it is" '.' '.' ''
case_ "a read with meters the engine never had" \
	'.[0].meters.impressions_total = "1"' '.' \
	"every read equals the engine's meters"
case_ "the read of one cycle missing" 'del(.[-1])' '.' "no requested read lost"
case_ "one read stored again under another read_id" \
	'. + [.[0] | .read_id = "r-selftest"]' '.' "no read stored twice"
case_ "one supplies report stored again under another report_id" \
	'.' '. + [.[0] | .report_id = "s-selftest"]' "no supplies report stored twice"
rm -rf "$S"
echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
