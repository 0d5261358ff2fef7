// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * KUnit tests of the printeng core logic: monotonic refusal, snapshot
 * encoding, event coalescing, and the update API on a registered device.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "printeng-internal.h"

static void printeng_test_room(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, printeng_room(100, 10, 5));
	KUNIT_EXPECT_TRUE(test, printeng_room(100, 10, 90));	/* exactly fits */
	KUNIT_EXPECT_FALSE(test, printeng_room(100, 10, 91));
	/* A delta that would wrap the share itself is refused too. */
	KUNIT_EXPECT_FALSE(test, printeng_room(100, 10, U64_MAX - 5));
	/* A set lowered the cap below what this CPU already added. */
	KUNIT_EXPECT_FALSE(test, printeng_room(100, 150, 0));
	KUNIT_EXPECT_FALSE(test, printeng_room(100, 150, 1));
	KUNIT_EXPECT_TRUE(test, printeng_room(U64_MAX / 8, 0, U64_MAX / 8));
}

static void printeng_test_check_set(struct kunit *test)
{
	u64 cur[__PRINTENG_METER_COUNT] = { [0] = 100, [3] = 7 };
	u64 val[__PRINTENG_METER_COUNT] = { [0] = 100, [3] = 6 };

	KUNIT_EXPECT_EQ(test, printeng_check_set(cur, BIT_ULL(0), val), 0);
	KUNIT_EXPECT_EQ(test, printeng_check_set(cur, BIT_ULL(3), val),
			-ERANGE);
	/* Meters outside the mask are not looked at. */
	KUNIT_EXPECT_EQ(test, printeng_check_set(cur, BIT_ULL(0) | BIT_ULL(1),
						 val), 0);
	val[0] = 99;
	KUNIT_EXPECT_EQ(test, printeng_check_set(cur, BIT_ULL(0), val),
			-ERANGE);
}

static void printeng_test_supply_event(struct kunit *test)
{
	struct printeng_supply s = { .state = PRINTENG_STATE_OK, .level = 50 };

	KUNIT_EXPECT_FALSE(test, printeng_supply_needs_event(PRINTENG_STATE_OK,
							     0, &s));
	s.level = 11;	/* a level change inside the band: no event */
	KUNIT_EXPECT_FALSE(test, printeng_supply_needs_event(PRINTENG_STATE_OK,
							     0, &s));
	s.state = PRINTENG_STATE_LOW;
	KUNIT_EXPECT_TRUE(test, printeng_supply_needs_event(PRINTENG_STATE_OK,
							    0, &s));
	s.state = PRINTENG_STATE_OK;
	s.replaced = 1;	/* replaced while ok: still an event */
	KUNIT_EXPECT_TRUE(test, printeng_supply_needs_event(PRINTENG_STATE_OK,
							    0, &s));
}

static void printeng_test_meters_delay(struct kunit *test)
{
	const u64 ms = NSEC_PER_MSEC;

	KUNIT_EXPECT_EQ(test, printeng_meters_event_delay(5000 * ms, 0,
							  1000 * ms), 0);
	KUNIT_EXPECT_EQ(test, printeng_meters_event_delay(5300 * ms, 5000 * ms,
							  1000 * ms), 700 * ms);
	KUNIT_EXPECT_EQ(test, printeng_meters_event_delay(6000 * ms, 5000 * ms,
							  1000 * ms), 0);
	/* A clock that seems to go back never delays forever. */
	KUNIT_EXPECT_EQ(test, printeng_meters_event_delay(4000 * ms, 5000 * ms,
							  1000 * ms), 0);
}

static const struct printeng_supply_desc test_supplies[] = {
	{ PRINTENG_SUPPLY_TONER, PRINTENG_UNIT_PERCENT, "black", "Black toner",
	  100, 80, PRINTENG_STATE_OK },
	{ PRINTENG_SUPPLY_FUSER, PRINTENG_UNIT_IMPRESSIONS, NULL, "Fuser",
	  PRINTENG_LEVEL_UNKNOWN, PRINTENG_LEVEL_SOME_REMAINING,
	  PRINTENG_STATE_OK },
};

