#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# The verdict of a torture run (tests/torture/run.sh): the server's ledger
# against what the run asked for and what the device's engine showed.
#
# Usage: check.sh DIR ESOL-SERVER|- KILLS CUTS KILLS-DONE [RESULT-FILE]
# ("-": the ledger as DIR/reads.json and DIR/supplies.json already hold
# it, from esol-server list-reads/list-supplies --json: selftest.sh)
# DIR holds the run: ledger.db; opens ("CYCLE NAME BOOT STATES": each
# billing cycle the server's clock entered, on which boot, and how many
# TORTURE-STATE lines that boot's console had shown by then); boots
# ("BOOT EPOCH": when each boot started); boot-B.log (the consoles).
#
#   requested   the billing cycles opened (each a read_meters request)
#   stored      the meter reads in the ledger
#   lost        requested cycles with no read
#   duplicated  reads beyond the first of a cycle, plus supplies reports
#               stored twice (two reports of one engine state of one boot)
# Each read's generation and meters must be one state the engine had
# (TORTURE-STATE), no older than the state when its cycle was opened.
# cuts: "BOOT KILLS ENTRIES FLUSHED REPLAYED same|differs SECONDS" per cut.
# The last line is "torture: R requested, S stored, L lost, D duplicated"
# (RESULT-FILE gets "PASSED FAILED").
set -u
T=$1 SERVER=$2 kills=$3 cuts=$4 kills_done=$5 result=${6:-}
meters="impressions_total impressions_mono impressions_color impressions_duplex impressions_large sheets_total sheets_duplex"

if [ "$SERVER" != - ]; then
	"$SERVER" list-reads --db "$T/ledger.db" --json > "$T/reads.json" || exit 1
	"$SERVER" list-supplies --db "$T/ledger.db" --json > "$T/supplies.json" || exit 1
fi

# Every engine state, in order of the boots: "BOOT KEY" (KEY: gen=G m=V ...).
: > "$T/states"
: > "$T/dangling"
b=0
while [ -f "$T/boot-$b.log" ]; do
	log=$T/boot-$b.log
	tr -d '\r' < "$log" | grep -a '^TORTURE-STATE ' | cut -d' ' -f2- >> "$T/states"
	# A cut between a print and its TORTURE-STATE line leaves one state
	# the console never showed.
	[ "$(tr -d '\r' < "$log" | grep -a '^TORTURE-' | tail -n 1 | cut -d' ' -f1)" = TORTURE-PRINT ] &&
		echo "$b" >> "$T/dangling"
	b=$((b + 1))
