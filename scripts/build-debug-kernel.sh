#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Build the debug kernel (KUnit, KASAN, lockdep, kmemleak...) from Debian's
# linux-source-6.1: tinyconfig + scripts/kernel/debug.config +
# scripts/kernel/esol-debug.config.  The built tree (bzImage, Module.symvers,
# kunit.ko) is usable as KDIR for out-of-tree modules.
#
# Cached in ${ESOL_CACHE:-$HOME/.cache/esol}/debug-kernel/<hash of the config
# inputs>; quick when cached.  Prints the tree's path as its last line of
# stdout; everything else goes to stderr.
#
# Usage: build-debug-kernel.sh [--path]
#   --path   only print the path of the tree (exit 1 if it is not built)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${ESOL_CACHE:-$HOME/.cache/esol}
src_tar=/usr/src/linux-source-6.1.tar.xz
debug_config=${ESOL_DEBUG_CONFIG:-$top/scripts/kernel/debug.config}
esol_config=$top/scripts/kernel/esol-debug.config
jobs=$(nproc)

log() { echo "build-debug-kernel: $*" >&2; }

[ -r "$debug_config" ] || { log "missing $debug_config"; exit 1; }
[ -r "$src_tar" ] || { log "missing $src_tar (install linux-source-6.1)"; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
gccver=$(gcc-12 --version 2>/dev/null | head -n 1 || gcc --version | head -n 1)
# The options decide the kernel, not the comments around them.
hash=$( { echo "$srcver"; echo "$gccver"; grep -hv '^[[:space:]]*#' "$debug_config" "$esol_config"; } |
	sha256sum | cut -c1-12)
dir=$cache/debug-kernel/$hash

if [ "${1:-}" = "--path" ]; then
	[ -f "$dir/.esol-built" ] || { log "not built: run scripts/build-debug-kernel.sh"; exit 1; }
	echo "$dir"
	exit 0
fi

mkdir -p "$cache/debug-kernel"
# One build at a time (several engineers / make jobs may ask at once).
exec 9>"$cache/debug-kernel/.lock"
flock 9

if [ -f "$dir/.esol-built" ]; then
	echo "$dir"
	exit 0
fi

start=$(date +%s)
log "building in $dir (linux-source $srcver, $jobs jobs; ~4 min)"
rm -rf "$dir"
mkdir -p "$dir"
tar -xJf "$src_tar" -C "$dir" --strip-components=1

cd "$dir"
make -s tinyconfig > config.log 2>&1 || { cat config.log >&2; exit 1; }
cp "$debug_config" .esol-debug.config.in
cp "$esol_config" .esol-local.config.in
scripts/kconfig/merge_config.sh -m .config .esol-debug.config.in \
	.esol-local.config.in >> config.log 2>&1 || { cat config.log >&2; exit 1; }
make -s olddefconfig >> config.log 2>&1 || { cat config.log >&2; exit 1; }

# Every option of the configs must have survived olddefconfig.
bad=0
for frag in .esol-debug.config.in .esol-local.config.in; do
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qx -- "$line" .config ||
				{ log "$frag: wanted '$line', got '$(grep -E "^(# )?${line%%=*}[= ]" .config || echo unset)'"; bad=1; }
			;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			if grep -q "^$opt=" .config; then
				log "$frag: wanted '$line', got '$(grep "^$opt=" .config)'"; bad=1
			fi
			;;
		esac
	done < "$frag"
done
if [ "$bad" -ne 0 ]; then
	log "some options did not make it into .config (missing dependencies?)"
	exit 1
fi

make -j"$jobs" bzImage modules CONFIG_DEBUG_INFO_BTF_MODULES= >build.log 2>&1 ||
	{ tail -n 40 build.log >&2; log "build failed (see $dir/build.log)"; exit 1; }
[ -f arch/x86/boot/bzImage ] && [ -f Module.symvers ] ||
	{ log "bzImage or Module.symvers missing"; exit 1; }
touch .esol-built
log "built in $(( $(date +%s) - start )) s"
# Keep the three most recent builds (other checkouts may use other configs).
ls -dt "$cache"/debug-kernel/*/.esol-built 2>/dev/null | tail -n +4 |
while read -r stamp; do
	old=$(dirname "$stamp")
	log "removing old build $old"
	rm -rf "$old"
done
echo "$dir"
