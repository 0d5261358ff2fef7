// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of webui/html: the one escaping function and the buffer. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "webui/html.h"

static char out[4096];

static const char *esc(const char *s, size_t n)
{
	struct hbuf b;

	hb_init(&b);
	html_escape(&b, s, n);
	snprintf(out, sizeof(out), "%s", hb_finish(&b) ? b.data : "(oom)");
	hb_free(&b);
	return out;
}

#define ESC(s) esc(s, sizeof(s) - 1)

START_TEST(test_specials)
{
	ck_assert_str_eq(ESC("<script>alert(1)</script>"),
			 "&lt;script&gt;alert(1)&lt;/script&gt;");
	ck_assert_str_eq(ESC("a & b \"c\" 'd'"), "a &amp; b &quot;c&quot; &#39;d&#39;");
	ck_assert_str_eq(ESC("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
	ck_assert_str_eq(ESC("&amp;"), "&amp;amp;");
	ck_assert_str_eq(ESC("plain text 123"), "plain text 123");
	ck_assert_str_eq(ESC(""), "");
}
END_TEST

START_TEST(test_controls_and_utf8)
{
	/* tab and newline stay; other controls, DEL and C1 become U+FFFD */
	ck_assert_str_eq(ESC("a\tb\nc"), "a\tb\nc");
	ck_assert_str_eq(ESC("a\x1b]0;evil\x07z"), "a\xef\xbf\xbd]0;evil\xef\xbf\xbdz");
	ck_assert_str_eq(ESC("x\x7fy"), "x\xef\xbf\xbdy");
	ck_assert_str_eq(ESC("\xc2\x9b" "31m"), "\xef\xbf\xbd\xef\xbf\xbd" "31m");
	/* NUL is dropped, the text after it kept */
	ck_assert_str_eq(ESC("a\0b"), "ab");
	/* valid UTF-8 passes: é, €, 😀 */
	ck_assert_str_eq(ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
			 "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
	/* invalid: lone continuation, overlong '<', surrogate, truncated, > U+10FFFF */
	ck_assert_str_eq(ESC("\x80"), "\xef\xbf\xbd");
	ck_assert_str_eq(ESC("\xc0\xbc"), "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(ESC("\xe0\x80\xbc"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(ESC("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(ESC("ab\xe2\x82"), "ab\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(ESC("\xf4\x90\x80\x80"),
			 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}
END_TEST

START_TEST(test_no_markup_survives)
{
	/* Whatever the bytes, no '<', '>', '"' or '\'' comes out. */
	char in[256];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (char)i;
	esc(in, sizeof(in));
	ck_assert_ptr_null(strpbrk(out, "<>\"'"));
}
END_TEST

START_TEST(test_buffer)
{
	struct hbuf b;
	size_t i;

	hb_init(&b);
	hb_raw(&b, "<p>");
	hb_text(&b, "1 < 2");
	hb_text(&b, NULL);
	hb_int(&b, -42);
	hb_uint(&b, 18446744073709551615ULL);
	hb_raw(&b, "</p>");
	ck_assert_str_eq(hb_finish(&b), "<p>1 &lt; 2-4218446744073709551615</p>");
	/* grows past its first allocation */
	for (i = 0; i < 10000; i++)
		hb_raw(&b, "0123456789");
	ck_assert_uint_eq(b.len, strlen("<p>1 &lt; 2-4218446744073709551615</p>") + 100000);
	ck_assert(!b.oom);
	hb_free(&b);
	hb_init(&b);
	ck_assert_str_eq(hb_finish(&b), "");
	hb_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webui_html");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_specials);
	tcase_add_test(tc, test_controls_and_utf8);
	tcase_add_test(tc, test_no_markup_survives);
	tcase_add_test(tc, test_buffer);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
