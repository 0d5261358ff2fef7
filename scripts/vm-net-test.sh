#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Test of vm-run.sh --net user: boots a kernel with tests/vm/net.sh as the
# only guest test, against a python3 http.server on the host's loopback
# (the guest sees it at 10.0.2.2).
# Usage: vm-net-test.sh [debian|debug]...   (default: debian debug)
# Exit status 0 if every kernel passed; last line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 4
out=build/vm/net
mkdir -p "$out/www"
token="esol-net-ok-$$"
echo "$token" > "$out/www/hello.txt"

# A free port on the host's loopback.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$out/www" \
	> "$out/http.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT INT TERM
echo "/tests/net.sh http://10.0.2.2:$port/hello.txt $token" > "$out/tests.list"

passed=0
failed=0
for k in ${*:-debian debug}; do
	case "$k" in
	debian) netmods="--net-modules $(scripts/fetch-kernel.sh)" ;;
	*) netmods= ;;
	esac
	# shellcheck disable=SC2086
	scripts/mkinitramfs.sh "$out/$k.cpio.gz" --tests-list "$out/tests.list" \
		$netmods tests/vm/net.sh || { failed=$((failed + 1)); continue; }
	scripts/vm-run.sh --kernel "$k" --initrd "$out/$k.cpio.gz" --net user \
		--timeout 300 --quiet --log "$out/$k.log" --result "$out/$k.result"
	grep -aE '^(net\.sh|RESULT)' "$out/$k.log"
	read -r p f < "$out/$k.result" || { p=0 f=1; }
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
