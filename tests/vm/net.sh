#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# SPDX-FileCopyrightText: 2026 The esol authors
# Guest test (TAP) of QEMU user networking (vm-run.sh --net user): eth0 is
# up as 10.0.2.15 and the host's loopback answers at 10.0.2.2.
# Usage (a /tests.list line): /tests/net.sh URL EXPECTED-TEXT
url=$1
want=$2
echo "1..3"
if ip addr show eth0 2>/dev/null | grep -q 'inet 10\.0\.2\.15/24'; then
	echo "ok 1 - eth0 is 10.0.2.15/24"
else
	echo "not ok 1 - eth0 is 10.0.2.15/24"
	ip addr
fi
if ip route | grep -q 'default via 10\.0\.2\.2'; then
	echo "ok 2 - default route via 10.0.2.2"
else
	echo "not ok 2 - default route via 10.0.2.2"
fi
# (busybox 1.35 wget -T crashes: use timeout instead)
got=$(timeout 30 wget -q -O - "$url" 2>&1)
if echo "$got" | grep -qF "$want"; then
	echo "ok 3 - GET $url"
else
	echo "not ok 3 - GET $url # got: $(echo "$got" | head -c 200)"
	exit 1
fi
