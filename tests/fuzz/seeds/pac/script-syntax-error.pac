// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// A PAC cut short by a broken upload: it does not compile.
function FindProxyForURL(url, host) {
    if (dnsDomainIs(host, ".example.com") {
        return "DIRECT";
    return "PROXY proxy.example.com:3128";
