// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* credstore: esold's own proxy credentials file; see credstore.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/escape.h"
#include "core/credstore.h"
#include "core/fsutil.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

/* 1..CREDSTORE_FIELD_MAX bytes of clean text: NULL, or what is wrong. */
static const char *field_fault(const char *s)
{
	size_t n = strlen(s);

	if (n == 0)
		return "must not be empty";
	if (n > CREDSTORE_FIELD_MAX)
		return "is longer than " STR(CREDSTORE_FIELD_MAX) " bytes";
	if (!esc_is_clean(s))
		return "has a control character or is not valid UTF-8";
	return NULL;
}

int credstore_check(const char *user, const char *password, char *err, size_t errlen)
{
	const char *why;

	why = field_fault(user);
	if (!why && strchr(user, ':'))
		why = "must not contain ':' (Basic authentication splits there)";
	if (why) {
		snprintf(err, errlen, "user: %s", why);
		return -EINVAL;
	}
	why = field_fault(password);
	if (why) {
		snprintf(err, errlen, "password: %s", why);
		return -EINVAL;
	}
	return 0;
}

int credstore_save(const char *path, const char *user, const char *password,
		   char *err, size_t errlen)
{
	char line[2 * CREDSTORE_FIELD_MAX + 3];
	int n, r;

	r = credstore_check(user, password, err, errlen);
	if (r < 0)
		return r;
	n = snprintf(line, sizeof(line), "%s:%s\n", user, password);
	r = fsu_write_atomic(path, line, (size_t)n, 0600);
	explicit_bzero(line, sizeof(line));
	if (r < 0)
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(-r));
	return r;
}

int credstore_remove(const char *path, char *err, size_t errlen)
{
	char dir[4096];
	int r;

	if (unlink(path) < 0) {
		if (errno == ENOENT)
			return 0;
		r = -errno;
		snprintf(err, errlen, "%s: cannot remove: %s", path, strerror(-r));
		return r;
	}
	r = fsu_dirname(path, dir, sizeof(dir));
	if (r == 0)
		r = fsu_fsync_dir(dir);
	if (r < 0)
		snprintf(err, errlen, "%s: removed, but the directory sync failed: %s",
			 path, strerror(-r));
	return r;
}
