// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of common/escape: outside text made safe for a log line or a
 * terminal -- no control character, no line break, no invalid UTF-8, no
 * reordering code point, bounded; printable text and UTF-8 kept; the
 * escaping idempotent.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/escape.h"

static const struct {
	const char *in;
	size_t len;		/* 0: strlen */
	const char *out;
} cases[] = {
	{ "plain text, 100% ok", 0, "plain text, 100% ok" },
	{ "two\nlines\r\n", 0, "two\\nlines\\r\\n" },
	{ "tab\there", 0, "tab\\there" },
	{ "\x1b]0;pwned\x07title", 0, "\\x1b]0;pwned\\x07title" },
	{ "\x1b[2J\x1b[H", 0, "\\x1b[2J\\x1b[H" },
	{ "del\x7f", 0, "del\\x7f" },
	{ "nul\0byte", 8, "nul\\x00byte" },
	{ "caf\xc3\xa9 \xe2\x82\xac", 0, "caf\xc3\xa9 \xe2\x82\xac" },		/* é € */
	{ "c1 \xc2\x9b" "31m", 0, "c1 \\xc2\\x9b31m" },				/* U+009B CSI */
	{ "nel \xc2\x85", 0, "nel \\xc2\\x85" },				/* U+0085 */
	{ "bidi \xe2\x80\xae" "gnp.exe", 0, "bidi \\u{202E}gnp.exe" },		/* U+202E */
	{ "ls \xe2\x80\xa8", 0, "ls \\u{2028}" },				/* U+2028 */
	{ "bad \xff\xfe", 0, "bad \\xff\\xfe" },
	{ "overlong \xc0\xaf", 0, "overlong \\xc0\\xaf" },
	{ "surrogate \xed\xa0\x80", 0, "surrogate \\xed\\xa0\\x80" },
	{ "cut \xe2\x82", 0, "cut \\xe2\\x82" },
	{ "back\\slash \\n", 0, "back\\slash \\n" },
	{ "", 0, "" },
};

START_TEST(t_cases)
{
	char out[256];
	size_t len = cases[_i].len ? cases[_i].len : strlen(cases[_i].in);

	esc_buf(out, sizeof(out), cases[_i].in, len);
	ck_assert_str_eq(out, cases[_i].out);
	/* idempotent: the escaped text is clean and escapes to itself */
	ck_assert(esc_is_clean(out));
	{
		char again[256];

		ck_assert_str_eq(esc_str(again, sizeof(again), out), out);
	}
}
END_TEST

/* Whatever the bytes, the output has no byte below 0x20 nor DEL. */
START_TEST(t_all_bytes)
{
	unsigned char in[512];
	char out[4096];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 7 + i / 256);
	esc_buf(out, sizeof(out), in, sizeof(in));
	for (i = 0; out[i]; i++)
		ck_assert_msg((unsigned char)out[i] >= 0x20 && out[i] != 0x7f,
			      "byte 0x%02x at %zu", (unsigned char)out[i], i);
	ck_assert(esc_is_clean(out));
}
END_TEST

START_TEST(t_bounded)
{
	char big[1000], out[32];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	esc_str(out, sizeof(out), big);
	ck_assert_uint_eq(strlen(out), sizeof(out) - 1);
	ck_assert_str_eq(out + strlen(out) - 3, "...");
	/* an escape sequence is never cut in half */
	memset(big, '\n', 40);
	big[40] = '\0';
	esc_str(out, sizeof(out), big);
	ck_assert_str_eq(out, "\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n\\n...");
	/* nor a UTF-8 character */
	esc_str(out, 9, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
	ck_assert_str_eq(out, "\xc3\xa9\xc3\xa9...");
	/* tiny buffers */
	esc_str(out, 1, "abc");
	ck_assert_str_eq(out, "");
	esc_str(out, 3, "abcdef");
	ck_assert_str_eq(out, "..");
	esc_str(out, 4, "abc");
	ck_assert_str_eq(out, "abc");
}
END_TEST

START_TEST(t_inplace)
{
	char s[24] = "a\x1b[31mred\nline";

	esc_inplace(s, sizeof(s));
	ck_assert_str_eq(s, "a\\x1b[31mred\\nline");
	strcpy(s, "already fine");
	esc_inplace(s, sizeof(s));
	ck_assert_str_eq(s, "already fine");
	strcpy(s, "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n");
	esc_inplace(s, sizeof(s));
	ck_assert_uint_le(strlen(s), sizeof(s) - 1);
	ck_assert(esc_is_clean(s));
	esc_str(s, sizeof(s), NULL);
	ck_assert_str_eq(s, "");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("escape");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, t_cases, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, t_all_bytes);
	tcase_add_test(tc, t_bounded);
	tcase_add_test(tc, t_inplace);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
