// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of backoff: exponential ceilings, full jitter over the whole
 * window, the cap, Retry-After honoured and bounded, reset, sanitised
 * parameters, and the default random source.  The random source is
 * injected, so every expectation is exact.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "ckrun.h"
#include "core/backoff.h"

/* Returns the queued values in turn, then repeats the last one. */
struct fake_rng {
	uint64_t v[16];
	unsigned int n, i;
};

static uint64_t fake(void *arg)
{
	struct fake_rng *f = arg;
	uint64_t v = f->v[f->i < f->n ? f->i : f->n - 1];

	if (f->i < f->n)
		f->i++;
	return v;
}

static const struct backoff_params P = {
	.min_ms = 1000, .base_ms = 30000, .cap_ms = 600000, .retry_after_max_ms = 3600000,
};

START_TEST(test_ceilings_double_to_cap)
{
	/* rng = UINT64_MAX - k lands at (span - k % (span+1)): use "max" = span */
	struct backoff b;
	uint64_t want[] = { 30000, 60000, 120000, 240000, 480000, 600000, 600000, 600000 };
	unsigned int i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct fake_rng r = { .n = 1 };
		uint64_t span = want[i] - P.min_ms;
		unsigned int k;

		/* the largest delay: rng % (span+1) == span */
		r.v[0] = span;
		backoff_init(&b, &P, fake, &r);
		for (k = 0; k < i; k++)
			backoff_fail(&b, -1);
		ck_assert_uint_eq(backoff_fail(&b, -1), want[i]);
		ck_assert_uint_eq(backoff_failures(&b), i + 1);
		/* the smallest: rng % (span+1) == 0 */
		r.v[0] = 0;
		r.i = 0;
		ck_assert_uint_eq(backoff_fail(&b, -1), P.min_ms);
	}
}
END_TEST

START_TEST(test_full_jitter_covers_window)
{
	struct backoff b;
	uint64_t lo = UINT64_MAX, hi = 0, sum = 0;
	unsigned int i, buckets[10] = { 0 };

	backoff_init(&b, &P, NULL, NULL);	/* the real generator */
	for (i = 0; i < 10000; i++) {
		uint64_t d;

		backoff_reset(&b);
		d = backoff_fail(&b, -1);	/* window [1000, 30000] */
		ck_assert_uint_ge(d, 1000);
		ck_assert_uint_le(d, 30000);
		lo = d < lo ? d : lo;
		hi = d > hi ? d : hi;
		sum += d;
		buckets[(d - 1000) * 10 / 29001]++;
	}
	/* spread over the whole window, not clustered */
	ck_assert_uint_lt(lo, 2000);
	ck_assert_uint_gt(hi, 29000);
	for (i = 0; i < 10; i++)
		ck_assert_msg(buckets[i] > 700 && buckets[i] < 1300, "bucket %u: %u", i,
			      buckets[i]);
	ck_assert_uint_gt(sum / 10000, 13000);
	ck_assert_uint_lt(sum / 10000, 18000);
}
END_TEST

START_TEST(test_never_overflows)
{
	struct fake_rng r = { .v = { UINT64_MAX }, .n = 1 };
	struct backoff_params p = { 1, 1, 1ull << 62, 1000 };
	struct backoff b;
	unsigned int i;
	uint64_t prev = 0, d = 0;

	backoff_init(&b, &p, fake, &r);
	for (i = 0; i < 200; i++) {
		d = backoff_fail(&b, -1);
		ck_assert_uint_ge(d, prev);	/* ceilings never wrap around */
		ck_assert_uint_le(d, 1ull << 62);
		prev = d;
	}
	/* a million failures: still bounded by the cap */
	b.failures = UINT32_MAX - 1;
	ck_assert_uint_eq(backoff_fail(&b, -1), 1ull << 62);
	ck_assert_uint_eq(backoff_fail(&b, -1), 1ull << 62);
}
END_TEST

