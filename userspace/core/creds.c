// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* creds: load the proxy credentials file, refusing unsafe modes; see creds.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/creds.h"

void creds_clear(struct proxy_creds *c)
{
	explicit_bzero(c, sizeof(*c));
}

static void bad_msg(char *err, size_t errlen, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Put "path: what" in err. */
static void bad_msg(char *err, size_t errlen, const char *path, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", path, what);
}

/* "path: what" in err, yielding r (a macro: the value is plain to see). */
#define bad(err, errlen, r, path, ...) \
	(bad_msg((err), (errlen), (path), __VA_ARGS__), (r))

static bool printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int creds_load(const char *path, struct proxy_creds *out, char *err, size_t errlen)
{
	char buf[CREDS_FILE_MAX + 2];
	size_t len = 0, ul, pl;
	struct stat st;
	char *colon;
	ssize_t n;
	int fd, r;

	creds_clear(out);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return bad(err, errlen, -errno, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		r = -errno;
		close(fd);
		return bad(err, errlen, r, path, "cannot stat: %s", strerror(-r));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return bad(err, errlen, -EINVAL, path, "not a regular file");
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		return bad(err, errlen, -EPERM, path,
			   "mode %04o gives access to group or others; "
			   "it must be 0600 or 0400",
			   (unsigned int)(st.st_mode & 07777));
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		close(fd);
		return bad(err, errlen, -EPERM, path,
			   "owned by uid %u; it must be owned by root or the agent (uid %u)",
			   (unsigned int)st.st_uid, (unsigned int)geteuid());
	}
	while (len < sizeof(buf) - 1) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			close(fd);
			explicit_bzero(buf, sizeof(buf));
			return bad(err, errlen, r, path, "cannot read: %s", strerror(-r));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > CREDS_FILE_MAX) {
		explicit_bzero(buf, sizeof(buf));
		return bad(err, errlen, -EFBIG, path, "larger than %d bytes", CREDS_FILE_MAX);
	}
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	r = 0;
	colon = memchr(buf, ':', len);
	if (strlen(buf) != len || !printable(buf, len))
		r = bad(err, errlen, -EBADMSG, path,
			"must hold one line \"user:password\" (no control characters)");
	else if (!colon || colon == buf)
		r = bad(err, errlen, -EBADMSG, path,
			"must hold \"user:password\" with a user name");
	if (r == 0) {
		ul = (size_t)(colon - buf);
		pl = len - ul - 1;
		if (ul > CREDS_FIELD_MAX || pl > CREDS_FIELD_MAX) {
			r = bad(err, errlen, -EBADMSG, path,
				"user or password longer than %d bytes", CREDS_FIELD_MAX);
		} else {
			memcpy(out->user, buf, ul);
			memcpy(out->password, colon + 1, pl);
		}
	}
	explicit_bzero(buf, sizeof(buf));
	return r;
}
