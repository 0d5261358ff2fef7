// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of the spool, on real files: round trip and order, unique
 * ids, recovery from a message cut at every byte offset and from every
 * single-byte corruption, torn temporary files, bounds and drop order
 * (meter reads never dropped), write/fsync failures injected through the
 * I/O hook, and a real full and read-only file system (a 64 KiB tmpfs in
 * a private mount namespace; skipped when not root).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "core/spool.h"

static char root[64];
static char dir[96];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static void setup(void)
{
	strcpy(root, "/tmp/test_spool.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(dir, sizeof(dir), "%s/spool", root);
	log_init("test_spool", LOG_SINK_STDERR, LOG_ERR);
}

static void teardown(void)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const struct spool_limits BIG = { 1000, 1u << 24 };

static struct spool *open_ok(const char *d, const struct spool_limits *lim,
			     struct spool_recovery *rec)
{
	struct spool *sp = NULL;

	ck_assert_int_eq(spool_open(d, lim, NULL, &sp, rec), 0);
	ck_assert_ptr_nonnull(sp);
	return sp;
}

static void put_ok(struct spool *sp, enum spool_kind k, const char *id, const char *json)
{
	int r = spool_put(sp, k, id, json, strlen(json), 1780000000);

	ck_assert_msg(r == 0, "put %s: %s", id, strerror(-r));
}

static void assert_payload(struct spool *sp, const char *id, const char *want)
{
	void *p = NULL;
	size_t len = 0;

	ck_assert_int_eq(spool_get(sp, id, &p, &len), 0);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_mem_eq(p, want, len);
	ck_assert_int_eq(((char *)p)[len], '\0');
	free(p);
}

/* The ids in the spool, oldest first, as "a,b,c". */
static const char *ids(const struct spool *sp)
{
	static char buf[1024];
	const struct spool_entry *e;
	size_t n, i;

	buf[0] = '\0';
	e = spool_list(sp, &n);
	for (i = 0; i < n; i++) {
		if (i)
			strcat(buf, ",");
		strcat(buf, e[i].id);
	}
	return buf;
}

/* Count directory entries (not . and ..), optionally only those starting with prefix. */
static int count_files(const char *d, const char *prefix)
{
	struct dirent *de;
	DIR *dd = opendir(d);
	int n = 0;

	if (!dd)
		return -1;
	while ((de = readdir(dd)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    (!prefix || strncmp(de->d_name, prefix, strlen(prefix)) == 0))
			n++;
	closedir(dd);
	return n;
}

static void write_bytes(const char *path, const void *b, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, b, n), (ssize_t)n);
	close(fd);
}

static unsigned char *read_bytes(const char *path, size_t *n)
{
	unsigned char *b = malloc(1 << 16);
	int fd = open(path, O_RDONLY);
	ssize_t r;

	ck_assert_int_ge(fd, 0);
	r = read(fd, b, 1 << 16);
	ck_assert_int_gt(r, 0);
	close(fd);
	*n = (size_t)r;
	return b;
}

/* The single message file in d ("m-..." or "s-..."). */
static void only_file(const char *d, char *name, size_t n)
{
	struct dirent *de;
	DIR *dd = opendir(d);
	int found = 0;

	ck_assert_ptr_nonnull(dd);
	while ((de = readdir(dd)))
		if (de->d_name[1] == '-' && (de->d_name[0] == 'm' || de->d_name[0] == 's')) {
			ck_assert_uint_lt(strlen(de->d_name), n);
			memcpy(name, de->d_name, strlen(de->d_name) + 1);
			found++;
		}
	closedir(dd);
	ck_assert_int_eq(found, 1);
}

#define READ1 "{\"read_id\":\"r-0001\",\"meters\":{\"impressions_total\":123456}}"
#define SUP1 "{\"report_id\":\"s-0001\",\"supplies\":[{\"type\":\"toner\",\"level\":5}]}"

/* ---- basics ---- */

