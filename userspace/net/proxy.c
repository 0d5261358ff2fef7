// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * proxy: proxy candidates and their text forms (see proxy.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include "net/proxy.h"

const char *net_proxy_source_name(enum net_proxy_source s)
{
	switch (s) {
	case NET_PSRC_NONE:	return "none";
	case NET_PSRC_MANUAL:	return "manual";
	case NET_PSRC_ENV:	return "environment";
	case NET_PSRC_PAC:	return "pac";
	case NET_PSRC_DEFAULT:	return "default";
	}
	return "?";
}

static const char *env2(const char *lower, const char *upper)
{
	const char *v = getenv(lower);

	if (!v || !*v)
		v = getenv(upper);
	return v && *v ? v : NULL;
}

void net_proxy_env_load(struct net_proxy_env *e)
{
	e->https_proxy = env2("https_proxy", "HTTPS_PROXY");
	e->all_proxy = env2("all_proxy", "ALL_PROXY");
	e->no_proxy = env2("no_proxy", "NO_PROXY");
}

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* An IPv6 literal, with an optional non-empty zone id ("fe80::1%eth0"). */
static bool ipv6_ok(const char *host)
{
	char addr[INET6_ADDRSTRLEN];
	struct in6_addr a;
	const char *zone = strchr(host, '%');
	size_t n = zone ? (size_t)(zone - host) : strlen(host);

	if (n >= sizeof(addr))
		return false;
	memcpy(addr, host, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET6, addr, &a) != 1)
		return false;
	if (!zone)
		return true;
	/* an interface name (libcurl takes at most IFNAMSIZ - 1 = 15) */
	if (!zone[1] || strlen(zone + 1) > 15)
		return false;
	for (const char *p = zone + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return false;
	return true;
}

bool net_proxy_host_ok(const char *host)
{
	size_t n = strlen(host);

	if (n == 0 || n >= NET_HOST_MAX)
		return false;
	/* an IPv6 literal (what libcurl takes in brackets), or a name or
	 * IPv4 literal */
	if (strchr(host, ':'))
		return ipv6_ok(host);
	for (const char *p = host; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (!isalnum(ch) && !strchr(".-_", ch))
			return false;
	}
	return true;
}

static unsigned default_port(enum net_proxy_type t)
{
	return t == NET_PROXY_HTTPS ? 443 : 1080;
}

/*
 * "host", "host:port", "[v6]", "[v6]:port" (len bytes of s) into c.
 * Returns 0 or -EINVAL.
 */
static int parse_hostport(const char *s, size_t len, unsigned dport,
			  struct net_proxy_cand *c)
{
	const char *hend, *colon = NULL;
	const char *h = s;
	size_t hlen;

	if (len == 0)
		return -EINVAL;
	if (s[0] == '[') {
		hend = memchr(s, ']', len);
		if (!hend)
			return -EINVAL;
		h = s + 1;
		hlen = (size_t)(hend - h);
		if (hend + 1 < s + len) {
			if (hend[1] != ':')
				return -EINVAL;
			colon = hend + 1;
		}
	} else {
		colon = memchr(s, ':', len);
		hlen = colon ? (size_t)(colon - s) : len;
		if (colon && memchr(colon + 1, ':', len - (size_t)(colon + 1 - s)))
			return -EINVAL;	/* bare IPv6 needs brackets */
	}
	if (hlen == 0 || hlen >= sizeof(c->host))
		return -EINVAL;
	memcpy(c->host, h, hlen);
	c->host[hlen] = '\0';
	if (!net_proxy_host_ok(c->host))
		return -EINVAL;
	if (colon) {
		unsigned long p = 0;
		const char *q = colon + 1, *end = s + len;

		if (q == end || end - q > 5)
			return -EINVAL;
		for (; q < end; q++) {
			if (!isdigit((unsigned char)*q))
				return -EINVAL;
			p = p * 10 + (unsigned long)(*q - '0');
		}
		if (p == 0 || p > 65535)
			return -EINVAL;
		c->port = (unsigned)p;
	} else {
		c->port = dport;
	}
	return 0;
}

static const struct {
	const char *kw;
	enum net_proxy_type type;
} pac_kw[] = {
	{ "DIRECT", NET_PROXY_DIRECT },
	{ "PROXY", NET_PROXY_HTTP },
	{ "HTTP", NET_PROXY_HTTP },
	{ "HTTPS", NET_PROXY_HTTPS },
	{ "SOCKS", NET_PROXY_SOCKS4 },
	{ "SOCKS4", NET_PROXY_SOCKS4 },
	{ "SOCKS5", NET_PROXY_SOCKS5 },
};

