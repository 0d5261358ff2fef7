#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# The guest's half of `make check-systemd` (esol-check.service, once the
# Debian image has booted under systemd): checks esold.service as
# installed by `make install-device` (Type=notify, its sandbox, the
# watchdog, reload and stop, the control socket's group, the exposure
# score).  Prints "ok - ..." / "not ok - ..." lines and, last, the
# GUEST-RESULT line scripts/vm-run.sh counts.  The host runs esol-server
# at 10.0.2.2 (tests/device/check-systemd.sh provisioned the config).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
sim=/sys/kernel/debug/printeng_sim/engine
unit=/usr/lib/systemd/system/esold.service
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
nok() { failed=$((failed + 1)); echo "not ok - $*"; }
info() { echo "# $*"; }
check() { # DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else nok "$d"; fi
}
fails() { ! "$@"; }
wait_for() { # SECONDS COMMAND...: until COMMAND succeeds, by the clock
	end=$(($(date +%s) + $1)); shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$end" ] || return 1
		sleep 0.25
	done
}
prop() { systemctl show -P "$1" esold.service; }
is_active() { [ "$(prop ActiveState)" = active ]; }
journal_since() { # MONOTONIC-SECONDS: esold's journal since then
	journalctl -q -o cat -u esold.service --since "@$1"
}
finish() {
	echo "GUEST-RESULT passed=$passed failed=$failed"
	exit 0
}
now() { date +%s; }

info "systemd $(systemctl --version | head -n 1 | cut -d' ' -f2), kernel $(uname -r), system $(systemctl is-system-running)"
systemctl --failed --no-legend --plain | sed 's/^/# failed unit: /'

