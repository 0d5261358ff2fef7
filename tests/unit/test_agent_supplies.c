// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of the Supplies Assistant's decisions, on a fake clock. */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "agent/supplies.h"

#define T0	INT64_C(1700000000)
#define M0	UINT64_C(5000000)

static const uint8_t all_ok[4] = { PROTO_STATE_OK, PROTO_STATE_OK, PROTO_STATE_OK, PROTO_STATE_OK };

START_TEST(test_off_until_enabled)
{
	struct supplies_asst s;
	enum proto_supplies_trigger tr;
	uint64_t wait;
	uint8_t st[4];

	supplies_init(&s, false, 0, 0);
	ck_assert(!supplies_due(&s, T0, M0, &tr, &wait));
	ck_assert_uint_eq(wait, UINT64_MAX);
	/* events while disabled are noted but trigger nothing */
	ck_assert(!supplies_note_states(&s, all_ok, 4, M0));
	memcpy(st, all_ok, 4);
	st[1] = PROTO_STATE_EMPTY;
	ck_assert(!supplies_note_states(&s, st, 4, M0));
	ck_assert(!supplies_due(&s, T0, M0, &tr, &wait));
	/* "enabled" with interval 0 is not enabled */
	ck_assert(!supplies_apply_server(&s, true, 0));
	ck_assert(!s.enabled);
}
END_TEST

START_TEST(test_enable_interval_disable)
{
	struct supplies_asst s;
	enum proto_supplies_trigger tr;
	uint64_t wait;

	supplies_init(&s, false, 0, 0);
	ck_assert(supplies_apply_server(&s, true, 3600));
	/* first report at once, trigger "enabled" */
	ck_assert(supplies_due(&s, T0, M0, &tr, &wait));
	ck_assert_int_eq(tr, PROTO_TRIGGER_ENABLED);
	supplies_taken(&s, tr, T0, M0);
	ck_assert(!supplies_due(&s, T0, M0, &tr, &wait));
	ck_assert_uint_eq(wait, 3600 * 1000);
	ck_assert(!supplies_due(&s, T0 + 3599, M0, &tr, &wait));
	ck_assert_uint_eq(wait, 1000);
	ck_assert(supplies_due(&s, T0 + 3600, M0, &tr, &wait));
	ck_assert_int_eq(tr, PROTO_TRIGGER_INTERVAL);
	supplies_taken(&s, tr, T0 + 3600, M0);
	/* the same setting again changes nothing and asks for nothing */
	ck_assert(!supplies_apply_server(&s, true, 3600));
	ck_assert(!supplies_due(&s, T0 + 3600, M0, &tr, &wait));
	/* a new interval counts from the last report */
	ck_assert(supplies_apply_server(&s, true, 600));
	ck_assert(!supplies_due(&s, T0 + 3600, M0, &tr, &wait));
	ck_assert_uint_eq(wait, 600 * 1000);
	/* disabled: nothing due, ever */
	ck_assert(supplies_apply_server(&s, false, 600));
	ck_assert_uint_eq(s.interval_s, 0);
	ck_assert(!supplies_due(&s, T0 + 999999, M0, &tr, &wait));
	ck_assert_uint_eq(wait, UINT64_MAX);
}
END_TEST

START_TEST(test_restart_keeps_schedule)
{
	struct supplies_asst s;
	enum proto_supplies_trigger tr;
	uint64_t wait;

	/* restarted 100 s after the last report: due 500 s later, no "enabled" */
	supplies_init(&s, true, 600, T0);
	ck_assert(!supplies_due(&s, T0 + 100, M0, &tr, &wait));
	ck_assert_uint_eq(wait, 500 * 1000);
	/* off for 3 days: one report at once, then the interval again */
	ck_assert(supplies_due(&s, T0 + 3 * 86400, M0, &tr, &wait));
	ck_assert_int_eq(tr, PROTO_TRIGGER_INTERVAL);
	supplies_taken(&s, tr, T0 + 3 * 86400, M0);
	ck_assert(!supplies_due(&s, T0 + 3 * 86400, M0, &tr, &wait));
	ck_assert_uint_eq(wait, 600 * 1000);
}
END_TEST

START_TEST(test_clock_stepped_back)
{
	struct supplies_asst s;
	enum proto_supplies_trigger tr;
	uint64_t wait;

	/* last report a day "in the future": wait one interval, not a day */
	supplies_init(&s, true, 600, T0 + 86400);
	ck_assert(!supplies_due(&s, T0, M0, &tr, &wait));
	ck_assert_uint_eq(wait, 600 * 1000);
}
END_TEST

