// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * netres: libcurl's answer -> transport status, reason, message (netres.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/x509_vfy.h>

#include "net/netres.h"

#define RETRY_AFTER_MAX (7 * 24 * 3600L)
/* 2020-01-01T00:00:00Z: a clock before this has not been set */
#define CLOCK_SANE_MIN 1577836800L

const char *net_status_name(enum net_status s)
{
	switch (s) {
	case NET_OK:			return "ok";
	case NET_E_CONFIG:		return "configuration error";
	case NET_E_DNS:			return "DNS failure";
	case NET_E_CONNECT:		return "cannot connect";
	case NET_E_TIMEOUT:		return "timeout";
	case NET_E_STALLED:		return "transfer stalled";
	case NET_E_TLS:			return "TLS failure";
	case NET_E_TLS_VERIFY:		return "server certificate refused";
	case NET_E_PROXY:		return "proxy failure";
	case NET_E_NETWORK:		return "network error";
	case NET_E_PROTOCOL:		return "protocol error";
	case NET_E_BODY_TOO_LARGE:	return "reply too large";
	case NET_E_HTTP_REDIRECT:	return "HTTP redirect (not followed)";
	case NET_E_HTTP_CLIENT:		return "HTTP client error";
	case NET_E_HTTP_SERVER:		return "HTTP server error";
	case NET_E_RETRY_LATER:		return "server busy, retry later";
	case NET_E_CANCELLED:		return "cancelled";
	case NET_E_NOMEM:		return "out of memory";
	case NET_E_INTERNAL:		return "internal error";
	}
	return "?";
}

const char *net_tls_reason_name(enum net_tls_reason r)
{
	switch (r) {
	case NET_TLS_NONE:		return "none";
	case NET_TLS_EXPIRED:		return "certificate expired";
	case NET_TLS_NOT_YET_VALID:	return "certificate not yet valid";
	case NET_TLS_HOSTNAME:		return "certificate is for another host name";
	case NET_TLS_UNKNOWN_CA:	return "certificate not issued by a trusted CA";
	case NET_TLS_PIN_MISMATCH:	return "public key does not match the pin";
	case NET_TLS_REVOKED:		return "certificate revoked";
	case NET_TLS_VERSION:		return "no common TLS version (TLS 1.2 or later required)";
	case NET_TLS_OTHER:		return "certificate refused";
	}
	return "?";
}

static bool has(const char *hay, const char *needle)
{
	return hay && strcasestr(hay, needle);
}

static enum net_tls_reason verify_reason(const struct net_raw *raw)
{
	/*
	 * libcurl checks the name itself once OpenSSL accepted the chain,
	 * and then reports X509_V_OK or X509_V_ERR_UNSPECIFIED.
	 */
	if (has(raw->errbuf, "target host name") || has(raw->errbuf, "does not match"))
		return NET_TLS_HOSTNAME;
	switch (raw->verify_result) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return NET_TLS_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return NET_TLS_NOT_YET_VALID;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		return NET_TLS_HOSTNAME;
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_CERT_UNTRUSTED:
	case X509_V_ERR_INVALID_CA:
		return NET_TLS_UNKNOWN_CA;
	case X509_V_ERR_CERT_REVOKED:
		return NET_TLS_REVOKED;
	default:
		return NET_TLS_OTHER;
	}
}

