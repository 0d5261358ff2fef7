/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * credstore: esold's own proxy credentials file, the one an operator sets
 * over the control socket (`esolctl proxy-credentials set`, the web
 * page's manual proxy).  It has the format core/creds.h reads ("user:
 * password" on one line) and lives at a fixed name in esold's state
 * directory; esold writes it atomically and durably (temp file, fsync,
 * rename, directory fsync), mode 0600, owned by esold's user.  The path
 * is esold's, never one a client names.
 *
 * Nothing here logs; no message quotes the password.
 */
#ifndef ESOL_CORE_CREDSTORE_H
#define ESOL_CORE_CREDSTORE_H

#include <stddef.h>

/* The file's name in esold's state directory. */
#define CREDSTORE_NAME	"proxy-credentials"

/*
 * What may be stored (the transport takes at most 127 bytes each): a
 * user name of 1..CREDSTORE_FIELD_MAX bytes without ':' (Basic
 * authentication splits there), a password of 1..CREDSTORE_FIELD_MAX
 * bytes, both valid UTF-8 with no control character (C0, DEL, C1) and
 * no line or bidirectional control (common/escape.h's "clean").
 */
#define CREDSTORE_FIELD_MAX	127

/*
 * 0, or -EINVAL with err starting with the field at fault ("user: ...",
 * "password: ..."); the password is never quoted.
 */
int credstore_check(const char *user, const char *password, char *err, size_t errlen);

/*
 * credstore_check(), then write "user:password\n" to path (atomically,
 * mode 0600).  On error the old file is untouched.  0 or -errno + err.
 */
int credstore_save(const char *path, const char *user, const char *password,
		   char *err, size_t errlen);

/* Remove path durably (directory fsync); absent is fine.  0 or -errno + err. */
int credstore_remove(const char *path, char *err, size_t errlen);

#endif /* ESOL_CORE_CREDSTORE_H */
