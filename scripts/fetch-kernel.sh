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
set -eu

cache=${ESOL_CACHE:-$HOME/.cache/esol}
# Drivers the guest loads for QEMU's -nic user,model=e1000.
NET_MODULES="e1000"

log() { echo "fetch-kernel: $*" >&2; }

abi=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
[ -n "$abi" ] || { log "linux-headers-amd64 is not installed (run scripts/install-deps.sh)"; exit 1; }
ver=$(dpkg-query -W -f='${Version}' "linux-headers-$abi")
dir=$cache/debian/$abi-$ver

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
	tar -x -C "$tmp/x" --wildcards "./boot/vmlinuz-*" "./lib/modules/*/kernel/drivers/*" "./lib/modules/*/kernel/net/*"
release=$(ls "$tmp/x/lib/modules")
[ -f "$tmp/x/boot/vmlinuz-$release" ] || { log "no vmlinuz-$release in $deb"; exit 1; }

mkdir -p "$tmp/out/net"
cp "$tmp/x/boot/vmlinuz-$release" "$tmp/out/vmlinuz"
echo "$release" > "$tmp/out/release"

# Resolve dependencies with modinfo (the .deb has no modules.dep): deps
# first, then the module.
mdir=$tmp/x/lib/modules/$release
: > "$tmp/out/net/order"
find_ko() { # NAME -> path of NAME.ko (names treat - and _ alike)
	pat=$(echo "$1" | sed 's/[-_]/[-_]/g')
	find "$mdir/kernel" -regex ".*/$pat\.ko\(\.xz\|\.zst\)?" | head -n 1
}
add_module() { # NAME
	p=$(find_ko "$1")
	[ -n "$p" ] || { log "module $1 not in $pkg"; exit 1; }
	name=$(basename "$p")
	name=${name%.xz}; name=${name%.zst}
	grep -qx "$name" "$tmp/out/net/order" && return 0
	for d in $(modinfo -F depends "$p" | tr ',' ' '); do
		add_module "$d"
	done
	case "$p" in
	*.ko.xz) xz -dc "$p" > "$tmp/out/net/$name" ;;
	*.ko.zst) zstd -q -dc "$p" > "$tmp/out/net/$name" ;;
	*) cp "$p" "$tmp/out/net/$name" ;;
	esac
	echo "$name" >> "$tmp/out/net/order"
}
for m in $NET_MODULES; do
	add_module "$m"
done

touch "$tmp/out/.done"
rm -rf "$dir"
mv "$tmp/out" "$dir"
log "cached $release ($ver) in $dir"
echo "$dir"
