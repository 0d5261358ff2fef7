// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: spool recovery (spool_open) over a spool directory
 * as a crash, bit rot or a careless hand may leave it.  The input is a
 * list of files, each written into a fresh directory under build/fuzz/tmp
 * before spool_open():
 *
 *   byte 0: max_count = 1 + b % 64      byte 1: max_bytes = 4096 + 256 * b
 *   then records: sel (u8), len (u16 LE), len bytes
 *     sel & 3:   0 "m-<seq>", 1 "s-<seq>", 2 ".tmp-<seq>", 3 an odd name
 *     sel & 4:   the bytes are [idlen][id][payload] and the harness writes
 *                a well-formed file around them (header, CRCs); otherwise
 *                they are the whole file as is (and the harness checks
 *                them against spool.h's layout on its own)
 *     sel >> 3:  the seq (0..29, then 2^64-2 and 2^64-1)
 *
 * Properties: no crash, leak or undefined behaviour; spool_open succeeds
 * and accounts for every file (loaded + torn + corrupt + unknown); a
 * well-formed meter read is never lost (unless an older file holds its
 * id); every message loaded reads back (spool_get) with the bytes that
 * were written; a message put after recovery gets a seq above every
 * recovered one and overwrites none of them; a second spool_open of the
 * same directory finds nothing more to repair and the same messages.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "common/log.h"
#include "core/spool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 24

struct mfile {
	char name[40];
	int type;		/* 0 m, 1 s, 2 tmp, 3 odd */
	uint64_t seq;
	bool valid;		/* a well-formed m-/s- file (harness-built) */
	char id[SPOOL_ID_MAX + 1];
	const uint8_t *payload;
	size_t plen;
};

static const char *const odd_names[] = {
	"README", "m-", "m-000000000000000G", "M-0000000000000001",
	"s-00000000000000001", "m-0000000000000001.bak", ".tmp-", "corrupt",
};

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* Remove every file of dir and dir/corrupt (the harness made no others). */
static void empty_dir(const char *dir)
{
	char sub[512];
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		abort();
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		if (!strcmp(de->d_name, SPOOL_CORRUPT_DIR)) {
			empty_dir(sub);
			if (rmdir(sub) < 0)
				abort();
		} else if (unlink(sub) < 0) {
			abort();
		}
	}
	closedir(d);
}

static void write_file(const char *dir, const char *name, const void *b, size_t n)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, b, n) != (ssize_t)n || close(fd) < 0)
		abort();
}

