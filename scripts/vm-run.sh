#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Boot a kernel with an initramfs in QEMU (TCG: KVM does not work here),
# console to a log, with a time limit.
#
# Usage: vm-run.sh --kernel debian|debug|PATH --initrd FILE [options]
#   --kernel debian   Debian's vmlinuz (scripts/fetch-kernel.sh)
#   --kernel debug    the debug kernel (scripts/build-debug-kernel.sh)
#   --timeout S       kill QEMU after S seconds (default 300)
#   --stall S         kill QEMU when the console has been silent for S
#                     seconds: a hung kernel (default: the guest's per-test
#                     limit esol.test_timeout, 300, plus 60)
#   --net user        QEMU user networking: the guest is 10.0.2.15 and
#                     reaches the host's loopback at 10.0.2.2 (the initramfs
#                     needs --net-modules for Debian's kernel)
#   --append ARGS     more kernel command line (e.g. esol.shell=1)
#   --log FILE        console log (default build/vm/<kernel>.log)
#   --result FILE     write "PASSED FAILED" there
#   --mem MB          guest memory (default 512)
#   --disk FILE       a raw disk image as a virtio-blk disk (/dev/vda);
#                     repeatable (/dev/vdb, ...).  Writes go through the
#                     host's page cache (cache=writeback): a guest's fsync
#                     reaches the image file, an unflushed write may not
#   --hostfwd SPEC    QEMU user-net port forwarding, e.g.
#                     tcp:127.0.0.1:8080-:80 (with --net user; repeatable)
#   --quiet           do not copy the console to stdout
#   --shell           interactive: the guest runs its tests, then gives a
#                     shell on the console instead of powering off (quit
#                     QEMU with Ctrl-A X); no time limit, no result
#
# The last line of stdout is "vm-run: NAME: N passed, N failed (T s)".
# Exit status: 0 all passed; 1 some test failed or the console shows a
# kernel warning; 2 the guest did not finish (no GUEST-RESULT line: crash,
# panic); 3 time limit; 4 usage or set-up error.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
kernel=
initrd=
timeout=300
net=none
append=
log=
result=
mem=512
quiet=0
shell=0
stall=
disks=
ndisk=0
hostfwd=
pidfile=
die() { echo "vm-run: $*" >&2; exit 4; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--initrd) initrd=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--stall) stall=$2; shift 2 ;;
	--net) net=$2; shift 2 ;;
	--append) append="$append $2"; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--result) result=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--disk) [ -f "$2" ] || die "no disk image $2"
		disks="$disks -drive file=$2,format=raw,if=virtio,cache=writeback"; shift 2 ;;
	--logged-disk) [ -f "$2" ] || die "no disk image $2"
		[ $# -ge 3 ] || die "--logged-disk FILE LOG"
		: > "$3" || die "cannot create the write log $3"
		case "$2$3" in *,*) die "--logged-disk: no commas in the paths" ;; esac
		ndisk=$((ndisk + 1)) d=ld$ndisk
		disks="$disks -blockdev driver=file,node-name=$d-img,filename=$2"
		disks="$disks -blockdev driver=file,node-name=$d-log,filename=$3"
		disks="$disks -blockdev driver=blklogwrites,node-name=$d,file=$d-img,log=$d-log,log-sector-size=512"
		disks="$disks -device virtio-blk-pci,drive=$d,write-cache=on"
		shift 3 ;;
	--pid-file) pidfile=$2; shift 2 ;;
	--hostfwd) hostfwd="$hostfwd,hostfwd=$2"; shift 2 ;;
	--quiet) quiet=1; shift ;;
	--shell) shell=1; shift ;;
	*) die "unknown argument $1 (see the head of $0)" ;;
	esac
done
[ -n "$kernel" ] && [ -n "$initrd" ] || die "usage: vm-run.sh --kernel debian|debug|PATH --initrd FILE [--timeout S] [--net user] [--append ARGS] [--log FILE] [--result FILE]"
[ -f "$initrd" ] || die "no initrd $initrd"

case "$kernel" in
debian)
	kdir=$("$top/scripts/fetch-kernel.sh") || die "fetch-kernel.sh failed"
	image=$kdir/vmlinuz
	nic=e1000
	name=debian
	;;
debug)
	kdir=$("$top/scripts/build-debug-kernel.sh" | tail -n 1) || die "build-debug-kernel.sh failed"
	image=$kdir/arch/x86/boot/bzImage
	nic=virtio-net-pci
	name=debug
	# ACPI's PCI interrupt routing (_PRT) takes ~25 s under KASAN and
	# kmemleak in TCG (RCU stall warnings): route with the PIRQ table.
	append="$append pci=noacpi"
	;;
*)
	image=$kernel
	nic=e1000
	name=$(basename "$kernel")
	;;
esac
[ -f "$image" ] || die "no kernel image $image"

case "$net" in
none) netargs="-nic none" ;;
user)	# romfile= : no iPXE option ROM (it delays the boot)
	netargs="-netdev user,id=net0$hostfwd -device $nic,netdev=net0,romfile="
	append="$append esol.net=user" ;;
*) die "--net: none or user" ;;
esac

[ -n "$log" ] || log=$top/build/vm/$name.log
mkdir -p "$(dirname "$log")"

