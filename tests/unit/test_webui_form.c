// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of webui/form: urlencoded form bodies and the Cookie header. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webui/form.h"

static const char *const fields[] = { "csrf", "poll_time", "time_zone", "proxy_host", NULL };

static int parse(const char *body, struct form *f, char *err)
{
	return form_parse(body, strlen(body), fields, f, err, 160);
}

START_TEST(test_decode)
{
	struct form f;
	char err[160];

	ck_assert_int_eq(parse("csrf=abc&poll_time=04%3A30&time_zone=Europe%2FParis", &f, err), 0);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_str_eq(form_get(&f, "csrf"), "abc");
	ck_assert_str_eq(form_get(&f, "poll_time"), "04:30");
	ck_assert_str_eq(form_get(&f, "time_zone"), "Europe/Paris");
	ck_assert_ptr_null(form_get(&f, "proxy_host"));
	form_free(&f);

	ck_assert_int_eq(parse("proxy_host=a+b%20c&csrf=", &f, err), 0);
	ck_assert_str_eq(form_get(&f, "proxy_host"), "a b c");
	ck_assert_str_eq(form_get(&f, "csrf"), "");
	form_free(&f);

	/* empty pairs are skipped; an empty body is an empty form */
	ck_assert_int_eq(parse("&&csrf=x&", &f, err), 0);
	ck_assert_uint_eq(f.n, 1);
	form_free(&f);
	ck_assert_int_eq(parse("", &f, err), 0);
	ck_assert_uint_eq(f.n, 0);
	form_free(&f);

	/* a script tag is text to the decoder; refusing it is the agent's job */
	ck_assert_int_eq(parse("proxy_host=%3Cscript%3Ealert(1)%3C%2Fscript%3E", &f, err), 0);
	ck_assert_str_eq(form_get(&f, "proxy_host"), "<script>alert(1)</script>");
	form_free(&f);
	/* UTF-8 passes */
	ck_assert_int_eq(parse("time_zone=caf%C3%A9", &f, err), 0);
	ck_assert_str_eq(form_get(&f, "time_zone"), "caf\xc3\xa9");
	form_free(&f);
}
END_TEST

START_TEST(test_refused)
{
	struct form f;
	char err[160];

	ck_assert_int_eq(parse("csrf=a&csrf=b", &f, err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "twice"));
	ck_assert_int_eq(parse("evil=1", &f, err), -EINVAL);
	ck_assert_int_eq(parse("csrf", &f, err), -EINVAL);
	ck_assert_int_eq(parse("csrf=%4", &f, err), -EINVAL);
	ck_assert_int_eq(parse("csrf=%zz", &f, err), -EINVAL);
	ck_assert_int_eq(parse("csrf=%00", &f, err), -EINVAL);
	ck_assert_int_eq(parse("csrf=a%0Ab", &f, err), -EINVAL);	/* newline */
	ck_assert_int_eq(parse("csrf=a%1Bb", &f, err), -EINVAL);	/* ESC */
	ck_assert_int_eq(parse("csrf=%C2%9B", &f, err), -EINVAL);	/* C1 CSI */
	ck_assert_int_eq(parse("csrf=%C0%BC", &f, err), -EINVAL);	/* overlong */
	ck_assert_int_eq(parse("csrf=%ED%A0%80", &f, err), -EINVAL);	/* surrogate */
	ck_assert_int_eq(parse("csrf=%FF", &f, err), -EINVAL);
	ck_assert_int_eq(form_parse("csrf=a\0b", 8, fields, &f, err, sizeof(err)), -EINVAL);
	/* the refused form leaves nothing behind */
	ck_assert_ptr_null(f.store);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_limits)
{
	static const char *const many[] = { "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8",
					    "f9", "f10", "f11", "f12", "f13", "f14", "f15",
					    "f16", NULL };
	char err[160], *big;
	struct form f;
	size_t i;

	big = malloc(FORM_BODY_MAX + 2);
	memset(big, 'x', FORM_BODY_MAX + 1);
	memcpy(big, "csrf=", 5);
	big[FORM_BODY_MAX + 1] = '\0';
	ck_assert_int_eq(form_parse(big, FORM_BODY_MAX + 1, fields, &f, err, sizeof(err)), -E2BIG);
	/* a value over FORM_VALUE_MAX in a body that fits */
	big[5 + FORM_VALUE_MAX + 1] = '\0';
	ck_assert_int_eq(parse(big, &f, err), -E2BIG);
	big[5 + FORM_VALUE_MAX] = '\0';
	ck_assert_int_eq(parse(big, &f, err), 0);
	ck_assert_uint_eq(strlen(form_get(&f, "csrf")), FORM_VALUE_MAX);
	form_free(&f);
	/* more than FORM_FIELDS_MAX pairs */
	big[0] = '\0';
	for (i = 0; i < FORM_FIELDS_MAX; i++)
		sprintf(big + strlen(big), "f%zu=1&", i);
	ck_assert_int_eq(form_parse(big, strlen(big), many, &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.n, FORM_FIELDS_MAX);
	form_free(&f);
	strcat(big, "f16=1");
	ck_assert_int_eq(form_parse(big, strlen(big), many, &f, err, sizeof(err)), -E2BIG);
	free(big);
}
END_TEST

START_TEST(test_cookie)
{
	char v[65];

	ck_assert_int_eq(cookie_get("esol_sid=abc", "esol_sid", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "abc");
	ck_assert_int_eq(cookie_get("x=1; esol_sid=def; y=2", "esol_sid", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "def");
	ck_assert_int_eq(cookie_get("xesol_sid=1; esol_sidx=2", "esol_sid", v, sizeof(v)), -ENOENT);
	ck_assert_int_eq(cookie_get("", "esol_sid", v, sizeof(v)), -ENOENT);
	ck_assert_int_eq(cookie_get("esol_sid=", "esol_sid", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(cookie_get("esol_sid=0123456789", "esol_sid", v, 5), -E2BIG);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webui_form");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_decode);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_cookie);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
