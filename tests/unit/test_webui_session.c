// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of webui/session (sessions, CSRF tokens) and webui/ratelimit. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "webui/ratelimit.h"
#include "webui/session.h"

START_TEST(test_session_life)
{
	struct session_store *st;
	char sid[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1], c2[SESSION_TOKEN_LEN + 1];
	char sid2[SESSION_TOKEN_LEN + 1], csrf2[SESSION_TOKEN_LEN + 1];

	ck_assert_int_eq(session_store_new(4, 900, 8 * 3600, &st), 0);
	ck_assert_int_eq(session_create(st, 1000, sid, csrf), 0);
	ck_assert_uint_eq(strlen(sid), SESSION_TOKEN_LEN);
	ck_assert_uint_eq(strspn(sid, "0123456789abcdef"), SESSION_TOKEN_LEN);
	ck_assert_str_ne(sid, csrf);
	ck_assert_int_eq(session_check(st, sid, 1001, c2), 0);
	ck_assert_str_eq(c2, csrf);
	/* a second session has other tokens */
	ck_assert_int_eq(session_create(st, 1001, sid2, csrf2), 0);
	ck_assert_str_ne(sid, sid2);
	ck_assert_str_ne(csrf, csrf2);
	/* unknown, truncated, empty, NULL ids */
	ck_assert_int_eq(session_check(st, "00", 1002, NULL), -ENOENT);
	sid2[10] = '\0';
	ck_assert_int_eq(session_check(st, sid2, 1002, NULL), -ENOENT);
	ck_assert_int_eq(session_check(st, "", 1002, NULL), -ENOENT);
	ck_assert_int_eq(session_check(st, NULL, 1002, NULL), -ENOENT);
	/* logout ends it for good */
	session_destroy(st, sid);
	ck_assert_int_eq(session_check(st, sid, 1003, NULL), -ENOENT);
	ck_assert(!session_csrf_ok(st, sid, csrf, 1003));
	ck_assert_uint_eq(session_count(st, 1003), 1);
	session_store_free(st);
}
END_TEST

START_TEST(test_session_expiry)
{
	struct session_store *st;
	char sid[SESSION_TOKEN_LEN + 1], csrf[SESSION_TOKEN_LEN + 1];
	int64_t t;

	ck_assert_int_eq(session_store_new(2, 900, 3600, &st), 0);
	/* idle: 899 s is fine, 900 s without a request ends it */
	ck_assert_int_eq(session_create(st, 0, sid, csrf), 0);
	ck_assert_int_eq(session_check(st, sid, 899, NULL), 0);
	ck_assert_int_eq(session_check(st, sid, 899 + 900, NULL), -ENOENT);
	/* absolute: used every 10 minutes, it still ends an hour after login */
	ck_assert_int_eq(session_create(st, 10000, sid, csrf), 0);
	for (t = 10600; t < 13600; t += 600)
		ck_assert_int_eq(session_check(st, sid, t, NULL), 0);
	ck_assert_int_eq(session_check(st, sid, 13600, NULL), -ENOENT);
	session_store_free(st);
}
END_TEST

START_TEST(test_session_full)
{
	struct session_store *st;
	char s[3][SESSION_TOKEN_LEN + 1], c[SESSION_TOKEN_LEN + 1];

	ck_assert_int_eq(session_store_new(2, 900, 3600, &st), 0);
	ck_assert_int_eq(session_create(st, 100, s[0], c), 0);
	ck_assert_int_eq(session_create(st, 101, s[1], c), 0);
	ck_assert_int_eq(session_check(st, s[0], 102, NULL), 0);	/* s[1] is now the LRU */
	ck_assert_int_eq(session_create(st, 103, s[2], c), 0);
	ck_assert_int_eq(session_check(st, s[0], 104, NULL), 0);
	ck_assert_int_eq(session_check(st, s[1], 104, NULL), -ENOENT);
	ck_assert_int_eq(session_check(st, s[2], 104, NULL), 0);
	ck_assert_uint_eq(session_count(st, 104), 2);
	ck_assert_int_eq(session_store_new(0, 900, 3600, &st), -EINVAL);
	session_store_free(st);
}
END_TEST

