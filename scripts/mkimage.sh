#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Build the esol device image: what `make install-device` puts in a root
# filesystem, plus busybox (init, shell, mdev, syslogd), the printeng
# module and the distribution kernel's drivers, as an ext4 root filesystem
# on a virtio disk, booted by a small initramfs that only mounts it.
# With --base, the same installed files go into a given root filesystem
# instead of busybox's (Debian's with systemd: scripts/fetch-debroot.sh).
#
# Usage: mkimage.sh OUTDIR [options]
#   --arch ARCH       target architecture, kernel naming (default: the
#                     build machine's, x86_64); the kernel, the modules and
#                     the userspace must all be built for it
#   --with-sim        add printeng_sim.ko (the simulated engine: a test
#                     fixture standing in for the engine driver, never in a
#                     product image) and load it at boot
#   --payload DIR     merge DIR into / (provisioning: config, certificates;
#                     a test's scripts); ELF files in it get their libraries
#   --size MB         size of the root filesystem (default 96, 512 with
#                     --base; sparse)
#   --base DIR        start from the root filesystem DIR (copied, not
#                     changed) instead of busybox: it brings its own init
#                     (e.g. systemd), users and libraries.  The users of
#                     install-device's sysusers.d file are made in it
#                     (systemd-sysusers --root), modules load through
#                     /etc/modules-load.d, and a library a program needs
#                     that DIR lacks is an error, not copied from this host
#
# Writes OUTDIR/rootfs.ext4 (the disk), OUTDIR/initrd.cpio.gz, OUTDIR/kernel
# (a copy of the kernel image) and OUTDIR/release.  Boot it with
# scripts/vm-run.sh --kernel OUTDIR/kernel --initrd OUTDIR/initrd.cpio.gz
# --disk OUTDIR/rootfs.ext4 --append root=/dev/vda (see scripts/boot-image.sh).
# The build must be done (make all); this runs make install-device.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
die() { echo "mkimage: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: mkimage.sh OUTDIR [--arch ARCH] [--with-sim] [--payload DIR] [--size MB]"
out=$1; shift
arch=$(uname -m)
sim=0
payload=
size=
base=
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift 2 ;;
	--with-sim) sim=1; shift ;;
	--payload) payload=$(cd "$2" && pwd); shift 2 ;;
	--size) size=$2; shift 2 ;;
	--base) base=$(cd "$2" && pwd); shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
case "$arch" in
x86_64) ;;
arm64|aarch64)
	# The image layout is arch-neutral; what is missing for arm64 is a
	# cross-built userspace (CROSS_COMPILE=aarch64-linux-gnu- with the
	# arm64 -dev libraries), Debian's arm64 kernel in fetch-kernel.sh and
	# QEMU's virt machine in vm-run.sh.
	die "arch $arch: not built yet (x86_64 only so far; see the head of this script)" ;;
*) die "unknown arch $arch" ;;
esac
[ "$(uname -m)" = "$arch" ] || die "arch $arch needs a cross-built userspace"
if [ -z "$size" ]; then
	size=96
	[ -z "$base" ] || size=512
fi

kdir=$("$top/scripts/fetch-kernel.sh" | tail -n 1) || die "fetch-kernel.sh failed"
release=$(cat "$kdir/release")
busybox=/bin/busybox
readelf -l "$busybox" | grep -q 'Requesting program interpreter' &&
	die "$busybox is not static (install busybox-static)"

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$out/stage
rm -rf "$stage" "$out/initrd"
mkdir -p "$stage"
if [ -n "$base" ]; then
	cp -a "$base/." "$stage/" || die "cannot copy $base"
	# (what is newer than this is esol's: its libraries are checked)
	touch "$out/.base-copied"
fi

# ---- the product, installed as a packager would
make --no-print-directory -s -C "$top" install-device DESTDIR="$stage" PREFIX=/usr >/dev/null ||
	die "make install-device failed"
make --no-print-directory -s -C "$top" install-modules DESTDIR="$stage" KRELEASE="$release" >/dev/null ||
	die "make install-modules failed"

cd "$stage"
echo printer > etc/hostname
printf '127.0.0.1 localhost printer\n10.0.2.2 host\n' > etc/hosts
# The modules to load at boot: the NIC, printeng and, for tests and the
# demo, the simulated engine.
modules_list() {
	sed 's/\.ko$//' "$kdir/net/order"
	echo printeng
	[ "$sim" = 1 ] && echo printeng_sim
	return 0
}
if [ -n "$base" ]; then
	# ---- a root with its own init: users as systemd-sysusers makes
	# them at boot (made now, so provisioning can own files by name),
	# modules through systemd-modules-load.
	systemd-sysusers --root="$stage" ||
		die "systemd-sysusers failed"
	# enabled as a distribution package's post-installation does
	systemctl --root="$stage" --quiet enable esold.service ||
		die "systemctl enable esold.service failed"
	{
		echo "# The esol image's modules (scripts/mkimage.sh)."
		modules_list
	} > etc/modules-load.d/esol-image.conf
	printf '# The root is the virtio disk (mounted by the initramfs).\n/dev/vda / ext4 rw 0 0\n' > etc/fstab