static void adderr(char *err, size_t errlen, const char *what, const char *s,
		   size_t n)
{
	size_t used;

	if (!err || !errlen)
		return;
	used = strnlen(err, errlen);
	if (used + 1 >= errlen)
		return;
	snprintf(err + used, errlen - used, "%s%s '%.*s'", used ? "; " : "",
		 what, (int)(n > 60 ? 60 : n), s);
}

int net_proxy_parse_pac(const char *s, struct net_proxy_list *out,
			char *err, size_t errlen)
{
	const char *p = s;
	bool any = false;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	while (*p) {
		const char *e = strchr(p, ';');
		const char *end = e ? e : p + strlen(p);
		const char *kw, *arg;
		size_t kwlen;
		struct net_proxy_cand c;
		bool found = false;

		while (p < end && isspace((unsigned char)*p))
			p++;
		while (end > p && isspace((unsigned char)end[-1]))
			end--;
		if (p == end)
			goto next;
		any = true;
		kw = p;
		while (p < end && !isspace((unsigned char)*p))
			p++;
		kwlen = (size_t)(p - kw);
		while (p < end && isspace((unsigned char)*p))
			p++;
		arg = p;
		memset(&c, 0, sizeof(c));
		for (size_t i = 0; i < sizeof(pac_kw) / sizeof(pac_kw[0]); i++) {
			if (strlen(pac_kw[i].kw) == kwlen &&
			    !strncasecmp(pac_kw[i].kw, kw, kwlen)) {
				c.type = pac_kw[i].type;
				found = true;
				break;
			}
		}
		if (!found) {
			adderr(err, errlen, "unknown entry", kw, (size_t)(end - kw));
			goto next;
		}
		if (c.type == NET_PROXY_DIRECT) {
			if (arg != end) {
				adderr(err, errlen, "bad entry", kw, (size_t)(end - kw));
				goto next;
			}
		} else if (parse_hostport(arg, (size_t)(end - arg),
					  c.type == NET_PROXY_HTTP ? 80 :
					  default_port(c.type), &c) < 0) {
			adderr(err, errlen, "bad entry", kw, (size_t)(end - kw));
			goto next;
		}
		if (out->n < NET_MAX_CANDS)
			out->c[out->n++] = c;
next:
		if (!e)
			break;
		p = e + 1;
	}
	if (!any) {
		/* an empty answer: DIRECT, as browsers do */
		out->c[0].type = NET_PROXY_DIRECT;
		out->n = 1;
	}
	return (int)out->n;
}

static int copy_part(CURLU *u, CURLUPart part, char *dst, size_t len,
		     unsigned flags)
{
	char *v = NULL;
	CURLUcode rc = curl_url_get(u, part, &v, flags);

	dst[0] = '\0';
	if (rc != CURLUE_OK)
		return 0;	/* absent */
	if (strlen(v) >= len) {
		curl_free(v);
		return -ENAMETOOLONG;
	}
	strcpy(dst, v);
	curl_free(v);
	return 0;
}

