// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * bench/fleet/pki: the fleet's PKI over OpenSSL 3 (see pki.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki.h"

#define DEV_EXTS 3

struct fleet_pki {
	EVP_PKEY *ca_key;
	X509 *ca;
	X509_EXTENSION *dev_ext[DEV_EXTS];	/* a device certificate's, made once */
	char server_pin[64];		/* "sha256//" + base64 of server.crt's key */
};

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ex;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ex)
		return -1;
	X509_add_ext(cert, ex, -1);
	X509_EXTENSION_free(ex);
	return 0;
}

/*
 * A certificate for key, signed by (issuer, ikey), or self-signed when
 * issuer is NULL: its extensions as text (ext, name/value pairs, NULL
 * ended) and/or made already (exts[0..nexts)).
 */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
		       long days, const char *const *ext, X509_EXTENSION *const *exts,
		       size_t nexts)
{
	X509 *c = X509_new();
	X509_NAME *name;
	unsigned char serial[16];
	BIGNUM *bn;

	if (!c)
		return NULL;
	X509_set_version(c, 2);
	RAND_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
	BN_free(bn);
	X509_gmtime_adj(X509_getm_notBefore(c), -3600);
	X509_gmtime_adj(X509_getm_notAfter(c), days * 86400);
	X509_set_pubkey(c, key);
	name = X509_get_subject_name(c);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"esol fleet",
				   -1, -1, 0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
	for (; ext && ext[0]; ext += 2)
		if (add_ext(c, issuer ? issuer : c, OBJ_txt2nid(ext[0]), ext[1]))
			goto bad;
	for (size_t i = 0; i < nexts; i++)
		if (!X509_add_ext(c, exts[i], -1))
			goto bad;
	if (!X509_sign(c, ikey ? ikey : key, EVP_sha256()))
		goto bad;
	return c;
bad:
	X509_free(c);
	return NULL;
}

static int write_pem(const char *dir, const char *name, X509 *cert, EVP_PKEY *key,
		     char *err, size_t errlen)
{
	char path[4096];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	ok = cert ? PEM_write_X509(f, cert) :
		    PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	if (fclose(f) != 0 || !ok) {
		snprintf(err, errlen, "%s: write failed", path);
		return -EIO;
	}
	return 0;
}

int pki_create(const char *dir, char *err, size_t errlen)
{
	static const char *const ca_ext[] = {
		"basicConstraints", "critical,CA:TRUE", "keyUsage", "critical,keyCertSign,cRLSign",
		"subjectKeyIdentifier", "hash", NULL,
	};
	static const char *const srv_ext[] = {
		"basicConstraints", "critical,CA:FALSE", "keyUsage", "critical,digitalSignature",
		"extendedKeyUsage", "serverAuth", "subjectAltName", "IP:127.0.0.1,DNS:localhost",
		NULL,
	};
	EVP_PKEY *cak = EVP_EC_gen("P-256"), *sk = EVP_EC_gen("P-256");
	X509 *ca = NULL, *srv = NULL;
	int r = -EIO;

	if (!cak || !sk)
		goto out;
	ca = make_cert(cak, "esol fleet CA", NULL, NULL, 30, ca_ext, NULL, 0);
	srv = ca ? make_cert(sk, "localhost", ca, cak, 30, srv_ext, NULL, 0) : NULL;
	if (!srv) {
		snprintf(err, errlen, "cannot make the fleet certificates");
		goto out;
	}
	r = write_pem(dir, "ca.crt", ca, NULL, err, errlen);
	if (!r)
		r = write_pem(dir, "ca.key", NULL, cak, err, errlen);
	if (!r)
		r = write_pem(dir, "server.crt", srv, NULL, err, errlen);
	if (!r)
		r = write_pem(dir, "server.key", NULL, sk, err, errlen);
out:
	X509_free(ca);
	X509_free(srv);
	EVP_PKEY_free(cak);
	EVP_PKEY_free(sk);
	return r;
}

