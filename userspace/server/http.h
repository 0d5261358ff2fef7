/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/http: esol-server's HTTP side, on libmicrohttpd, in one of two
 * modes:
 *  - embedded (the default): HTTPS through server/tlsfront (GnuTLS,
 *    TLS >= 1.2, session tickets), which relays each connection to
 *    libmicrohttpd, one thread per connection; for the demo, the tests
 *    and a small fleet;
 *  - behind a front (nginx): plain HTTP on a unix socket or a loopback
 *    address, every connection served by one libmicrohttpd epoll thread
 *    (no thread per connection, no relay), which answers a poll the poll
 *    cache decides at once and hands whatever may wait (the database,
 *    an injected delay) to `threads` workers (server/workq), the
 *    connection suspended meanwhile.  The front terminates TLS and
 *    verifies the client certificate, and tells the server the result
 *    in the X-Esol-Client-Verify and X-Esol-Client-CN request headers,
 *    which it sets on every request, replacing any a client sent.  Only
 *    the front can reach the listener, so only the front is believed.
 * Routes the three endpoints; answers 404 for other paths, 405 (Allow:
 * POST) for other methods, 415 for a Content-Type other than
 * application/json, 413 for a body over 64 KiB; requires a verified
 * client certificate when configured (401 without a valid one); stores
 * each body in the capture directory when asked; applies the injected
 * fault; logs every request.
 */
#ifndef ESOL_SERVER_HTTP_H
#define ESOL_SERVER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/capture.h"
#include "server/fault.h"
#include "server/handlers.h"

#define HTTP_FRONT_VERIFY	"X-Esol-Client-Verify"	/* nginx's $ssl_client_verify */
#define HTTP_FRONT_CN		"X-Esol-Client-CN"	/* the certificate's subject CN */
#define HTTP_FRONT_TLS		"X-Esol-TLS"		/* "$ssl_protocol $ssl_session_reused" */

struct http_config {
	const char *listen;		/* "ADDR:PORT" (numeric; [v6]:port), or "unix:PATH"
					 * behind a front; used if listen_fd < 0 */
	int listen_fd;			/* an already bound, listening socket, or -1 */
	bool behind_front;		/* plain HTTP; identity from the front's headers */
	bool require_client_cert;	/* 401 without a verified client certificate */
	unsigned int threads;		/* behind a front: worker threads (0: 4) */
	const char *cert_pem;		/* embedded: server certificate chain, PEM (kept by the caller) */
	const char *key_pem;		/* its key */
	const char *client_ca_pem;	/* embedded: NULL, no client authentication */
	struct handlers *handlers;
	struct fault_state *fault;
	struct capture *capture;	/* NULL: do not capture */
};

struct http_server;

/*
 * Bind and listen on "ADDR:PORT", or "unix:PATH" (a stale socket file is
 * replaced; the socket is made rw for all: the directory it is in is
 * what keeps others out).  Returns 0 and the socket, or a negative errno.
 */
int http_bind(const char *addr, int *fd, char *err, size_t errlen);
/* "unix:PATH", or an address on the loopback: the only places a front may be. */
bool http_front_listen_ok(const char *addr);
int http_start(const struct http_config *cfg, struct http_server **out, char *err, size_t errlen);
uint16_t http_port(const struct http_server *s);
/* Stop: wakes stalled and slow requests, waits for every connection thread. */
void http_stop(struct http_server *s);

#endif /* ESOL_SERVER_HTTP_H */
