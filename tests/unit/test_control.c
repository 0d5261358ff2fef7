// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of the control-socket server over a real unix socket. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "agent/control.h"
#include "common/log.h"

static char dir[64], path[128];
static struct loop l;
static struct control ctl;

struct seen {
	int calls;
	struct ctl_request last;
	struct control_peer peer;
};
static struct seen seen;

static json_t *handler(void *arg, const struct ctl_request *req,
		       const struct control_peer *peer, enum ctl_status *st,
		       char *msg, size_t msg_size)
{
	struct seen *s = arg;

	s->calls++;
	s->last = *req;
	s->peer = *peer;
	if (req->cmd == CTL_CMD_SET && strcmp(req->key, "enabled") != 0) {
		*st = CTL_E_INVALID_VALUE;
		snprintf(msg, msg_size, "%s: no such key", req->key);
		return NULL;
	}
	return json_pack("{s:s,s:i}", "cmd", ctl_cmd_name(req->cmd), "n", s->calls);
}

static void setup(void)
{
	log_init("test_control", LOG_SINK_STDERR, LOG_ERR);
	strcpy(dir, "/tmp/test_control.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ctl.sock", dir);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(loop_init(&l), 0);
	ck_assert_int_eq(control_open(&ctl, &l, path, 0660, (gid_t)-1, handler, &seen), 0);
}

static void teardown(void)
{
	control_close(&ctl);
	loop_close(&l);
	unlink(path);
	rmdir(dir);
}

static int client(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);

	strcpy(sa.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void send_str(int fd, const char *s)
{
	ck_assert_int_eq(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/*
 * Run the loop until n reply lines arrived on fd or the peer closed.
 * Returns the text received (static buffer).  Bounded by iterations,
 * not by time.
 */
static const char *replies(int fd, int n, bool *closed)
{
	static char buf[65536];
	size_t have = 0;
	int lines = 0, i;

	*closed = false;
	for (i = 0; i < 200 && lines < n && !*closed; i++) {
		ssize_t r;

		loop_run_once(&l, 50);
		while ((r = recv(fd, buf + have, sizeof(buf) - 1 - have, 0)) > 0) {
			size_t k;

			for (k = have; k < have + (size_t)r; k++)
				if (buf[k] == '\n')
					lines++;
			have += (size_t)r;
		}
		if (r == 0)
			*closed = true;
	}
	buf[have] = '\0';
	return buf;
}

START_TEST(test_status_and_peer)
{
	int fd = client();
	bool closed;
	const char *r;
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0660);
	send_str(fd, "{\"cmd\":\"status\"}\n");
	r = replies(fd, 1, &closed);
	ck_assert_str_eq(r, "{\"ok\":true,\"data\":{\"cmd\":\"status\",\"n\":1}}\n");
	ck_assert(!closed);
	ck_assert_int_eq(seen.calls, 1);
	ck_assert_int_eq(seen.peer.uid, getuid());
	ck_assert_int_eq(seen.peer.pid, getpid());
	ck_assert_uint_eq(control_clients(&ctl), 1);
	close(fd);
	replies(fd, 0, &closed);	/* let the server see the EOF */
}
END_TEST

START_TEST(test_errors_keep_connection)
{
	int fd = client();
	bool closed;
	const char *r;

	send_str(fd, "not json\n");
	r = replies(fd, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"error\":\"bad_request\""));
	ck_assert_int_eq(seen.calls, 0);
	send_str(fd, "{\"cmd\":\"explode\"}\n");
	r = replies(fd, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"error\":\"unknown_command\""));
	send_str(fd, "{\"cmd\":\"set\",\"key\":\"colour\",\"value\":\"red\"}\n");
	r = replies(fd, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"error\":\"invalid_value\""));
	ck_assert_ptr_nonnull(strstr(r, "colour: no such key"));
	send_str(fd, "{\"cmd\":\"set\",\"key\":\"enabled\",\"value\":\"false\"}\n");
	r = replies(fd, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"ok\":true"));
	ck_assert(!closed);
	ck_assert_str_eq(seen.last.value, "false");
	close(fd);
}
END_TEST

