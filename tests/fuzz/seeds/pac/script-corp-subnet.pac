// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// A company choosing the proxy by the subnet the device sits in, and
// sending private address space DIRECT (resolving the host first).
function FindProxyForURL(url, host) {
    var ip = dnsResolve(host);
    if (ip && (isInNet(ip, "10.0.0.0", "255.0.0.0") ||
               isInNet(ip, "172.16.0.0", "255.240.0.0") ||
               isInNet(ip, "192.168.0.0", "255.255.0.0") ||
               isInNet(ip, "127.0.0.0", "255.0.0.0")))
        return "DIRECT";
    var me = myIpAddress();
    if (isInNet(me, "10.1.0.0", "255.255.0.0"))
        return "PROXY proxy-hq.example.com:8080; PROXY proxy-dr.example.com:8080";
    if (isInNet(me, "10.2.0.0", "255.255.0.0"))
        return "PROXY proxy-branch.example.com:8080; DIRECT";
    return "DIRECT";
}