START_TEST(test_roundtrip_and_order)
{
	struct spool_recovery rec;
	const struct spool_entry *e;
	struct spool *sp = open_ok(dir, &BIG, &rec);
	size_t n;

	ck_assert_uint_eq(rec.loaded, 0);
	put_ok(sp, SPOOL_METER_READ, "r-0001", READ1);
	put_ok(sp, SPOOL_SUPPLIES, "s-0001", SUP1);
	put_ok(sp, SPOOL_METER_READ, "r-0002", "{\"x\":2}");
	ck_assert_str_eq(ids(sp), "r-0001,s-0001,r-0002");
	ck_assert_uint_eq(spool_count(sp), 3);
	e = spool_list(sp, &n);
	ck_assert_int_eq(e[0].kind, SPOOL_METER_READ);
	ck_assert_int_eq(e[1].kind, SPOOL_SUPPLIES);
	ck_assert_uint_eq(e[0].len, strlen(READ1));
	ck_assert_int_eq(e[0].created, 1780000000);
	ck_assert(e[0].seq < e[1].seq && e[1].seq < e[2].seq);
	ck_assert_uint_eq(spool_bytes(sp), e[0].file_bytes + e[1].file_bytes + e[2].file_bytes);
	ck_assert_ptr_eq(spool_oldest(sp, SPOOL_SUPPLIES), &e[1]);
	assert_payload(sp, "s-0001", SUP1);
	spool_close(sp);

	/* recovered in the same order, with the same content */
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded, 3);
	ck_assert_uint_eq(rec.corrupt + rec.torn_removed + rec.unknown + rec.dropped, 0);
	ck_assert_str_eq(ids(sp), "r-0001,s-0001,r-0002");
	assert_payload(sp, "r-0001", READ1);
	/* new messages go after the recovered ones */
	put_ok(sp, SPOOL_SUPPLIES, "s-0002", SUP1);
	ck_assert_str_eq(ids(sp), "r-0001,s-0001,r-0002,s-0002");
	ck_assert_int_eq(spool_remove(sp, "s-0001"), 0);
	ck_assert_int_eq(spool_remove(sp, "s-0001"), -ENOENT);
	ck_assert_ptr_null(spool_find(sp, "s-0001"));
	ck_assert_int_eq(spool_get(sp, "s-0001", &(void *){ NULL }, &(size_t){ 0 }), -ENOENT);
	spool_close(sp);

	sp = open_ok(dir, &BIG, &rec);
	ck_assert_str_eq(ids(sp), "r-0001,r-0002,s-0002");
	ck_assert_int_eq(spool_clear(sp), 3);
	ck_assert_uint_eq(spool_count(sp), 0);
	ck_assert_uint_eq(spool_bytes(sp), 0);
	spool_close(sp);
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded, 0);
	ck_assert_int_eq(count_files(dir, NULL), 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_ids_unique_and_valid)
{
	struct spool *sp = open_ok(dir, &BIG, NULL);
	char big[SPOOL_ID_MAX + 2];
	static char payload[SPOOL_PAYLOAD_MAX + 1];

	put_ok(sp, SPOOL_METER_READ, "r-0001", READ1);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "r-0001", "{}", 2, 0), -EEXIST);
	ck_assert_int_eq(spool_put(sp, SPOOL_SUPPLIES, "r-0001", "{}", 2, 0), -EEXIST);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "", "{}", 2, 0), -EINVAL);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, NULL, "{}", 2, 0), -EINVAL);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "a/b", "{}", 2, 0), -EINVAL);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "a b", "{}", 2, 0), -EINVAL);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "../x", "{}", 2, 0), -EINVAL);
	ck_assert_int_eq(spool_put(sp, (enum spool_kind)7, "k", "{}", 2, 0), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, big, "{}", 2, 0), -EINVAL);
	big[SPOOL_ID_MAX] = '\0';
	put_ok(sp, SPOOL_METER_READ, big, "{}");
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "empty", "", 0, 0), -EMSGSIZE);
	memset(payload, 'x', sizeof(payload));
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "huge", payload, sizeof(payload), 0),
			 -EMSGSIZE);
	/* larger than the byte limit */
	spool_close(sp);
	sp = open_ok(dir, &(struct spool_limits){ 10, 4096 }, NULL);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "big", payload, 5000, 0), -EMSGSIZE);
	spool_close(sp);
	/* unique across restarts too */
	sp = open_ok(dir, &BIG, NULL);
	ck_assert_int_eq(spool_put(sp, SPOOL_SUPPLIES, "r-0001", "{}", 2, 0), -EEXIST);
	ck_assert_str_eq(ids(sp), "r-0001,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	spool_close(sp);
}
END_TEST

START_TEST(test_bad_open)
{
	struct spool *sp = NULL;

	ck_assert_int_eq(spool_open(dir, &(struct spool_limits){ 0, 1 << 20 }, NULL, &sp, NULL),
			 -EINVAL);
	ck_assert_int_eq(spool_open(dir, &(struct spool_limits){ 1, 100 }, NULL, &sp, NULL),
			 -EINVAL);
	ck_assert_int_eq(spool_open("", &BIG, NULL, &sp, NULL), -EINVAL);
	ck_assert_int_eq(spool_open("/nonexistent/a/b", &BIG, NULL, &sp, NULL), -ENOENT);
	ck_assert_ptr_null(sp);
}
END_TEST

