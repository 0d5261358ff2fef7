// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* The kind of wpad.dat an old appliance serves: globals, alert() for
 * debugging, URL patterns, IP-literal hosts, a helper of its own. */
var proxy = "PROXY 192.0.2.10:8080";
var direct = "DIRECT";

function isIpLiteral(h) {
    return /^\d+\.\d+\.\d+\.\d+$/.test(h);
}

function FindProxyForURL(url, host) {
    alert("FindProxyForURL(" + url + ", " + host + ")");
    if (isIpLiteral(host)) {
        if (isInNet(host, "192.0.2.0", "255.255.255.0"))
            return direct;
        return proxy;
    }
    if (shExpMatch(host, "*.local") || shExpMatch(url, "*://updates.*"))
        return direct;
    if (dnsDomainLevels(host) > 3)
        return direct;
    return proxy + "; " + direct;
}
