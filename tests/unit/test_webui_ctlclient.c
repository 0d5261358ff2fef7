// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of webui/ctlclient against a small control-socket server in
 * a thread that answers each connection with a canned reply: esold's
 * answer, its refusal, garbage, silence (the deadline), a hang-up, no
 * socket at all.  The request the client sent is checked too.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "webui/ctlclient.h"

struct fake {
	char path[108];
	int lfd;
	const char *reply;	/* NULL: hang up at once; "" : say nothing */
	char got[CTL_REQUEST_MAX];
	pthread_t thr;
};

static void *serve(void *arg)
{
	struct fake *f = arg;
	int c = accept(f->lfd, NULL, NULL);
	size_t n = 0;

	if (c < 0)
		return NULL;
	if (!f->reply) {
		close(c);
		return NULL;
	}
	while (n < sizeof(f->got) - 1 && !memchr(f->got, '\n', n)) {
		ssize_t r = read(c, f->got + n, sizeof(f->got) - 1 - n);

		if (r <= 0)
			break;
		n += (size_t)r;
	}
	f->got[n] = '\0';
	if (*f->reply) {
		if (write(c, f->reply, strlen(f->reply)) < 0)
			perror("write");
	} else {
		sleep(1);	/* silent past the client's deadline */
	}
	close(c);
	return NULL;
}

static void fake_start(struct fake *f, const char *reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "/tmp/test_webui_ctl.%d.sock", (int)getpid());
	unlink(f->path);
	strcpy(sa.sun_path, f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(f->lfd, 0);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(f->lfd, 1), 0);
	f->reply = reply;
	ck_assert_int_eq(pthread_create(&f->thr, NULL, serve, f), 0);
}

static void fake_stop(struct fake *f)
{
	pthread_join(f->thr, NULL);
	close(f->lfd);
	unlink(f->path);
}

START_TEST(test_ok)
{
	struct fake f;
	struct ctlc_error e;
	json_t *d = NULL;

	fake_start(&f, "{\"ok\":true,\"data\":{\"enabled\":true,\"poll_time\":\"03:00\"}}\n");
	ck_assert_int_eq(ctlc_status(f.path, &d, &e), CTLC_OK);
	fake_stop(&f);
	ck_assert_str_eq(f.got, "{\"cmd\":\"status\"}\n");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(json_string_value(json_object_get(d, "poll_time")), "03:00");
	json_decref(d);
}
END_TEST

START_TEST(test_set_refused)
{
	struct fake f;
	struct ctlc_error e;

	fake_start(&f, "{\"ok\":false,\"error\":\"invalid_value\","
		       "\"message\":\"schedule.poll_time: '25:99' is not HH:MM\"}\n");
	ck_assert_int_eq(ctlc_set(f.path, "poll_time", "25:99", &e), CTLC_REFUSED);
	fake_stop(&f);
	ck_assert_str_eq(f.got, "{\"cmd\":\"set\",\"key\":\"poll_time\",\"value\":\"25:99\"}\n");
	ck_assert_str_eq(e.code, "invalid_value");
	ck_assert_str_eq(e.message, "schedule.poll_time: '25:99' is not HH:MM");
}
END_TEST

START_TEST(test_values_travel_as_json)
{
	struct fake f;
	struct ctlc_error e;
	char big[CTL_VALUE_MAX + 2];

	/* quotes and a script tag are data, escaped by JSON on the way */
	fake_start(&f, "{\"ok\":true,\"data\":{}}\n");
	ck_assert_int_eq(ctlc_set(f.path, "proxy_host", "a\"b<script>", &e), CTLC_OK);
	fake_stop(&f);
	ck_assert_ptr_nonnull(strstr(f.got, "\"value\":\"a\\\"b<script>\""));
	/* too long: refused before anything is sent */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(ctlc_set("/nonexistent.sock", "proxy_host", big, &e), CTLC_REFUSED);
	ck_assert_ptr_nonnull(strstr(e.message, "longer than"));
}
END_TEST

START_TEST(test_garbage)
{
	struct fake f;
	struct ctlc_error e;
	json_t *d = (json_t *)1;

	fake_start(&f, "this is not json\n");
	ck_assert_int_eq(ctlc_status(f.path, &d, &e), CTLC_UNREACHABLE);
	fake_stop(&f);
	ck_assert_ptr_null(d);
	ck_assert_ptr_nonnull(strstr(e.message, "not JSON"));
	fake_start(&f, "{\"ok\":\"yes\"}\n");
	ck_assert_int_eq(ctlc_status(f.path, &d, &e), CTLC_UNREACHABLE);
	fake_stop(&f);
}
END_TEST

START_TEST(test_silent_and_hangup)
{
	struct ctl_request req = { .cmd = CTL_CMD_STATUS };
	struct fake f;
	struct ctlc_error e;
	json_t *d;

	fake_start(&f, "");
	ck_assert_int_eq(ctlc_call(f.path, &req, 200, &d, &e), CTLC_UNREACHABLE);
	ck_assert_ptr_nonnull(strstr(e.message, "no answer in time"));
	fake_stop(&f);
	fake_start(&f, NULL);
	ck_assert_int_eq(ctlc_call(f.path, &req, 2000, &d, &e), CTLC_UNREACHABLE);
	ck_assert_ptr_nonnull(strstr(e.message, "closed the connection"));
	fake_stop(&f);
	ck_assert_int_eq(ctlc_status("/nonexistent/esold.sock", &d, &e), CTLC_UNREACHABLE);
	ck_assert_str_eq(e.message,
			 "cannot reach esold at /nonexistent/esold.sock: No such file or directory");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webui_ctlclient");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_ok);
	tcase_add_test(tc, test_set_refused);
	tcase_add_test(tc, test_values_travel_as_json);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_silent_and_hangup);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