/*
 * An empty spool, fresh and after its last message went: nothing listed,
 * nothing oldest, clear and new limits are no-ops (no array exists yet:
 * the index must not hand a NULL array to qsort/memmove, UBSan aborts).
 */
START_TEST(test_empty_spool)
{
	struct spool_recovery rec;
	struct spool *sp;
	size_t n = 99;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded, 0);
	ck_assert_uint_eq(spool_count(sp), 0);
	ck_assert_uint_eq(spool_bytes(sp), 0);
	spool_list(sp, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(spool_oldest(sp, SPOOL_METER_READ));
	ck_assert_ptr_null(spool_find(sp, "r-0001"));
	ck_assert_int_eq(spool_remove(sp, "r-0001"), -ENOENT);
	ck_assert_int_eq(spool_clear(sp), 0);
	ck_assert_int_eq(spool_set_limits(sp, &(struct spool_limits){ 1, SPOOL_MIN_BYTES }), 0);
	put_ok(sp, SPOOL_METER_READ, "r-0001", READ1);
	ck_assert_int_eq(spool_remove(sp, "r-0001"), 0);
	spool_close(sp);

	/* Reopened empty, with the directory already there. */
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded + rec.torn_removed + rec.corrupt + rec.unknown, 0);
	ck_assert_uint_eq(spool_count(sp), 0);
	ck_assert_str_eq(ids(sp), "");
	spool_close(sp);
}
END_TEST

/* ---- recovery ---- */

/* Write one message in a scratch spool; return its file's bytes and name. */
static unsigned char *make_message(enum spool_kind k, const char *id, const char *json,
				   char *name, size_t namelen, size_t *n)
{
	char scratch[128], path[256];
	struct spool *sp;
	unsigned char *b;

	snprintf(scratch, sizeof(scratch), "%s/scratch", root);
	sp = open_ok(scratch, &BIG, NULL);
	put_ok(sp, k, id, json);
	spool_close(sp);
	only_file(scratch, name, namelen);
	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	b = read_bytes(path, n);
	unlink(path);
	return b;
}

START_TEST(test_truncated_at_every_offset)
{
	char name[64], path[256], cdir[160];
	unsigned char *b;
	size_t n, off;

	b = make_message(SPOOL_METER_READ, "r-trunc", READ1, name, sizeof(name), &n);
	ck_assert_uint_eq(n, SPOOL_HEADER_SIZE + strlen("r-trunc") + strlen(READ1));
	for (off = 0; off <= n; off++) {
		struct spool_recovery rec;
		struct spool *sp;

		teardown();
		ck_assert_int_eq(mkdir(root, 0700), 0);
		ck_assert_int_eq(mkdir(dir, 0700), 0);
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		write_bytes(path, b, off);
		sp = open_ok(dir, &BIG, &rec);
		ck_assert_msg(rec.loaded == (off == n) && rec.corrupt == (off != n),
			      "offset %zu: loaded %u corrupt %u", off, rec.loaded, rec.corrupt);
		/* an intact neighbour must survive whatever happened to this one */
		put_ok(sp, SPOOL_SUPPLIES, "s-good", SUP1);
		spool_close(sp);
		sp = open_ok(dir, &BIG, &rec);
		if (off == n) {
			ck_assert_uint_eq(rec.loaded, 2);
			assert_payload(sp, "r-trunc", READ1);
		} else {
			ck_assert_uint_eq(rec.loaded, 1);
			ck_assert_uint_eq(rec.corrupt, 0);
			ck_assert_ptr_null(spool_find(sp, "r-trunc"));
			/* moved aside, not deleted */
			snprintf(cdir, sizeof(cdir), "%s/%s", dir, SPOOL_CORRUPT_DIR);
			ck_assert_int_eq(count_files(cdir, "m-"), 1);
			ck_assert_int_eq(access(path, F_OK), -1);
		}
		assert_payload(sp, "s-good", SUP1);
		spool_close(sp);
	}
	free(b);
}
END_TEST

