// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * bench/fleet/msgs: a simulated device's messages (see msgs.h), made by
 * userspace/proto as esold makes them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/ids.h"
#include "msgs.h"
#include "proto/proto.h"
#include "sched.h"

int msg_poll(uint32_t idx, const char *id, bool brief, char **body, size_t *len)
{
	struct proto_poll_req p;
	struct sched_dev s;

	sched_device(idx, &s);
	memset(&p, 0, sizeof(p));
	snprintf(p.device.device_id, sizeof(p.device.device_id), "%s", id);
	snprintf(p.device.model, sizeof(p.device.model), "Fleet %u", 3000 + idx % 7 * 100);
	snprintf(p.device.engine_fw, sizeof(p.device.engine_fw), "E%u.%u", 2 + idx % 3,
		 idx % 10);
	snprintf(p.device.controller_fw, sizeof(p.device.controller_fw), "C4.%u", idx % 4);
	snprintf(p.device.agent_version, sizeof(p.device.agent_version), "0.1.0");
	p.config.enabled = true;
	p.config.poll_hour = s.hour;
	p.config.poll_minute = s.minute;
	snprintf(p.config.timezone, sizeof(p.config.timezone), "%s", sched_zone_name(s.zone));
	p.config.spread_minutes = 60;
	p.config.proxy_mode = idx % 5 ? PROTO_PROXY_NONE : PROTO_PROXY_AUTO;
	p.state.supplies_enabled = MSG_SUPPLIES_ON;
	p.state.supplies_interval_s = MSG_SUPPLIES_INTERVAL_S;
	/* brief: as esold does once its identity is on file, with esold's tag */
	if (brief && ids_identity_tag(NULL, &p, p.identity_tag) < 0)
		return -EINVAL;
	return proto_encode_poll_req(&p, body, len, NULL) ? -EINVAL : 0;
}

int msg_read(uint32_t idx, const char *id, const char *request_id, int64_t t, char **body,
	     size_t *len)
{
	struct proto_meter_read r;
	uint64_t base = sched_hash(idx) % 1000000;

	memset(&r, 0, sizeof(r));
	snprintf(r.device_id, sizeof(r.device_id), "%s", id);
	/* made once per request: the same on every retry */
	snprintf(r.read_id, sizeof(r.read_id), "rd-%.50s", request_id);
	snprintf(r.request_id, sizeof(r.request_id), "%s", request_id);
	r.generation = base + 7;
	r.taken_at = t;
	r.meter_mask = 0x7f;
	r.meters[0] = base * 3 + 100;
	r.meters[1] = base * 2;
	r.meters[2] = base + 100;
	r.meters[3] = base / 2;
	r.meters[4] = base / 10;
	r.meters[5] = base * 2 + 50;
	r.meters[6] = base / 4;
	return proto_encode_meter_read(&r, body, len, NULL) ? -EINVAL : 0;
}

int msg_supplies(uint32_t idx, const char *id, int64_t t, char **body, size_t *len)
{
	static const char *const colorants[] = { "black", "cyan", "magenta", "yellow" };
	struct proto_supplies_report *r = calloc(1, sizeof(*r));
	int e;

	if (!r)
		return -ENOMEM;
	snprintf(r->device_id, sizeof(r->device_id), "%s", id);
	snprintf(r->report_id, sizeof(r->report_id), "sp-%s-%" PRId64, id, t / 86400);
	r->trigger = PROTO_TRIGGER_INTERVAL;
	r->generation = 7;
	r->taken_at = t;
	r->n_supplies = 5;
	for (unsigned int i = 0; i < r->n_supplies; i++) {
		struct proto_supply *s = &r->supplies[i];

		s->index = i;
		s->type = i < 4 ? PROTO_SUPPLY_TONER : PROTO_SUPPLY_WASTE_TONER;
		snprintf(s->colorant, sizeof(s->colorant), "%s", i < 4 ? colorants[i] : "");
		snprintf(s->description, sizeof(s->description), "%s", i < 4 ? "Toner" : "Waste");
		s->level = (int32_t)(sched_hash(idx + i) % 100);
		s->max_capacity = 100;
		s->unit = PROTO_UNIT_PERCENT;
		s->state = s->level < 10 ? PROTO_STATE_LOW : PROTO_STATE_OK;
	}
	e = proto_encode_supplies(r, body, len, NULL);
	free(r);
	return e ? -EINVAL : 0;
}
