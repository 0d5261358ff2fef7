#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make bench: run bench/ in the test VM (Debian's kernel) and print the
# figures.  Built by `make bench` before this runs.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/bench
mkdir -p "$out"
debian=$(scripts/fetch-kernel.sh | tail -n 1)
echo "/tests/guest-bench.sh" > "$out/tests.list"
# The bench module goes in as a payload: the guest loads it when the
# other figures are taken, not at boot with the modules under test.
rm -rf "$out/payload" && mkdir -p "$out/payload/bench"
cp bench/kmod/printeng_bench.ko "$out/payload/bench/"
scripts/mkinitramfs.sh "$out/bench.cpio.gz" \
	--kernel-release "$(cat "$debian/release")" --tests-list "$out/tests.list" \
	--payload "$out/payload" kmod/printeng.ko kmod/printeng_sim.ko \
	build/guest/bench_snapshot bench/guest-bench.sh
rc=0
scripts/vm-run.sh --kernel debian --initrd "$out/bench.cpio.gz" --quiet \
	--timeout 600 --log "$out/bench.log" || rc=$?
echo "== bench (QEMU TCG guest, 2 vCPUs; ratios compare figures of one run)"
grep -a ': # BENCH' "$out/bench.log" | sed 's/^.*: # BENCH/BENCH/' | tr -d '\r'
exit $rc