START_TEST(test_torn_temp_files)
{
	char name[64], path[256];
	unsigned char *b;
	size_t n, off;

	b = make_message(SPOOL_METER_READ, "r-torn", READ1, name, sizeof(name), &n);
	for (off = 0; off <= n; off += 7) {
		struct spool_recovery rec;
		struct spool *sp;

		snprintf(path, sizeof(path), "%s/.tmp-%016zx", dir, off + 100);
		ck_assert_int_eq(mkdir(dir, 0700) == 0 || errno == EEXIST, 1);
		write_bytes(path, b, off);
		sp = open_ok(dir, &BIG, &rec);
		ck_assert_uint_eq(rec.loaded, 0);
		ck_assert_uint_eq(rec.torn_removed, 1);
		ck_assert_uint_eq(rec.corrupt, 0);
		ck_assert_int_eq(access(path, F_OK), -1);
		/* a new message never reuses the temp's sequence number */
		put_ok(sp, SPOOL_SUPPLIES, "s-after", SUP1);
		ck_assert_uint_gt(spool_find(sp, "s-after")->seq, off + 100);
		ck_assert_int_eq(spool_remove(sp, "s-after"), 0);
		spool_close(sp);
	}
	free(b);
}
END_TEST

/*
 * A file name carrying the largest sequence numbers (fuzz_spool found it):
 * the next sequence number must not wrap to 0, where a new message would
 * be renamed over an older one and a meter read would be lost.
 */
START_TEST(test_seq_never_wraps)
{
	static const char *const tmps[] = { ".tmp-ffffffffffffffff", ".tmp-fffffffffffffffe" };
	char path[256];
	size_t i;

	for (i = 0; i < 2; i++) {
		struct spool_recovery rec;
		struct spool *sp;
		int r3, r4;

		sp = open_ok(dir, &BIG, NULL);
		put_ok(sp, SPOOL_METER_READ, "r1", READ1);
		put_ok(sp, SPOOL_METER_READ, "r2", READ1);
		spool_close(sp);
		snprintf(path, sizeof(path), "%s/%s", dir, tmps[i]);
		write_bytes(path, "torn", 4);
		sp = open_ok(dir, &BIG, &rec);
		ck_assert_uint_eq(rec.loaded, 2);
		r3 = spool_put(sp, SPOOL_METER_READ, "r3", READ1, strlen(READ1), 1780000000);
		r4 = spool_put(sp, SPOOL_METER_READ, "r4", READ1, strlen(READ1), 1780000000);
		/* stored with a larger seq, or refused: never over r1 or r2 */
		ck_assert_msg(r3 == 0 || r3 == -EOVERFLOW, "put r3: %s", strerror(-r3));
		ck_assert_msg(r4 == 0 || r4 == -EOVERFLOW, "put r4: %s", strerror(-r4));
		if (r3 == 0)
			ck_assert_uint_gt(spool_find(sp, "r3")->seq, 1);
		if (r4 == 0)
			ck_assert_uint_gt(spool_find(sp, "r4")->seq, spool_find(sp, "r3")->seq);
		assert_payload(sp, "r1", READ1);
		assert_payload(sp, "r2", READ1);
		spool_close(sp);
		sp = open_ok(dir, &BIG, &rec);
		ck_assert_uint_eq(rec.corrupt, 0);
		ck_assert_uint_eq(spool_count(sp), 2 + (r3 == 0) + (r4 == 0));
		ck_assert_int_eq(spool_clear(sp), 2 + (r3 == 0) + (r4 == 0));
		spool_close(sp);
	}
}
END_TEST

START_TEST(test_every_byte_corrupted)
{
	char name[64], path[256];
	unsigned char *b;
	size_t n, i;

	b = make_message(SPOOL_SUPPLIES, "s-flip", SUP1, name, sizeof(name), &n);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (i = 0; i < n; i++) {
		struct spool_recovery rec;
		struct spool *sp;
		unsigned char bit;

		for (bit = 1; bit; bit <<= 4) {	/* two different bits per byte */
			teardown();
			ck_assert_int_eq(mkdir(root, 0700), 0);
			ck_assert_int_eq(mkdir(dir, 0700), 0);
			b[i] ^= bit;
			write_bytes(path, b, n);
			b[i] ^= bit;
			sp = open_ok(dir, &BIG, &rec);
			ck_assert_msg(rec.loaded == 0 && rec.corrupt == 1,
				      "byte %zu bit %02x: loaded %u", i, bit, rec.loaded);
			spool_close(sp);
			if (bit == 0x10)
				break;
		}
	}
	/* and a trailing extra byte */
	teardown();
	ck_assert_int_eq(mkdir(root, 0700), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	b = realloc(b, n + 1);
	b[n] = '\n';
	write_bytes(path, b, n + 1);
	{
		struct spool_recovery rec;
		struct spool *sp = open_ok(dir, &BIG, &rec);

		ck_assert_uint_eq(rec.corrupt, 1);
		spool_close(sp);
	}
	free(b);
}
END_TEST

START_TEST(test_renamed_file_detected)
{
	char name[64], path[256], other[256];
	struct spool_recovery rec;
	struct spool *sp;
	unsigned char *b;
	size_t n;

	b = make_message(SPOOL_METER_READ, "r-ren", READ1, name, sizeof(name), &n);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	/* a meter read under a supplies name, or another seq: both refused */
	snprintf(path, sizeof(path), "%s/s-%s", dir, name + 2);
	write_bytes(path, b, n);
	snprintf(other, sizeof(other), "%s/m-00000000000000ff", dir);
	write_bytes(other, b, n);
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded, 0);
	ck_assert_uint_eq(rec.corrupt, 2);
	spool_close(sp);
	free(b);
}
END_TEST

