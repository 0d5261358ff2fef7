// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/workq: a job queue and its threads (see workq.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "server/workq.h"

struct workq {
	pthread_mutex_t lock;		/* protects head, tail, stopping */
	pthread_cond_t wake;
	struct workq_item *head, *tail;
	bool stopping;
	workq_fn fn;
	void *arg;
	unsigned int n;
	pthread_t threads[];
};

static void *worker(void *p)
{
	struct workq *q = p;
	struct workq_item *job;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (!q->head && !q->stopping)
			pthread_cond_wait(&q->wake, &q->lock);
		job = q->head;
		if (job) {
			q->head = job->next;
			if (!q->head)
				q->tail = NULL;
		}
		pthread_mutex_unlock(&q->lock);
		if (!job)
			return NULL;	/* stopping, and nothing left */
		q->fn(q->arg, job);
	}
}

int workq_start(unsigned int threads, workq_fn fn, void *arg, struct workq **out)
{
	struct workq *q = calloc(1, sizeof(*q) + threads * sizeof(pthread_t));
	int r = 0;

	*out = NULL;
	if (!q || !threads) {
		free(q);
		return q ? -EINVAL : -ENOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->wake, NULL);
	q->fn = fn;
	q->arg = arg;
	for (; q->n < threads; q->n++) {
		r = -pthread_create(&q->threads[q->n], NULL, worker, q);
		if (r)
			break;
	}
	if (r) {
		workq_stop(q);
		return r;
	}
	*out = q;
	return 0;
}

void workq_push(struct workq *q, struct workq_item *job)
{
	job->next = NULL;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = job;
	else
		q->head = job;
	q->tail = job;
	pthread_cond_signal(&q->wake);
	pthread_mutex_unlock(&q->lock);
}

void workq_stop(struct workq *q)
{
	if (!q)
		return;
	pthread_mutex_lock(&q->lock);
	q->stopping = true;
	pthread_cond_broadcast(&q->wake);
	pthread_mutex_unlock(&q->lock);
	for (unsigned int i = 0; i < q->n; i++)
		pthread_join(q->threads[i], NULL);
	pthread_cond_destroy(&q->wake);
	pthread_mutex_destroy(&q->lock);
	free(q);
}
