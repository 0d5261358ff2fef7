/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * ckrun: what the Check suites here share: their main() (run the suite
 * with Check's runner, its summary line printed, exit non-zero on a
 * failure) and reading a file back whole.
 */
#ifndef ESOL_TESTS_CKRUN_H
#define ESOL_TESTS_CKRUN_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

static inline int ck_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* The whole file at path, NUL-terminated (the caller frees); fails the test if unreadable. */
static inline char *ck_slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

#endif /* ESOL_TESTS_CKRUN_H */