START_TEST(test_duplicate_id_on_disk)
{
	char d2[128], name[64], src[256], dst[256];
	struct spool_recovery rec;
	struct spool *sp;
	unsigned char *b;
	size_t n;

	sp = open_ok(dir, &BIG, NULL);
	put_ok(sp, SPOOL_METER_READ, "dup", READ1);	/* seq 0 */
	spool_close(sp);
	snprintf(d2, sizeof(d2), "%s/other", root);
	sp = open_ok(d2, &BIG, NULL);
	put_ok(sp, SPOOL_METER_READ, "x", READ1);	/* seq 0 */
	put_ok(sp, SPOOL_METER_READ, "dup", "{\"second\":1}");	/* seq 1 */
	ck_assert_int_eq(spool_remove(sp, "x"), 0);
	spool_close(sp);
	only_file(d2, name, sizeof(name));
	snprintf(src, sizeof(src), "%s/%s", d2, name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	b = read_bytes(src, &n);
	write_bytes(dst, b, n);
	free(b);
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded, 1);
	ck_assert_uint_eq(rec.corrupt, 1);
	assert_payload(sp, "dup", READ1);	/* the older one */
	spool_close(sp);
}
END_TEST

START_TEST(test_unknown_files_left_alone)
{
	char path[256];
	struct spool_recovery rec;
	struct spool *sp;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/README", dir);
	write_bytes(path, "hello", 5);
	snprintf(path, sizeof(path), "%s/m-xyz", dir);
	write_bytes(path, "hello", 5);
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.unknown, 2);
	ck_assert_uint_eq(rec.loaded, 0);
	spool_close(sp);
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

START_TEST(test_corrupt_dir_bounded)
{
	char path[256], cdir[160];
	struct spool_recovery rec;
	struct spool *sp;
	int i;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (i = 0; i < SPOOL_CORRUPT_KEEP + 5; i++) {
		snprintf(path, sizeof(path), "%s/m-%016x", dir, i);
		write_bytes(path, "garbage", 7);
	}
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.corrupt, SPOOL_CORRUPT_KEEP + 5);
	spool_close(sp);
	snprintf(cdir, sizeof(cdir), "%s/%s", dir, SPOOL_CORRUPT_DIR);
	ck_assert_int_eq(count_files(cdir, NULL), SPOOL_CORRUPT_KEEP);
	ck_assert_int_eq(count_files(dir, "m-"), 0);
}
END_TEST

START_TEST(test_corruption_after_open)
{
	char name[64], path[256];
	struct spool *sp = open_ok(dir, &BIG, NULL);
	void *p;
	size_t len;
	int fd;

	put_ok(sp, SPOOL_METER_READ, "r-rot", READ1);
	only_file(dir, name, sizeof(name));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "X", 1, 50), 1);
	close(fd);
	ck_assert_int_eq(spool_get(sp, "r-rot", &p, &len), -EBADMSG);
	ck_assert_uint_eq(spool_count(sp), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	spool_close(sp);
}
END_TEST

/* ---- bounds ---- */

