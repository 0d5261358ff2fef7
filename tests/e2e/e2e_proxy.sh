#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: esold reaches the server through a real tinyproxy on loopback,
# first configured by hand (proxy = manual), then through a PAC file
# served over http by busybox httpd (proxy = auto, pac_url); tinyproxy's
# log proves the route, esolctl status shows the proxy used.
. "$(dirname "$0")/lib.sh"
e2e_init proxy
make_sysfs "$T/root" SIM0001
start_server --supplies off

start_tinyproxy

# --- manual ---
write_conf "[proxy]" "mode = manual" "host = 127.0.0.1" "port = $PPORT"
start_esold
p=$(polls)
ctl poll-now
wait_for 20 polled_ok_since "$p" || fail "poll through the manual proxy failed: $(ctl status)"
grep -q "CONNECT.*localhost:$PORT" "$T/tinyproxy.log" || \
	grep -q "localhost:$PORT" "$T/tinyproxy.log" || fail "tinyproxy log shows no CONNECT: $(cat "$T/tinyproxy.log")"
status_field proxy.last_used | grep -q "127.0.0.1:$PPORT" || fail "status proxy: $(status_field proxy.last_used)"
stop_esold
conns=$(grep -c "CONNECT" "$T/tinyproxy.log")

# --- PAC ---
HPORT=$(free_port)
mkdir -p "$T/www"
cat >"$T/www/proxy.pac" <<PAC
function FindProxyForURL(url, host) {
	if (dnsDomainIs(host, "localhost") || host == "localhost")
		return "PROXY 127.0.0.1:$PPORT; DIRECT";
	return "DIRECT";
}
PAC
busybox httpd -f -p "127.0.0.1:$HPORT" -h "$T/www" &
track $!
wait_for 10 sh -c "busybox wget -q -O - http://127.0.0.1:$HPORT/proxy.pac >/dev/null" \
	|| fail "httpd did not start"
write_conf "[proxy]" "mode = auto" "pac_url = http://127.0.0.1:$HPORT/proxy.pac"
start_esold
p=$(polls)
ctl poll-now
wait_for 20 polled_ok_since "$p" || fail "poll through the PAC proxy failed: $(ctl status)"
[ "$(grep -c CONNECT "$T/tinyproxy.log")" -gt "$conns" ] || fail "PAC route did not use tinyproxy"
status_field proxy.last_used | grep -q "pac" || fail "status proxy: $(status_field proxy.last_used)"

# --- proxy changed at run time through esolctl: none ---
ctl set proxy_mode none
p=$(polls)
conns=$(grep -c "CONNECT" "$T/tinyproxy.log")
ctl poll-now
wait_for 20 polled_ok_since "$p" || fail "direct poll failed"
[ "$(grep -c CONNECT "$T/tinyproxy.log")" -eq "$conns" ] || fail "proxy used with mode none"
status_field proxy.last_used | grep -q "DIRECT" || fail "status proxy: $(status_field proxy.last_used)"
stop_esold
log "ok"
