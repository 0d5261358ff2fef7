#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: esol-server's TLS policy, seen by a real TLS client (openssl
# s_client with the device's certificate): TLS 1.3, or TLS 1.2 with ECDHE
# and AEAD suites only, in the server's order; every other suite and every
# older version refused.  (esold's own side is in test_transport.)
. "$(dirname "$0")/lib.sh"
e2e_init tls_policy
start_server --supplies off
P=$T/pki
# handshake ARGS...: 0 when a TLS session was set up, and its cipher in $T/cipher
handshake() {
	echo Q | timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost \
		-CAfile "$P/ca.crt" -cert "$P/device.crt" -key "$P/device.key" "$@" \
		> "$T/sclient.out" 2>&1
	got=$(sed -n 's/^ *Cipher *: *\([A-Z0-9_-]*\)$/\1/p; s/^New, .*Cipher is \([A-Z0-9_-]*\)$/\1/p' "$T/sclient.out" | head -n 1)
	echo "$got" > "$T/cipher"
	[ -n "$got" ] && [ "$got" != "0000" ] && [ "$got" != "(NONE)" ]
}
for c in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305; do
	handshake -tls1_2 -cipher "$c" || fail "TLS 1.2 $c refused: $(tail -n 5 "$T/sclient.out")"
	[ "$(cat "$T/cipher")" = "$c" ] || fail "TLS 1.2 $c: got $(cat "$T/cipher")"
	log "accepted: TLS 1.2 $c"
done
handshake -tls1_3 || fail "TLS 1.3 refused: $(tail -n 5 "$T/sclient.out")"
log "accepted: TLS 1.3 $(cat "$T/cipher")"
for c in ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA ECDHE-ECDSA-AES128-SHA256 \
	 ECDHE-ECDSA-AES256-SHA384 AES128-GCM-SHA256 AES128-SHA; do
	if handshake -tls1_2 -cipher "$c@SECLEVEL=0"; then
		fail "TLS 1.2 $c accepted: the policy allows AEAD with ECDHE only"
	fi
	log "refused: TLS 1.2 $c"
done
for v in -tls1_1 -tls1; do
	if handshake "$v" -cipher "DEFAULT@SECLEVEL=0"; then
		fail "$v accepted"
	fi
	log "refused: $v"
done
# The server's order: the client prefers AES-256-GCM, the server
# CHACHA20-POLY1305 (first in its list), and the server decides.
handshake -tls1_2 -cipher "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305" ||
	fail "two allowed suites refused"
[ "$(cat "$T/cipher")" = ECDHE-ECDSA-CHACHA20-POLY1305 ] ||
	fail "the client's order won: $(cat "$T/cipher")"
log "the server's cipher order decides"
echo "PASS"
