// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * genl_decode: decoders of the generic netlink messages of family
 * "printeng" (docs/netlink/printeng.yaml): GET replies into a snapshot,
 * SUPPLY/METERS/REMOVED notifications into an event.  Pure functions over
 * one message; strict about lengths, types and ranges; attributes they do
 * not know are skipped (newer kernels may add some).
 */
#include <errno.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "lib/internal.h"

#define BAD(why_, text)	(*(why_) = (text), -EBADMSG)
#define PROTO(why_, text)	(*(why_) = (text), -EPROTO)

/* Fixed-size attribute payloads. */
static bool get_u32(const struct nlattr *a, uint32_t *v)
{
	if (nla_len(a) != sizeof(*v))
		return false;
	memcpy(v, nla_data(a), sizeof(*v));
	return true;
}

static bool get_u64(const struct nlattr *a, uint64_t *v)
{
	if (nla_len(a) != sizeof(*v))
		return false;
	memcpy(v, nla_data(a), sizeof(*v));
	return true;
}

/* A NUL-terminated string attribute into dst[len]: 0, -EBADMSG (not a
 * string) or -EPROTO (too long, or not text). */
static int get_str(const struct nlattr *a, char *dst, size_t len)
{
	const char *s = nla_data(a);
	int n = nla_len(a);

	if (n < 1 || s[n - 1] != '\0' || strlen(s) != (size_t)n - 1)
		return -EBADMSG;
	return pel_copy_text(dst, len, s) ? -EPROTO : 0;
}

/* Check the headers; on success (*attrs, *alen) is the attribute area. */
static int msg_attrs(const struct nlmsghdr *nlh, size_t len, uint8_t *cmd,
		     struct nlattr **attrs, int *alen, const char **why)
{
	const struct genlmsghdr *g;

	if (!nlh || len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    nlh->nlmsg_len > len)
		return BAD(why, "message shorter than its headers or than its length");
	g = nlmsg_data(nlh);
	*cmd = g->cmd;
	*attrs = genlmsg_attrdata(g, 0);
	*alen = genlmsg_attrlen(g, 0);
	return 0;
}

/* The end of an attribute loop: anything left is a truncated attribute. */
#define CHECK_REM(rem_, why_)						\
	do {								\
		if ((rem_) != 0)					\
			return BAD(why_, "truncated attribute");	\
	} while (0)

static int decode_meter(const struct nlattr *nest, uint32_t *id,
			uint64_t *value, const char **why)
{
	bool have_id = false, have_value = false;
	char name[PRINTENG_SERIAL_LEN] = "";
	const struct nlattr *a;
	const char *known;
	int rem, ret;

	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case PRINTENG_A_METER_ID:
			if (!get_u32(a, id))
				return BAD(why, "METER_ID is not a u32");
			have_id = true;
			break;
		case PRINTENG_A_METER_VALUE:
			if (!get_u64(a, value))
				return BAD(why, "METER_VALUE is not a u64");
			have_value = true;
			break;
		case PRINTENG_A_METER_NAME:
			ret = get_str(a, name, sizeof(name));
			if (ret)
				return ret == -EBADMSG ?
				       BAD(why, "METER_NAME is not a string") :
				       PROTO(why, "METER_NAME too long or not text");
			break;
		default:
			break;	/* PAD, or newer */
		}
	}
	CHECK_REM(rem, why);
	if (!have_id || !have_value)
		return BAD(why, "meter without METER_ID or METER_VALUE");
	if (*id >= PRINTENG_METERS_MAX)
		return PROTO(why, "METER_ID out of range");
	known = printeng_meter_name(*id);
	if (name[0] && known && strcmp(name, known))
		return PROTO(why, "METER_NAME does not match METER_ID");
	return 0;
}

/* Bits of the supply attributes seen. */
#define SUP_BIT(a)	(1u << (a))
#define SUP_REQUIRED	(SUP_BIT(PRINTENG_A_SUPPLY_INDEX) |		\
			 SUP_BIT(PRINTENG_A_SUPPLY_TYPE) |		\
			 SUP_BIT(PRINTENG_A_SUPPLY_UNIT) |		\
			 SUP_BIT(PRINTENG_A_SUPPLY_LEVEL) |		\
			 SUP_BIT(PRINTENG_A_SUPPLY_MAX_CAPACITY) |	\
			 SUP_BIT(PRINTENG_A_SUPPLY_STATE) |		\
			 SUP_BIT(PRINTENG_A_SUPPLY_REPLACED) |		\
			 SUP_BIT(PRINTENG_A_SUPPLY_COLORANT) |		\
			 SUP_BIT(PRINTENG_A_SUPPLY_DESCRIPTION))