START_TEST(test_pipelined_and_split)
{
	int fd = client();
	bool closed;
	const char *r;

	/* two requests in one write, a third split across writes */
	send_str(fd, "{\"cmd\":\"status\"}\n{\"cmd\":\"log\",\"count\":3}\n{\"cmd\":");
	r = replies(fd, 2, &closed);
	ck_assert_str_eq(r, "{\"ok\":true,\"data\":{\"cmd\":\"status\",\"n\":1}}\n"
			    "{\"ok\":true,\"data\":{\"cmd\":\"log\",\"n\":2}}\n");
	ck_assert_uint_eq(seen.last.count, 3);
	send_str(fd, "\"reload\"}\n");
	r = replies(fd, 1, &closed);
	ck_assert_str_eq(r, "{\"ok\":true,\"data\":{\"cmd\":\"reload\",\"n\":3}}\n");
	close(fd);
}
END_TEST

START_TEST(test_eof_after_request_is_answered)
{
	int fd = client();
	bool closed;
	const char *r;

	send_str(fd, "{\"cmd\":\"spool-list\"}\n{\"cmd\":\"status\"}\n");
	shutdown(fd, SHUT_WR);
	r = replies(fd, 3, &closed);
	ck_assert_str_eq(r, "{\"ok\":true,\"data\":{\"cmd\":\"spool-list\",\"n\":1}}\n"
			    "{\"ok\":true,\"data\":{\"cmd\":\"status\",\"n\":2}}\n");
	ck_assert(closed);
	ck_assert_uint_eq(control_clients(&ctl), 0);
	close(fd);
}
END_TEST

/*
 * A client that wrote its request and shut down its side before the
 * server accepted it (esolctl and esol-webui do) is answered and closed
 * in the one turn of the loop that accepts it, without being watched; one
 * that did not shut down is answered in that turn too, and stays; one
 * that has sent nothing yet is waited for.
 */
START_TEST(test_answered_in_the_accepting_turn)
{
	int done = client(), open_, slow;
	char buf[256];
	ssize_t n;
	bool closed;
	const char *r;
	int turns;

	send_str(done, "{\"cmd\":\"status\"}\n");
	shutdown(done, SHUT_WR);
	ck_assert_int_ge(loop_run_once(&l, 1000), 0);	/* one turn */
	n = recv(done, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "{\"ok\":true,\"data\":{\"cmd\":\"status\",\"n\":1}}\n");
	ck_assert_int_eq(recv(done, buf, sizeof(buf), 0), 0);	/* closed by then */
	ck_assert_uint_eq(control_clients(&ctl), 0);
	close(done);

	open_ = client();
	send_str(open_, "{\"cmd\":\"log\",\"count\":2}\n");
	ck_assert_int_ge(loop_run_once(&l, 1000), 0);	/* one turn */
	n = recv(open_, buf, sizeof(buf) - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "{\"ok\":true,\"data\":{\"cmd\":\"log\",\"n\":2}}\n");
	ck_assert_uint_eq(control_clients(&ctl), 1);	/* it stays */

	slow = client();
	ck_assert_int_ge(loop_run_once(&l, 1000), 0);	/* accepted, nothing to read */
	ck_assert_uint_eq(control_clients(&ctl), 2);
	ck_assert_int_eq(seen.calls, 2);
	/* the two still connected are watched: their next requests come */
	send_str(slow, "{\"cmd\":\"reload\"}\n");
	r = replies(slow, 1, &closed);
	ck_assert_str_eq(r, "{\"ok\":true,\"data\":{\"cmd\":\"reload\",\"n\":3}}\n");
	send_str(open_, "{\"cmd\":\"status\"}\n");
	r = replies(open_, 1, &closed);
	ck_assert_str_eq(r, "{\"ok\":true,\"data\":{\"cmd\":\"status\",\"n\":4}}\n");
	close(open_);
	close(slow);
	/* the server sees both EOFs (a turn each, bounded by turns not time) */
	for (turns = 0; turns < 20 && control_clients(&ctl) > 0; turns++)
		ck_assert_int_ge(loop_run_once(&l, 100), 0);
	ck_assert_uint_eq(control_clients(&ctl), 0);
}
END_TEST

