#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SPDX-FileCopyrightText: 2026 The esol authors
# Guest test runner (started by /init).
#
# 1. loads the modules listed in /etc/esol-modules (in order), and checks
#    the kernel log of the boot;
# 2. runs every command of /tests.list (one shell command per line, '#'
#    comments), each under a time limit, with the modules (re)loaded before
#    it; output is printed live as "NAME: LINE", then a result line
#        RESULT NAME: PASS|FAIL passed=N failed=N skipped=N rc=N time=S
#    A program prints TAP/KTAP at top level ("ok N - x", "not ok N - x #
#    reason", "# comment", "1..N"; "# SKIP"/"# TODO" directives honoured)
#    and exits non-zero on failure.  Kernel warnings logged while it ran
#    count as one more failure of that program;
# 3. runs the KUnit modules of /etc/esol-kunit (kunit.ko first) if any;
# 4. unloads the modules, asks kmemleak for a scan (if the kernel has it),
#    checks the kernel log and /proc/sys/kernel/tainted (O, E, N masked);
# 5. prints "GUEST-RESULT passed=N failed=N".
#
# Environment for the tests: ESOL_MODDIR (the .ko files), ESOL_MODULES
# (their paths, in load order), ESOL_KERNEL (debian/debug), ESOL_NET.
# cwd is a fresh tmpfs directory; $PATH includes /tests.

PATTERNS='WARNING:|BUG:|KASAN:|UBSAN:|ODEBUG:|Oops|general protection fault|kernel BUG|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|unreferenced object|Call Trace'
# Taint bits that are expected: O (12) out-of-tree, E (13) unsigned module,
# N (18) a KUnit test module was loaded.  See
# Documentation/admin-guide/tainted-kernels.rst.
TAINT_OK=$(( (1 << 12) | (1 << 13) | (1 << 18) ))
TAINT_LETTERS=PFSRMBUDAWCIOELKXTN

passed=0
failed=0
timeout=${ESOL_TEST_TIMEOUT:-300}
ESOL_MODULES=$(cat /etc/esol-modules 2>/dev/null)
ESOL_MODDIR=$(dirname "$(head -n 1 /etc/esol-modules 2>/dev/null | grep . || echo /lib/modules/esol/extra/x)")
export ESOL_MODULES ESOL_MODDIR

now() { awk '{ printf "%d", $1 * 100 }' /proc/uptime; }	# centiseconds
secs() { echo "$1" | awk '{ printf "%d.%02d", $1 / 100, $1 % 100 }'; }

# check ok|fail NAME [REASON]: a check of the runner itself
check() {
	if [ "$1" = ok ]; then
		passed=$((passed + 1))
		echo "guest: ok - $2"
	else
		failed=$((failed + 1))
		echo "guest: not ok - $2${3:+ # $3}"
	fi
}

modname() { basename "$1" .ko | tr - _; }

# ensure_modules [quiet]: insmod every module of /etc/esol-modules that is
# not loaded.  Returns non-zero if one fails.
ensure_modules() {
	rc=0
	for m in $ESOL_MODULES; do
		[ -d "/sys/module/$(modname "$m")" ] && continue
		if insmod "$m"; then
			[ "$1" = quiet ] || check ok "insmod $(basename "$m")"
		else
			check fail "insmod $(basename "$m")"
			rc=1
		fi
	done
	return $rc
}

# kernel_issues LABEL: read and clear the kernel log; report lines that
# match PATTERNS (all of the log is kept in /tmp/dmesg.all).  Returns 1 if
# there were some.
kernel_issues() {
	dmesg -c > /tmp/dmesg.new 2>/dev/null
	cat /tmp/dmesg.new >> /tmp/dmesg.all
	if grep -E "$PATTERNS" /tmp/dmesg.new > /tmp/dmesg.bad; then
		sed "s/^/KERNEL-ISSUE ($1): /" /tmp/dmesg.bad | head -n 40
		return 1
	fi
	return 0
}

