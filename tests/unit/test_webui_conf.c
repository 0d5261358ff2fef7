// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of webui/wconf (the INI file), webui/zones and webui/timefmt. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "webui/timefmt.h"
#include "webui/wconf.h"
#include "webui/zones.h"

static char path[] = "/tmp/test_webui_conf.XXXXXX";

static int load_text(const char *text, struct webui_config *c, char *msg)
{
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	wconf_defaults(c);
	fd = wconf_load(path, c, msg, 256);
	unlink(path);
	strcpy(path, "/tmp/test_webui_conf.XXXXXX");
	return fd;
}

START_TEST(test_defaults)
{
	struct webui_config c;
	struct sockaddr_in *a = (struct sockaddr_in *)&c.addr;

	wconf_defaults(&c);
	ck_assert_str_eq(c.listen, "127.0.0.1:8443");
	ck_assert_int_eq(a->sin_family, AF_INET);
	ck_assert_int_eq(ntohs(a->sin_port), 8443);
	ck_assert_uint_eq(ntohl(a->sin_addr.s_addr), 0x7f000001);
	ck_assert(c.tls);
	ck_assert_str_eq(c.socket, "/run/esol/esold.sock");
}
END_TEST

START_TEST(test_load)
{
	struct webui_config c;
	char msg[256];

	ck_assert_int_eq(load_text("[webui]\nlisten = 0.0.0.0:443\ntls = false\n"
				   "esold_socket = /tmp/x.sock\npassword_file = /tmp/pw\n"
				   "session_idle_minutes = 5\nlog_level = debug\n", &c, msg), 0);
	ck_assert_str_eq(c.listen, "0.0.0.0:443");
	ck_assert(!c.tls);
	ck_assert_str_eq(c.socket, "/tmp/x.sock");
	ck_assert_str_eq(c.password_file, "/tmp/pw");
	ck_assert_uint_eq(c.session_idle_min, 5);
	ck_assert_int_eq(load_text("[webui]\nlisten = [::1]:8443\n", &c, msg), 0);
	ck_assert_int_eq(c.addr.ss_family, AF_INET6);
	ck_assert_int_eq(load_text("# only a comment\n", &c, msg), 0);
}
END_TEST

START_TEST(test_refused)
{
	struct webui_config c;
	char msg[256];

	ck_assert_int_eq(load_text("[webui]\nlisten = localhost:80\n", &c, msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, ":2: listen: must be ADDRESS:PORT"));
	ck_assert_int_eq(load_text("[webui]\nlisten = 1.2.3.4:0\n", &c, msg), -EINVAL);
	ck_assert_int_eq(load_text("[webui]\nlisten = 1.2.3.4\n", &c, msg), -EINVAL);
	ck_assert_int_eq(load_text("[webui]\nlisten = [::1:80\n", &c, msg), -EINVAL);
	ck_assert_int_eq(load_text("[webui]\ntls = yes\n", &c, msg), -EINVAL);
	ck_assert_int_eq(load_text("[webui]\npassword_file = relative\n", &c, msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "absolute path"));
	ck_assert_int_eq(load_text("[webui]\nsession_idle_minutes = 0\n", &c, msg), -EINVAL);
	ck_assert_int_eq(load_text("[webui]\nsession_idle_minutes = -5\n", &c, msg), -EINVAL);
	ck_assert_int_eq(load_text("[webui]\nnope = 1\n", &c, msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, ":2: unknown key nope"));
	ck_assert_int_eq(load_text("[other]\nlisten = 1.2.3.4:5\n", &c, msg), -EINVAL);
	ck_assert_int_eq(load_text("[webui]\ntls = true\ntls = false\n", &c, msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, ":3: tls is given twice"));
	/* the first error is the one named */
	ck_assert_int_eq(load_text("[webui]\nx = 1\ny = 2\n", &c, msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, ":2: unknown key x"));
	ck_assert_int_eq(load_text("[webui]\ncert_file = /a.crt\n", &c, msg), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "go together"));
	wconf_defaults(&c);
	ck_assert_int_eq(wconf_load("/nonexistent/esol-webui.conf", &c, msg, sizeof(msg)), -ENOENT);
}
END_TEST

START_TEST(test_zones)
{
	struct zone_list z;

	ck_assert_int_eq(zones_load(FIXTURES "/webui", &z), 0);
	ck_assert_uint_eq(z.n, 5);
	ck_assert_str_eq(z.name[0], "America/New_York");
	ck_assert_str_eq(z.name[1], "Asia/Tokyo");
	ck_assert_str_eq(z.name[2], "Europe/Berlin");
	ck_assert_str_eq(z.name[3], "Europe/Paris");
	ck_assert_str_eq(z.name[4], "UTC");
	zones_free(&z);
	ck_assert_int_eq(zones_load("/nonexistent", &z), -ENOENT);
}
END_TEST

START_TEST(test_time)
{
	char s[96];

	ck_assert_int_eq(timefmt_local("2026-12-07T03:00:00Z", "UTC", s, sizeof(s)), 0);
	ck_assert_str_eq(s, "Mon 7 Dec 2026, 03:00 UTC");
	ck_assert_int_eq(timefmt_local("yesterday", "UTC", s, sizeof(s)), -EINVAL);
	ck_assert_str_eq(s, "yesterday");
	ck_assert_int_eq(timefmt_local("2026-12-07T03:00:00Z trailing", "UTC", s, sizeof(s)), -EINVAL);
	timefmt_duration(40, s, sizeof(s));
	ck_assert_str_eq(s, "40 s");
	timefmt_duration(600, s, sizeof(s));
	ck_assert_str_eq(s, "10 min");
	timefmt_duration(3600 * 6 + 300, s, sizeof(s));
	ck_assert_str_eq(s, "6 h 5 min");
	timefmt_duration(86400 * 7, s, sizeof(s));
	ck_assert_str_eq(s, "7 days");
	timefmt_duration(-5, s, sizeof(s));
	ck_assert_str_eq(s, "0 s");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webui_conf");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	setenv("TZDIR", "/nonexistent-tzdir", 1);	/* UTC only: nothing read outside */
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_load);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_zones);
	tcase_add_test(tc, test_time);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
