#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# sparse over the kernel module: make -C KDIR M=<a copy of kmod> C=2
# CHECK=sparse (the copy keeps kmod/ itself free of these build products).
# By default against Debian's headers and, when it is built, the debug
# kernel too (the only one with KUnit, so the only one that compiles the
# KUnit tests).  Exit status non-zero on any sparse (or compiler) warning
# or error.
# Usage: sparse.sh [KDIR...]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
command -v sparse > /dev/null || { echo "sparse.sh: sparse is not installed" >&2; exit 1; }
if [ $# -eq 0 ]; then
	set -- "$("$top/scripts/kdir.sh")"
	dbg=$("$top/scripts/build-debug-kernel.sh" --path 2>/dev/null) && set -- "$@" "$dbg"
fi

rc=0
for kdir in "$@"; do
	work=$top/build/vm/sparse-$(basename "$kdir")
	mkdir -p "$work"
	# kmod/ and include/ keep their relative layout (Kbuild uses ../include).
	rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '*.mod' \
		--exclude '*.mod.c' --exclude '.*.cmd' --exclude '*.d' \
		--exclude Module.symvers --exclude modules.order \
		"$top/kmod" "$top/include" "$work/"
	out=$work/sparse.log
	if ! make -C "$kdir" M="$work/kmod" C=2 CHECK=sparse \
		CONFIG_DEBUG_INFO_BTF_MODULES= modules > "$out" 2>&1; then
		cat "$out"
		echo "sparse.sh: build against $kdir failed"
		rc=1
	elif grep -E ': (warning|error):' "$out"; then
		echo "sparse.sh: $(grep -cE ': (warning|error):' "$out") warnings against $kdir (log: $out)"
		rc=1
	else
		echo "sparse.sh: clean against $kdir ($(grep -c '  CHECK ' "$out") files checked)"
	fi
done
exit $rc
