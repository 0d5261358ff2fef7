// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * transport: the HTTPS channel on libcurl's multi-socket interface, with
 * the proxy decision (manual / environment / PAC / WPAD) in front of each
 * request (see transport.h).
 *
 * A request goes through these states:
 *   IDLE -> [PAC_FETCH -> PAC_EVAL ->] SEND -> IDLE (callback)
 * PAC_FETCH and PAC_EVAL only when the candidate list is not cached.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "common/escape.h"
#include "common/log.h"
#include "net/noproxy.h"
#include "net/tlsconf.h"
#include "net/transport.h"
#include "net/wpad.h"

#define DEF_CONNECT_MS 15000L
#define DEF_TOTAL_MS 60000L
#define DEF_LOW_SPEED 16L
#define DEF_LOW_SPEED_S 30L
#define DEF_MAX_RESPONSE (64u << 10)
#define MAX_RESPONSE_LIMIT (16u << 20)
#define DEF_PAC_TTL_S 3600L
#define DEF_PAC_FETCH_MS 10000L
#define DEF_PAC_MAX (256u << 10)
#define PATH_MAX_LEN 512
/* connection sockets tracked for parking (MAXCONNECTS 2, and room for more) */
#define NET_SOCKS_MAX 8

enum tstate { ST_IDLE, ST_PAC_FETCH, ST_PAC_EVAL, ST_SEND };

struct buf {
	char *p;
	size_t len, cap, max;
	bool too_large;
};

struct decision {
	struct net_proxy_list list;
	enum net_proxy_source src;
	char note[NET_MSG_MAX];
};

struct net_transport {
	struct net_loop_ops ops;

	/* configuration (copied) */
	char *base_url;			/* server_url without a trailing '/' */
	char host[NET_HOST_MAX];	/* without brackets */
	unsigned port;
	char target[NET_HOST_MAX + 16];	/* host:port, for messages */
	char pac_url_arg[NET_URL_MAX];	/* the url FindProxyForURL sees */
	size_t max_response;
	struct curl_slist *connect_to;

	enum net_proxy_mode mode;
	struct net_proxy_cand manual;
	bool have_env_proxy;
	struct net_proxy_cand env_proxy;
	char *no_proxy;
	char *pac_url;
	char *pac_script;
	bool no_wpad;
	char *resolv_conf;
	char *hostname;
	long pac_ttl_s;
	long pac_fetch_ms;
	long connect_ms;
	size_t pac_max;
	struct pac_opts pac;

	/* libcurl, and the TLS material parsed once */
	struct net_tlsconf *tls;
	CURLM *multi;
	CURLSH *share;
	CURL *easy;
	char errbuf[CURL_ERROR_SIZE];
	/*
	 * The server connections' sockets, opened and closed through us
	 * (sock_open/sock_close).  When libcurl stops watching one (the
	 * transfer is over, the connection kept alive) it is parked: left in
	 * the loop's watch for input, so that reusing it costs the loop
	 * nothing; input on a parked socket (the server closing it) unparks
	 * it, and so does closing it.  fd -1: a free entry.
	 */
	struct tsock {
		int fd;
		bool parked;
		void *slot;	/* the loop's, while parked */
	} socks[NET_SOCKS_MAX];

	/* the cached proxy decision (auto mode) */
	bool cache_valid;
	int64_t cache_expires_ms;
	struct decision cache;

	/* the request in flight */
	enum tstate state;
	net_done_fn done;
	void *arg;
	char *url;
	char *body;
	size_t body_len;
	struct curl_slist *headers;
	struct decision dec;
	unsigned cur;
	bool easy_added;
	struct net_result res;
	struct buf resp;
	struct net_result done_res;	/* what the callback sees */
	struct buf done_body;
	long retry_after_s;
	char location[256];

	/* PAC fetch */
	CURL *pac_easy;
	bool pac_easy_added;
	char pac_errbuf[CURL_ERROR_SIZE];
	struct buf pac_buf;
	char pac_urls[NET_WPAD_MAX][NET_URL_MAX];
	int n_pac_urls, cur_pac_url;
	const char *pac_from;		/* the URL (or "inline") being evaluated */

	/* PAC evaluation */
	struct pac_job *job;
	void *job_slot;
};

/* ---- small helpers ---------------------------------------------------- */

const char *net_proxy_mode_name(enum net_proxy_mode m)
{
	switch (m) {
	case NET_PROXY_MODE_NONE:	return "none";
	case NET_PROXY_MODE_MANUAL:	return "manual";
	case NET_PROXY_MODE_AUTO:	return "auto";
	}
	return "?";
}

