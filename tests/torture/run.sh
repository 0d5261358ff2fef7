#!/bin/bash
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make torture / make check-torture: esold killed with SIGKILL at random
# instants and the device's power cut at random instants, in the device
# image (ext4 on a virtio disk: spool and state live there), against
# esol-server on this host, which is itself killed and restarted at
# random and told to lose replies.  Then the ledger is checked: every
# requested read stored exactly once, equal to the device's meters at the
# read, no supplies report stored twice (tests/torture/check.sh).
#
# A power cut is modelled by QEMU's write log (docs/torture.md): each boot
# runs on a copy of the disk with every write and flush logged; QEMU is
# killed with SIGKILL; the next boot's disk is the previous one plus the
# log replayed up to a random point between the guest's last completed
# flush and the last write QEMU received.
#
# Usage: run.sh [--kills N] [--cuts M] [--seed S] [--result FILE]
#   --kills N    SIGKILLs of esold, over all boots (default 1000)
#   --cuts M     power cuts (default 50): M + 1 boots; the last one ends
#                with the kills, then esold empties its spool
#   --seed S     the host's and the guest's random choices (default: the
#                time); printed, so a run can be repeated
#   --result F   write "PASSED FAILED" to F (make check-torture)
# Environment: TORTURE_GAP_MS (the longest random wait before a kill in
# the guest, default 2500), TORTURE_DIR (default build/torture).
# The last line is "torture: R requested, S stored, L lost, D duplicated".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
kills=1000 cuts=50 seed=$(date +%s) result=
while [ $# -gt 0 ]; do
	case "$1" in
	--kills) kills=$2; shift 2 ;;
	--cuts) cuts=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--result) result=$2; shift 2 ;;
	*) echo "torture: unknown argument $1" >&2; exit 2 ;;
	esac
done
T=${TORTURE_DIR:-$top/build/torture}
gap=${TORTURE_GAP_MS:-2500}
SERVER=$top/build/bin/esol-server
REPLAY=$top/build/tests/torture/torture-replay
RANDOM=$seed
t_start=$(date +%s)
server_pid= vm_pid= port=
server_restarts=0 faults=0 kills_done=0 boot=0 cycle=0