static struct printeng_device *test_register(struct kunit *test,
					     const u64 *initial)
{
	struct printeng_desc desc = {
		.serial = "KUNIT0001",
		.model = "KUnit engine",
		.meter_mask = BIT_ULL(PRINTENG_METER_IMPRESSIONS_TOTAL) |
			      BIT_ULL(PRINTENG_METER_IMPRESSIONS_MONO) |
			      BIT_ULL(PRINTENG_METER_SHEETS_TOTAL),
		.initial = initial,
		.supplies = test_supplies,
		.num_supplies = ARRAY_SIZE(test_supplies),
	};
	struct printeng_device *pe = printeng_register(NULL, &desc);

	KUNIT_ASSERT_FALSE(test, IS_ERR(pe));
	return pe;
}

static void printeng_test_snapshot_encoding(struct kunit *test)
{
	u64 initial[__PRINTENG_METER_COUNT] = { [0] = 1000, [1] = 900,
						[2] = 12345, [5] = 500 };
	struct printeng_snapshot *snap;
	struct printeng_values *v;
	struct printeng_device *pe;
	const u8 *tail;
	size_t i;

	snap = kunit_kzalloc(test, sizeof(*snap), GFP_KERNEL);
	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);
	KUNIT_ASSERT_NOT_NULL(test, v);

	pe = test_register(test, initial);
	printeng_read_values(pe, v);
	printeng_fill_snapshot(pe, v, snap);

	KUNIT_EXPECT_EQ(test, snap->size, (u32)sizeof(*snap));
	KUNIT_EXPECT_EQ(test, snap->num_supplies, 2U);
	KUNIT_EXPECT_EQ(test, snap->generation, 1ULL);
	KUNIT_EXPECT_EQ(test, snap->meters[0], 1000ULL);
	KUNIT_EXPECT_EQ(test, snap->meters[1], 900ULL);
	/* Meter 2 is not on the device: its starting value is ignored. */
	KUNIT_EXPECT_EQ(test, snap->meters[2], 0ULL);
	KUNIT_EXPECT_EQ(test, snap->meters[5], 500ULL);
	KUNIT_EXPECT_STREQ(test, snap->supplies[0].colorant, "black");
	KUNIT_EXPECT_EQ(test, snap->supplies[1].level,
			(s32)PRINTENG_LEVEL_SOME_REMAINING);
	KUNIT_EXPECT_STREQ(test, snap->supplies[1].colorant, "");

	/* Unused supply entries stay zero: nothing leaks to userspace. */
	tail = (const u8 *)&snap->supplies[2];
	for (i = 0; i < sizeof(snap->supplies[0]) * (PRINTENG_SUPPLIES_MAX - 2);
	     i++)
		KUNIT_EXPECT_EQ(test, tail[i], 0);

	printeng_unregister(pe);
}

