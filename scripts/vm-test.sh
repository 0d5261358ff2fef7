#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make check-kmod: the kernel module, tested for real in QEMU under
# Debian's kernel and under the debug kernel (KUnit, KASAN, lockdep,
# kmemleak), plus checkpatch and sparse.
#
#  1. builds the modules for Debian's kernel (make -C kmod) and for the
#     debug kernel (in a copy of kmod/: build/vm/kmod-debug), and the guest
#     programs (make guest-build; the list: make guest-list);
#  2. packs one initramfs per kernel (scripts/mkinitramfs.sh) and boots
#     both (scripts/vm-run.sh), in parallel;
#  3. runs scripts/checkpatch.sh, scripts/sparse.sh and
#     scripts/vm-net-test.sh debian (one check each);
#  4. writes build/results/kmod ("PASSED FAILED") and ends with the line
#     "N passed, N failed".
#
# Environment: ESOL_VM_TIMEOUT (per boot, s; default 900),
# ESOL_TEST_TIMEOUT (per guest test, s; default 300), ESOL_VM_KERNELS
# (default "debian debug"), ESOL_VM_SERIAL=1 (boot one kernel after the
# other), ESOL_CACHE (cache directory).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 4
out=build/vm
mkdir -p "$out" build/results
# One run at a time in this tree (build/vm is shared).
exec 8> "$out/.lock"
flock 8
rm -f build/results/kmod
kernels=${ESOL_VM_KERNELS:-debian debug}
vm_timeout=${ESOL_VM_TIMEOUT:-900}
test_timeout=${ESOL_TEST_TIMEOUT:-300}
start=$(date +%s)

passed=0
failed=0
summary=
# check NAME COMMAND...: one counted check, output in build/vm/NAME.out
check() {
	name=$1; shift
	if "$@" > "$out/$name.out" 2>&1; then
		passed=$((passed + 1))
		echo "vm-test: ok - $name"
	else
		failed=$((failed + 1))
		tail -n 30 "$out/$name.out"
		echo "vm-test: not ok - $name (see $out/$name.out)"
	fi
}
elapsed() { echo "$(( $(date +%s) - start )) s"; }

# --- kernels
debian=$(scripts/fetch-kernel.sh) || { echo "vm-test: fetch-kernel.sh failed"; debian=; }
debug=$(scripts/build-debug-kernel.sh | tail -n 1) || { echo "vm-test: build-debug-kernel.sh failed"; debug=; }
echo "vm-test: kernels ready ($(elapsed))"

# --- builds
kdir=$(scripts/kdir.sh)
build_debug_modules() {
	mkdir -p "$out/kmod-debug"
	# Keep kmod/ and include/ side by side (Kbuild uses ../include); the
	# Debian build products of kmod/ stay out.
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.mod' \
		--exclude '*.mod.c' --exclude '.*.cmd' --exclude '*.d' \
		--exclude Module.symvers --exclude modules.order \
		kmod include "$out/kmod-debug/" &&
	make -C "$out/kmod-debug/kmod" KDIR="$debug"
}
check build-modules-debian make -C kmod KDIR="$kdir"
[ -n "$debug" ] && check build-modules-debug build_debug_modules
check build-guest-programs make --no-print-directory guest-build
echo "vm-test: built ($(elapsed))"

guest=$(make -s --no-print-directory guest-list)
: > "$out/tests.list"
for t in $guest; do
	[ -f "$t" ] && echo "/tests/$(basename "$t")" >> "$out/tests.list"
done
existing() { for f in "$@"; do [ -f "$f" ] && echo "$f"; done; }

# --- boots (in parallel: each guest is mostly one busy vCPU)
pids=
for k in $kernels; do
	case "$k" in
	debian)
		[ -n "$debian" ] || { failed=$((failed + 1)); continue; }
		files=$(existing kmod/printeng.ko kmod/printeng_sim.ko)
		rel=$(cat "$debian/release")
		netmods="--net-modules $debian"
		;;
	debug)
		[ -n "$debug" ] || { failed=$((failed + 1)); continue; }
		m=$out/kmod-debug/kmod
		files=$(existing "$debug/lib/kunit/kunit.ko" "$m/printeng.ko" \
			"$m/printeng_sim.ko"; ls "$m"/*kunit*.ko 2>/dev/null)
		rel=$(cat "$debug/include/config/kernel.release")
		netmods=
		;;
	*) echo "vm-test: unknown kernel $k"; failed=$((failed + 1)); continue ;;
	esac
	# shellcheck disable=SC2086
	if ! scripts/mkinitramfs.sh "$out/$k.cpio.gz" --kernel-release "$rel" \
		--tests-list "$out/tests.list" $netmods $files $(existing $guest); then
		echo "vm-test: mkinitramfs for $k failed"
		failed=$((failed + 1))
		continue
	fi
	rm -f "$out/$k.result"
	scripts/vm-run.sh --kernel "$k" --initrd "$out/$k.cpio.gz" --quiet \
		--timeout "$vm_timeout" --append "esol.test_timeout=$test_timeout" \
		--log "$out/$k.log" --result "$out/$k.result" > "$out/$k.vm-run" 2>&1 &
	pids="$pids $!"
	[ "${ESOL_VM_SERIAL:-0}" = 1 ] && wait $!
done

# --- static checks while the guests run
check checkpatch scripts/checkpatch.sh
check sparse scripts/sparse.sh
# QEMU user networking (what the demo relies on), under Debian's kernel.
case " $kernels " in *" debian "*) check net-user scripts/vm-net-test.sh debian ;; esac
for p in $pids; do wait "$p"; done

for k in $kernels; do
	[ -f "$out/$k.log" ] || continue
	echo "==== $k kernel ($out/$k.log)"
	grep -aE '^(RESULT |GUEST-RESULT|guest: not ok|KERNEL-ISSUE|kmemleak: unreferenced|[A-Za-z0-9_.-]+: not ok|run-guest:)' "$out/$k.log"
	cat "$out/$k.vm-run"
	if [ -f "$out/$k.result" ]; then
		read -r p f < "$out/$k.result"
	else
		p=0 f=1
	fi
	echo "$k: $p passed, $f failed"
	summary="$summary
$k: $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed $failed" > build/results/kmod
echo "vm-test: done in $(elapsed)$summary"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
