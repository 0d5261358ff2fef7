// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: the manual proxy's credentials file (creds_load), as
 * an administrator may write it, from a memfd of mode 0600.
 * Properties: no crash, leak or undefined behaviour; an error leaves the
 * credentials cleared and a terminated message naming the file; loaded
 * credentials are a non-empty user without ':' and a password, both of
 * printable bytes, which written back as "user:password\n" load the same.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/creds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void put(int fd, const void *b, size_t n)
{
	if (ftruncate(fd, 0) < 0 || pwrite(fd, b, n, 0) != (ssize_t)n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct proxy_creds zero;
	static int fd = -1;
	static char path[64];
	struct proxy_creds c, again;
	char err[512], line[2 * CREDS_FIELD_MAX + 3];
	int n;

	if (fd < 0) {
		fd = memfd_create("proxy-creds", MFD_CLOEXEC);
		if (fd < 0 || fchmod(fd, 0600) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	put(fd, data, size);
	err[0] = '\0';
	if (creds_load(path, &c, err, sizeof(err)) != 0) {
		if (memcmp(&c, &zero, sizeof(c)) || !memchr(err, '\0', sizeof(err)) ||
		    !strstr(err, path))
			abort();
		return 0;
	}
	if (!c.user[0] || strchr(c.user, ':') || !printable(c.user) || !printable(c.password))
		abort();
	n = snprintf(line, sizeof(line), "%s:%s\n", c.user, c.password);
	put(fd, line, (size_t)n);
	if (creds_load(path, &again, err, sizeof(err)) != 0 || memcmp(&c, &again, sizeof(c)))
		abort();
	creds_clear(&c);
	creds_clear(&again);
	return 0;
}
