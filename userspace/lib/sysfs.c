// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * sysfs: the snapshot fallback of libprinteng, from the one-value files of
 * /sys/class/printeng/printeng<N>/ (docs/ABI/testing/sysfs-class-printeng).
 *
 * sysfs cannot give a consistent snapshot in one call: every file is read
 * on its own.  So the generation is read before and after all the other
 * files, and the whole read is retried (a bounded number of times) until
 * both agree: then every value belongs to that generation, because every
 * accepted change bumps it.  For the same reason a handle keeps the last
 * snapshot it read: while the generation file is the same one (device,
 * inode, ctime: a re-registered engine or a rebuilt tree has a new one)
 * and says the same generation, a snapshot is that one again, taken now,
 * for one file read instead of one per value.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/internal.h"

/* Longest sysfs value we accept (the longest ABI string is 63 bytes). */
#define VALUE_MAX	256

/* A printable excerpt of a bad value for error messages. */
static const char *excerpt(const char *v, char *buf, size_t len)
{
	if (!pel_text_ok(v))
		return "(not text)";
	snprintf(buf, len, "\"%.40s%s\"", v, strlen(v) > 40 ? "..." : "");
	return buf;
}

/* Which file @st describes (see struct pel_sysfs_id). */
static void id_of(const struct stat *st, struct pel_sysfs_id *id)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->ctime_s = (int64_t)st->st_ctim.tv_sec;
	id->ctime_ns = st->st_ctim.tv_nsec;
}

/*
 * pel_sysfs_read(), and the file's identity into @id when not NULL; with
 * @keep, the file stays open and *keep is its descriptor (on success).
 */
static int read_file(struct printeng_ctx *ctx, const char *path, char *buf,
		     size_t len, struct pel_sysfs_id *id, int *keep)
{
	size_t got = 0;
	struct stat st;
	ssize_t n;
	char extra;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		err = -errno;
		return pel_fail(ctx, err, "%s: %s", path,
				err == -ENOENT ? "missing" : strerror(-err));
	}
	if (id) {
		if (fstat(fd, &st)) {
			err = -errno;
			close(fd);
			return pel_fail(ctx, err, "%s: %s", path, strerror(-err));
		}
		id_of(&st, id);
	}
	/*
	 * One pread() at offset 0 reads a sysfs attribute whole (its show()
	 * fills the page at once), and a regular file short only at its end:
	 * no second call to see the end of the file.  What cannot be read at
	 * an offset (a pipe: ESPIPE) is read up to its end.
	 */
	do {
		n = pread(fd, buf, len - 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n >= 0) {
		got = (size_t)n;
		if (got == len - 1) {
			do {
				n = pread(fd, &extra, 1, (off_t)got);
			} while (n < 0 && errno == EINTR);
			if (n > 0) {
				close(fd);
				return pel_fail(ctx, -EOVERFLOW,
						"%s: longer than %zu bytes", path, len - 1);
			}
		}
		goto done;
	}
	if (errno != ESPIPE) {
		err = -errno;
		close(fd);
		return pel_fail(ctx, err, "%s: %s", path, strerror(-err));
	}
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = -errno;
			close(fd);
			return pel_fail(ctx, err, "%s: %s", path, strerror(-err));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got == len - 1) {
		do {
			n = read(fd, &extra, 1);
		} while (n < 0 && errno == EINTR);
		if (n > 0) {
			close(fd);
			return pel_fail(ctx, -EOVERFLOW,
					"%s: longer than %zu bytes", path, len - 1);
		}
	}
done:
	buf[got] = '\0';
	err = 0;
	if (got == 0)
		err = pel_fail(ctx, -EINVAL, "%s: empty file", path);
	else if (buf[got - 1] == '\n')
		buf[--got] = '\0';
	if (!err && (memchr(buf, '\n', got) || strlen(buf) != got))
		err = pel_fail(ctx, -EINVAL,
			       "%s: more than one line, or a NUL byte", path);
	if (keep && !err)
		*keep = fd;
	else
		close(fd);
	return err;
}

int pel_sysfs_read(struct printeng_ctx *ctx, const char *path, char *buf,
		   size_t len)
{
	return read_file(ctx, path, buf, len, NULL, NULL);
}

/*
 * Read @dir/@name into buf (and the file's identity into @id, if set; with
 * @keep, the file kept open, see read_file()).
 */
