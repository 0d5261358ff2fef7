// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/capture: store request bodies for the data-minimisation test
 * (see capture.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/capture.h"

int capture_init(struct capture *c, const char *dir)
{
	DIR *d;
	struct dirent *e;

	memset(c, 0, sizeof(*c));
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return -errno;
	d = opendir(dir);
	if (!d)
		return -errno;
	c->next = 1;
	while ((e = readdir(d)) != NULL) {
		char *end;
		unsigned long n = strtoul(e->d_name, &end, 10);

		if (end != e->d_name && *end == '-' && n >= c->next)
			c->next = n + 1;
	}
	closedir(d);
	c->dir = strdup(dir);
	if (!c->dir)
		return -ENOMEM;
	pthread_mutex_init(&c->lock, NULL);
	return 0;
}

void capture_destroy(struct capture *c)
{
	if (!c->dir)
		return;
	free(c->dir);
	c->dir = NULL;
	pthread_mutex_destroy(&c->lock);
}

/* "/v1/meter-reads" -> "meter-reads"; anything odd -> "other". */
static const char *endpoint_name(const char *url)
{
	if (strcmp(url, "/v1/poll") == 0)
		return "poll";
	if (strcmp(url, "/v1/meter-reads") == 0)
		return "meter-reads";
	if (strcmp(url, "/v1/supplies") == 0)
		return "supplies";
	return "other";
}

int capture_store(struct capture *c, const char *url, const void *body, size_t len)
{
	char tmp[4096], dst[4096];
	unsigned long n;
	int fd, r = 0;

	pthread_mutex_lock(&c->lock);
	n = c->next++;
	pthread_mutex_unlock(&c->lock);
	snprintf(dst, sizeof(dst), "%s/%06lu-%s.body", c->dir, n, endpoint_name(url));
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%06lu", c->dir, n);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, (const char *)body + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			r = -errno;
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 && !r)
		r = -errno;
	if (!r && rename(tmp, dst) != 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}
