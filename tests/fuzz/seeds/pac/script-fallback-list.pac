// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
// A plain list of proxies to try in order, then DIRECT, with the older
// spellings some generators still emit (SOCKS, extra blanks, a trailing ;).
function FindProxyForURL(url, host)
{
  if (host == "localhost" || host == "127.0.0.1")
    return "DIRECT";
  return "PROXY  a.example.com:8080 ;PROXY b.example.com:8080;  SOCKS s.example.com:1080; DIRECT;";
}
