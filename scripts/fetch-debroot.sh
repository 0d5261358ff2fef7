#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Put a minimal Debian 12 root filesystem with systemd in the cache, made
# by mmdebstrap from Debian's packages: the base of the systemd device
# image (scripts/mkimage.sh --base).  It holds systemd as init, udev,
# kmod, and the shared libraries esold, esolctl and printeng-stat link;
# nothing of esol (mkimage.sh installs that).  The cache directory is
# keyed by a hash of everything that shapes the root (suite, variant,
# package list, exclusions), like scripts/fetch-kernel.sh caches the
# kernel.  Idempotent; quick when cached.
#
# Prints the directory as its last line of stdout:
#   DIR/root/        the root filesystem (owners as in Debian: copy as root)
#   DIR/packages     the installed packages and their versions
set -eu

cache=${ESOL_CACHE:-$HOME/.cache/esol}
SUITE=bookworm
VARIANT=essential
MIRRORS="deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main"
# systemd as pid 1 (systemd-sysv: /sbin/init), udev (device nodes, module
# autoloading), kmod (modprobe), dbus (systemd-run --wait, used by the
# test), procps (/bin/kill: esold.service's ExecReload), and what esol's
# programs link (keep in step with `ldd` of what install-device installs,
# esol-webui's libmicrohttpd included: mkimage.sh --base stops on a missing
# library).
PKGS="systemd systemd-sysv udev kmod dbus procps
libcurl4 libssl3 libinih1 libjansson4 libnl-3-200 libnl-genl-3-200
libduktape207 libpsl5 libsystemd0 libmicrohttpd12 tzdata"
# Not on a device: documentation, manuals, translations.
EXCLUDE="path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*"
# Bump when this script's way of building the root changes.
LAYOUT=1

log() { echo "fetch-debroot: $*" >&2; }
command -v mmdebstrap >/dev/null || { log "mmdebstrap is not installed (run scripts/install-deps.sh)"; exit 1; }

key=$(printf '%s\n' "$LAYOUT" "$SUITE" "$VARIANT" "$MIRRORS" $PKGS "$EXCLUDE" |
	sha256sum | cut -c1-16)
dir=$cache/debroot/$SUITE-$key

if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi
mkdir -p "$cache/debroot"
exec 9>"$cache/debroot/.lock"
flock 9
if [ -f "$dir/.done" ]; then
	echo "$dir"
	exit 0
fi

tmp=$(mktemp -d "$cache/debroot/.tmp.XXXXXX")
mkdir -p "$tmp/out"
trap 'rm -rf "$tmp"' EXIT
log "building a $SUITE root ($VARIANT + $(echo $PKGS | wc -w) packages) with mmdebstrap"
dpkgopts=
for o in $EXCLUDE; do
	dpkgopts="$dpkgopts --dpkgopt=$o"
done
# shellcheck disable=SC2086
echo "$MIRRORS" | mmdebstrap --quiet --mode=root --variant="$VARIANT" \
	--include="$(echo $PKGS | tr ' ' ',')" $dpkgopts \
	--customize-hook='chroot "$1" dpkg-query -W -f="\${Package} \${Version}\n" > "$1/../packages"' \
	"$SUITE" "$tmp/out/root" - >&2
rm -rf "$tmp/out/root/var/cache/apt" "$tmp/out/root/var/lib/apt/lists"
mkdir -p "$tmp/out/root/var/lib/apt/lists" "$tmp/out/root/var/cache/apt"
touch "$tmp/out/.done"
rm -rf "$dir"
mv "$tmp/out" "$dir"
log "cached $SUITE root ($(du -sh "$dir/root" | cut -f1)) in $dir"
echo "$dir"