START_TEST(test_drop_order_by_count)
{
	struct spool *sp = open_ok(dir, &(struct spool_limits){ 5, 1 << 20 }, NULL);

	put_ok(sp, SPOOL_SUPPLIES, "s1", SUP1);
	put_ok(sp, SPOOL_SUPPLIES, "s2", SUP1);
	put_ok(sp, SPOOL_METER_READ, "m1", READ1);
	put_ok(sp, SPOOL_SUPPLIES, "s3", SUP1);
	put_ok(sp, SPOOL_METER_READ, "m2", READ1);
	ck_assert_str_eq(ids(sp), "s1,s2,m1,s3,m2");
	/* full: the oldest supplies report goes first */
	put_ok(sp, SPOOL_METER_READ, "m3", READ1);
	ck_assert_str_eq(ids(sp), "s2,m1,s3,m2,m3");
	put_ok(sp, SPOOL_SUPPLIES, "s4", SUP1);
	ck_assert_str_eq(ids(sp), "m1,s3,m2,m3,s4");
	put_ok(sp, SPOOL_METER_READ, "m4", READ1);
	ck_assert_str_eq(ids(sp), "m1,m2,m3,s4,m4");
	/* a supplies report replaces the previous one */
	put_ok(sp, SPOOL_SUPPLIES, "s5", SUP1);
	ck_assert_str_eq(ids(sp), "m1,m2,m3,m4,s5");
	put_ok(sp, SPOOL_METER_READ, "m5", READ1);
	ck_assert_str_eq(ids(sp), "m1,m2,m3,m4,m5");
	/* only meter reads now: nothing is dropped, the new message is refused */
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m6", READ1, strlen(READ1), 0), -ENOBUFS);
	ck_assert_int_eq(spool_put(sp, SPOOL_SUPPLIES, "s6", SUP1, strlen(SUP1), 0), -ENOBUFS);
	ck_assert_str_eq(ids(sp), "m1,m2,m3,m4,m5");
	ck_assert_int_eq(count_files(dir, NULL), 5);
	/* once one is confirmed, there is room again */
	ck_assert_int_eq(spool_remove(sp, "m1"), 0);
	put_ok(sp, SPOOL_METER_READ, "m6", READ1);
	spool_close(sp);
	sp = open_ok(dir, &BIG, NULL);
	ck_assert_str_eq(ids(sp), "m2,m3,m4,m5,m6");
	spool_close(sp);
}
END_TEST

START_TEST(test_drop_order_by_bytes)
{
	static char big[3000];
	struct spool *sp;
	const struct spool_entry *e;
	size_t n;
	uint64_t fb;

	memset(big, 'x', sizeof(big));
	sp = open_ok(dir, &(struct spool_limits){ 100, 10000 }, NULL);
	ck_assert_int_eq(spool_put(sp, SPOOL_SUPPLIES, "s1", big, sizeof(big), 0), 0);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m1", big, sizeof(big), 0), 0);
	ck_assert_int_eq(spool_put(sp, SPOOL_SUPPLIES, "s2", big, sizeof(big), 0), 0);
	e = spool_list(sp, &n);
	fb = e[0].file_bytes;
	ck_assert_uint_eq(spool_bytes(sp), 3 * fb);
	/* a fourth does not fit in 10000 bytes: s1 goes */
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m2", big, sizeof(big), 0), 0);
	ck_assert_str_eq(ids(sp), "m1,s2,m2");
	ck_assert_uint_le(spool_bytes(sp), 10000);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m3", big, sizeof(big), 0), 0);
	ck_assert_str_eq(ids(sp), "m1,m2,m3");
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m4", big, sizeof(big), 0), -ENOBUFS);
	/* a small one still fits in what is left */
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m5", "{}", 2, 0), 0);
	ck_assert_uint_le(spool_bytes(sp), 10000);
	spool_close(sp);
}
END_TEST

START_TEST(test_limits_lowered)
{
	struct spool_recovery rec;
	struct spool *sp = open_ok(dir, &BIG, NULL);
	int i;
	char id[16];

	for (i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "m%d", i);
		put_ok(sp, SPOOL_METER_READ, id, READ1);
		snprintf(id, sizeof(id), "s%d", i);
		put_ok(sp, SPOOL_SUPPLIES, id, SUP1);
	}
	ck_assert_int_eq(spool_set_limits(sp, &(struct spool_limits){ 6, 1 << 20 }), 0);
	ck_assert_str_eq(ids(sp), "m0,m1,m2,s2,m3,s3");
	ck_assert_int_eq(spool_set_limits(sp, &(struct spool_limits){ 0, 1 << 20 }), -EINVAL);
	spool_close(sp);
	/* reopened with limits below the meter reads: they all stay */
	sp = open_ok(dir, &(struct spool_limits){ 2, 1 << 20 }, &rec);
	ck_assert_uint_eq(rec.dropped, 2);
	ck_assert_str_eq(ids(sp), "m0,m1,m2,m3");
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m9", READ1, strlen(READ1), 0), -ENOBUFS);
	spool_close(sp);
}
END_TEST

