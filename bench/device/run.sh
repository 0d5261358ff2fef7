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
# Two boots of the same image: the clocksource QEMU's TCG guest picks by
# itself (hpet: every clock_gettime a system call, the vDSO cannot read it),
# and the TSC (clocksource=tsc tsc=reliable: the vDSO reads it, as it reads
# the TSC of a real x86 device or the architected timer of an ARM one).
boot() { # NAME EXTRA-APPEND
	scripts/vm-run.sh --kernel "$T/image/kernel" --initrd "$T/image/initrd.cpio.gz" \
		--disk "$T/image/rootfs.ext4" --net user --quiet --timeout 900 --stall 300 \
		--append "root=/dev/vda esol.run=/opt/esol-bench/guest.sh $2" \
		--log "$T/console-$1.log" > "$T/vm-run-$1.out" 2>&1 || {
		tail -n 30 "$T/console-$1.log"; echo "bench-device: the guest failed ($1)"; exit 1; }
}
boot emulated ""
boot tsc "clocksource=tsc tsc=reliable"
stats() { # LOG KIND -> "min median max"
	sed -n "s/^BENCH-DEVICE $2 \([0-9]*\).*/\1/p" "$1" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR == 0) { print "- - -"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print v[1], m, v[NR] }'
}
met() { awk -v m="$1" 'BEGIN { print (m != "-" && m <= 40) ? "met" : "NOT met" }'; }
echo "system calls per poll exchange in the device image (esold on /dev/printeng0; control socket aside)"
json="{\"polls\": $N"
for b in emulated tsc; do
	log=$T/console-$b.log
	cs=$(sed -n 's/^clocksource: //p' "$log" | head -n 1)
	echo " guest clocksource $cs:"
	json="$json, \"$b\": {\"clocksource\": \"$cs\""
	for k in live new live-novdso new-novdso; do
		set -- $(stats "$log" "$k")
		case $k in
		live) what="live connection" ;;
		new) what="new connection (TLS resumed)" ;;
		live-novdso) what="  live, clock_gettime aside" ;;
		new-novdso) what="  new, clock_gettime aside" ;;
		esac
		printf '  %-36s min %-5s median %-5s max %-5s  target <= 40: %s\n' "$what" "$1" "$2" "$3" "$(met "$3")"
		json="$json, \"$(echo "$k" | sed 's/-novdso/_without_clock_gettime/')\": {\"min\": $1, \"median\": $2, \"max\": $3}"
	done
	json="$json}"
done
echo "$json}" | sed 's/: -/: null/g' > build/bench/device.json
echo "(build/bench/device.json; strace of one poll of each kind: $T/console-tsc.log, $T/console-emulated.log)"
