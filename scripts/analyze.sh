#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make analyze: the clang static analyzer (scan-build-14) and GCC's
# -fanalyzer over all of userspace (and the bench programs built with it).
# Every finding fails: the code is written so that both analyzers can see
# why each path is safe (error helpers that are macros over non-variadic
# formatters, never-zero negative errnos), with no blanket suppression.
# Writes build/results/analyze ("P F": one check per analyzer); the last
# line is "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/analyze
rm -rf "$out"
mkdir -p "$out" build/results
passed=0 failed=0
jobs=${JOBS:-2}

echo "== clang static analyzer (scan-build-14)"
scan-build-14 -o "$out/scan" --status-bugs \
	make --no-print-directory -s -j"$jobs" B="$out/clang" WERROR=0 userspace \
	> "$out/clang.log" 2>&1
rc=$?
grep -E 'warning: .*\[[a-zA-Z.]+\]$' "$out/clang.log" | sort -u > "$out/clang.findings"
n=$(wc -l < "$out/clang.findings")
sed 's/^/   /' "$out/clang.findings"
if [ "$rc" -eq 0 ] && [ "$n" -eq 0 ]; then
	echo "ok - scan-build: 0 findings"; passed=$((passed + 1))
else
	echo "not ok - scan-build: $n findings (exit $rc; report in $out/scan)"
	[ "$n" -gt 0 ] || tail -n 20 "$out/clang.log"
	failed=$((failed + 1))
fi

echo "== GCC -fanalyzer"
make --no-print-directory -s -j"$jobs" B="$out/gcc" WERROR=0 \
	CFLAGS="-O1 -g -fanalyzer" userspace > "$out/gcc.log" 2>&1
rc=$?
grep -E 'warning: .*\[-Wanalyzer-[a-z-]+\]$' "$out/gcc.log" | sort -u > "$out/gcc.findings"
n=$(wc -l < "$out/gcc.findings")
sed 's/^/   /' "$out/gcc.findings"
if [ "$rc" -eq 0 ] && [ "$n" -eq 0 ]; then
	echo "ok - gcc -fanalyzer: 0 findings"; passed=$((passed + 1))
else
	echo "not ok - gcc -fanalyzer: $n findings (exit $rc; log $out/gcc.log)"
	[ "$n" -gt 0 ] || tail -n 20 "$out/gcc.log"
	failed=$((failed + 1))
fi

echo "$passed $failed" > build/results/analyze
echo "analyze: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
