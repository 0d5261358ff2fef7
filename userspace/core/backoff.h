/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * backoff: how long to wait before retrying a failed exchange.
 *
 * Exponential back-off with "full jitter": after the n-th consecutive
 * failure (n = 1, 2, ...) the delay is drawn uniformly from
 * [min_ms, ceiling] with ceiling = min(cap_ms, base_ms * 2^(n-1)).  A fleet
 * that failed together (server down) thus retries spread over the whole
 * window instead of in waves.  It never gives up: it keeps retrying at
 * most every cap_ms.
 *
 * A server's Retry-After (503/429, or the protocol's retry_after) is
 * honoured: the delay is then at least that long, bounded by
 * retry_after_max_ms (a broken or hostile server cannot park the device
 * for a year), plus a jitter of up to 10% of it so the fleet does not come
 * back in the same second.  backoff_reset() after a success.
 *
 * Delays are durations: arm them on CLOCK_BOOTTIME (or CLOCK_MONOTONIC),
 * never on the wall clock, so an NTP step does not shorten or stretch
 * them.  backoff_now_ms() reads CLOCK_BOOTTIME for callers that keep
 * deadlines.  The random source is injected (tests); by default a
 * per-instance xorshift generator seeded from getrandom().
 */
#ifndef ESOL_CORE_BACKOFF_H
#define ESOL_CORE_BACKOFF_H

#include <stdint.h>

/* A random 64-bit number. */
typedef uint64_t (*backoff_rng_fn)(void *arg);

struct backoff_params {
	uint64_t min_ms;		/* floor of a delay (e.g. 1000) */
	uint64_t base_ms;		/* ceiling after the first failure (e.g. 30000) */
	uint64_t cap_ms;		/* largest ceiling (e.g. 3600000) */
	uint64_t retry_after_max_ms;	/* bound on a server's Retry-After (e.g. 6 h) */
};

struct backoff {
	struct backoff_params p;
	unsigned int failures;		/* consecutive failures so far */
	backoff_rng_fn rng;
	void *rng_arg;
	uint64_t rng_state;		/* default generator's state */
};

/* esold's defaults: 1 s floor, 30 s first ceiling, 1 h cap, 6 h Retry-After bound. */
extern const struct backoff_params backoff_default_params;

/*
 * Set up b (failures = 0).  p NULL: the defaults; values are sanitised
 * (min <= base <= cap, all >= 1).  rng NULL: the built-in generator.
 */
void backoff_init(struct backoff *b, const struct backoff_params *p,
		  backoff_rng_fn rng, void *rng_arg);

/*
 * Record one more failure and return the delay in ms before the next try.
 * retry_after_s: the server's Retry-After in seconds, or < 0 if none.
 */
uint64_t backoff_fail(struct backoff *b, int64_t retry_after_s);

/* A success: the next failure starts again from base_ms. */
void backoff_reset(struct backoff *b);

/* Consecutive failures so far (for status). */
unsigned int backoff_failures(const struct backoff *b);

/* CLOCK_BOOTTIME in ms (monotonic, counts suspend). */
uint64_t backoff_now_ms(void);

#endif /* ESOL_CORE_BACKOFF_H */
