// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * noproxy: no_proxy matching (see noproxy.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/noproxy.h"

struct ipaddr {
	int family;		/* AF_INET, AF_INET6, 0: not an IP literal */
	uint8_t a[16];
};

/* Parse an IP literal (IPv6 possibly in brackets) of n bytes. */
static void parse_ip(const char *s, size_t n, struct ipaddr *ip)
{
	char buf[64];

	ip->family = 0;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(buf))
		return;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, ip->a) == 1)
		ip->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, ip->a) == 1)
		ip->family = AF_INET6;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((a[bytes] & mask) != (b[bytes] & mask))
			return false;
	}
	return true;
}

/* Match one entry (e of n bytes, trimmed, non-empty). */
static bool match_entry(const char *e, size_t n, const char *host, size_t hlen,
			const struct ipaddr *hip, unsigned port)
{
	const char *slash = memchr(e, '/', n);
	const char *colon;
	struct ipaddr eip;
	unsigned eport = 0;

	if (n == 1 && e[0] == '*')
		return true;
	if (slash) {
		char *end;
		char bits[8];
		size_t blen = n - (size_t)(slash + 1 - e);
		unsigned long b;

		parse_ip(e, (size_t)(slash - e), &eip);
		if (!eip.family || !hip->family || eip.family != hip->family ||
		    blen == 0 || blen >= sizeof(bits))
			return false;
		memcpy(bits, slash + 1, blen);
		bits[blen] = '\0';
		b = strtoul(bits, &end, 10);
		if (*end || !isdigit((unsigned char)bits[0]) ||
		    b > (eip.family == AF_INET ? 32u : 128u))
			return false;
		return prefix_eq(eip.a, hip->a, (unsigned)b);
	}
	/* an optional :port: after "]" for [v6], or the only colon */
	if (e[0] == '[') {
		const char *rb = memchr(e, ']', n);

		colon = rb && rb + 1 < e + n && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(e, ':', n);
		if (colon && memchr(colon + 1, ':', n - (size_t)(colon + 1 - e)))
			colon = NULL;	/* a bare IPv6 literal */
	}
	if (colon) {
		char *end;
		char pb[8];
		size_t plen = n - (size_t)(colon + 1 - e);

		if (plen == 0 || plen >= sizeof(pb))
			return false;
		memcpy(pb, colon + 1, plen);
		pb[plen] = '\0';
		eport = (unsigned)strtoul(pb, &end, 10);
		if (*end || eport == 0 || eport > 65535)
			return false;
		n = (size_t)(colon - e);
		if (port && port != eport)
			return false;
		if (!port)
			return false;	/* a port-specific entry needs a port */
	}
	parse_ip(e, n, &eip);
	if (eip.family || hip->family) {
		return eip.family == hip->family &&
		       !memcmp(eip.a, hip->a, eip.family == AF_INET ? 4 : 16);
	}
	/* a domain: strip "*." or ".", and a trailing dot */
	if (n >= 2 && e[0] == '*' && e[1] == '.') {
		e += 2;
		n -= 2;
	} else if (n >= 1 && e[0] == '.') {
		e++;
		n--;
	}
	if (n && e[n - 1] == '.')
		n--;
	if (n == 0 || n > hlen)
		return false;
	if (strncasecmp(host + hlen - n, e, n))
		return false;
	return hlen == n || host[hlen - n - 1] == '.';
}

bool net_noproxy_match(const char *no_proxy, const char *host, unsigned port)
{
	struct ipaddr hip;
	size_t hlen;
	const char *p;

	if (!no_proxy || !host)
		return false;
	hlen = strlen(host);
	parse_ip(host, hlen, &hip);
	if (!hip.family && hlen && host[hlen - 1] == '.')
		hlen--;
	if (hlen == 0)
		return false;
	p = no_proxy;
	while (*p) {
		size_t n;

		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		n = strcspn(p, ", \t\r\n");
		if (n && match_entry(p, n, host, hlen, &hip, port))
			return true;
		p += n;
	}
	return false;
}
