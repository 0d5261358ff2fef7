// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// Answers with megabytes.
function FindProxyForURL(url, host) {
    var s = "PROXY a.example.com:1; ";
    while (s.length < 200000)
        s = s + s;
    return s;
}
