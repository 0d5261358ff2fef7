// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// A typo in the function's name: there is no FindProxyForURL.
function findProxyForUrl(url, host) {
    return "PROXY proxy.example.com:3128";
}
