// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of webui/passwd: PBKDF2 hashes, the policy, the password file. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "webui/passwd.h"

START_TEST(test_hash_verify)
{
	char a[PW_LINE_MAX], b[PW_LINE_MAX];

	ck_assert_int_eq(pw_hash("correct horse", PW_ITER_MIN, a), 0);
	ck_assert_ptr_nonnull(strstr(a, "pbkdf2-sha256$1000$"));
	ck_assert_int_eq(pw_verify("correct horse", a), 1);
	ck_assert_int_eq(pw_verify("correct horsE", a), 0);
	ck_assert_int_eq(pw_verify("correct hors", a), 0);
	ck_assert_int_eq(pw_verify("", a), 0);
	/* salted: the same password hashes differently */
	ck_assert_int_eq(pw_hash("correct horse", PW_ITER_MIN, b), 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(pw_verify("correct horse", b), 1);
	/* the default cost */
	ck_assert_int_eq(pw_hash("correct horse", PW_ITER_DEFAULT, a), 0);
	ck_assert_ptr_nonnull(strstr(a, "$200000$"));
	ck_assert_int_eq(pw_verify("correct horse", a), 1);
	/* iterations out of bounds */
	ck_assert_int_eq(pw_hash("correct horse", PW_ITER_MIN - 1, a), -EINVAL);
}
END_TEST

START_TEST(test_known_vector)
{
	/* PBKDF2-HMAC-SHA256("password", salt "saltsaltsaltsalt", 1000, 32): a
	 * line made elsewhere (python hashlib.pbkdf2_hmac) verifies here. */
	const char *line = "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$"
			   "8nX7hwFEzIB8aPajJTYK8weHQc5Ngz0pFVAKvSu4jQA=";

	ck_assert_int_eq(pw_verify("password", line), 1);
	ck_assert_int_eq(pw_verify("passwore", line), 0);
}
END_TEST

START_TEST(test_malformed)
{
	ck_assert_int_eq(pw_verify("x", ""), -EINVAL);
	ck_assert_int_eq(pw_verify("x", "plain"), -EINVAL);
	ck_assert_int_eq(pw_verify("x", "pbkdf2-sha256$"), -EINVAL);
	ck_assert_int_eq(pw_verify("x", "pbkdf2-sha256$5$c2FsdHNhbHRzYWx0c2FsdA==$"
				   "8nX7hwFEzIB8aPajJTYK8weHQc5Ngz0pFVAKvSu4jQA="), -EINVAL);
	ck_assert_int_eq(pw_verify("x", "pbkdf2-sha256$1000$c2FsdA==$"
				   "8nX7hwFEzIB8aPajJTYK8weHQc5Ngz0pFVAKvSu4jQA="), -EINVAL);
	ck_assert_int_eq(pw_verify("x", "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$"
				   "Y4ft"), -EINVAL);
	ck_assert_int_eq(pw_verify("x", "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$"
				   "!!!!hwFEzIB8aPajJTYK8weHQc5Ngz0pFVAKvSu4jQA="), -EINVAL);
	ck_assert_int_eq(pw_verify("x", "md5$1000$c2FsdHNhbHRzYWx0c2FsdA==$"
				   "8nX7hwFEzIB8aPajJTYK8weHQc5Ngz0pFVAKvSu4jQA="), -EINVAL);
}
END_TEST

START_TEST(test_policy)
{
	char msg[160];

	ck_assert_int_eq(pw_policy("0123456789", "0123456789", msg, sizeof(msg)), 0);
	ck_assert_int_eq(pw_policy("012345678", "012345678", msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "10 to 128"));
	ck_assert_int_eq(pw_policy("0123456789", "0123456780", msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "not the same"));
	ck_assert_int_eq(pw_policy("01234\t56789", "01234\t56789", msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(pw_policy(NULL, NULL, msg, sizeof(msg)), -EINVAL);
	ck_assert_int_eq(pw_policy("0123456789", NULL, msg, sizeof(msg)), -EINVAL);
}
END_TEST

START_TEST(test_file)
{
	char dir[] = "/tmp/test_webui_passwd.XXXXXX", path[128], line[PW_LINE_MAX];
	char got[PW_LINE_MAX];
	struct stat sb;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/admin.pw", dir);
	ck_assert_int_eq(pw_file_read(path, got), -ENOENT);
	ck_assert_int_eq(pw_hash("a long password", PW_ITER_MIN, line), 0);
	ck_assert_int_eq(pw_file_write(path, line), 0);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(pw_file_read(path, got), 0);
	ck_assert_str_eq(got, line);
	ck_assert_int_eq(pw_verify("a long password", got), 1);
	/* replaced whole, no temporary left */
	ck_assert_int_eq(pw_hash("another password", PW_ITER_MIN, line), 0);
	ck_assert_int_eq(pw_file_write(path, line), 0);
	ck_assert_int_eq(pw_file_read(path, got), 0);
	ck_assert_int_eq(pw_verify("a long password", got), 0);
	ck_assert_int_eq(pw_verify("another password", got), 1);
	snprintf(got, sizeof(got), "%s.new", path);
	ck_assert_int_eq(access(got, F_OK), -1);
	/* an empty file is not "no password" */
	{
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fclose(f);
	}
	ck_assert_int_eq(pw_file_read(path, got), -EINVAL);
	/* no such directory */
	snprintf(path, sizeof(path), "%s/nodir/admin.pw", dir);
	ck_assert_int_eq(pw_file_write(path, line), -ENOENT);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webui_passwd");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_hash_verify);
	tcase_add_test(tc, test_known_vector);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_policy);
	tcase_add_test(tc, test_file);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
