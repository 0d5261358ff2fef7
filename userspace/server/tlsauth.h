/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/tlsauth: client-certificate authentication of a device on an
 * established GnuTLS session: the peer's chain must verify against the
 * trusted client CA (set on the credentials), be valid now, and allow
 * TLS client authentication; the device is the certificate's subject CN.
 */
#ifndef ESOL_SERVER_TLSAUTH_H
#define ESOL_SERVER_TLSAUTH_H

#include <stddef.h>

#include <gnutls/gnutls.h>

enum tlsauth_result {
	TLSAUTH_OK,
	TLSAUTH_NO_CERT,	/* the client sent no certificate */
	TLSAUTH_UNTRUSTED,	/* it does not verify (CA, dates, purpose) */
	TLSAUTH_BAD_CN,		/* no usable subject CN */
};

#define TLSAUTH_CN_MAX 64

/* On TLSAUTH_OK, cn holds the subject CN; otherwise why says what failed. */
enum tlsauth_result tlsauth_client(gnutls_session_t session, char cn[TLSAUTH_CN_MAX + 1],
				   char *why, size_t whylen);

#endif /* ESOL_SERVER_TLSAUTH_H */
