// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/policy: decide the actions of a poll reply (see policy.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "server/cycle.h"
#include "server/policy.h"

int policy_new_request_id(const char *cycle, char id[PROTO_ID_MAX + 1])
{
	uint64_t rnd;

	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -errno ? -errno : -EIO;
	snprintf(id, PROTO_ID_MAX + 1, "rq-%.7s-%016" PRIx64, cycle, rnd);
	return 0;
}

int policy_poll(struct ledger *l, const struct ledger_defaults *def,
		const struct proto_poll_req *req, int64_t now,
		struct proto_poll_reply *reply)
{
	struct ledger_policy pol;
	char cycle[CYCLE_LABEL_LEN + 1], candidate[PROTO_ID_MAX + 1];
	const char *dev = req->device.device_id;
	int r, n;

	memset(reply, 0, sizeof(*reply));
	reply->server_time = now;
	/* one transaction: the decision and what it rests on are consistent */
	r = ledger_begin(l);
	if (r)
		return r;
	r = ledger_poll(l, req, now, def, &pol);
	if (r)
		goto bad;
	r = cycle_of(now, pol.cycle_day, cycle, NULL, NULL);
	if (r)
		goto bad;
	n = ledger_cycle_reads(l, dev, cycle);
	if (n < 0) {
		r = n;
		goto bad;
	}
	if (n == 0) {
		r = policy_new_request_id(cycle, candidate);
		if (r)
			goto bad;
		r = ledger_request_issue(l, dev, cycle, candidate, now, reply->request_id);
		if (r)
			goto bad;
		reply->read_meters = true;
		memcpy(reply->billing_cycle, cycle, sizeof(reply->billing_cycle));
	}
	reply->has_supplies = true;
	reply->supplies_enabled = pol.supplies_enabled;
	reply->supplies_interval_s = pol.supplies_enabled ? pol.supplies_interval_s : 0;
	return ledger_commit(l);
bad:
	ledger_rollback(l);
	return r;
}
