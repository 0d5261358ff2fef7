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
	struct ledger_device dev;
	char cycle[CYCLE_LABEL_LEN + 1];
	int r, n;

	memset(reply, 0, sizeof(*reply));
	reply->server_time = now;
	r = ledger_begin(l);
	if (r)
		return r;
	r = ledger_record_poll(l, req, now, def);
	if (r)
		goto bad;
	r = ledger_get_device(l, req->device.device_id, &dev);
	if (r)
		goto bad;
	r = cycle_of(now, dev.cycle_day, cycle, NULL, NULL);
	if (r)
		goto bad;
	n = ledger_cycle_reads(l, dev.id.device_id, cycle);
	if (n < 0) {
		r = n;
		goto bad;
	}
	if (n == 0) {
		r = ledger_request_get(l, dev.id.device_id, cycle, reply->request_id);
		if (r == -ENOENT)
			r = policy_new_request_id(cycle, reply->request_id);
		if (r)
			goto bad;
		r = ledger_request_sent(l, dev.id.device_id, cycle, reply->request_id, now);
		if (r)
			goto bad;
		reply->read_meters = true;
		memcpy(reply->billing_cycle, cycle, sizeof(reply->billing_cycle));
	}
	reply->has_supplies = true;
	reply->supplies_enabled = dev.supplies_enabled;
	reply->supplies_interval_s = dev.supplies_enabled ? dev.supplies_interval_s : 0;
	return ledger_commit(l);
bad:
	ledger_rollback(l);
	return r;
}