# tap_count FILE: "passed failed skipped" of the top-level TAP lines
tap_count() {
	awk '
	/^1\.\.[0-9]+/ && plan < 0 { plan = substr($1, 4) + 0 }
	/^not ok( |$)/ {
		n++
		if ($0 ~ /#[ \t]*[Tt][Oo][Dd][Oo]/) s++
		else if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) s++
		else f++
		next
	}
	/^ok( |$)/ {
		n++
		if ($0 ~ /#[ \t]*[Ss][Kk][Ii][Pp]/) s++; else p++
		next
	}
	/^Bail out!/ { f++ }
	BEGIN { plan = -1 }
	END {
		if (plan > n) f += plan - n	# tests that never reported
		printf "%d %d %d\n", p, f, s
	}' "$1"
}

echo "run-guest: kernel $(uname -r) ($ESOL_KERNEL), $(nproc) CPUs, up $(cut -d" " -f1 /proc/uptime) s, tests time limit ${timeout}s"
: > /tmp/dmesg.all

# Under kmemleak, only leaks younger than this run of tests count (boot
# leaves a few objects behind that it would report).
# (The kmemleak of 6.1 tells an object's age in jiffies only.)
j_start=$(awk '/^jiffies:/ { print $2; exit }' /proc/timer_list 2>/dev/null)

if kernel_issues boot; then check ok "kernel log of boot"; else check fail "kernel log of boot"; fi
ensure_modules
if kernel_issues insmod; then check ok "kernel log of insmod"; else check fail "kernel log of insmod"; fi

# --- the tests of /tests.list
exec 3< /tests.list
while IFS= read -r line <&3; do
	case "$line" in ''|'#'*) continue ;; esac
	set -- $line
	name=$(basename "$1")
	ensure_modules quiet
	wd=$(mktemp -d /tmp/run.XXXXXX)
	t0=$(now)
	# The test runs in a session of its own; at the time limit, or when it
	# exits, the whole process group is killed (so nothing it left behind
	# keeps the output pipe open).
	rm -f /tmp/pgid /tmp/timedout
	{ setsid sh -c 'echo $$ > /tmp/pgid; cd "$1" && exec sh -c "$2"' sh "$wd" "$line" < /dev/null 2>&1
	  echo $? > /tmp/rc
	  kill -KILL -"$(cat /tmp/pgid)" 2>/dev/null; } | tee /tmp/out | sed "s|^|$name: |" &
	pipe=$!
	( sleep "$timeout"; touch /tmp/timedout; kill -KILL -"$(cat /tmp/pgid)" ) 2>/dev/null &
	dog=$!
	wait $pipe
	kill $dog 2>/dev/null
	wait $dog 2>/dev/null
	rc=$(cat /tmp/rc)
	t1=$(now)
	set -- $(tap_count /tmp/out)
	p=$1 f=$2 s=$3
	why=
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		why=" (exit status $rc)"
		[ -f /tmp/timedout ] && why=" (killed at the time limit of ${timeout}s)"
	fi
	[ "$rc" -eq 0 ] && [ $((p + f + s)) -eq 0 ] && p=1	# a plain program
	if ! kernel_issues "$name"; then
		f=$((f + 1))
		why="$why (kernel warnings while it ran)"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -eq 0 ] && res=PASS || res=FAIL
	echo "RESULT $name: $res passed=$p failed=$f skipped=$s rc=$rc time=$(secs $((t1 - t0)))s$why"
	cd /
	rm -rf "$wd"
done
exec 3<&-