# Two users for the checks: an operator in esoladm, a user in no group.
useradd --system --no-create-home --shell /usr/sbin/nologin --groups esoladm opera
useradd --system --no-create-home --shell /usr/sbin/nologin guest1
as() { u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$@"; }

# ---- 1. esold.service reaches active through Type=notify
check "esold.service is Type=notify" [ "$(prop Type)" = notify ]
if wait_for 60 is_active; then
	ok "esold.service active (systemd got READY=1)"
else
	nok "esold.service is $(prop ActiveState)/$(prop SubState), not active"
	journalctl -q -o cat -u esold.service | tail -n 20 | sed 's/^/# /'
	finish
fi
check "esold's status text (STATUS= of sd_notify) is 'running'" [ "$(prop StatusText)" = running ]
pid=$(prop MainPID)
journalctl -q -o cat -u esold.service | head -n 8 | sed 's/^/# journal: /'
started_ms() { echo $(( ($(prop ActiveEnterTimestampMonotonic) - $(prop InactiveExitTimestampMonotonic)) / 1000 )); }
info "esold: from exec to READY=1 in $(started_ms) ms"
# (systemd-analyze time waits for the end of the boot, which includes us)
ms() { echo $(( $(systemctl show -P "$@") / 1000 )); }
echo "SYSTEMD-BOOT systemd started at $(ms UserspaceTimestampMonotonic) ms," \
	"multi-user.target reached at $(ms ActiveEnterTimestampMonotonic multi-user.target) ms," \
	"esold.service active at $(ms ActiveEnterTimestampMonotonic esold.service) ms after the kernel started"
for u in systemd-journald systemd-udevd systemd-udev-trigger systemd-modules-load \
	systemd-tmpfiles-setup systemd-networkd systemd-networkd-wait-online dbus esol-engine esold; do
	printf '%s %s..%s ms; ' "$u" "$(ms InactiveExitTimestampMonotonic "$u.service")" \
		"$(ms ActiveEnterTimestampMonotonic "$u.service")"
done | sed 's/^/# boot: /; s/; $//'
echo
info "esold: pid $pid, user $(stat -c %U "/proc/$pid"), $(systemctl show -p WatchdogUSec esold.service)"

# ---- 2. the process as systemd confined it (its /proc/PID/status)
st() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$pid/status"; }
check "esold runs as esol" [ "$(stat -c %U "/proc/$pid")" = esol ]
check "esold has no capabilities (CapEff, CapBnd 0)" \
	eval '[ "$(st CapEff)" = 0000000000000000 ] && [ "$(st CapBnd)" = 0000000000000000 ]'
check "esold has no_new_privs" [ "$(st NoNewPrivs)" = 1 ]
check "esold runs under a seccomp filter" [ "$(st Seccomp)" = 2 ]
admgid=$(getent group esoladm | cut -d: -f3)
check "esold is in esoladm (its socket's group)" sh -c "echo ' $(st Groups) ' | grep -q ' $admgid '"

# ---- 3. the chrdev, generic netlink, the spool and state, the network:
# the job itself, against the host's esol-server.
dev=$(cat $sim/info 2>/dev/null)
check "the engine registered as /dev/$dev" [ -c "/dev/$dev" ]
check "esolctl (root) reaches esold" wait_for 20 esolctl status
echo "120 mono simplex" > $sim/print
echo "40 color duplex" > $sim/print
state0=$(cat /var/lib/esol/state.json)
log_has() { esolctl log 50 | grep -q "$1"; }
spool_empty() { esolctl --json status | grep -q '"count": *0'; }
esolctl poll-now | sed 's/^/# /'
if wait_for 90 log_has meter-reads && wait_for 30 spool_empty; then
	ok "poll-now and a meter read reached the host's esol-server (chrdev, network, spool)"
else
	nok "no meter read sent"
	esolctl status | sed 's/^/# /'
	journalctl -q -o cat -u esold.service | tail -n 20 | sed 's/^/# /'
fi
check "esold wrote its state (/var/lib/esol/state.json changed)" \
	[ "$(cat /var/lib/esol/state.json)" != "$state0" ]
i=0
while [ "$(cat /sys/class/printeng/$dev/supply1/state)" = ok ] && [ $i -lt 40 ]; do
	echo "10 color duplex" > $sim/print
	i=$((i + 1))
done
if wait_for 60 log_has '"trigger":"event"'; then
	ok "a toner turning low (generic-netlink event) made a supplies report"
else
	nok "no supplies report after the kernel's event"
fi

# ---- 4. what esold's sandbox forbids, seen from inside it
# The filesystem: esold's own mount namespace (nsenter as root there:
# only the mounts stop a write, not permissions).
in_ns() { nsenter -t "$pid" -m -- "$@" 2>/dev/null; }
writes() { in_ns sh -c "echo x > '$1' && rm -f '$1'"; }
check "in esold's namespace, /var/lib/esol is writable" writes /var/lib/esol/.probe
check "in esold's namespace, /var/lib/esol/spool is writable" writes /var/lib/esol/spool/.probe
check "in esold's namespace, /etc/esol is writable (esolctl set saves there)" writes /etc/esol/.probe
check "in esold's namespace, /run/esol is writable" writes /run/esol/.probe
for p in /etc/.probe /usr/.probe /var/.probe /var/log/.probe /run/.probe /root/.probe /opt/.probe; do
	# (a control: the same write outside the sandbox works)
	if sh -c "echo x > '$p' && rm -f '$p'" 2>/dev/null; then
		check "in esold's namespace, $(dirname $p) is read-only" fails writes "$p"
	else
		nok "the control write to $p failed outside the sandbox"
	fi
done
grep -E ' / | /run | /dev/shm | /run/lock ' "/proc/$pid/mountinfo" | cut -d' ' -f4-6 | sed 's/^/# esold mount: /'
check "in esold's namespace, /home is empty and read-only" \
	in_ns sh -c '[ -z "$(ls -A /home)" ] && ! touch /home/.probe'
echo secret > /tmp/host-tmp-probe
check "in esold's namespace, /tmp is private" in_ns sh -c '[ ! -e /tmp/host-tmp-probe ]'
rm -f /tmp/host-tmp-probe

# What acts on the process (devices, sockets, system calls): the probe
# runs in a transient service with esold's own sandbox directives, read
# from the installed unit (not its start-up, directories or watchdog).
sandbox=$(sed -n '/^\[Service\]/,/^\[/p' "$unit" | grep -E '^[A-Za-z]+=' |
	grep -vE '^(Type|NotifyAccess|ExecStart|ExecReload|Restart|RestartSec|WatchdogSec|TimeoutStopSec|RuntimeDirectory|RuntimeDirectoryMode|StateDirectory|StateDirectoryMode)=')
info "esold's sandbox directives: $(echo "$sandbox" | tr '\n' ' ')"
probe() { # [-root] COMMAND: run COMMAND in esold's sandbox (as root: -root)
	props=
	root=0
	[ "$1" = -root ] && { root=1; shift; }
	old_ifs=$IFS
	IFS='
'
	for l in $sandbox; do
		case "$l" in
		User=*|Group=*|SupplementaryGroups=*) [ $root = 1 ] && continue ;;
		esac
		props="$props
-p
$l"
	done
	# shellcheck disable=SC2086
	set -- systemd-run --quiet --wait --pipe --collect $props -- \
		/bin/sh -c 'echo PROBE-RAN; exec "$@"' probe "$@"
	IFS=$old_ifs
	probe_out=$("$@" < /dev/null 2>&1)
	r=$?
	echo "$probe_out" | grep -v '^PROBE-RAN$' | tail -n 2 | sed 's/^/#   /'
	return $r
}
# A refusal: the probe ran in the sandbox, and the command failed there.
denied() {
	probe "$@" && return 1
	echo "$probe_out" | grep -q '^PROBE-RAN$'
}
check "the probe's sandbox starts (systemd-run takes every directive)" probe /bin/true
for p in /dev/shm/.probe /run/lock/.probe; do
	check "in esold's sandbox, esol cannot write $(dirname $p) (world-writable outside)" \
		denied sh -c "echo x > $p"
