#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Pack a guest initramfs: busybox-static and its applet links, /init
# (tests/vm/init), /run-guest.sh, kernel modules, guest programs and the
# shared libraries they need (what ldd lists, at the same paths, plus the
# dynamic loader; no ld.so.cache needed).
#
# Usage: mkinitramfs.sh OUT.cpio.gz [options] FILES...
#   FILES           *.ko: kernel modules -> /lib/modules/R/extra/; the ones
#                   whose name contains "kunit" are KUnit modules (kunit.ko
#                   itself is the framework), run by run-guest.sh under a
#                   kernel with KUnit; the others are loaded in the order
#                   given, before the tests, by run-guest.sh.
#                   Anything else: a guest program -> /tests/NAME.
#   --kernel-release R  put modules in /lib/modules/R (default: esol)
#   --tests-list F      /tests.list: one shell command per line (default:
#                       one line "/tests/NAME" per program, in order)
#   --payload DIR       copy DIR's contents to / (merged); its ELF
#                       executables get their libraries too
#   --net-modules DIR   NIC driver modules (DIR/*.ko, DIR/order) -> /lib/modules/net;
#                       DIR may be the output of scripts/fetch-kernel.sh
#                       (needed for --net user under Debian's kernel)
#   --init F            use F as /init (default tests/vm/init)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "mkinitramfs: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: mkinitramfs.sh OUT.cpio.gz [--kernel-release R] [--tests-list F] [--payload DIR] [--net-modules DIR] FILES..."
out=$1; shift
case "$out" in /*) outabs=$out ;; *) outabs=$PWD/$out ;; esac
release=esol
tests_list=
payload=
netmods=
init=$top/tests/vm/init
files=
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel-release) release=$2; shift 2 ;;
	--tests-list) tests_list=$2; shift 2 ;;
	--payload) payload=$2; shift 2 ;;
	--net-modules) netmods=$2; shift 2 ;;
	--init) init=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option $1" ;;
	*) files="$files
$1"; shift ;;
	esac
done
for f in "$@"; do files="$files
$f"; done

busybox=/bin/busybox
# is_dynamic FILE: an ELF file with a program interpreter
is_dynamic() {
	readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter'
}
is_dynamic "$busybox" &&
	die "$busybox is not static (install busybox-static)"

# Relative paths are relative to the caller's directory.
abspath() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
init=$(abspath "$init")
[ -z "$tests_list" ] || tests_list=$(abspath "$tests_list")
[ -z "$payload" ] || payload=$(abspath "$payload")
[ -z "$netmods" ] || netmods=$(abspath "$netmods")
abs=
IFS_SAVE=$IFS
IFS='
'
for f in $files; do
	[ -n "$f" ] && abs="$abs
$(abspath "$f")"
done
IFS=$IFS_SAVE
files=$abs

stage=$(mktemp -d "${TMPDIR:-/tmp}/esol-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cd "$stage"
mkdir -p bin sbin usr/bin usr/sbin usr/lib etc proc sys dev tmp run root \
	tests "lib/modules/$release/extra"
# Mirror the host's merged-/usr library layout so ldd's paths resolve.
for d in lib64 lib32; do
	if [ -L "/$d" ]; then
		ln -s "$(readlink "/$d")" "$d"
		mkdir -p "$(readlink "/$d")"
	fi
done

cp "$busybox" bin/busybox
for a in $(bin/busybox --list-full); do
	[ -e "$a" ] || [ -L "$a" ] || ln -s /bin/busybox "$a"
done
cp "$init" init
cp "$top/tests/vm/run-guest.sh" run-guest.sh
chmod 755 init run-guest.sh
# /dev/console for the kernel's initial console (init re-opens it on devtmpfs).
mknod -m 600 dev/console c 5 1 2>/dev/null || true
mknod -m 666 dev/null c 1 3 2>/dev/null || true
echo "root:x:0:0:root:/root:/bin/sh" > etc/passwd
echo "root:x:0:" > etc/group
printf '127.0.0.1 localhost\n' > etc/hosts

# copy_libs FILE: the shared libraries ldd lists, and the loader, at the
# same paths (no ld.so.cache needed).
copy_libs() {
	is_dynamic "$1" || return 0
	ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
	while read -r lib; do
		[ -e "./$lib" ] && continue
		mkdir -p "./$(dirname "$lib")"
		cp -L "$lib" "./$lib"
	done
}

mods=
kunit=
progs=
IFS_SAVE=$IFS
IFS='
'
for f in $files; do
	[ -n "$f" ] || continue
	[ -f "$f" ] || die "no such file: $f"
	name=$(basename "$f")
	case "$name" in
	*.ko)
		cp "$f" "lib/modules/$release/extra/$name"
		case "$name" in
		*kunit*) kunit="$kunit/lib/modules/$release/extra/$name
" ;;
		*) mods="$mods/lib/modules/$release/extra/$name
" ;;
		esac
		;;
	*)
		cp "$f" "tests/$name"
		chmod 755 "tests/$name"
		copy_libs "$f"
		progs="$progs/tests/$name
"
		;;
	esac
done
IFS=$IFS_SAVE
printf '%s' "$mods" > etc/esol-modules
# kunit.ko (the framework) first.
printf '%s' "$kunit" | grep '/kunit\.ko$' > etc/esol-kunit || true
printf '%s' "$kunit" | grep -v '/kunit\.ko$' >> etc/esol-kunit || true

if [ -n "$tests_list" ]; then
	cp "$tests_list" tests.list
else
	printf '%s' "$progs" > tests.list
fi

if [ -n "$netmods" ]; then
	[ -f "$netmods/order" ] || netmods=$netmods/net
	[ -f "$netmods/order" ] || die "--net-modules: no order file in $netmods"
	mkdir -p lib/modules/net
	cp "$netmods"/*.ko lib/modules/net/
	cp "$netmods/order" lib/modules/net/order
fi

if [ -n "$payload" ]; then
	[ -d "$payload" ] || die "payload $payload is not a directory"
	cp -a "$payload"/. .
	find "$payload" -type f -perm -u+x | while read -r f; do copy_libs "$f"; done
fi

mkdir -p "$(dirname "$outabs")"
find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0 | gzip -1 > "$outabs.tmp"
mv "$outabs.tmp" "$outabs"