# --- KUnit modules (only under a kernel with KUnit)
kunit_mods=$(cat /etc/esol-kunit 2>/dev/null)
if [ -n "$kunit_mods" ]; then
	ensure_modules quiet
	for m in $kunit_mods; do
		name=$(basename "$m" .ko)
		if [ "$name" = kunit ]; then
			[ -d /sys/module/kunit ] || insmod "$m" ||
				check fail "insmod kunit.ko"
			continue
		fi
		kernel_issues "before $name" || check fail "kernel log before $name"
		insmod "$m"
		rc=$?
		dmesg -c > /tmp/kunit.log
		cat /tmp/kunit.log >> /tmp/dmesg.all
		# Test cases are the KTAP lines indented once (4 spaces) in the log.
		sed 's/^\[[^]]*\] \{0,1\}//' /tmp/kunit.log | awk -v name="$name" '
		/^    1\.\.[0-9]+/ { plan += substr($1, 4) }
		/^    (not )?ok [0-9]+ / {
			n++
			if ($0 ~ /# SKIP/) s++
			else if ($1 == "not") { f++; print name ": " $0 }
			else p++
		}
		/^not ok [0-9]+ / { suitefail++; print name ": " $0 }
		END {
			if (plan > n) f += plan - n
			if (suitefail > 0 && f == 0) f = suitefail
			printf "%d %d %d\n", p, f, s > "/tmp/kunit.count"
		}'
		set -- $(cat /tmp/kunit.count)
		p=$1 f=$2 s=$3
		[ "$rc" -ne 0 ] && f=$((f + 1))
		if grep -E "$PATTERNS" /tmp/kunit.log; then f=$((f + 1)); fi
		[ $((p + f)) -eq 0 ] && f=1	# no test ran at all
		passed=$((passed + p))
		failed=$((failed + f))
		[ "$f" -eq 0 ] && res=PASS || res=FAIL
		echo "RESULT $name: $res passed=$p failed=$f skipped=$s rc=$rc (KUnit)"
		rmmod "$name" || check fail "rmmod $name"
	done
fi

# --- unload, leaks, kernel log, taint
rev=
for m in $ESOL_MODULES; do rev="$m $rev"; done
for m in $rev; do
	n=$(modname "$m")
	[ -d "/sys/module/$n" ] || continue
	if rmmod "$n"; then check ok "rmmod $n"; else check fail "rmmod $n"; fi
done
if [ -w /sys/kernel/debug/kmemleak ]; then
	# kmemleak reports only objects older than 5 s, and that were not
	# modified since the previous scan: so wait, and scan twice.
	sleep 5
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	# Keep the reports of objects allocated since the tests began.
	awk -v since="${j_start:-0}" '
	function flush() { if (block != "" && keep) { printf "%s", block; n++ } block = ""; keep = 0 }
	/^unreferenced object/ { flush() }
	{ block = block $0 "\n" }
	/ jiffies [0-9]+/ {
		j = $0; sub(/.* jiffies /, "", j); sub(/[^0-9].*/, "", j)
		if (j + 0 >= since + 0) keep = 1
	}
	END { flush() }' /sys/kernel/debug/kmemleak > /tmp/kmemleak
	all=$(grep -c 'unreferenced object' /sys/kernel/debug/kmemleak)
	ours=$(grep -c 'unreferenced object' /tmp/kmemleak)
	echo "run-guest: kmemleak: $all suspects, $ours allocated during the tests (jiffies >= ${j_start:-0})"
	[ "$all" -gt "$ours" ] &&
		grep -A1 'unreferenced object' /sys/kernel/debug/kmemleak | grep -o 'comm.*' |
		sed 's/^/run-guest: kmemleak: older suspect: /' | head -n 20
	if [ "$ours" -gt 0 ]; then
		head -n 200 /tmp/kmemleak | sed 's/^/kmemleak: /'
		check fail kmemleak "$ours leaks"
	else
		check ok kmemleak
	fi
fi
if kernel_issues end; then check ok "kernel log at the end"; else check fail "kernel log at the end"; fi

taint=$(cat /proc/sys/kernel/tainted)
bad=$((taint & ~TAINT_OK))
if [ "$bad" -eq 0 ]; then
	check ok "kernel not tainted (tainted=$taint)"
else
	letters=
	i=0
	while [ $i -lt ${#TAINT_LETTERS} ]; do
		[ $(( (bad >> i) & 1 )) -eq 1 ] &&
			letters="$letters$(echo "$TAINT_LETTERS" | cut -c $((i + 1)))"
		i=$((i + 1))
	done
	check fail "kernel not tainted" "tainted=$taint, unexpected flags $letters"
fi

echo "run-guest: done, up $(cut -d" " -f1 /proc/uptime) s"
echo "GUEST-RESULT passed=$passed failed=$failed"
