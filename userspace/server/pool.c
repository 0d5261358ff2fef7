// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/pool: a fixed set of ledger connections behind a mutex and a
 * condition variable (see pool.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "server/db.h"
#include "server/pool.h"

struct ledger_pool {
	pthread_mutex_t lock;	/* protects nfree and free_list */
	pthread_cond_t freed;
	unsigned int n, nfree;
	struct ledger **all;
	struct ledger **free_list;
};

int pool_open(const char *target, unsigned int n, struct ledger_pool **out,
	      char *err, size_t errlen)
{
	struct ledger_pool *p = calloc(1, sizeof(*p));
	int r = 0;

	*out = NULL;
	if (db_kind_of(target) == DB_SQLITE || n == 0)
		n = 1;
	if (!p || !(p->all = calloc(n, sizeof(*p->all))) ||
	    !(p->free_list = calloc(n, sizeof(*p->free_list)))) {
		snprintf(err, errlen, "out of memory");
		r = -ENOMEM;
		goto bad;
	}
	for (p->n = 0; p->n < n; p->n++) {
		r = ledger_open(target, &p->all[p->n], err, errlen);
		if (r)
			goto bad;
		p->free_list[p->n] = p->all[p->n];
	}
	p->nfree = n;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	*out = p;
	return 0;
bad:
	if (p) {
		for (unsigned int i = 0; i < p->n; i++)
			ledger_close(p->all[i]);
		free(p->all);
		free(p->free_list);
		free(p);
	}
	return r;
}

struct ledger *pool_take(struct ledger_pool *p)
{
	struct ledger *l;

	pthread_mutex_lock(&p->lock);
	while (p->nfree == 0)
		pthread_cond_wait(&p->freed, &p->lock);
	l = p->free_list[--p->nfree];
	pthread_mutex_unlock(&p->lock);
	return l;
}

void pool_give(struct ledger_pool *p, struct ledger *l)
{
	pthread_mutex_lock(&p->lock);
	p->free_list[p->nfree++] = l;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

unsigned int pool_size(const struct ledger_pool *p)
{
	return p->n;
}

void pool_close(struct ledger_pool *p)
{
	if (!p)
		return;
	for (unsigned int i = 0; i < p->n; i++)
		ledger_close(p->all[i]);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p->all);
	free(p->free_list);
	free(p);
}
