// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Tries to reach outside: files, network, printing.
function FindProxyForURL(url, host) {
    var fs = require("fs");
    fs.writeFileSync("/tmp/esol-pac-was-here", "x");
    return "DIRECT";
}
