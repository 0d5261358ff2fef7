#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# The device's half of the torture run (tests/torture/run.sh boots the
# image with esol.run=/opt/esol-torture/guest.sh).  esold, started at boot
# by S80esold, is asked to poll again and again and killed with SIGKILL at
# a random instant of each round; the simulated engine prints at random
# moments (toner runs low and empty, and is replaced).  The host cuts the
# power whenever it likes.  Everything the host needs is on the console:
#   TORTURE-BOOT B                  this boot's number
#   TORTURE-STATE B gen=G m=V ...   the engine's generation and meters
#                                   (sysfs), after every change
#   TORTURE-PRINT B                 a print is about to change them
#   TORTURE-KILL B N                the Nth SIGKILL of this boot
#   TORTURE-SETTLE B                the kills are done: esold is left to
#                                   empty its spool
#   TORTURE-SPOOL B N               messages still in the spool
# Kernel command line: esol.torture_boot=B, esol.torture_kills=N (kills in
# this boot, then settle; default: kill until the power is cut),
# esol.torture_seed=S, esol.torture_gap_ms=MS (the longest wait before a
# kill), esol.torture_settle_s=S (how long to settle before powering off).
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
boot=0 kills=1000000000 seed=1 gap=2500 settle=300
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	esol.torture_boot=*) boot=${arg#*=} ;;
	esol.torture_kills=*) kills=${arg#*=} ;;
	esol.torture_seed=*) seed=${arg#*=} ;;
	esol.torture_gap_ms=*) gap=${arg#*=} ;;
	esol.torture_settle_s=*) settle=${arg#*=} ;;
	esac
done
RANDOM=$seed
sim=/sys/kernel/debug/printeng_sim/engine
dev=$(cat $sim/info 2>/dev/null)
cls=/sys/class/printeng/$dev
meters="impressions_total impressions_mono impressions_color impressions_duplex impressions_large sheets_total sheets_duplex"

echo "TORTURE-BOOT $boot"
if [ -z "$dev" ] || [ ! -d "$cls" ]; then
	echo "TORTURE-ERROR $boot no print engine"
	exit 1
fi

state() {
	line="TORTURE-STATE $boot gen=$(cat $cls/generation)"
	for m in $meters; do
		line="$line $m=$(cat $cls/$m)"
	done
	echo "$line"
}

# A random job; then any empty supply is replaced (a new cartridge).
print_job() {
	sheets=$((RANDOM % 12 + 1))
	set -- mono color
	[ $((RANDOM % 3)) -eq 0 ] && shift
	job="$sheets $1"
	[ $((RANDOM % 2)) -eq 0 ] && job="$job duplex"
	[ $((RANDOM % 8)) -eq 0 ] && job="$job large"
	echo "TORTURE-PRINT $boot"
	echo "$job" > $sim/print || echo "TORTURE-ERROR $boot print '$job' refused"
	state
	for s in "$cls"/supply*; do
		[ "$(cat "$s/state" 2>/dev/null)" = empty ] || continue
		echo "TORTURE-PRINT $boot"
		echo "${s##*supply} replace" > $sim/supply
		state
	done
}

esold_pid() { pidof esold 2>/dev/null; }

start_esold() {
	[ -n "$(esold_pid)" ] && return 0
	/etc/init.d/S80esold start > /dev/null 2>&1 ||
		echo "TORTURE-ERROR $boot esold did not start: $(tail -n 3 /var/log/messages | tr '\n' ' ')"
}

# A random wait, 0 to MS milliseconds.
nap() { usleep $(( (RANDOM * 32768 + RANDOM) % ($1 + 1) * 1000 )); }

state
n=0
while [ $n -lt "$kills" ]; do
	start_esold
	nap $((gap / 4))
	esolctl poll-now > /dev/null 2>&1
	# The print lands anywhere in the exchange, or not at all.
	if [ $((RANDOM % 3)) -ne 0 ]; then
		nap $((gap / 2))
		print_job
	fi
	nap "$gap"
	pid=$(esold_pid)
	[ -n "$pid" ] && kill -9 $pid
	n=$((n + 1))
	echo "TORTURE-KILL $boot $n"
done

echo "TORTURE-SETTLE $boot"
t=0
while [ $t -lt "$settle" ]; do
	start_esold
	esolctl poll-now > /dev/null 2>&1
	sleep 3
	t=$((t + 3))
	if out=$(esolctl spool list 2>/dev/null); then
		echo "TORTURE-SPOOL $boot $(echo "$out" | grep -c 'id=')"
	else
		echo "TORTURE-SPOOL $boot ?"
	fi
done
