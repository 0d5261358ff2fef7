// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * pac_dns: the PAC helpers' DNS - bounded lookups through getaddrinfo_a,
 * a per-evaluation answer cache, myIpAddress (see pac_dns.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <idn2.h>

#include "net/pac_dns.h"

/* Letters, digits, '.', '-', '_' (and ':' so an IPv6 literal gets "no
 * IPv4 address" rather than a lookup), at most 253 bytes. */
static int dns_name_ok(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 253)
		return 0;
	for (; *h; h++)
		if (!isalnum((unsigned char)*h) && !strchr(".-_:", *h))
			return 0;
	return 1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One request: on the heap, because after a timeout getaddrinfo_a's
 * helper thread still owns it (until the child exits). */
struct gai_req {
	struct gaicb cb;
	struct addrinfo hints;
	char name[256];
};

static int gai_to_errno(int e)
{
	switch (e) {
	case EAI_NONAME:
	case EAI_NODATA:
	case EAI_ADDRFAMILY:
		return -ENOENT;
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

static int sys_resolve(void *ctx, const char *host, unsigned timeout_ms,
		       char *out, size_t len)
{
	struct gai_req *q;
	struct gaicb *list[1];
	int64_t end = mono_ms() + timeout_ms;
	int r;

	(void)ctx;
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	snprintf(q->name, sizeof(q->name), "%s", host);
	q->hints.ai_family = AF_INET;
	q->hints.ai_socktype = SOCK_STREAM;
	q->cb.ar_name = q->name;
	q->cb.ar_request = &q->hints;
	list[0] = &q->cb;
	r = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL);
	if (r != 0) {
		free(q);
		return gai_to_errno(r);
	}
	while ((r = gai_error(&q->cb)) == EAI_INPROGRESS) {
		int64_t left = end - mono_ms();
		struct timespec ts;

		if (left <= 0) {
			if (gai_cancel(&q->cb) == EAI_CANCELED)
				free(q);
			/* else: still running; the evaluation ends now */
			return -ETIMEDOUT;
		}
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		/* 0, EAI_AGAIN (timeout), EAI_INTR: gai_error() says which */
		gai_suspend((const struct gaicb *const *)list, 1, &ts);
	}
	if (r == 0) {
		struct addrinfo *res = q->cb.ar_result;

		r = res && inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr,
				     out, (socklen_t)len) ? 0 : -ENOENT;
		freeaddrinfo(res);
	} else {
		r = gai_to_errno(r);
	}
	free(q);
	return r;
}

/*
 * The source address the kernel would use on the default route: connect a
 * UDP socket (no packet is sent) to a TEST-NET address; else the first
 * non-loopback IPv4 address that is up; else 127.0.0.1, as browsers do.
 * No DNS lookup.
 */
static int sys_my_ip(void *ctx, char *out, size_t len)
{
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	struct sockaddr_in me = { 0 };
	socklen_t slen = sizeof(me);
	struct ifaddrs *ifa = NULL;
	int s;

	(void)ctx;
	inet_pton(AF_INET, "192.0.2.1", &dst.sin_addr);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		if (connect(s, (struct sockaddr *)&dst, sizeof(dst)) == 0 &&
		    getsockname(s, (struct sockaddr *)&me, &slen) == 0 &&
		    me.sin_addr.s_addr != htonl(INADDR_ANY)) {
			close(s);
			return inet_ntop(AF_INET, &me.sin_addr, out, (socklen_t)len) ? 0 : -ENOSPC;
		}
		close(s);
	}
	if (getifaddrs(&ifa) == 0) {
		for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET ||
			    (i->ifa_flags & IFF_LOOPBACK) || !(i->ifa_flags & IFF_UP))
				continue;
			if (inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
				      out, (socklen_t)len)) {
				freeifaddrs(ifa);
				return 0;
			}
		}
		freeifaddrs(ifa);
	}
	snprintf(out, len, "127.0.0.1");
	return 0;
}

const struct pac_dns pac_dns_system = { sys_resolve, sys_my_ip, NULL };

static int lookup_ascii(const struct pac_dns *d, struct pac_dns_cache *c,
			const char *host, unsigned timeout_ms, char *ip, size_t len)
{
	char got[INET_ADDRSTRLEN] = "";
	int r;

	if (!dns_name_ok(host) || !d->resolve)
		return -ENOENT;
	for (unsigned i = 0; i < c->n; i++) {
		if (strcmp(c->e[i].host, host))
			continue;
		if (c->e[i].r == 0)
			snprintf(ip, len, "%s", c->e[i].ip);
		return c->e[i].r;
	}
	r = d->resolve(d->ctx, host, timeout_ms, got, sizeof(got));
	if (r != 0 && r != -ENOENT)
		return r;		/* no answer: not cached, the evaluation ends */
	if (c->n < PAC_DNS_CACHE_MAX) {
		snprintf(c->e[c->n].host, sizeof(c->e[c->n].host), "%s", host);
		c->e[c->n].r = r;
		snprintf(c->e[c->n].ip, sizeof(c->e[c->n].ip), "%s", got);
		c->n++;
	}
	if (r == 0)
		snprintf(ip, len, "%s", got);
	return r;
}

int pac_dns_lookup(const struct pac_dns *d, struct pac_dns_cache *c,
		   const char *host, unsigned timeout_ms, char *ip, size_t len)
{
	char *idn = NULL;
	int r;

	/* a name beyond ASCII is looked up as its punycode (IDNA 2008 with
	 * UTS #46 mapping, as Chromium does); one that has none, not at all */
	for (const char *p = host; *p; p++) {
		if ((unsigned char)*p < 0x80)
			continue;
		if (idn2_to_ascii_8z(host, &idn, IDN2_NONTRANSITIONAL) != IDN2_OK)
			return -ENOENT;
		break;
	}
	r = lookup_ascii(d, c, idn ? idn : host, timeout_ms, ip, len);
	idn2_free(idn);
	return r;
}

const char *pac_dns_strerror(int r)
{
	switch (r) {
	case -ETIMEDOUT:
		return "timed out";
	case -EAGAIN:
		return "got no answer (temporary failure in name resolution)";
	case -EIO:
		return "failed (the name server gave a non-recoverable error)";
	default:
		return strerror(-r);
	}
}
