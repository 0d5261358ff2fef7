// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* tlsconf: TLS material parsed once, given to each connection; see tlsconf.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "net/tlsconf.h"

struct net_tlsconf {
	char *ca_file, *cert_file, *key_file;	/* for the file-based set-up */
	bool parsed;				/* all of it; else the files */
	X509_STORE *store;			/* NULL: the system's CAs */
	X509 *cert;				/* NULL: no client certificate */
	STACK_OF(X509) *chain;			/* the certificates after it */
	EVP_PKEY *key;
};

static void seterr(char *err, size_t len, const char *what, const char *path)
{
	unsigned long e = ERR_get_error();
	char why[160] = "not PEM, or unreadable";

	if (e)
		ERR_error_string_n(e, why, sizeof(why));
	ERR_clear_error();
	if (err && len)
		snprintf(err, len, "%s: %s: %s", what, path, why);
}

static int load_store(struct net_tlsconf *tc, const char *path, char *err, size_t len)
{
	tc->store = X509_STORE_new();
	if (!tc->store)
		return -ENOMEM;
	if (X509_STORE_load_file(tc->store, path) != 1) {
		seterr(err, len, "ca_file", path);
		return -EINVAL;
	}
	return 0;
}

static int load_cert(struct net_tlsconf *tc, const char *path, char *err, size_t len)
{
	BIO *b = BIO_new_file(path, "r");
	X509 *x;

	if (!b) {
		seterr(err, len, "client_cert", path);
		return -EINVAL;
	}
	tc->cert = PEM_read_bio_X509_AUX(b, NULL, NULL, NULL);
	tc->chain = sk_X509_new_null();
	if (!tc->cert || !tc->chain) {
		BIO_free(b);
		seterr(err, len, "client_cert", path);
		return -EINVAL;
	}
	while ((x = PEM_read_bio_X509(b, NULL, NULL, NULL))) {
		if (!sk_X509_push(tc->chain, x)) {
			X509_free(x);
			BIO_free(b);
			return -ENOMEM;
		}
	}
	ERR_clear_error();	/* the end of the file */
	BIO_free(b);
	return 0;
}

static int load_key(struct net_tlsconf *tc, const char *path, char *err, size_t len)
{
	BIO *b = BIO_new_file(path, "r");

	if (!b) {
		seterr(err, len, "client_key", path);
		return -EINVAL;
	}
	tc->key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!tc->key) {
		seterr(err, len, "client_key", path);
		return -EINVAL;
	}
	if (X509_check_private_key(tc->cert, tc->key) != 1) {
		ERR_clear_error();
		if (err && len)
			snprintf(err, len, "client_key: %s is not the key of %s", path,
				 tc->cert_file);
		return -EINVAL;
	}
	return 0;
}

int net_tlsconf_new(const char *ca_file, const char *client_cert,
		    const char *client_key, struct net_tlsconf **out,
		    char *err, size_t len)
{
	struct net_tlsconf *tc;
	int r = 0;

	*out = NULL;
	if (!client_cert != !client_key) {
		if (err && len)
			snprintf(err, len, "set client_cert and client_key together");
		return -EINVAL;
	}
	tc = calloc(1, sizeof(*tc));
	if (!tc)
		return -ENOMEM;
	if ((ca_file && !(tc->ca_file = strdup(ca_file))) ||
	    (client_cert && !(tc->cert_file = strdup(client_cert))) ||
	    (client_key && !(tc->key_file = strdup(client_key))))
		r = -ENOMEM;
	if (!r && ca_file)
		r = load_store(tc, ca_file, err, len);
	if (!r && client_cert)
		r = load_cert(tc, client_cert, err, len);
	if (!r && client_key)
		r = load_key(tc, client_key, err, len);
	if (r == -ENOMEM) {
		if (err && len)
			snprintf(err, len, "out of memory");
		net_tlsconf_free(tc);
		return r;
	}
	tc->parsed = r == 0;
	*out = tc;
	return r;
}

void net_tlsconf_free(struct net_tlsconf *tc)
{
	if (!tc)
		return;
	X509_STORE_free(tc->store);
	X509_free(tc->cert);
	sk_X509_pop_free(tc->chain, X509_free);
	EVP_PKEY_free(tc->key);
	free(tc->ca_file);
	free(tc->cert_file);
	free(tc->key_file);
	free(tc);
}

/*
 * libcurl made a fresh SSL_CTX for a new connection (curl 7.88: one per
 * connection): give it the parsed material.  Only references are taken
 * (the store, the certificate and key are shared, never copied).
 */
static CURLcode ssl_ctx_cb(CURL *h, void *sslctx, void *arg)
{
	const struct net_tlsconf *tc = arg;
	SSL_CTX *ctx = sslctx;

	(void)h;
	if (tc->store)
		SSL_CTX_set1_cert_store(ctx, tc->store);
	if (tc->cert &&
	    (SSL_CTX_use_certificate(ctx, tc->cert) != 1 ||
	     SSL_CTX_set1_chain(ctx, tc->chain) != 1 ||
	     SSL_CTX_use_PrivateKey(ctx, tc->key) != 1)) {
		ERR_clear_error();
		return CURLE_SSL_CERTPROBLEM;
	}
	return CURLE_OK;
}

#define SET(opt, val) do { if (curl_easy_setopt(h, opt, val) != CURLE_OK) return -EINVAL; } while (0)

int net_tlsconf_apply(const struct net_tlsconf *tc, CURL *h, bool parsed)
{
	if (parsed && tc->parsed) {
		/* libcurl loads nothing; the callback sets it all */
		if (tc->store) {
			SET(CURLOPT_CAINFO, NULL);
			SET(CURLOPT_CAPATH, NULL);
		}
		SET(CURLOPT_SSLCERT, NULL);
		SET(CURLOPT_SSLKEY, NULL);
		SET(CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
		SET(CURLOPT_SSL_CTX_DATA, (void *)tc);
		return 0;
	}
	SET(CURLOPT_SSL_CTX_FUNCTION, NULL);
	SET(CURLOPT_SSL_CTX_DATA, NULL);
	if (tc->ca_file)
		SET(CURLOPT_CAINFO, tc->ca_file);
	SET(CURLOPT_SSLCERT, tc->cert_file);
	SET(CURLOPT_SSLCERTTYPE, "PEM");
	SET(CURLOPT_SSLKEY, tc->key_file);
	SET(CURLOPT_SSLKEYTYPE, "PEM");
	return 0;
}
