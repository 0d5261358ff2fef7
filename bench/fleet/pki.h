/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * bench/fleet/pki: the fleet's PKI, made for the run with OpenSSL: a
 * fleet CA, a server certificate for 127.0.0.1/localhost, and one client
 * certificate per simulated device (EC P-256, subject CN = device id,
 * extendedKeyUsage clientAuth), issued in memory when the device first
 * connects, as a provisioned printer would hold its own.  A device's key
 * and certificate stay OpenSSL objects (no PEM round trip: OpenSSL 3's
 * PEM key decoder alone costs more than making the key and signing the
 * certificate).
 */
#ifndef ESOL_BENCH_FLEET_PKI_H
#define ESOL_BENCH_FLEET_PKI_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct fleet_pki;

/* Write DIR/ca.crt, ca.key, server.crt, server.key. */
int pki_create(const char *dir, char *err, size_t errlen);
/* Load DIR's CA to issue device certificates. */
int pki_load(const char *dir, struct fleet_pki **out, char *err, size_t errlen);
/* A key and certificate for cn, both PEM, malloc'd. */
int pki_issue(struct fleet_pki *p, const char *cn, char **cert_pem, size_t *cert_len,
	      char **key_pem, size_t *key_len);
/* The same as objects (the caller frees them). */
int pki_issue_x509(const struct fleet_pki *p, const char *cn, X509 **cert, EVP_PKEY **key);
/* libcurl's pin of DIR/server.crt's public key: "sha256//BASE64". */
const char *pki_server_pin(const struct fleet_pki *p);
void pki_free(struct fleet_pki *p);

#endif /* ESOL_BENCH_FLEET_PKI_H */