static int read_value_id(struct printeng_ctx *ctx, const char *dir,
			 const char *name, char *buf, size_t len,
			 struct pel_sysfs_id *id, int *keep)
{
	char path[PATH_MAX];
	int n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return pel_fail(ctx, -ENAMETOOLONG, "%s/%s: path too long",
				dir, name);
	return read_file(ctx, path, buf, len, id, keep);
}

static int read_value(struct printeng_ctx *ctx, const char *dir,
		      const char *name, char *buf, size_t len)
{
	return read_value_id(ctx, dir, name, buf, len, NULL, NULL);
}

static int read_u64_id(struct printeng_ctx *ctx, const char *dir,
		       const char *name, uint64_t *out, struct pel_sysfs_id *id,
		       int *keep)
{
	char v[VALUE_MAX], ex[64];
	int ret;

	ret = read_value_id(ctx, dir, name, v, sizeof(v), id, keep);
	if (ret)
		return ret;
	ret = pel_parse_u64(v, out);
	if (ret == -ERANGE)
		return pel_fail(ctx, ret, "%s/%s: %s is beyond 64 bits", dir,
				name, excerpt(v, ex, sizeof(ex)));
	if (ret)
		return pel_fail(ctx, ret,
				"%s/%s: %s is not an unsigned decimal number",
				dir, name, excerpt(v, ex, sizeof(ex)));
	return 0;
}

static int read_u64(struct printeng_ctx *ctx, const char *dir,
		    const char *name, uint64_t *out)
{
	return read_u64_id(ctx, dir, name, out, NULL, NULL);
}

static int read_u32(struct printeng_ctx *ctx, const char *dir,
		    const char *name, uint32_t *out)
{
	char v[VALUE_MAX], ex[64];
	int ret;

	ret = read_value(ctx, dir, name, v, sizeof(v));
	if (ret)
		return ret;
	ret = pel_parse_u32(v, out);
	if (ret == -ERANGE)
		return pel_fail(ctx, ret, "%s/%s: %s is beyond 32 bits", dir,
				name, excerpt(v, ex, sizeof(ex)));
	if (ret)
		return pel_fail(ctx, ret,
				"%s/%s: %s is not an unsigned decimal number",
				dir, name, excerpt(v, ex, sizeof(ex)));
	return 0;
}

static int read_level(struct printeng_ctx *ctx, const char *dir,
		      const char *name, int32_t *out)
{
	char v[VALUE_MAX], ex[64];
	int ret;

	ret = read_value(ctx, dir, name, v, sizeof(v));
	if (ret)
		return ret;
	ret = pel_parse_level(v, out);
	if (ret == -ERANGE)
		return pel_fail(ctx, ret,
				"%s/%s: %s is out of range (a 32-bit value >= 0, or -1 other, -2 unknown, -3 some remaining)",
				dir, name, excerpt(v, ex, sizeof(ex)));
	if (ret)
		return pel_fail(ctx, ret, "%s/%s: %s is not a decimal number",
				dir, name, excerpt(v, ex, sizeof(ex)));
	return 0;
}

static int read_text(struct printeng_ctx *ctx, const char *dir,
		     const char *name, char *dst, size_t dstlen)
{
	char v[VALUE_MAX];
	int ret;

	ret = read_value(ctx, dir, name, v, sizeof(v));
	if (ret)
		return ret;
	ret = pel_copy_text(dst, dstlen, v);
	if (ret == -EOVERFLOW)
		return pel_fail(ctx, ret, "%s/%s: %zu bytes, at most %zu allowed",
				dir, name, strlen(v), dstlen - 1);
	if (ret)
		return pel_fail(ctx, ret,
				"%s/%s: control characters or invalid UTF-8",
				dir, name);
	return 0;
}

static int read_name(struct printeng_ctx *ctx, const char *dir,
		     const char *name, uint32_t *out,
		     int (*from_name)(const char *, uint32_t *))
{
	char v[VALUE_MAX], ex[64];
	int ret;

	ret = read_value(ctx, dir, name, v, sizeof(v));
	if (ret)
		return ret;
	if (from_name(v, out))
		return pel_fail(ctx, -EINVAL, "%s/%s: unknown %s %s", dir, name,
				name, excerpt(v, ex, sizeof(ex)));
	return 0;
}

int pel_sysfs_identity(struct printeng_ctx *ctx, const char *dir,
		       struct printeng_snap *out)
{
	int ret;

