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
# What the emulator cannot change: the built loops, from the module's
# disassembly (instructions, locked instructions, calls and their targets
# from the relocations).  Each function is its whole loop plus the two
# ktime_get_ns() calls that time it.
echo "== disassembly of the timed loops (objdump -dr bench/kmod/printeng_bench.ko)"
for f in bench_atomic bench_meter_add bench_meter_add_var; do
	objdump -dr --no-show-raw-insn bench/kmod/printeng_bench.ko |
	awk -v f="$f" '
		$0 ~ "^[0-9a-f]+ <" f ">:$" { on = 1; next }
		on && /^$/ { exit }
		on && /^ *[0-9a-f]+:\t/ {
			n++
			if ($0 ~ /\tlock /) lk++
			if ($0 ~ /\tcall/) { c++; wantsym = 1 }
			next
		}
		on && wantsym && /R_X86_64/ { sub(/-0x[0-9a-f]+$/, "", $NF); t = t " " $NF; wantsym = 0 }
		END { printf "BENCH objdump %s: %d instructions, %d locked, %d calls:%s\n", f, n, lk, c, t }'
done
exit $rc
