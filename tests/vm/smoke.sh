#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SPDX-FileCopyrightText: 2026 The esol authors
# Guest smoke test (TAP): both modules load, a simulated engine appears in
# sysfs and /dev, prints, goes away, and both modules unload.
# Runs in the guest (tests/vm/run-guest.sh sets ESOL_MODDIR).
moddir=${ESOL_MODDIR:-/lib/modules/esol/extra}
ctl=/sys/kernel/debug/printeng_sim/control
n=0
fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1${2:+ # $2}"; }
t() { # NAME COMMAND...: ok if COMMAND succeeds
	name=$1; shift
	if "$@"; then ok "$name"; else notok "$name"; fi
}

echo "TAP version 13"
echo "1..14"

# Start from nothing loaded.
[ -d /sys/module/printeng_sim ] && rmmod printeng_sim
[ -d /sys/module/printeng ] && rmmod printeng
t "insmod printeng.ko" insmod "$moddir/printeng.ko"
t "class printeng registered" test -d /sys/class/printeng
t "insmod printeng_sim.ko" insmod "$moddir/printeng_sim.ko"
t "simulator control file" test -e "$ctl"
t "add engine sim0" sh -c "echo 'add sim0 serial=SMOKE-1' > $ctl"
dev=$(cat /sys/kernel/debug/printeng_sim/sim0/info 2>/dev/null)
[ -n "$dev" ] || dev=printeng0
sys=/sys/class/printeng/$dev
t "sysfs $sys" test -d "$sys"
t "/dev/$dev is a character device" test -c "/dev/$dev"
serial=$(cat "$sys/serial" 2>/dev/null)
t "serial reads back" test "$serial" = SMOKE-1
gen0=$(cat "$sys/generation" 2>/dev/null)
echo "# $dev: serial=$serial generation=$gen0"
t "print 5 sheets" sh -c "echo '5 mono simplex' > /sys/kernel/debug/printeng_sim/sim0/print"
gen1=$(cat "$sys/generation" 2>/dev/null)
imp=$(cat "$sys/impressions_total" 2>/dev/null)
echo "# after printing: generation=$gen1 impressions_total=$imp"
t "generation grew" test "${gen1:-0}" -gt "${gen0:-0}"
bytes=$(dd if="/dev/$dev" bs=65536 count=1 2>/dev/null | wc -c)
t "chrdev read returns a snapshot ($bytes bytes)" test "$bytes" -gt 0
t "del engine sim0" sh -c "echo 'del sim0' > $ctl"
t "rmmod printeng_sim" sh -c "rmmod printeng_sim && test ! -e $sys && test ! -e /dev/$dev"
t "rmmod printeng" rmmod printeng

[ "$fails" -eq 0 ]