say() { echo "torture: $*"; }
die() {
	say "FAILED: $*"
	[ -n "$result" ] && { mkdir -p "$(dirname "$result")"; echo "0 1" > "$result"; }
	exit 1
}
cleanup() {
	[ -n "$vm_pid" ] && [ -s "$T/qemu.pid" ] && kill -9 "$(cat "$T/qemu.pid")" 2>/dev/null
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# r = 0..N, from the seeded generator (in this shell, never in $(...):
# a subshell's draws would not advance it).
rnd() { r=$(( (RANDOM * 32768 + RANDOM) % ($1 + 1) )); }
for x in "$SERVER" "$REPLAY"; do
	[ -x "$x" ] || die "$x is missing (make all $REPLAY)"
done
command -v jq > /dev/null || die "jq is missing (scripts/install-deps.sh)"

rm -rf "$T"
mkdir -p "$T"
say "seed $seed, $kills kills, $cuts cuts ($((cuts + 1)) boots), waits up to $gap ms"

# ---- the server: a billing cycle is a month of its clock (--now-file);
# the director opens the next one when the current one's read is stored.
cycle_name() { printf '%04d-%02d' $((2001 + $1 / 12)) $(($1 % 12 + 1)); }
set_clock() { echo "$(cycle_name "$1")-15T12:00:00Z" > "$T/now.tmp" && mv "$T/now.tmp" "$T/now"; }
set_fault() { echo "$1" > "$T/fault.tmp" && mv "$T/fault.tmp" "$T/fault"; }
start_server() {
	local i=0
	while :; do
		rm -f "$T/port"
		"$SERVER" serve --listen "127.0.0.1:${port:-0}" --port-file "$T/port" \
			--cert "$T/pki/server.crt" --key "$T/pki/server.key" \
			--client-ca "$T/pki/ca.crt" --db "$T/ledger.db" \
			--now-file "$T/now" --fault-file "$T/fault" --cycle-day 1 \
			--supplies on --supplies-interval 604800 \
			--foreground --log-level info >> "$T/server.log" 2>&1 &
		server_pid=$!
		local j=0
		while [ ! -s "$T/port" ] && [ $j -lt 100 ] && kill -0 $server_pid 2>/dev/null; do
			sleep 0.05; j=$((j + 1))
		done
		[ -s "$T/port" ] && break
		kill -9 $server_pid 2>/dev/null; wait $server_pid 2>/dev/null
		i=$((i + 1))
		[ $i -lt 20 ] || die "esol-server does not start: $(tail -n 3 "$T/server.log")"
		sleep 0.5
	done
	port=$(cat "$T/port")
}
# Killed (SIGKILL: a crash) or stopped (SIGTERM), then started again.
restart_server() {
	rnd 1
	if [ $r -eq 0 ]; then kill -9 $server_pid; else kill $server_pid; fi
	wait $server_pid 2>/dev/null
	rnd 9
	sleep "0.$r"
	start_server
	server_restarts=$((server_restarts + 1))
}
read_stored() { # CYCLE
	"$SERVER" list-reads --db "$T/ledger.db" --json 2>/dev/null |
		jq -e --arg c "$1" 'any(.[]; .cycle == $c)' > /dev/null
}

scripts/mkpki.sh "$T/pki" SIM0001 > /dev/null || die "mkpki failed"
set_clock 0
set_fault none
: > "$T/opens"
echo "0 $(cycle_name 0) 0 0" >> "$T/opens"	# cycle, name, boot, states seen
start_server
say "esol-server on 127.0.0.1:$port (the guest: 10.0.2.2:$port)"

# ---- the device image: the demo's provisioning, the torture's engine
P=$T/payload
mkdir -p "$P/etc/esol" "$P/var/lib/esol" "$P/etc/init.d" "$P/opt/esol-torture"
cp tests/torture/guest/S30engine "$P/etc/init.d/S30engine"
cp tests/torture/guest/guest.sh "$P/opt/esol-torture/guest.sh"
cp "$T/pki/ca.crt" "$T/pki/device.crt" "$T/pki/device.key" "$P/etc/esol/"
cat > "$P/etc/esol/esold.conf" <<CONF
[agent]
enabled = true
log_level = info
[server]
url = https://10.0.2.2:$port
ca_file = /etc/esol/ca.crt
client_cert = /etc/esol/device.crt
client_key = /etc/esol/device.key
[schedule]
poll_time = 03:00
time_zone = UTC
spread_minutes = 0
CONF
printf '{"version":1,"supplies_enabled":false,"supplies_interval_s":0,"supplies_last_sent":0,"last_poll":%s,"last_poll_ok":0}\n' \
	"$(date +%s)" > "$P/var/lib/esol/state.json"
chown -R 100:100 "$P/etc/esol" "$P/var/lib/esol"
chmod 0750 "$P/etc/esol" "$P/var/lib/esol"
chmod 0640 "$P/etc/esol/esold.conf" "$P/etc/esol/device.key"
scripts/mkimage.sh "$T/image" --arch "${ARCH:-$(uname -m)}" --with-sim --payload "$P" \
	> "$T/mkimage.log" 2>&1 || die "mkimage: $(tail -n 5 "$T/mkimage.log")"
cp --sparse=always "$T/image/rootfs.ext4" "$T/disk.img"

# ---- the boots
: > "$T/cuts"
: > "$T/boots"
per_boot=$(( (kills + cuts) / (cuts + 1) ))
settled=0
while [ $boot -le $cuts ]; do
	final=0
	[ $boot -eq $cuts ] && final=1
	left=$((kills - kills_done))
	if [ $final = 1 ]; then
		target=$left
		extra="esol.torture_kills=$left"
	else
		# Around the average, so the cuts fall at different points.
		rnd "$per_boot"
		target=$(( per_boot / 2 + r ))
		[ $target -gt $left ] && target=$left
		extra=
	fi
	cp --sparse=always "$T/disk.img" "$T/run.img"
	log=$T/boot-$boot.log
	rm -f "$T/qemu.pid"
	scripts/vm-run.sh --kernel "$T/image/kernel" --initrd "$T/image/initrd.cpio.gz" \
		--logged-disk "$T/run.img" "$T/writes.log" --pid-file "$T/qemu.pid" \
		--net user --quiet --timeout 7200 --stall 600 --log "$log" \
		--append "root=/dev/vda esol.run=/opt/esol-torture/guest.sh esol.torture_boot=$boot esol.torture_seed=$((seed + boot)) esol.torture_gap_ms=$gap $extra" \
		> "$T/vm-run-$boot.out" 2>&1 &
	vm_pid=$!
	t_boot=$(date +%s)
	echo "$boot $t_boot" >> "$T/boots"
	cut_at=
	settle_deadline=
	last_check=0
	while kill -0 $vm_pid 2>/dev/null; do
		sleep 0.2
		raw=$log.raw
		[ -f "$raw" ] || continue
		now=$(date +%s)
		k=$(grep -a -c "^TORTURE-KILL $boot " "$raw")
		# The director, once a second: a stored read opens the next
		# cycle; now and then the server is restarted or told to fail.
		if [ $now -ne $last_check ]; then
			last_check=$now
			if [ -z "$settle_deadline" ] && read_stored "$(cycle_name $cycle)"; then
				cycle=$((cycle + 1))
				set_clock $cycle
				echo "$cycle $(cycle_name $cycle) $boot $(grep -a -c "^TORTURE-STATE $boot " "$raw")" >> "$T/opens"
			fi
			if [ -z "$settle_deadline" ] && grep -a -q "^TORTURE-SETTLE $boot" "$raw"; then
				settle_deadline=$((now + 240))
				set_fault none
				say "boot $boot: $k kills done, settling (cycle $(cycle_name $cycle) open)"
			fi
			rnd 24
			if [ -z "$settle_deadline" ] && [ $r -eq 0 ]; then
				restart_server
			fi
			rnd 9
			if [ -z "$settle_deadline" ] && [ $r -eq 0 ]; then
				set -- "lost-reply*1" "lost-reply@/v1/meter-reads*1" "lost-reply@/v1/supplies*1" \
					"drop*1" "500*1" "lost-reply*2"
				rnd 5
				shift "$r"
				set_fault "$1"
				faults=$((faults + 1))
			fi
		fi
		if [ -n "$settle_deadline" ]; then
			# Done when the open cycle's read is stored and the
			# guest says its spool is empty, after that.
			if read_stored "$(cycle_name $cycle)" &&
			   [ "$(grep -a "^TORTURE-SPOOL $boot " "$raw" | tail -n 1 | tr -d '\r' | cut -d' ' -f3)" = 0 ]; then
				settled=1
				kill -9 "$(cat "$T/qemu.pid")" 2>/dev/null
				break
			fi
			if [ $now -ge $settle_deadline ]; then
				say "boot $boot: not settled after 240 s"
				kill -9 "$(cat "$T/qemu.pid")" 2>/dev/null
				break
			fi
		elif [ $final = 0 ] && [ -z "$cut_at" ] && [ $k -ge $target ] &&
		     grep -a -q "^TORTURE-BOOT $boot" "$raw"; then
			# The cut: a random instant of the next round.
			rnd "$gap"
			cut_at=$r
			sleep "$(printf '%d.%03d' $((cut_at / 1000)) $((cut_at % 1000)))"
			kill -9 "$(cat "$T/qemu.pid")" 2>/dev/null
			break
		fi
	done
	wait $vm_pid
	vm_pid=
	[ -f "$log" ] || die "boot $boot: no console log"
	k=$(grep -a -c "^TORTURE-KILL $boot " "$log")
	kills_done=$((kills_done + k))
	grep -a -q "^TORTURE-BOOT $boot" "$log" ||
		die "boot $boot: the guest did not come up ($(tail -n 3 "$log" | tr '\n' ' '))"
	grep -a "^TORTURE-ERROR" "$log" | head -n 3
	if [ $final = 0 ]; then
		if [ -z "$cut_at" ]; then
			die "boot $boot: the guest ended before its cut ($(tail -n 3 "$log" | tr '\n' ' '))"
		fi
		set -- $("$REPLAY" scan "$T/writes.log")
		n=$2 f=$4
		[ "$n" -ge "$f" ] || die "boot $boot: the write log lost flushed entries ($n < $f)"
		# The replayer checked against QEMU itself: the whole log over
		# the disk the boot started from gives the disk QEMU wrote.
		cp --sparse=always "$T/disk.img" "$T/whole.img"
		"$REPLAY" apply "$T/writes.log" "$T/whole.img" "$n" > /dev/null ||
			die "boot $boot: replay failed"
		if cmp -s "$T/whole.img" "$T/run.img"; then
			whole=same
		else
			whole=differs
			say "boot $boot: the whole write log does not give QEMU's disk ($(cmp -l "$T/whole.img" "$T/run.img" | wc -l) bytes differ)"
		fi
		rm -f "$T/whole.img"
		rnd $((n - f))
		p=$((f + r))
		"$REPLAY" apply "$T/writes.log" "$T/disk.img" "$p" > /dev/null ||
			die "boot $boot: replay failed"
		echo "$boot $k $n $f $p $whole $(( $(date +%s) - t_boot ))" >> "$T/cuts"
		say "boot $boot: $k kills, power cut after $(( $(date +%s) - t_boot )) s; write log: $n entries, $f flushed, $p replayed; whole log $whole"
	fi
	boot=$((boot + 1))
done
rm -f "$T/run.img" "$T/writes.log"
[ $settled = 1 ] || say "the last boot did not settle: its open cycle or spool is reported as it is"
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
server_pid=

t_end=$(date +%s)
say "$kills_done kills, $cuts power cuts ($(awk '$4 < $3 { n++ } END { print n + 0 }' "$T/cuts") with writes after the last flush), $server_restarts server restarts, $faults faults injected, $((t_end - t_start)) s"
tests/torture/check.sh "$T" "$SERVER" "$kills" "$cuts" "$kills_done" "$result"
rc=$?
[ -n "$result" ] || exit $rc
# make check-torture: the verdict's own test (it must fail on a ledger
# made wrong), then the runner's summary line.
tests/torture/selftest.sh "$T" "$kills" "$cuts" "$kills_done" > "$T/selftest.out" 2>&1
cat "$T/selftest.out"
read -r p1 f1 < "$result"
set -- $(sed -n 's/^selftest: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$T/selftest.out") 0 1
echo "$((p1 + $1)) $((f1 + $2))" > "$result"
echo "check-torture: $((p1 + $1)) passed, $((f1 + $2)) failed"
[ $((f1 + $2)) -eq 0 ]
