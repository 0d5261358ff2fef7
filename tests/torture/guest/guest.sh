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
# esol.torture_seed=S, esol.torture_gap_ms=MS (the longest time from
# esold's start to its kill), esol.torture_settle_s=S (how long to settle before powering off).
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
# Dirty pages written back after 1 s instead of 30 s (a device may well be
# tuned so): what is not fsynced (syslog, the transmission log) reaches
# the disk between two journal commits, so more cuts find writes after the
# last flush, which the cut model may lose (docs/torture.md).
echo 100 > /proc/sys/vm/dirty_writeback_centisecs
echo 100 > /proc/sys/vm/dirty_expire_centisecs
sim=/sys/kernel/debug/printeng_sim/engine
dev=$(cat $sim/info 2>/dev/null)
cls=/sys/class/printeng/$dev
meters="impressions_total impressions_mono impressions_color impressions_duplex impressions_large sheets_total sheets_duplex"

echo "TORTURE-BOOT $boot"
if [ -z "$dev" ] || [ ! -d "$cls" ]; then
	echo "TORTURE-ERROR $boot no print engine"
	exit 1
fi

# (read, not cat: no fork per file; the round stays short)
state() {
	read -r v < $cls/generation
	line="TORTURE-STATE $boot gen=$v"
	for m in $meters; do
		read -r v < $cls/$m
		line="$line $m=$v"
	done
	echo "$line"
}

# A random job (colour cartridges hold 12 impressions: S30engine).
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
}

# An empty cartridge is replaced, between rounds (while esold is down):
# replaced at once, esold would see it ok again before it looked, and
# make no event report of it going low or empty.
replace_empty() {
	for s in "$cls"/supply*; do
		read -r v < "$s/state" || continue
		[ "$v" = empty ] || continue
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

# r = 0 to N, at random (in this shell: $(...) would fork, and a
# subshell's RANDOM does not advance this one's).
rnd() { r=$(( (RANDOM * 32768 + RANDOM) % ($1 + 1) )); }

# Each round: esold (re)started, which resends its spool at once; a poll
# asked for at a random instant; maybe a print at another; the SIGKILL at
# a random instant up to gap ms after the start (one round in four: up to
# 3 * gap ms, the print right after the poll, so that a supplies report,
# made 1 s after a supply's event, can be taken and sent).
state
n=0
while [ $n -lt "$kills" ]; do
	replace_empty
	start_esold
	rnd "$gap"; d=$r long=0
	[ $((RANDOM % 4)) -eq 0 ] && { rnd $((3 * gap)); d=$r; long=1; }
	rnd "$d"; a=$r
	usleep $((a * 1000))
	esolctl poll-now > /dev/null 2>&1
	d=$((d - a))
	if [ $((RANDOM % 3)) -ne 0 ]; then
		# (a long round prints at once: the report has time)
		rnd "$d"; a=$r
		[ $long = 1 ] && a=0
		usleep $((a * 1000))
		print_job
		d=$((d - a))
	fi
	usleep $((d * 1000))
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
