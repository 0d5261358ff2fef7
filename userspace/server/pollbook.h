/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/pollbook: the bookkeeping of polls that changed nothing that
 * bills, written behind.  Most polls only find that the device's cycle
 * has its read (or its request) already: the decision needs no write, and
 * what is left to record (the device's last poll, its reported state,
 * the poll count, the request sent again; a new identity or configuration
 * is written at once, see policy_decide) is
 * kept here per device and written every flush_ms in one transaction by
 * a thread of its own.  A crash loses at most flush_ms of that
 * bookkeeping, never a read, a report or a request: those are written
 * before the reply, as before.
 */
#ifndef ESOL_SERVER_POLLBOOK_H
#define ESOL_SERVER_POLLBOOK_H

#include <stddef.h>
#include <stdint.h>

#include "server/ledger.h"
#include "server/pool.h"

struct pollbook;

int pollbook_start(struct ledger_pool *pool, unsigned int flush_ms, struct pollbook **out,
		   char *err, size_t errlen);
/* Book a poll at now; cycle non-NULL: the cycle's request was sent again. */
int pollbook_add(struct pollbook *pb, const struct proto_poll_req *req, int64_t now,
		 const char *cycle);
/* Write what is booked now (tests; and the last flush on stop). */
int pollbook_flush(struct pollbook *pb);
/* Stop the thread after a last flush. */
void pollbook_stop(struct pollbook *pb);

#endif /* ESOL_SERVER_POLLBOOK_H */
