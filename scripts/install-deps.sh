#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Install every Debian 12 package esol needs to build, test and demo.
# Idempotent: installs only what is missing. Run as root (or via sudo).
set -eu

PKGS="
build-essential pkg-config git ca-certificates bc bison flex cpio xz-utils
libelf-dev libssl-dev dwarves rsync kmod
linux-headers-amd64 linux-source-6.1 sparse
qemu-system-x86 busybox-static gcc-multilib mmdebstrap debian-archive-keyring systemd
libnl-3-dev libnl-genl-3-dev
libcurl4-openssl-dev openssl libpsl-dev
check
libinih-dev libjansson-dev duktape-dev zlib1g-dev tzdata
libmicrohttpd-dev libsqlite3-dev sqlite3
libsystemd-dev
scdoc man-db
tinyproxy faketime strace jq
collectd-core libyajl2
clang-14 libclang-rt-14-dev
"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
