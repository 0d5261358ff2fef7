// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Never returns.
function FindProxyForURL(url, host) {
    var i = 0;
    for (;;) { i++; }
}
