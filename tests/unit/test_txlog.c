// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of the transmission log, on real files: record fields, last-N
 * reading, rotation to one .1 file within the size bound, a torn last line
 * (skipped by the reader, ended before the next record), hostile content
 * (newlines, quotes, control characters, bytes that are not UTF-8, a fake
 * record inside the body), oversized records cut to fit.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "ckrun.h"
#include "core/txlog.h"

static char dir[64];
static char path[128];
static char path1[136];

static void setup(void)
{
	strcpy(dir, "/tmp/test_txlog.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/txlog.jsonl", dir);
	snprintf(path1, sizeof(path1), "%s.1", path);
}

static void teardown(void)
{
	unlink(path);
	unlink(path1);
	rmdir(dir);
}

static off_t fsize(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? st.st_size : -1;
}

static int count_lines(const char *t)
{
	int n = 0;

	for (; *t; t++)
		n += *t == '\n';
	return n;
}

static struct txlog_record rec(int64_t t, const char *sent)
{
	return (struct txlog_record){
		.time = t, .endpoint = "/v1/poll", .proxy = "http://proxy.lan:3128",
		.bytes_sent = 1234, .bytes_received = 567,
		.sent = sent, .sent_len = strlen(sent),
		.received = "{\"actions\":[]}", .received_len = 14,
		.status = 200, .result = "ok",
	};
}

static json_t *read_last(size_t n, size_t *skipped)
{
	json_t *a = NULL;

	ck_assert_int_eq(txlog_read_last(path, n, &a, skipped), 0);
	ck_assert(json_is_array(a));
	return a;
}

START_TEST(test_record_fields)
{
	struct txlog *l;
	struct txlog_record r = rec(1795000000, "{\"device\":\"SN1\"}");
	json_t *a, *o;
	size_t skipped = 99;
	char *text;

	ck_assert_int_eq(txlog_open(path, 1 << 20, &l), 0);
	ck_assert_int_eq(txlog_append(l, &r), 0);
	r.proxy = NULL;
	r.received = NULL;
	r.status = 0;
	r.result = "timeout";
	r.endpoint = "/v1/meter-reads";
	ck_assert_int_eq(txlog_append(l, &r), 0);
	txlog_close(l);

	/* one line per record, each ending in a newline */
	text = ck_slurp(path);
	ck_assert_int_eq(count_lines(text), 2);
	ck_assert_int_eq(text[strlen(text) - 1], '\n');
	free(text);

	a = read_last(10, &skipped);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_uint_eq(json_array_size(a), 2);
	o = json_array_get(a, 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "time")), "2026-11-18T11:06:40Z");
	ck_assert_str_eq(json_string_value(json_object_get(o, "endpoint")), "/v1/poll");
	ck_assert_str_eq(json_string_value(json_object_get(o, "proxy")), "http://proxy.lan:3128");
	ck_assert_int_eq(json_integer_value(json_object_get(o, "bytes_sent")), 1234);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "bytes_received")), 567);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "status")), 200);
	ck_assert_str_eq(json_string_value(json_object_get(o, "result")), "ok");
	ck_assert_str_eq(json_string_value(json_object_get(o, "sent")), "{\"device\":\"SN1\"}");
	ck_assert_str_eq(json_string_value(json_object_get(o, "received")), "{\"actions\":[]}");
	ck_assert_ptr_null(json_object_get(o, "truncated"));
	o = json_array_get(a, 1);
	ck_assert_ptr_null(json_object_get(o, "proxy"));
	ck_assert_ptr_null(json_object_get(o, "received"));
	ck_assert_int_eq(json_integer_value(json_object_get(o, "status")), 0);
	ck_assert_str_eq(json_string_value(json_object_get(o, "result")), "timeout");
	json_decref(a);
}
END_TEST

START_TEST(test_last_n)
{
	struct txlog *l;
	char body[64];
	json_t *a;
	int i;

	ck_assert_int_eq(txlog_open(path, 1 << 20, &l), 0);
	for (i = 0; i < 50; i++) {
		struct txlog_record r;

		snprintf(body, sizeof(body), "{\"n\":%d}", i);
		r = rec(1795000000 + i, body);
		ck_assert_int_eq(txlog_append(l, &r), 0);
	}
	txlog_close(l);
	a = read_last(5, NULL);
	ck_assert_uint_eq(json_array_size(a), 5);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "sent")),
			 "{\"n\":45}");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 4), "sent")),
			 "{\"n\":49}");
	json_decref(a);
	a = read_last(1000, NULL);
	ck_assert_uint_eq(json_array_size(a), 50);
	json_decref(a);
	a = read_last(0, NULL);
	ck_assert_uint_eq(json_array_size(a), 0);
	json_decref(a);
	/* a log never written is empty, not an error */
	teardown();
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	a = read_last(10, NULL);
	ck_assert_uint_eq(json_array_size(a), 0);
	json_decref(a);
}
END_TEST

