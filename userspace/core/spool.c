// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* spool: one durable file per pending message; see spool.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "common/log.h"
#include "common/syserr.h"
#include "core/spool.h"

#define SPOOL_MAGIC		"ESPL"
#define SPOOL_VERSION		1
#define SPOOL_FILE_MAX		(SPOOL_HEADER_SIZE + SPOOL_ID_MAX + SPOOL_PAYLOAD_MAX)
#define NAME_MAX_LEN		32	/* "m-" + 16 hex, ".tmp-" + 16 hex */
#define TMP_PREFIX		".tmp-"

struct spool {
	char *dir;
	int dirfd;
	struct spool_limits lim;
	struct spool_io io;
	bool have_io;
	struct spool_entry *e;	/* sorted by seq */
	size_t n, cap;
	uint64_t bytes;
	uint64_t next_seq;
};

/* ---- encoding ---- */

static void put_u16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put_u32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint16_t get_u16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get_u64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t crc(uint32_t c, const void *buf, size_t len)
{
	return (uint32_t)crc32(c, buf, (uInt)len);
}

bool spool_id_valid(const char *id)
{
	size_t i, n;

	if (!id)
		return false;
	n = strlen(id);
	if (n == 0 || n > SPOOL_ID_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = id[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == ':' || c == '-'))
			return false;
	}
	return true;
}

const char *spool_kind_name(enum spool_kind kind)
{
	switch (kind) {
	case SPOOL_METER_READ:
		return "meter_read";
	case SPOOL_SUPPLIES:
		return "supplies";
	}
	return "unknown";
}

static char kind_letter(enum spool_kind k)
{
	return k == SPOOL_METER_READ ? 'm' : 's';
}

static void entry_name(const struct spool_entry *e, char *out, size_t n)
{
	snprintf(out, n, "%c-%016" PRIx64, kind_letter(e->kind), e->seq);
}

/* Parse 16 lowercase hex digits. */
static bool parse_seq(const char *s, uint64_t *seq)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 16; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (uint64_t)(c - 'a' + 10);
		else
			return false;
	}
	/* The largest seq would make the next one wrap to 0 (and a new
	 * message land on an old one's name): no spool file carries it. */
	if (s[16] != '\0' || v == UINT64_MAX)
		return false;
	*seq = v;
	return true;
}

/*
 * Check a whole file's bytes against its name's kind and seq; fill e.
 * Returns 0 or -EBADMSG.
 */
static int decode(const unsigned char *b, size_t n, enum spool_kind kind,
		  uint64_t seq, struct spool_entry *e, const unsigned char **payload)
{
	uint32_t plen, hcrc;
	unsigned int idlen;

	if (n < SPOOL_HEADER_SIZE || memcmp(b, SPOOL_MAGIC, 4) != 0 ||
	    get_u16(b + 4) != SPOOL_VERSION || b[6] != kind)
		return -EBADMSG;
	idlen = b[7];
	plen = get_u32(b + 24);
	if (idlen == 0 || idlen > SPOOL_ID_MAX || plen == 0 || plen > SPOOL_PAYLOAD_MAX ||
	    n != (size_t)SPOOL_HEADER_SIZE + idlen + plen || get_u64(b + 8) != seq)
		return -EBADMSG;
	hcrc = crc(crc(0, b, 32), b + SPOOL_HEADER_SIZE, idlen);
	if (hcrc != get_u32(b + 32))
		return -EBADMSG;
	if (crc(0, b + SPOOL_HEADER_SIZE + idlen, plen) != get_u32(b + 28))
		return -EBADMSG;
	memset(e, 0, sizeof(*e));
	memcpy(e->id, b + SPOOL_HEADER_SIZE, idlen);
	e->id[idlen] = '\0';
	if (!spool_id_valid(e->id))
		return -EBADMSG;
	e->seq = seq;
	e->kind = kind;
	e->len = plen;
	e->file_bytes = n;
	e->created = (int64_t)get_u64(b + 16);
	if (payload)
		*payload = b + SPOOL_HEADER_SIZE + idlen;
	return 0;
}

