#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make check-systemd: the files `make install-device` installs, booted
# under real systemd.  A minimal Debian 12 root (scripts/fetch-debroot.sh,
# cached) gets esol (scripts/mkimage.sh --base), the simulated engine and
# a provisioned config pointing at an esol-server on this host; QEMU boots
# it with the device image's kernel and initramfs.  In the guest,
# esol-check.service runs tests/device/systemd/opt/esol-check/check.sh:
# esold.service's Type=notify start, its sandbox, watchdog, reload, stop,
# the control socket's group, the systemd-analyze exposure score, then a
# start with the factory config.  On the host: the server got the read.
#
# Usage: check-systemd.sh [--result FILE] [--no-factory]
#   --result FILE  FILE gets "PASSED FAILED"
#   --no-factory   skip the last part: esold started again with the factory
#                  config (participation off, no server URL), which it
#                  accepts since issue 11 section 3 (an older esold exits 1)
# The last line of output is "check-systemd: N passed, N failed".
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
result=
append=" esol.factory=1"
while [ $# -gt 0 ]; do
	case "$1" in
	--result) result=$2; shift 2 ;;
	--no-factory) append=; shift ;;
	*) echo "check-systemd: unknown argument $1" >&2; exit 2 ;;
	esac
done
cd "$top"
T=$top/build/systemd
ESOL_SERVER=$top/build/bin/esol-server
rm -rf "$T"
mkdir -p "$T"
server_pid=
cleanup() { [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
report() { # PASSED FAILED
	[ -z "$result" ] || { mkdir -p "$(dirname "$result")"; echo "$1 $2" > "$result"; }
	echo "check-systemd: $1 passed, $2 failed"
}
fail() { echo "check-systemd: $*" >&2; report 0 1; exit 1; }

# The Communication Server on this host; the guest reaches it at 10.0.2.2.
scripts/mkpki.sh "$T/pki" SIM0001 >/dev/null
"$ESOL_SERVER" serve --listen 127.0.0.1:0 --port-file "$T/port" \
	--cert "$T/pki/server.crt" --key "$T/pki/server.key" \
	--client-ca "$T/pki/ca.crt" --db "$T/ledger.db" \
	--foreground --log-level info > "$T/server.log" 2>&1 &
server_pid=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || fail "esol-server did not start: $(cat "$T/server.log")"
port=$(cat "$T/port")

# The image: the systemd image's configuration, the test's units and
# checks, and the provisioning a factory would do (server, CA, the
# device's certificate; the last poll done today, so polls are asked for).
P=$T/payload
mkdir -p "$P/etc/esol" "$P/var/lib/esol"
cp -a scripts/image/systemd/. tests/device/systemd/. "$P/"
scripts/provision.sh "$P" "$T/pki" "https://10.0.2.2:$port" "[control]" "group = esoladm"
# These files belong to esol, whose uid systemd-sysusers chose: a
# provisioning tmpfiles.d line gives them to it at boot (modes kept).
mkdir -p "$P/etc/tmpfiles.d"
cat > "$P/etc/tmpfiles.d/esol-provisioning.conf" <<TMPF
Z /etc/esol - esol esol -
Z /var/lib/esol - esol esol -
TMPF
base=$(scripts/fetch-debroot.sh | tail -n 1) || fail "fetch-debroot.sh failed"
scripts/mkimage.sh "$T/image" --base "$base/root" --with-sim --payload "$P" \
	2> "$T/mkimage.log" || fail "mkimage: $(tail -n 5 "$T/mkimage.log")"

# Boot under systemd.  TCG on a shared machine: a generous time limit.
rc=0
scripts/vm-run.sh --kernel "$T/image/kernel" --initrd "$T/image/initrd.cpio.gz" \
	--disk "$T/image/rootfs.ext4" --net user --mem 768 --timeout 900 --stall 240 \
	--append "root=/dev/vda init=/lib/systemd/systemd$append" \
	--log "$T/console.log" > "$T/vm-run.out" 2>&1 || rc=$?
grep -a -E '^(ok|not ok) - |^# |^SYSTEMD-' "$T/console.log" || true
tail -n 1 "$T/vm-run.out"
# shellcheck disable=SC2046
set -- $(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$T/vm-run.out" | tail -n 1)
[ $# -eq 2 ] || fail "vm-run gave no result (exit $rc; see $T/vm-run.out)"
[ "$rc" -eq 0 ] || [ "$2" -gt 0 ] || set -- "$1" 1
# The host's side: what the sandboxed esold sent reached the server.
reads=$("$ESOL_SERVER" list-reads --db "$T/ledger.db" --device SIM0001 --json | jq length)
if [ "$reads" = 1 ]; then
	echo "ok - the server's ledger holds the device's one meter read"
	set -- $(($1 + 1)) "$2"
else
	echo "not ok - the server's ledger holds $reads meter reads of SIM0001, not 1"
	set -- "$1" $(($2 + 1))
fi
report "$1" "$2"
[ "$2" -eq 0 ]
