/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * creds: the manual proxy's user name and password, kept out of the main
 * config in their own file ([proxy] credentials_file) that only root and
 * the agent can read.
 *
 * The file holds one line "user:password" (the user has no ':'; the
 * password may; a final newline, LF or CRLF, is allowed).  It must be a
 * regular file owned by root or by the agent's user, with no permission
 * bits for group or others (0600 or 0400): anything else is refused with a
 * message saying what to fix, and the secret is not read.
 *
 * esold keeps a file of its own in this format too, set by an operator
 * over the control socket: core/credstore.h writes it.
 */
#ifndef ESOL_CORE_CREDS_H
#define ESOL_CORE_CREDS_H

#include <stddef.h>

#define CREDS_FIELD_MAX	255
#define CREDS_FILE_MAX	512

struct proxy_creds {
	char user[CREDS_FIELD_MAX + 1];
	char password[CREDS_FIELD_MAX + 1];
};

/*
 * Load path into out.  Returns 0, or -errno with err saying why:
 * -EPERM (readable by group/others, or wrong owner), -EBADMSG (format),
 * -EINVAL (not a regular file), -EFBIG, or open/read errors.  out is
 * cleared on error.
 */
int creds_load(const char *path, struct proxy_creds *out, char *err, size_t errlen);

/* Wipe the secret from memory. */
void creds_clear(struct proxy_creds *c);

#endif /* ESOL_CORE_CREDS_H */