START_TEST(test_csrf)
{
	struct session_store *st;
	char a[SESSION_TOKEN_LEN + 1], ca[SESSION_TOKEN_LEN + 1];
	char b[SESSION_TOKEN_LEN + 1], cb[SESSION_TOKEN_LEN + 1], bad[SESSION_TOKEN_LEN + 1];

	ck_assert_int_eq(session_store_new(4, 900, 3600, &st), 0);
	ck_assert_int_eq(session_create(st, 0, a, ca), 0);
	ck_assert_int_eq(session_create(st, 0, b, cb), 0);
	ck_assert(session_csrf_ok(st, a, ca, 1));
	ck_assert(session_csrf_ok(st, b, cb, 1));
	/* another session's token, a missing one, a changed one, a prefix */
	ck_assert(!session_csrf_ok(st, a, cb, 1));
	ck_assert(!session_csrf_ok(st, a, NULL, 1));
	ck_assert(!session_csrf_ok(st, a, "", 1));
	memcpy(bad, ca, sizeof(bad));
	bad[SESSION_TOKEN_LEN - 1] = bad[SESSION_TOKEN_LEN - 1] == '0' ? '1' : '0';
	ck_assert(!session_csrf_ok(st, a, bad, 1));
	bad[SESSION_TOKEN_LEN - 1] = '\0';
	ck_assert(!session_csrf_ok(st, a, bad, 1));
	/* the right token with a dead session */
	ck_assert(!session_csrf_ok(st, a, ca, 5000));
	session_store_free(st);
}
END_TEST

START_TEST(test_ratelimit_per_address)
{
	struct ratelimit *rl;
	int i;

	ck_assert_int_eq(ratelimit_new(5, 300, &rl), 0);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(ratelimit_wait(rl, "10.0.0.1", 100 + i), 0);
		ratelimit_failed(rl, "10.0.0.1", 100 + i);
	}
	/* the sixth try waits until the window that began at 100 ends */
	ck_assert_int_eq(ratelimit_wait(rl, "10.0.0.1", 110), 290);
	ck_assert_int_eq(ratelimit_wait(rl, "10.0.0.1", 399), 1);
	/* another address is not held up */
	ck_assert_int_eq(ratelimit_wait(rl, "10.0.0.2", 110), 0);
	/* the next window is free again */
	ck_assert_int_eq(ratelimit_wait(rl, "10.0.0.1", 400), 0);
	ratelimit_free(rl);
}
END_TEST

START_TEST(test_ratelimit_all_addresses)
{
	struct ratelimit *rl;
	char addr[32];
	int i;

	ck_assert_int_eq(ratelimit_new(5, 300, &rl), 0);
	/* 20 addresses, one failure each: the total limit (4 x 5) is reached */
	for (i = 0; i < 20; i++) {
		snprintf(addr, sizeof(addr), "10.0.1.%d", i);
		ck_assert_int_eq(ratelimit_wait(rl, addr, 10), 0);
		ratelimit_failed(rl, addr, 10);
	}
	ck_assert_int_eq(ratelimit_wait(rl, "10.0.9.9", 20), 290 - 10);
	ck_assert_int_eq(ratelimit_wait(rl, "10.0.9.9", 310), 0);
	/* more addresses than the table holds: still counted, nothing breaks */
	for (i = 0; i < 3 * RL_ADDRS; i++) {
		snprintf(addr, sizeof(addr), "10.1.%d.%d", i / 250, i % 250);
		ratelimit_failed(rl, addr, 1000 + i);
	}
	ck_assert_int_gt(ratelimit_wait(rl, "10.9.9.9", 1000 + 3 * RL_ADDRS), 0);
	ck_assert_int_eq(ratelimit_new(0, 300, &rl), -EINVAL);
	ratelimit_free(rl);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webui_session");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_session_life);
	tcase_add_test(tc, test_session_expiry);
	tcase_add_test(tc, test_session_full);
	tcase_add_test(tc, test_csrf);
	tcase_add_test(tc, test_ratelimit_per_address);
	tcase_add_test(tc, test_ratelimit_all_addresses);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
