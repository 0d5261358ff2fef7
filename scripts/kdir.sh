#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# Print the kernel build directory of the installed Debian linux-headers-amd64
# (not of the running kernel: the build machine runs another one).
set -eu
ver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/.*linux-headers-\([0-9][^ ,]*-amd64\).*/\1/p')
if [ -z "$ver" ] || [ ! -d "/usr/src/linux-headers-$ver" ]; then
	echo "kdir.sh: linux-headers-amd64 is not installed (run scripts/install-deps.sh)" >&2
	exit 1
fi
echo "/usr/src/linux-headers-$ver"
