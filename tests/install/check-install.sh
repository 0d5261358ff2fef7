#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make check-install: esol as a packager and an integrator meet it.
#   - `make install DESTDIR=...` lays out the expected tree (modes, links,
#     the library's real name and soname, the default config, man pages);
#     a second install keeps the admin's config; uninstall removes it all
#     but a changed config;
#   - libprinteng exports exactly what its header declares (header, map
#     and the built library agree);
#   - a program outside the tree builds and runs against libprinteng.pc;
#   - every installed binary answers --version with VERSION;
#   - CFLAGS/CPPFLAGS/LDFLAGS on the command line are added to the build's
#     own flags, CROSS_COMPILE picks the tools;
#   - the DKMS tree holds the product module only, with its version, and
#     dkms itself builds it;
#   - `reuse lint`: every file has its licence and copyright.
# Writes build/results/install ("P F"); the last line is "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
nok() { failed=$((failed + 1)); echo "not ok - $*"; }
check() { # DESCRIPTION COMMAND...
	d=$1; shift
	if "$@" > /tmp/esol-check-install.$$ 2>&1; then ok "$d"; else
		nok "$d"; sed 's/^/    /' /tmp/esol-check-install.$$ | tail -n 15; fi
}
T=$(mktemp -d "${TMPDIR:-/tmp}/esol-install.XXXXXX")
trap 'rm -rf "$T" /tmp/esol-check-install.$$' EXIT
V=$(cat VERSION)
MINOR_PATCH=$(echo "$V" | cut -d. -f2-)
D=$T/root

# ---- the installed tree
check "make install DESTDIR PREFIX=/usr" make --no-print-directory -s install DESTDIR="$D" PREFIX=/usr
expect="
0755 usr/sbin/esold
0755 usr/sbin/esol-server
0755 usr/sbin/esol-webui
0644 usr/lib/systemd/system/esol-webui.service
0755 etc/init.d/S81esol-webui
0644 usr/share/man/man8/esol-webui.8
0755 usr/bin/esolctl
0755 usr/bin/printeng-stat
0755 usr/bin/esol-proxy-test
0755 usr/lib/libprinteng.so.0.$MINOR_PATCH
0644 usr/lib/libprinteng.a
0644 usr/lib/pkgconfig/libprinteng.pc
0644 usr/include/printeng/libprinteng.h
0644 usr/include/printeng/linux/printeng.h
0644 usr/lib/systemd/system/esold.service
0644 usr/lib/sysusers.d/esol.conf
0644 usr/lib/tmpfiles.d/esol.conf
0644 usr/lib/udev/rules.d/90-printeng.rules
0644 usr/share/esol/mdev.conf
0755 etc/init.d/S80esold
0640 etc/esol/esold.conf
0644 usr/share/man/man8/esold.8
0644 usr/share/man/man1/esolctl.1
0644 usr/share/man/man1/printeng-stat.1
0644 usr/share/man/man5/esold.conf.5
0644 usr/share/man/man3/libprinteng.3
0644 usr/share/man/man8/esol-server.8
0644 usr/share/doc/esol/agent.md
0644 usr/share/doc/esol/LICENSES/MIT.txt
0644 usr/share/doc/esol/LICENSES/LGPL-2.1-or-later.txt
0644 usr/share/doc/esol/server/README.md
"
missing=
echo "$expect" | while read -r mode f; do
	[ -n "$f" ] || continue
	if [ ! -f "$D/$f" ]; then echo "missing $f"; exit 1; fi
	m=$(stat -c %a "$D/$f")
	[ "0$m" = "$mode" ] || { echo "$f: mode $m, want $mode"; exit 1; }
done > "$T/tree.out" && ok "installed tree: $(echo "$expect" | grep -c .) files with their modes" ||
	{ nok "installed tree"; sed 's/^/    /' "$T/tree.out"; }
