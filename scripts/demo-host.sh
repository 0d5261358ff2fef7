#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make demo-host: the earlier, host-only demo.  Boots Debian's kernel in QEMU with printeng and
# its simulated engine, prints pages and shows the meters and supplies the
# device would report; then (when esold and esol-server are built) runs the
# whole exchange on the host over HTTPS.  Exits 0 only if every step did.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/demo
mkdir -p "$out"
start=$(date +%s)

echo "== esol demo, part 1: the print engine in a real kernel (QEMU, Debian $(scripts/kdir.sh | sed 's|.*headers-||'))"
debian=$(scripts/fetch-kernel.sh | tail -n 1)
echo "/tests/demo-guest.sh" > "$out/tests.list"
stat=
[ -x build/bin/printeng-stat ] && stat=build/bin/printeng-stat
# shellcheck disable=SC2086
scripts/mkinitramfs.sh "$out/demo.cpio.gz" \
	--kernel-release "$(cat "$debian/release")" --tests-list "$out/tests.list" \
	kmod/printeng.ko kmod/printeng_sim.ko scripts/demo-guest.sh $stat
rc=0
scripts/vm-run.sh --kernel debian --initrd "$out/demo.cpio.gz" --quiet \
	--timeout 300 --log "$out/demo.log" > "$out/vm-run.out" || rc=$?
grep -a '^demo-guest.sh: ' "$out/demo.log" | tr -d '\r' |
	sed -e 's/^demo-guest.sh: # demo: /   /' -e 's/^demo-guest.sh: # /     /' \
	    -e 's/^demo-guest.sh: /   /' | grep -v '^   1\.\.'
tail -n 1 "$out/vm-run.out"
[ "$rc" -eq 0 ] || { echo "demo: the VM part failed (log: $out/demo.log)"; exit 1; }

if [ -x scripts/demo-exchange.sh ]; then
	echo "== esol demo, part 2: the exchange with the Communication Server (host, HTTPS)"
	scripts/demo-exchange.sh
fi
echo "== demo done in $(( $(date +%s) - start )) s"