/* "sha256//" and the base64 SHA-256 of DIR/server.crt's public key (libcurl's pin). */
static int server_pin(const char *dir, char *pin, size_t len)
{
	unsigned char *der = NULL, md[32];
	char path[4096];
	X509 *c = NULL;
	FILE *f;
	int n, r = -EIO;

	snprintf(path, sizeof(path), "%s/server.crt", dir);
	f = fopen(path, "re");
	if (f) {
		c = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	n = c ? i2d_PUBKEY(X509_get0_pubkey(c), &der) : -1;
	if (n > 0 && EVP_Digest(der, (size_t)n, md, NULL, EVP_sha256(), NULL) &&
	    len >= 8 + 45) {
		memcpy(pin, "sha256//", 8);
		EVP_EncodeBlock((unsigned char *)pin + 8, md, sizeof(md));
		r = 0;
	}
	OPENSSL_free(der);
	X509_free(c);
	return r;
}

static int dev_exts(struct fleet_pki *p)
{
	static const char *const ext[DEV_EXTS][2] = {
		{ "basicConstraints", "critical,CA:FALSE" },
		{ "keyUsage", "critical,digitalSignature" },
		{ "extendedKeyUsage", "clientAuth" },
	};

	for (int i = 0; i < DEV_EXTS; i++) {
		p->dev_ext[i] = X509V3_EXT_conf_nid(NULL, NULL, OBJ_txt2nid(ext[i][0]), ext[i][1]);
		if (!p->dev_ext[i])
			return -1;
	}
	return 0;
}

int pki_load(const char *dir, struct fleet_pki **out, char *err, size_t errlen)
{
	struct fleet_pki *p = calloc(1, sizeof(*p));
	char path[4096];
	FILE *f;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/ca.crt", dir);
	f = fopen(path, "re");
	if (f) {
		p->ca = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/ca.key", dir);
	f = fopen(path, "re");
	if (f) {
		p->ca_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!p->ca || !p->ca_key) {
		snprintf(err, errlen, "%s: no fleet CA (ca.crt, ca.key); run `esol-fleet pki`", dir);
		pki_free(p);
		return -ENOENT;
	}
	if (server_pin(dir, p->server_pin, sizeof(p->server_pin)) || dev_exts(p)) {
		snprintf(err, errlen, "%s: cannot read server.crt or make the device extensions",
			 dir);
		pki_free(p);
		return -EIO;
	}
	*out = p;
	return 0;
}

const char *pki_server_pin(const struct fleet_pki *p)
{
	return p->server_pin;
}

static char *bio_take(BIO *b, size_t *len)
{
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *copy = n > 0 ? malloc((size_t)n + 1) : NULL;

	if (copy) {
		memcpy(copy, data, (size_t)n);
		copy[n] = '\0';
		*len = (size_t)n;
	}
	return copy;
}

int pki_issue_x509(const struct fleet_pki *p, const char *cn, X509 **cert, EVP_PKEY **key)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *c = k ? make_cert(k, cn, p->ca, p->ca_key, 30, NULL, p->dev_ext, DEV_EXTS) : NULL;

	if (!c) {
		EVP_PKEY_free(k);
		return -EIO;
	}
	*cert = c;
	*key = k;
	return 0;
}

int pki_issue(struct fleet_pki *p, const char *cn, char **cert_pem, size_t *cert_len,
	      char **key_pem, size_t *key_len)
{
	EVP_PKEY *k = NULL;
	X509 *c = NULL;
	BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_mem());
	int r = -EIO;

	*cert_pem = *key_pem = NULL;
	if (cb && kb && pki_issue_x509(p, cn, &c, &k) == 0 && PEM_write_bio_X509(cb, c) &&
	    PEM_write_bio_PrivateKey(kb, k, NULL, NULL, 0, NULL, NULL)) {
		*cert_pem = bio_take(cb, cert_len);
		*key_pem = bio_take(kb, key_len);
		r = *cert_pem && *key_pem ? 0 : -ENOMEM;
		if (r) {
			free(*cert_pem);
			free(*key_pem);
			*cert_pem = *key_pem = NULL;
		}
	}
	BIO_free(cb);
	BIO_free(kb);
	X509_free(c);
	EVP_PKEY_free(k);
	return r;
}

void pki_free(struct fleet_pki *p)
{
	if (!p)
		return;
	X509_free(p->ca);
	EVP_PKEY_free(p->ca_key);
	for (int i = 0; i < DEV_EXTS; i++)
		X509_EXTENSION_free(p->dev_ext[i]);
	free(p);
}