START_TEST(test_rotation_bounded)
{
	const uint64_t max = TXLOG_MIN_BYTES;	/* 16 KiB: 8 KiB per file */
	struct txlog *l;
	char body[400];
	json_t *a;
	int i, rotations = 0;
	off_t prev = 0;

	memset(body, 'b', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	ck_assert_int_eq(txlog_open(path, max, &l), 0);
	for (i = 0; i < 500; i++) {
		struct txlog_record r = rec(1795000000 + i, body);

		ck_assert_int_eq(txlog_append(l, &r), 0);
		if (fsize(path) < prev)
			rotations++;
		prev = fsize(path);
		ck_assert_int_le(fsize(path), (off_t)(max / 2));
		ck_assert_int_le(fsize(path) + (fsize(path1) > 0 ? fsize(path1) : 0), (off_t)max);
	}
	txlog_close(l);
	ck_assert_int_gt(rotations, 10);
	/* at least a whole file's worth of the newest records is kept */
	a = read_last(1000, NULL);
	ck_assert_uint_ge(json_array_size(a), max / 2 / (sizeof(body) + 300));
	ck_assert_uint_lt(json_array_size(a), max / sizeof(body));
	json_decref(a);
	/* the newest ones, in order, across the two files */
	a = read_last(12, NULL);
	ck_assert_uint_eq(json_array_size(a), 12);
	for (i = 0; i < 12; i++) {
		const char *t = json_string_value(json_object_get(json_array_get(a, (size_t)i),
								  "time"));
		char want[32];
		time_t tt = 1795000000 + 488 + i;
		struct tm tm;

		gmtime_r(&tt, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		ck_assert_str_eq(t, want);
	}
	json_decref(a);
	/* reopening continues within the bound */
	ck_assert_int_eq(txlog_open(path, max, &l), 0);
	for (i = 0; i < 40; i++) {
		struct txlog_record r = rec(1795100000 + i, body);

		ck_assert_int_eq(txlog_append(l, &r), 0);
		ck_assert_int_le(fsize(path), (off_t)(max / 2));
	}
	txlog_close(l);
}
END_TEST

START_TEST(test_torn_line)
{
	struct txlog *l;
	struct txlog_record r = rec(1795000000, "{\"a\":1}");
	size_t skipped = 0;
	json_t *a;
	int fd;
	off_t sz;

	ck_assert_int_eq(txlog_open(path, 1 << 20, &l), 0);
	ck_assert_int_eq(txlog_append(l, &r), 0);
	r.time++;
	ck_assert_int_eq(txlog_append(l, &r), 0);
	txlog_close(l);
	/* a crash mid-write: the last record cut in the middle */
	sz = fsize(path);
	ck_assert_int_eq(truncate(path, sz - 20), 0);
	a = read_last(10, &skipped);
	ck_assert_uint_eq(json_array_size(a), 1);
	ck_assert_uint_eq(skipped, 1);
	json_decref(a);
	/* the next record starts on a line of its own and is readable */
	ck_assert_int_eq(txlog_open(path, 1 << 20, &l), 0);
	r.time++;
	r.sent = "{\"after\":\"crash\"}";
	r.sent_len = strlen(r.sent);
	ck_assert_int_eq(txlog_append(l, &r), 0);
	txlog_close(l);
	a = read_last(10, &skipped);
	ck_assert_uint_eq(json_array_size(a), 2);
	ck_assert_uint_eq(skipped, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 1), "sent")),
			 "{\"after\":\"crash\"}");
	json_decref(a);
	/* garbage lines and a non-object line are skipped too */
	fd = open(path, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "not json\n[1,2]\n\n", 16), 16);
	close(fd);
	a = read_last(10, &skipped);
	ck_assert_uint_eq(json_array_size(a), 2);
	ck_assert_uint_eq(skipped, 3);
	json_decref(a);
}
END_TEST

