/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * transport: esold's one HTTPS channel to the Communication Server.
 *
 * Driven by the caller's event loop through libcurl's multi-socket
 * interface: the transport tells the loop which fds to watch and when to
 * call back (struct net_loop_ops); the loop tells the transport what
 * happened (net_transport_on_fd/on_timer).  Between transfers the
 * transport arms no timer and watches only the connections kept alive,
 * for input (they are parked: left in the loop's watch, so that the next
 * transfer on one adds and removes nothing).  An idle connection makes no
 * event until the server closes it; that event unwatches it, and so does
 * closing it (net_transport_close_idle).  So the process sleeps.
 * netsync.h wraps it all in a blocking call for tools and tests.
 *
 * One request at a time: the proxy candidates are chosen (manual, the
 * environment, a PAC script fetched once and cached, or DIRECT), the
 * request is sent through the first candidate, then the next one if the
 * route failed before the server was reached, and the completion callback
 * gets one net_result.  One easy handle and a share (TLS sessions, DNS)
 * live as long as the transport, so TLS sessions are resumed across polls.
 *
 * Security: https:// only (http:// is a configuration error), the
 * server's certificate and name verified against ca_file, TLS >= 1.2,
 * optional public-key pin, a client certificate when one is configured,
 * redirects never followed (a 3xx is reported), replies size-limited.
 * Plain http is allowed for one thing only: fetching a PAC file.
 */
#ifndef ESOL_NET_TRANSPORT_H
#define ESOL_NET_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "net/netres.h"
#include "net/pac.h"
#include "net/proxy.h"

enum net_proxy_mode {
	NET_PROXY_MODE_NONE,	/* always DIRECT (the environment is ignored) */
	NET_PROXY_MODE_MANUAL,	/* always the configured proxy */
	NET_PROXY_MODE_AUTO,	/* environment, then PAC (configured or WPAD) */
};
const char *net_proxy_mode_name(enum net_proxy_mode m);
/* "none", "manual", "auto" -> mode, or -1. */
int net_proxy_mode_from_name(const char *s);

struct net_proxy_config {
	enum net_proxy_mode mode;
	/* manual */
	const char *host;
	unsigned port;
	const char *user;		/* NULL: no credentials */
	const char *password;
	/* auto */
	struct net_proxy_env env;	/* see net_proxy_env_load(); zero: none */
	const char *pac_url;		/* http(s) URL of a PAC; NULL: WPAD */
	const char *pac_script;		/* a PAC given inline (tools, tests) */
	bool no_wpad;			/* do not look for wpad.<domain> */
	const char *resolv_conf;	/* NULL: /etc/resolv.conf */
	const char *hostname;		/* NULL: gethostname() */
	long pac_ttl_s;			/* PAC cache lifetime; 0: 3600, <0: none */
	long pac_fetch_timeout_ms;	/* 0: 10000 */
	size_t pac_max_size;		/* 0: 256 KiB */
	struct pac_opts pac;		/* evaluation limits, DNS, clock */
};

struct net_config {
	const char *server_url;		/* https://host[:port][/base] */
	const char *ca_file;		/* NULL: the system's CAs */
	const char *pin;		/* NULL or "sha256//<base64>[;sha256//...]" */
	const char *client_cert;	/* PEM; with client_key, or neither */
	const char *client_key;
	const char *user_agent;		/* NULL: "esold" */
	long connect_timeout_ms;	/* 0: 15000 */
	long total_timeout_ms;		/* 0: 60000, per attempt */
	long low_speed_limit;		/* bytes/s; 0: 16 */
	long low_speed_time_s;		/* below the limit this long: abort; 0: 30 */
	size_t max_response;		/* reply body cap; 0: 64 KiB */
	/*
	 * curl --connect-to entries "HOST:PORT:CONNECT-HOST:CONNECT-PORT"
	 * (NULL-terminated, may be NULL): for field diagnosis and tests.
	 */
	const char *const *connect_to;
	struct net_proxy_config proxy;
};