START_TEST(test_retry_after_honoured)
{
	struct fake_rng r = { .v = { 0 }, .n = 1 };
	struct backoff b;

	backoff_init(&b, &P, fake, &r);
	/* rng 0: jittered delay = min, Retry-After jitter = 0 */
	ck_assert_uint_eq(backoff_fail(&b, 120), 120000);
	/* Retry-After smaller than the back-off: the back-off wins */
	r.v[0] = 59000;		/* second failure: window [1000, 60000] -> 60000 */
	ck_assert_uint_eq(backoff_fail(&b, 5), 60000);
	/* Retry-After 0: no floor beyond the back-off */
	r.v[0] = 0;
	ck_assert_uint_eq(backoff_fail(&b, 0), 1000);
}
END_TEST

START_TEST(test_retry_after_jitter_and_bound)
{
	struct fake_rng r = { .n = 2 };
	struct backoff b;

	/* first draw: the back-off (0 -> min); second: Retry-After jitter */
	r.v[0] = 0;
	r.v[1] = 6000;		/* up to 10% of 60 s: 0..6000 */
	backoff_init(&b, &P, fake, &r);
	ck_assert_uint_eq(backoff_fail(&b, 60), 66000);
	r.i = 0;
	r.v[1] = 6001;		/* wraps: 6001 % 6001 == 0 */
	ck_assert_uint_eq(backoff_fail(&b, 60), 60000);

	/* a year is bounded to retry_after_max_ms (+ its jitter) */
	r.i = 0;
	r.v[1] = 0;
	ck_assert_uint_eq(backoff_fail(&b, 365LL * 86400), 3600000);
	r.i = 0;
	r.v[1] = 360000;
	ck_assert_uint_eq(backoff_fail(&b, INT64_MAX), 3960000);
}
END_TEST

START_TEST(test_reset)
{
	struct fake_rng r = { .v = { UINT64_MAX }, .n = 1 };
	struct backoff b;
	unsigned int i;

	backoff_init(&b, &P, fake, &r);
	for (i = 0; i < 10; i++)
		backoff_fail(&b, -1);
	ck_assert_uint_eq(backoff_failures(&b), 10);
	backoff_reset(&b);
	ck_assert_uint_eq(backoff_failures(&b), 0);
	/* back to the first window [1000, 30000] */
	ck_assert_uint_le(backoff_fail(&b, -1), 30000);
}
END_TEST

START_TEST(test_params_sanitised)
{
	struct backoff_params p = { 0, 0, 0, 0 };
	struct fake_rng r = { .v = { 12345 }, .n = 1 };
	struct backoff b;

	backoff_init(&b, &p, fake, &r);
	ck_assert_uint_ge(b.p.min_ms, 1);
	ck_assert_uint_ge(b.p.base_ms, b.p.min_ms);
	ck_assert_uint_ge(b.p.cap_ms, b.p.base_ms);
	ck_assert_uint_eq(backoff_fail(&b, -1), 1);
	/* Retry-After bounded to 0 when the bound is 0 */
	ck_assert_uint_eq(backoff_fail(&b, 100), 1);

	backoff_init(&b, NULL, fake, &r);
	ck_assert_uint_eq(b.p.min_ms, backoff_default_params.min_ms);
	ck_assert_uint_eq(b.p.cap_ms, backoff_default_params.cap_ms);
}
END_TEST

START_TEST(test_default_rng_differs_per_instance)
{
	struct backoff a, b;
	unsigned int i, same = 0;

	backoff_init(&a, NULL, NULL, NULL);
	backoff_init(&b, NULL, NULL, NULL);
	for (i = 0; i < 20; i++) {
		backoff_reset(&a);
		backoff_reset(&b);
		if (backoff_fail(&a, -1) == backoff_fail(&b, -1))
			same++;
	}
	ck_assert_uint_lt(same, 5);
}
END_TEST

START_TEST(test_now_is_monotonic)
{
	uint64_t a = backoff_now_ms(), b = backoff_now_ms();

	ck_assert_uint_ge(b, a);
	ck_assert_uint_gt(a, 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("backoff");
	TCase *tc = tcase_create("backoff");

	tcase_add_test(tc, test_ceilings_double_to_cap);
	tcase_add_test(tc, test_full_jitter_covers_window);
	tcase_add_test(tc, test_never_overflows);
	tcase_add_test(tc, test_retry_after_honoured);
	tcase_add_test(tc, test_retry_after_jitter_and_bound);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_params_sanitised);
	tcase_add_test(tc, test_default_rng_differs_per_instance);
	tcase_add_test(tc, test_now_is_monotonic);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(suite());
}