	ret = read_text(ctx, dir, "serial", out->serial, sizeof(out->serial));
	if (!ret && !out->serial[0])
		ret = pel_fail(ctx, -EINVAL, "%s/serial: empty", dir);
	if (!ret)
		ret = read_text(ctx, dir, "model", out->model,
				sizeof(out->model));
	if (!ret)
		ret = read_text(ctx, dir, "engine_fw", out->engine_fw,
				sizeof(out->engine_fw));
	if (!ret)
		ret = read_text(ctx, dir, "controller_fw", out->controller_fw,
				sizeof(out->controller_fw));
	return ret;
}

/* Parse "supply<K>" (no leading zeros); -1 when the name is not that. */
static int supply_dir_index(const char *name)
{
	uint32_t k;

	if (strncmp(name, "supply", 6))
		return -1;
	if (pel_parse_u32(name + 6, &k) || k > 65535)
		return -1;
	return (int)k;
}

/* How many supply<K> directories there are; they must be 0..K-1. */
static int count_supplies(struct printeng_ctx *ctx, const char *dir,
			  unsigned int *count)
{
	unsigned int n = 0;
	int max = -1, k, err;
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d) {
		err = -errno;
		return pel_fail(ctx, err, "%s: %s", dir, strerror(-err));
	}
	while ((errno = 0, de = readdir(d))) {
		k = supply_dir_index(de->d_name);
		if (k < 0)
			continue;
		n++;
		if (k > max)
			max = k;
	}
	err = -errno;
	closedir(d);
	if (err)
		return pel_fail(ctx, err, "%s: %s", dir, strerror(-err));
	if (n > PRINTENG_SUPPLIES_MAX || max >= PRINTENG_SUPPLIES_MAX)
		return pel_fail(ctx, -EOVERFLOW,
				"%s: supply%d: more than %d supplies", dir, max,
				PRINTENG_SUPPLIES_MAX);
	if (max + 1 != (int)n)
		return pel_fail(ctx, -EINVAL,
				"%s: supply directories are not numbered 0..%u (highest is supply%d)",
				dir, n ? n - 1 : 0, max);
	*count = n;
	return 0;
}

static int read_supply(struct printeng_ctx *ctx, const char *dir,
		       unsigned int k, struct printeng_supply_entry *s)
{
	char sdir[PATH_MAX];
	int ret, n;

	n = snprintf(sdir, sizeof(sdir), "%s/supply%u", dir, k);
	if (n < 0 || (size_t)n >= sizeof(sdir))
		return pel_fail(ctx, -ENAMETOOLONG, "%s: path too long", dir);
	ret = read_name(ctx, sdir, "type", &s->type,
			printeng_supply_type_from_name);
	if (!ret)
		ret = read_name(ctx, sdir, "unit", &s->unit,
				printeng_supply_unit_from_name);
	if (!ret)
		ret = read_text(ctx, sdir, "colorant", s->colorant,
				sizeof(s->colorant));
	if (!ret)
		ret = read_text(ctx, sdir, "description", s->description,
				sizeof(s->description));
	if (!ret)
		ret = read_level(ctx, sdir, "level", &s->level);
	if (!ret)
		ret = read_level(ctx, sdir, "max_capacity", &s->max_capacity);
	if (!ret)
		ret = read_name(ctx, sdir, "state", &s->state,
				printeng_supply_state_from_name);
	if (!ret)
		ret = read_u32(ctx, sdir, "replaced", &s->replaced);
	return ret;
}

/* Everything but the generation, into @out (zeroed by the caller). */
static int read_values(struct printeng_ctx *ctx, const char *dir,
		       struct printeng_snap *out)
{
	unsigned int id, k;
	int ret;

	ret = pel_sysfs_identity(ctx, dir, out);
	if (ret)
		return ret;
	for (id = 0; id < __PRINTENG_METER_COUNT; id++) {
		ret = read_u64(ctx, dir, printeng_meter_name(id),
			       &out->meters[id]);
		if (ret == -ENOENT)
			continue;	/* the engine does not keep this meter */
		if (ret)
			return ret;
		out->meter_mask |= UINT64_C(1) << id;
	}
	ret = count_supplies(ctx, dir, &out->num_supplies);
	if (ret)
		return ret;
	for (k = 0; k < out->num_supplies; k++) {
		ret = read_supply(ctx, dir, k, &out->supplies[k]);
		if (ret)
			return ret;
	}
	return 0;
}

