#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Runs in the test VM (a /tests.list entry): the kernel and chrdev
# benchmarks.  Figures are printed as "# BENCH ..." TAP comments.
ctl=/sys/kernel/debug/printeng_sim/control
echo "1..2"
echo "add bench0" > "$ctl" || { echo "not ok 1 - create engine"; exit 1; }
dev=$(cat /sys/kernel/debug/printeng_sim/bench0/info)
echo "100 color duplex" > /sys/kernel/debug/printeng_sim/bench0/print
if out=$(/tests/bench_snapshot "${dev#printeng}" 2000); then
	echo "$out" | sed 's/^/# /'
	echo "ok 1 - chrdev snapshot vs sysfs"
else
	echo "not ok 1 - chrdev snapshot vs sysfs"
fi
echo "del bench0" > "$ctl"
if insmod /bench/printeng_bench.ko; then
	dmesg | grep 'BENCH' | sed 's/^\[[^]]*\] /# /'
	rmmod printeng_bench
	echo "ok 2 - meter add vs atomic64_add"
else
	echo "not ok 2 - meter add vs atomic64_add"
fi
