/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/http: the HTTPS front end (libmicrohttpd over GnuTLS, TLS >= 1.2,
 * one thread per connection).  Routes the three endpoints; answers 404
 * for other paths, 405 (Allow: POST) for other methods, 415 for a
 * Content-Type other than application/json, 413 for a body over 64 KiB;
 * requires and verifies a client certificate when a client CA is given
 * (401 without a valid one); stores each body in the capture directory
 * when asked; applies the injected fault; logs every request.
 */
#ifndef ESOL_SERVER_HTTP_H
#define ESOL_SERVER_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "server/capture.h"
#include "server/fault.h"
#include "server/handlers.h"

struct http_config {
	const char *listen;		/* "ADDR:PORT" (numeric; [v6]:port), used if listen_fd < 0 */
	int listen_fd;			/* an already bound, listening socket, or -1 */
	const char *cert_pem;		/* server certificate chain, PEM (kept by the caller) */
	const char *key_pem;		/* its key */
	const char *client_ca_pem;	/* NULL: no client authentication */
	struct handlers *handlers;
	struct fault_state *fault;
	struct capture *capture;	/* NULL: do not capture */
};

struct http_server;

/* Bind and listen on "ADDR:PORT"; returns 0 and the socket, or a negative errno. */
int http_bind(const char *addr, int *fd, char *err, size_t errlen);
int http_start(const struct http_config *cfg, struct http_server **out, char *err, size_t errlen);
uint16_t http_port(const struct http_server *s);
/* Stop: wakes stalled and slow requests, waits for every connection thread. */
void http_stop(struct http_server *s);

#endif /* ESOL_SERVER_HTTP_H */
