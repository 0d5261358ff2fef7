// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: what decides the route to the server from outside
 * input.  The first byte picks (% 4) what the rest is:
 *   0  a PAC script's answer ("PROXY a:1; SOCKS b:2; DIRECT"), as a
 *      script fetched from the network returns it: net_proxy_parse_pac;
 *   1  a proxy URL from the environment or the config:
 *      net_proxy_parse_url;
 *   2  "no_proxy\0host\0" and two bytes of port: net_noproxy_match;
 *   3  "resolv.conf\0hostname": net_wpad_domain, then net_wpad_urls.
 * Properties: no crash, leak or undefined behaviour; what parses holds a
 * valid host (net_proxy_host_ok) and port, at most NET_MAX_CANDS
 * candidates, formats (net_proxy_list_format) to an answer that parses
 * to the same list, and gives a libcurl proxy string that parses back to
 * the same type, host (as libcurl normalises it) and port; "*" bypasses every (non-empty) host; WPAD URLs are
 * "http://wpad.<domain>/wpad.dat" for the domain or a parent of it.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "net/noproxy.h"
#include "net/proxy.h"
#include "net/wpad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *cstr(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, d, n);
	s[n] = '\0';
	return s;
}

/* The same host, as libcurl's URL parser normalises addresses ("::0" is
 * "::", "10.1" is "10.0.0.1") and names' case aside. */
static bool same_host(const char *a, const char *b)
{
	struct in6_addr x6, y6;
	struct in_addr x4, y4;

	const char *za = strchr(a, '%'), *zb = strchr(b, '%');
	char xa[64], xb[64];

	if (!strcasecmp(a, b))
		return true;
	if (strchr(a, ':') && strchr(b, ':')) {	/* IPv6, perhaps with zone ids */
		snprintf(xa, sizeof(xa), "%.*s", za ? (int)(za - a) : (int)strlen(a), a);
		snprintf(xb, sizeof(xb), "%.*s", zb ? (int)(zb - b) : (int)strlen(b), b);
		return inet_pton(AF_INET6, xa, &x6) == 1 && inet_pton(AF_INET6, xb, &y6) == 1 &&
		       !memcmp(&x6, &y6, sizeof(x6)) && !za == !zb && (!za || !strcmp(za, zb));
	}
	if (inet_aton(a, &x4) && inet_aton(b, &y4))
		return x4.s_addr == y4.s_addr;
	return false;
}

static void cand_ok(const struct net_proxy_cand *c)
{
	char curl[NET_PROXY_STR_MAX + 64], err[256] = "";
	struct net_proxy_cand back;

	if (c->type == NET_PROXY_DIRECT)
		return;
	if (c->type > NET_PROXY_SOCKS5 || !net_proxy_host_ok(c->host) || c->port < 1 ||
	    c->port > 65535 || !memchr(c->user, '\0', sizeof(c->user)) ||
	    !memchr(c->password, '\0', sizeof(c->password)))
		abort();
	if (net_proxy_cand_curl(c, curl, sizeof(curl)) != 0)
		abort();
	if (net_proxy_parse_url(curl, &back, err, sizeof(err)) != 0 || back.type != c->type ||
	    back.port != c->port || !same_host(back.host, c->host)) {
		fprintf(stderr, "'%s' -> %s (%s)\n", curl, err, back.host);
		abort();
	}
}

static void pac_answer(const char *s)
{
	struct net_proxy_list l, again;
	char err[256], text[NET_MAX_CANDS * (NET_PROXY_STR_MAX + 2) + 1];
	int n = net_proxy_parse_pac(s, &l, err, sizeof(err));

	if (n < 0 || (unsigned)n != l.n || l.n > NET_MAX_CANDS)
		abort();
	for (unsigned i = 0; i < l.n; i++)
		cand_ok(&l.c[i]);
	if (l.n == 0)
		return;
	net_proxy_list_format(&l, text, sizeof(text));
	if (net_proxy_parse_pac(text, &again, err, sizeof(err)) != n)
		abort();
	for (unsigned i = 0; i < l.n; i++)
		if (again.c[i].type != l.c[i].type || again.c[i].port != l.c[i].port ||
		    !same_host(again.c[i].host, l.c[i].host))
			abort();
}

static void proxy_url(const char *s)
{
	struct net_proxy_cand c;
	char err[256];

	memset(&c, 0, sizeof(c));
	if (net_proxy_parse_url(s, &c, err, sizeof(err)) == 0)
		cand_ok(&c);
	else if (!memchr(err, '\0', sizeof(err)))
		abort();
}

static void no_proxy(const uint8_t *d, size_t n)
{
	const uint8_t *z1 = memchr(d, '\0', n), *z2;
	unsigned port = 0;
	char *list, *host;

	if (!z1)
		return;
	z2 = memchr(z1 + 1, '\0', n - (size_t)(z1 + 1 - d));
	if (!z2)
		return;
	if (d + n - (z2 + 1) >= 2)
		port = z2[1] | (unsigned)z2[2] << 8;
	list = cstr(d, (size_t)(z1 - d));
	host = cstr(z1 + 1, (size_t)(z2 - z1 - 1));
	(void)net_noproxy_match(list, host, port);
	if (host[0] && strcmp(host, ".") && !net_noproxy_match("*", host, port))
		abort();	/* (an empty name is no host: never bypassed) */
	free(list);
	free(host);
}

static void wpad(const uint8_t *d, size_t n)
{
	static int fd = -1;
	static char path[64];
	const uint8_t *z = memchr(d, '\0', n);
	char domain[256], urls[NET_WPAD_MAX][NET_URL_MAX], *host;
	size_t cn = z ? (size_t)(z - d) : n;
	int k;

	if (fd < 0) {
		fd = memfd_create("resolv.conf", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, d, cn, 0) != (ssize_t)cn)
		abort();
	host = z ? cstr(z + 1, n - cn - 1) : cstr((const uint8_t *)"printer", 7);
	if (net_wpad_domain(path, host, domain, sizeof(domain)) == 0) {
		if (!memchr(domain, '\0', sizeof(domain)))
			abort();
		k = net_wpad_urls(domain, urls, NET_WPAD_MAX);
		if (k < 0 || k > NET_WPAD_MAX)
			abort();
		for (int i = 0; i < k; i++) {
			const char *dom = urls[i] + strlen("http://wpad.");
			size_t dl = strlen(dom) - strlen("/wpad.dat");
			size_t fl = strlen(domain);

			if (strncmp(urls[i], "http://wpad.", 12) || strlen(urls[i]) < 21 ||
			    strcmp(dom + dl, "/wpad.dat"))
				abort();
			/* the domain itself or a parent of it (case aside) */
			if (dl > fl || strncasecmp(domain + fl - dl, dom, dl) ||
			    (dl < fl && domain[fl - dl - 1] != '.'))
				abort();
		}
	}
	free(host);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || size > 8192)
		return 0;
	switch (data[0] % 4) {
	case 0:
		s = cstr(data + 1, size - 1);
		pac_answer(s);
		free(s);
		break;
	case 1:
		s = cstr(data + 1, size - 1);
		proxy_url(s);
		free(s);
		break;
	case 2:
		no_proxy(data + 1, size - 1);
		break;
	default:
		wpad(data + 1, size - 1);
	}
	return 0;
}
