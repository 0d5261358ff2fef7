#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# make check-device: the device image in QEMU, two boots.
#   1. the whole chain (scripts/demo.sh as a test): provisioned image,
#      esol-server on the host, esold on the real module, ledger == meters;
#   2. a factory-fresh image (install-device, no provisioning):
#      tests/device/factory.sh in the guest.
# Writes build/results/device ("P F"); the last line is "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
T=build/device-test
rm -rf "$T"
mkdir -p "$T/payload/opt/esol-test" build/results
passed=0 failed=0
add() { # RESULT-FILE
	if [ -s "$1" ]; then
		read -r p f < "$1"
	else
		p=0 f=1
	fi
	passed=$((passed + p)) failed=$((failed + f))
}

echo "== device 1: the whole chain (make demo)"
ARCH=${ARCH:-$(uname -m)} scripts/demo.sh --result "$T/chain" > "$T/chain.out" 2>&1
grep -v '^   device:     ' "$T/chain.out" | tail -n 25
add "$T/chain"

echo "== device 2: a factory-fresh image"
cp tests/device/factory.sh "$T/payload/opt/esol-test/"
if scripts/mkimage.sh "$T/factory" --arch "${ARCH:-$(uname -m)}" --with-sim \
	--payload "$T/payload" 2> "$T/factory-mkimage.log"; then
	scripts/vm-run.sh --kernel "$T/factory/kernel" --initrd "$T/factory/initrd.cpio.gz" \
		--disk "$T/factory/rootfs.ext4" --net user --quiet --timeout 180 --stall 90 \
		--append "root=/dev/vda esol.run=/opt/esol-test/factory.sh" \
		--log "$T/factory.log" --result "$T/factory.result" > "$T/factory-run.out" 2>&1
	grep -a -E '^(ok|not ok) - |^#   ' "$T/factory.log"
	tail -n 1 "$T/factory-run.out"
else
	echo "not ok - mkimage: $(tail -n 3 "$T/factory-mkimage.log")"
	echo "0 1" > "$T/factory.result"
fi
add "$T/factory.result"
echo "$passed $failed" > build/results/device
echo "device: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