/* ---- injected I/O failures ---- */

struct io_fault {
	int write_errno;	/* errno for failing writes, 0: none */
	int fail_writes;	/* how many writes fail (-1: all) */
	int fsync_errno;
	int short_writes;	/* write at most this many bytes per call */
	int writes, fsyncs;
};

static ssize_t fault_write(void *arg, int fd, const void *buf, size_t len)
{
	struct io_fault *f = arg;

	f->writes++;
	if (f->write_errno && f->fail_writes != 0) {
		if (f->fail_writes > 0)
			f->fail_writes--;
		/* write part of it first, as a real full disk would */
		if (len > 10)
			ck_assert_int_eq(write(fd, buf, 10), 10);
		errno = f->write_errno;
		return -1;
	}
	if (f->short_writes && len > (size_t)f->short_writes)
		len = (size_t)f->short_writes;
	return write(fd, buf, len);
}

static int fault_fsync(void *arg, int fd)
{
	struct io_fault *f = arg;

	f->fsyncs++;
	if (f->fsync_errno) {
		errno = f->fsync_errno;
		return -1;
	}
	return fsync(fd);
}

static struct spool *open_io(struct io_fault *f)
{
	struct spool_io io = { fault_write, fault_fsync, f };
	struct spool *sp = NULL;

	ck_assert_int_eq(spool_open(dir, &BIG, &io, &sp, NULL), 0);
	return sp;
}

START_TEST(test_disk_full_meter_read_refused)
{
	struct io_fault f = { .write_errno = ENOSPC, .fail_writes = -1 };
	struct spool *sp = open_io(&f);
	struct spool_recovery rec;

	f.write_errno = 0;
	put_ok(sp, SPOOL_METER_READ, "m1", READ1);
	f.write_errno = ENOSPC;
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m2", READ1, strlen(READ1), 0), -ENOSPC);
	ck_assert_int_eq(spool_put(sp, SPOOL_SUPPLIES, "s1", SUP1, strlen(SUP1), 0), -ENOSPC);
	f.write_errno = EDQUOT;
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m2", READ1, strlen(READ1), 0), -EDQUOT);
	f.write_errno = EIO;
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m2", READ1, strlen(READ1), 0), -EIO);
	ck_assert_str_eq(ids(sp), "m1");
	/* nothing half-written is left behind */
	ck_assert_int_eq(count_files(dir, NULL), 1);
	spool_close(sp);
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded, 1);
	ck_assert_uint_eq(rec.torn_removed + rec.corrupt, 0);
	spool_close(sp);
}
END_TEST

START_TEST(test_disk_full_drops_supplies_for_meter_read)
{
	struct io_fault f = { 0 };
	struct spool *sp = open_io(&f);

	put_ok(sp, SPOOL_SUPPLIES, "s1", SUP1);
	put_ok(sp, SPOOL_SUPPLIES, "s2", SUP1);
	put_ok(sp, SPOOL_METER_READ, "m1", READ1);
	/* the disk is full until one file is deleted */
	f.write_errno = ENOSPC;
	f.fail_writes = 1;
	put_ok(sp, SPOOL_METER_READ, "m2", READ1);
	ck_assert_str_eq(ids(sp), "s2,m1,m2");
	/* still full after two deletions: both supplies reports go, m3 too fails */
	f.fail_writes = -1;
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m3", READ1, strlen(READ1), 0), -ENOSPC);
	ck_assert_str_eq(ids(sp), "m1,m2");
	ck_assert_int_eq(count_files(dir, NULL), 2);
	spool_close(sp);
}
END_TEST

START_TEST(test_fsync_failure_and_short_writes)
{
	struct io_fault f = { .fsync_errno = EIO };
	struct spool *sp = open_io(&f);

	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m1", READ1, strlen(READ1), 0), -EIO);
	ck_assert_uint_eq(spool_count(sp), 0);
	ck_assert_int_eq(count_files(dir, NULL), 0);
	f.fsync_errno = 0;
	f.short_writes = 3;	/* the spool must finish short writes */
	put_ok(sp, SPOOL_METER_READ, "m1", READ1);
	ck_assert_int_gt(f.writes, 10);
	ck_assert_int_eq(f.fsyncs, 2);
	spool_close(sp);
	sp = open_ok(dir, &BIG, NULL);
	assert_payload(sp, "m1", READ1);
	spool_close(sp);
}
END_TEST

