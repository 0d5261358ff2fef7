// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* fsutil: durable writes (temp, fsync, rename, directory fsync); see fsutil.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fsutil.h"

int fsu_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fsu_fsync_dir(const char *dir)
{
	int fd, r = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int fsu_dirname(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash) {
		if (outlen < 2)
			return -ENAMETOOLONG;
		strcpy(out, ".");
		return 0;
	}
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n + 1 > outlen)
		return -ENAMETOOLONG;
	memcpy(out, path, n);
	out[n] = '\0';
	return 0;
}

int fsu_write_atomic(const char *path, const void *buf, size_t len, mode_t mode)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base;
	int fd, r;

	r = fsu_dirname(path, dir, sizeof(dir));
	if (r < 0)
		return r;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (!*base)
		return -EINVAL;
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) < 0) {
		r = -errno;
		goto fail;
	}
	r = fsu_write_all(fd, buf, len);
	if (r < 0)
		goto fail;
	if (fsync(fd) < 0) {
		r = -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		r = -errno;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		r = -errno;
		goto fail;
	}
	return fsu_fsync_dir(dir);
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return r;
}

int fsu_remove_stale_temps(const char *path)
{
	char dir[PATH_MAX];
	const char *base;
	struct dirent *de;
	size_t blen;
	int n = 0, first_err = 0, dfd, r;
	DIR *d;

	r = fsu_dirname(path, dir, sizeof(dir));
	if (r < 0)
		return r;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	blen = strlen(base);
	if (!blen)
		return -EINVAL;
	d = opendir(dir);
	if (!d)
		return -errno;
	dfd = dirfd(d);
	while ((de = readdir(d))) {
		const char *nm = de->d_name;

		/* "." + base + "." + the six characters mkostemp() chose */
		if (strlen(nm) != blen + 8 || nm[0] != '.' ||
		    strncmp(nm + 1, base, blen) || nm[blen + 1] != '.')
			continue;
		if (unlinkat(dfd, nm, 0) < 0) {
			if (!first_err && errno != ENOENT)
				first_err = -errno;
			continue;
		}
		n++;
	}
	closedir(d);
	if (n) {
		r = fsu_fsync_dir(dir);
		if (r < 0 && !first_err)
			first_err = r;
	}
	return first_err ? first_err : n;
}
