// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Load-balancing by a hash of the host name over three proxies, each
// answer listing the others as fail-over (a common "super proxy" script).
var PROXIES = ["PROXY p0.example.com:3128",
               "PROXY p1.example.com:3128",
               "PROXY p2.example.com:3128"];

function hash(s) {
    var h = 0;
    for (var i = 0; i < s.length; i++)
        h = (h * 31 + s.charCodeAt(i)) % 1000003;
    return h;
}

function FindProxyForURL(url, host) {
    var n = hash(host) % PROXIES.length;
    var out = [];
    for (var i = 0; i < PROXIES.length; i++)
        out.push(PROXIES[(n + i) % PROXIES.length]);
    out.push("DIRECT");
    return out.join("; ");
}