# no_timer_check: under TCG on a loaded host the kernel's early check of
# the IO-APIC timer can miss its ticks and panic ("IO-APIC + timer doesn't
# work!"); the emulated timer does work, only slowly, so skip the check.
kargs="console=ttyS0 panic=-1 quiet no_timer_check esol.kernel=$name$append"
qemu_args() {
	echo "-accel tcg -m $mem -smp 2 $netargs$disks -nographic -no-reboot${pidfile:+ -pidfile $pidfile}"
}
if [ "$shell" = 1 ]; then
	# shellcheck disable=SC2046
	exec qemu-system-x86_64 $(qemu_args) -kernel "$image" -initrd "$initrd" \
		-append "$kargs esol.shell=1"
fi

# The console without \r and the firmware's terminal escapes.
clean() { sed -u 's/\r$//; s/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g'; }
: > "$log.raw"
rm -f "$log.stalled"
t0=$(date +%s.%N)
# -nographic puts the serial console on stdio; stdin is /dev/null so QEMU
# leaves the terminal alone.  timeout(1) kills QEMU at the limit (and
# passes on the TERM the stall watch sends it).
# shellcheck disable=SC2046
timeout -k 5 "$timeout" qemu-system-x86_64 $(qemu_args) \
	-kernel "$image" -initrd "$initrd" \
	-append "$kargs" \
	< /dev/null > "$log.raw" 2>&1 &
qpid=$!
# Watch for a silent console (a kernel that hangs prints nothing more).
if [ -z "$stall" ]; then
	tt=$(echo "$append" | sed -n 's/.*esol\.test_timeout=\([0-9]*\).*/\1/p')
	stall=$(( ${tt:-300} + 60 ))
fi
(
	last=-1 silent=0
	while kill -0 $qpid 2>/dev/null; do
		sleep 5
		size=$(stat -c %s "$log.raw" 2>/dev/null || echo 0)
		if [ "$size" = "$last" ]; then
			silent=$((silent + 5))
		else
			silent=0 last=$size
		fi
		if [ "$silent" -ge "$stall" ]; then
			echo "vm-run: no console output for ${stall}s: the guest hangs; killing QEMU" >&2
			touch "$log.stalled"
			kill -TERM $qpid 2>/dev/null
			break
		fi
	done
) &
watch=$!
if [ "$quiet" = 1 ]; then
	wait $qpid
else
	tail -f -s 0.1 --pid=$qpid "$log.raw" 2>/dev/null | clean
	wait $qpid
fi
kill $watch 2>/dev/null
wait $watch 2>/dev/null
clean < "$log.raw" > "$log"
rm -f "$log.raw"
# The console's last line may lack its newline (power-off).
[ -z "$(tail -c 1 "$log")" ] || echo >> "$log"
# POSIX sh has no PIPESTATUS: tell a time-out by the elapsed time.
t1=$(date +%s.%N)
elapsed=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
timed_out=$(echo "$elapsed $timeout" | awk '{ print ($1 >= $2) ? 1 : 0 }')

# Results: the guest's own counts, plus one check of the console: no
# kernel warning printed (kernel lines carry a printk timestamp).
PATTERNS='WARNING:|BUG:|KASAN:|UBSAN:|ODEBUG:|Oops|general protection fault|kernel BUG|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|unreferenced object|Call Trace'
line=$(grep -a '^GUEST-RESULT ' "$log" | tail -n 1)
passed=$(echo "$line" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
failed=$(echo "$line" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
status=0
if [ -z "$line" ]; then
	# Count what the guest reported before it died, plus one failure.
	set -- $(grep -aE '^(RESULT |guest: (not )?ok)' "$log" | awk '
		/^RESULT / { for (i = 1; i <= NF; i++) {
			if ($i ~ /^passed=/) p += substr($i, 8)
			if ($i ~ /^failed=/) f += substr($i, 8) } }
		/^guest: ok/ { p++ }
		/^guest: not ok/ { f++ }
		END { print p + 0, f + 1 }')
	passed=$1 failed=$2 status=2
	echo "vm-run: $name: the last lines of the console:" >&2
	grep -av '^\[ *[0-9]' "$log" | tail -n 5 | sed 's/^/    /' >&2
	[ "$timed_out" = 1 ] && status=3
	if [ -f "$log.stalled" ]; then
		status=3
		echo "vm-run: $name: the console was silent for ${stall}s (hung guest), QEMU killed" >&2
	elif [ "$status" = 3 ]; then
		echo "vm-run: $name: time limit of ${timeout}s reached, QEMU killed" >&2
	else
		echo "vm-run: $name: the guest did not finish (see $log)" >&2
	fi
fi
if grep -aE '\[ *[0-9]+\.[0-9]+\].*('"$PATTERNS"')' "$log" > "$log.issues"; then
	echo "vm-run: $name: kernel warnings on the console:" >&2
	head -n 20 "$log.issues" >&2
	failed=$((failed + 1))
else
	passed=$((passed + 1))
	rm -f "$log.issues"
fi
[ "$status" = 0 ] && [ "$failed" -gt 0 ] && status=1
[ -n "$result" ] && { mkdir -p "$(dirname "$result")"; echo "$passed $failed" > "$result"; }
echo "vm-run: $name: $passed passed, $failed failed (${elapsed} s, log $log)"
exit $status