START_TEST(test_too_large_closes)
{
	int fd = client();
	bool closed;
	const char *r;
	char *big = malloc(CTL_REQUEST_MAX + 100);

	memset(big, 'x', CTL_REQUEST_MAX + 99);
	big[CTL_REQUEST_MAX + 99] = '\0';
	send_str(fd, big);
	free(big);
	r = replies(fd, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"error\":\"too_large\""));
	replies(fd, 5, &closed);
	ck_assert(closed);
	ck_assert_int_eq(seen.calls, 0);
	close(fd);
}
END_TEST

START_TEST(test_busy)
{
	int fds[CONTROL_CLIENTS_MAX], fd, i;
	bool closed;
	const char *r;

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		fds[i] = client();
		replies(fds[i], 0, &closed);
		loop_run_once(&l, 50);
	}
	ck_assert_uint_eq(control_clients(&ctl), CONTROL_CLIENTS_MAX);
	fd = client();
	r = replies(fd, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"error\":\"busy\""));
	close(fd);
	/* the others still work */
	send_str(fds[3], "{\"cmd\":\"status\"}\n");
	r = replies(fds[3], 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"ok\":true"));
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		close(fds[i]);
}
END_TEST

/* A client that sends nothing (or half a request) is told and dropped. */
START_TEST(test_idle_timeout)
{
	int quiet = client(), half = client(), busy = client();
	bool closed = false;
	const char *r;
	int i;

	send_str(half, "{\"cmd\":");
	/* Ask and get answers on the third for a while: its time restarts. */
	for (i = 0; i < 3; i++) {
		send_str(busy, "{\"cmd\":\"status\"}\n");
		r = replies(busy, 1, &closed);
		ck_assert_ptr_nonnull(strstr(r, "\"ok\":true"));
		usleep(CONTROL_IDLE_MS * 1000 / 3);
	}
	r = replies(quiet, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"error\":\"timeout\""));
	if (!closed)
		replies(quiet, 1, &closed);
	ck_assert(closed);
	r = replies(half, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"error\":\"timeout\""));
	/* the one that kept asking is still there */
	send_str(busy, "{\"cmd\":\"status\"}\n");
	r = replies(busy, 1, &closed);
	ck_assert_ptr_nonnull(strstr(r, "\"ok\":true"));
	ck_assert(!closed);
	close(quiet);
	close(half);
	close(busy);
}
END_TEST

START_TEST(test_path_checks)
{
	struct control other;
	struct loop l2;
	char p[160];
	int fd;

	ck_assert_int_eq(loop_init(&l2), 0);
	/* live socket: refused */
	ck_assert_int_eq(control_open(&other, &l2, path, 0660, (gid_t)-1, handler, &seen),
			 -EADDRINUSE);
	/* a regular file: left alone */
	snprintf(p, sizeof(p), "%s/file", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0600);
	close(fd);
	ck_assert_int_eq(control_open(&other, &l2, p, 0660, (gid_t)-1, handler, &seen),
			 -ENOTSOCK);
	ck_assert_int_eq(access(p, F_OK), 0);
	unlink(p);
	/* a stale socket (nobody listening) is replaced */
	control_close(&ctl);
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_STREAM, 0);

		strcpy(sa.sun_path, path);
		ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(s);
	}
	ck_assert_int_eq(control_open(&other, &l2, path, 0600, (gid_t)-1, handler, &seen), 0);
	control_close(&other);
	ck_assert_int_ne(access(path, F_OK), 0);
	/* too long */
	memset(p, 'a', sizeof(p) - 1);
	p[sizeof(p) - 1] = '\0';
	ck_assert_int_eq(control_open(&other, &l2, p, 0600, (gid_t)-1, handler, &seen),
			 -ENAMETOOLONG);
	loop_close(&l2);
	/* teardown closes ctl again: must be harmless */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("socket");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_status_and_peer);
	tcase_add_test(tc, test_errors_keep_connection);
	tcase_add_test(tc, test_pipelined_and_split);
	tcase_add_test(tc, test_eof_after_request_is_answered);
	tcase_add_test(tc, test_answered_in_the_accepting_turn);
	tcase_add_test(tc, test_too_large_closes);
	tcase_add_test(tc, test_busy);
	tcase_add_test(tc, test_idle_timeout);
	tcase_add_test(tc, test_path_checks);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