START_TEST(test_hostile_content)
{
	static const char hostile[] =
		"{\"name\":\"a\nb\\\"c\"}\n{\"time\":\"forged\",\"result\":\"ok\"}\r\n\t\x01\x1f\"'\\";
	struct txlog *l;
	struct txlog_record r = rec(1795000000, hostile);
	char bad[] = { 'o', 'k', (char)0xff, (char)0xfe, 'x', '\0' };
	json_t *a;
	char *text;
	size_t skipped;

	r.sent_len = sizeof(hostile) - 1;
	r.endpoint = "/v1/poll\n{\"forged\":1}";
	r.result = "err\"or\n";
	r.proxy = "http://p\"x:1";
	ck_assert_int_eq(txlog_open(path, 1 << 20, &l), 0);
	ck_assert_int_eq(txlog_append(l, &r), 0);
	/* bytes that are not UTF-8 are kept, as hex */
	r.sent = bad;
	r.sent_len = 5;
	r.received = "\xc3\x28";
	r.received_len = 2;
	ck_assert_int_eq(txlog_append(l, &r), 0);
	/* embedded NUL bytes are kept too (length-delimited) */
	r.sent = "a\0b";
	r.sent_len = 3;
	r.received = NULL;
	ck_assert_int_eq(txlog_append(l, &r), 0);
	txlog_close(l);

	/* exactly three lines: nothing in the data made a line of its own */
	text = ck_slurp(path);
	ck_assert_int_eq(count_lines(text), 3);
	free(text);

	a = read_last(10, &skipped);
	ck_assert_uint_eq(skipped, 0);
	ck_assert_uint_eq(json_array_size(a), 3);
	ck_assert_uint_eq(json_string_length(json_object_get(json_array_get(a, 0), "sent")),
			  sizeof(hostile) - 1);
	ck_assert_mem_eq(json_string_value(json_object_get(json_array_get(a, 0), "sent")),
			 hostile, sizeof(hostile) - 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "endpoint")),
			 "/v1/poll\n{\"forged\":1}");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "time")),
			 "2026-11-18T11:06:40Z");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 1), "sent_hex")),
			 "6f6bfffe78");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 1), "received_hex")),
			 "c328");
	ck_assert_ptr_null(json_object_get(json_array_get(a, 1), "sent"));
	ck_assert_uint_eq(json_string_length(json_object_get(json_array_get(a, 2), "sent")), 3);
	json_decref(a);
}
END_TEST

START_TEST(test_oversized_record_cut)
{
	const uint64_t max = TXLOG_MIN_BYTES;
	size_t big = 64 * 1024;
	char *body = malloc(big + 1);
	struct txlog *l;
	struct txlog_record r;
	json_t *a, *o;
	size_t i;

	/* multi-byte characters, so a cut must not split one */
	for (i = 0; i + 2 <= big; i += 2) {
		body[i] = (char)0xc3;
		body[i + 1] = (char)0xa9;	/* é */
	}
	body[big] = '\0';
	r = rec(1795000000, body);
	r.received = body;
	r.received_len = big;
	ck_assert_int_eq(txlog_open(path, max, &l), 0);
	ck_assert_int_eq(txlog_append(l, &r), 0);
	txlog_close(l);
	ck_assert_int_le(fsize(path), (off_t)(max / 2));
	a = read_last(1, NULL);
	ck_assert_uint_eq(json_array_size(a), 1);
	o = json_array_get(a, 0);
	ck_assert(json_is_true(json_object_get(o, "truncated")));
	ck_assert_ptr_nonnull(json_object_get(o, "sent"));	/* still UTF-8, not hex */
	ck_assert_uint_gt(json_string_length(json_object_get(o, "sent")), 100);
	ck_assert_int_eq(json_string_length(json_object_get(o, "sent")) % 2, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(o, "status")), 200);
	json_decref(a);
	free(body);
}
END_TEST

START_TEST(test_bad_open_and_append_errors)
{
	struct txlog *l;
	char sub[160];

	ck_assert_int_eq(txlog_open(path, TXLOG_MIN_BYTES - 1, &l), -EINVAL);
	ck_assert_int_eq(txlog_open("", 1 << 20, &l), -EINVAL);
	snprintf(sub, sizeof(sub), "%s/missing/txlog", dir);
	ck_assert_int_eq(txlog_open(sub, 1 << 20, &l), -ENOENT);
	/* the path is a directory */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_lt(txlog_open(path, 1 << 20, &l), 0);
	rmdir(path);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("txlog");
	TCase *tc = tcase_create("txlog");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_record_fields);
	tcase_add_test(tc, test_last_n);
	tcase_add_test(tc, test_rotation_bounded);
	tcase_add_test(tc, test_torn_line);
	tcase_add_test(tc, test_hostile_content);
	tcase_add_test(tc, test_oversized_record_cut);
	tcase_add_test(tc, test_bad_open_and_append_errors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(suite());
}
