#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: networks that fail.  For each fault esold says what happened in
# words that name the cause, does not busy-loop (its system calls over
# 10 s are counted with strace), and catches up in one exchange when the
# path returns:
#   1. 503 with Retry-After: the hint is honoured (retry_in_s);
#   2. a 5xx: an error of the server, retried later;
#   3. the server down for a long time, then back on the same port;
#   4. a peer that resets the connection during the TLS handshake;
#   5. a name that does not resolve (DNS failure).
. "$(dirname "$0")/lib.sh"
e2e_init network

make_sysfs "$T/root" SIM0001
start_server --supplies off
write_conf
start_esold
quiet() { # WHAT: strace esold for 10 s, fail on a busy loop
	n=$(strace_count 10)
	[ "$n" -ge 0 ] || fail "strace could not count esold's system calls"
	log "$1: $n system calls in 10 s"
	[ "$n" -lt 400 ] || fail "$1: esold busy-loops ($n system calls in 10 s)"
}
err_is() { # PATTERN: last_error matches (case-insensitive)
	status_field last_error | grep -qi "$1"
}
catch_up() { # WHAT: one poll-now, one successful exchange
	p=$(polls)
	ctl poll-now >/dev/null
	wait_for 30 polled_ok_since "$p" || fail "$1: no successful poll after the path returned: $(ctl status)"
	[ "$(polls)" -eq $((p + 1)) ] || fail "$1: catching up took $(( $(polls) - p )) polls"
	log "$1: caught up in one poll"
}

# --- 1: 503 + Retry-After
server_fault "503:900@/v1/poll"
ctl poll-now >/dev/null
wait_for 30 err_is "503" || fail "503: not shown: $(ctl status)"
r=$(ctl --json status | jq '.retry_in_s // 0')
log "503 Retry-After 900: $(status_field last_error); retry in $r s"
# (honoured: no sooner than asked; a little jitter on top spreads a fleet)
[ "$r" -ge 890 ] && [ "$r" -le 1000 ] || fail "503: Retry-After 900 not honoured (retry in $r s)"
quiet "503 Retry-After"
server_fault ""
catch_up "503"

# --- 2: 500
server_fault "500@/v1/poll"
ctl poll-now >/dev/null
wait_for 30 err_is "500\|server" || fail "500: not shown: $(ctl status)"
log "500: $(status_field last_error)"
quiet "500"
server_fault ""
catch_up "500"

# --- 3: the server down, then back on the same port
stop_server
ctl poll-now >/dev/null
wait_for 30 err_is "connect\|refused\|network" || fail "server down: not shown: $(ctl status)"
log "server down: $(status_field last_error)"
quiet "server down"
start_server --supplies off --listen "127.0.0.1:$PORT"
catch_up "server back"

# --- 4: a reset during the TLS handshake: a listener that accepts and
# closes at once, put where the server was
RPORT=$(free_port)
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept()
    c.recv(64)                      # the ClientHello starts
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    c.close()                       # RST
' "$RPORT" &
track $!
wait_for 10 sh -c "ss -Hltn 'sport = :$RPORT' | grep -q LISTEN" || fail "the resetting listener did not start"
stop_esold
sed -i "s|^url = .*|url = https://localhost:$RPORT|" "$T/esold.conf"
start_esold
ctl poll-now >/dev/null
wait_for 30 err_is "reset\|handshake\|TLS\|connection" || fail "handshake reset: not shown: $(ctl status)"
log "reset in the handshake: $(status_field last_error)"
quiet "handshake reset"
stop_esold
sed -i "s|^url = .*|url = https://localhost:$PORT|" "$T/esold.conf"
start_esold
catch_up "after the reset"

# --- 5: DNS failure
stop_esold
sed -i "s|^url = .*|url = https://esol-no-such-host.invalid:$PORT|" "$T/esold.conf"
start_esold
ctl poll-now >/dev/null
wait_for 60 err_is "resolve\|DNS\|host" || fail "DNS failure: not shown: $(ctl status)"
log "DNS failure: $(status_field last_error)"
quiet "DNS failure"
stop_esold
sed -i "s|^url = .*|url = https://localhost:$PORT|" "$T/esold.conf"
start_esold
catch_up "after the DNS failure"
[ "$(reads_count)" -eq 1 ] || fail "the ledger holds $(reads_count) reads, not 1"
stop_esold
echo "PASS"
