/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * wpad: where to look for a PAC file when none is configured (WPAD by DNS).
 *
 * The host's DNS domain comes from resolv.conf (the last "domain" or
 * "search" line wins, as in glibc; of "search", the first domain), else
 * from the host name when it is fully qualified.  The candidate URLs are
 * http://wpad.<d>/wpad.dat for d walking up from that domain to the
 * registrable domain (the public suffix list, libpsl), and never past it:
 * for a.b.example.co.uk that is wpad.a.b.example.co.uk,
 * wpad.b.example.co.uk, wpad.example.co.uk - never wpad.co.uk or
 * wpad.uk, which anyone could register.
 */
#ifndef ESOL_NET_WPAD_H
#define ESOL_NET_WPAD_H

#include <stddef.h>

#define NET_WPAD_MAX 8		/* URLs tried at most */
#define NET_URL_MAX 512

/*
 * This host's DNS domain into out.  resolv_conf: NULL for
 * /etc/resolv.conf; hostname: NULL for gethostname().  Returns 0,
 * -ENOENT when there is none, or -errno.
 */
int net_wpad_domain(const char *resolv_conf, const char *hostname,
		    char *out, size_t len);

/*
 * The WPAD URLs for domain, most specific first, into urls.  Returns how
 * many (0 when the domain is itself a public suffix or not a valid name).
 */
int net_wpad_urls(const char *domain, char urls[][NET_URL_MAX], int max);

#endif /* ESOL_NET_WPAD_H */