static bool same_id(const struct pel_sysfs_id *a, const struct pel_sysfs_id *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->ctime_s == b->ctime_s &&
	       a->ctime_ns == b->ctime_ns;
}

struct pel_sysfs_cache *pel_sysfs_cache_new(void)
{
	struct pel_sysfs_cache *c = calloc(1, sizeof(*c));

	if (c)
		c->gen_fd = -1;
	return c;
}

static void cache_drop_fd(struct pel_sysfs_cache *c)
{
	if (c->gen_fd >= 0)
		close(c->gen_fd);
	c->gen_fd = -1;
}

void pel_sysfs_cache_free(struct pel_sysfs_cache *c)
{
	if (!c)
		return;
	cache_drop_fd(c);
	free(c);
}

/*
 * Does the cached snapshot still hold?  Its generation file is the one at
 * the path (stat() gives the kept descriptor's device, inode and ctime: not
 * an engine registered again, not a tree rebuilt) and says, read now
 * through that descriptor, the cached generation.  Two system calls where
 * opening the file again is four.  Anything else -- an error included --
 * is "no": the caller reads the usual way, which reports what is wrong.
 */
static bool cache_holds(struct pel_sysfs_cache *c, const char *dir)
{
	char path[PATH_MAX], v[VALUE_MAX];
	struct pel_sysfs_id id;
	struct stat st;
	uint64_t gen;
	ssize_t n;
	int len;

	if (!c->valid || c->gen_fd < 0)
		return false;
	len = snprintf(path, sizeof(path), "%s/generation", dir);
	if (len < 0 || (size_t)len >= sizeof(path) || stat(path, &st))
		return false;
	id_of(&st, &id);
	if (!same_id(&id, &c->gen_id))
		return false;
	do {
		n = pread(c->gen_fd, v, sizeof(v) - 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n <= 0 || (size_t)n >= sizeof(v) - 1)
		return false;
	v[n] = '\0';
	if (v[n - 1] == '\n')
		v[n - 1] = '\0';
	return !pel_parse_u64(v, &gen) && gen == c->snap.generation;
}

int pel_sysfs_snapshot(struct printeng_ctx *ctx, const char *dir,
		       unsigned int index, struct pel_sysfs_cache *cache,
		       struct printeng_snap *out)
{
	struct printeng_snap tmp;
	struct pel_sysfs_id id_before = { 0 }, id_after = { 0 };
	uint64_t before, after;
	unsigned int attempt;
	int ret, fd = -1;
	int *keep = cache ? &fd : NULL;	/* the generation file, to keep */

	if (cache && cache_holds(cache, dir)) {
		tmp = cache->snap;
		goto taken;
	}
	if (cache)
		cache_drop_fd(cache);
	for (attempt = 0; attempt <= ctx->sysfs_retries; attempt++) {
		memset(&tmp, 0, sizeof(tmp));
		ret = read_u64_id(ctx, dir, "generation", &before, &id_before, keep);
		if (ret)
			return ret;
		if (cache && cache->valid && cache->snap.generation == before &&
		    same_id(&cache->gen_id, &id_before)) {
			/*
			 * The same generation of the same file: every accepted
			 * change bumps it, so nothing changed since the cached
			 * read.  The values are those, taken now.
			 */
			cache->gen_fd = fd;
			tmp = cache->snap;
			goto taken;
		}
		if (fd >= 0)
			close(fd);
		fd = -1;
		ret = read_values(ctx, dir, &tmp);
		if (ret)
			return ret;
		ret = read_u64_id(ctx, dir, "generation", &after, &id_after, keep);
		if (ret)
			return ret;
		if (before != after || !same_id(&id_before, &id_after)) {
			if (fd >= 0)
				close(fd);
			fd = -1;
			continue;
		}
		tmp.index = index;
		tmp.source = PRINTENG_SRC_SYSFS;
		tmp.generation = after;
		if (cache) {
			cache->snap = tmp;
			cache->gen_id = id_after;
			cache->gen_fd = fd;
			cache->valid = true;
		}
		goto taken;
	}
	return pel_fail(ctx, -EAGAIN,
			"%s: the generation changed during each of %u reads",
			dir, ctx->sysfs_retries + 1);
taken:
	tmp.mono_ns = pel_clock_ns(CLOCK_MONOTONIC);
	tmp.real_ns = pel_clock_ns(CLOCK_REALTIME);
	*out = tmp;
	return 0;
}
