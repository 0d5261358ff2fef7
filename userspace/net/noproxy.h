/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * noproxy: does a host bypass the proxy, per a no_proxy list?
 *
 * The list is what the no_proxy environment variable holds: entries
 * separated by commas and/or white space, each one of
 *   *                 every host
 *   example.com       example.com and every name under it
 *   .example.com      the same (a leading "." or "*." is ignored)
 *   host:8443         a name (or [v6]/IPv4 literal) only on that port
 *   10.1.2.3, ::1     an IP literal: the same address, written any way
 *   10.0.0.0/8        a CIDR block (IPv4 or IPv6): any IP literal inside it
 * Names compare case-insensitively, a trailing dot ignored.  A CIDR entry
 * matches only a host given as an IP literal: no DNS lookup is made (as
 * curl does).  Pure function, no I/O.
 */
#ifndef ESOL_NET_NOPROXY_H
#define ESOL_NET_NOPROXY_H

#include <stdbool.h>

/* host: a name or an IP literal (IPv6 with or without brackets); port 0: any. */
bool net_noproxy_match(const char *no_proxy, const char *host, unsigned port);

#endif /* ESOL_NET_NOPROXY_H */
