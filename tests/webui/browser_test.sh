#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# webui browser test: the device image (scripts/mkimage.sh: make
# install-device, so esol-webui is installed and started by S81esol-webui
# as on a printer) booted in QEMU with esold on the real printeng module,
# esol-server on this host (as in scripts/demo.sh), and Debian's headless
# chromium driven by playwright-core (tests/webui/browser.mjs) through
# QEMU's port forwarding.  The guest (tests/webui/guest.sh) serves
# `esolctl --json status` so that each change the browser makes is
# checked inside the device.  Screenshots and axe-core results go to
# build/webui/.  Ends with "webui-browser: N passed, N failed".
# Usage: browser_test.sh [--result FILE]   (FILE gets "PASSED FAILED")
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
result=
[ "${1:-}" = --result ] && result=$2
cd "$top" || exit 1
T=$top/build/webui/run
SHOTS=$top/build/webui
ESOL_SERVER=$top/build/bin/esol-server
rm -rf "$T" "$SHOTS"/*.png "$SHOTS"/axe.json
mkdir -p "$T" "$SHOTS"
server_pid=
vm_pid=
cleanup() {
	for p in $vm_pid $server_pid; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT INT TERM
passed=0
failed=0
report() {
	echo "webui-browser: $passed passed, $failed failed"
	[ -z "$result" ] || { mkdir -p "$(dirname "$result")"; echo "$passed $failed" > "$result"; }
}
die() { echo "webui-browser: $*" >&2; failed=$((failed + 1)); report; exit 1; }
free_port() { "$top/scripts/free-port.sh"; }
[ -x /usr/bin/chromium ] || die "no /usr/bin/chromium (scripts/install-deps.sh)"
command -v npm >/dev/null || die "no npm (scripts/install-deps.sh)"

# playwright-core and axe-core at the versions of package-lock.json; no
# browser is downloaded (Debian's chromium is used).
( cd tests/webui && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error ) \
	> "$T/npm.log" 2>&1 || die "npm ci failed: $(tail -n 5 "$T/npm.log")"

scripts/mkpki.sh "$T/pki" SIM0001 >/dev/null || die "mkpki failed"
"$ESOL_SERVER" serve --listen 127.0.0.1:0 --port-file "$T/port" \
	--cert "$T/pki/server.crt" --key "$T/pki/server.key" \
	--client-ca "$T/pki/ca.crt" --db "$T/ledger.db" --capture "$T/capture" \
	--foreground --log-level info > "$T/server.log" 2>&1 &
server_pid=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || die "esol-server did not start: $(cat "$T/server.log")"
port=$(cat "$T/port")

# Provisioning as in the demo; the control socket's group is esoladm (the
# group esol-webui's user is in); esol-webui listens on the guest's
# network, which QEMU forwards from this host's loopback.
P=$T/payload
mkdir -p "$P/etc/esol" "$P/var/lib/esol" "$P/etc/esol-webui" "$P/opt/esol-webui-test" \
	"$P/etc/init.d"
# The simulated engine registers an engine at boot, before esold starts.
cp scripts/image/demo/etc/init.d/S30engine "$P/etc/init.d/S30engine"
scripts/provision.sh "$P" "$T/pki" "https://10.0.2.2:$port" "[control]" "group = esoladm"
chown -R 100:100 "$P/etc/esol" "$P/var/lib/esol"
sed 's/^listen = .*/listen = 0.0.0.0:8443/' userspace/webui/init/esol-webui.conf \
	> "$P/etc/esol-webui/esol-webui.conf"
cp tests/webui/guest.sh "$P/opt/esol-webui-test/guest.sh"
chmod 0755 "$P/opt/esol-webui-test/guest.sh"
scripts/mkimage.sh "$T/image" --with-sim --payload "$P" 2> "$T/mkimage.log" ||
	die "mkimage: $(tail -n 5 "$T/mkimage.log")"

wport=$(free_port)
gport=$(free_port)
while [ "$gport" = "$wport" ]; do gport=$(free_port); done
echo "webui-browser: device image booting; esol-webui at https://127.0.0.1:$wport (guest 8443)"
scripts/vm-run.sh --kernel "$T/image/kernel" --initrd "$T/image/initrd.cpio.gz" \
	--disk "$T/image/rootfs.ext4" --net user --quiet --timeout 1200 --stall 900 \
	--hostfwd "tcp:127.0.0.1:$wport-:8443" --hostfwd "tcp:127.0.0.1:$gport-:8080" \
	--append "root=/dev/vda esol.run=/opt/esol-webui-test/guest.sh" \
	--log "$T/device.log" > "$T/vm-run.out" 2>&1 &
vm_pid=$!
t0=$(date +%s)
until grep -q '^WEBUI-GUEST-READY' "$T/device.log.raw" 2>/dev/null; do
	kill -0 "$vm_pid" 2>/dev/null || die "the device stopped before it was ready: $(tail -n 20 "$T/device.log" 2>/dev/null)"
	[ $(( $(date +%s) - t0 )) -lt 400 ] || die "the device was not ready within 400 s"
	sleep 1
done
echo "webui-browser: device ready after $(( $(date +%s) - t0 )) s"
i=0
until curl -s -o /dev/null "http://127.0.0.1:$gport/cgi-bin/status" || [ $i -ge 60 ]; do
	sleep 0.5; i=$((i + 1))
done

WEBUI_URL="https://127.0.0.1:$wport" GUEST_URL="http://127.0.0.1:$gport" SHOTS="$SHOTS" \
	timeout -k 5 600 node tests/webui/browser.mjs 2>&1 | tee "$T/browser.out"
b=$(sed -n 's/^browser: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$T/browser.out")
set -- ${b:-0 1}
passed=$((passed + $1))
failed=$((failed + $2))

curl -s -o /dev/null "http://127.0.0.1:$gport/cgi-bin/done"
wait "$vm_pid"
vm_pid=
sed -n 's/\r$//; /^\(not \)\{0,1\}ok - /p' "$T/device.log" | sed 's/^/guest: /'
g=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$T/vm-run.out" | tail -n 1)
set -- ${g:-0 1}
passed=$((passed + $1))
failed=$((failed + $2))
ls "$SHOTS"/*.png 2>/dev/null | sed 's/^/webui-browser: screenshot /'
report
[ "$failed" -eq 0 ]
