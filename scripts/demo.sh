#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make demo: the main job, the product at work.  A throw-away PKI,
# esol-server on this host, and the device image booted in QEMU: inside it,
# the installed esold (started by its init script) reads /dev/printeng0 and
# the generic-netlink events of the real printeng module while a simulated
# engine prints pages and drains toner.  The server asks for a billing
# read, the device sends it; a toner turns low and the device reports its
# supplies at once.  Both sides tell the story as it happens; at the end
# the server's ledger is put next to the device's meters (sysfs, in the
# guest) and the demo exits 0 only if they agree.
#
# Usage: [ARCH=x86_64] demo.sh [--result FILE]   (FILE gets "PASSED FAILED": make
# check-device runs the demo as a test)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
result=
[ "${1:-}" = --result ] && result=$2
cd "$top"
T=$top/build/demo
ESOL_SERVER=$top/build/bin/esol-server
rm -rf "$T"
mkdir -p "$T"
start=$(date +%s)
server_pid=
vm_pid=
tail_pid=
cleanup() {
	for p in $tail_pid $vm_pid $server_pid; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
checks=0
# The result: the guest's checks (vm-run counts them) plus the host's.
write_result() { # FAILED
	[ -n "$result" ] || return 0
	g=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$T/vm-run.out" 2>/dev/null | tail -n 1)
	set -- ${g:-0 0} "$1"
	mkdir -p "$(dirname "$result")"
	echo "$(($1 + checks)) $(($2 + $3))" > "$result"
}
pass() { checks=$((checks + 1)); }
fail() { echo "demo: FAILED: $*"; write_result 1; exit 1; }
ledger() { "$ESOL_SERVER" "$@" --db "$T/ledger.db"; }

echo "== esol demo: a printer (QEMU, Debian $(scripts/kdir.sh | sed 's|.*headers-||')) and the Communication Server (this host)"
scripts/mkpki.sh "$T/pki" SIM0001 >/dev/null
"$ESOL_SERVER" serve --listen 127.0.0.1:0 --port-file "$T/port" \
	--cert "$T/pki/server.crt" --key "$T/pki/server.key" \
	--client-ca "$T/pki/ca.crt" --db "$T/ledger.db" --capture "$T/capture" \
	--foreground --log-level info > "$T/server.log" 2>&1 &
server_pid=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || fail "esol-server did not start: $(cat "$T/server.log")"
port=$(cat "$T/port")
echo "   server: esol-server listens on 127.0.0.1:$port (TLS, client certificates); the guest reaches it as 10.0.2.2:$port"

# Provisioning, as a factory would: the server's address, the CA that
# signs it, the device's own certificate.  The daily poll is at 03:00 UTC
# and has been done today, so the story is driven by esolctl poll-now.
P=$T/payload
mkdir -p "$P"
cp -a scripts/image/demo/. "$P/"
scripts/provision.sh "$P" "$T/pki" "https://10.0.2.2:$port"
# esold runs as esol (uid 100 in the image): its config and key are its own.
chown -R 100:100 "$P/etc/esol" "$P/var/lib/esol"
echo "   device: building the image (make install-device + busybox + printeng.ko + the simulated engine)"
scripts/mkimage.sh "$T/image" --arch "${ARCH:-$(uname -m)}" --with-sim --payload "$P" 2> "$T/mkimage.log" ||
	fail "mkimage: $(tail -n 5 "$T/mkimage.log")"
t_boot=$(date +%s)
echo "   device: booting"
: > "$T/device.log"
scripts/vm-run.sh --kernel "$T/image/kernel" --initrd "$T/image/initrd.cpio.gz" \
	--disk "$T/image/rootfs.ext4" --net user --quiet --timeout 240 --stall 120 \
	--append "root=/dev/vda esol.run=/opt/esol-demo/story.sh" \
	--log "$T/device.log" > "$T/vm-run.out" 2>&1 &
vm_pid=$!
# The story as it happens: the device's console and the server's log.
sleep 0.5
tail -n +1 -F "$T/device.log.raw" 2>/dev/null |
	sed -n -u 's/\r$//; s/^demo: /   device: /p; s/^\(Starting esold: .*\)/   device: \1/p; s/^\(not ok - .*\)/   device: \1/p' &
tail_pid=$!
tail -n +1 -F "$T/server.log" 2>/dev/null |
	sed -n -u 's/^esol-server: [a-z]*: [0-9.]* \(POST [^ ]*\) -> \([0-9]*\) .*device=\([^ ]*\) /   server: \1 from \3: \2, /p' &
tail_pid="$tail_pid $!"
rc=0
wait "$vm_pid" || rc=$?
vm_pid=
sleep 1
# (the pipelines' first members, the tails, end with the sed they feed)
pkill -f "tail -n \+1 -F $T/" 2>/dev/null || true
tail_pid=
t_end=$(date +%s)
tail -n 1 "$T/vm-run.out"
[ "$rc" -eq 0 ] || fail "the device part failed (console: $T/device.log)"

echo "== what the server stored"
ledger list-reads | sed 's/^/   /'
ledger list-supplies | tail -n 3 | sed 's/^/   /'
echo "   every body the server received, checked against the allowlist of docs/protocol.md:"
ledger check-capture --capture "$T/capture" --allowlist docs/protocol.md | sed 's/^/     /' ||
	fail "a request carried a field outside the allowlist"
pass
[ "$(ledger list-reads --json | jq length)" = 1 ] || fail "the ledger should hold exactly one read"
pass
[ "$(ledger list-supplies --json | jq length)" = 2 ] || fail "the ledger should hold two supplies reports"
pass

echo "== the ledger next to the device's meters (sysfs in the guest, at the read)"
ok=1
n=0
for m in $(sed -n 's/^DEVICE-METER \([a-z_]*\) .*/\1/p' "$T/device.log"); do
	d=$(sed -n "s/^DEVICE-METER $m \([0-9]*\).*/\1/p" "$T/device.log")
	s=$(ledger list-reads --json | jq -r ".[0].meters.$m")
	printf '   %-20s device %-8s server %-8s %s\n' "$m" "$d" "$s" \
		"$([ "$d" = "$s" ] && echo agree || echo DIFFER)"
	[ "$d" = "$s" ] || ok=0
	n=$((n + 1))
done
[ "$n" -eq 7 ] || fail "the device reported $n meters, not 7"
[ "$ok" = 1 ] || fail "the server's ledger does not match the device's meters"
pass
write_result 0
echo "== demo done: ledger and /dev/printeng0 agree; boot to power-off $((t_end - t_boot)) s, $(( $(date +%s) - start )) s in all (after the build)"
