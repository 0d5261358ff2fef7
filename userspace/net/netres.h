/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * netres: what became of one HTTPS exchange, and how libcurl's answer
 * maps onto it.
 *
 * The layers (as SWUpdate's channel does it): a libcurl code plus what
 * libcurl knows about the exchange (HTTP status, CONNECT status, the TLS
 * verify result, errno...) -> a transport status with a reason and a
 * retryable flag -> (in the agent) what the server meant.  The mapping is
 * a pure function of its inputs (and the clock, for "not yet valid"), so
 * it is tested without a network.
 */
#ifndef ESOL_NET_NETRES_H
#define ESOL_NET_NETRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "net/proxy.h"

enum net_status {
	NET_OK,			/* HTTP 2xx */
	NET_E_CONFIG,		/* a setting is wrong (URL, CA file, cert...) */
	NET_E_DNS,		/* the server's name does not resolve */
	NET_E_CONNECT,		/* TCP connect refused or unreachable */
	NET_E_TIMEOUT,		/* connect or total timeout */
	NET_E_STALLED,		/* the transfer fell below the low-speed limit */
	NET_E_TLS,		/* TLS handshake failed (protocol, cipher...) */
	NET_E_TLS_VERIFY,	/* the server's certificate was refused */
	NET_E_PROXY,		/* the proxy failed (resolve, connect, 407, 5xx) */
	NET_E_NETWORK,		/* send/receive failed, connection dropped */
	NET_E_PROTOCOL,		/* not an HTTP answer we understand */
	NET_E_BODY_TOO_LARGE,	/* the reply passed the size limit: aborted */
	NET_E_HTTP_REDIRECT,	/* 3xx: not followed */
	NET_E_HTTP_CLIENT,	/* 4xx other than 429 */
	NET_E_HTTP_SERVER,	/* 5xx other than 503 */
	NET_E_RETRY_LATER,	/* 429 or 503: come back later (retry_after_s) */
	NET_E_CANCELLED,	/* cancelled by the caller */
	NET_E_NOMEM,
	NET_E_INTERNAL,
};
const char *net_status_name(enum net_status s);

enum net_tls_reason {
	NET_TLS_NONE,
	NET_TLS_EXPIRED,
	NET_TLS_NOT_YET_VALID,
	NET_TLS_HOSTNAME,	/* the certificate is for another name */
	NET_TLS_UNKNOWN_CA,	/* no chain to a trusted CA (incl. self-signed) */
	NET_TLS_PIN_MISMATCH,	/* the public key is not the pinned one */
	NET_TLS_REVOKED,
	NET_TLS_VERSION,	/* no common protocol version (server < TLS 1.2) */
	NET_TLS_OTHER,
};
const char *net_tls_reason_name(enum net_tls_reason r);

#define NET_MSG_MAX 256

/* One try through one proxy candidate. */
struct net_attempt {
	char proxy[NET_PROXY_STR_MAX];
	enum net_status status;
	long http_status;
	char message[NET_MSG_MAX];
};

struct net_result {
	enum net_status status;
	enum net_tls_reason tls_reason;
	bool retryable;		/* worth trying again later as it is */
	long http_status;	/* 0: no HTTP answer */
	long retry_after_s;	/* Retry-After in seconds, -1: none */
	int curl_code;
	char message[NET_MSG_MAX];	/* for people: what went wrong */

	/* what was sent and received, headers and bodies, all attempts */
	uint64_t bytes_sent;
	uint64_t bytes_received;

	/* the route of the last attempt (the one that counts) */
	enum net_proxy_source proxy_source;
	char proxy_used[NET_PROXY_STR_MAX];	/* "DIRECT", "PROXY h:p"... */
	char proxy_note[NET_MSG_MAX];	/* e.g. why a PAC was not used */
	struct net_proxy_list cands;	/* every candidate (no credentials) */
	unsigned n_attempts;
	struct net_attempt attempts[NET_MAX_CANDS];

	/* the reply body (also for non-2xx), owned by the transport */
	const char *body;
	size_t body_len;
};

/* What libcurl said about one attempt: net_classify()'s input. */
struct net_raw {
	int curl_code;		/* CURLcode */
	long http_status;	/* CURLINFO_RESPONSE_CODE */
	long connect_code;	/* CURLINFO_HTTP_CONNECTCODE (proxy CONNECT) */
	long verify_result;	/* CURLINFO_SSL_VERIFYRESULT (X509_V_*) */
	long os_errno;		/* CURLINFO_OS_ERRNO */
	long retry_after_s;	/* parsed Retry-After, -1: none */
	bool proxy_in_use;	/* the attempt went to a proxy */
	bool body_too_large;	/* our write callback stopped it */
	const char *errbuf;	/* CURLOPT_ERRORBUFFER text, may be empty */
	const char *location;	/* a redirect's Location, may be NULL */
	const char *target;	/* host[:port] for messages */
};

/*
 * Fill r's status, tls_reason, retryable, http_status, retry_after_s,
 * curl_code and message from raw.  now: the current wall-clock time (a
 * certificate "not yet valid" is retryable while the clock looks unset,
 * before 2020).
 */
void net_classify(const struct net_raw *raw, time_t now, struct net_result *r);

/*
 * Is this a failure of the route rather than of the server, so that the
 * next proxy candidate should be tried?  Proxy failures always; for DIRECT,
 * failing to resolve or connect.  Never once the request may have reached
 * the server.
 */
bool net_route_failed(const struct net_result *r, bool via_proxy);

/*
 * Parse a Retry-After value: delta-seconds or an HTTP-date (relative to
 * now).  Returns seconds (>= 0, capped at 7 days) or -1 when malformed.
 */
long net_parse_retry_after(const char *v, time_t now);

#endif /* ESOL_NET_NETRES_H */