done
check "in esold's sandbox, /dev/$dev can be read" probe sh -c ": < /dev/$dev"
check "control: /dev/vda opens outside the sandbox (as root without capabilities)" \
	systemd-run --quiet --wait --pipe --collect -p CapabilityBoundingSet= /bin/sh -c ': < /dev/vda'
check "in esold's sandbox, another device (/dev/vda) cannot be opened, even by its owner" \
	denied -root sh -c ': < /dev/vda'
check "in esold's sandbox, /dev/$dev cannot be opened for writing, even by root" \
	denied -root sh -c ": > /dev/$dev"
bind_tcp='use IO::Socket::INET; my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "0.0.0.0:8099", Proto => "tcp", ReuseAddr => 1) or die "bind: $!\n"'
check "control: binding TCP port 8099 works outside the sandbox" perl -e "$bind_tcp"
if systemctl --version | grep -q '+BPF_FRAMEWORK'; then
	check "in esold's sandbox, binding a TCP port is refused (SocketBindDeny)" \
		denied perl -e "$bind_tcp"
else
	info "SKIP binding a TCP port in esold's sandbox: this systemd has -BPF_FRAMEWORK and ignores SocketBindDeny=any (not counted)"
fi
# What esold itself does: no listening TCP/UDP socket among its fds.
inet_listeners() { # PID: inodes of its sockets listening on TCP/UDP
	for f in /proc/"$1"/fd/*; do readlink "$f"; done 2>/dev/null |
		sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' | sort > /tmp/esold-sockets
	# TCP in LISTEN (0A), UDP bound (07): the inode is the 10th field.
	awk '($4 == "0A" || $4 == "07") { print $10 }' /proc/net/tcp /proc/net/tcp6 \
		/proc/net/udp /proc/net/udp6 2>/dev/null | sort | comm -12 - /tmp/esold-sockets
}
perl -e "$bind_tcp; sleep 10" & lpid=$!
sleep 2
check "control: the listener check finds a process's listening TCP socket" \
	eval '[ -n "$(inet_listeners "$lpid")" ]'
kill "$lpid"
check "esold listens on no TCP/UDP port" eval '[ -z "$(inet_listeners "$pid")" ] && [ -s /tmp/esold-sockets ]'
check "in esold's sandbox, a TCP connection to the server works" \
	probe perl -e "use IO::Socket::INET; IO::Socket::INET->new(PeerAddr => '10.0.2.2:$(sed -n 's|^url = https://10.0.2.2:\([0-9]*\).*|\1|p' /etc/esol/esold.conf)') or die \"connect: \$!\n\""
packet='use Socket; socket(my $s, 17, SOCK_DGRAM, 0) or die "AF_PACKET: $!\n"'
check "in esold's sandbox, a packet socket is refused (RestrictAddressFamilies)" \
	denied -root perl -e "$packet"
check "control: an unprivileged user can make a user+mount namespace outside the sandbox" \
	as guest1 unshare -U -m true
check "in esold's sandbox, namespaces are refused (RestrictNamespaces)" \
	denied unshare -U -m true
setuid='use POSIX; POSIX::setuid($<) or die "setuid: $!\n"'
check "control: setuid to one's own uid works outside the sandbox" as guest1 perl -e "$setuid"
check "in esold's sandbox, setuid() is refused (SystemCallFilter=~@privileged)" \
	denied perl -e "$setuid"
check "in esold's sandbox, the clock cannot be set, even by root" \
	denied -root date -s "@$(date +%s)"

# ---- 5. the control socket's group, through the runtime directory
info "$(ls -ld /run/esol) / $(ls -l /run/esol/esold.sock)"
check "the operator (esoladm) is not in esol's group" sh -c '! id -nG opera | grep -qw esol'
check "the operator (esoladm, not esol) runs esolctl status" as opera esolctl status
out=$(as guest1 esolctl status 2>&1)
if [ $? -ne 0 ]; then ok "a user in neither group cannot ($out)"; else nok "a user in neither group reached esold"; fi

# ---- 6. reload (SIGHUP: the config is read again), same process
sed -i 's/^poll_time = .*/poll_time = 04:30/' /etc/esol/esold.conf
t=$(now)
check "systemctl reload esold" systemctl reload esold.service
check "after the reload, esold uses the new poll_time" \
	wait_for 10 sh -c 'esolctl --json status | grep -q "\"poll_time\": *\"04:30\""'
check "after the reload, same pid, still active" eval '[ "$(prop MainPID)" = "$pid" ] && is_active'
journal_since "$t" | grep -E 'reload' | sed 's/^/# journal: /'
check "the reload reached esold as SIGHUP (ExecReload)" \
	sh -c "journalctl -q -o cat -u esold.service --since @$t | grep -q '^SIGHUP: reloading'"

# ---- 7. the watchdog: esold pings it; a hung esold is restarted
mkdir -p /run/systemd/system/esold.service.d
printf '[Service]\nWatchdogSec=6s\nTimeoutAbortSec=2s\nRestartSec=1s\n' \
	> /run/systemd/system/esold.service.d/watchdog-test.conf
systemctl daemon-reload
systemctl restart esold.service
wait_for 60 is_active
pid=$(prop MainPID)
n0=$(prop NRestarts)
sleep 15
check "with WatchdogSec=6s esold stays up 15 s (it pings the watchdog)" \
	eval '[ "$(prop MainPID)" = "$pid" ] && is_active'
info "$(systemctl show -p WatchdogTimestamp esold.service)"
t=$(now)
kill -STOP "$pid"
restarted() { [ "$(prop MainPID)" != "$pid" ] && [ "$(prop NRestarts)" -gt "$n0" ] && is_active; }
check "a stopped (hung) esold is killed by the watchdog and restarted" wait_for 60 restarted
check "the journal names the watchdog" sh -c "journalctl -q -o cat --since @$t | grep -qi watchdog"
rm -f /run/systemd/system/esold.service.d/watchdog-test.conf
systemctl daemon-reload
systemctl restart esold.service
wait_for 60 is_active

# ---- 8. the exposure score
score=$(systemd-analyze security --no-pager esold.service 2>/dev/null |
	sed -n 's/.*Overall exposure level for esold.service: \([0-9.]*\).*/\1/p')
echo "SYSTEMD-EXPOSURE ${score:-none}"
check "systemd-analyze security esold.service: ${score:-none} <= 2.0" \
	awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
systemd-analyze security --no-pager esold.service 2>/dev/null | grep '✗' | sed 's/^/# /'

# ---- 9. stop: esold exits cleanly
pid=$(prop MainPID)
t=$(now)
check "systemctl stop esold" systemctl stop esold.service
check "esold.service inactive, result success" \
	eval '[ "$(prop ActiveState)" = inactive ] && [ "$(prop Result)" = success ]'
check "esold exited with status 0 (not killed)" \
	eval '[ "$(prop ExecMainCode)" = 1 ] && [ "$(prop ExecMainStatus)" = 0 ]'
check "esold removed its socket; the spool is kept" \
	eval '[ ! -e /run/esol/esold.sock ] && [ -d /var/lib/esol/spool ]'
journal_since "$t" | tail -n 3 | sed 's/^/# journal: /'

# ---- 10. the factory config (participation off, no server URL): esold
# starts and idles.  With esol.factory=1 on the kernel command line
# (check-systemd.sh passes it unless --no-factory).
if grep -qw esol.factory=1 /proc/cmdline; then
	cp /usr/share/esol/esold.conf.default /etc/esol/esold.conf
	chown esol:esol /etc/esol/esold.conf
	systemctl start esold.service
	check "with the factory config, esold.service reaches active" wait_for 60 is_active
	check "with the factory config, participation is off" \
		sh -c 'esolctl --json status | grep -q "\"enabled\": *false"'
	check "with the factory config, esold stops cleanly" \
		eval 'systemctl stop esold.service && [ "$(prop Result)" = success ]'
	journalctl -q -o cat -u esold.service | grep -v '^esold.service: \|^Start\|^Stop\|^Failed to start' |
		tail -n 3 | sed 's/^/# journal: /'
fi
finish
