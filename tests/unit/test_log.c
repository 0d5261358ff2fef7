// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of the stderr sink of common/log: a message is one line in
 * one write() (stderr is a SOCK_SEQPACKET socket here, so every write is
 * one packet and a line written in pieces shows as several), the level
 * filter, and a message longer than the line buffer cut with "...".
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ckrun.h"
#include "common/log.h"

static int peer = -1;
static int saved_stderr = -1;

static void setup(void)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_eq(dup2(sv[0], STDERR_FILENO), STDERR_FILENO);
	close(sv[0]);
	peer = sv[1];
	log_init("esoltest", LOG_SINK_STDERR, LOG_INFO);
}

static void teardown(void)
{
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	close(peer);
}

/* The next packet written to stderr, or "" when there is none. */
static ssize_t next_packet(char *buf, size_t len)
{
	ssize_t n = recv(peer, buf, len - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

START_TEST(one_write_per_line)
{
	char buf[4096];

	log_info("poll ok: %s %d", "the server asks for a meter read", 42);
	ck_assert_int_gt(next_packet(buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "esoltest: info: poll ok: the server asks for a meter read 42\n");
	ck_assert_int_lt(next_packet(buf, sizeof(buf)), 0);	/* nothing more */
}
END_TEST

START_TEST(level_filter)
{
	char buf[4096];

	log_debug("not shown");
	ck_assert_int_lt(next_packet(buf, sizeof(buf)), 0);
	log_set_level(LOG_DEBUG);
	log_debug("shown");
	next_packet(buf, sizeof(buf));
	ck_assert_str_eq(buf, "esoltest: debug: shown\n");
	log_set_level(LOG_INFO);
}
END_TEST

START_TEST(long_message_cut)
{
	char *big = malloc(10000);
	char buf[16384];
	ssize_t n;

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 9999);
	big[9999] = '\0';
	log_warn("%s", big);
	free(big);
	n = next_packet(buf, sizeof(buf));
	ck_assert_int_gt(n, 100);
	ck_assert_int_le(n, 2048);
	ck_assert_int_eq(strncmp(buf, "esoltest: warning: xxx", 22), 0);
	ck_assert_str_eq(buf + n - 4, "...\n");
	ck_assert_int_lt(next_packet(buf, sizeof(buf)), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("stderr");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, one_write_per_line);
	tcase_add_test(tc, level_filter);
	tcase_add_test(tc, long_message_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(suite());
}
