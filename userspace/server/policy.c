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
#include "server/idtag.h"
#include "server/policy.h"

int policy_new_request_id(const char *cycle, char id[PROTO_ID_MAX + 1])
{
	uint64_t rnd;

	if (getrandom(&rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -errno ? -errno : -EIO;
	snprintf(id, PROTO_ID_MAX + 1, "rq-%.7s-%016" PRIx64, cycle, rnd);
	return 0;
}

/*
 * A brief poll that needs a decision written: the identity and
 * configuration on file, if they are the tag's, fill it in.
 */
static int fill_brief(struct ledger *l, struct proto_poll_req *req)
{
	struct ledger_device dev;
	char tag[PROTO_TAG_LEN + 1];
	int r = ledger_get_device(l, req->device.device_id, &dev);

	if (r == -ENOENT || (!r && !dev.has_poll))
		return -ESTALE;
	if (r)
		return r;
	if (idtag_of(&dev.id, &dev.config, tag) < 0 || strcmp(tag, req->identity_tag) != 0)
		return -ESTALE;
	req->device = dev.id;
	req->config = dev.config;
	req->config.enabled = true;
	return 0;
}

int policy_decide(struct ledger *l, const struct ledger_defaults *def,
		  const struct proto_poll_req *req, int64_t now, struct pollbook *book,
		  struct ledger_poll_decision *d)
{
	struct cycle_candidates cc;
	struct proto_poll_req full;
	char candidate[PROTO_ID_MAX + 1], tag[PROTO_TAG_LEN + 1];
	bool brief = req->identity_tag[0] != '\0';
	int r;

	if (brief)
		memcpy(tag, req->identity_tag, sizeof(tag));
	else if (idtag_of(&req->device, &req->config, tag) < 0)
		tag[0] = '\0';
	r = book ? ledger_poll_peek(l, req->device.device_id, now, d) : -ENOENT;
	if (r == 0 && strcmp(d->tag, tag) != 0) {
		if (brief)
			return -ESTALE;
		r = -ENOENT;	/* a new identity or configuration: written now */
	}
	if (r == 0) {
		/* nothing that bills changes: the rest is booked, written behind */
		r = pollbook_add(book, req, now, d->read_due ? d->cycle : NULL);
	} else if (r == -ENOENT) {
		full = *req;
		r = brief ? fill_brief(l, &full) : 0;
		full.identity_tag[0] = '\0';
		if (!r)
			r = cycle_candidates(now, &cc);
		if (!r)
			r = policy_new_request_id(cc.current, candidate);
		/* one transaction: the decision and what it rests on are consistent */
		if (!r)
			r = ledger_poll_decide(l, &full, now, def, candidate, d);
		if (!r)	/* what is on file now: the poll's identity */
			memcpy(d->tag, tag, sizeof(d->tag));
	}
	return r;
}

int policy_poll(struct ledger *l, const struct ledger_defaults *def,
		const struct proto_poll_req *req, int64_t now, struct pollbook *book,
		struct proto_poll_reply *reply)
{
	struct ledger_poll_decision d;
	int r = policy_decide(l, def, req, now, book, &d);

	if (!r)
		policy_reply(&d, req, now, reply);
	return r;
}

void policy_reply(const struct ledger_poll_decision *d, const struct proto_poll_req *req,
		  int64_t now, struct proto_poll_reply *reply)
{
	bool on = d->policy.supplies_enabled;
	uint32_t interval = on ? d->policy.supplies_interval_s : 0;

	memset(reply, 0, sizeof(*reply));
	reply->server_time = now;
	if (d->read_due) {
		reply->read_meters = true;
		snprintf(reply->request_id, sizeof(reply->request_id), "%s", d->request_id);
		memcpy(reply->billing_cycle, d->cycle, sizeof(reply->billing_cycle));
	}
	/* what the device says it runs is the policy: nothing to change */
	if (req->state.supplies_enabled == on && req->state.supplies_interval_s == interval)
		return;
	reply->has_supplies = true;
	reply->supplies_enabled = on;
	reply->supplies_interval_s = interval;
}
