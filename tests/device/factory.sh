#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Guest test (esol.run=) of a factory-fresh device image: the product as
# install-device leaves it, with no provisioning.  esold starts from the
# shipped config (participation off, no server), idles and answers esolctl;
# enabling without a server is refused with what to set; nothing listens
# on the network; the chrdev is readable by esold's user (mdev line).
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
nok() { failed=$((failed + 1)); echo "not ok - $*"; }
wait_for() { n=$(($1 * 4)); shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; n=$((n - 1)); done
	return 1; }

if wait_for 20 esolctl status; then ok "esold runs on the factory config and answers esolctl"; else
	nok "esold does not answer"; tail -n 20 /var/log/messages; fi
st=$(esolctl status 2>&1)
echo "$st" | sed 's/^/#   /'
echo "$st" | grep -q '^enabled *no' && ok "participation is off" || nok "participation is not off"
user=$(ps -o user,args | awk '/[e]sold/ { print $1; exit }')
[ "$user" = esol ] && ok "esold runs as esol" || nok "esold runs as '$user'"
out=$(esolctl enable 2>&1); rc=$?
echo "# esolctl enable -> $rc: $out"
[ "$rc" -ne 0 ] && echo "$out" | grep -q 'server.url' && ok "enable without a server is refused, naming server.url" ||
	nok "enable without a server: rc $rc: $out"
esolctl status | grep -q '^enabled *no' && ok "still off after the refusal" || nok "enabled after a refused enable"
cmp -s /etc/esol/esold.conf /usr/share/esol/esold.conf.default && ok "the config file is unchanged" ||
	nok "the config file changed"
# Nothing of esold's listens on TCP or UDP.
l=$(netstat -lntup 2>/dev/null | grep esold)
[ -z "$l" ] && ok "esold listens on no network port" || nok "esold listens: $l"
modprobe -q printeng_sim 2>/dev/null
m=$(stat -c %a /dev/printeng0 2>/dev/null)
if [ -z "$m" ]; then
	# No engine on a factory image without a driver: register the
	# simulated one to see the node mdev makes.
	echo "add factory serial=FACT0001" > /sys/kernel/debug/printeng_sim/control 2>/dev/null
	wait_for 5 test -c /dev/printeng0
	m=$(stat -c %a /dev/printeng0 2>/dev/null)
fi
[ "$m" = 444 ] && ok "/dev/printeng0 is 0444 (mdev line installed by install-device)" || nok "/dev/printeng0 mode '$m'"
echo "GUEST-RESULT passed=$passed failed=$failed"
