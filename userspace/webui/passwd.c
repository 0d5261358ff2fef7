// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* passwd: PBKDF2 password hashes and the password file; see passwd.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "webui/passwd.h"

#define SALT_LEN	16
#define HASH_LEN	32
#define PREFIX		"pbkdf2-sha256$"

int pw_policy(const char *pw, const char *again, char *msg, size_t msglen)
{
	size_t n = pw ? strlen(pw) : 0, i;

	if (n < PW_MIN_LEN || n > PW_MAX_LEN) {
		snprintf(msg, msglen, "The password must have %d to %d characters.",
			 PW_MIN_LEN, PW_MAX_LEN);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if ((unsigned char)pw[i] < 0x20 || pw[i] == 0x7f) {
			snprintf(msg, msglen, "The password must not contain control characters.");
			return -EINVAL;
		}
	}
	if (!again || strcmp(pw, again) != 0) {
		snprintf(msg, msglen, "The two passwords are not the same.");
		return -EINVAL;
	}
	return 0;
}

static int derive(const char *pw, const unsigned char *salt, unsigned int iter,
		  unsigned char out[HASH_LEN])
{
	return PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, SALT_LEN, (int)iter,
				 EVP_sha256(), HASH_LEN, out) == 1 ? 0 : -EIO;
}

int pw_hash(const char *pw, unsigned int iterations, char out[PW_LINE_MAX])
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char s64[64], h64[64];
	int r;

	if (iterations < PW_ITER_MIN || iterations > PW_ITER_MAX || strlen(pw) > PW_MAX_LEN)
		return -EINVAL;
	if (RAND_bytes(salt, sizeof(salt)) != 1)
		return -EIO;
	r = derive(pw, salt, iterations, hash);
	if (r < 0)
		return r;
	EVP_EncodeBlock((unsigned char *)s64, salt, SALT_LEN);
	EVP_EncodeBlock((unsigned char *)h64, hash, HASH_LEN);
	OPENSSL_cleanse(hash, sizeof(hash));
	snprintf(out, PW_LINE_MAX, PREFIX "%u$%s$%s", iterations, s64, h64);
	return 0;
}

/* Decode base64 of exactly want bytes (with its padding). */
static int b64_exact(const char *s, size_t slen, unsigned char *out, size_t want)
{
	unsigned char buf[64];
	int n;
	size_t pad = 0;

	if (slen == 0 || slen > 64 || slen % 4)
		return -EINVAL;
	n = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)slen);
	while (pad < 2 && s[slen - 1 - pad] == '=')
		pad++;
	if (n < 0 || (size_t)n - pad != want)
		return -EINVAL;
	memcpy(out, buf, want);
	return 0;
}

int pw_verify(const char *pw, const char *stored)
{
	unsigned char salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	const char *p, *d1, *d2;
	char *end;
	unsigned long iter;
	int r;

	if (strncmp(stored, PREFIX, strlen(PREFIX)) != 0)
		return -EINVAL;
	p = stored + strlen(PREFIX);
	errno = 0;
	iter = strtoul(p, &end, 10);
	if (errno || end == p || *end != '$' || iter < PW_ITER_MIN || iter > PW_ITER_MAX)
		return -EINVAL;
	d1 = end + 1;
	d2 = strchr(d1, '$');
	if (!d2 || b64_exact(d1, (size_t)(d2 - d1), salt, SALT_LEN) < 0 ||
	    b64_exact(d2 + 1, strlen(d2 + 1), want, HASH_LEN) < 0)
		return -EINVAL;
	if (strlen(pw) > PW_MAX_LEN)
		return 0;
	r = derive(pw, salt, (unsigned int)iter, got);
	if (r < 0)
		return r;
	r = CRYPTO_memcmp(got, want, HASH_LEN) == 0;
	OPENSSL_cleanse(got, sizeof(got));
	return r;
}

int pw_file_read(const char *path, char out[PW_LINE_MAX])
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	if (!fgets(out, PW_LINE_MAX, f)) {
		int e = ferror(f) ? -EIO : -EINVAL;

		fclose(f);
		return e;
	}
	fclose(f);
	n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return n ? 0 : -EINVAL;
}

int pw_file_write(const char *path, const char *line)
{
	char tmp[PATH_MAX];
	size_t len = strlen(line);
	int fd, r = 0;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, line, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) < 0)
		r = errno ? -errno : -EIO;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r) {
		unlink(tmp);
		return r;
	}
	/* The rename is durable once the directory is. */
	{
		char dir[PATH_MAX];
		char *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash) {
			*(slash == dir ? slash + 1 : slash) = '\0';
			fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0) {
				fsync(fd);
				close(fd);
			}
		}
	}
	return 0;
}
