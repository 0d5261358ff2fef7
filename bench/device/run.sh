#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make bench-device: the system calls of one poll exchange in the device
# image, esold on the real module (the target: <= 40, the control socket
# aside), on a live connection and on a new one (TLS resumed), against
# esol-server on the host.  Prints min / median / max of BENCH_DEVICE_POLLS
# polls of each kind (default 5) and writes build/bench/device.json.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
T=build/bench/device
N=${BENCH_DEVICE_POLLS:-5}
rm -rf "$T"; mkdir -p "$T"
scripts/mkpki.sh "$T/pki" SIM0001 >/dev/null
build/bin/esol-server serve --listen 127.0.0.1:0 --port-file "$T/port" \
	--cert "$T/pki/server.crt" --key "$T/pki/server.key" --client-ca "$T/pki/ca.crt" \
	--db "$T/ledger.db" --foreground --log-level warning > "$T/server.log" 2>&1 &
spid=$!
trap 'kill $spid 2>/dev/null || true' EXIT
i=0; while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$T/port")
P=$T/payload
mkdir -p "$P/opt/esol-bench" "$P/usr/bin"
cp -a scripts/image/demo/etc "$P/"
scripts/provision.sh "$P" "$T/pki" "https://10.0.2.2:$port"
chown -R 100:100 "$P/etc/esol" "$P/var/lib/esol"
cp bench/device/guest.sh "$P/opt/esol-bench/guest.sh"
cp "$(command -v strace)" "$P/usr/bin/strace"
scripts/mkimage.sh "$T/image" --with-sim --payload "$P" 2> "$T/mkimage.log"
scripts/vm-run.sh --kernel "$T/image/kernel" --initrd "$T/image/initrd.cpio.gz" \
	--disk "$T/image/rootfs.ext4" --net user --quiet --timeout 900 --stall 300 \
	--append "root=/dev/vda esol.run=/opt/esol-bench/guest.sh" \
	--log "$T/console.log" > "$T/vm-run.out" 2>&1 || {
	tail -n 30 "$T/console.log"; echo "bench-device: the guest failed"; exit 1; }
stats() { # KIND -> "min median max"
	sed -n "s/^BENCH-DEVICE $1 \([0-9]*\).*/\1/p" "$T/console.log" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) { print "- - -"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print v[1], m, v[NR] }'
}
set -- $(stats live); lmin=$1 lmed=$2 lmax=$3
set -- $(stats new); nmin=$1 nmed=$2 nmax=$3
set -- $(stats live-novdso); vlmin=$1 vlmed=$2 vlmax=$3
set -- $(stats new-novdso); vnmin=$1 vnmed=$2 vnmax=$3
echo "system calls per poll exchange in the device image (esold on /dev/printeng0; control socket aside)"
printf '  %-36s min %-5s median %-5s max %-5s  target <= 40: %s\n' "live connection" "$lmin" "$lmed" "$lmax" \
	"$(awk -v m="$lmax" 'BEGIN { print (m != "-" && m <= 40) ? "met" : "NOT met" }')"
printf '  %-36s min %-5s median %-5s max %-5s  target <= 40: %s\n' "new connection (TLS resumed)" "$nmin" "$nmed" "$nmax" \
	"$(awk -v m="$nmax" 'BEGIN { print (m != "-" && m <= 40) ? "met" : "NOT met" }')"
echo "  without clock_gettime (a system call here only because the guest's clocksource, $(sed -n 's/^clocksource: //p' "$T/console.log" | head -n 1), keeps the vDSO from serving it):"
printf '  %-36s min %-5s median %-5s max %-5s\n' "live connection" "$vlmin" "$vlmed" "$vlmax"
printf '  %-36s min %-5s median %-5s max %-5s\n' "new connection (TLS resumed)" "$vnmin" "$vnmed" "$vnmax"
printf '{"polls": %s, "live": {"min": %s, "median": %s, "max": %s}, "new": {"min": %s, "median": %s, "max": %s}, "live_without_clock_gettime": {"min": %s, "median": %s, "max": %s}, "new_without_clock_gettime": {"min": %s, "median": %s, "max": %s}}\n' \
	"$N" "$lmin" "$lmed" "$lmax" "$nmin" "$nmed" "$nmax" "$vlmin" "$vlmed" "$vlmax" "$vnmin" "$vnmed" "$vnmax" | sed 's/: -/: null/g' > build/bench/device.json
echo "(build/bench/device.json; strace of one live poll: $T/console.log)"