static int decode_supply(const struct nlattr *nest,
			 struct printeng_supply_entry *s, uint32_t *index,
			 uint32_t *old_state, bool *has_old, const char **why)
{
	const struct nlattr *a;
	unsigned int seen = 0;
	uint32_t u;
	int rem, t, ret;

	memset(s, 0, sizeof(*s));
	*has_old = false;
	nla_for_each_nested(a, nest, rem) {
		t = nla_type(a);
		switch (t) {
		case PRINTENG_A_SUPPLY_INDEX:
		case PRINTENG_A_SUPPLY_TYPE:
		case PRINTENG_A_SUPPLY_UNIT:
		case PRINTENG_A_SUPPLY_LEVEL:
		case PRINTENG_A_SUPPLY_MAX_CAPACITY:
		case PRINTENG_A_SUPPLY_STATE:
		case PRINTENG_A_SUPPLY_OLD_STATE:
		case PRINTENG_A_SUPPLY_REPLACED:
			if (!get_u32(a, &u))
				return BAD(why, "supply attribute is not 32 bits");
			if (t == PRINTENG_A_SUPPLY_INDEX)
				*index = u;
			else if (t == PRINTENG_A_SUPPLY_TYPE)
				s->type = u;
			else if (t == PRINTENG_A_SUPPLY_UNIT)
				s->unit = u;
			else if (t == PRINTENG_A_SUPPLY_LEVEL)
				s->level = (int32_t)u;
			else if (t == PRINTENG_A_SUPPLY_MAX_CAPACITY)
				s->max_capacity = (int32_t)u;
			else if (t == PRINTENG_A_SUPPLY_STATE)
				s->state = u;
			else if (t == PRINTENG_A_SUPPLY_OLD_STATE)
				*old_state = u, *has_old = true;
			else
				s->replaced = u;
			break;
		case PRINTENG_A_SUPPLY_COLORANT:
		case PRINTENG_A_SUPPLY_DESCRIPTION:
			ret = t == PRINTENG_A_SUPPLY_COLORANT ?
			      get_str(a, s->colorant, sizeof(s->colorant)) :
			      get_str(a, s->description, sizeof(s->description));
			if (ret)
				return ret == -EBADMSG ?
				       BAD(why, "supply string attribute is not a string") :
				       PROTO(why, "supply string too long or not text");
			break;
		default:
			continue;	/* newer */
		}
		seen |= SUP_BIT(t);
	}
	CHECK_REM(rem, why);
	if ((seen & SUP_REQUIRED) != SUP_REQUIRED)
		return BAD(why, "supply without one of its attributes");
	if (*index >= PRINTENG_SUPPLIES_MAX)
		return PROTO(why, "SUPPLY_INDEX out of range");
	if (!pel_supply_ok(s))
		return PROTO(why, "supply state or level out of range");
	if (*has_old && *old_state >= __PRINTENG_STATE_COUNT)
		return PROTO(why, "SUPPLY_OLD_STATE out of range");
	return 0;
}

/* Common top-level attributes. */
struct top {
	bool has_index, has_gen, has_time;
	uint32_t index;
	uint64_t generation, real_ns;
};

/* Decode a top-level u32/u64 attribute into @t; 1 when it was one. */
static int decode_top(const struct nlattr *a, struct top *t, const char **why)
{
	switch (nla_type(a)) {
	case PRINTENG_A_DEV_INDEX:
		if (!get_u32(a, &t->index))
			return BAD(why, "DEV_INDEX is not a u32");
		t->has_index = true;
		return 1;
	case PRINTENG_A_GENERATION:
		if (!get_u64(a, &t->generation))
			return BAD(why, "GENERATION is not a u64");
		t->has_gen = true;
		return 1;
	case PRINTENG_A_TIMESTAMP:
		if (!get_u64(a, &t->real_ns))
			return BAD(why, "TIMESTAMP is not a u64");
		t->has_time = true;
		return 1;
	default:
		return 0;
	}
}

static int add_meter(const struct nlattr *a, uint64_t *mask, uint64_t *meters,
		     const char **why)
{
	uint64_t value = 0;
	uint32_t id = 0;
	int ret;

	ret = decode_meter(a, &id, &value, why);
	if (ret)
		return ret;
	if (*mask & (UINT64_C(1) << id))
		return PROTO(why, "the same METER_ID twice");
	*mask |= UINT64_C(1) << id;
	meters[id] = value;
	return 0;
}

int pel_decode_device(const struct nlmsghdr *nlh, size_t len,
		      struct printeng_snap *out, const char **why)
{
	struct printeng_supply_entry s;
	struct printeng_snap tmp;
	struct nlattr *attrs;
	const struct nlattr *a;
	unsigned int seen_id = 0, supplies = 0;
	uint32_t sidx = 0, old = 0;
	struct top t = { 0 };
	bool has_old;
	uint8_t cmd;
	int alen, rem, ret;