/* ---- I/O ---- */

static int io_write_all(struct spool *sp, int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = sp->have_io ? sp->io.write(sp->io.arg, fd, p, len)
					: write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return neg_errno();
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int io_fsync(struct spool *sp, int fd)
{
	int r = sp->have_io ? sp->io.fsync(sp->io.arg, fd) : fsync(fd);

	return r < 0 ? neg_errno() : 0;
}

/*
 * Read a file relative to the spool dir (at most SPOOL_FILE_MAX + 1 bytes):
 * the bytes (malloc, *len of them), or NULL with the error in *err.
 */
static unsigned char *read_at(struct spool *sp, const char *name, size_t *len, int *err)
{
	size_t cap = 4096, got = 0;
	unsigned char *b = NULL;
	int fd, r;

	*len = 0;
	fd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0) {
		*err = neg_errno();
		return NULL;
	}
	for (;;) {
		ssize_t n;

		if (got == cap || !b) {
			unsigned char *nb;

			if (b)
				cap *= 2;
			if (cap > SPOOL_FILE_MAX + 1)
				cap = SPOOL_FILE_MAX + 1;
			nb = realloc(b, cap);
			if (!nb) {
				r = -ENOMEM;
				goto fail;
			}
			b = nb;
		}
		if (got == cap) {	/* larger than any valid message */
			r = -EBADMSG;
			goto fail;
		}
		n = read(fd, b + got, cap - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = neg_errno();
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	*len = got;
	*err = 0;
	return b;
fail:
	free(b);
	close(fd);
	*err = r;
	return NULL;
}

/* Move a bad file to corrupt/ (or delete it when corrupt/ is full). */
static void move_aside(struct spool *sp, const char *name, const char *why)
{
	char dst[NAME_MAX_LEN + sizeof(SPOOL_CORRUPT_DIR) + 8];
	unsigned int kept = 0, i;
	DIR *d;
	int cfd;

	if (mkdirat(sp->dirfd, SPOOL_CORRUPT_DIR, 0700) < 0 && errno != EEXIST)
		goto delete;
	cfd = openat(sp->dirfd, SPOOL_CORRUPT_DIR, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cfd < 0)
		goto delete;
	d = fdopendir(cfd);
	if (!d) {
		close(cfd);
		goto delete;
	}
	for (struct dirent *de; (de = readdir(d));)
		if (de->d_name[0] != '.')
			kept++;
	closedir(d);
	if (kept >= SPOOL_CORRUPT_KEEP)
		goto delete;
	for (i = 0; i < 10; i++) {
		if (i == 0)
			snprintf(dst, sizeof(dst), "%s/%s", SPOOL_CORRUPT_DIR, name);
		else
			snprintf(dst, sizeof(dst), "%s/%s.%u", SPOOL_CORRUPT_DIR, name, i);
		if (faccessat(sp->dirfd, dst, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		if (renameat(sp->dirfd, name, sp->dirfd, dst) == 0) {
			log_warn("spool: %s/%s: %s; moved to %s/%s", sp->dir, name,
				 why, sp->dir, dst);
			return;
		}
		break;
	}
delete:
	if (unlinkat(sp->dirfd, name, 0) == 0)
		log_warn("spool: %s/%s: %s; deleted (%s/ is full or unusable)",
			 sp->dir, name, why, SPOOL_CORRUPT_DIR);
	else
		log_err("spool: %s/%s: %s; cannot move or delete it: %s",
			sp->dir, name, why, strerror(errno));
}

/* ---- index ---- */

static int index_add(struct spool *sp, const struct spool_entry *e)
{
	size_t i;

	if (sp->n == sp->cap) {
		size_t nc = sp->cap ? sp->cap * 2 : 16;
		struct spool_entry *ne = realloc(sp->e, nc * sizeof(*ne));

		if (!ne)
			return -ENOMEM;
		sp->e = ne;
		sp->cap = nc;
	}
	/* Keep sorted by seq (appends land at the end). */
	for (i = sp->n; i > 0 && sp->e[i - 1].seq > e->seq; i--)
		sp->e[i] = sp->e[i - 1];
	sp->e[i] = *e;
	sp->n++;
	sp->bytes += e->file_bytes;
	return 0;
}

static void index_del(struct spool *sp, size_t i)
{
	sp->bytes -= sp->e[i].file_bytes;
	memmove(&sp->e[i], &sp->e[i + 1], (sp->n - i - 1) * sizeof(sp->e[0]));
	sp->n--;
}

static ssize_t index_find(const struct spool *sp, const char *id)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		if (strcmp(sp->e[i].id, id) == 0)
			return (ssize_t)i;
	return -1;
}

static void totals(const struct spool *sp, enum spool_kind kind, size_t *count,
		   uint64_t *bytes)
{
	size_t i;

	*count = 0;
	*bytes = 0;
	for (i = 0; i < sp->n; i++)
		if (sp->e[i].kind == kind) {
			(*count)++;
			*bytes += sp->e[i].file_bytes;
		}
}

/* Drop the oldest supplies report; false if there is none. */
static bool drop_oldest_supplies(struct spool *sp, const char *why)
{
	char name[NAME_MAX_LEN];
	size_t i;

	for (i = 0; i < sp->n; i++) {
		if (sp->e[i].kind != SPOOL_SUPPLIES)
			continue;
		entry_name(&sp->e[i], name, sizeof(name));
		if (unlinkat(sp->dirfd, name, 0) < 0 && errno != ENOENT) {
			log_err("spool: cannot drop %s/%s: %s", sp->dir, name,
				strerror(errno));
			return false;
		}
		log_warn("spool: dropped supplies report %s (%s)", sp->e[i].id, why);
		index_del(sp, i);
		return true;
	}
	return false;
}

static bool over_limits(const struct spool *sp)
{
	return sp->n > sp->lim.max_count || sp->bytes > sp->lim.max_bytes;
}

/* Drop supplies reports, oldest first, while over the limits. */
static unsigned int enforce_limits(struct spool *sp)
{
	unsigned int dropped = 0;

	while (over_limits(sp) && drop_oldest_supplies(sp, "spool over its limits"))
		dropped++;
	return dropped;
}

static bool limits_ok(const struct spool_limits *lim)
{
	return lim && lim->max_count >= 1 && lim->max_bytes >= SPOOL_MIN_BYTES;
}

/* ---- open / recovery ---- */

static int cmp_seq(const void *a, const void *b)
{
	const struct spool_entry *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int recover_one(struct spool *sp, const char *name, struct spool_recovery *rec)
{
	struct spool_entry e;
	enum spool_kind kind;
	unsigned char *buf = NULL;
	uint64_t seq;
	size_t len = 0;
	int r;

	if (strncmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0) {
		if (unlinkat(sp->dirfd, name, 0) == 0) {
			log_info("spool: removed torn temporary file %s/%s", sp->dir, name);
			rec->torn_removed++;
		}
		if (parse_seq(name + strlen(TMP_PREFIX), &seq) && seq >= sp->next_seq)
			sp->next_seq = seq + 1;
		return 0;
	}
	if ((name[0] != 'm' && name[0] != 's') || name[1] != '-' ||
	    !parse_seq(name + 2, &seq)) {
		log_warn("spool: %s/%s: not a spool file; left alone", sp->dir, name);
		rec->unknown++;
		return 0;
	}
	if (seq >= sp->next_seq)
		sp->next_seq = seq + 1;
	kind = name[0] == 'm' ? SPOOL_METER_READ : SPOOL_SUPPLIES;
	buf = read_at(sp, name, &len, &r);
	if (!buf && r == -EBADMSG) {
		move_aside(sp, name, "larger than any message");
		rec->corrupt++;
		return 0;
	}
	if (!buf && r == -ENOMEM)
		return r;
	if (!buf) {
		log_err("spool: %s/%s: cannot read: %s; left alone", sp->dir, name,
			strerror(-r));
		rec->unknown++;
		return 0;
	}
	r = decode(buf, len, kind, seq, &e, NULL);
	free(buf);
	if (r < 0) {
		move_aside(sp, name, "torn or corrupt (header/CRC check failed)");
		rec->corrupt++;
		return 0;
	}
	r = index_add(sp, &e);
	if (r == 0)
		rec->loaded++;
	return r;
}

/* Two files with the same id cannot both be right: keep the older one. */
static void drop_duplicates(struct spool *sp, struct spool_recovery *rec)
{
	char name[NAME_MAX_LEN];
	size_t i, j;

	for (i = 0; i < sp->n; i++) {
		for (j = i + 1; j < sp->n;) {
			if (strcmp(sp->e[i].id, sp->e[j].id) != 0) {
				j++;
				continue;
			}
			entry_name(&sp->e[j], name, sizeof(name));
			move_aside(sp, name, "duplicate id of an older message");
			index_del(sp, j);
			rec->corrupt++;
			rec->loaded--;
		}
	}
}

int spool_open(const char *dir, const struct spool_limits *lim,
	       const struct spool_io *io, struct spool **out,
	       struct spool_recovery *rec_out)
{
	struct spool_recovery rec = { 0 };
	struct spool *sp;
	size_t i, nmeter;
	uint64_t bmeter;
	DIR *d;
	int r, fd;

	if (!dir || !*dir || !limits_ok(lim) || (io && (!io->write || !io->fsync)))
		return -EINVAL;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return neg_errno();
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	sp->dirfd = -1;
	sp->lim = *lim;
	if (io) {
		sp->io = *io;
		sp->have_io = true;
	}
	sp->dir = strdup(dir);
	if (!sp->dir) {
		r = -ENOMEM;
		goto fail;
	}
	sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sp->dirfd < 0) {
		r = neg_errno();
		goto fail;
	}
	fd = dup(sp->dirfd);
	if (fd < 0) {
		r = neg_errno();
		goto fail;
	}
	d = fdopendir(fd);
	if (!d) {
		r = neg_errno();
		close(fd);
		goto fail;
	}
	/* Names first, then work: renames/unlinks while reading a dir are fragile. */
	{
		char (*names)[NAME_MAX + 1] = NULL;
		size_t nn = 0, cn = 0;
		struct dirent *de;

		r = 0;
		while ((de = readdir(d))) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			    strcmp(de->d_name, SPOOL_CORRUPT_DIR) == 0)
				continue;
			if (nn == cn) {
				size_t nc = cn ? cn * 2 : 32;
				void *nb = realloc(names, nc * sizeof(*names));

				if (!nb) {
					r = -ENOMEM;
					break;
				}
				names = nb;
				cn = nc;
			}
			snprintf(names[nn++], sizeof(names[0]), "%s", de->d_name);
		}
		closedir(d);
		for (i = 0; r == 0 && i < nn; i++)
			r = recover_one(sp, names[i], &rec);
		free(names);
		if (r < 0)
			goto fail;
	}
	if (sp->n > 1)
		qsort(sp->e, sp->n, sizeof(sp->e[0]), cmp_seq);
	drop_duplicates(sp, &rec);
	rec.dropped = enforce_limits(sp);
	totals(sp, SPOOL_METER_READ, &nmeter, &bmeter);
	if (over_limits(sp))
		log_warn("spool: %s holds %zu meter reads (%" PRIu64 " bytes), over its "
			 "limits (%" PRIu32 " messages, %" PRIu64 " bytes): kept, "
			 "no new message fits until they are sent", dir, nmeter,
			 bmeter, lim->max_count, lim->max_bytes);
	if (rec_out)
		*rec_out = rec;
	*out = sp;
	return 0;
fail:
	spool_close(sp);
	return r;
}

void spool_close(struct spool *sp)
{
	if (!sp)
		return;
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	free(sp->e);
	free(sp->dir);
	free(sp);
}

/* ---- put / get / remove ---- */

static int write_file(struct spool *sp, const char *tmp, const char *name,
		      const unsigned char *buf, size_t len)
{
	int fd, r;

	fd = openat(sp->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && errno == EEXIST) {
		unlinkat(sp->dirfd, tmp, 0);
		fd = openat(sp->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	}
	if (fd < 0)
		return neg_errno();
	r = io_write_all(sp, fd, buf, len);
	if (r == 0)
		r = io_fsync(sp, fd);
	if (close(fd) < 0 && r == 0)
		r = neg_errno();
	if (r == 0 && renameat(sp->dirfd, tmp, sp->dirfd, name) < 0)
		r = neg_errno();
	if (r < 0) {
		unlinkat(sp->dirfd, tmp, 0);
		return r;
	}
	if (fsync(sp->dirfd) < 0) {
		r = neg_errno();
		unlinkat(sp->dirfd, name, 0);
		return r;
	}
	return 0;
}

int spool_put(struct spool *sp, enum spool_kind kind, const char *id,
	      const void *payload, size_t len, int64_t created)
{
	char name[NAME_MAX_LEN], tmp[NAME_MAX_LEN];
	struct spool_entry e;
	size_t idlen, nmeter;
	uint64_t bmeter, fbytes;
	unsigned char *buf;
	int r;

	if ((kind != SPOOL_METER_READ && kind != SPOOL_SUPPLIES) ||
	    !spool_id_valid(id) || (!payload && len))
		return -EINVAL;
	if (len == 0 || len > SPOOL_PAYLOAD_MAX)
		return -EMSGSIZE;
	if (sp->next_seq == UINT64_MAX)
		return -EOVERFLOW;	/* never wrap onto an older message's name */
	if (index_find(sp, id) >= 0)
		return -EEXIST;
	idlen = strlen(id);
	fbytes = SPOOL_HEADER_SIZE + idlen + len;
	if (fbytes > sp->lim.max_bytes)
		return -EMSGSIZE;
	/* Would it fit if every supplies report were dropped? */
	totals(sp, SPOOL_METER_READ, &nmeter, &bmeter);
	if (nmeter + 1 > sp->lim.max_count || bmeter + fbytes > sp->lim.max_bytes)
		return -ENOBUFS;

	memset(&e, 0, sizeof(e));
	e.seq = sp->next_seq;
	e.kind = kind;
	memcpy(e.id, id, idlen + 1);
	e.len = (uint32_t)len;
	e.file_bytes = fbytes;
	e.created = created;

	buf = malloc(fbytes);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, SPOOL_MAGIC, 4);
	put_u16(buf + 4, SPOOL_VERSION);
	buf[6] = (unsigned char)kind;
	buf[7] = (unsigned char)idlen;
	put_u64(buf + 8, e.seq);
	put_u64(buf + 16, (uint64_t)created);
	put_u32(buf + 24, (uint32_t)len);
	put_u32(buf + 28, crc(0, payload, len));
	memcpy(buf + SPOOL_HEADER_SIZE, id, idlen);
	memcpy(buf + SPOOL_HEADER_SIZE + idlen, payload, len);
	put_u32(buf + 32, crc(crc(0, buf, 32), buf + SPOOL_HEADER_SIZE, idlen));

	entry_name(&e, name, sizeof(name));
	snprintf(tmp, sizeof(tmp), TMP_PREFIX "%016" PRIx64, e.seq);
	/* Write; on a full disk, make room by dropping supplies reports. */
	for (;;) {
		r = write_file(sp, tmp, name, buf, fbytes);
		if ((r == -ENOSPC || r == -EDQUOT) &&
		    drop_oldest_supplies(sp, "file system full"))
			continue;
		break;
	}
	free(buf);
	if (r < 0)
		return r;
	sp->next_seq++;
	r = index_add(sp, &e);
	if (r < 0) {
		unlinkat(sp->dirfd, name, 0);
		return r;
	}
	/*
	 * Now apply the limits.  The check above guarantees the new message
	 * fits once every older supplies report is gone, so it is never the
	 * one dropped.
	 */
	while (over_limits(sp) && drop_oldest_supplies(sp, "spool full"))
		;
	return 0;
}

int spool_get(struct spool *sp, const char *id, void **payload, size_t *len)
{
	char name[NAME_MAX_LEN];
	struct spool_entry e = { 0 };
	unsigned char *buf = NULL;
	ssize_t i;
	size_t n = 0;
	char *out;
	int r;

	i = id ? index_find(sp, id) : -1;
	if (i < 0)
		return -ENOENT;
	entry_name(&sp->e[i], name, sizeof(name));
	buf = read_at(sp, name, &n, &r);
	if (!buf && r == -ENOENT) {
		log_err("spool: %s/%s (%s) vanished", sp->dir, name, id);
		index_del(sp, (size_t)i);
		return r;
	}
	if (buf) {
		r = decode(buf, n, sp->e[i].kind, sp->e[i].seq, &e, NULL);
		if (r == 0 && strcmp(e.id, id) != 0)
			r = -EBADMSG;
		if (r < 0) {
			free(buf);
			buf = NULL;
		}
	}
	if (r == -EBADMSG) {
		log_err("spool: message %s went corrupt on disk", id);
		move_aside(sp, name, "corrupt when read back");
		index_del(sp, (size_t)i);
		return r;
	}
	if (!buf || r < 0)
		return r < 0 ? r : -EIO;
	out = malloc(e.len + 1);
	if (!out) {
		free(buf);
		return -ENOMEM;
	}
	/* A decoded file ends with its payload of e.len bytes. */
	memcpy(out, buf + n - e.len, e.len);
	out[e.len] = '\0';
	free(buf);
	*payload = out;
	*len = e.len;
	return 0;
}

int spool_remove(struct spool *sp, const char *id)
{
	char name[NAME_MAX_LEN];
	ssize_t i = id ? index_find(sp, id) : -1;

	if (i < 0)
		return -ENOENT;
	entry_name(&sp->e[i], name, sizeof(name));
	if (unlinkat(sp->dirfd, name, 0) < 0 && errno != ENOENT)
		return neg_errno();
	index_del(sp, (size_t)i);
	return 0;
}

int spool_clear(struct spool *sp)
{
	char name[NAME_MAX_LEN];
	int removed = 0;

	while (sp->n > 0) {
		entry_name(&sp->e[0], name, sizeof(name));
		if (unlinkat(sp->dirfd, name, 0) < 0 && errno != ENOENT) {
			int r = neg_errno();

			fsync(sp->dirfd);
			return r;
		}
		index_del(sp, 0);
		removed++;
	}
	if (fsync(sp->dirfd) < 0)
		return neg_errno();
	return removed;
}

/* ---- queries ---- */

const struct spool_entry *spool_list(const struct spool *sp, size_t *n)
{
	*n = sp->n;
	return sp->e;
}

const struct spool_entry *spool_find(const struct spool *sp, const char *id)
{
	ssize_t i = id ? index_find(sp, id) : -1;

	return i < 0 ? NULL : &sp->e[i];
}

const struct spool_entry *spool_oldest(const struct spool *sp, enum spool_kind kind)
{
	size_t i;

	for (i = 0; i < sp->n; i++)
		if (sp->e[i].kind == kind)
			return &sp->e[i];
	return NULL;
}

size_t spool_count(const struct spool *sp)
{
	return sp->n;
}

uint64_t spool_bytes(const struct spool *sp)
{
	return sp->bytes;
}

int spool_set_limits(struct spool *sp, const struct spool_limits *lim)
{
	if (!limits_ok(lim))
		return -EINVAL;
	sp->lim = *lim;
	enforce_limits(sp);
	return 0;
}