check "libprinteng.so.0 -> real name" test "$(readlink "$D/usr/lib/libprinteng.so.0")" = "libprinteng.so.0.$MINOR_PATCH"
check "libprinteng.so -> libprinteng.so.0 (dev link)" test "$(readlink "$D/usr/lib/libprinteng.so")" = "libprinteng.so.0"
check "soname libprinteng.so.0" sh -c "readelf -d '$D/usr/lib/libprinteng.so.0.$MINOR_PATCH' | grep -q 'SONAME.*\[libprinteng.so.0\]'"
check "unit and init script name the installed paths" sh -c "
	grep -qx 'ExecStart=/usr/sbin/esold --foreground --syslog --config /etc/esol/esold.conf' '$D/usr/lib/systemd/system/esold.service' &&
	grep -qx 'DAEMON=/usr/sbin/esold' '$D/etc/init.d/S80esold' &&
	! grep -n '@[A-Z]*@' '$D/usr/lib/systemd/system/esold.service' '$D/etc/init.d/S80esold' '$D/usr/lib/pkgconfig/libprinteng.pc'"
check "default PREFIX is /usr/local (config in /usr/local/etc)" sh -c "
	make --no-print-directory -s install-device DESTDIR='$T/local' >/dev/null &&
	test -x '$T/local/usr/local/sbin/esold' && test -f '$T/local/usr/local/etc/esol/esold.conf'"

# ---- the config is the admin's
echo "# changed by the admin" >> "$D/etc/esol/esold.conf"
cp "$D/etc/esol/esold.conf" "$T/conf.changed"
check "a second install keeps the admin's config" sh -c "
	make --no-print-directory -s install-device DESTDIR='$D' PREFIX=/usr >/dev/null && cmp '$D/etc/esol/esold.conf' '$T/conf.changed'"

# ---- exports: header == map == library
hdr=$(grep -E '^[a-z].*\bprinteng_[a-z_]+\(' userspace/lib/libprinteng.h | grep -v '^static inline' |
	sed -E 's/.*\b(printeng_[a-z_]+)\(.*/\1/' | sort)
map=$(sed -n 's/^[[:space:]]*\(printeng_[a-z_]*\);$/\1/p' userspace/lib/libprinteng.map | sort)
lib=$(nm -D --defined-only "$D/usr/lib/libprinteng.so.0.$MINOR_PATCH" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort)
check "header and libprinteng.map list the same functions ($(echo "$hdr" | wc -l))" test "$hdr" = "$map"
check "the library exports exactly the map's functions" test "$map" = "$lib"

# ---- a program outside the tree, through pkg-config
mkdir -p "$T/outside"
cp tests/install/consumer.c "$T/outside/"
PKGC="env PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR=$D/usr/lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/lib/pkgconfig:/usr/share/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D pkg-config"
check "pkg-config --modversion libprinteng = VERSION" test "$($PKGC --modversion libprinteng)" = "$V"
check "an outside program compiles and links against libprinteng.pc" sh -c "
	cd '$T/outside' && cc -Wall -Werror \$($PKGC --cflags libprinteng) -o consumer consumer.c \$($PKGC --libs libprinteng)"
mkdir -p "$T/fakeroot/sys/class/printeng"
check "... and runs against the installed library" sh -c "
	LD_LIBRARY_PATH='$D/usr/lib' '$T/outside/consumer' '$T/fakeroot' > '$T/consumer.out' &&
	grep -qx 'engines: 0' '$T/consumer.out' && grep -qx 'meter 0: impressions_total' '$T/consumer.out' &&
	LD_LIBRARY_PATH='$D/usr/lib' ldd '$T/outside/consumer' | grep -q '$D/usr/lib/libprinteng.so.0'"

# ---- --version everywhere
for b in usr/sbin/esold usr/sbin/esol-server usr/sbin/esol-webui usr/bin/esolctl usr/bin/printeng-stat usr/bin/esol-proxy-test; do
	n=$(basename "$b")
	check "$n --version" test "$("$D/$b" --version)" = "$n (esol) $V"
