// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Eats memory until something stops it: doubling, so any cap is reached in
// a few dozen steps, long before the time limit even on a loaded machine.
function FindProxyForURL(url, host) {
    var hoard = [];
    var s = "x";
    for (;;) {
        s = s + s + hoard.length;
        hoard.push(s);
    }
}