else
# ---- busybox and the skeleton
mkdir -p bin sbin usr/bin usr/sbin usr/lib etc proc sys dev tmp run root \
	var/lib var/log mnt
for d in lib64 lib32; do
	if [ -L "/$d" ]; then
		ln -sfn "$(readlink "/$d")" "$d"
		mkdir -p "./$(readlink "/$d")"
	fi
done
[ -L lib ] || [ -d lib ] || ln -s usr/lib lib
cp "$busybox" bin/busybox
for a in $(bin/busybox --list-full); do
	[ -e "$a" ] || [ -L "$a" ] || ln -s /bin/busybox "$a"
done
cp -a "$top/scripts/image/busybox/etc/." etc/
# The users install-device's sysusers.d file asks for (esol, and esoladm:
# the group that may use esolctl), made here as systemd-sysusers would.
cat > etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
esol:x:100:100:esol remote-services agent:/var/lib/esol:/bin/false
PW
cat > etc/group <<'GR'
root:x:0:
esol:x:100:
esoladm:x:101:esol
GR
printf 'root::0:0:99999:7:::\nesol:!:0:0:99999:7:::\n' > etc/shadow
chmod 0600 etc/shadow
cp usr/share/esol/mdev.conf etc/mdev.conf
cp -L /etc/localtime etc/localtime 2>/dev/null || true
# Time zones (esold's poll time is in the administrator's zone).
mkdir -p usr/share/zoneinfo
( cd /usr/share/zoneinfo && tar -c --exclude=./right --exclude=./posix . ) |
	tar -x -C usr/share/zoneinfo
{
	echo "# Loaded at boot by /etc/init.d/S20modules."
	modules_list
} > etc/modules
fi

mkdir -p "lib/modules/$release/kernel/net"
cp "$kdir"/modules/modules.builtin* "lib/modules/$release/"
cp "$kdir"/net/*.ko "lib/modules/$release/kernel/net/"
[ "$sim" = 1 ] && cp "$top/kmod/printeng_sim.ko" "lib/modules/$release/updates/"
depmod -b "$stage" "$release"

# ---- provisioning and test payload
[ -z "$payload" ] || cp -a "$payload"/. .

# ---- the shared libraries of every program (what ldd lists, same paths)
copy_libs() {
	readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter' || return 0
	ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
	while read -r lib; do
		[ -e "./$lib" ] && continue
		case "$lib" in "$stage"/*) continue ;; esac
		[ -z "$base" ] || { echo "mkimage: $1 needs $lib, which $base lacks" >&2; exit 1; }
		mkdir -p "./$(dirname "$lib")"
		cp -L "$lib" "./$lib"
	done
}
export LD_LIBRARY_PATH="$stage/usr/lib"
newer=
[ -z "$base" ] || newer="-newer $out/.base-copied"
# shellcheck disable=SC2086
progs=$(find usr/sbin usr/bin opt -type f -perm -u+x $newer 2>/dev/null)
for f in $progs; do
	copy_libs "$f" || die "missing libraries"
done
unset LD_LIBRARY_PATH

# ---- the disk, and the initramfs that mounts it
cd "$out"
rm -f rootfs.ext4
mke2fs -q -t ext4 -L esolroot -d "$stage" rootfs.ext4 "${size}M" ||
	die "mke2fs failed"
mkdir -p initrd/bin initrd/sbin initrd/proc initrd/sys initrd/dev initrd/newroot \
	initrd/lib/modules/blk
cp "$busybox" initrd/bin/busybox
for a in sh mount umount insmod sleep mkdir cat ls poweroff switch_root; do
	ln -s busybox "initrd/bin/$a"
done
ln -s ../bin/busybox initrd/sbin/switch_root
cp "$top/scripts/image/initrd-init" initrd/init
chmod 755 initrd/init
cp "$kdir"/blk/*.ko "$kdir/blk/order" initrd/lib/modules/blk/
( cd initrd && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc --quiet -R 0:0 | gzip -1 ) > initrd.cpio.gz
rm -rf initrd
cp "$kdir/vmlinuz" kernel
echo "$release" > release
echo "mkimage: $out (kernel $release, rootfs $(du -sh --apparent-size "$stage" | cut -f1) in ${size} MB ext4)" >&2
