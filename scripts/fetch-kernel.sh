#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Put Debian's kernel (the one matching the installed linux-headers-amd64) in
# the cache: vmlinuz and the NIC driver modules the guest needs for
# `vm-run.sh --net user`.  Taken out of the linux-image .deb (apt-get
# download + dpkg-deb), not installed.  Idempotent; quick when cached.
#
# Prints the directory as its last line of stdout:
#   DIR/vmlinuz      the kernel
#   DIR/release      its `uname -r` (e.g. 6.1.0-56-amd64)
#   DIR/net/*.ko     NIC driver (e1000) and its dependencies
#   DIR/net/order    the .ko names in load order
#   DIR/blk/*.ko     virtio-blk and ext4 (and their dependencies), for the
#   DIR/blk/order    device image's root filesystem on a virtio disk
#   DIR/modules/     modules.builtin{,.modinfo} (for depmod of an image)
set -eu

cache=${ESOL_CACHE:-$HOME/.cache/esol}
# Drivers the guest loads for QEMU's -nic user,model=e1000.
NET_MODULES="e1000"
# Drivers the device image's initramfs loads to mount its ext4 root on
# virtio-blk (crc32c: ext4's metadata checksums ask the crypto API for it).
BLK_MODULES="virtio_pci virtio_blk ext4 crc32c_generic"
# Bump when the lists above change: a new cache directory.
LAYOUT=3

log() { echo "fetch-kernel: $*" >&2; }

abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
[ -n "$abi" ] || { log "linux-headers-amd64 is not installed (run scripts/install-deps.sh)"; exit 1; }
ver=$(dpkg-query -W -f='${Version}' "linux-headers-$abi")
dir=$cache/debian/$abi-$ver-l$LAYOUT

if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache/debian"
exec 9>"$cache/debian/.lock"
flock 9
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d "$cache/debian/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pkg=linux-image-$abi
log "downloading $pkg=$ver"
( cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2 ) || {
	log "apt-get download failed; trying after apt-get update"
	apt-get update -q >&2
	( cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver" >&2 )
}
deb=$(ls "$tmp"/*.deb)
mkdir "$tmp/x"
dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$tmp/x" --wildcards "./boot/vmlinuz-*" "./lib/modules/*/kernel/drivers/*" \
		"./lib/modules/*/kernel/net/*" "./lib/modules/*/kernel/fs/*" \
		"./lib/modules/*/kernel/lib/*" "./lib/modules/*/kernel/crypto/*" \
		"./lib/modules/*/modules.builtin*"
release=$(ls "$tmp/x/lib/modules")
[ -f "$tmp/x/boot/vmlinuz-$release" ] || { log "no vmlinuz-$release in $deb"; exit 1; }

mkdir -p "$tmp/out/net" "$tmp/out/blk"
cp "$tmp/x/boot/vmlinuz-$release" "$tmp/out/vmlinuz"
echo "$release" > "$tmp/out/release"
# What is built in (depmod -b of an image wants it).
mkdir -p "$tmp/out/modules"
cp "$tmp/x/lib/modules/$release"/modules.builtin* "$tmp/out/modules/"

# Resolve dependencies with modinfo (the .deb has no modules.dep): deps
# first, then the module.
mdir=$tmp/x/lib/modules/$release
find_ko() { # NAME -> path of NAME.ko (names treat - and _ alike)
	pat=$(echo "$1" | sed 's/[-_]/[-_]/g')
	find "$mdir/kernel" -regex ".*/$pat\.ko\(\.xz\|\.zst\)?" | head -n 1
}
# (POSIX sh has no local variables: the recursion may change p and name,
# so they are looked up again after it.)
add_module() { # SUBDIR NAME
	p=$(find_ko "$2")
	[ -n "$p" ] || { log "module $2 not in $pkg"; exit 1; }
	for d in $(modinfo -F depends "$p" | tr ',' ' '); do
		add_module "$1" "$d"
	done
	p=$(find_ko "$2")
	name=$(basename "$p")
	name=${name%.xz}; name=${name%.zst}
	grep -qx "$name" "$tmp/out/$1/order" && return 0
	case "$p" in
	*.ko.xz) xz -dc "$p" > "$tmp/out/$1/$name" ;;
	*.ko.zst) zstd -q -dc "$p" > "$tmp/out/$1/$name" ;;
	*) cp "$p" "$tmp/out/$1/$name" ;;
	esac
	echo "$name" >> "$tmp/out/$1/order"
}
: > "$tmp/out/net/order"
for m in $NET_MODULES; do
	add_module net "$m"
done
: > "$tmp/out/blk/order"
for m in $BLK_MODULES; do
	add_module blk "$m"
done

touch "$tmp/out/.done"
rm -rf "$dir"
mv "$tmp/out" "$dir"
log "cached $release ($ver) in $dir"
echo "$dir"
