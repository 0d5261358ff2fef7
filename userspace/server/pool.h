/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/pool: the ledger connections of one esol-server, handed to the
 * HTTP worker threads one request at a time.  SQLite gets one
 * connection (it has one writer anyway; WAL lets the CLI read
 * meanwhile); PostgreSQL one per worker, so no request waits for
 * another's database round trip.
 */
#ifndef ESOL_SERVER_POOL_H
#define ESOL_SERVER_POOL_H

#include <stddef.h>

#include "server/ledger.h"

struct ledger_pool;

/* Open n connections (1 for SQLite, whatever n says). */
int pool_open(const char *target, unsigned int n, struct ledger_pool **out,
	      char *err, size_t errlen);
/* A free connection, waiting for one if all are in use. */
struct ledger *pool_take(struct ledger_pool *p);
void pool_give(struct ledger_pool *p, struct ledger *l);
unsigned int pool_size(const struct ledger_pool *p);
void pool_close(struct ledger_pool *p);

#endif /* ESOL_SERVER_POOL_H */