int net_proxy_mode_from_name(const char *s)
{
	if (!s)
		return -1;
	if (!strcmp(s, "none"))
		return NET_PROXY_MODE_NONE;
	if (!strcmp(s, "manual"))
		return NET_PROXY_MODE_MANUAL;
	if (!strcmp(s, "auto"))
		return NET_PROXY_MODE_AUTO;
	return -1;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void buf_reset(struct buf *b, size_t max)
{
	b->len = 0;
	b->max = max;
	b->too_large = false;
	if (b->p)
		b->p[0] = '\0';
}

static size_t buf_append(struct buf *b, const char *data, size_t n)
{
	if (n > b->max - b->len) {
		b->too_large = true;
		return 0;	/* libcurl aborts the transfer */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *p;

		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		p = realloc(b->p, cap);
		if (!p)
			return 0;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return n;
}

static void seterr(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* ---- configuration ------------------------------------------------------ */

struct urlparts {
	char scheme[16];
	char host[NET_HOST_MAX];
	unsigned port;
	bool has_extra;		/* user, password, query or fragment */
};

static int get_part(CURLU *u, CURLUPart part, char *dst, size_t len)
{
	char *v = NULL;

	dst[0] = '\0';
	if (curl_url_get(u, part, &v, 0) != CURLUE_OK)
		return 0;
	if (strlen(v) >= len) {
		curl_free(v);
		return -ENAMETOOLONG;
	}
	strcpy(dst, v);
	curl_free(v);
	return 0;
}

static int parse_url(const char *url, struct urlparts *p)
{
	char extra[4];
	CURLU *u = curl_url();
	int r = -EINVAL;

	memset(p, 0, sizeof(*p));
	if (!u)
		return -ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
		goto out;
	if (get_part(u, CURLUPART_SCHEME, p->scheme, sizeof(p->scheme)) < 0 ||
	    get_part(u, CURLUPART_HOST, p->host, sizeof(p->host)) < 0)
		goto out;
	{
		char *v = NULL;

		if (curl_url_get(u, CURLUPART_PORT, &v, CURLU_DEFAULT_PORT) == CURLUE_OK) {
			p->port = (unsigned)strtoul(v, NULL, 10);
			curl_free(v);
		}
	}
	for (CURLUPart part = CURLUPART_USER; ; part = CURLUPART_QUERY) {
		char *v = NULL;

		if (curl_url_get(u, part, &v, 0) == CURLUE_OK) {
			p->has_extra = true;
			curl_free(v);
		}
		if (part == CURLUPART_QUERY)
			break;
	}
	if (get_part(u, CURLUPART_FRAGMENT, extra, sizeof(extra)) != 0 || extra[0])
		p->has_extra = true;
	if (p->host[0] == '[') {
		size_t n = strlen(p->host);

		memmove(p->host, p->host + 1, n - 2);
		p->host[n - 2] = '\0';
	}
	r = p->host[0] ? 0 : -EINVAL;
out:
	curl_url_cleanup(u);
	return r;
}

static int check_file(const char *key, const char *path, char *err, size_t len)
{
	if (!path)
		return 0;
	if (!*path) {
		seterr(err, len, "%s: empty path", key);
		return -EINVAL;
	}
	if (access(path, R_OK) < 0) {
		seterr(err, len, "%s: cannot read %s: %s", key, path, strerror(errno));
		return -EINVAL;
	}
	return 0;
}

static int check_pin(const char *pin, char *err, size_t len)
{
	const char *p = pin;

	if (!pin)
		return 0;
	for (;;) {
		size_t n = strcspn(p, ";");
		size_t b64 = 0;

		if (n < 8 || strncmp(p, "sha256//", 8))
			goto bad;
		for (const char *q = p + 8; q < p + n; q++, b64++)
			if (!isalnum((unsigned char)*q) && !strchr("+/=", *q))
				goto bad;
		if (b64 != 44)	/* base64 of 32 bytes */
			goto bad;
		if (!p[n])
			return 0;
		p += n + 1;
	}
bad:
	seterr(err, len, "pin: expected sha256//<base64 of the SHA-256 of the public key> "
	       "(several separated by ';')");
	return -EINVAL;
}

int net_config_check(const struct net_config *c, char *err, size_t len)
{
	const struct net_proxy_config *p = &c->proxy;
	struct urlparts u;
	int r;

	if (!c->server_url || !*c->server_url) {
		seterr(err, len, "server_url: missing");
		return -EINVAL;
	}
	if (parse_url(c->server_url, &u) < 0) {
		seterr(err, len, "server_url: '%s' is not a valid URL", c->server_url);
		return -EINVAL;
	}
	if (strcasecmp(u.scheme, "https")) {
		seterr(err, len, "server_url: only https:// is allowed, not %s://", u.scheme);
		return -EINVAL;
	}
	if (u.has_extra) {
		seterr(err, len, "server_url: no user, password, query or fragment allowed");
		return -EINVAL;
	}
	if ((r = check_file("ca_file", c->ca_file, err, len)) < 0 ||
	    (r = check_file("client_cert", c->client_cert, err, len)) < 0 ||
	    (r = check_file("client_key", c->client_key, err, len)) < 0 ||
	    (r = check_pin(c->pin, err, len)) < 0)
		return r;
	if (!c->client_cert != !c->client_key) {
		seterr(err, len, "%s: set client_cert and client_key together",
		       c->client_cert ? "client_key" : "client_cert");
		return -EINVAL;
	}
	if (c->connect_timeout_ms < 0 || c->total_timeout_ms < 0 ||
	    c->low_speed_limit < 0 || c->low_speed_time_s < 0) {
		seterr(err, len, "timeouts and limits must not be negative");
		return -EINVAL;
	}
	if (c->max_response > MAX_RESPONSE_LIMIT) {
		seterr(err, len, "max_response: at most %u bytes", MAX_RESPONSE_LIMIT);
		return -EINVAL;
	}
	switch (p->mode) {
	case NET_PROXY_MODE_NONE:
		break;
	case NET_PROXY_MODE_MANUAL:
		if (!p->host || !net_proxy_host_ok(p->host)) {
			seterr(err, len, "proxy_host: missing or not a host name");
			return -EINVAL;
		}
		if (p->port == 0 || p->port > 65535) {
			seterr(err, len, "proxy_port: must be 1..65535");
			return -EINVAL;
		}
		if ((p->user && strlen(p->user) >= NET_CRED_MAX) ||
		    (p->password && strlen(p->password) >= NET_CRED_MAX)) {
			seterr(err, len, "proxy credentials: at most %d characters each",
			       NET_CRED_MAX - 1);
			return -EINVAL;
		}
		if (p->password && !p->user) {
			seterr(err, len, "proxy credentials: a password without a user");
			return -EINVAL;
		}
		break;
	case NET_PROXY_MODE_AUTO:
		if (p->pac_url) {
			struct urlparts pu;

			if (parse_url(p->pac_url, &pu) < 0 ||
			    (strcasecmp(pu.scheme, "http") && strcasecmp(pu.scheme, "https"))) {
				seterr(err, len, "pac_url: '%s' is not an http(s) URL", p->pac_url);
				return -EINVAL;
			}
			if (strlen(p->pac_url) >= NET_URL_MAX) {
				seterr(err, len, "pac_url: too long");
				return -EINVAL;
			}
		}
		if (p->env.https_proxy || p->env.all_proxy) {
			struct net_proxy_cand cand;
			char e[200];
			const char *v = p->env.https_proxy ? p->env.https_proxy : p->env.all_proxy;

			if (net_proxy_parse_url(v, &cand, e, sizeof(e)) < 0) {
				seterr(err, len, "%s (environment): %s",
				       p->env.https_proxy ? "https_proxy" : "all_proxy", e);
				return -EINVAL;
			}
		}
		if (p->pac_fetch_timeout_ms < 0) {
			seterr(err, len, "pac_fetch_timeout: must not be negative");
			return -EINVAL;
		}
		break;
	default:
		seterr(err, len, "proxy: unknown mode %d", (int)p->mode);
		return -EINVAL;
	}
	return 0;
}

/* ---- libcurl glue ----------------------------------------------------- */

static struct tsock *tsock_find(struct net_transport *t, curl_socket_t s)
{
	for (unsigned i = 0; i < NET_SOCKS_MAX; i++)
		if (t->socks[i].fd == s)
			return &t->socks[i];
	return NULL;
}

/* Take a parked socket's watch back from it: the loop's slot. */
static void *tsock_take(struct tsock *ts)
{
	void *slot = ts->slot;

	ts->parked = false;
	ts->slot = NULL;
	return slot;
}

/* Stop watching a parked socket (it closes, or the server spoke on it). */
static void tsock_unpark(struct net_transport *t, struct tsock *ts)
{
	void *slot;

	if (!ts->parked)
		return;
	slot = tsock_take(ts);
	t->ops.watch(t->ops.loop, ts->fd, 0, &slot);
}

static int sock_cb(CURL *e, curl_socket_t s, int what, void *userp, void *socketp)
{
	struct net_transport *t = userp;
	struct tsock *ts = tsock_find(t, s);
	void *slot = socketp;
	unsigned ev = 0;
	int r;

	(void)e;
	switch (what) {
	case CURL_POLL_IN:	ev = NET_FD_IN; break;
	case CURL_POLL_OUT:	ev = NET_FD_OUT; break;
	case CURL_POLL_INOUT:	ev = NET_FD_IN | NET_FD_OUT; break;
	default:		ev = 0; break;
	}
	if (ev && !slot && ts && ts->parked) {
		/* a kept-alive connection used again: its watch is still there */
		slot = tsock_take(ts);
	} else if (!ev && slot && ts && !ts->parked &&
		   t->ops.watch(t->ops.loop, s, NET_FD_IN, &slot) == 0) {
		ts->parked = true;
		ts->slot = slot;
		return 0;
	}
	r = t->ops.watch(t->ops.loop, s, ev, &slot);
	if (ev)
		curl_multi_assign(t->multi, s, slot);
	return r < 0 ? -1 : 0;
}

/* A server connection's socket: ours to track (the proxy's PAC fetch has its own). */
static curl_socket_t sock_open(void *userp, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct net_transport *t = userp;
	struct tsock *ts = tsock_find(t, -1);
	int fd;

	(void)purpose;
	fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
	if (fd < 0)
		return CURL_SOCKET_BAD;
	/* no free entry: not tracked, so never parked (watched as libcurl says) */
	if (ts) {
		ts->fd = fd;
		ts->parked = false;
		ts->slot = NULL;
	}
	return fd;
}

static int sock_close(void *userp, curl_socket_t s)
{
	struct net_transport *t = userp;
	struct tsock *ts = tsock_find(t, s);

	if (ts) {
		tsock_unpark(t, ts);
		ts->fd = -1;
	}
	return close(s);
}

static int timer_cb(CURLM *m, long ms, void *userp)
{
	struct net_transport *t = userp;

	(void)m;
	return t->ops.timer(t->ops.loop, ms) < 0 ? -1 : 0;
}

static size_t write_cb(char *data, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;

	return buf_append(b, data, size * n);
}

static size_t header_cb(char *data, size_t size, size_t n, void *ud)
{
	struct net_transport *t = ud;
	size_t len = size * n;
	char v[256];
	size_t vl;
	const char *colon;

	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		/* a new response (after a CONNECT, or a 1xx) */
		t->retry_after_s = -1;
		t->location[0] = '\0';
		return len;
	}
	colon = memchr(data, ':', len);
	if (!colon)
		return len;
	vl = len - (size_t)(colon + 1 - data);
	if (vl >= sizeof(v))
		vl = sizeof(v) - 1;
	memcpy(v, colon + 1, vl);
	v[vl] = '\0';
	while (vl && isspace((unsigned char)v[vl - 1]))
		v[--vl] = '\0';
	if (colon - data == 11 && !strncasecmp(data, "Retry-After", 11))
		t->retry_after_s = net_parse_retry_after(v, time(NULL));
	else if (colon - data == 8 && !strncasecmp(data, "Location", 8))
		snprintf(t->location, sizeof(t->location), "%s", v + strspn(v, " \t"));
	return len;
}

/*
 * A multi handle wired to the loop.  It owns the connection cache: its
 * cleanup closes every connection (TLS sessions and DNS stay in the share).
 */
static CURLM *multi_new(struct net_transport *t)
{
	CURLM *m = curl_multi_init();

	if (!m)
		return NULL;
	if (curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, sock_cb) != CURLM_OK ||
	    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, t) != CURLM_OK ||
	    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, timer_cb) != CURLM_OK ||
	    curl_multi_setopt(m, CURLMOPT_TIMERDATA, t) != CURLM_OK ||
	    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, 2L) != CURLM_OK) {
		curl_multi_cleanup(m);
		return NULL;
	}
	return m;
}

