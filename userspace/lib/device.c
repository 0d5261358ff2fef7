// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * device: one print engine, printeng<N>: listing, opening, snapshots from
 * the chrdev (ioctl or read) or sysfs, and waiting for a new generation.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "lib/internal.h"

/* read() buffer: room for the snapshot of kernels newer than this library
 * (they only append fields). */
#define READ_BUF_LEN	16384

struct printeng_dev {
	struct printeng_ctx *ctx;
	unsigned int index;
	int fd;				/* /dev/printeng<N>, or -1 */
	bool have_last;			/* a snapshot was returned */
	uint64_t last_gen;		/* generation of that snapshot */
	struct printeng_snap ident;	/* identity, read at open */
	char dir[PATH_MAX];		/* its sysfs directory */
	unsigned char *rbuf;		/* READ_BUF_LEN bytes, with a chrdev */
	bool rbuf_ok;			/* rbuf holds this handle's last read() */
	struct pel_sysfs_cache *sysfs;	/* the last sysfs snapshot, or NULL */
};

/* ---- listing ---- */

/* "printeng<N>" -> N (no leading zeros), or -1. */
static long dev_name_index(const char *name)
{
	uint32_t n;

	if (strncmp(name, "printeng", 8) || pel_parse_u32(name + 8, &n))
		return -1;
	return n;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int printeng_list(struct printeng_ctx *ctx, unsigned int *out, size_t max)
{
	unsigned int *all = NULL, *grown;
	size_t n = 0, cap = 0;
	char path[PATH_MAX];
	struct dirent *de;
	int ret;
	DIR *d;
	long k;

	pel_clear_error(ctx);
	ret = pel_path(ctx, path, sizeof(path), "/sys/class/printeng");
	if (ret)
		return pel_fail(ctx, ret, "root directory path too long");
	d = opendir(path);
	if (!d) {
		ret = -errno;
		if (ret == -ENOENT)
			return pel_fail(ctx, ret,
					"%s missing: printeng.ko not loaded?",
					path);
		return pel_fail(ctx, ret, "%s: %s", path, strerror(-ret));
	}
	while ((errno = 0, de = readdir(d))) {
		k = dev_name_index(de->d_name);
		if (k < 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = realloc(all, cap * sizeof(*all));
			if (!grown) {
				ret = -ENOMEM;
				goto out;
			}
			all = grown;
		}
		all[n++] = (unsigned int)k;
	}
	ret = -errno;
	if (ret) {
		pel_set_error(ctx, "%s: %s", path, strerror(-ret));
		goto out;
	}
	if (n > INT32_MAX) {
		ret = -EOVERFLOW;
		goto out;
	}
	if (n) {
		qsort(all, n, sizeof(*all), cmp_uint);
		if (max)
			memcpy(out, all, (n < max ? n : max) * sizeof(*out));
	}
	ret = (int)n;
out:
	free(all);
	closedir(d);
	return ret;
}

/* ---- opening ---- */

/* Check that fd is the character device named by <dir>/dev ("M:m"). */
static int check_devnode(struct printeng_dev *dev, const char *node)
{
	struct printeng_ctx *ctx = dev->ctx;
	char path[PATH_MAX + 8], v[64];
	unsigned int maj, min;
	struct stat st;
	int ret, end = 0;

	if (fstat(dev->fd, &st))
		return pel_fail(ctx, -errno, "%s: %s", node, strerror(errno));
	if (!S_ISCHR(st.st_mode))
		return pel_fail(ctx, -ENXIO, "%s: not a character device",
				node);
	snprintf(path, sizeof(path), "%s/dev", dev->dir);
	ret = pel_sysfs_read(ctx, path, v, sizeof(v));
	if (ret)
		return ret;
	if (sscanf(v, "%u:%u%n", &maj, &min, &end) != 2 || v[end] ||
	    v[0] < '0' || v[0] > '9')
		return pel_fail(ctx, -EINVAL, "%s: \"%s\" is not MAJOR:MINOR",
				path, v);
	if (major(st.st_rdev) != maj || minor(st.st_rdev) != min)
		return pel_fail(ctx, -ENXIO,
				"%s is %u:%u but printeng%u is %u:%u (stale device node?)",
				node, major(st.st_rdev), minor(st.st_rdev),
				dev->index, maj, min);
	return 0;
}

/* Identity through PRINTENG_IOC_GET_INFO. */
static int chrdev_identity(struct printeng_dev *dev, const char *node)
{
	struct printeng_ctx *ctx = dev->ctx;
	struct printeng_info info;
	int err;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	if (ioctl(dev->fd, PRINTENG_IOC_GET_INFO, &info)) {
		err = -errno;
		if (err == -ENOTTY)
			return pel_fail(ctx, err,
					"%s: not a printeng device (GET_INFO: %s)",
					node, strerror(-err));
		if (err == -ENODEV)
			return pel_fail(ctx, err, "%s: device gone", node);
		return pel_fail(ctx, err, "%s: GET_INFO: %s", node,
				strerror(-err));
	}
	if (info.size < PRINTENG_INFO_SIZE_VER0 || info.size > sizeof(info))
		return pel_fail(ctx, -EPROTO, "%s: GET_INFO filled %u bytes",
				node, info.size);
	if (info.index != dev->index)
		return pel_fail(ctx, -EPROTO, "%s: GET_INFO says printeng%u",
				node, info.index);
	if (pel_copy_field(dev->ident.serial, info.serial, sizeof(info.serial)) ||
	    pel_copy_field(dev->ident.model, info.model, sizeof(info.model)) ||
	    pel_copy_field(dev->ident.engine_fw, info.engine_fw,
			   sizeof(info.engine_fw)) ||
	    pel_copy_field(dev->ident.controller_fw, info.controller_fw,
			   sizeof(info.controller_fw)))
		return pel_fail(ctx, -EPROTO,
				"%s: GET_INFO: a string is not terminated or not text",
				node);
	return 0;
}

int printeng_open(struct printeng_ctx *ctx, unsigned int index,
		  struct printeng_dev **out)
{
	struct printeng_dev *dev;
	char node[PATH_MAX];
	struct stat st;
	int ret;

	*out = NULL;
	pel_clear_error(ctx);
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->ctx = ctx;
	dev->index = index;
	dev->fd = -1;
	ret = pel_path(ctx, dev->dir, sizeof(dev->dir),
		       "/sys/class/printeng/printeng%u", index);
	if (!ret)
		ret = pel_path(ctx, node, sizeof(node), "/dev/printeng%u",
			       index);
	if (ret) {
		pel_set_error(ctx, "root directory path too long");
		goto fail;
	}
	if (stat(dev->dir, &st)) {
		ret = -errno;
		if (ret == -ENOENT)
			pel_set_error(ctx, "printeng%u: no such device (%s missing)",
				 index, dev->dir);
		else
			pel_set_error(ctx, "%s: %s", dev->dir, strerror(-ret));
		goto fail;
	}

	dev->fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (dev->fd < 0 && errno != ENOENT) {
		ret = -errno;
		pel_set_error(ctx, "%s: %s", node, strerror(-ret));
		goto fail;
	}
	if (dev->fd >= 0) {
		ret = check_devnode(dev, node);
		if (!ret)
			ret = chrdev_identity(dev, node);
		if (!ret) {
			dev->rbuf = malloc(READ_BUF_LEN);
			if (!dev->rbuf)
				ret = -ENOMEM;
		}
	} else {
		ret = pel_sysfs_identity(ctx, dev->dir, &dev->ident);
	}
	if (ret)
		goto fail;
	*out = dev;
	return 0;
fail:
	printeng_close(dev);
	return ret;
}

void printeng_close(struct printeng_dev *dev)
{
	if (!dev)
		return;
	if (dev->fd >= 0)
		close(dev->fd);
	free(dev->rbuf);
	pel_sysfs_cache_free(dev->sysfs);
	free(dev);
}

unsigned int printeng_dev_index(const struct printeng_dev *dev)
{
	return dev->index;
}

bool printeng_dev_has_chrdev(const struct printeng_dev *dev)
{
	return dev->fd >= 0;
}

int printeng_fd(const struct printeng_dev *dev)
{
	return dev->fd >= 0 ? dev->fd : -EOPNOTSUPP;
}

/* ---- snapshots ---- */

static void copy_identity(struct printeng_snap *out,
			  const struct printeng_snap *ident)
{
	memcpy(out->serial, ident->serial, sizeof(out->serial));
	memcpy(out->model, ident->model, sizeof(out->model));
	memcpy(out->engine_fw, ident->engine_fw, sizeof(out->engine_fw));
	memcpy(out->controller_fw, ident->controller_fw,
	       sizeof(out->controller_fw));
}

/* A kernel struct printeng_snapshot into the library's struct. */
static int from_kernel(struct printeng_dev *dev,
		       const struct printeng_snapshot *ks,
		       enum printeng_source src, struct printeng_snap *out)
{
	struct printeng_ctx *ctx = dev->ctx;
	struct printeng_snap tmp;
	unsigned int i;

	if (ks->num_supplies > PRINTENG_SUPPLIES_MAX)
		return pel_fail(ctx, -EPROTO, "printeng%u: %u supplies",
				dev->index, ks->num_supplies);
	if (ks->meter_mask >> (PRINTENG_METERS_MAX - 1) >> 1)
		return pel_fail(ctx, -EPROTO, "printeng%u: meter mask %#llx",
				dev->index, (unsigned long long)ks->meter_mask);
	memset(&tmp, 0, sizeof(tmp));
	tmp.index = dev->index;
	tmp.source = src;
	tmp.generation = ks->generation;
	tmp.mono_ns = ks->mono_ns;
	tmp.real_ns = ks->real_ns;
	copy_identity(&tmp, &dev->ident);
	tmp.meter_mask = ks->meter_mask;
	for (i = 0; i < PRINTENG_METERS_MAX; i++)
		if (printeng_snap_has_meter(&tmp, i))
			tmp.meters[i] = ks->meters[i];
	tmp.num_supplies = ks->num_supplies;
	for (i = 0; i < ks->num_supplies; i++) {
		const struct printeng_supply *k = &ks->supplies[i];
		struct printeng_supply_entry *s = &tmp.supplies[i];

		s->type = k->type;
		s->unit = k->unit;
		s->level = k->level;
		s->max_capacity = k->max_capacity;
		s->state = k->state;
		s->replaced = k->replaced;
		if (pel_copy_field(s->colorant, k->colorant,
				   sizeof(k->colorant)) ||
		    pel_copy_field(s->description, k->description,
				   sizeof(k->description)) ||
		    !pel_supply_ok(s))
			return pel_fail(ctx, -EPROTO,
					"printeng%u: supply %u breaks the ABI",
					dev->index, i);
	}
	*out = tmp;
	return 0;
}

static int gone(struct printeng_dev *dev, int err, const char *what)
{
	if (err == -ENODEV)
		return pel_fail(dev->ctx, err, "printeng%u: device gone",
				dev->index);
	return pel_fail(dev->ctx, err, "printeng%u: %s: %s", dev->index, what,
			strerror(-err));
}

static int snap_ioctl(struct printeng_dev *dev, struct printeng_snap *out)
{
	struct printeng_snapshot *ks;
	int ret;

	ks = calloc(1, sizeof(*ks));
	if (!ks)
		return -ENOMEM;
	ks->size = sizeof(*ks);
	if (ioctl(dev->fd, PRINTENG_IOC_GET_SNAPSHOT, ks)) {
		ret = gone(dev, -errno, "GET_SNAPSHOT");
	} else if (ks->size < PRINTENG_SNAPSHOT_SIZE_VER0 ||
		   ks->size > sizeof(*ks)) {
		ret = pel_fail(dev->ctx, -EPROTO,
			       "printeng%u: GET_SNAPSHOT filled %u bytes",
			       dev->index, ks->size);
	} else {
		ret = from_kernel(dev, ks, PRINTENG_SRC_IOCTL, out);
	}
	free(ks);
	return ret;
}

/* One non-blocking read() into dev->rbuf; the byte count or -errno. */
static ssize_t chrdev_read(struct printeng_dev *dev)
{
	ssize_t n;

	do {
		n = read(dev->fd, dev->rbuf, READ_BUF_LEN);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;	/* nothing written: rbuf as it was */
	dev->rbuf_ok = n >= PRINTENG_SNAPSHOT_SIZE_VER0;
	if (!dev->rbuf_ok)
		return pel_fail(dev->ctx, -EPROTO,
				"printeng%u: read() returned %zd bytes",
				dev->index, n);
	return n;
}

static int snap_read(struct printeng_dev *dev, struct printeng_snap *out)
{
	struct printeng_snapshot ks;
	ssize_t n;

	n = chrdev_read(dev);
	if (n == -EAGAIN)
		return pel_fail(dev->ctx, -EAGAIN,
				"printeng%u: no new generation since the last read()",
				dev->index);
	if (n < 0)
		return n == -EPROTO ? (int)n : gone(dev, (int)n, "read");
	memcpy(&ks, dev->rbuf, sizeof(ks));
	return from_kernel(dev, &ks, PRINTENG_SRC_READ, out);
}

/* rbuf's snapshot (this handle's last read()) again, with the time of now. */
static int snap_reread(struct printeng_dev *dev, struct printeng_snap *out)
{
	struct printeng_snapshot ks;
	int ret;

	memcpy(&ks, dev->rbuf, sizeof(ks));
	ret = from_kernel(dev, &ks, PRINTENG_SRC_READ, out);
	if (!ret) {
		out->mono_ns = pel_clock_ns(CLOCK_MONOTONIC);
		out->real_ns = pel_clock_ns(CLOCK_REALTIME);
	}
	return ret;
}

static int snap_sysfs(struct printeng_dev *dev, struct printeng_snap *out)
{
	struct printeng_snap tmp;
	struct stat st;
	int ret;

	if (!dev->sysfs) {
		dev->sysfs = pel_sysfs_cache_new();
		if (!dev->sysfs)
			return pel_fail(dev->ctx, -ENOMEM, "out of memory");
	}
	ret = pel_sysfs_snapshot(dev->ctx, dev->dir, dev->index, dev->sysfs, &tmp);
	if (ret == -ENOENT && stat(dev->dir, &st) && errno == ENOENT)
		return pel_fail(dev->ctx, -ENODEV, "printeng%u: device gone",
				dev->index);
	if (ret)
		return ret;
	if (strcmp(tmp.serial, dev->ident.serial))
		return pel_fail(dev->ctx, -ENODEV,
				"printeng%u: now serial %s, was %s: another engine",
				dev->index, tmp.serial, dev->ident.serial);
	*out = tmp;
	return 0;
}

int printeng_snapshot_from(struct printeng_dev *dev, enum printeng_source src,
			   struct printeng_snap *out)
{
	int ret;

	pel_clear_error(dev->ctx);
	switch (src) {
	case PRINTENG_SRC_AUTO:
		if (dev->fd < 0) {
			ret = snap_sysfs(dev, out);
			break;
		}
		/*
		 * read() first: it also tells the chrdev this handle has seen
		 * the generation, which clears POLLIN.  When nothing changed
		 * since the last read(), that read's snapshot is the current
		 * state; without one (or when a newer kernel's snapshot does
		 * not fit the buffer), the ioctl gives it.
		 */
		ret = snap_read(dev, out);
		if (ret == -EAGAIN && dev->rbuf_ok) {
			/*
			 * Nothing changed since this handle's last read(),
			 * whose snapshot rbuf holds: the same values, taken
			 * now -- one system call a snapshot.
			 */
			pel_clear_error(dev->ctx);
			ret = snap_reread(dev, out);
		} else if (ret == -EAGAIN || ret == -EINVAL) {
			pel_clear_error(dev->ctx);
			ret = snap_ioctl(dev, out);
		}
		break;
	case PRINTENG_SRC_IOCTL:
	case PRINTENG_SRC_READ:
		if (dev->fd < 0)
			return pel_fail(dev->ctx, -EOPNOTSUPP,
					"printeng%u: no character device",
					dev->index);
		ret = src == PRINTENG_SRC_IOCTL ? snap_ioctl(dev, out) :
						  snap_read(dev, out);
		break;
	case PRINTENG_SRC_SYSFS:
		ret = snap_sysfs(dev, out);
		break;
	default:
		return pel_fail(dev->ctx, -EINVAL, "source %d not a device source",
				(int)src);
	}
	if (!ret) {
		dev->have_last = true;
		dev->last_gen = out->generation;
	}
	return ret;
}

int printeng_snapshot(struct printeng_dev *dev, struct printeng_snap *out)
{
	return printeng_snapshot_from(dev, PRINTENG_SRC_AUTO, out);
}

/* ---- waiting ---- */

int printeng_wait(struct printeng_dev *dev, int timeout_ms)
{
	struct pollfd pfd = { .fd = dev->fd, .events = POLLIN };
	uint64_t end = 0, now;
	int left = timeout_ms;
	uint64_t gen;
	ssize_t n;
	int ret;

	pel_clear_error(dev->ctx);
	if (dev->fd < 0)
		return pel_fail(dev->ctx, -EOPNOTSUPP,
				"printeng%u: no character device to wait on",
				dev->index);
	if (timeout_ms >= 0)
		end = pel_clock_ns(CLOCK_MONOTONIC) +
		      (uint64_t)timeout_ms * 1000000u;
	for (;;) {
		n = chrdev_read(dev);
		if (n >= 0) {
			memcpy(&gen, dev->rbuf +
			       offsetof(struct printeng_snapshot, generation),
			       sizeof(gen));
			if (!dev->have_last || gen != dev->last_gen)
				return 1;
			continue;	/* the handle's own generation */
		}
		if (n != -EAGAIN)
			return n == -EPROTO ? (int)n : gone(dev, (int)n, "read");
		if (timeout_ms >= 0) {
			now = pel_clock_ns(CLOCK_MONOTONIC);
			left = now >= end ? 0 :
			       (int)((end - now + 999999) / 1000000);
		}
		ret = poll(&pfd, 1, left);
		if (ret < 0) {
			ret = -errno;
			return ret == -EINTR ? ret : gone(dev, ret, "poll");
		}
		if (ret == 0)
			return 0;
		if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
			return gone(dev, -ENODEV, "poll");
	}
}
