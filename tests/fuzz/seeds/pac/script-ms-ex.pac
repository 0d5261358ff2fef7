// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Microsoft's IPv6-aware extensions, as some Windows-era PACs use them.
function FindProxyForURLEx(url, host) {
    return FindProxyForURL(url, host);
}

function FindProxyForURL(url, host) {
    if (isResolvableEx(host) && isInNetEx(dnsResolveEx(host), "10.0.0.0/8"))
        return "DIRECT";
    if (isInNetEx(myIpAddressEx(), "10.9.0.0/16"))
        return "PROXY lab-proxy.example.com:3128";
    return "PROXY proxy.example.com:3128";
}
