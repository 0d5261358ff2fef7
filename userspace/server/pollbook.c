// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/pollbook: polls booked in memory, per device, and written behind
 * (see pollbook.h).  An open-addressing table keyed by device id holds
 * the pending bookings; a flush swaps in an empty table under the lock
 * and writes the full one outside it, so workers never wait for the
 * database here.  A flush that fails is logged and dropped: it is
 * bookkeeping, and the next poll books again.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "server/pollbook.h"

#define MIN_SLOTS 1024

/* FNV-1a */
static uint64_t string_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

struct table {
	struct ledger_poll_book *slots;	/* req.device.device_id[0] == 0: free */
	size_t nslots, used;
};

struct pollbook {
	struct ledger_pool *pool;
	unsigned int flush_ms;
	pthread_t thread;
	pthread_mutex_t lock;		/* protects pending, stopping */
	pthread_cond_t wake;
	struct table pending;
	bool stopping;
	pthread_mutex_t flush_lock;	/* one flush at a time */
};

static int table_init(struct table *t, size_t n)
{
	t->slots = calloc(n, sizeof(*t->slots));
	t->nslots = t->slots ? n : 0;
	t->used = 0;
	return t->slots ? 0 : -ENOMEM;
}

static struct ledger_poll_book *slot(struct table *t, const char *id)
{
	size_t i = (size_t)(string_hash(id) % t->nslots);

	while (t->slots[i].req.device.device_id[0] &&
	       strcmp(t->slots[i].req.device.device_id, id) != 0)
		i = (i + 1) % t->nslots;
	return &t->slots[i];
}

static int table_grow(struct table *t)
{
	struct table n;

	if (table_init(&n, t->nslots * 2))
		return -ENOMEM;
	for (size_t i = 0; i < t->nslots; i++)
		if (t->slots[i].req.device.device_id[0]) {
			*slot(&n, t->slots[i].req.device.device_id) = t->slots[i];
			n.used++;
		}
	free(t->slots);
	*t = n;
	return 0;
}

int pollbook_add(struct pollbook *pb, const struct proto_poll_req *req, int64_t now,
		 const char *cycle)
{
	struct ledger_poll_book *b;
	int r = 0;

	pthread_mutex_lock(&pb->lock);
	if ((pb->pending.used + 1) * 2 > pb->pending.nslots)
		r = table_grow(&pb->pending);
	if (!r) {
		b = slot(&pb->pending, req->device.device_id);
		if (!b->req.device.device_id[0]) {
			pb->pending.used++;
			memset(b, 0, sizeof(*b));
		}
		if (now >= b->last) {
			b->req = *req;
			b->last = now;
		}
		b->polls++;
		if (cycle) {
			if (strcmp(b->cycle, cycle) != 0) {
				snprintf(b->cycle, sizeof(b->cycle), "%s", cycle);
				b->resent = 0;
			}
			b->resent++;
		}
	}
	pthread_mutex_unlock(&pb->lock);
	return r;
}

int pollbook_flush(struct pollbook *pb)
{
	struct table full, empty;
	struct ledger_poll_book *list;
	struct ledger *l;
	size_t n = 0;
	int r;

	pthread_mutex_lock(&pb->flush_lock);
	if (table_init(&empty, MIN_SLOTS)) {
		pthread_mutex_unlock(&pb->flush_lock);
		return -ENOMEM;
	}
	pthread_mutex_lock(&pb->lock);
	full = pb->pending;
	if (full.used == 0) {
		pthread_mutex_unlock(&pb->lock);
		pthread_mutex_unlock(&pb->flush_lock);
		free(empty.slots);
		return 0;
	}
	pb->pending = empty;
	pthread_mutex_unlock(&pb->lock);
	/* pack the used slots at the front */
	list = full.slots;
	for (size_t i = 0; i < full.nslots; i++)
		if (list[i].req.device.device_id[0])
			list[n++] = list[i];
	l = pool_take(pb->pool);
	r = ledger_book_polls(l, list, n);
	if (r)
		log_warn("poll bookkeeping of %zu devices not written: %s", n, ledger_errmsg(l));
	pool_give(pb->pool, l);
	free(full.slots);
	pthread_mutex_unlock(&pb->flush_lock);
	return r;
}

static void *flusher(void *arg)
{
	struct pollbook *pb = arg;
	struct timespec until;

	pthread_mutex_lock(&pb->lock);
	while (!pb->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += (long)(pb->flush_ms % 1000) * 1000000L;
		until.tv_sec += pb->flush_ms / 1000 + until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&pb->wake, &pb->lock, &until);
		if (pb->stopping)
			break;
		pthread_mutex_unlock(&pb->lock);
		pollbook_flush(pb);
		pthread_mutex_lock(&pb->lock);
	}
	pthread_mutex_unlock(&pb->lock);
	return NULL;
}

int pollbook_start(struct ledger_pool *pool, unsigned int flush_ms, struct pollbook **out,
		   char *err, size_t errlen)
{
	struct pollbook *pb = calloc(1, sizeof(*pb));
	pthread_condattr_t ca;
	int r;

	*out = NULL;
	if (!pb || table_init(&pb->pending, MIN_SLOTS)) {
		free(pb);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	pb->pool = pool;
	pb->flush_ms = flush_ms ? flush_ms : 200;
	pthread_mutex_init(&pb->lock, NULL);
	pthread_mutex_init(&pb->flush_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pb->wake, &ca);
	pthread_condattr_destroy(&ca);
	r = -pthread_create(&pb->thread, NULL, flusher, pb);
	if (r) {
		snprintf(err, errlen, "poll bookkeeping thread: %s", strerror(-r));
		pthread_cond_destroy(&pb->wake);
		pthread_mutex_destroy(&pb->lock);
		pthread_mutex_destroy(&pb->flush_lock);
		free(pb->pending.slots);
		free(pb);
		return r;
	}
	*out = pb;
	return 0;
}

void pollbook_stop(struct pollbook *pb)
{
	if (!pb)
		return;
	pthread_mutex_lock(&pb->lock);
	pb->stopping = true;
	pthread_cond_signal(&pb->wake);
	pthread_mutex_unlock(&pb->lock);
	pthread_join(pb->thread, NULL);
	pollbook_flush(pb);
	pthread_cond_destroy(&pb->wake);
	pthread_mutex_destroy(&pb->lock);
	pthread_mutex_destroy(&pb->flush_lock);
	free(pb->pending.slots);
	free(pb);
}
