#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make check: every suite in turn; the last line sums them all.
set -u
cd "$(dirname "$0")/.."
scripts/install-deps.sh
rm -rf build/results
mkdir -p build/results
rc=0
for t in check-unit check-install check-man analyze check-kmod check-e2e check-device check-server check-webui check-torture check-fuzz; do
	echo "==== make $t"
	make --no-print-directory "$t" || rc=1
done
passed=0
failed=0
for f in build/results/*; do
	[ -f "$f" ] || continue
	read -r p f2 < "$f"
	echo "$(basename "$f"): $p passed, $f2 failed"
	passed=$((passed + p))
	failed=$((failed + f2))
done
# A suite that died before writing its result counts as a failure.
for s in unit install man analyze kmod e2e device systemd server webui torture fuzz; do
	[ -f "build/results/$s" ] || { echo "$s: no result"; failed=$((failed + 1)); }
done
[ "$failed" -eq 0 ] || rc=1
echo "$passed passed, $failed failed"
exit $rc
