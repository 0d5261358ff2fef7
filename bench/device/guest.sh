#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Guest half of make bench-device (esol.run=): the system calls esold makes
# for one poll exchange on the real module (one read() of /dev/printeng0
# per snapshot), on a live connection and on a new one (TLS resumed after
# esold's 20 s idle close).  strace -f -yy follows esold; the control
# socket (esolctl's poll-now) is left out by its path.  Prints
# "BENCH-DEVICE KIND N" per measured poll.
N=${1:-5}
wait_for() { n=$(($1 * 4)); shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; n=$((n - 1)); done
	return 1; }
idle() { esolctl --json status | grep -q '"transfer": *null'; }
wait_for 30 esolctl status || { echo "bench-device: esold not running"; exit 1; }
pid=$(pidof esold)
# Seen from outside (the transmission log, /proc), so that a window holds
# one control request, the poll-now: esold asleep in epoll_wait (x86_64 232,
# epoll_pwait 281) with one more record in its transmission log.
txlog=/var/lib/esol/txlog.jsonl
txn() { wc -l < "$txlog" 2>/dev/null || echo 0; }
asleep() { read -r nr _ < "/proc/$pid/syscall" && { [ "$nr" = 232 ] || [ "$nr" = 281 ]; }; }
one() { # KIND
	n=$(txn)
	strace -f -yy -qq -p "$pid" -o /tmp/st.txt &
	sp=$!
	sleep 1
	esolctl poll-now >/dev/null
	wait_for 60 sh -c "[ \$(wc -l < $txlog) -gt $n ]"
	sleep 0.5
	wait_for 30 asleep
	sleep 1
	kill -INT "$sp"; wait "$sp" 2>/dev/null
	# every call but those on the control socket (its listening socket and
	# the client's, which strace -yy shows as UNIX-STREAM; syslog's socket
	# is a datagram one, UNIX): the epoll_wait that returns the request and
	# the log line esold writes about it are counted
	ctlsock='esold.sock|UNIX-STREAM'
	n=$(grep -Ev "$ctlsock" /tmp/st.txt | grep -vc 'resumed>')
	# clock_gettime is a system call only where the clocksource keeps the
	# vDSO from serving it (QEMU's emulated hpet; not tsc or an ARM arch timer)
	c=$(grep -Ev "$ctlsock" /tmp/st.txt | grep -v 'resumed>' | grep -c 'clock_gettime(')
	echo "BENCH-DEVICE $1 $n"
	echo "BENCH-DEVICE $1-novdso $((n - c))"
	cp /tmp/st.txt "/tmp/st-$1-$i.txt"
}
# Warm-up: the first poll opens the connection and sends the read asked for.
esolctl poll-now >/dev/null; wait_for 60 idle; sleep 2
i=0
while [ $i -lt "$N" ]; do
	one live
	i=$((i + 1))
done
i=0
while [ $i -lt "$N" ]; do
	sleep 22		# past esold's 20 s idle close: a new connection
	one new
	i=$((i + 1))
done
echo "clocksource: $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "---- one live poll, as strace saw it:"
grep -Ev 'esold.sock|UNIX-STREAM' /tmp/st-live-1.txt | cut -c1-160
echo "---- one poll on a new connection, as strace saw it:"
grep -Ev 'esold.sock|UNIX-STREAM' /tmp/st-new-1.txt | cut -c1-160
echo "GUEST-RESULT passed=1 failed=0"