/* A well-formed spool file (spool.h's layout) around the record's bytes. */
static void build(const char *dir, struct mfile *f, const uint8_t *b, size_t n)
{
	unsigned char *buf;
	size_t idlen = n ? b[0] % (SPOOL_ID_MAX + 1) : 0;
	size_t total;
	uint32_t c;

	if (idlen > (n ? n - 1 : 0))
		idlen = n ? n - 1 : 0;
	memcpy(f->id, b + (n ? 1 : 0), idlen);
	f->id[idlen] = '\0';
	f->payload = b + 1 + idlen;
	f->plen = n ? n - 1 - idlen : 0;
	total = SPOOL_HEADER_SIZE + idlen + f->plen;
	buf = calloc(1, total);
	if (!buf)
		abort();
	memcpy(buf, "ESPL", 4);
	put_le(buf + 4, 1, 2);
	buf[6] = f->type == 1 ? SPOOL_SUPPLIES : SPOOL_METER_READ;
	buf[7] = (unsigned char)idlen;
	put_le(buf + 8, f->seq, 8);
	put_le(buf + 16, 1793491200, 8);
	put_le(buf + 24, f->plen, 4);
	put_le(buf + 28, crc32(0, f->payload, (uInt)f->plen), 4);
	memcpy(buf + SPOOL_HEADER_SIZE, f->id, idlen);
	c = (uint32_t)crc32(0, buf, 32);
	put_le(buf + 32, crc32(c, buf + SPOOL_HEADER_SIZE, (uInt)idlen), 4);
	memcpy(buf + SPOOL_HEADER_SIZE + idlen, f->payload, f->plen);
	write_file(dir, f->name, buf, total);
	free(buf);
	f->valid = (f->type == 0 || f->type == 1) && f->plen >= 1 &&
		   f->plen <= SPOOL_PAYLOAD_MAX && spool_id_valid(f->id);
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The file as given: well-formed by spool.h's layout?  (The oracle.) */
static void classify_raw(struct mfile *f, const uint8_t *b, size_t n)
{
	size_t idlen, plen;
	uint32_t c;

	f->valid = false;
	if ((f->type != 0 && f->type != 1) || n < SPOOL_HEADER_SIZE || memcmp(b, "ESPL", 4) ||
	    get_le(b + 4, 2) != 1 || b[6] != (f->type == 1 ? SPOOL_SUPPLIES : SPOOL_METER_READ))
		return;
	idlen = b[7];
	plen = get_le(b + 24, 4);
	if (idlen < 1 || idlen > SPOOL_ID_MAX || plen < 1 || plen > SPOOL_PAYLOAD_MAX ||
	    n != SPOOL_HEADER_SIZE + idlen + plen || get_le(b + 8, 8) != f->seq)
		return;
	c = (uint32_t)crc32(crc32(0, b, 32), b + SPOOL_HEADER_SIZE, (uInt)idlen);
	if (c != get_le(b + 32, 4) ||
	    crc32(0, b + SPOOL_HEADER_SIZE + idlen, (uInt)plen) != get_le(b + 28, 4))
		return;
	memcpy(f->id, b + SPOOL_HEADER_SIZE, idlen);
	f->id[idlen] = '\0';
	f->payload = b + SPOOL_HEADER_SIZE + idlen;
	f->plen = plen;
	f->valid = spool_id_valid(f->id);
}

static ssize_t io_write(void *arg, int fd, const void *buf, size_t len)
{
	(void)arg;
	return write(fd, buf, len);
}

static int io_fsync(void *arg, int fd)
{
	(void)arg;
	(void)fd;
	return 0;	/* durability is not under test here; speed is */
}

static const struct mfile *model_of(const struct mfile *fs, size_t n, enum spool_kind k,
				    uint64_t seq)
{
	for (size_t i = 0; i < n; i++)
		if (fs[i].valid && fs[i].seq == seq && (fs[i].type == 1) == (k == SPOOL_SUPPLIES))
			return &fs[i];
	return NULL;
}

/* Every entry reads back its model's bytes; returns the largest seq. */
static uint64_t check_entries(struct spool *sp, const struct mfile *fs, size_t n)
{
	const struct spool_entry *e;
	uint64_t top = 0;
	size_t ne;

	e = spool_list(sp, &ne);
	for (size_t i = 0; i < ne; i++) {
		const struct mfile *m = model_of(fs, n, e[i].kind, e[i].seq);
		void *p;
		size_t len;

		if (!m || strcmp(m->id, e[i].id) || e[i].len != m->plen)
			abort();
		if (spool_get(sp, e[i].id, &p, &len) != 0 || len != m->plen ||
		    memcmp(p, m->payload, len) != 0)
			abort();
		free(p);
		if (i && e[i].seq < e[i - 1].seq)
			abort();	/* oldest first */
		if (e[i].seq > top)
			top = e[i].seq;
	}
	return top;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64];
	struct mfile fs[MAX_FILES];
	struct spool_limits lim;
	struct spool_recovery rec, rec2;
	const struct spool_io io = { io_write, io_fsync, NULL };
	struct spool *sp;
	size_t n = 0, off = 2, count, i, j;
	uint64_t top;
	int r;

	if (!dir[0]) {
		log_init("fuzz_spool", LOG_SINK_STDERR, LOG_CRIT);
		snprintf(dir, sizeof(dir), "build/fuzz/tmp/spool.%d", (int)getpid());
		if ((mkdir("build/fuzz/tmp", 0700) < 0 && errno != EEXIST) ||
		    (mkdir(dir, 0700) < 0 && errno != EEXIST))
			abort();
	}
	empty_dir(dir);
	if (size < 2)
		return 0;
	lim.max_count = 1 + data[0] % 64;
	lim.max_bytes = 4096 + 256 * (uint64_t)data[1];

	while (off + 3 <= size && n < MAX_FILES) {
		uint8_t sel = data[off];
		size_t len = data[off + 1] | (size_t)data[off + 2] << 8;
		struct mfile *f = &fs[n];
		unsigned int s = sel >> 3;

		off += 3;
		if (len > size - off)
			len = size - off;
		memset(f, 0, sizeof(*f));
		f->type = sel & 3;
		f->seq = s < 30 ? s : s == 30 ? UINT64_MAX - 1 : UINT64_MAX;
		if (f->type == 3)
			snprintf(f->name, sizeof(f->name), "%s", odd_names[s % 8]);
		else
			snprintf(f->name, sizeof(f->name), "%s%016" PRIx64,
				 f->type == 0 ? "m-" : f->type == 1 ? "s-" : ".tmp-", f->seq);
		/* A later record of the same name replaces the earlier one. */
		for (i = 0; i < n; i++)
			if (!strcmp(fs[i].name, f->name))
				break;
		if (i < n) {
			fs[i] = *f;
			f = &fs[i];
		} else {
			n++;
		}
		if (!strcmp(f->name, SPOOL_CORRUPT_DIR)) {
			off += len;	/* the name spool.c keeps for itself */
			f->valid = false;
			if (i == n - 1)
				n--;
			continue;
		}
		if ((sel & 4) && f->type != 3) {
			build(dir, f, data + off, len);
		} else {
			write_file(dir, f->name, data + off, len);
			classify_raw(f, data + off, len);
		}
		off += len;
	}

	r = spool_open(dir, &lim, &io, &sp, &rec);
	if (r != 0)
		abort();
	if (rec.loaded + rec.torn_removed + rec.corrupt + rec.unknown != n)
		abort();
	count = spool_count(sp);
	if (count != rec.loaded - rec.dropped)
		abort();
	/* Meter reads are never lost, unless an older file holds the id. */
	for (i = 0; i < n; i++) {
		const struct spool_entry *e;
		bool older = false;

		if (!fs[i].valid || fs[i].type != 0 || fs[i].seq == UINT64_MAX)
			continue;	/* (a name no spool makes: left alone) */
		for (j = 0; j < n; j++)
			if (j != i && fs[j].valid && fs[j].seq <= fs[i].seq &&
			    !strcmp(fs[j].id, fs[i].id))
				older = true;
		e = spool_find(sp, fs[i].id);
		if (!older && (!e || e->seq != fs[i].seq || e->kind != SPOOL_METER_READ))
			abort();
	}
	top = check_entries(sp, fs, n);

	/* A new message after recovery overwrites nothing. */
	if (!spool_find(sp, "fuzz.new.0")) {
		static const char body[] = "{\"new\":true}";
		const struct spool_entry *e;

		r = spool_put(sp, SPOOL_METER_READ, "fuzz.new.0", body, sizeof(body) - 1, 0);
		if (r != 0 && r != -ENOBUFS && r != -EMSGSIZE && r != -EOVERFLOW)
			abort();
		if (r == 0) {
			e = spool_find(sp, "fuzz.new.0");
			if (!e || (count && e->seq <= top))
				abort();
			/* the old ones are still there and intact */
			for (i = 0; i < spool_count(sp); i++) {
				const struct spool_entry *x = &spool_list(sp, &j)[i];

				if (x->seq != e->seq && !model_of(fs, n, x->kind, x->seq))
					abort();
			}
			for (i = 0; i < n; i++) {
				const struct spool_entry *x = fs[i].valid ? spool_find(sp, fs[i].id) : NULL;
				void *p;
				size_t len;

				if (x && x->seq == fs[i].seq && (x->kind == SPOOL_SUPPLIES) == (fs[i].type == 1)) {
					if (spool_get(sp, x->id, &p, &len) != 0 || len != fs[i].plen ||
					    memcmp(p, fs[i].payload, len))
						abort();
					free(p);
				}
			}
			spool_remove(sp, "fuzz.new.0");
		}
	}
	count = spool_count(sp);
	spool_close(sp);

	/* Recovery is done once: the second open repairs nothing. */
	if (spool_open(dir, &lim, &io, &sp, &rec2) != 0)
		abort();
	if (rec2.corrupt || rec2.torn_removed || rec2.dropped || spool_count(sp) != count)
		abort();
	check_entries(sp, fs, n);
	spool_close(sp);
	return 0;
}
