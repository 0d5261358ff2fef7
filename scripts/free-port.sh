#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Print a TCP port of this host that no socket uses, for a test server.
# It is taken below the kernel's ephemeral range (net.ipv4.ip_local_port_range),
# so no outgoing connection can be given it, between this check and the
# server's bind or later, when a test kills the server and starts it again
# on the same port while clients keep connecting.
set -u
low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
case "$low" in '' | *[!0-9]*) low=32768 ;; esac
base=10000
[ "$low" -gt $((base + 1000)) ] || base=1024
span=$((low - base))
while :; do
	p=$((base + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % span))
	hex=$(printf '%04X' "$p")
	if ! awk -v h=":$hex" '$2 ~ h"$" { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null; then
		echo "$p"
		exit 0
	fi
done
