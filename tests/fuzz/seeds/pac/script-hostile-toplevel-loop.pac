// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Spins while being loaded, before FindProxyForURL is even called.
while (true) {}
function FindProxyForURL(url, host) { return "DIRECT"; }
