// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// A script that forgets to return for some hosts.
function FindProxyForURL(url, host) {
    if (dnsDomainIs(host, ".example.com"))
        return "DIRECT";
}
