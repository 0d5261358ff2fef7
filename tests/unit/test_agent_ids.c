// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of read_id / report_id making. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "agent/ids.h"

START_TEST(test_read_id_stable_and_distinct)
{
	char a[PROTO_ID_MAX + 1], b[PROTO_ID_MAX + 1];

	ck_assert_int_eq(ids_read_id("SN123", "req-1", "2024-05", a), 0);
	ck_assert_int_eq(ids_read_id("SN123", "req-1", "2024-05", b), 0);
	ck_assert_str_eq(a, b);
	ck_assert_uint_eq(strlen(a), 34);
	ck_assert(strncmp(a, IDS_READ_PREFIX, 2) == 0);
	ck_assert(proto_valid_id(a));
	ck_assert_int_eq(ids_read_id("SN124", "req-1", "2024-05", b), 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(ids_read_id("SN123", "req-2", "2024-05", b), 0);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(ids_read_id("SN123", "req-1", "2024-06", b), 0);
	ck_assert_str_ne(a, b);
	/* separators: ("SN1","23req") vs ("SN12","3req") differ */
	ck_assert_int_eq(ids_read_id("SN1", "23req", "2024-05", a), 0);
	ck_assert_int_eq(ids_read_id("SN12", "3req", "2024-05", b), 0);
	ck_assert_str_ne(a, b);
	/*
	 * A fixed vector (computed independently with Python's hashlib) so a
	 * change of derivation, which would re-bill reads in flight, is noticed.
	 */
	ck_assert_int_eq(ids_read_id("SN123", "req-1", "2024-05", a), 0);
	ck_assert_str_eq(a, "r-5c6b0fe101e84386094829a4e723ba69");
}
END_TEST

START_TEST(test_read_id_rejects_bad_input)
{
	char a[PROTO_ID_MAX + 1];

	ck_assert_int_eq(ids_read_id("SN 123", "req-1", "2024-05", a), -EINVAL);
	ck_assert_int_eq(ids_read_id("SN123", "", "2024-05", a), -EINVAL);
	ck_assert_int_eq(ids_read_id("SN123", "req-1", "2024-13", a), -EINVAL);
	ck_assert_int_eq(ids_read_id("SN123", "req/1", "2024-05", a), -EINVAL);
}
END_TEST

START_TEST(test_report_id_random)
{
	char a[PROTO_ID_MAX + 1], b[PROTO_ID_MAX + 1];

	ck_assert_int_eq(ids_report_id(a), 0);
	ck_assert_int_eq(ids_report_id(b), 0);
	ck_assert_str_ne(a, b);
	ck_assert_uint_eq(strlen(a), 34);
	ck_assert(strncmp(a, IDS_REPORT_PREFIX, 2) == 0);
	ck_assert(proto_valid_id(a));
}
END_TEST

/* The identity and configuration of the known-answer test. */
static void identity_fixture(struct proto_poll_req *q)
{
	memset(q, 0, sizeof(*q));
	strcpy(q->device.device_id, "SIM0001");
	strcpy(q->device.model, "esol Sim 3000 \xc3\xa9");
	strcpy(q->device.engine_fw, "E1.2.3");
	strcpy(q->device.controller_fw, "C4.5.6");
	strcpy(q->device.agent_version, "0.1.0");
	q->config.poll_hour = 2;
	q->config.poll_minute = 30;
	strcpy(q->config.timezone, "Europe/Berlin");
	q->config.spread_minutes = 30;
	q->config.proxy_mode = PROTO_PROXY_AUTO;
}

/* The identity tag: SHA-256 of the canonical text (docs/protocol.md), known answer. */
START_TEST(test_identity_tag)
{
	struct proto_poll_req q;
	char tag[PROTO_TAG_LEN + 1], again[PROTO_TAG_LEN + 1];

	identity_fixture(&q);
	ck_assert_int_eq(ids_identity_tag(NULL, &q, tag), 0);
	/* python3: hashlib.sha256(canon).hexdigest()[:16] */
	ck_assert_str_eq(tag, "ebf77a0a89c0719c");
	/* the state is not part of it; the configuration is */
	q.state.spool_pending = 9;
	ck_assert_int_eq(ids_identity_tag(NULL, &q, again), 0);
	ck_assert_str_eq(again, tag);
	q.config.poll_minute = 31;
	ck_assert_int_eq(ids_identity_tag(NULL, &q, again), 0);
	ck_assert_str_ne(again, tag);
}
END_TEST

/* Kept in a memo, a tag is the one hashing would give, whatever changed. */
START_TEST(test_identity_tag_memo)
{
	struct ids_tag_memo memo;
	struct proto_poll_req q;
	char tag[PROTO_TAG_LEN + 1], fresh[PROTO_TAG_LEN + 1];
	char first[PROTO_TAG_LEN + 1];

	memset(&memo, 0, sizeof(memo));
	identity_fixture(&q);
	ck_assert_int_eq(ids_identity_tag(&memo, &q, first), 0);
	ck_assert_uint_gt(memo.len, 0);
	ck_assert_str_eq(memo.tag, first);
	/* each field of the identity and of the configuration, in turn */
	for (int i = 0; i < 8; i++) {
		switch (i) {
		case 0: strcpy(q.device.engine_fw, "E1.2.4"); break;
		case 1: strcpy(q.device.controller_fw, "C4.5.7"); break;
		case 2: strcpy(q.device.model, "esol Sim 3001"); break;
		case 3: q.config.poll_hour = 4; break;
		case 4: q.config.poll_minute = 5; break;
		case 5: strcpy(q.config.timezone, "Europe/Paris"); break;
		case 6: q.config.spread_minutes = 7; break;
		case 7: q.config.proxy_mode = PROTO_PROXY_NONE; break;
		}
		ck_assert_int_eq(ids_identity_tag(&memo, &q, tag), 0);
		ck_assert_int_eq(ids_identity_tag(NULL, &q, fresh), 0);
		ck_assert_str_eq(tag, fresh);
		ck_assert_str_ne(tag, first);
		ck_assert_str_eq(memo.tag, tag);
		/* asked again, unchanged: the same, from the memo */
		ck_assert_int_eq(ids_identity_tag(&memo, &q, tag), 0);
		ck_assert_str_eq(tag, fresh);
	}
	/* the state is not part of the identity: still the memo's */
	q.state.spool_pending = 3;
	ck_assert_int_eq(ids_identity_tag(&memo, &q, tag), 0);
	ck_assert_str_eq(tag, fresh);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("agent_ids");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_read_id_stable_and_distinct);
	tcase_add_test(tc, test_read_id_rejects_bad_input);
	tcase_add_test(tc, test_report_id_random);
	tcase_add_test(tc, test_identity_tag);
	tcase_add_test(tc, test_identity_tag_memo);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
