// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* tlscert: the HTTPS certificate, self-signed on first start; see tlscert.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "webui/tlscert.h"

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* Write with PEM writer fn to path.tmp (mode), then rename. */
static int write_pem(const char *path, mode_t mode, X509 *x, EVP_PKEY *k)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd, ok;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return -ENOMEM;
	}
	ok = x ? PEM_write_X509(f, x) : PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0)
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		return -EIO;
	}
	return 0;
}

int tlscert_ensure(const char *cert_path, const char *key_path, int *made,
		   char *err, size_t errlen)
{
	char host[256], cn[300], san[600];
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	X509_NAME *name;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	int r = -EIO;

	*made = 0;
	if (access(cert_path, R_OK) == 0 && access(key_path, R_OK) == 0)
		return 0;
	if (gethostname(host, sizeof(host)) < 0 || !host[0])
		strcpy(host, "printer");
	host[sizeof(host) - 1] = '\0';
	k = EVP_EC_gen("P-256");
	x = X509_new();
	bn = BN_new();
	if (!k || !x || !bn || RAND_bytes(serial, sizeof(serial)) != 1) {
		snprintf(err, errlen, "cannot make a key: out of memory or randomness");
		goto out;
	}
	serial[0] &= 0x7f;
	if (!BN_bin2bn(serial, sizeof(serial), bn) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !X509_set_version(x, 2) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 10L * 365 * 86400) ||
	    !X509_set_pubkey(x, k)) {
		snprintf(err, errlen, "cannot fill in the certificate");
		goto out;
	}
	snprintf(cn, sizeof(cn), "%s (esol-webui, self-signed)", host);
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name)) {
		snprintf(err, errlen, "cannot name the certificate");
		goto out;
	}
	snprintf(san, sizeof(san), "DNS:%s,DNS:localhost,IP:127.0.0.1,IP:::1", host);
	if (add_ext(x, NID_subject_alt_name, san) < 0 ||
	    add_ext(x, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    add_ext(x, NID_key_usage, "critical,digitalSignature") < 0 ||
	    add_ext(x, NID_ext_key_usage, "serverAuth") < 0 ||
	    !X509_sign(x, k, EVP_sha256())) {
		snprintf(err, errlen, "cannot sign the certificate");
		goto out;
	}
	r = write_pem(key_path, 0600, NULL, k);
	if (r == 0)
		r = write_pem(cert_path, 0644, x, NULL);
	if (r < 0) {
		snprintf(err, errlen, "cannot write %s / %s: %s", cert_path, key_path, strerror(-r));
		goto out;
	}
	*made = 1;
out:
	BN_free(bn);
	X509_free(x);
	EVP_PKEY_free(k);
	return r;
}

int tlscert_read_pem(const char *path, char **out)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || n > 1024 * 1024 ||
	    fseek(f, 0, SEEK_SET) < 0) {
		fclose(f);
		return -EINVAL;
	}
	buf = malloc((size_t)n + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[n] = '\0';
	*out = buf;
	return 0;
}
