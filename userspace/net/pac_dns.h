/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * pac_dns: the DNS behind the PAC helpers (dnsResolve, isResolvable,
 * isInNet, the *Ex variants), used inside the evaluation's child process:
 *   - each lookup has a bound (the caller derives it from what is left of
 *     the evaluation's time budget); the system resolver is glibc's
 *     getaddrinfo_a(), waited for with gai_suspend() up to that bound, so
 *     a slow name server cannot eat the whole budget unnoticed;
 *   - a lookup ends in one of three ways that the helpers must tell
 *     apart: an address; no address (-ENOENT: NXDOMAIN, no A record - the
 *     PAC sees null/false, as specified); or no answer (-ETIMEDOUT past
 *     the bound, -EAGAIN when the resolver itself gave up, other -errno),
 *     which must end the evaluation with an error rather than let the
 *     script take it for "no such host" and answer DIRECT;
 *   - answers (addresses and "no address") are cached for the rest of the
 *     evaluation, as Chromium does: a script that calls dnsResolve(host)
 *     ten times pays for one lookup.
 * A lookup that timed out may still be running in getaddrinfo_a's helper
 * thread: the evaluation ends right after (the child _exit()s), and that
 * is what ends it.  Nothing outlives the child.
 */
#ifndef ESOL_NET_PAC_DNS_H
#define ESOL_NET_PAC_DNS_H

#include <stddef.h>

#include "net/pac.h"

#define PAC_DNS_CACHE_MAX 16

struct pac_dns_cache {
	unsigned n;
	struct {
		char host[256];
		int r;			/* 0 or -ENOENT */
		char ip[16];
	} e[PAC_DNS_CACHE_MAX];
};

/* getaddrinfo_a with a deadline; myIpAddress from the routing table. */
extern const struct pac_dns pac_dns_system;

/*
 * host's IPv4 address into ip: 0, -ENOENT (the name has no address, or is
 * not a DNS name at all), -ETIMEDOUT (no answer within timeout_ms), or
 * another -errno (the resolver failed).  From the cache when it is there.
 */
int pac_dns_lookup(const struct pac_dns *d, struct pac_dns_cache *c,
		   const char *host, unsigned timeout_ms, char *ip, size_t len);

/* What a failed lookup's r means, for the error message. */
const char *pac_dns_strerror(int r);

#endif /* ESOL_NET_PAC_DNS_H */
