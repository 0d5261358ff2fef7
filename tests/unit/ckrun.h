/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * ckrun: the main() every Check suite here shares: run the suite with
 * Check's runner (its summary line printed), exit non-zero on a failure.
 */
#ifndef ESOL_TESTS_CKRUN_H
#define ESOL_TESTS_CKRUN_H

#include <check.h>
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

#endif /* ESOL_TESTS_CKRUN_H */