/* ---- a real full and read-only file system ---- */

/* A 64 KiB tmpfs on dir, in a mount namespace of this (forked) test only. */
static int small_tmpfs(void)
{
	if (geteuid() != 0)
		return -EPERM;
	if (unshare(CLONE_NEWNS) < 0)
		return -errno;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (mount("tmpfs", dir, "tmpfs", 0, "size=64k,mode=0700") < 0)
		return -errno;
	return 0;
}

START_TEST(test_real_enospc_and_erofs)
{
	static char payload[3000];
	struct spool_recovery rec;
	struct spool *sp;
	char id[32];
	int i, r = 0, stored = 0;
	void *p;
	size_t len;

	ck_assert_int_eq(small_tmpfs(), 0);
	memset(payload, 'p', sizeof(payload));
	sp = open_ok(dir, &BIG, NULL);
	/* meter reads until the disk is full */
	for (i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "m%03d", i);
		r = spool_put(sp, SPOOL_METER_READ, id, payload, sizeof(payload), 0);
		if (r < 0)
			break;
		stored++;
	}
	ck_assert_int_eq(r, -ENOSPC);
	ck_assert_int_gt(stored, 5);
	ck_assert_uint_eq(spool_count(sp), (size_t)stored);
	ck_assert_ptr_null(spool_find(sp, id));
	ck_assert_int_eq(count_files(dir, ".tmp-"), 0);
	spool_close(sp);
	/* everything stored is there, intact */
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded, (unsigned int)stored);
	ck_assert_uint_eq(rec.corrupt + rec.torn_removed, 0);
	/* free one and a supplies report fits; a full disk then drops it for a read */
	ck_assert_int_eq(spool_remove(sp, "m000"), 0);
	ck_assert_int_eq(spool_put(sp, SPOOL_SUPPLIES, "s1", payload, sizeof(payload), 0), 0);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "mX", payload, sizeof(payload), 0), 0);
	ck_assert_ptr_null(spool_find(sp, "s1"));
	ck_assert_ptr_nonnull(spool_find(sp, "mX"));
	spool_close(sp);

	/* read-only: puts fail with EROFS, what is there stays readable */
	ck_assert_int_eq(mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), 0);
	sp = open_ok(dir, &BIG, &rec);
	ck_assert_uint_eq(rec.loaded, (unsigned int)stored);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "m-ro", "{}", 2, 0), -EROFS);
	ck_assert_int_eq(spool_get(sp, "m001", &p, &len), 0);
	ck_assert_uint_eq(len, sizeof(payload));
	free(p);
	ck_assert_int_eq(spool_remove(sp, "m001"), -EROFS);
	ck_assert_ptr_nonnull(spool_find(sp, "m001"));
	spool_close(sp);
	umount2(dir, MNT_DETACH);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc;

	tc = tcase_create("basics");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_roundtrip_and_order);
	tcase_add_test(tc, test_ids_unique_and_valid);
	tcase_add_test(tc, test_bad_open);
	tcase_add_test(tc, test_empty_spool);
	suite_add_tcase(s, tc);

	tc = tcase_create("recovery");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_truncated_at_every_offset);
	tcase_add_test(tc, test_torn_temp_files);
	tcase_add_test(tc, test_seq_never_wraps);
	tcase_add_test(tc, test_every_byte_corrupted);
	tcase_add_test(tc, test_renamed_file_detected);
	tcase_add_test(tc, test_duplicate_id_on_disk);
	tcase_add_test(tc, test_unknown_files_left_alone);
	tcase_add_test(tc, test_corrupt_dir_bounded);
	tcase_add_test(tc, test_corruption_after_open);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_drop_order_by_count);
	tcase_add_test(tc, test_drop_order_by_bytes);
	tcase_add_test(tc, test_limits_lowered);
	suite_add_tcase(s, tc);

	tc = tcase_create("faults");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_disk_full_meter_read_refused);
	tcase_add_test(tc, test_disk_full_drops_supplies_for_meter_read);
	tcase_add_test(tc, test_fsync_failure_and_short_writes);
	/* a real tmpfs needs root (mount namespaces): registered only then */
	if (geteuid() == 0)
		tcase_add_test(tc, test_real_enospc_and_erofs);
	else
		fprintf(stderr, "test_spool: not root: the tmpfs ENOSPC/EROFS test "
			"is not run\n");
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	/* each test in its own process: the tmpfs test unshares its mounts */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