static void msg(struct net_result *r, const struct net_raw *raw,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void msg(struct net_result *r, const struct net_raw *raw,
		const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	n = strlen(r->message);
	if (raw->errbuf && raw->errbuf[0] && n + 4 < sizeof(r->message))
		snprintf(r->message + n, sizeof(r->message) - n, " (%s)", raw->errbuf);
}

static void classify_http(const struct net_raw *raw, struct net_result *r)
{
	long s = raw->http_status;
	const char *t = raw->target ? raw->target : "server";

	if (s >= 200 && s < 300) {
		r->status = NET_OK;
		r->retryable = false;
		snprintf(r->message, sizeof(r->message), "HTTP %ld", s);
	} else if (s == 429 || s == 503) {
		r->status = NET_E_RETRY_LATER;
		r->retryable = true;
		if (raw->retry_after_s >= 0)
			snprintf(r->message, sizeof(r->message),
				 "%s answered HTTP %ld: retry after %ld s", t, s,
				 raw->retry_after_s);
		else
			snprintf(r->message, sizeof(r->message),
				 "%s answered HTTP %ld: retry later", t, s);
	} else if (s >= 300 && s < 400) {
		r->status = NET_E_HTTP_REDIRECT;
		r->retryable = false;
		snprintf(r->message, sizeof(r->message),
			 "%s answered HTTP %ld redirecting to %.120s: redirects are not followed",
			 t, s, raw->location ? raw->location : "(no Location)");
	} else if (s >= 400 && s < 500) {
		r->status = NET_E_HTTP_CLIENT;
		r->retryable = s == 408;
		snprintf(r->message, sizeof(r->message), "%s answered HTTP %ld", t, s);
	} else if (s >= 500 && s < 600) {
		r->status = NET_E_HTTP_SERVER;
		r->retryable = true;
		snprintf(r->message, sizeof(r->message), "%s answered HTTP %ld", t, s);
	} else {
		r->status = NET_E_PROTOCOL;
		r->retryable = true;
		snprintf(r->message, sizeof(r->message),
			 "%s answered with HTTP status %ld", t, s);
	}
}

/* Did this attempt fail before a tunnel through the proxy was set up? */
static bool before_tunnel(const struct net_raw *raw)
{
	return raw->proxy_in_use && (raw->connect_code < 200 || raw->connect_code >= 300);
}

void net_classify(const struct net_raw *raw, time_t now, struct net_result *r)
{
	const char *t = raw->target ? raw->target : "server";

	r->curl_code = raw->curl_code;
	r->http_status = raw->http_status;
	r->retry_after_s = -1;
	r->tls_reason = NET_TLS_NONE;
	r->retryable = true;
	r->message[0] = '\0';

	if (raw->body_too_large || raw->curl_code == CURLE_FILESIZE_EXCEEDED) {
		r->status = NET_E_BODY_TOO_LARGE;
		r->retryable = false;
		snprintf(r->message, sizeof(r->message),
			 "the reply of %s (HTTP %ld) passed the size limit: aborted", t,
			 raw->http_status);
		return;
	}

	/* the proxy wants credentials (or other ones): whatever libcurl said */
	if (raw->proxy_in_use && raw->connect_code == 407 && raw->curl_code != CURLE_OK) {
		r->status = NET_E_PROXY;
		r->retryable = false;
		msg(r, raw, "the proxy wants (other) credentials: HTTP 407");
		return;
	}

	switch (raw->curl_code) {
	case CURLE_OK:
		classify_http(raw, r);
		if (r->status == NET_E_RETRY_LATER)
			r->retry_after_s = raw->retry_after_s;
		return;
	case CURLE_COULDNT_RESOLVE_HOST:
		r->status = NET_E_DNS;
		msg(r, raw, "cannot resolve %s", t);
		return;
	case CURLE_COULDNT_RESOLVE_PROXY:
		r->status = NET_E_PROXY;
		msg(r, raw, "cannot resolve the proxy");
		return;
	case CURLE_PROXY:
		r->status = NET_E_PROXY;
		msg(r, raw, "the proxy refused the connection");
		return;
	case CURLE_COULDNT_CONNECT:
		if (raw->proxy_in_use && raw->connect_code) {
			r->status = NET_E_PROXY;
			msg(r, raw, "the proxy could not open a tunnel to %s: HTTP %ld", t,
			    raw->connect_code);
		} else if (raw->proxy_in_use) {
			r->status = NET_E_PROXY;
			msg(r, raw, "cannot connect to the proxy");
		} else {
			r->status = NET_E_CONNECT;
			msg(r, raw, "cannot connect to %s: %s", t,
			    raw->os_errno == ECONNREFUSED ? "connection refused" :
			    raw->os_errno ? strerror((int)raw->os_errno) : "unreachable");
		}
		return;
	case CURLE_OPERATION_TIMEDOUT:
		if (has(raw->errbuf, "too slow")) {
			r->status = NET_E_STALLED;
			msg(r, raw, "the transfer with %s stalled", t);
		} else if (before_tunnel(raw)) {
			r->status = NET_E_PROXY;
			msg(r, raw, "timed out talking to the proxy");
		} else {
			r->status = NET_E_TIMEOUT;
			msg(r, raw, "timed out talking to %s", t);
		}
		return;
	case CURLE_PEER_FAILED_VERIFICATION:
		r->status = NET_E_TLS_VERIFY;
		r->tls_reason = verify_reason(raw);
		/* before the clock is set (no RTC, no NTP yet) this will pass */
		r->retryable = r->tls_reason == NET_TLS_NOT_YET_VALID &&
			       now < CLOCK_SANE_MIN;
		msg(r, raw, "%s: %s%s", t, net_tls_reason_name(r->tls_reason),
		    r->tls_reason == NET_TLS_NOT_YET_VALID && r->retryable ?
		    " (the local clock looks unset)" : "");
		return;
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		r->status = NET_E_TLS_VERIFY;
		r->tls_reason = NET_TLS_PIN_MISMATCH;
		r->retryable = false;
		msg(r, raw, "%s: %s", t, net_tls_reason_name(r->tls_reason));
		return;
	case CURLE_SSL_CONNECT_ERROR:
		if (before_tunnel(raw)) {
			r->status = NET_E_PROXY;
			msg(r, raw, "TLS with the proxy failed");
		} else if (has(raw->errbuf, "protocol version") ||
			   has(raw->errbuf, "unsupported protocol") ||
			   has(raw->errbuf, "wrong version number") ||
			   has(raw->errbuf, "no protocols available")) {
			r->status = NET_E_TLS;
			r->tls_reason = NET_TLS_VERSION;
			r->retryable = false;
			msg(r, raw, "%s: %s", t, net_tls_reason_name(r->tls_reason));
		} else {
			r->status = NET_E_TLS;
			msg(r, raw, "TLS handshake with %s failed", t);
		}
		return;
	case CURLE_SSL_CACERT_BADFILE:
		r->status = NET_E_CONFIG;
		r->retryable = false;
		msg(r, raw, "the CA file cannot be used");
		return;
	case CURLE_SSL_CERTPROBLEM:
		r->status = NET_E_CONFIG;
		r->retryable = false;
		msg(r, raw, "the client certificate or key cannot be used");
		return;
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_UNKNOWN_OPTION:
		r->status = NET_E_CONFIG;
		r->retryable = false;
		msg(r, raw, "%s", curl_easy_strerror((CURLcode)raw->curl_code));
		return;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		if (before_tunnel(raw)) {
			r->status = NET_E_PROXY;
			msg(r, raw, "the connection to the proxy failed");
		} else {
			r->status = NET_E_NETWORK;
			msg(r, raw, "the connection with %s failed", t);
		}
		return;
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
		r->status = before_tunnel(raw) ? NET_E_PROXY : NET_E_PROTOCOL;
		msg(r, raw, "%s did not answer in HTTP we understand",
		    r->status == NET_E_PROXY ? "the proxy" : t);
		return;
	case CURLE_ABORTED_BY_CALLBACK:
		r->status = NET_E_CANCELLED;
		r->retryable = false;
		msg(r, raw, "cancelled");
		return;
	case CURLE_OUT_OF_MEMORY:
		r->status = NET_E_NOMEM;
		msg(r, raw, "out of memory");
		return;
	default:
		r->status = NET_E_INTERNAL;
		msg(r, raw, "libcurl: %s", curl_easy_strerror((CURLcode)raw->curl_code));
		return;
	}
}

bool net_route_failed(const struct net_result *r, bool via_proxy)
{
	if (r->status == NET_E_PROXY)
		return true;
	return !via_proxy && (r->status == NET_E_DNS || r->status == NET_E_CONNECT);
}

long net_parse_retry_after(const char *v, time_t now)
{
	const char *p = v;
	time_t t;

	if (!v)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (isdigit((unsigned char)*p)) {
		long s = 0;

		for (; isdigit((unsigned char)*p); p++) {
			if (s <= RETRY_AFTER_MAX)
				s = s * 10 + (*p - '0');
		}
		while (isspace((unsigned char)*p))
			p++;
		if (*p)
			return -1;
		return s > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : s;
	}
	t = curl_getdate(p, NULL);
	if (t == (time_t)-1)
		return -1;
	if (t <= now)
		return 0;
	return t - now > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (long)(t - now);
}