START_TEST(test_event_low_and_empty)
{
	struct supplies_asst s;
	enum proto_supplies_trigger tr;
	uint64_t wait;
	uint8_t st[4];

	supplies_init(&s, true, 3600, T0);
	memcpy(st, all_ok, 4);
	/* first snapshot only records */
	st[2] = PROTO_STATE_LOW;
	ck_assert(!supplies_note_states(&s, st, 4, M0));
	/* unchanged: nothing */
	ck_assert(!supplies_note_states(&s, st, 4, M0 + 10));
	/* black turns low: an event report after the coalescing window */
	st[0] = PROTO_STATE_LOW;
	ck_assert(supplies_note_states(&s, st, 4, M0 + 100));
	ck_assert(!supplies_due(&s, T0 + 10, M0 + 100, &tr, &wait));
	ck_assert_uint_eq(wait, SUPPLIES_COALESCE_MS);
	/* a second change within the window is coalesced into the same one */
	st[1] = PROTO_STATE_EMPTY;
	ck_assert(supplies_note_states(&s, st, 4, M0 + 600));
	ck_assert(!supplies_due(&s, T0 + 10, M0 + 600, &tr, &wait));
	ck_assert_uint_eq(wait, SUPPLIES_COALESCE_MS - 500);
	ck_assert(supplies_due(&s, T0 + 11, M0 + 100 + SUPPLIES_COALESCE_MS, &tr, &wait));
	ck_assert_int_eq(tr, PROTO_TRIGGER_EVENT);
	supplies_taken(&s, tr, T0 + 11, M0 + 1100);
	/* the interval restarts from this report */
	ck_assert(!supplies_due(&s, T0 + 11, M0 + 1100, &tr, &wait));
	ck_assert_uint_eq(wait, 3600 * 1000);
	/* low -> empty soon after: rate-limited to one per gap */
	st[0] = PROTO_STATE_EMPTY;
	ck_assert(supplies_note_states(&s, st, 4, M0 + 2000));
	ck_assert(!supplies_due(&s, T0 + 12, M0 + 2000, &tr, &wait));
	ck_assert_uint_eq(wait, 1100 + SUPPLIES_EVENT_GAP_MS - 2000);
	ck_assert(supplies_due(&s, T0 + 70, M0 + 1100 + SUPPLIES_EVENT_GAP_MS, &tr, &wait));
	ck_assert_int_eq(tr, PROTO_TRIGGER_EVENT);
}
END_TEST

START_TEST(test_event_not_on_better_or_missing)
{
	struct supplies_asst s;
	uint8_t st[4];

	supplies_init(&s, true, 3600, T0);
	memcpy(st, all_ok, 4);
	st[0] = PROTO_STATE_EMPTY;
	ck_assert(!supplies_note_states(&s, st, 4, M0));
	/* replaced: empty -> ok is no event; empty -> low neither */
	st[0] = PROTO_STATE_LOW;
	ck_assert(!supplies_note_states(&s, st, 4, M0));
	st[0] = PROTO_STATE_OK;
	ck_assert(!supplies_note_states(&s, st, 4, M0));
	/* removed (missing) is no event, and missing -> ok neither */
	st[1] = PROTO_STATE_MISSING;
	ck_assert(!supplies_note_states(&s, st, 4, M0));
	st[1] = PROTO_STATE_OK;
	ck_assert(!supplies_note_states(&s, st, 4, M0));
	/* missing -> low is */
	st[1] = PROTO_STATE_MISSING;
	ck_assert(!supplies_note_states(&s, st, 4, M0));
	st[1] = PROTO_STATE_LOW;
	ck_assert(supplies_note_states(&s, st, 4, M0));
	/* a supply that appears already low counts */
	supplies_init(&s, true, 3600, T0);
	ck_assert(!supplies_note_states(&s, all_ok, 2, M0));
	memcpy(st, all_ok, 4);
	st[3] = PROTO_STATE_LOW;
	ck_assert(supplies_note_states(&s, st, 4, M0));
}
END_TEST

START_TEST(test_disable_drops_pending_event)
{
	struct supplies_asst s;
	enum proto_supplies_trigger tr;
	uint64_t wait;
	uint8_t st[4];

	supplies_init(&s, true, 3600, T0);
	ck_assert(!supplies_note_states(&s, all_ok, 4, M0));
	memcpy(st, all_ok, 4);
	st[0] = PROTO_STATE_LOW;
	ck_assert(supplies_note_states(&s, st, 4, M0));
	ck_assert(supplies_apply_server(&s, false, 0));
	ck_assert(!supplies_due(&s, T0, M0 + 100000, &tr, &wait));
	ck_assert_uint_eq(wait, UINT64_MAX);
	/* re-enabled: an "enabled" report first */
	ck_assert(supplies_apply_server(&s, true, 300));
	ck_assert(supplies_due(&s, T0, M0 + 100000, &tr, &wait));
	ck_assert_int_eq(tr, PROTO_TRIGGER_ENABLED);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("agent_supplies");
	TCase *tc = tcase_create("decisions");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_off_until_enabled);
	tcase_add_test(tc, test_enable_interval_disable);
	tcase_add_test(tc, test_restart_keeps_schedule);
	tcase_add_test(tc, test_clock_stepped_back);
	tcase_add_test(tc, test_event_low_and_empty);
	tcase_add_test(tc, test_event_not_on_better_or_missing);
	tcase_add_test(tc, test_disable_drops_pending_event);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
