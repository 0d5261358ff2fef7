#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: a PAC file whose answer depends on a DNS lookup, with a slow name
# server.  esold, esol-server, tinyproxy, the PAC's web server and a real
# DNS server (tests/e2e/slowdns_main.c) run in a private network and
# mount namespace of their own, with their own /etc/resolv.conf and
# nsswitch.conf bind-mounted (the host's are not touched).
#   1. the lookup is slow (10 s): the poll fails with the named DNS error
#      after ~1.5 s (the lookup's bound), nothing reaches the server -
#      the PAC's answer is not silently turned into DIRECT;
#   2. the name server answers at once: the next poll goes through the
#      proxy the PAC named (tinyproxy's log shows the CONNECT);
#   3. the name does not exist (fast NXDOMAIN): the PAC's own fallback
#      (DIRECT) is used.
if [ -z "${E2E_PAC_DNS_NS:-}" ]; then
	# as root a network and mount namespace; else a user namespace too
	if [ "$(id -u)" -eq 0 ]; then ns="-mn"; else ns="-rmn"; fi
	E2E_PAC_DNS_NS=1 exec unshare $ns --propagation private sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
e2e_init pac_dns

ip link set lo up || fail "cannot bring up the namespace's loopback"
printf 'nameserver 127.0.0.1\noptions timeout:5 attempts:1\n' >"$T/resolv.conf"
printf 'hosts: files dns\n' >"$T/nsswitch.conf"
mount --bind "$T/resolv.conf" /etc/resolv.conf || fail "cannot bind-mount resolv.conf"
mount --bind "$T/nsswitch.conf" /etc/nsswitch.conf || fail "cannot bind-mount nsswitch.conf"
cc -O1 -D_GNU_SOURCE -I"$TOP/tests/unit" -o "$T/slowdns" "$TOP/tests/e2e/slowdns_main.c" \
	"$TOP/tests/unit/slowdns.c" || fail "cannot build slowdns"

# dns DELAY_MS ANSWER: (re)start the name server; proxy.esol.test gets
# ANSWER (an address, or nx) after DELAY_MS
DNS_PID=""
dns() {
	if [ -n "$DNS_PID" ]; then
		kill "$DNS_PID"
		wait "$DNS_PID" 2>/dev/null || true
		untrack "$DNS_PID"
	fi
	"$T/slowdns" 127.0.0.1 "proxy.esol.test=$2@$1" >>"$T/dns-queries" 2>>"$T/dns.log" &
	DNS_PID=$!
	track "$DNS_PID"
	wait_for 10 grep -q "listening" "$T/dns.log" || fail "slowdns did not start"
	: >"$T/dns.log"
}
queries() { grep -c "^proxy.esol.test$" "$T/dns-queries" || true; }

make_sysfs "$T/root" SIM0001
start_server --supplies off

start_tinyproxy
cat >"$T/proxy.pac" <<PAC
function FindProxyForURL(url, host) {
	var ip = dnsResolve("proxy.esol.test");
	if (ip === null)
		return "DIRECT";
	return "PROXY " + ip + ":$PPORT";
}
PAC
serve_pac "$T/proxy.pac"

# --- 1. slow: an error, not DIRECT ---
dns 10000 127.0.0.1
write_conf "[proxy]" "mode = auto" "pac_url = $PAC_URL"
start_esold
p=$(polls)
started=$(date +%s%N)
ctl poll-now
wait_for 20 grep -q "DNS lookup of proxy.esol.test timed out after" "$T/esold.log" \
	|| fail "no DNS timeout in esold's log"
ms=$(( ($(date +%s%N) - started) / 1000000 ))
log "the poll failed after ${ms} ms: $(grep -m1 "DNS lookup of proxy.esol.test" "$T/esold.log")"
[ "$ms" -lt 6000 ] || fail "the DNS error took ${ms} ms"
sleep 1
[ "$(polls)" -eq "$p" ] || fail "a poll succeeded while the PAC's lookup had no answer"
[ "$(captured poll)" -eq 0 ] || fail "the server got a poll (DIRECT?)"
grep -q "going DIRECT" "$T/esold.log" && fail "esold went DIRECT"
[ "$(queries)" -ge 1 ] || fail "the name server saw no query"

# --- 2. fast: through the PAC's proxy ---
dns 0 127.0.0.1
conns=$(connects)
ctl poll-now
wait_for 30 polled_ok_since "$p" || fail "no poll after DNS answered: $(ctl status)"
[ "$(connects)" -gt "$conns" ] || fail "the poll did not use the PAC's proxy"
status_field proxy.last_used | grep -q "127.0.0.1:$PPORT" || \
	fail "status proxy: $(status_field proxy.last_used)"
stop_esold

# --- 3. no such name: the PAC's fallback ---
dns 0 nx
start_esold
p=$(polls)
conns=$(connects)
ctl poll-now
wait_for 20 polled_ok_since "$p" || fail "no poll with NXDOMAIN: $(ctl status)"
[ "$(connects)" -eq "$conns" ] || fail "a proxy was used with NXDOMAIN"
status_field proxy.last_used | grep -q "DIRECT" || fail "status proxy: $(status_field proxy.last_used)"
stop_esold
log "ok"
