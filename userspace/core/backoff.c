// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* backoff: exponential back-off with full jitter and Retry-After; see backoff.h. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/backoff.h"

const struct backoff_params backoff_default_params = {
	.min_ms = 1000,
	.base_ms = 30000,
	.cap_ms = 3600000,
	.retry_after_max_ms = 6 * 3600000ull,
};

/* xorshift64*: plenty for jitter; the state lives in the instance. */
static uint64_t default_rng(void *arg)
{
	uint64_t *s = arg;

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

uint64_t backoff_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void backoff_init(struct backoff *b, const struct backoff_params *p,
		  backoff_rng_fn rng, void *rng_arg)
{
	memset(b, 0, sizeof(*b));
	b->p = p ? *p : backoff_default_params;
	if (b->p.min_ms < 1)
		b->p.min_ms = 1;
	if (b->p.base_ms < b->p.min_ms)
		b->p.base_ms = b->p.min_ms;
	if (b->p.cap_ms < b->p.base_ms)
		b->p.cap_ms = b->p.base_ms;
	if (rng) {
		b->rng = rng;
		b->rng_arg = rng_arg;
		return;
	}
	if (getrandom(&b->rng_state, sizeof(b->rng_state), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(b->rng_state))
		b->rng_state = backoff_now_ms() ^ ((uint64_t)getpid() << 32);
	if (b->rng_state == 0)
		b->rng_state = 0x9e3779b97f4a7c15ull;
	b->rng = default_rng;
	b->rng_arg = &b->rng_state;
}

/* Uniform in [lo, hi] (hi >= lo); modulo bias is irrelevant here. */
static uint64_t uniform(struct backoff *b, uint64_t lo, uint64_t hi)
{
	uint64_t span = hi - lo;

	if (span == UINT64_MAX)
		return b->rng(b->rng_arg);
	return lo + b->rng(b->rng_arg) % (span + 1);
}

uint64_t backoff_fail(struct backoff *b, int64_t retry_after_s)
{
	uint64_t ceiling = b->p.base_ms, delay;
	unsigned int i;

	if (b->failures < UINT32_MAX)
		b->failures++;
	for (i = 1; i < b->failures && ceiling < b->p.cap_ms; i++)
		ceiling = ceiling > b->p.cap_ms / 2 ? b->p.cap_ms : ceiling * 2;
	if (ceiling > b->p.cap_ms)
		ceiling = b->p.cap_ms;
	delay = uniform(b, b->p.min_ms, ceiling);

	if (retry_after_s >= 0) {
		uint64_t ra;

		if ((uint64_t)retry_after_s > b->p.retry_after_max_ms / 1000)
			ra = b->p.retry_after_max_ms;
		else
			ra = (uint64_t)retry_after_s * 1000;
		ra += uniform(b, 0, ra / 10);
		if (ra > delay)
			delay = ra;
	}
	return delay;
}

void backoff_reset(struct backoff *b)
{
	b->failures = 0;
}

unsigned int backoff_failures(const struct backoff *b)
{
	return b->failures;
}