	ret = msg_attrs(nlh, len, &cmd, &attrs, &alen, why);
	if (ret)
		return ret;
	if (cmd != PRINTENG_CMD_GET)
		return PROTO(why, "not a PRINTENG_CMD_GET message");
	memset(&tmp, 0, sizeof(tmp));
	nla_for_each_attr(a, attrs, alen, rem) {
		ret = decode_top(a, &t, why);
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		switch (nla_type(a)) {
		case PRINTENG_A_SERIAL:
			ret = get_str(a, tmp.serial, sizeof(tmp.serial));
			seen_id |= 1;
			break;
		case PRINTENG_A_MODEL:
			ret = get_str(a, tmp.model, sizeof(tmp.model));
			seen_id |= 2;
			break;
		case PRINTENG_A_ENGINE_FW:
			ret = get_str(a, tmp.engine_fw, sizeof(tmp.engine_fw));
			seen_id |= 4;
			break;
		case PRINTENG_A_CONTROLLER_FW:
			ret = get_str(a, tmp.controller_fw,
				      sizeof(tmp.controller_fw));
			seen_id |= 8;
			break;
		case PRINTENG_A_METER:
			ret = add_meter(a, &tmp.meter_mask, tmp.meters, why);
			if (ret)
				return ret;
			continue;
		case PRINTENG_A_SUPPLY:
			ret = decode_supply(a, &s, &sidx, &old, &has_old, why);
			if (ret)
				return ret;
			if (supplies & (1u << sidx))
				return PROTO(why, "the same SUPPLY_INDEX twice");
			supplies |= 1u << sidx;
			tmp.supplies[sidx] = s;
			tmp.num_supplies++;
			continue;
		default:
			continue;
		}
		if (ret)
			return ret == -EBADMSG ?
			       BAD(why, "identity attribute is not a string") :
			       PROTO(why, "identity string too long or not text");
	}
	CHECK_REM(rem, why);
	if (!t.has_index || !t.has_gen || !t.has_time || seen_id != 15)
		return BAD(why, "GET reply without one of DEV_INDEX, GENERATION, TIMESTAMP, SERIAL, MODEL, ENGINE_FW, CONTROLLER_FW");
	if (supplies != (1u << tmp.num_supplies) - 1)
		return PROTO(why, "supply indexes are not 0..n-1");
	tmp.index = t.index;
	tmp.source = PRINTENG_SRC_GENL;
	tmp.generation = t.generation;
	tmp.real_ns = t.real_ns;
	*out = tmp;
	return 0;
}

int pel_decode_event(const struct nlmsghdr *nlh, size_t len,
		     struct printeng_event *ev, const char **why)
{
	struct printeng_event tmp;
	struct nlattr *attrs;
	const struct nlattr *a;
	unsigned int nsupplies = 0;
	struct top t = { 0 };
	bool has_old = false;
	uint8_t cmd;
	int alen, rem, ret;

	ret = msg_attrs(nlh, len, &cmd, &attrs, &alen, why);
	if (ret)
		return ret;
	memset(&tmp, 0, sizeof(tmp));
	switch (cmd) {
	case PRINTENG_CMD_SUPPLY_NTF:
		tmp.type = PRINTENG_EVENT_SUPPLY;
		break;
	case PRINTENG_CMD_METERS_NTF:
		tmp.type = PRINTENG_EVENT_METERS;
		break;
	case PRINTENG_CMD_REMOVED_NTF:
		tmp.type = PRINTENG_EVENT_REMOVED;
		break;
	default:
		return PROTO(why, "not a printeng event");
	}
	nla_for_each_attr(a, attrs, alen, rem) {
		ret = decode_top(a, &t, why);
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		if (nla_type(a) == PRINTENG_A_METER &&
		    tmp.type == PRINTENG_EVENT_METERS) {
			ret = add_meter(a, &tmp.meter_mask, tmp.meters, why);
			if (ret)
				return ret;
		} else if (nla_type(a) == PRINTENG_A_SUPPLY &&
			   tmp.type == PRINTENG_EVENT_SUPPLY) {
			uint32_t idx = 0;

			ret = decode_supply(a, &tmp.supply, &idx,
					    &tmp.old_state, &has_old, why);
			if (ret)
				return ret;
			tmp.supply_index = idx;
			nsupplies++;
		}
	}
	CHECK_REM(rem, why);
	if (!t.has_index)
		return BAD(why, "event without DEV_INDEX");
	tmp.index = t.index;
	switch (tmp.type) {
	case PRINTENG_EVENT_SUPPLY:
		if (!t.has_gen || nsupplies != 1 || !has_old)
			return BAD(why, "SUPPLY_NTF needs GENERATION and one SUPPLY with OLD_STATE");
		tmp.generation = t.generation;
		break;
	case PRINTENG_EVENT_METERS:
		if (!t.has_gen || !t.has_time)
			return BAD(why, "METERS_NTF needs GENERATION and TIMESTAMP");
		tmp.generation = t.generation;
		tmp.real_ns = t.real_ns;
		break;
	case PRINTENG_EVENT_REMOVED:
		break;
	}
	*ev = tmp;
	return 0;
}

int printeng_decode_event(const struct nlmsghdr *nlh, size_t len,
			  struct printeng_event *ev)
{
	const char *why;

	return pel_decode_event(nlh, len, ev, &why);
}

int printeng_decode_device(const struct nlmsghdr *nlh, size_t len,
			   struct printeng_snap *out)
{
	const char *why;

	return pel_decode_device(nlh, len, out, &why);
}