static void printeng_test_update_api(struct kunit *test)
{
	u64 delta[__PRINTENG_METER_COUNT] = {};
	u64 set[__PRINTENG_METER_COUNT] = {};
	u64 initial[__PRINTENG_METER_COUNT] = { [0] = U64_MAX - 1000 };
	struct printeng_values *v;
	struct printeng_device *pe;
	u64 sheets, color;

	v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, v);
	pe = test_register(test, initial);

	delta[PRINTENG_METER_IMPRESSIONS_TOTAL] = 2;
	delta[PRINTENG_METER_IMPRESSIONS_MONO] = 2;
	delta[PRINTENG_METER_SHEETS_TOTAL] = 1;
	KUNIT_EXPECT_EQ(test, printeng_meters_add(pe, delta), 0);
	printeng_read_values(pe, v);
	KUNIT_EXPECT_EQ(test, v->meters[0], U64_MAX - 998);
	KUNIT_EXPECT_EQ(test, v->generation, 2ULL);

	/*
	 * Wrapping is refused whole: mono must not move either.  (Near the
	 * top of the range each CPU may add only its share of what is left.)
	 */
	delta[PRINTENG_METER_IMPRESSIONS_TOTAL] = 999;
	KUNIT_EXPECT_EQ(test, printeng_meters_add(pe, delta), -EOVERFLOW);
	KUNIT_EXPECT_EQ(test, printeng_meter_add(pe, 0, 999), -EOVERFLOW);
	printeng_read_values(pe, v);
	KUNIT_EXPECT_EQ(test, v->meters[1], 2ULL);
	KUNIT_EXPECT_EQ(test, v->generation, 2ULL);
	KUNIT_EXPECT_EQ(test, pe->refused, 2ULL);

	/* The inline single-meter add: counted once, published once. */
	KUNIT_EXPECT_EQ(test, printeng_meter_add(pe,
						 PRINTENG_METER_IMPRESSIONS_MONO,
						 3), 0);
	printeng_read_values(pe, v);
	KUNIT_EXPECT_EQ(test, v->meters[1], 5ULL);
	KUNIT_EXPECT_EQ(test, v->generation, 3ULL);
	printeng_read_values(pe, v);
	KUNIT_EXPECT_EQ(test, v->generation, 3ULL);
	KUNIT_EXPECT_EQ(test, printeng_changes(pe), v->changes);

	/* Absolute values may not go back. */
	sheets = BIT_ULL(PRINTENG_METER_SHEETS_TOTAL);
	color = BIT_ULL(PRINTENG_METER_IMPRESSIONS_COLOR);
	set[PRINTENG_METER_SHEETS_TOTAL] = 0;
	KUNIT_EXPECT_EQ(test, printeng_meters_set(pe, sheets, set), -ERANGE);
	set[PRINTENG_METER_SHEETS_TOTAL] = 40;
	KUNIT_EXPECT_EQ(test, printeng_meters_set(pe, sheets, set), 0);
	/* ...nor touch a meter the device lacks. */
	KUNIT_EXPECT_EQ(test, printeng_meters_set(pe, color, set), -EINVAL);
	KUNIT_EXPECT_EQ(test, printeng_meter_add(pe, 2, 1), -EINVAL);
	memset(delta, 0, sizeof(delta));
	delta[PRINTENG_METER_IMPRESSIONS_COLOR] = 1;
	KUNIT_EXPECT_EQ(test, printeng_meters_add(pe, delta), -EINVAL);
	KUNIT_EXPECT_EQ(test, printeng_meter_add(pe, 64, 1), -EINVAL);

	/* Supplies: bounds, specials, state. */
	KUNIT_EXPECT_EQ(test, printeng_supply_set(pe, 2, 10, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, printeng_supply_set(pe, 0, 101, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, printeng_supply_set(pe, 0, -4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, printeng_supply_set(pe, 0, 5, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, printeng_supply_set(pe, 0, 5,
						  PRINTENG_STATE_LOW), 0);
	KUNIT_EXPECT_EQ(test, printeng_supply_replaced(pe, 0, 100), 0);
	printeng_read_values(pe, v);
	KUNIT_EXPECT_EQ(test, v->supplies[0].state, (u32)PRINTENG_STATE_OK);
	KUNIT_EXPECT_EQ(test, v->supplies[0].replaced, 1U);
	KUNIT_EXPECT_EQ(test, v->supplies[0].level, 100);

	printeng_unregister(pe);
}

static void printeng_test_bad_desc(struct kunit *test)
{
	struct printeng_supply_desc bad = test_supplies[0];
	struct printeng_desc desc = {
		.serial = "KUNIT0002",
		.meter_mask = BIT_ULL(0),
		.supplies = &bad,
		.num_supplies = 1,
	};

	bad.level = 101;
	KUNIT_EXPECT_EQ(test, PTR_ERR(printeng_register(NULL, &desc)),
			-EINVAL);
	bad.level = 50;
	desc.meter_mask = BIT_ULL(40);
	KUNIT_EXPECT_EQ(test, PTR_ERR(printeng_register(NULL, &desc)),
			-EINVAL);
	desc.meter_mask = BIT_ULL(0);
	desc.serial = "";
	KUNIT_EXPECT_EQ(test, PTR_ERR(printeng_register(NULL, &desc)),
			-EINVAL);
	desc.serial = "KUNIT0002";
	desc.num_supplies = PRINTENG_SUPPLIES_MAX + 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(printeng_register(NULL, &desc)),
			-EINVAL);
}

static struct kunit_case printeng_test_cases[] = {
	KUNIT_CASE(printeng_test_room),
	KUNIT_CASE(printeng_test_check_set),
	KUNIT_CASE(printeng_test_supply_event),
	KUNIT_CASE(printeng_test_meters_delay),
	KUNIT_CASE(printeng_test_snapshot_encoding),
	KUNIT_CASE(printeng_test_update_api),
	KUNIT_CASE(printeng_test_bad_desc),
	{}
};

static struct kunit_suite printeng_test_suite = {
	.name = "printeng",
	.test_cases = printeng_test_cases,
};

kunit_test_suite(printeng_test_suite);

MODULE_DESCRIPTION("KUnit tests for printeng");
MODULE_LICENSE("GPL");
MODULE_VERSION(PRINTENG_VERSION);
MODULE_IMPORT_NS(PRINTENG_NS);
MODULE_IMPORT_NS(PRINTENG_KUNIT);
