// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * torture-replay: read a write log in the dm-log-writes format (what
 * QEMU's blklogwrites block driver writes) and replay a prefix of it onto
 * a disk image: the disk as a power cut at that point of the log leaves
 * it.  See docs/torture.md for why this models a cut honestly.
 *
 *   torture-replay scan LOG
 *	prints "entries N flushed F superblock C": N entries can be read
 *	back whole; the log's super block, rewritten and flushed by every
 *	flush, counts C; F = min(C, N) of them are covered by the guest's
 *	last completed flush.  (C > N: a write still on its way into the
 *	log when the flush's super block was written -- QEMU numbers an
 *	entry before writing it -- and QEMU killed before it landed; the
 *	guest never saw that write complete, and what follows it cannot be
 *	found, so the log is good up to it)
 *   torture-replay apply LOG DISK P
 *	writes the data of the first P entries onto DISK in log order
 *	(P between F and N models a cut after the last flush), fsyncs it
 *
 * The format (Linux drivers/md/dm-log-writes.c, little-endian): sector 0
 * holds the super block (magic, version, nr_entries, sectorsize); from
 * sector 1 on, each entry is one sector of header (sector, nr_sectors,
 * flags, data_len) followed by nr_sectors sectors of data (none for a
 * discard or a flush).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_FLUSH_FLAG		(1u << 0)
#define LOG_FUA_FLAG		(1u << 1)
#define LOG_DISCARD_FLAG	(1u << 2)
#define LOG_MARK_FLAG		(1u << 3)
#define LOG_FLAG_MASK		(LOG_FLUSH_FLAG | LOG_FUA_FLAG | LOG_DISCARD_FLAG | LOG_MARK_FLAG)
#define WRITE_LOG_MAGIC		0x6a736677736872ULL
#define WRITE_LOG_VERSION	1ULL
#define SECTOR_DEFAULT		512u

struct wlog {
	int fd;
	uint64_t size;		/* bytes in the log file */
	uint32_t sector;	/* log sector size */
	uint64_t flushed;	/* entries the super block counts */
};

struct wentry {
	uint64_t sector, nr_sectors, flags, data_len;
	uint64_t data_off;	/* where its data starts in the log file */
};

static int read_at(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		done += (size_t)n;
	}
	return 0;
}