done
last=$T/boot-$((b - 1)).log
# Each read: "CYCLE KEY".
jq -r --arg m "$meters" '.[] | .cycle + " gen=" + .generation +
	([($m | split(" "))[] as $k | " " + $k + "=" + (.meters[$k] // "absent")] | join(""))' \
	"$T/reads.json" > "$T/reads.keys"

awk -v states="$T/states" -v opens="$T/opens" -v dangling="$T/dangling" '
	function key(from,   s, i) { s = $from; for (i = from + 1; i <= NF; i++) s = s " " $i; return s }
	BEGIN {
		while ((getline < states) > 0) {
			seq++
			if (!($1 in first)) first[$1] = seq
			k = key(2)
			if (k in state_seq) clash++
			state_seq[k] = seq
		}
		while ((getline < opens) > 0) {
			requested++
			opened[$2] = 1
			# the last state shown on that boot when the cycle opened
			min_seq[$2] = ($3 in first ? first[$3] : seq + 1) + $4 - 1
		}
		while ((getline < dangling) > 0) dangle[$1] = 1
	}
	{
		stored++
		count[$1]++
		k = key(2)
		if (!($1 in opened)) unrequested++
		if (k in state_seq) {
			if (state_seq[k] >= min_seq[$1]) equal++
			else { older++; print "torture: read for " $1 " shows a state older than its request: " k > "/dev/stderr" }
		} else {
			split($3, t, "=")
			b = int(t[2] / 300000000) - 1
			if (b in dangle) unverified++
			else { unknown++; print "torture: read for " $1 " shows a state the engine never had: " k > "/dev/stderr" }
		}
	}
	END {
		for (c in opened) {
			if (!(c in count)) { lost++; print "torture: cycle " c ": no read" > "/dev/stderr" }
			else if (count[c] > 1) { dup += count[c] - 1; print "torture: cycle " c ": " count[c] " reads" > "/dev/stderr" }
		}
		printf "%d %d %d %d %d %d %d %d %d %d\n", requested, stored, lost, dup, equal, older, unknown, unverified, unrequested, clash
	}' "$T/reads.keys" > "$T/reads.verdict"
read -r requested stored lost dup equal older unknown unverified unrequested clash < "$T/reads.verdict"

# Supplies: a report belongs to the boot whose start precedes its
# taken_at (the guest's clock comes from the host's at boot); two reports
# of one generation with the same table in one boot are one report
# stored twice.
jq -r '.[] | (.taken_at | fromdateiso8601 | tostring) + " " + .generation + " " + (.supplies | tojson)' \
	"$T/supplies.json" |
	awk -v boots="$T/boots" '
	BEGIN { while ((getline < boots) > 0) { nb++; bstart[nb] = $2; bnum[nb] = $1 } }
	{
		b = -1
		for (i = 1; i <= nb; i++) if ($1 + 2 >= bstart[i]) b = bnum[i]
		k = b " " $2 " " $3
		n++
		if (k in seen) { twice++; print "torture: supplies report stored twice: boot " b " generation " $2 > "/dev/stderr" }
		seen[k] = 1
	}
	END { print n + 0, twice + 0 }' > "$T/supplies.verdict"
read -r supplies supplies_twice < "$T/supplies.verdict"

settled=0
grep -a -q '^TORTURE-SPOOL [0-9]* 0' "$last" && settled=1

echo "torture: meters: $equal reads equal to the engine's state at the read, $older older than their request, $unknown never the engine's, $unverified unverifiable (a cut between a print and its log line), $clash states logged twice"
echo "torture: $unrequested reads for a cycle never requested; supplies: $supplies reports stored, $supplies_twice stored twice"
passed=0 failed=0
verdict() { # OK NAME
	if [ "$1" = 1 ]; then
		passed=$((passed + 1)); echo "ok - $2"
	else
		failed=$((failed + 1)); echo "not ok - $2"
	fi
}
verdict "$([ "$kills_done" -ge "$kills" ] && echo 1)" "$kills_done SIGKILLs of esold (asked: $kills)"
verdict "$([ "$(wc -l < "$T/cuts")" -eq "$cuts" ] && echo 1)" "$(wc -l < "$T/cuts") power cuts (asked: $cuts)"
verdict "$(awk '$6 != "same" { bad++ } END { print bad ? 0 : 1 }' "$T/cuts")" "the whole write log replayed gives QEMU's own disk at every cut"
verdict "$([ "$lost" -eq 0 ] && echo 1)" "no requested read lost ($lost of $requested)"
verdict "$([ "$dup" -eq 0 ] && [ "$unrequested" -eq 0 ] && echo 1)" "no read stored twice or unasked ($dup, $unrequested)"
verdict "$([ "$older" -eq 0 ] && [ "$unknown" -eq 0 ] && [ "$clash" -eq 0 ] && echo 1)" "every read equals the engine's meters at the read"
verdict "$([ "$supplies_twice" -eq 0 ] && echo 1)" "no supplies report stored twice ($supplies_twice of $supplies)"
verdict "$([ "$settled" = 1 ] && echo 1)" "the last boot emptied its spool"
if [ -n "$result" ]; then
	mkdir -p "$(dirname "$result")"
	echo "$passed $failed" > "$result"
fi
echo "torture: $requested requested, $stored stored, $lost lost, $((dup + supplies_twice)) duplicated"
[ "$failed" -eq 0 ]
