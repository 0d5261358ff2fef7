/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * proxy: proxy candidates and the text forms they come in.
 *
 * A candidate is one way to reach the server: DIRECT, or through an HTTP,
 * HTTPS or SOCKS proxy.  This module parses the forms candidates come in
 * (a PAC result "PROXY a:3128; SOCKS b:1080; DIRECT", an environment value
 * "http://user:pw@proxy:3128", a manual "host"/port pair), formats them for
 * logs (never with credentials) and for libcurl's CURLOPT_PROXY, and reads
 * the proxy environment variables.  No I/O beyond getenv().
 */
#ifndef ESOL_NET_PROXY_H
#define ESOL_NET_PROXY_H

#include <stdbool.h>
#include <stddef.h>

#define NET_HOST_MAX 256	/* a DNS name is at most 253 characters */
#define NET_CRED_MAX 128
#define NET_MAX_CANDS 8		/* candidates kept from one PAC answer */
#define NET_PROXY_STR_MAX 300	/* "PROXY host:port" */

enum net_proxy_type {
	NET_PROXY_DIRECT,
	NET_PROXY_HTTP,		/* PAC "PROXY"/"HTTP", env http:// */
	NET_PROXY_HTTPS,	/* PAC "HTTPS", env https:// (TLS to the proxy) */
	NET_PROXY_SOCKS4,	/* PAC "SOCKS"/"SOCKS4", via socks4a (remote DNS) */
	NET_PROXY_SOCKS5,	/* PAC "SOCKS5", via socks5h (remote DNS) */
};

struct net_proxy_cand {
	enum net_proxy_type type;
	char host[NET_HOST_MAX];	/* without IPv6 brackets */
	unsigned port;
	char user[NET_CRED_MAX];	/* empty: no credentials */
	char password[NET_CRED_MAX];
};

struct net_proxy_list {
	unsigned n;
	struct net_proxy_cand c[NET_MAX_CANDS];
};

/* Where a request's candidate list came from (for logs and status). */
enum net_proxy_source {
	NET_PSRC_NONE,		/* proxy mode none: DIRECT */
	NET_PSRC_MANUAL,	/* proxy mode manual */
	NET_PSRC_ENV,		/* auto: https_proxy/all_proxy (or no_proxy) */
	NET_PSRC_PAC,		/* auto: a PAC script (configured, WPAD or inline) */
	NET_PSRC_DEFAULT,	/* auto: nothing found (or PAC failed): DIRECT */
};
const char *net_proxy_source_name(enum net_proxy_source s);

/* The proxy environment as read at start-up; NULL members: unset. */
struct net_proxy_env {
	const char *https_proxy;	/* https_proxy, else HTTPS_PROXY */
	const char *all_proxy;		/* all_proxy, else ALL_PROXY */
	const char *no_proxy;		/* no_proxy, else NO_PROXY */
};
/* Fill e from getenv(); the strings belong to the environment. */
void net_proxy_env_load(struct net_proxy_env *e);

/*
 * Parse a PAC result ("PROXY a:1; SOCKS b:2; DIRECT") into out.  Unknown
 * or malformed entries are skipped and described in err (if any); entries
 * past NET_MAX_CANDS are dropped.  An empty string means DIRECT.  Returns
 * the number of candidates (0: nothing usable), never negative.
 */
int net_proxy_parse_pac(const char *s, struct net_proxy_list *out,
			char *err, size_t errlen);

/*
 * Parse a proxy given as a URL or host:port ("http://u:p@h:3128",
 * "socks5h://[::1]:1080", "proxy.corp:8080", "proxy.corp").  A missing
 * scheme means http; a missing port means 1080, or 443 for https (as
 * libcurl does).  Credentials are URL-decoded.  Returns 0 or -EINVAL with
 * a reason in err.
 */
int net_proxy_parse_url(const char *s, struct net_proxy_cand *c,
			char *err, size_t errlen);

/* "DIRECT", "PROXY host:port", "HTTPS host:port", "SOCKS host:port"... */
void net_proxy_cand_format(const struct net_proxy_cand *c, char *buf,
			   size_t len);
/* "a; b; c" of a whole list. */
void net_proxy_list_format(const struct net_proxy_list *l, char *buf,
			   size_t len);
/*
 * The CURLOPT_PROXY value: "" for DIRECT, "http://host:port",
 * "socks5h://[v6]:port"...; no credentials.  Returns 0 or -ENAMETOOLONG.
 */
int net_proxy_cand_curl(const struct net_proxy_cand *c, char *buf, size_t len);

/* A valid host name or IP literal for a proxy (no spaces, no '/'...). */
bool net_proxy_host_ok(const char *host);

#endif /* ESOL_NET_PROXY_H */