done
check "printeng.ko MODULE_VERSION" test "$(modinfo -F version kmod/printeng.ko)" = "$V"

# ---- uninstall
check "make uninstall" make --no-print-directory -s uninstall DESTDIR="$D" PREFIX=/usr
left=$(cd "$D" && find . -type f -o -type l | sort)
check "uninstall leaves only the admin's changed config" test "$left" = "./etc/esol/esold.conf"

# ---- packagers' flags
rm -rf build/flagtest
check "make CFLAGS=... CPPFLAGS=... adds to the build's flags" sh -c "
	make --no-print-directory B=build/flagtest CFLAGS='-O1 -g0' CPPFLAGS='-DESOL_PACKAGER_FLAG=1' LDFLAGS='-Wl,-z,now' \
		build/flagtest/bin/esolctl > '$T/flags.out' 2>&1 &&
	grep -- '-DESOL_PACKAGER_FLAG=1' '$T/flags.out' | grep -- '-O1 -g0' | grep -- '-Werror' | grep -q -- '-Iuserspace' &&
	grep -- '-o build/flagtest/bin/esolctl' '$T/flags.out' | grep -q -- '-Wl,-z,now' &&
	readelf -d build/flagtest/bin/esolctl | grep -q 'BIND_NOW'"
check "CROSS_COMPILE picks the compiler and archiver" sh -c "
	make --no-print-directory -n -B B=build/crosstest CROSS_COMPILE=aarch64-linux-gnu- build/crosstest/libesolctl.a > '$T/cross.out' 2>&1;
	grep -q '^aarch64-linux-gnu-gcc ' '$T/cross.out' && grep -q '^aarch64-linux-gnu-ar ' '$T/cross.out'"
check "CC and AR from the environment are used" sh -c "
	CC=cc-from-env AR=ar-from-env make --no-print-directory -n -B B=build/crosstest build/crosstest/libesolctl.a > '$T/env.out' 2>&1;
	grep -q '^cc-from-env ' '$T/env.out' && grep -q '^ar-from-env ' '$T/env.out'"
rm -rf build/flagtest build/crosstest

# ---- DKMS: the product module only
rm -rf build/dkms
check "DKMS tree: printeng only, versioned" sh -c "
	make --no-print-directory -s -C kmod dkms-tree > /dev/null &&
	d=build/dkms/printeng-$V && test -f \$d/dkms.conf &&
	grep -qx 'PACKAGE_VERSION=\"$V\"' \$d/dkms.conf &&
	! grep -q printeng_sim \$d/dkms.conf && ! ls \$d | grep -q 'sim\|kunit' &&
	make -s -C \$(scripts/kdir.sh) M=\$PWD/\$d CONFIG_DEBUG_INFO_BTF_MODULES= PRINTENG_TEST_MODULES=n modules > /dev/null &&
	test \"\$(ls \$d/*.ko)\" = \"\$d/printeng.ko\" &&
	test \"\$(modinfo -F version \$d/printeng.ko)\" = '$V'"

# ---- ... and DKMS itself builds it from that tree (private dkms and
# source trees: nothing is installed on this machine)
k=$(basename "$(scripts/kdir.sh)" | sed "s/^linux-headers-//")
check "dkms add + build of the DKMS tree" sh -c "
	mkdir -p '$T/dkms/src' '$T/dkms/tree' &&
	cp -r build/dkms/printeng-$V '$T/dkms/src/' &&
	dkms add printeng/$V --sourcetree '$T/dkms/src' --dkmstree '$T/dkms/tree' &&
	dkms build printeng/$V -k '$k' --sourcetree '$T/dkms/src' --dkmstree '$T/dkms/tree' &&
	test \"\$(find '$T/dkms/tree' -name '*.ko*' | sed 's|.*/||')\" = printeng.ko"

# ---- licences
check "reuse lint" reuse lint

mkdir -p build/results
echo "$passed $failed" > build/results/install
echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
