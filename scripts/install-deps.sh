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
libcurl4-openssl-dev openssl libpsl-dev libidn2-dev
check
libinih-dev libjansson-dev duktape-dev zlib1g-dev tzdata
libmicrohttpd-dev libsqlite3-dev sqlite3
postgresql libpq-dev nginx gnuplot-nox curl
libsystemd-dev
scdoc man-db
e2fsprogs reuse dkms
tinyproxy squid faketime strace jq
collectd-core libyajl2 swupdate mender-client python3
clang-14 libclang-rt-14-dev clang-tools-14
chromium nodejs curl
"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

# npm (the webui browser test's playwright-core and axe-core): Debian's
# package, unless a nodejs that bundles npm (and conflicts with Debian's
# npm package, as NodeSource's does) is installed already.
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -z "$missing" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