int net_proxy_parse_url(const char *s, struct net_proxy_cand *c,
			char *err, size_t errlen)
{
	static const struct {
		const char *scheme;
		enum net_proxy_type type;
	} schemes[] = {
		{ "http", NET_PROXY_HTTP }, { "https", NET_PROXY_HTTPS },
		{ "socks4", NET_PROXY_SOCKS4 }, { "socks4a", NET_PROXY_SOCKS4 },
		{ "socks", NET_PROXY_SOCKS4 },
		{ "socks5", NET_PROXY_SOCKS5 }, { "socks5h", NET_PROXY_SOCKS5 },
	};
	char buf[1024], scheme[16], port[8], path[8], zone[64];
	CURLU *u;
	bool found = false;
	int r = -EINVAL;

	memset(c, 0, sizeof(*c));
	if (!s || !*s || strlen(s) > 900) {
		seterr(err, errlen, "proxy '%s': empty or too long", s ? s : "");
		return -EINVAL;
	}
	for (const char *p = s; *p; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
			seterr(err, errlen, "proxy '%s': contains white space", s);
			return -EINVAL;
		}
	}
	snprintf(buf, sizeof(buf), "%s%s", strstr(s, "://") ? "" : "http://", s);
	u = curl_url();
	if (!u)
		return -ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, buf, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
		seterr(err, errlen, "proxy '%s': not a valid URL or host:port", s);
		goto out;
	}
	if (copy_part(u, CURLUPART_SCHEME, scheme, sizeof(scheme), 0) < 0 ||
	    copy_part(u, CURLUPART_HOST, c->host, sizeof(c->host), 0) < 0 ||
	    copy_part(u, CURLUPART_PORT, port, sizeof(port), 0) < 0 ||
	    copy_part(u, CURLUPART_PATH, path, sizeof(path), 0) < 0 ||
	    copy_part(u, CURLUPART_USER, c->user, sizeof(c->user), CURLU_URLDECODE) < 0 ||
	    copy_part(u, CURLUPART_PASSWORD, c->password, sizeof(c->password),
		      CURLU_URLDECODE) < 0) {
		seterr(err, errlen, "proxy '%s': a part is too long", s);
		goto out;
	}
	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		if (!strcasecmp(scheme, schemes[i].scheme)) {
			c->type = schemes[i].type;
			found = true;
		}
	}
	if (!found) {
		seterr(err, errlen, "proxy '%s': unsupported scheme", s);
		goto out;
	}
	if (path[0] && strcmp(path, "/")) {
		seterr(err, errlen, "proxy '%s': a proxy URL has no path", s);
		goto out;
	}
	/* curl keeps IPv6 literals in brackets */
	if (c->host[0] == '[') {
		size_t n = strlen(c->host);

		if (n < 3 || c->host[n - 1] != ']') {
			seterr(err, errlen, "proxy '%s': bad IPv6 literal", s);
			goto out;
		}
		memmove(c->host, c->host + 1, n - 2);
		c->host[n - 2] = '\0';
		/* libcurl gives the zone id apart; the host keeps it */
		if (copy_part(u, CURLUPART_ZONEID, zone, sizeof(zone), 0) < 0 ||
		    (zone[0] && strlen(c->host) + 1 + strlen(zone) >= sizeof(c->host))) {
			seterr(err, errlen, "proxy '%s': a part is too long", s);
			goto out;
		}
		if (zone[0])
			snprintf(c->host + strlen(c->host), sizeof(c->host) - strlen(c->host),
				 "%%%s", zone);
	}
	if (!net_proxy_host_ok(c->host)) {
		seterr(err, errlen, "proxy '%s': bad host name", s);
		goto out;
	}
	if (port[0]) {
		char *end;
		unsigned long p = strtoul(port, &end, 10);

		if (*end || p == 0 || p > 65535) {
			seterr(err, errlen, "proxy '%s': bad port", s);
			goto out;
		}
		c->port = (unsigned)p;
	} else {
		c->port = default_port(c->type);
	}
	r = 0;
out:
	curl_url_cleanup(u);
	if (r < 0)
		memset(c, 0, sizeof(*c));
	return r;
}

static const char *pac_word(enum net_proxy_type t)
{
	switch (t) {
	case NET_PROXY_DIRECT:	return "DIRECT";
	case NET_PROXY_HTTP:	return "PROXY";
	case NET_PROXY_HTTPS:	return "HTTPS";
	case NET_PROXY_SOCKS4:	return "SOCKS4";
	case NET_PROXY_SOCKS5:	return "SOCKS5";
	}
	return "?";
}

static void fmt_hostport(const struct net_proxy_cand *c, char *buf, size_t len)
{
	bool v6 = strchr(c->host, ':') != NULL;

	snprintf(buf, len, "%s%s%s:%u", v6 ? "[" : "", c->host, v6 ? "]" : "",
		 c->port);
}

void net_proxy_cand_format(const struct net_proxy_cand *c, char *buf,
			   size_t len)
{
	char hp[NET_HOST_MAX + 16];

	if (c->type == NET_PROXY_DIRECT) {
		snprintf(buf, len, "DIRECT");
		return;
	}
	fmt_hostport(c, hp, sizeof(hp));
	snprintf(buf, len, "%s %s", pac_word(c->type), hp);
}

void net_proxy_list_format(const struct net_proxy_list *l, char *buf,
			   size_t len)
{
	size_t used = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < l->n && used + 1 < len; i++) {
		char one[NET_PROXY_STR_MAX];

		net_proxy_cand_format(&l->c[i], one, sizeof(one));
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? "; " : "", one);
	}
}

int net_proxy_cand_curl(const struct net_proxy_cand *c, char *buf, size_t len)
{
	static const char *const scheme[] = {
		[NET_PROXY_HTTP] = "http", [NET_PROXY_HTTPS] = "https",
		[NET_PROXY_SOCKS4] = "socks4a", [NET_PROXY_SOCKS5] = "socks5h",
	};
	char hp[NET_HOST_MAX + 16];
	const char *zone;
	int n;

	if (c->type == NET_PROXY_DIRECT) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	zone = strchr(c->host, '%');
	if (zone)	/* RFC 6874: the zone id's '%' encoded, as libcurl reads it */
		snprintf(hp, sizeof(hp), "[%.*s%%25%s]:%u", (int)(zone - c->host), c->host,
			 zone + 1, c->port);
	else
		fmt_hostport(c, hp, sizeof(hp));
	n = snprintf(buf, len, "%s://%s", scheme[c->type], hp);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
