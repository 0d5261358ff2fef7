#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# checkpatch.pl --strict --no-tree on the kernel module's sources and the
# uapi header.  checkpatch.pl, spelling.txt and const_structs.checkpatch are
# taken from Debian's linux-source-6.1 tarball (no package ships them
# alone) into ${ESOL_CACHE:-$HOME/.cache/esol}.
# Exit status non-zero on any error, warning or check.
# Usage: checkpatch.sh [FILES...]   (default: the module's sources)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ESOL_CACHE:-$HOME/.cache/esol}
src_tar=/usr/src/linux-source-6.1.tar.xz
[ -r "$src_tar" ] || { echo "checkpatch: missing $src_tar (install linux-source-6.1)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
dir=$cache/checkpatch-$srcver

if [ ! -f "$dir/.done" ]; then
	mkdir -p "$dir"
	tar -xJf "$src_tar" -C "$dir" --strip-components=2 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch
	touch "$dir/.done"
fi

cd "$top"
if [ $# -eq 0 ]; then
	set -- $(ls kmod/*.c kmod/*.h kmod/include/linux/*.h include/uapi/linux/*.h 2>/dev/null |
		grep -v '\.mod\.c$')
fi
[ $# -gt 0 ] || { echo "checkpatch: no files" >&2; exit 1; }

out=$(mktemp)
trap 'rm -f "$out"' EXIT
perl "$dir/checkpatch.pl" --strict --no-tree --no-summary --terse --show-types \
	--file "$@" > "$out" 2>&1 || true
if [ -s "$out" ]; then
	cat "$out"
	echo "checkpatch: $(grep -cE ': (ERROR|WARNING|CHECK):' "$out") problems in $# files"
	exit 1
fi
echo "checkpatch: $# files clean"
