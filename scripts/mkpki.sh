#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# mkpki.sh: make a throw-away test PKI for esol (never use it in production).
#
# Usage: scripts/mkpki.sh OUTDIR [DEVICE_ID [OTHER_DEVICE_ID]]
#
# Writes into OUTDIR (EC P-256 keys, PEM):
#   ca.crt ca.key                 test CA ("esol Test CA")
#   server.crt server.key         CN=localhost, SAN localhost, 127.0.0.1, ::1, 10.0.2.2
#   device.crt device.key         client cert, CN=DEVICE_ID (default SIM0001)
#   device-other.crt/.key         client cert, CN=OTHER_DEVICE_ID (default SIM0002)
#   device-unknownca.crt/.key     client cert CN=DEVICE_ID from the unknown CA
#   server-expired.crt/.key       valid 2020-01-01 .. 2021-01-01
#   server-notyet.crt/.key        valid 2099-01-01 .. 2100-01-01
#   server-wronghost.crt/.key     CN/SAN wrong.example.com
#   server-unknownca.crt/.key     localhost, signed by other-ca (not trusted)
#   server-selfsigned.crt/.key    localhost, self-signed
#   other-ca.crt other-ca.key     the unknown CA
#   pin.txt                       sha256//<base64> public-key pin of server.crt
# Idempotent: when OUTDIR already holds a complete set for the same device
# ids it does nothing.  Takes well under a second.
set -eu

out=${1:?usage: mkpki.sh OUTDIR [DEVICE_ID [OTHER_DEVICE_ID]]}
dev=${2:-SIM0001}
other=${3:-SIM0002}
case "$dev$other" in
*[!A-Za-z0-9._-]*) echo "mkpki: device ids must be [A-Za-z0-9._-]" >&2; exit 2 ;;
esac

mkdir -p "$out"
stamp="$out/.mkpki-done"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "v1 $dev $other" ]; then
	exit 0
fi
rm -f "$stamp"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# A small "openssl ca" setup so start and end dates can be set freely.
cadb() {	# cadb NAME CERT KEY
	mkdir -p "$tmp/$1/new"
	: > "$tmp/$1/index.txt"
	echo 1000 > "$tmp/$1/serial"
	cat > "$tmp/$1/ca.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
dir = $tmp/$1
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
certificate = $2
private_key = $3
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ any ]
commonName = supplied
[ server ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
[ v3ca ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ selfsigned ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyCertSign
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
[ client ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
CNF
}

selfsign() {	# selfsign NAME CN EXT [SAN]: a self-signed cert with our dates
	key "$tmp/$1.key"
	openssl req -new -key "$tmp/$1.key" -out "$tmp/$1.csr" -subj "/CN=$2" 2>/dev/null
	cadb "$1" "$tmp/$1.crt" "$tmp/$1.key"
	SAN=${4:-DNS:unused} openssl ca -batch -notext -selfsign -config "$tmp/$1/ca.cnf" \
		-extensions "$3" -startdate "$start" -enddate "$end" \
		-in "$tmp/$1.csr" -out "$tmp/$1.crt" 2>/dev/null
}

mkca() {	# mkca NAME CN
	selfsign "$1" "$2" v3ca
}

sign() {	# sign CA NAME CN EXT START END [SAN]
	key "$tmp/$2.key"
	openssl req -new -key "$tmp/$2.key" -out "$tmp/$2.csr" -subj "/CN=$3" 2>/dev/null
	SAN=${7:-DNS:unused} openssl ca -batch -notext -config "$tmp/$1/ca.cnf" \
		-extensions "$4" -startdate "$5" -enddate "$6" \
		-in "$tmp/$2.csr" -out "$tmp/$2.crt" 2>/dev/null
}

# Valid from two years ago (so tests may step the clock back) for ten years.
start=$(date -u -d '-730 days' +%Y%m%d000000Z)
end=$(date -u -d '+3650 days' +%Y%m%d000000Z)
san="DNS:localhost,IP:127.0.0.1,IP:::1,IP:10.0.2.2"

mkca ca "esol Test CA"
mkca other-ca "esol Unknown CA"
sign ca server localhost server "$start" "$end" "$san"
sign ca device "$dev" client "$start" "$end"
sign ca device-other "$other" client "$start" "$end"
sign other-ca device-unknownca "$dev" client "$start" "$end"
sign ca server-expired localhost server 20200101000000Z 20210101000000Z "$san"
sign ca server-notyet localhost server 20990101000000Z 21000101000000Z "$san"
sign ca server-wronghost wrong.example.com server "$start" "$end" "DNS:wrong.example.com"
sign other-ca server-unknownca localhost server "$start" "$end" "$san"
selfsign server-selfsigned localhost selfsigned "$san"

openssl pkey -in "$tmp/server.key" -pubout -outform DER 2>/dev/null |
	openssl dgst -sha256 -binary | openssl base64 -A | sed 's|^|sha256//|' > "$tmp/pin.txt"

for f in ca other-ca server device device-other device-unknownca server-expired \
	 server-notyet server-wronghost server-unknownca server-selfsigned; do
	cp "$tmp/$f.crt" "$out/$f.crt"
	cp "$tmp/$f.key" "$out/$f.key"
done
cp "$tmp/pin.txt" "$out/pin.txt"
chmod 644 "$out"/*.crt "$out/pin.txt"
chmod 600 "$out"/*.key
echo "v1 $dev $other" > "$stamp"