/*
 * Validate a configuration without touching the network: https:// URL
 * with a host and no query, readable CA/cert/key files, a well-formed pin,
 * the proxy settings.  Returns 0, or -EINVAL with a message naming the
 * setting in err.
 */
int net_config_check(const struct net_config *c, char *err, size_t errlen);

/* Readiness, as the loop reports it and the transport asks for it. */
enum {
	NET_FD_IN = 1,
	NET_FD_OUT = 2,
	NET_FD_ERR = 4,		/* error or hang-up (reported, never asked for) */
};

struct net_loop_ops {
	/*
	 * Watch fd for events (NET_FD_IN|NET_FD_OUT), change what is
	 * watched, or stop (events == 0: the fd may be closed right after).
	 * *slot is the loop's own per-fd pointer: NULL the first time an fd
	 * is watched, kept by the transport and handed back on every call
	 * for that fd until events == 0.  Returns 0 or -errno.
	 */
	int (*watch)(void *loop, int fd, unsigned events, void **slot);
	/*
	 * Arm the transport's single timer: call net_transport_on_timer()
	 * after ms milliseconds (0: soon, from the loop, not from here);
	 * ms < 0: disarm.  A monotonic clock, please.
	 */
	int (*timer)(void *loop, long ms);
	void *loop;
};

struct net_transport;

/*
 * Make a transport.  cfg is checked (net_config_check) and copied; ops
 * is copied.  Returns 0 and *out, or -errno with a message in err.
 */
int net_transport_new(const struct net_config *cfg,
		      const struct net_loop_ops *ops, struct net_transport **out,
		      char *err, size_t errlen);
/* Cancel what is in flight (no callback) and free.  NULL is fine. */
void net_transport_free(struct net_transport *t);

enum net_method { NET_POST, NET_GET };

struct net_request {
	enum net_method method;
	const char *path;		/* appended to server_url: "/v1/poll" */
	const char *body;		/* POST body, copied at start */
	size_t body_len;
	const char *content_type;	/* NULL: application/json */
};

/*
 * The completion callback: called once per started request, from
 * net_transport_on_fd/on_timer, never from net_transport_start.  r and
 * r->body are valid only during the call.  It may start the next request
 * or cancel, but must not free the transport.
 */
typedef void (*net_done_fn)(void *arg, const struct net_result *r);

/*
 * Start a request.  Returns 0, -EBUSY while one is in flight, -EINVAL for
 * a bad path, or -errno.
 */
int net_transport_start(struct net_transport *t, const struct net_request *req,
			net_done_fn done, void *arg);
bool net_transport_busy(const struct net_transport *t);
/*
 * Stop all traffic (participation turned off): what is in flight is
 * aborted at once, whatever its stage (a DNS lookup still waiting for an
 * answer is abandoned, not waited for; a PAC fetch stopped, a PAC
 * evaluation killed), and every connection the transport holds is
 * closed, the idle kept-alive ones too.  TLS sessions and the DNS cache
 * are kept.  The callback is NOT called.  Returns true when a request was
 * cancelled.
 */
bool net_transport_cancel(struct net_transport *t);
/*
 * Close the connections kept alive after the last transfer (a transfer in
 * flight is left alone).  The caller does it when the connection has been
 * idle for less than the server's idle timeout, so the next request never
 * meets a connection the server has dropped; it resumes the TLS session
 * on a new one.  TLS sessions and the DNS cache are kept.
 */
void net_transport_close_idle(struct net_transport *t);

/* The loop's side. */
void net_transport_on_fd(struct net_transport *t, int fd, unsigned events);
void net_transport_on_timer(struct net_transport *t);

/* Forget the cached PAC result (e.g. the network changed). */
void net_transport_flush_proxy_cache(struct net_transport *t);

#endif /* ESOL_NET_TRANSPORT_H */
