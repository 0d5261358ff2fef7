/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * passwd: the administrator's password, stored as a salted slow hash.
 *
 * PBKDF2-HMAC-SHA256 (OpenSSL's PKCS5_PBKDF2_HMAC), a 16-byte random
 * salt, PW_ITER_DEFAULT iterations, a 32-byte hash; one line in the
 * password file:  pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64
 * The file is written atomically (temporary file, fsync, rename) with
 * mode 0600.  Verification compares in constant time.
 */
#ifndef ESOL_WEBUI_PASSWD_H
#define ESOL_WEBUI_PASSWD_H

#include <stdbool.h>
#include <stddef.h>

#define PW_MIN_LEN		10
#define PW_MAX_LEN		128
#define PW_ITER_DEFAULT		200000
#define PW_ITER_MIN		1000
#define PW_ITER_MAX		10000000
#define PW_LINE_MAX		160

/* The policy: length PW_MIN_LEN..PW_MAX_LEN, no control character, twice
 * the same.  0, or -EINVAL with why in msg. */
int pw_policy(const char *pw, const char *again, char *msg, size_t msglen);

/* The stored line for pw (no newline).  0, -EIO (no randomness), -EINVAL. */
int pw_hash(const char *pw, unsigned int iterations, char out[PW_LINE_MAX]);
/* 1: pw matches the stored line; 0: it does not; -EINVAL: malformed line. */
int pw_verify(const char *pw, const char *stored);

/* Read the stored line: 0, -ENOENT (no password set yet), other -errno. */
int pw_file_read(const char *path, char out[PW_LINE_MAX]);
/* Replace the file with the line.  0 or -errno. */
int pw_file_write(const char *path, const char *line);

#endif /* ESOL_WEBUI_PASSWD_H */
