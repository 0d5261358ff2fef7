// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* ratelimit: failed logins per address and in all; see ratelimit.h. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webui/ratelimit.h"

struct rl_entry {
	char addr[RL_ADDR_MAX + 1];	/* "" unused */
	int64_t start;			/* of the window */
	unsigned int failures;
};

struct ratelimit {
	pthread_mutex_t lock;
	unsigned int max;
	int64_t window_s;
	struct rl_entry all;		/* every address together */
	struct rl_entry e[RL_ADDRS];
};

int ratelimit_new(unsigned int max_failures, int64_t window_s, struct ratelimit **out)
{
	struct ratelimit *rl;

	if (max_failures == 0 || window_s <= 0)
		return -EINVAL;
	rl = calloc(1, sizeof(*rl));
	if (!rl)
		return -ENOMEM;
	pthread_mutex_init(&rl->lock, NULL);
	rl->max = max_failures;
	rl->window_s = window_s;
	*out = rl;
	return 0;
}

void ratelimit_free(struct ratelimit *rl)
{
	if (!rl)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

static void roll(const struct ratelimit *rl, struct rl_entry *e, int64_t now)
{
	if (now - e->start >= rl->window_s) {
		e->start = now;
		e->failures = 0;
	}
}

static int64_t wait_of(const struct ratelimit *rl, const struct rl_entry *e,
		       unsigned int max, int64_t now)
{
	if (e->failures < max)
		return 0;
	return e->start + rl->window_s - now;
}

static struct rl_entry *lookup(struct ratelimit *rl, const char *addr)
{
	size_t i;

	for (i = 0; i < RL_ADDRS; i++)
		if (rl->e[i].addr[0] && strncmp(rl->e[i].addr, addr, RL_ADDR_MAX) == 0)
			return &rl->e[i];
	return NULL;
}

int64_t ratelimit_wait(struct ratelimit *rl, const char *addr, int64_t now)
{
	struct rl_entry *e;
	int64_t w = 0, wa;

	pthread_mutex_lock(&rl->lock);
	roll(rl, &rl->all, now);
	e = lookup(rl, addr);
	if (e) {
		roll(rl, e, now);
		w = wait_of(rl, e, rl->max, now);
	}
	wa = wait_of(rl, &rl->all, 4 * rl->max, now);
	pthread_mutex_unlock(&rl->lock);
	return w > wa ? w : wa;
}

void ratelimit_failed(struct ratelimit *rl, const char *addr, int64_t now)
{
	struct rl_entry *e;
	size_t i;

	pthread_mutex_lock(&rl->lock);
	roll(rl, &rl->all, now);
	rl->all.failures++;
	e = lookup(rl, addr);
	if (!e) {
		for (i = 0; i < RL_ADDRS; i++) {
			struct rl_entry *c = &rl->e[i];

			if (!c->addr[0]) {
				e = c;
				break;
			}
			if (!e || c->start < e->start)
				e = c;	/* the oldest window */
		}
		snprintf(e->addr, sizeof(e->addr), "%s", addr);
		e->start = now;
		e->failures = 0;
	}
	roll(rl, e, now);
	e->failures++;
	pthread_mutex_unlock(&rl->lock);
}