#define SET(h, opt, val) do { if (curl_easy_setopt(h, opt, val) != CURLE_OK) goto fail; } while (0)

static int setup_easy(struct net_transport *t, const struct net_config *c,
		      char *err, size_t len)
{
	CURL *h = t->easy;
	long low = c->low_speed_limit ? c->low_speed_limit : DEF_LOW_SPEED;
	long lows = c->low_speed_time_s ? c->low_speed_time_s : DEF_LOW_SPEED_S;

	SET(h, CURLOPT_NOSIGNAL, 1L);
	SET(h, CURLOPT_OPENSOCKETFUNCTION, sock_open);
	SET(h, CURLOPT_OPENSOCKETDATA, t);
	SET(h, CURLOPT_CLOSESOCKETFUNCTION, sock_close);
	SET(h, CURLOPT_CLOSESOCKETDATA, t);
	/* cancel/free must not join a resolver thread stuck in getaddrinfo */
	SET(h, CURLOPT_QUICK_EXIT, 1L);
	SET(h, CURLOPT_SHARE, t->share);
	SET(h, CURLOPT_ERRORBUFFER, t->errbuf);
	SET(h, CURLOPT_PROTOCOLS_STR, "https");
	SET(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(h, CURLOPT_FOLLOWLOCATION, 0L);
	SET(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(h, CURLOPT_SSL_CIPHER_LIST, NET_TLS12_CIPHERS);
	SET(h, CURLOPT_TLS13_CIPHERS, NET_TLS13_CIPHERS);
	SET(h, CURLOPT_SSL_EC_CURVES, NET_TLS_GROUPS);
	SET(h, CURLOPT_SSL_VERIFYPEER, 1L);
	SET(h, CURLOPT_SSL_VERIFYHOST, 2L);
	/* CA, client certificate and key: per attempt (net_tlsconf_apply) */
	if (c->pin)
		SET(h, CURLOPT_PINNEDPUBLICKEY, c->pin);
	SET(h, CURLOPT_PROXY_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(h, CURLOPT_PROXY_SSL_CIPHER_LIST, NET_TLS12_CIPHERS);
	SET(h, CURLOPT_PROXY_TLS13_CIPHERS, NET_TLS13_CIPHERS);
	SET(h, CURLOPT_PROXYAUTH, (long)CURLAUTH_ANY);
	SET(h, CURLOPT_HTTPPROXYTUNNEL, 1L);
	SET(h, CURLOPT_NOPROXY, "");	/* we decide, not libcurl's env lookup */
	SET(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	/*
	 * The user agent goes to a proxy's CONNECT (some proxies want one);
	 * the server's requests carry none (net_transport_start()): the body
	 * names the agent.  Headers for the proxy and the server kept apart.
	 */
	SET(h, CURLOPT_USERAGENT, c->user_agent ? c->user_agent : "esold");
	SET(h, CURLOPT_HEADEROPT, (long)CURLHEADER_SEPARATE);
	SET(h, CURLOPT_CONNECTTIMEOUT_MS, t->connect_ms);
	SET(h, CURLOPT_TIMEOUT_MS, c->total_timeout_ms ? c->total_timeout_ms : DEF_TOTAL_MS);
	SET(h, CURLOPT_LOW_SPEED_LIMIT, low);
	SET(h, CURLOPT_LOW_SPEED_TIME, lows);
	SET(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->max_response);
	SET(h, CURLOPT_WRITEFUNCTION, write_cb);
	SET(h, CURLOPT_WRITEDATA, &t->resp);
	SET(h, CURLOPT_HEADERFUNCTION, header_cb);
	SET(h, CURLOPT_HEADERDATA, t);
	SET(h, CURLOPT_PRIVATE, t);
	if (t->connect_to)
		SET(h, CURLOPT_CONNECT_TO, t->connect_to);
	return 0;
fail:
	seterr(err, len, "libcurl refused an option (is it built with OpenSSL 1.1.1+ and TLS?)");
	return -EINVAL;
}

int net_transport_new(const struct net_config *c, const struct net_loop_ops *ops,
		      struct net_transport **out, char *err, size_t len)
{
	const struct net_proxy_config *p = &c->proxy;
	struct net_transport *t;
	struct urlparts u;
	size_t n;
	int r;

	*out = NULL;
	r = net_config_check(c, err, len);
	if (r < 0)
		return r;
	if (!ops || !ops->watch || !ops->timer) {
		seterr(err, len, "no event loop operations");
		return -EINVAL;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(t);
		seterr(err, len, "libcurl initialisation failed");
		return -ENOMEM;
	}
	for (unsigned i = 0; i < NET_SOCKS_MAX; i++)
		t->socks[i].fd = -1;
	t->ops = *ops;
	parse_url(c->server_url, &u);
	snprintf(t->host, sizeof(t->host), "%s", u.host);
	t->port = u.port ? u.port : 443;
	snprintf(t->target, sizeof(t->target), "%s%s%s:%u",
		 strchr(t->host, ':') ? "[" : "", t->host,
		 strchr(t->host, ':') ? "]" : "", t->port);
	/* FindProxyForURL sees no path for https, as browsers do */
	if (t->port == 443)
		snprintf(t->pac_url_arg, sizeof(t->pac_url_arg), "https://%s%s%s/",
			 strchr(t->host, ':') ? "[" : "", t->host,
			 strchr(t->host, ':') ? "]" : "");
	else
		snprintf(t->pac_url_arg, sizeof(t->pac_url_arg), "https://%s/", t->target);
	t->base_url = strdup(c->server_url);
	if (!t->base_url)
		goto nomem;
	n = strlen(t->base_url);
	while (n && t->base_url[n - 1] == '/')
		t->base_url[--n] = '\0';
	t->max_response = c->max_response ? c->max_response : DEF_MAX_RESPONSE;
	t->connect_ms = c->connect_timeout_ms ? c->connect_timeout_ms : DEF_CONNECT_MS;
	for (const char *const *ct = c->connect_to; ct && *ct; ct++) {
		struct curl_slist *l = curl_slist_append(t->connect_to, *ct);

		if (!l)
			goto nomem;
		t->connect_to = l;
	}

	t->mode = p->mode;
	if (p->mode == NET_PROXY_MODE_MANUAL) {
		t->manual.type = NET_PROXY_HTTP;
		snprintf(t->manual.host, sizeof(t->manual.host), "%s", p->host);
		t->manual.port = p->port;
		snprintf(t->manual.user, sizeof(t->manual.user), "%s", p->user ? p->user : "");
		snprintf(t->manual.password, sizeof(t->manual.password), "%s",
			 p->password ? p->password : "");
	}
	if (p->mode == NET_PROXY_MODE_AUTO) {
		const char *v = p->env.https_proxy ? p->env.https_proxy : p->env.all_proxy;

		if (v) {
			net_proxy_parse_url(v, &t->env_proxy, NULL, 0);
			t->have_env_proxy = true;
		}
		if ((p->env.no_proxy && !(t->no_proxy = strdup(p->env.no_proxy))) ||
		    (p->pac_url && !(t->pac_url = strdup(p->pac_url))) ||
		    (p->pac_script && !(t->pac_script = strdup(p->pac_script))) ||
		    (p->resolv_conf && !(t->resolv_conf = strdup(p->resolv_conf))) ||
		    (p->hostname && !(t->hostname = strdup(p->hostname))))
			goto nomem;
	}
	t->no_wpad = p->no_wpad;
	t->pac_ttl_s = p->pac_ttl_s ? p->pac_ttl_s : DEF_PAC_TTL_S;
	t->pac_fetch_ms = p->pac_fetch_timeout_ms ? p->pac_fetch_timeout_ms : DEF_PAC_FETCH_MS;
	t->pac_max = p->pac_max_size ? p->pac_max_size : DEF_PAC_MAX;
	t->pac = p->pac;

	/*
	 * Unparsable material is not refused here: libcurl reads the files
	 * then, and every request fails with its message (NET_E_CONFIG).
	 */
	if (net_tlsconf_new(c->ca_file, c->client_cert, c->client_key, &t->tls,
			    NULL, 0) == -ENOMEM)
		goto nomem;
	t->share = curl_share_init();
	t->multi = multi_new(t);
	t->easy = curl_easy_init();
	if (!t->share || !t->multi || !t->easy)
		goto nomem;
	curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	curl_share_setopt(t->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
	r = setup_easy(t, c, err, len);
	if (r < 0) {
		net_transport_free(t);
		return r;
	}
	*out = t;
	return 0;
nomem:
	seterr(err, len, "out of memory");
	net_transport_free(t);
	return -ENOMEM;
}

/* ---- the request's end --------------------------------------------------- */

static void pac_job_stop(struct net_transport *t)
{
	if (!t->job)
		return;
	t->ops.watch(t->ops.loop, pac_job_fd(t->job), 0, &t->job_slot);
	t->job_slot = NULL;
	pac_job_free(t->job);
	t->job = NULL;
}

static void pac_fetch_stop(struct net_transport *t)
{
	if (t->pac_easy && t->pac_easy_added) {
		curl_multi_remove_handle(t->multi, t->pac_easy);
		t->pac_easy_added = false;
	}
}

static void request_clear(struct net_transport *t)
{
	if (t->easy_added) {
		curl_multi_remove_handle(t->multi, t->easy);
		t->easy_added = false;
	}
	pac_fetch_stop(t);
	pac_job_stop(t);
	free(t->url);
	t->url = NULL;
	free(t->body);
	t->body = NULL;
	curl_slist_free_all(t->headers);
	t->headers = NULL;
	t->state = ST_IDLE;
	t->done = NULL;
	t->arg = NULL;
}

/*
 * Hand the result over.  The callback may start the next request, which
 * reuses t->res and t->resp: it sees copies.
 */
static void finish(struct net_transport *t)
{
	net_done_fn done = t->done;
	void *arg = t->arg;
	struct buf tmp;

	tmp = t->done_body;
	t->done_body = t->resp;
	t->resp = tmp;
	buf_reset(&t->resp, t->max_response);
	t->done_res = t->res;
	/* Text from the server, a proxy or a PAC is data: escaped here, once. */
	esc_inplace(t->done_res.message, sizeof(t->done_res.message));
	esc_inplace(t->done_res.proxy_used, sizeof(t->done_res.proxy_used));
	esc_inplace(t->done_res.proxy_note, sizeof(t->done_res.proxy_note));
	for (unsigned i = 0; i < t->done_res.n_attempts && i < NET_MAX_CANDS; i++) {
		esc_inplace(t->done_res.attempts[i].message,
			    sizeof(t->done_res.attempts[i].message));
		esc_inplace(t->done_res.attempts[i].proxy,
			    sizeof(t->done_res.attempts[i].proxy));
	}
	t->done_res.body = t->done_body.p ? t->done_body.p : "";
	t->done_res.body_len = t->done_body.len;
	request_clear(t);
	if (done)
		done(arg, &t->done_res);
}

static void fail_now(struct net_transport *t, enum net_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_now(struct net_transport *t, enum net_status st, const char *fmt, ...)
{
	va_list ap;

	t->res.status = st;
	t->res.retryable = st != NET_E_CONFIG;
	va_start(ap, fmt);
	vsnprintf(t->res.message, sizeof(t->res.message), fmt, ap);
	va_end(ap);
	buf_reset(&t->resp, t->max_response);
	finish(t);
}

/* ---- sending through one candidate --------------------------------------- */

static int attempt_start(struct net_transport *t)
{
	const struct net_proxy_cand *c = &t->dec.list.c[t->cur];
	char proxy[NET_PROXY_STR_MAX + 16];
	CURLMcode mc;

	if (net_proxy_cand_curl(c, proxy, sizeof(proxy)) < 0)
		return -ENAMETOOLONG;
	buf_reset(&t->resp, t->max_response);
	t->errbuf[0] = '\0';
	t->retry_after_s = -1;
	t->location[0] = '\0';
	/* the parsed TLS material, but not through a TLS proxy (tlsconf.h) */
	if (net_tlsconf_apply(t->tls, t->easy, c->type != NET_PROXY_HTTPS) < 0 ||
	    curl_easy_setopt(t->easy, CURLOPT_URL, t->url) != CURLE_OK ||
	    curl_easy_setopt(t->easy, CURLOPT_PROXY, proxy) != CURLE_OK ||
	    curl_easy_setopt(t->easy, CURLOPT_PROXYUSERNAME,
			     c->user[0] ? c->user : NULL) != CURLE_OK ||
	    curl_easy_setopt(t->easy, CURLOPT_PROXYPASSWORD,
			     c->user[0] ? c->password : NULL) != CURLE_OK)
		return -EINVAL;
	mc = curl_multi_add_handle(t->multi, t->easy);
	if (mc != CURLM_OK)
		return mc == CURLM_OUT_OF_MEMORY ? -ENOMEM : -EINVAL;
	t->easy_added = true;
	t->state = ST_SEND;
	return 0;
}

/* Start sending with the decision in t->dec (from any state). */
static int send_start(struct net_transport *t)
{
	struct net_result *r = &t->res;

	r->proxy_source = t->dec.src;
	snprintf(r->proxy_note, sizeof(r->proxy_note), "%s", t->dec.note);
	r->cands = t->dec.list;
	for (unsigned i = 0; i < r->cands.n; i++) {
		memset(r->cands.c[i].user, 0, sizeof(r->cands.c[i].user));
		memset(r->cands.c[i].password, 0, sizeof(r->cands.c[i].password));
	}
	t->cur = 0;
	return attempt_start(t);
}

static void attempt_done(struct net_transport *t, CURLcode code)
{
	const struct net_proxy_cand *c = &t->dec.list.c[t->cur];
	struct net_result *r = &t->res;
	struct net_raw raw = {
		.curl_code = code, .errbuf = t->errbuf, .target = t->target,
		.retry_after_s = t->retry_after_s, .location = t->location,
		.proxy_in_use = c->type != NET_PROXY_DIRECT,
		.body_too_large = t->resp.too_large,
	};
	long reqsize = 0, hdrsize = 0;
	struct net_attempt *a;
	int r2;

	curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &raw.http_status);
	curl_easy_getinfo(t->easy, CURLINFO_HTTP_CONNECTCODE, &raw.connect_code);
	curl_easy_getinfo(t->easy, CURLINFO_SSL_VERIFYRESULT, &raw.verify_result);
	curl_easy_getinfo(t->easy, CURLINFO_OS_ERRNO, &raw.os_errno);
	curl_easy_getinfo(t->easy, CURLINFO_REQUEST_SIZE, &reqsize);
	curl_easy_getinfo(t->easy, CURLINFO_HEADER_SIZE, &hdrsize);
	curl_multi_remove_handle(t->multi, t->easy);
	t->easy_added = false;

	net_classify(&raw, time(NULL), r);
	/*
	 * REQUEST_SIZE counts what was written for the request: the headers
	 * and the body libcurl sends with them (all of a POSTFIELDS body
	 * under 64 KiB in 7.88, every byte in later versions; the protocol's
	 * bodies are smaller).  Adding SIZE_UPLOAD counted the body twice.
	 */
	r->bytes_sent += (uint64_t)reqsize;
	r->bytes_received += (uint64_t)hdrsize + t->resp.len;
	net_proxy_cand_format(c, r->proxy_used, sizeof(r->proxy_used));
	if (r->n_attempts < NET_MAX_CANDS) {
		a = &r->attempts[r->n_attempts++];
		snprintf(a->proxy, sizeof(a->proxy), "%s", r->proxy_used);
		a->status = r->status;
		a->http_status = r->http_status;
		snprintf(a->message, sizeof(a->message), "%s", r->message);
	}
	if (net_route_failed(r, raw.proxy_in_use) && t->cur + 1 < t->dec.list.n) {
		t->cur++;
		r2 = attempt_start(t);
		if (r2 == 0)
			return;
		fail_now(t, NET_E_INTERNAL, "cannot start a transfer: %s", strerror(-r2));
		return;
	}
	/* every route failed: the network may have changed, decide afresh */
	if (net_route_failed(r, raw.proxy_in_use) &&
	    (t->dec.src == NET_PSRC_PAC || t->dec.src == NET_PSRC_DEFAULT))
		t->cache_valid = false;
	finish(t);
}

/* ---- the proxy decision -------------------------------------------------- */

static void decide(struct net_transport *t, enum net_proxy_source src,
		   const struct net_proxy_cand *c, const char *note)
{
	memset(&t->dec, 0, sizeof(t->dec));
	t->dec.src = src;
	t->dec.list.n = 1;
	if (c)
		t->dec.list.c[0] = *c;
	else
		t->dec.list.c[0].type = NET_PROXY_DIRECT;
	snprintf(t->dec.note, sizeof(t->dec.note), "%s", note ? note : "");
}

static void cache_store(struct net_transport *t)
{
	if (t->pac_ttl_s < 0)
		return;
	t->cache = t->dec;
	t->cache_valid = true;
	t->cache_expires_ms = mono_ms() + (int64_t)t->pac_ttl_s * 1000;
}

/* Auto mode decided (from PAC or default): cache it and send. */
static void auto_decided(struct net_transport *t)
{
	int r;

	cache_store(t);
	r = send_start(t);
	if (r < 0)
		fail_now(t, NET_E_INTERNAL, "cannot start a transfer: %s", strerror(-r));
}

static void pac_fallback(struct net_transport *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void pac_fallback(struct net_transport *t, const char *fmt, ...)
{
	char note[NET_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	va_end(ap);
	esc_inplace(note, sizeof(note));	/* may quote the PAC's answer or error */
	/* logged here, once per PAC cache lifetime: nobody above can act */
	log_warn("proxy: %s; going DIRECT", note);
	decide(t, NET_PSRC_DEFAULT, NULL, note);
	auto_decided(t);
}

static int pac_eval_start(struct net_transport *t, const char *script, size_t len)
{
	int r;

	r = pac_job_start(script, len, t->pac_url_arg, t->host, &t->pac, &t->job);
	if (r < 0)
		return r;
	t->job_slot = NULL;
	r = t->ops.watch(t->ops.loop, pac_job_fd(t->job), NET_FD_IN, &t->job_slot);
	if (r < 0) {
		pac_job_free(t->job);
		t->job = NULL;
		return r;
	}
	t->state = ST_PAC_EVAL;
	return 0;
}

static void pac_eval_done(struct net_transport *t)
{
	struct pac_error perr;
	char *ans = NULL;
	char bad[160] = "";
	int r;

	r = pac_job_result(t->job, &ans, &perr);
	pac_job_stop(t);
	if (r < 0 && perr.status == PAC_E_DNS) {
		/* The PAC's answer hangs on a lookup that got no answer:
		 * neither DIRECT nor cached; this request fails (retryable)
		 * and the next one evaluates afresh. */
		t->res.proxy_source = NET_PSRC_PAC;
		snprintf(t->res.proxy_note, sizeof(t->res.proxy_note), "PAC %.60s: %.180s",
			 t->pac_from, perr.msg);
		fail_now(t, NET_E_DNS, "PAC %s: %s", t->pac_from, perr.msg);
		return;
	}
	if (r < 0) {
		pac_fallback(t, "PAC %s: %s: %s", t->pac_from,
			     pac_status_name(perr.status), perr.msg);
		return;
	}
	memset(&t->dec, 0, sizeof(t->dec));
	if (net_proxy_parse_pac(ans, &t->dec.list, bad, sizeof(bad)) == 0) {
		pac_fallback(t, "PAC %s: no usable entry in \"%.60s\" (%s)",
			     t->pac_from, ans, bad);
		free(ans);
		return;
	}
	t->dec.src = NET_PSRC_PAC;
	snprintf(t->dec.note, sizeof(t->dec.note), "PAC %s%s%s", t->pac_from,
		 bad[0] ? ": ignored " : "", bad);
	esc_inplace(t->dec.note, sizeof(t->dec.note));
	esc_inplace(bad, sizeof(bad));
	if (bad[0])
		log_warn("proxy: PAC %s: ignored %s", t->pac_from, bad);
	free(ans);
	auto_decided(t);
}

static int pac_fetch_start(struct net_transport *t)
{
	const char *url = t->pac_urls[t->cur_pac_url];
	CURL *h;

	if (!t->pac_easy) {
		t->pac_easy = curl_easy_init();
		if (!t->pac_easy)
			return -ENOMEM;
	}
	h = t->pac_easy;
	curl_easy_reset(h);
	buf_reset(&t->pac_buf, t->pac_max);
	t->pac_errbuf[0] = '\0';
	SET(h, CURLOPT_NOSIGNAL, 1L);
	SET(h, CURLOPT_QUICK_EXIT, 1L);
	SET(h, CURLOPT_SHARE, t->share);
	SET(h, CURLOPT_ERRORBUFFER, t->pac_errbuf);
	SET(h, CURLOPT_URL, url);
	/* plain http is allowed here, and only here */
	SET(h, CURLOPT_PROTOCOLS_STR, "http,https");
	SET(h, CURLOPT_FOLLOWLOCATION, 0L);
	SET(h, CURLOPT_PROXY, "");		/* never through a proxy */
	SET(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(h, CURLOPT_SSL_CIPHER_LIST, NET_TLS12_CIPHERS);
	SET(h, CURLOPT_TLS13_CIPHERS, NET_TLS13_CIPHERS);
	SET(h, CURLOPT_CONNECTTIMEOUT_MS, t->connect_ms < t->pac_fetch_ms ?
					  t->connect_ms : t->pac_fetch_ms);
	SET(h, CURLOPT_TIMEOUT_MS, t->pac_fetch_ms);
	SET(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)t->pac_max);
	SET(h, CURLOPT_WRITEFUNCTION, write_cb);
	SET(h, CURLOPT_WRITEDATA, &t->pac_buf);
	SET(h, CURLOPT_USERAGENT, "esold");
	if (t->connect_to)
		SET(h, CURLOPT_CONNECT_TO, t->connect_to);
	if (curl_multi_add_handle(t->multi, h) != CURLM_OK)
		return -EINVAL;
	t->pac_easy_added = true;
	t->state = ST_PAC_FETCH;
	return 0;
fail:
	return -EINVAL;
}

static void pac_fetch_done(struct net_transport *t, CURLcode code)
{
	char why[NET_MSG_MAX];
	long status = 0;
	int r;

	curl_easy_getinfo(t->pac_easy, CURLINFO_RESPONSE_CODE, &status);
	pac_fetch_stop(t);
	if (code == CURLE_OK && status == 200 && t->pac_buf.len > 0) {
		t->pac_from = t->pac_urls[t->cur_pac_url];
		r = pac_eval_start(t, t->pac_buf.p, t->pac_buf.len);
		if (r < 0)
			pac_fallback(t, "PAC %s: cannot evaluate: %s", t->pac_from,
				     strerror(-r));
		return;
	}
	if (code == CURLE_OK)
		snprintf(why, sizeof(why), "HTTP %ld%s", status,
			 status == 200 ? " (empty)" : "");
	else if (t->pac_buf.too_large || code == CURLE_FILESIZE_EXCEEDED)
		snprintf(why, sizeof(why), "larger than %zu bytes", t->pac_max);
	else
		snprintf(why, sizeof(why), "%s", t->pac_errbuf[0] ? t->pac_errbuf :
			 curl_easy_strerror(code));
	esc_inplace(why, sizeof(why));
	log_debug("proxy: no PAC at %s: %s", t->pac_urls[t->cur_pac_url], why);
	if (++t->cur_pac_url < t->n_pac_urls) {
		r = pac_fetch_start(t);
		if (r == 0)
			return;
	}
	if (t->n_pac_urls == 1 && t->pac_url)
		pac_fallback(t, "cannot fetch the PAC %s: %s", t->pac_url, why);
	else {
		/* WPAD found nothing: the normal case on most networks */
		char note[NET_MSG_MAX];

		snprintf(note, sizeof(note), "no WPAD PAC found (last: %.120s: %.80s)",
			 t->pac_urls[t->n_pac_urls - 1], why);
		log_info("proxy: %s; going DIRECT", note);
		decide(t, NET_PSRC_DEFAULT, NULL, note);
		auto_decided(t);
	}
}

/*
 * Decide in auto mode.  Returns 0 when sending or a PAC step started (the
 * decision continues asynchronously), or -errno.
 */
static int auto_start(struct net_transport *t)
{
	char domain[256];
	int r;

	if (t->have_env_proxy) {
		if (t->no_proxy && net_noproxy_match(t->no_proxy, t->host, t->port))
			decide(t, NET_PSRC_ENV, NULL, "no_proxy matches the server");
		else
			decide(t, NET_PSRC_ENV, &t->env_proxy, NULL);
		return send_start(t);
	}
	if (t->cache_valid && mono_ms() < t->cache_expires_ms) {
		t->dec = t->cache;
		return send_start(t);
	}
	t->cache_valid = false;
	if (t->pac_script) {
		t->pac_from = "(inline)";
		r = pac_eval_start(t, t->pac_script, strlen(t->pac_script));
		if (r < 0) {
			decide(t, NET_PSRC_DEFAULT, NULL, "cannot evaluate the PAC");
			return send_start(t);
		}
		return 0;
	}
	t->n_pac_urls = 0;
	t->cur_pac_url = 0;
	if (t->pac_url) {
		snprintf(t->pac_urls[0], NET_URL_MAX, "%s", t->pac_url);
		t->n_pac_urls = 1;
	} else if (!t->no_wpad) {
		r = net_wpad_domain(t->resolv_conf, t->hostname, domain, sizeof(domain));
		if (r == 0)
			t->n_pac_urls = net_wpad_urls(domain, t->pac_urls, NET_WPAD_MAX);
	}
	if (t->n_pac_urls == 0) {
		decide(t, NET_PSRC_DEFAULT, NULL,
		       t->no_wpad ? "no PAC configured" : "no DNS domain to look for WPAD in");
		cache_store(t);
		return send_start(t);
	}
	r = pac_fetch_start(t);
	if (r < 0) {
		decide(t, NET_PSRC_DEFAULT, NULL, "cannot fetch the PAC");
		return send_start(t);
	}
	return 0;
}

/* ---- public: requests ------------------------------------------------------ */

static bool path_ok(const char *p)
{
	size_t n = p ? strlen(p) : 0;

	if (n == 0 || n > PATH_MAX_LEN || p[0] != '/')
		return false;
	for (; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '#' || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

int net_transport_start(struct net_transport *t, const struct net_request *req,
			net_done_fn done, void *arg)
{
	char ct[160];
	struct curl_slist *h;
	int r;

	if (t->state != ST_IDLE)
		return -EBUSY;
	if (!req || !path_ok(req->path) || !done)
		return -EINVAL;
	if (req->content_type && strpbrk(req->content_type, "\r\n"))
		return -EINVAL;
	memset(&t->res, 0, sizeof(t->res));
	t->res.retry_after_s = -1;
	if (asprintf(&t->url, "%s%s", t->base_url, req->path) < 0) {
		t->url = NULL;
		return -ENOMEM;
	}
	snprintf(ct, sizeof(ct), "Content-Type: %s",
		 req->content_type ? req->content_type : "application/json");
	/*
	 * No Accept header (not even libcurl's default one): every reply of the
	 * protocol is JSON, and every byte of a poll counts.  No User-Agent
	 * either (only a proxy's CONNECT has one): the protocol does not use it.
	 */
	h = curl_slist_append(NULL, "Accept:");
	if (h)
		h = curl_slist_append(h, "User-Agent:") ? h : (curl_slist_free_all(h), NULL);
	if (h && req->method == NET_POST)
		h = curl_slist_append(h, ct) ? h : (curl_slist_free_all(h), NULL);
	if (h)
		h = curl_slist_append(h, "Expect:") ? h : (curl_slist_free_all(h), NULL);
	if (!h) {
		request_clear(t);
		return -ENOMEM;
	}
	t->headers = h;
	if (req->method == NET_POST) {
		t->body = malloc(req->body_len + 1);
		if (!t->body) {
			request_clear(t);
			return -ENOMEM;
		}
		if (req->body_len)
			memcpy(t->body, req->body, req->body_len);
		t->body[req->body_len] = '\0';
		t->body_len = req->body_len;
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, t->body);
		curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)t->body_len);
		curl_easy_setopt(t->easy, CURLOPT_POST, 1L);
	} else {
		curl_easy_setopt(t->easy, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
	t->done = done;
	t->arg = arg;

	switch (t->mode) {
	case NET_PROXY_MODE_NONE:
		decide(t, NET_PSRC_NONE, NULL, NULL);
		r = send_start(t);
		break;
	case NET_PROXY_MODE_MANUAL:
		decide(t, NET_PSRC_MANUAL, &t->manual, NULL);
		r = send_start(t);
		break;
	default:
		r = auto_start(t);
		break;
	}
	if (r < 0) {
		request_clear(t);
		return r;
	}
	return 0;
}

bool net_transport_busy(const struct net_transport *t)
{
	return t->state != ST_IDLE;
}

/*
 * Close every connection the transport holds, the idle kept-alive ones
 * too: a fresh multi handle replaces the old one, whose cleanup closes its
 * connection cache.  Nothing may be added to the multi (request_clear()
 * first).  Out of memory: the old multi stays, its idle connections too.
 */
static void close_connections(struct net_transport *t)
{
	CURLM *m = multi_new(t);

	if (!m) {
		log_warn("transport: out of memory: idle connections stay open");
		return;
	}
	curl_multi_cleanup(t->multi);
	t->multi = m;
	/* the old multi's timer, if it armed one, is meaningless now */
	t->ops.timer(t->ops.loop, -1);
}

bool net_transport_cancel(struct net_transport *t)
{
	bool busy;

	if (!t)
		return false;
	busy = t->state != ST_IDLE;
	request_clear(t);
	close_connections(t);
	return busy;
}

void net_transport_close_idle(struct net_transport *t)
{
	if (t && t->state == ST_IDLE)
		close_connections(t);
}

void net_transport_flush_proxy_cache(struct net_transport *t)
{
	t->cache_valid = false;
}

/* ---- public: the loop's side ---------------------------------------------- */

static void process_done(struct net_transport *t)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(t->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		if (m->easy_handle == t->easy && t->easy_added)
			attempt_done(t, m->data.result);
		else if (t->pac_easy && m->easy_handle == t->pac_easy && t->pac_easy_added)
			pac_fetch_done(t, m->data.result);
	}
}

void net_transport_on_fd(struct net_transport *t, int fd, unsigned events)
{
	int running = 0, flags = 0;
	struct tsock *ts;

	if (t->job && fd == pac_job_fd(t->job)) {
		if (pac_job_read(t->job) == 0)
			pac_eval_done(t);
		return;
	}
	ts = tsock_find(t, fd);
	if (ts && ts->parked) {
		/*
		 * The server wrote to, or closed, an idle connection: stop
		 * watching it (the event would come back at every wake-up);
		 * libcurl sees what became of it when it next uses it.
		 */
		tsock_unpark(t, ts);
		return;
	}
	if (events & NET_FD_IN)
		flags |= CURL_CSELECT_IN;
	if (events & NET_FD_OUT)
		flags |= CURL_CSELECT_OUT;
	if (events & NET_FD_ERR)
		flags |= CURL_CSELECT_ERR;
	curl_multi_socket_action(t->multi, fd, flags, &running);
	process_done(t);
}

void net_transport_on_timer(struct net_transport *t)
{
	int running = 0;

	curl_multi_socket_action(t->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	process_done(t);
}

void net_transport_free(struct net_transport *t)
{
	if (!t)
		return;
	request_clear(t);
	if (t->easy)
		curl_easy_cleanup(t->easy);
	if (t->pac_easy)
		curl_easy_cleanup(t->pac_easy);
	if (t->multi)
		curl_multi_cleanup(t->multi);
	if (t->share)
		curl_share_cleanup(t->share);
	net_tlsconf_free(t->tls);
	curl_slist_free_all(t->connect_to);
	free(t->resp.p);
	free(t->done_body.p);
	free(t->pac_buf.p);
	free(t->base_url);
	free(t->no_proxy);
	free(t->pac_url);
	free(t->pac_script);
	free(t->resolv_conf);
	free(t->hostname);
	explicit_bzero(&t->manual, sizeof(t->manual));
	explicit_bzero(&t->env_proxy, sizeof(t->env_proxy));
	free(t);
	curl_global_cleanup();
}
