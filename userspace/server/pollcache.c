// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/pollcache: poll decisions kept in the instance (see pollcache.h).
 * A direct-mapped table under one mutex; each slot has a generation,
 * bumped by every announcement that falls in it, and the table an
 * epoch, bumped whenever listening starts or stops.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "server/cycle.h"
#include "server/pollcache.h"

struct slot {
	char device_id[PROTO_DEVICE_ID_MAX + 1];	/* "": empty */
	uint32_t gen;
	struct ledger_poll_decision d;
};

struct pollcache {
	pthread_mutex_t lock;		/* protects everything below */
	struct slot *slots;
	size_t n;
	bool listening;
	uint64_t epoch;
};

/* FNV-1a */
static size_t slot_of(const struct pollcache *pc, const char *id)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 0x100000001b3ull;
	return (size_t)(h % pc->n);
}

int pollcache_new(size_t slots, struct pollcache **out)
{
	struct pollcache *pc = calloc(1, sizeof(*pc));

	*out = NULL;
	if (!pc || !slots)
		goto bad;
	pc->slots = calloc(slots, sizeof(*pc->slots));
	if (!pc->slots)
		goto bad;
	pc->n = slots;
	pthread_mutex_init(&pc->lock, NULL);
	*out = pc;
	return 0;
bad:
	free(pc);
	return slots ? -ENOMEM : -EINVAL;
}

void pollcache_free(struct pollcache *pc)
{
	if (!pc)
		return;
	pthread_mutex_destroy(&pc->lock);
	free(pc->slots);
	free(pc);
}

bool pollcache_get(struct pollcache *pc, const char *device_id, int64_t now,
		   struct ledger_poll_decision *out)
{
	char cycle[CYCLE_LABEL_LEN + 1];
	const struct slot *s;
	bool hit = false;

	pthread_mutex_lock(&pc->lock);
	s = &pc->slots[slot_of(pc, device_id)];
	if (pc->listening && s->device_id[0] && strcmp(s->device_id, device_id) == 0 &&
	    cycle_of(now, s->d.policy.cycle_day, cycle, NULL, NULL) == 0 &&
	    strcmp(cycle, s->d.cycle) == 0) {
		*out = s->d;
		hit = true;
	}
	pthread_mutex_unlock(&pc->lock);
	return hit;
}

struct pollcache_token pollcache_token(struct pollcache *pc, const char *device_id)
{
	struct pollcache_token t;

	pthread_mutex_lock(&pc->lock);
	t.epoch = pc->listening ? pc->epoch : 0;
	t.gen = pc->slots[slot_of(pc, device_id)].gen;
	pthread_mutex_unlock(&pc->lock);
	return t;
}

void pollcache_put(struct pollcache *pc, const char *device_id,
		   const struct ledger_poll_decision *d, struct pollcache_token tok)
{
	struct slot *s;

	if (strlen(device_id) > PROTO_DEVICE_ID_MAX)
		return;
	pthread_mutex_lock(&pc->lock);
	s = &pc->slots[slot_of(pc, device_id)];
	/* epoch 0 is never a listening epoch: a token taken while deaf puts nothing */
	if (pc->listening && tok.epoch == pc->epoch && tok.gen == s->gen) {
		strcpy(s->device_id, device_id);
		s->d = *d;
	}
	pthread_mutex_unlock(&pc->lock);
}

void pollcache_forget(struct pollcache *pc, const char *device_id)
{
	struct slot *s;

	pthread_mutex_lock(&pc->lock);
	s = &pc->slots[slot_of(pc, device_id)];
	s->gen++;
	if (strcmp(s->device_id, device_id) == 0)
		s->device_id[0] = '\0';
	pthread_mutex_unlock(&pc->lock);
}

void pollcache_listening(struct pollcache *pc, bool on)
{
	pthread_mutex_lock(&pc->lock);
	pc->listening = on;
	pc->epoch++;
	for (size_t i = 0; i < pc->n; i++)
		pc->slots[i].device_id[0] = '\0';
	pthread_mutex_unlock(&pc->lock);
}
