// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/tlsauth: verify a device's client certificate (see tlsauth.h).
 */
#include <stdio.h>
#include <string.h>

#include <gnutls/x509.h>

#include "server/tlsauth.h"

enum tlsauth_result tlsauth_client(gnutls_session_t session, char cn[TLSAUTH_CN_MAX + 1],
				   char *why, size_t whylen)
{
	const gnutls_datum_t *peers;
	unsigned int npeers = 0, status = 0;
	gnutls_typed_vdata_st purpose = {
		.type = GNUTLS_DT_KEY_PURPOSE_OID,
		.data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT,
	};
	gnutls_x509_crt_t crt;
	size_t len = TLSAUTH_CN_MAX + 1;
	int rc;

	cn[0] = '\0';
	if (!session) {
		snprintf(why, whylen, "not a TLS connection");
		return TLSAUTH_NO_CERT;
	}
	peers = gnutls_certificate_get_peers(session, &npeers);
	if (!peers || npeers == 0) {
		snprintf(why, whylen, "no client certificate");
		return TLSAUTH_NO_CERT;
	}
	rc = gnutls_certificate_verify_peers(session, &purpose, 1, &status);
	if (rc < 0) {
		snprintf(why, whylen, "verification failed: %s", gnutls_strerror(rc));
		return TLSAUTH_UNTRUSTED;
	}
	if (status) {
		gnutls_datum_t out = { 0 };

		if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509,
								 &out, 0) == 0) {
			snprintf(why, whylen, "client certificate rejected: %s", out.data);
			gnutls_free(out.data);
		} else {
			snprintf(why, whylen, "client certificate rejected (status 0x%x)", status);
		}
		return TLSAUTH_UNTRUSTED;
	}
	if (gnutls_x509_crt_init(&crt) < 0) {
		snprintf(why, whylen, "out of memory");
		return TLSAUTH_BAD_CN;
	}
	rc = gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER);
	if (rc == 0)
		rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &len);
	gnutls_x509_crt_deinit(crt);
	if (rc < 0 || len == 0 || strlen(cn) != len) {
		cn[0] = '\0';
		snprintf(why, whylen, "client certificate has no usable CN");
		return TLSAUTH_BAD_CN;
	}
	return TLSAUTH_OK;
}
