/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/pgwatch: hears PostgreSQL's announcements of devices whose poll
 * decision changed (LISTEN on LEDGER_DEVICE_CHANNEL; the ledger
 * NOTIFYs it in the transaction that stores a read or changes a
 * policy) and forgets them in the poll cache.  A thread of its own, on
 * a connection of its own; while that connection is down the cache
 * answers nothing, and it is re-established every second.  A connection
 * quiet for 5 s is asked "SELECT 1"; no answer within 2 s and it is
 * taken for lost (a peer gone without a word on a network).
 */
#ifndef ESOL_SERVER_PGWATCH_H
#define ESOL_SERVER_PGWATCH_H

#include <stddef.h>

#include "server/pollcache.h"

struct pgwatch;

/* target: the ledger's PostgreSQL target (see ledger_open). */
int pgwatch_start(const char *target, struct pollcache *pc, struct pgwatch **out, char *err,
		  size_t errlen);
void pgwatch_stop(struct pgwatch *w);

#endif /* ESOL_SERVER_PGWATCH_H */
