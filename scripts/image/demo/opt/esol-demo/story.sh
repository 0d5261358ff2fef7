#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# The device's half of `make demo` (esol.run=/opt/esol-demo/story.sh): the
# installed esold, started by S80esold at boot, reads /dev/printeng0 and
# the generic-netlink events of the real printeng module; the simulated
# engine prints pages and drains toner.  Lines "demo: ..." tell the story;
# "DEVICE-METER NAME VALUE" lines give the meters (sysfs) at the moment of
# the billing read, for the host to compare with the server's ledger.
sim=/sys/kernel/debug/printeng_sim/engine
say() { echo "demo: $*"; }
show() { sed 's/^/demo:     /'; }
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
nok() { failed=$((failed + 1)); echo "not ok - $*"; }
wait_for() { # SECONDS COMMAND...
	n=$(($1 * 4)); shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.25; n=$((n - 1))
	done
	return 1
}
finish() {
	echo "GUEST-RESULT passed=$passed failed=$failed"
	exit 0
}
log_has() { esolctl log 50 | grep -q "$1"; }
status_has() { esolctl status | grep -q "$1"; }

dev=$(cat $sim/info 2>/dev/null)
if [ -c "/dev/$dev" ]; then ok "engine $dev, /dev/$dev"; else nok "no engine"; finish; fi
say "the print engine registered as /dev/$dev (serial $(cat /sys/class/printeng/$dev/serial), model $(cat /sys/class/printeng/$dev/model))"
if wait_for 20 esolctl status; then ok "esold answers esolctl"; else
	nok "esold is not running"; tail -n 20 /var/log/messages; finish; fi
say "esold runs as user '$(ps -o user,args | awk '/[e]sold/ { print $1; exit }')', started by /etc/init.d/S80esold; it reads /dev/$dev"
say "printing: 120 mono simplex sheets, 40 colour duplex, 10 large"
echo "120 mono simplex" > $sim/print
echo "40 color duplex" > $sim/print
echo "10 mono simplex large" > $sim/print
say "the administrator asks for a poll now instead of waiting for the daily time (esolctl poll-now)"
esolctl poll-now | show
if wait_for 60 log_has meter-reads && wait_for 30 status_has 'pending *0\|spool.*0'; then
	ok "meter read sent and confirmed"
else
	nok "no meter read sent"; esolctl status | show; tail -n 20 /var/log/messages | show
fi
say "the meters at the read, as sysfs shows them:"
for m in impressions_total impressions_mono impressions_color impressions_duplex \
	 impressions_large sheets_total sheets_duplex; do
	v=$(cat /sys/class/printeng/$dev/$m)
	echo "DEVICE-METER $m $v"
	printf 'demo:     %-20s %s\n' "$m" "$v"
done
say "printing colour pages until the cyan toner turns low (the kernel sends a generic-netlink event)"
i=0
while [ "$(cat /sys/class/printeng/$dev/supply1/state)" = ok ] && [ $i -lt 40 ]; do
	echo "10 color duplex" > $sim/print
	i=$((i + 1))
done
say "cyan toner: level $(cat /sys/class/printeng/$dev/supply1/level)%, state $(cat /sys/class/printeng/$dev/supply1/state)"
# The server turned the Supplies Assistant on at the poll (one report,
# trigger "enabled"); the toner's event makes another, trigger "event".
if wait_for 60 log_has '"trigger":"event"'; then
	ok "supplies report sent on the kernel's event"
	say "esold got the kernel's event and sent the supplies table at once (trigger \"event\")"
else
	nok "no supplies report after the toner went low"
fi
say "esolctl status, on the device:"
esolctl status | show
say "esolctl log, what left the device:"
esolctl log 10 | cut -c1-150 | show
finish
