/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/tlsfront: the TLS side of esol-server, done with GnuTLS here
 * rather than inside libmicrohttpd so that devices can resume sessions
 * (TLS session tickets; libmicrohttpd 0.9 offers no resumption, and a
 * printer's agent pays a full handshake on every poll without it).
 *
 * An accept thread takes each TCP connection; a thread per connection
 * does the handshake (TLS >= 1.2, client certificate requested and
 * verified when a client CA is given) and relays the plaintext over a
 * socketpair to libmicrohttpd (MHD_add_connection), which sees an
 * ordinary HTTP connection from the client's address.  The HTTP layer
 * asks tlsfront_auth() for the verified client identity of a
 * connection by its socket.
 */
#ifndef ESOL_SERVER_TLSFRONT_H
#define ESOL_SERVER_TLSFRONT_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "server/tlsauth.h"

#define TLSFRONT_MAX_CONN	64

struct tlsfront_config {
	int listen_fd;			/* bound and listening; closed by tlsfront_stop */
	const char *cert_pem;		/* server certificate chain */
	const char *key_pem;
	const char *client_ca_pem;	/* NULL: no client certificates */
	struct MHD_Daemon *daemon;	/* started with MHD_USE_NO_LISTEN_SOCKET */
};

struct tlsfront;

/* Check that the certificate, key (and client CA) load and belong together. */
int tlsfront_check(const char *cert_pem, const char *key_pem, const char *client_ca_pem,
		   char *err, size_t errlen);

int tlsfront_start(const struct tlsfront_config *cfg, struct tlsfront **out,
		   char *err, size_t errlen);
/* Stop accepting and end every relay (promptly, whatever the clients do). */
void tlsfront_shutdown(struct tlsfront *f);
/* Wait for the relays to finish and free everything (after MHD is stopped). */
void tlsfront_free(struct tlsfront *f);

struct tlsfront_peer {
	enum tlsauth_result auth;	/* TLSAUTH_NO_CERT when no client CA is configured */
	char cn[TLSAUTH_CN_MAX + 1];
	char why[192];
	bool resumed;			/* the TLS session was resumed */
	char version[16];		/* "TLS1.3" */
};

/* The TLS facts of the connection whose HTTP-side socket is fd; -ENOENT if unknown. */
int tlsfront_peer(struct tlsfront *f, int fd, struct tlsfront_peer *out);

#endif /* ESOL_SERVER_TLSFRONT_H */
