#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Part 2 of `make demo`: esold and esol-server on this host, over HTTPS
# with a throw-away PKI and client certificates.  esold reads a tree shaped
# like /sys/class/printeng (the VM run of the whole chain is the next
# step).  Shows, in plain words, what the device sent and what the server
# stored, and exits 0 only if the server's ledger matches the device.
top=$(cd "$(dirname "$0")/.." && pwd)
ESOLD=$top/build/bin/esold
ESOLCTL=$top/build/bin/esolctl
ESOL_SERVER=$top/build/bin/esol-server
MKPKI=$top/scripts/mkpki.sh
# shellcheck source=tests/e2e/lib.sh
. "$top/tests/e2e/lib.sh"
e2e_init demo
say() { echo "   $*"; }
show() { sed 's/^/     /'; }

make_sysfs "$T/root" SIM0001
start_server >/dev/null
write_conf
start_esold >/dev/null
say "esol-server listens on 127.0.0.1:$PORT (TLS, client certificates); esold runs, daily poll at 03:00 UTC"
say "the administrator asks for a poll now instead of waiting for 03:00 (esolctl poll-now)"
p=$(polls)
ctl poll-now >/dev/null
wait_for 30 polled_ok_since "$p" || fail "the poll did not succeed: $(ctl status)"
wait_for 30 reads_are 1 || fail "no read reached the ledger: $(ctl status)"
wait_for 30 spool_is 0 || fail "the read is still spooled"
say "the server said the billing cycle is due and asked for a read; the device spooled it, sent it, and the server stored it:"
ledger list-reads | show
say "the cyan toner turns low on the device"
supply_state "$T/root" 1 low 8
n=$(ledger list-supplies --json | jq length)
ctl poll-now >/dev/null
wait_for 30 supplies_at_least $((n + 1)) || fail "no supplies report after the toner went low"
say "the device sent its supplies table; the server stored:"
ledger list-supplies | tail -n 5 | show
say "what left the device, from its transmission log (esolctl log):"
ctl log 10 | grep -E "^ *(endpoint|bytes_sent|result|sent) " | cut -c1-150 | show
say "every body the server received, checked against the allowlist of docs/protocol.md:"
ledger check-capture --capture "$T/capture" --allowlist "$top/docs/protocol.md" | show ||
	fail "a request carried a field outside the allowlist"

dev=$(sysfs_dir "$T/root")
ok=1
for m in impressions_total impressions_mono impressions_color impressions_duplex \
	 impressions_large sheets_total sheets_duplex; do
	d=$(cat "$dev/$m")
	s=$(ledger list-reads --json | jq -r ".[0].meters.$m")
	printf '     %-20s device %-8s server %-8s %s\n' "$m" "$d" "$s" \
		"$([ "$d" = "$s" ] && echo agree || echo DIFFER)"
	[ "$d" = "$s" ] || ok=0
done
[ "$ok" = 1 ] || fail "the server's ledger does not match the device's meters"
say "ledger and device agree"
stop_esold
