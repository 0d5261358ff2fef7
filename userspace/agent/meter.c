// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* meter: the Meter Assistant's messages; see meter.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/ids.h"
#include "agent/meter.h"

static int copy(char *dst, size_t size, const char *src, const char *field,
		char *msg, size_t msg_size)
{
	size_t n = strlen(src);

	if (n >= size) {
		snprintf(msg, msg_size, "%s: %zu bytes, the protocol allows %zu",
			 field, n, size - 1);
		return -EINVAL;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

int meter_identity(const struct printeng_snap *snap, const char *agent_version,
		   struct proto_identity *out, char *msg, size_t msg_size)
{
	memset(out, 0, sizeof(*out));
	if (!proto_valid_device_id(snap->serial)) {
		snprintf(msg, msg_size,
			 "engine serial \"%.40s\" is not a valid device id ([A-Za-z0-9._-], 1..%d)",
			 snap->serial, PROTO_DEVICE_ID_MAX);
		return -EINVAL;
	}
	if (copy(out->device_id, sizeof(out->device_id), snap->serial, "serial", msg, msg_size) ||
	    copy(out->model, sizeof(out->model), snap->model, "model", msg, msg_size) ||
	    copy(out->engine_fw, sizeof(out->engine_fw), snap->engine_fw, "engine_fw",
		 msg, msg_size) ||
	    copy(out->controller_fw, sizeof(out->controller_fw), snap->controller_fw,
		 "controller_fw", msg, msg_size) ||
	    copy(out->agent_version, sizeof(out->agent_version), agent_version,
		 "agent_version", msg, msg_size))
		return -EINVAL;
	return 0;
}

int meter_build_poll(const struct printeng_snap *snap, const char *agent_version,
		     const struct proto_config *cfg,
		     const struct proto_agent_state *st,
		     struct proto_poll_req *out, char *msg, size_t msg_size)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = meter_identity(snap, agent_version, &out->device, msg, msg_size);
	if (r)
		return r;
	out->config = *cfg;
	out->state = *st;
	return 0;
}

int meter_build_read(const struct printeng_snap *snap,
		     const struct proto_poll_reply *reply,
		     struct proto_meter_read *out, char *msg, size_t msg_size)
{
	unsigned int id;
	int r;

	memset(out, 0, sizeof(*out));
	if (!reply->read_meters) {
		snprintf(msg, msg_size, "the reply asks for no read");
		return -EINVAL;
	}
	if (!proto_valid_device_id(snap->serial)) {
		snprintf(msg, msg_size, "engine serial \"%.40s\" is not a valid device id",
			 snap->serial);
		return -EINVAL;
	}
	strcpy(out->device_id, snap->serial);
	r = ids_read_id(snap->serial, reply->request_id, reply->billing_cycle,
			out->read_id);
	if (r) {
		snprintf(msg, msg_size, "cannot make a read_id for request \"%.64s\" cycle \"%.8s\"",
			 reply->request_id, reply->billing_cycle);
		return r;
	}
	strcpy(out->request_id, reply->request_id);
	out->generation = snap->generation;
	out->taken_at = (int64_t)(snap->real_ns / 1000000000ULL);
	for (id = 0; id < PROTO_METER_COUNT; id++) {
		if (!printeng_snap_has_meter(snap, id))
			continue;
		out->meter_mask |= 1u << id;
		out->meters[id] = snap->meters[id];
	}
	if (!out->meter_mask) {
		snprintf(msg, msg_size, "the print engine has no billing meter");
		return -EINVAL;
	}
	return 0;
}

static enum proto_supply_state state_of(uint32_t st)
{
	/* enum proto_supply_state has the values of enum printeng_supply_state. */
	return st < PROTO_STATE_COUNT ? (enum proto_supply_state)st : PROTO_STATE_MISSING;
}

int meter_build_supplies(const struct printeng_snap *snap, const char *report_id,
			 enum proto_supplies_trigger trigger,
			 struct proto_supplies_report *out, char *msg, size_t msg_size)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	if (!proto_valid_device_id(snap->serial)) {
		snprintf(msg, msg_size, "engine serial \"%.40s\" is not a valid device id",
			 snap->serial);
		return -EINVAL;
	}
	strcpy(out->device_id, snap->serial);
	if (copy(out->report_id, sizeof(out->report_id), report_id, "report_id",
		 msg, msg_size))
		return -EINVAL;
	out->trigger = trigger;
	out->generation = snap->generation;
	out->taken_at = (int64_t)(snap->real_ns / 1000000000ULL);
	for (i = 0; i < snap->num_supplies && i < PROTO_SUPPLIES_MAX; i++) {
		const struct printeng_supply_entry *e = &snap->supplies[i];
		struct proto_supply *p = &out->supplies[i];

		p->index = i;
		p->type = proto_supply_type_from_printeng(e->type);
		p->unit = proto_supply_unit_from_printeng(e->unit);
		p->level = e->level;
		p->max_capacity = e->max_capacity;
		p->state = state_of(e->state);
		p->replaced = e->replaced;
		if (copy(p->colorant, sizeof(p->colorant), e->colorant, "colorant",
			 msg, msg_size) ||
		    copy(p->description, sizeof(p->description), e->description,
			 "description", msg, msg_size))
			return -EINVAL;
	}
	out->n_supplies = i;
	return 0;
}

unsigned int meter_supply_states(const struct printeng_snap *snap, uint8_t *states,
				 unsigned int max)
{
	unsigned int i;

	for (i = 0; i < snap->num_supplies && i < max; i++)
		states[i] = (uint8_t)state_of(snap->supplies[i].state);
	return i;
}
