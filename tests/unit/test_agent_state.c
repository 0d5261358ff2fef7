// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of the agent state file: round trip, bad files, atomic save. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/state.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/test_agent_state.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, AGENT_STATE_FILE);
	unlink(p);
	snprintf(p, sizeof(p), "%s/%s.tmp", dir, AGENT_STATE_FILE);
	unlink(p);
	rmdir(dir);
}

static void write_file(const char *text)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, AGENT_STATE_FILE);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_missing_is_defaults)
{
	struct agent_state st, def;
	char msg[256];

	memset(&st, 0xff, sizeof(st));
	ck_assert_int_eq(agent_state_load(dir, &st, msg, sizeof(msg)), 0);
	agent_state_defaults(&def);
	ck_assert(agent_state_equal(&st, &def));
	ck_assert(!st.supplies_enabled);
}
END_TEST

START_TEST(test_roundtrip)
{
	struct agent_state a = {
		.supplies_enabled = true, .supplies_interval_s = 3600,
		.supplies_last_sent = 1700000000, .last_poll = 1700000123,
		.last_poll_ok = 1700000100,
	}, b;
	char msg[256];

	ck_assert_int_eq(agent_state_save(dir, &a), 0);
	ck_assert_int_eq(agent_state_load(dir, &b, msg, sizeof(msg)), 0);
	ck_assert(agent_state_equal(&a, &b));
	a.supplies_enabled = false;
	a.supplies_interval_s = 0;
	ck_assert(!agent_state_equal(&a, &b));
	ck_assert_int_eq(agent_state_save(dir, &a), 0);
	ck_assert_int_eq(agent_state_load(dir, &b, msg, sizeof(msg)), 0);
	ck_assert(agent_state_equal(&a, &b));
	/* the identity tag the server has on file: kept, and compared */
	strcpy(a.identity_tag, "0123456789abcdef");
	ck_assert(!agent_state_equal(&a, &b));
	ck_assert_int_eq(agent_state_save(dir, &a), 0);
	ck_assert_int_eq(agent_state_load(dir, &b, msg, sizeof(msg)), 0);
	ck_assert(agent_state_equal(&a, &b));
	ck_assert_str_eq(b.identity_tag, "0123456789abcdef");
	a.identity_tag[0] = '\0';
	ck_assert_int_eq(agent_state_save(dir, &a), 0);
	ck_assert_int_eq(agent_state_load(dir, &b, msg, sizeof(msg)), 0);
	ck_assert_str_eq(b.identity_tag, "");
}
END_TEST

START_TEST(test_bad_files)
{
	static const char *const bad[] = {
		"",
		"{",
		"[]",
		"{\"version\":2,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0}",
		"{\"version\":1,\"supplies_enabled\":\"yes\",\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0}",
		"{\"version\":1,\"supplies_enabled\":true,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0}",
		"{\"version\":1,\"supplies_enabled\":true,\"supplies_interval_s\":604801,\"supplies_last_sent\":0,\"last_poll\":0}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":-5,\"last_poll\":0}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0,\"x\":1}",
		"{\"version\":1,\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0}",
		/* what the poll could not carry (fuzz_state: such a file stopped
		 * every poll): an interval under the protocol's 300 s, times
		 * outside 2000..9999 */
		"{\"version\":1,\"supplies_enabled\":true,\"supplies_interval_s\":5,\"supplies_last_sent\":0,\"last_poll\":0,\"last_poll_ok\":0}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0,\"last_poll_ok\":1}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0,\"last_poll_ok\":253402300800}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":946684799,\"last_poll_ok\":0}",
		/* an identity tag is 16 lower-case hex digits */
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0,\"last_poll_ok\":0,\"identity_tag\":\"0123456789ABCDEF\"}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0,\"last_poll_ok\":0,\"identity_tag\":\"0123456789abcde\"}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0,\"last_poll_ok\":0,\"identity_tag\":\"\"}",
		"{\"version\":1,\"supplies_enabled\":false,\"supplies_interval_s\":0,\"supplies_last_sent\":0,\"last_poll\":0,\"last_poll_ok\":0,\"identity_tag\":7}",
	};
	struct agent_state st, def;
	char msg[256];
	size_t i;

	agent_state_defaults(&def);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(bad[i]);
		ck_assert_msg(agent_state_load(dir, &st, msg, sizeof(msg)) == -EBADMSG,
			      "accepted: %s", bad[i]);
		ck_assert(agent_state_equal(&st, &def));
		ck_assert_ptr_nonnull(strstr(msg, AGENT_STATE_FILE));
	}
}
END_TEST

START_TEST(test_too_big)
{
	struct agent_state st;
	char msg[256];
	char *big = malloc(10000);

	memset(big, ' ', 9999);
	big[9999] = '\0';
	write_file(big);
	free(big);
	ck_assert_int_eq(agent_state_load(dir, &st, msg, sizeof(msg)), -EBADMSG);
	ck_assert_ptr_nonnull(strstr(msg, "larger"));
}
END_TEST

START_TEST(test_save_failure_keeps_old)
{
	struct agent_state a = { .supplies_enabled = true, .supplies_interval_s = 600 };
	struct agent_state b = { .last_poll = 5 }, c;
	char msg[256];

	char p[PATH_MAX];

	ck_assert_int_eq(agent_state_save(dir, &a), 0);
	/* The temp name taken by a directory: the write fails even for root. */
	snprintf(p, sizeof(p), "%s/%s.tmp", dir, AGENT_STATE_FILE);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(agent_state_save(dir, &b), -EISDIR);
	ck_assert_int_eq(rmdir(p), 0);
	ck_assert_int_eq(agent_state_load(dir, &c, msg, sizeof(msg)), 0);
	ck_assert(agent_state_equal(&a, &c));
}
END_TEST

START_TEST(test_save_into_missing_dir)
{
	struct agent_state a = { .last_poll = 5 };
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/nope", dir);
	ck_assert_int_eq(agent_state_save(p, &a), -ENOENT);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("agent_state");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_missing_is_defaults);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_bad_files);
	tcase_add_test(tc, test_too_big);
	tcase_add_test(tc, test_save_failure_keeps_old);
	tcase_add_test(tc, test_save_into_missing_dir);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
