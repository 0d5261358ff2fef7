// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// A company splitting by domain: intranet names and the company's own
// domains go DIRECT, everything else through the central proxy.
var INTERNAL = [".corp.example.com", ".intra.example.com", ".example.net"];

function FindProxyForURL(url, host) {
    host = host.toLowerCase();
    if (isPlainHostName(host))
        return "DIRECT";
    for (var i = 0; i < INTERNAL.length; i++) {
        if (dnsDomainIs(host, INTERNAL[i]))
            return "DIRECT";
    }
    if (localHostOrDomainIs(host, "intranet.example.com"))
        return "DIRECT";
    if (shExpMatch(url, "https://*.partner.example.org/*"))
        return "PROXY partner-gw.corp.example.com:8443";
    return "PROXY proxy.corp.example.com:3128; DIRECT";
}