static int write_at(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

/* The super block: absent (no flush yet) means nothing is flushed. */
static int wlog_open(struct wlog *l, const char *path)
{
	unsigned char sb[28];
	struct stat st;
	uint64_t magic, version;

	memset(l, 0, sizeof(*l));
	l->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (l->fd < 0 || fstat(l->fd, &st) < 0) {
		fprintf(stderr, "torture-replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	l->size = (uint64_t)st.st_size;
	l->sector = SECTOR_DEFAULT;
	if (l->size < sizeof(sb))
		return 0;
	if (read_at(l->fd, sb, sizeof(sb), 0) < 0) {
		fprintf(stderr, "torture-replay: %s: cannot read the super block\n", path);
		return -1;
	}
	memcpy(&magic, sb, 8);
	memcpy(&version, sb + 8, 8);
	if (le64toh(magic) == 0)
		return 0;	/* never flushed */
	if (le64toh(magic) != WRITE_LOG_MAGIC || le64toh(version) != WRITE_LOG_VERSION) {
		fprintf(stderr, "torture-replay: %s: not a dm-log-writes log\n", path);
		return -1;
	}
	memcpy(&l->flushed, sb + 16, 8);
	l->flushed = le64toh(l->flushed);
	memcpy(&l->sector, sb + 24, 4);
	l->sector = le32toh(l->sector);
	if (l->sector < 512 || (l->sector & (l->sector - 1)) || l->sector > (1u << 20)) {
		fprintf(stderr, "torture-replay: %s: bad sector size %u\n", path, l->sector);
		return -1;
	}
	return 0;
}

/*
 * The entry at *off; 1 if it is whole (header valid, data inside the
 * file), 0 at the end of what was written (zeros, or cut short).
 */
static int wlog_entry(const struct wlog *l, uint64_t *off, struct wentry *e)
{
	unsigned char h[32];
	uint64_t data_bytes;

	if (*off + l->sector > l->size || read_at(l->fd, h, sizeof(h), *off) < 0)
		return 0;
	memcpy(&e->sector, h, 8);
	memcpy(&e->nr_sectors, h + 8, 8);
	memcpy(&e->flags, h + 16, 8);
	memcpy(&e->data_len, h + 24, 8);
	e->sector = le64toh(e->sector);
	e->nr_sectors = le64toh(e->nr_sectors);
	e->flags = le64toh(e->flags);
	e->data_len = le64toh(e->data_len);
	if (e->flags & ~(uint64_t)LOG_FLAG_MASK)
		return 0;
	if (!e->flags && !e->nr_sectors)
		return 0;	/* an unwritten header */
	if (e->nr_sectors > (1ULL << 32))
		return 0;
	data_bytes = (e->flags & LOG_DISCARD_FLAG) ? 0 : e->nr_sectors * l->sector;
	e->data_off = *off + l->sector;
	if (e->data_off + data_bytes > l->size)
		return 0;	/* the data was not all written before the cut */
	*off = e->data_off + data_bytes;
	return 1;
}

static uint64_t wlog_count(const struct wlog *l)
{
	uint64_t off = l->sector, n = 0;
	struct wentry e;

	while (wlog_entry(l, &off, &e))
		n++;
	return n;
}

static int apply(const struct wlog *l, const char *disk, uint64_t upto)
{
	uint64_t off = l->sector, n = 0, bytes = 0;
	struct wentry e;
	char *buf = NULL;
	size_t cap = 0;
	int fd, r = 0;

	fd = open(disk, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "torture-replay: %s: %s\n", disk, strerror(errno));
		return -1;
	}
	while (n < upto && wlog_entry(l, &off, &e)) {
		size_t len = (size_t)(e.nr_sectors * l->sector);

		n++;
		/* A discarded range reads back undefined: keeping it is allowed. */
		if ((e.flags & LOG_DISCARD_FLAG) || !len)
			continue;
		if (len > cap) {
			char *nb = realloc(buf, len);

			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
			cap = len;
		}
		r = read_at(l->fd, buf, len, e.data_off);
		if (!r)
			r = write_at(fd, buf, len, e.sector * l->sector);
		if (r)
			break;
		bytes += len;
	}
	if (!r && n < upto) {
		fprintf(stderr, "torture-replay: the log holds %" PRIu64 " entries, not %" PRIu64 "\n",
			n, upto);
		r = -EINVAL;
	}
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	free(buf);
	if (r) {
		fprintf(stderr, "torture-replay: %s: %s\n", disk, strerror(-r));
		return -1;
	}
	printf("replayed %" PRIu64 " entries, %" PRIu64 " bytes\n", n, bytes);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: torture-replay scan LOG | apply LOG DISK ENTRIES\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct wlog l;
	char *end;
	uint64_t upto;
	int r;

	if (argc == 3 && !strcmp(argv[1], "scan")) {
		if (wlog_open(&l, argv[2]) < 0)
			return 1;
		uint64_t n = wlog_count(&l);

		printf("entries %" PRIu64 " flushed %" PRIu64 " superblock %" PRIu64 "\n", n,
		       l.flushed < n ? l.flushed : n, l.flushed);
		close(l.fd);
		return 0;
	}
	if (argc != 5 || strcmp(argv[1], "apply"))
		return usage();
	errno = 0;
	upto = strtoull(argv[4], &end, 10);
	if (errno || *end || end == argv[4])
		return usage();
	if (wlog_open(&l, argv[2]) < 0)
		return 1;
	r = apply(&l, argv[3], upto);
	close(l.fd);
	return r < 0 ? 1 : 0;
}
