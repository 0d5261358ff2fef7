/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/workq: jobs done by a fixed set of threads, first come first
 * served.  A job embeds a struct workq_item; the function given at start
 * gets it back.  Stopping does every job queued, then joins the threads;
 * nothing may be pushed after workq_stop.
 */
#ifndef ESOL_SERVER_WORKQ_H
#define ESOL_SERVER_WORKQ_H

#include <stddef.h>

struct workq_item {
	struct workq_item *next;
};

typedef void (*workq_fn)(void *arg, struct workq_item *job);

struct workq;

int workq_start(unsigned int threads, workq_fn fn, void *arg, struct workq **out);
void workq_push(struct workq *q, struct workq_item *job);
void workq_stop(struct workq *q);

#endif /* ESOL_SERVER_WORKQ_H */
