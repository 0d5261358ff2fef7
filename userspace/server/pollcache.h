/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/pollcache: the poll decisions of recent devices, kept in the
 * instance, so a poll that changes nothing that bills is answered
 * without asking the database (its bookkeeping still goes to the
 * pollbook).  An entry holds what ledger_poll_peek would say: the
 * device's policy, its cycle, and the cycle's request or that the
 * cycle's read is stored.  Why it stays right:
 *
 *  - within a cycle the request is made once and never changes, and a
 *    stored read is never removed; an entry answers only for the cycle
 *    that now and the entry's billing day give, so a new cycle asks the
 *    database;
 *  - a read stored or a policy changed, by this or any other instance
 *    or the CLI, is announced by the database at commit (PostgreSQL
 *    NOTIFY, server/pgwatch) and forgotten here;
 *  - a decision read before an announcement is put only if no
 *    announcement for its slot came since it was asked for (a token
 *    taken before the database is asked), so a late put never revives a
 *    forgotten decision;
 *  - while the announcements are not heard (no listener yet, its
 *    connection lost) nothing is answered from here, and everything is
 *    forgotten when they are heard again.
 *
 * What an announcement not yet heard can cost: a poll in that instant is
 * sent the cycle's request again, which the protocol makes harmless (a
 * device that holds a read for a request sends that read again; the
 * ledger answers duplicate).
 *
 * Bounded: one entry per slot (slot = hash of the device id); a device
 * whose slot another holds asks the database.  Thread-safe.
 */
#ifndef ESOL_SERVER_POLLCACHE_H
#define ESOL_SERVER_POLLCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/ledger.h"

struct pollcache;

struct pollcache_token {
	uint64_t epoch;
	uint32_t gen;
};

int pollcache_new(size_t slots, struct pollcache **out);
void pollcache_free(struct pollcache *pc);
/* The decision for device_id at server time now, if one is kept and still holds. */
bool pollcache_get(struct pollcache *pc, const char *device_id, int64_t now,
		   struct ledger_poll_decision *out);
/* Before asking the database for device_id's decision. */
struct pollcache_token pollcache_token(struct pollcache *pc, const char *device_id);
/* Keep a decision the database gave, unless an announcement came since tok. */
void pollcache_put(struct pollcache *pc, const char *device_id,
		   const struct ledger_poll_decision *d, struct pollcache_token tok);
/* device_id's decision changed (a read stored, its policy changed). */
void pollcache_forget(struct pollcache *pc, const char *device_id);
/* The announcements are heard (true) or not (false); either way all is forgotten. */
void pollcache_listening(struct pollcache *pc, bool on);

#endif /* ESOL_SERVER_POLLCACHE_H */
