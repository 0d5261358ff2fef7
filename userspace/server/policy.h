/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/policy: what the server answers to a poll.  Records the poll in
 * the ledger, then decides the actions: read_meters when the device's
 * billing cycle has no read yet (issuing a request_id once per cycle and
 * re-sending the same one on every later poll until a read for the cycle
 * arrives), and the device's Supplies Assistant policy.
 */
#ifndef ESOL_SERVER_POLICY_H
#define ESOL_SERVER_POLICY_H

#include <stdint.h>

#include "proto/proto.h"
#include "server/ledger.h"
#include "server/pollbook.h"

/*
 * Returns 0 and fills *reply, or a negative errno from the ledger.  With
 * a pollbook, a poll that needs no request made is decided without
 * writing and its bookkeeping is written behind; book NULL: every poll
 * is written before the reply.  An identity or configuration that is
 * not the one on file is written before the reply too.  A brief poll
 * (req->identity_tag) whose tag is not that of the identity on file, or
 * of a device with none: -ESTALE, nothing written (409 identity_unknown).
 */
int policy_poll(struct ledger *l, const struct ledger_defaults *def,
		const struct proto_poll_req *req, int64_t now, struct pollbook *book,
		struct proto_poll_reply *reply);
/* The same in two steps: the decision (recorded as policy_poll says) ... */
int policy_decide(struct ledger *l, const struct ledger_defaults *def,
		  const struct proto_poll_req *req, int64_t now, struct pollbook *book,
		  struct ledger_poll_decision *d);
/*
 * ... and the reply it makes to req (also for a decision kept by
 * server/pollcache).  The supplies action is left out when req's state
 * already is the policy (absent: no change, docs/protocol.md): most polls.
 */
void policy_reply(const struct ledger_poll_decision *d, const struct proto_poll_req *req,
		  int64_t now, struct proto_poll_reply *reply);

/* A fresh request id for a cycle: "rq-YYYY-MM-<16 hex>". */
int policy_new_request_id(const char *cycle, char id[PROTO_ID_MAX + 1]);

#endif /* ESOL_SERVER_POLICY_H */
