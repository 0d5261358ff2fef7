// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of libprinteng's generic netlink side on the host: messages
 * of family "printeng" are built with libnl (nlmsg_alloc, genlmsg_put,
 * nla_put_*), as the kernel lays them out, and fed to the decoders; the
 * event reader gets them through real netlink sockets (NETLINK_USERSOCK,
 * which lets one process send to another), including a real receive-
 * buffer overflow (ENOBUFS).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include <check.h>

#include "lib/internal.h"

#define FAMILY	0x1c	/* any id >= NLMSG_MIN_TYPE: the family's is dynamic */

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- what the messages carry ---- */

static void fill_expected(struct printeng_snap *e)
{
	static const struct printeng_supply_entry sup[] = {
		{ PRINTENG_SUPPLY_TONER, PRINTENG_UNIT_PERCENT, 80, 100,
		  PRINTENG_STATE_OK, 0, "black", "Black toner" },
		{ PRINTENG_SUPPLY_TONER, PRINTENG_UNIT_PERCENT, 5, 100,
		  PRINTENG_STATE_LOW, 3, "cyan", "Cyan toner \xe2\x80\x93 2k" },
		{ PRINTENG_SUPPLY_OPC, PRINTENG_UNIT_IMPRESSIONS, 12000, 20000,
		  PRINTENG_STATE_OK, 0, "black", "Drum" },
		{ PRINTENG_SUPPLY_FUSER, PRINTENG_UNIT_OTHER, -3, -2,
		  PRINTENG_STATE_OK, 1, "", "Fuser" },
		{ PRINTENG_SUPPLY_WASTE_TONER, PRINTENG_UNIT_UNKNOWN, -2, -1,
		  PRINTENG_STATE_MISSING, 0, "", "Waste toner box" },
	};
	unsigned int i;

	memset(e, 0, sizeof(*e));
	e->index = 2;
	e->source = PRINTENG_SRC_GENL;
	e->generation = 0x123456789abull;
	e->real_ns = 1795000000123456789ull;
	strcpy(e->serial, "SIM0002");
	strcpy(e->model, "esol Simulated Printer 5000");
	strcpy(e->engine_fw, "E1.2.3");
	strcpy(e->controller_fw, "C4.5.6");
	for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
		e->meter_mask |= 1ull << i;
		e->meters[i] = 1000000000000ull * (i + 1) + i;
	}
	e->meters[PRINTENG_METER_SHEETS_DUPLEX] = UINT64_MAX;
	e->num_supplies = N(sup);
	memcpy(e->supplies, sup, sizeof(sup));
}

/* Ways to build a message wrong (or unusually right). */
enum variant {
	V_OK,
	V_NO_PAD,		/* ok: no PAD attributes */
	V_NESTED_FLAG,		/* ok: nests carry NLA_F_NESTED */
	V_UNKNOWN_ATTRS,	/* ok: attributes of a newer kernel */
	V_NO_METER_NAME,	/* ok: the name is informative */
	V_NO_INDEX,
	V_SHORT_INDEX,
	V_GEN_U32,
	V_NO_TIMESTAMP,
	V_NO_MODEL,
	V_SERIAL_NO_NUL,
	V_SERIAL_LONG,
	V_SERIAL_CTRL,
	V_METER_ID_32,
	V_METER_NAME_WRONG,
	V_METER_DUP,
	V_METER_NO_VALUE,
	V_METER_VALUE_U32,
	V_SUPPLY_NO_DESC,
	V_SUPPLY_INDEX_16,
	V_SUPPLY_STATE_4,
	V_SUPPLY_LEVEL_M4,
	V_SUPPLY_CAP_M4,
	V_SUPPLY_DUP,
	V_SUPPLY_GAP,
	V_SUPPLY_DESC_LONG,
	V_SUPPLY_COLORANT_UTF8,
	V_SUPPLY_TYPE_U16,
	V_NO_OLD_STATE,		/* events */
	V_OLD_STATE_9,
	V_TWO_SUPPLIES,
	V_CMD_WRONG,
};

static void put_u64(struct nl_msg *m, int attr, uint64_t v, int pad,
		    enum variant var)
{
	/* The kernel's nla_put_u64_64bit may put a PAD attribute first. */
	if (var != V_NO_PAD)
		ck_assert_int_eq(nla_put(m, pad, 0, NULL), 0);
	ck_assert_int_eq(nla_put_u64(m, attr, v), 0);
}

static struct nlattr *nest(struct nl_msg *m, int type, enum variant var)
{
	struct nlattr *n = nla_nest_start(m, type | (var == V_NESTED_FLAG ?
						     NLA_F_NESTED : 0));

	ck_assert_ptr_nonnull(n);
	return n;
}

static void put_meter(struct nl_msg *m, unsigned int id, uint64_t value,
		      enum variant var)
{
	struct nlattr *n = nest(m, PRINTENG_A_METER, var);

	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_METER_ID, id), 0);
	if (var == V_METER_NAME_WRONG)
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_METER_NAME,
						id ? "sheets_total" : "impressions_mono"), 0);
	else if (var != V_NO_METER_NAME && printeng_meter_name(id))
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_METER_NAME,
						printeng_meter_name(id)), 0);
	if (var == V_UNKNOWN_ATTRS)
		ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_METER_VALUE + 7, 9), 0);
	if (var == V_METER_VALUE_U32)
		ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_METER_VALUE,
					     (uint32_t)value), 0);
	else if (var != V_METER_NO_VALUE)
		put_u64(m, PRINTENG_A_METER_VALUE, value, PRINTENG_A_METER_PAD,
			var);
	nla_nest_end(m, n);
}

static void put_supply(struct nl_msg *m, unsigned int index,
		       const struct printeng_supply_entry *s,
		       const uint32_t *old_state, enum variant var)
{
	struct nlattr *n = nest(m, PRINTENG_A_SUPPLY, var);
	char longdesc[PRINTENG_DESCRIPTION_LEN + 1];

	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_SUPPLY_INDEX,
				     var == V_SUPPLY_INDEX_16 && index == 4 ?
				     16 : index), 0);
	if (var == V_SUPPLY_TYPE_U16)
		ck_assert_int_eq(nla_put_u16(m, PRINTENG_A_SUPPLY_TYPE,
					     (uint16_t)s->type), 0);
	else
		ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_SUPPLY_TYPE, s->type), 0);
	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_SUPPLY_UNIT, s->unit), 0);
	ck_assert_int_eq(nla_put_s32(m, PRINTENG_A_SUPPLY_LEVEL,
				     var == V_SUPPLY_LEVEL_M4 ? -4 : s->level), 0);
	ck_assert_int_eq(nla_put_s32(m, PRINTENG_A_SUPPLY_MAX_CAPACITY,
				     var == V_SUPPLY_CAP_M4 ? -4 :
				     s->max_capacity), 0);
	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_SUPPLY_STATE,
				     var == V_SUPPLY_STATE_4 ? 4 : s->state), 0);
	if (old_state && var != V_NO_OLD_STATE)
		ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_SUPPLY_OLD_STATE,
					     var == V_OLD_STATE_9 ? 9 :
					     *old_state), 0);
	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_SUPPLY_REPLACED, s->replaced), 0);
	if (var == V_SUPPLY_COLORANT_UTF8)
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SUPPLY_COLORANT,
						"bl\xc3"), 0);
	else
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SUPPLY_COLORANT,
						s->colorant), 0);
	if (var == V_SUPPLY_DESC_LONG) {
		memset(longdesc, 'd', sizeof(longdesc) - 1);
		longdesc[sizeof(longdesc) - 1] = '\0';
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SUPPLY_DESCRIPTION,
						longdesc), 0);
	} else if (var != V_SUPPLY_NO_DESC) {
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SUPPLY_DESCRIPTION,
						s->description), 0);
	}
	if (var == V_UNKNOWN_ATTRS)
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SUPPLY_DESCRIPTION + 3,
						"future"), 0);
	nla_nest_end(m, n);
}

static struct nl_msg *msg_new(uint8_t cmd)
{
	struct nl_msg *m = nlmsg_alloc();

	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(genlmsg_put(m, 0, 1, FAMILY, 0, 0, cmd,
					  PRINTENG_GENL_VERSION));
	return m;
}

/* A GET reply for @e, as printeng_fill_dev() builds it, with a variant. */
static struct nl_msg *build_get(const struct printeng_snap *e, enum variant var)
{
	struct nl_msg *m = msg_new(var == V_CMD_WRONG ? PRINTENG_CMD_METERS_NTF :
				   PRINTENG_CMD_GET);
	char longserial[PRINTENG_SERIAL_LEN + 1];
	unsigned int i;

	if (var == V_SHORT_INDEX)
		ck_assert_int_eq(nla_put_u16(m, PRINTENG_A_DEV_INDEX, 2), 0);
	else if (var != V_NO_INDEX)
		ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_DEV_INDEX, e->index), 0);
	if (var == V_SERIAL_NO_NUL) {
		ck_assert_int_eq(nla_put(m, PRINTENG_A_SERIAL, 7, "SIM0002"), 0);
	} else if (var == V_SERIAL_LONG) {
		memset(longserial, 's', sizeof(longserial) - 1);
		longserial[sizeof(longserial) - 1] = '\0';
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SERIAL, longserial), 0);
	} else if (var == V_SERIAL_CTRL) {
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SERIAL, "SIM\n2"), 0);
	} else {
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SERIAL, e->serial), 0);
	}
	if (var != V_NO_MODEL)
		ck_assert_int_eq(nla_put_string(m, PRINTENG_A_MODEL, e->model), 0);
	ck_assert_int_eq(nla_put_string(m, PRINTENG_A_ENGINE_FW, e->engine_fw), 0);
	ck_assert_int_eq(nla_put_string(m, PRINTENG_A_CONTROLLER_FW,
					e->controller_fw), 0);
	if (var == V_GEN_U32)
		ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_GENERATION, 5), 0);
	else
		put_u64(m, PRINTENG_A_GENERATION, e->generation, PRINTENG_A_PAD, var);
	if (var != V_NO_TIMESTAMP)
		put_u64(m, PRINTENG_A_TIMESTAMP, e->real_ns, PRINTENG_A_PAD, var);
	if (var == V_UNKNOWN_ATTRS)
		ck_assert_int_eq(nla_put_u64(m, PRINTENG_A_MAX + 5, 77), 0);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		put_meter(m, i, e->meters[i], var);
	if (var == V_METER_ID_32)
		put_meter(m, PRINTENG_METERS_MAX, 1, var);
	if (var == V_METER_DUP)
		put_meter(m, 3, 1, var);
	for (i = 0; i < e->num_supplies; i++) {
		if (var == V_SUPPLY_GAP && i == 2)
			continue;
		put_supply(m, i, &e->supplies[i], NULL, var);
	}
	if (var == V_SUPPLY_DUP)
		put_supply(m, 1, &e->supplies[1], NULL, var);
	return m;
}

static int decode_get(struct nl_msg *m, struct printeng_snap *out)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);

	return printeng_decode_device(nlh, nlh->nlmsg_len, out);
}

/* ---- GET replies ---- */

START_TEST(test_get_every_field)
{
	struct printeng_snap e, s;
	struct nl_msg *m;
	unsigned int i;

	fill_expected(&e);
	m = build_get(&e, V_OK);
	memset(&s, 0xa5, sizeof(s));
	ck_assert_int_eq(decode_get(m, &s), 0);
	nlmsg_free(m);

	ck_assert_uint_eq(s.index, 2);
	ck_assert_int_eq(s.source, PRINTENG_SRC_GENL);
	ck_assert_uint_eq(s.generation, e.generation);
	ck_assert_uint_eq(s.real_ns, e.real_ns);
	ck_assert_uint_eq(s.mono_ns, 0);
	ck_assert_str_eq(s.serial, "SIM0002");
	ck_assert_str_eq(s.model, e.model);
	ck_assert_str_eq(s.engine_fw, "E1.2.3");
	ck_assert_str_eq(s.controller_fw, "C4.5.6");
	ck_assert_uint_eq(s.meter_mask, 0x7f);
	for (i = 0; i < PRINTENG_METERS_MAX; i++)
		ck_assert_uint_eq(s.meters[i], e.meters[i]);
	ck_assert_uint_eq(s.meters[PRINTENG_METER_SHEETS_DUPLEX], UINT64_MAX);
	ck_assert_uint_eq(s.num_supplies, 5);
	for (i = 0; i < 5; i++) {
		ck_assert_uint_eq(s.supplies[i].type, e.supplies[i].type);
		ck_assert_uint_eq(s.supplies[i].unit, e.supplies[i].unit);
		ck_assert_int_eq(s.supplies[i].level, e.supplies[i].level);
		ck_assert_int_eq(s.supplies[i].max_capacity,
				 e.supplies[i].max_capacity);
		ck_assert_uint_eq(s.supplies[i].state, e.supplies[i].state);
		ck_assert_uint_eq(s.supplies[i].replaced, e.supplies[i].replaced);
		ck_assert_str_eq(s.supplies[i].colorant, e.supplies[i].colorant);
		ck_assert_str_eq(s.supplies[i].description,
				 e.supplies[i].description);
	}
	ck_assert(printeng_snap_same(&s, &e));
}
END_TEST

START_TEST(test_get_subset)
{
	struct printeng_snap e, s;
	struct nl_msg *m = msg_new(PRINTENG_CMD_GET);

	/* No meters, no supplies, empty strings: still a device. */
	fill_expected(&e);
	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_DEV_INDEX, 0), 0);
	ck_assert_int_eq(nla_put_string(m, PRINTENG_A_SERIAL, "X"), 0);
	ck_assert_int_eq(nla_put_string(m, PRINTENG_A_MODEL, ""), 0);
	ck_assert_int_eq(nla_put_string(m, PRINTENG_A_ENGINE_FW, ""), 0);
	ck_assert_int_eq(nla_put_string(m, PRINTENG_A_CONTROLLER_FW, ""), 0);
	ck_assert_int_eq(nla_put_u64(m, PRINTENG_A_GENERATION, 0), 0);
	ck_assert_int_eq(nla_put_u64(m, PRINTENG_A_TIMESTAMP, 1), 0);
	/* One meter the library has no name for (a newer kernel's). */
	put_meter(m, 20, 42, V_OK);
	ck_assert_int_eq(decode_get(m, &s), 0);
	nlmsg_free(m);
	ck_assert_uint_eq(s.meter_mask, 1u << 20);
	ck_assert_uint_eq(s.meters[20], 42);
	ck_assert_uint_eq(s.num_supplies, 0);
	ck_assert_str_eq(s.model, "");
}
END_TEST

static const struct {
	enum variant var;
	int err;
} get_cases[] = {
	{ V_NO_PAD, 0 },
	{ V_NESTED_FLAG, 0 },
	{ V_UNKNOWN_ATTRS, 0 },
	{ V_NO_METER_NAME, 0 },
	{ V_NO_INDEX, -EBADMSG },
	{ V_SHORT_INDEX, -EBADMSG },
	{ V_GEN_U32, -EBADMSG },
	{ V_NO_TIMESTAMP, -EBADMSG },
	{ V_NO_MODEL, -EBADMSG },
	{ V_SERIAL_NO_NUL, -EBADMSG },
	{ V_SERIAL_LONG, -EPROTO },
	{ V_SERIAL_CTRL, -EPROTO },
	{ V_METER_ID_32, -EPROTO },
	{ V_METER_NAME_WRONG, -EPROTO },
	{ V_METER_DUP, -EPROTO },
	{ V_METER_NO_VALUE, -EBADMSG },
	{ V_METER_VALUE_U32, -EBADMSG },
	{ V_SUPPLY_NO_DESC, -EBADMSG },
	{ V_SUPPLY_INDEX_16, -EPROTO },
	{ V_SUPPLY_STATE_4, -EPROTO },
	{ V_SUPPLY_LEVEL_M4, -EPROTO },
	{ V_SUPPLY_CAP_M4, -EPROTO },
	{ V_SUPPLY_DUP, -EPROTO },
	{ V_SUPPLY_GAP, -EPROTO },
	{ V_SUPPLY_DESC_LONG, -EPROTO },
	{ V_SUPPLY_COLORANT_UTF8, -EPROTO },
	{ V_SUPPLY_TYPE_U16, -EBADMSG },
	{ V_CMD_WRONG, -EPROTO },
};

START_TEST(test_get_variants)
{
	struct printeng_snap e, s;
	struct nl_msg *m;
	const char *why = NULL;
	struct nlmsghdr *nlh;
	int ret;

	fill_expected(&e);
	m = build_get(&e, get_cases[_i].var);
	nlh = nlmsg_hdr(m);
	memset(&s, 0x5a, sizeof(s));
	ret = pel_decode_device(nlh, nlh->nlmsg_len, &s, &why);
	ck_assert_msg(ret == get_cases[_i].err, "variant %d: got %d (%s), want %d",
		      get_cases[_i].var, ret, ret ? why : "",
		      get_cases[_i].err);
	if (ret)
		ck_assert_msg(why && *why, "no reason given");
	if (!ret && get_cases[_i].var != V_NO_METER_NAME)
		ck_assert(printeng_snap_same(&s, &e));
	if (ret)	/* nothing handed out */
		ck_assert_uint_eq(s.generation, 0x5a5a5a5a5a5a5a5aull);
	nlmsg_free(m);
}
END_TEST

START_TEST(test_get_truncated)
{
	struct printeng_snap e, s;
	struct nlmsghdr *nlh, *copy;
	struct nl_msg *m;
	uint32_t full, len;
	int ok = 0;

	fill_expected(&e);
	m = build_get(&e, V_OK);
	nlh = nlmsg_hdr(m);
	full = nlh->nlmsg_len;
	for (len = 0; len < full; len++) {
		/* An exactly sized copy: ASan sees any read past it. */
		copy = malloc(len ? len : 1);
		ck_assert_ptr_nonnull(copy);
		memcpy(copy, nlh, len);
		/* Fewer bytes than the header says. */
		ck_assert_int_eq(printeng_decode_device(copy, len, &s), -EBADMSG);
		/* A header that agrees with the cut. */
		if (len >= NLMSG_HDRLEN) {
			copy->nlmsg_len = len;
			if (printeng_decode_device(copy, len, &s) == 0) {
				ok++;
				ck_assert_uint_le(s.num_supplies, e.num_supplies);
			}
		}
		free(copy);
	}
	/* Only cuts between whole meters or supplies can still decode. */
	ck_assert_int_le(ok, 1 + __PRINTENG_METER_COUNT + (int)e.num_supplies);
	ck_assert_int_eq(printeng_decode_device(nlh, full, &s), 0);
	ck_assert_int_eq(printeng_decode_device(NULL, 0, &s), -EBADMSG);
	nlmsg_free(m);
}
END_TEST

START_TEST(test_get_corrupted)
{
	struct printeng_snap e, s;
	struct nlmsghdr *nlh, *copy;
	struct nl_msg *m;
	uint32_t full, seed = 12345;
	unsigned int i, k;

	/* Deterministic byte corruption after the headers: never a crash,
	 * never a read outside the message (ASan). */
	fill_expected(&e);
	m = build_get(&e, V_OK);
	nlh = nlmsg_hdr(m);
	full = nlh->nlmsg_len;
	copy = malloc(full);
	ck_assert_ptr_nonnull(copy);
	for (i = 0; i < 3000; i++) {
		memcpy(copy, nlh, full);
		for (k = 0; k < 1 + i % 4; k++) {
			uint32_t at;

			seed = seed * 1103515245u + 12345u;
			at = NLMSG_HDRLEN + GENL_HDRLEN +
			     (seed >> 8) % (full - NLMSG_HDRLEN - GENL_HDRLEN);
			((unsigned char *)copy)[at] = (unsigned char)(seed >> 24);
		}
		if (printeng_decode_device(copy, full, &s) == 0) {
			ck_assert_uint_le(s.num_supplies, PRINTENG_SUPPLIES_MAX);
			ck_assert_uint_eq(s.meter_mask >> PRINTENG_METERS_MAX, 0);
		}
	}
	free(copy);
	nlmsg_free(m);
}
END_TEST

/* ---- events ---- */

static struct nl_msg *build_supply_ntf(const struct printeng_snap *e,
				       unsigned int k, uint32_t old,
				       enum variant var)
{
	struct nl_msg *m = msg_new(PRINTENG_CMD_SUPPLY_NTF);

	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_DEV_INDEX, e->index), 0);
	put_u64(m, PRINTENG_A_GENERATION, e->generation, PRINTENG_A_PAD, var);
	put_supply(m, k, &e->supplies[k], &old, var);
	if (var == V_TWO_SUPPLIES)
		put_supply(m, 0, &e->supplies[0], &old, var);
	return m;
}

static struct nl_msg *build_meters_ntf(const struct printeng_snap *e,
				       enum variant var)
{
	struct nl_msg *m = msg_new(PRINTENG_CMD_METERS_NTF);
	unsigned int i;

	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_DEV_INDEX, e->index), 0);
	put_u64(m, PRINTENG_A_GENERATION, e->generation, PRINTENG_A_PAD, var);
	if (var != V_NO_TIMESTAMP)
		put_u64(m, PRINTENG_A_TIMESTAMP, e->real_ns, PRINTENG_A_PAD, var);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		if (printeng_snap_has_meter(e, i))
			put_meter(m, i, e->meters[i], var);
	return m;
}

static struct nl_msg *build_removed_ntf(unsigned int index)
{
	struct nl_msg *m = msg_new(PRINTENG_CMD_REMOVED_NTF);

	ck_assert_int_eq(nla_put_u32(m, PRINTENG_A_DEV_INDEX, index), 0);
	return m;
}

static int decode_ev(struct nl_msg *m, struct printeng_event *ev)
{
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	int ret;

	memset(ev, 0x77, sizeof(*ev));
	ret = printeng_decode_event(nlh, nlh->nlmsg_len, ev);
	nlmsg_free(m);
	return ret;
}

START_TEST(test_event_supply)
{
	struct printeng_event ev;
	struct printeng_snap e;

	fill_expected(&e);
	ck_assert_int_eq(decode_ev(build_supply_ntf(&e, 1, PRINTENG_STATE_OK,
						    V_OK), &ev), 0);
	ck_assert_int_eq(ev.type, PRINTENG_EVENT_SUPPLY);
	ck_assert_uint_eq(ev.index, 2);
	ck_assert_uint_eq(ev.generation, e.generation);
	ck_assert_uint_eq(ev.supply_index, 1);
	ck_assert_uint_eq(ev.old_state, PRINTENG_STATE_OK);
	ck_assert_uint_eq(ev.supply.state, PRINTENG_STATE_LOW);
	ck_assert_int_eq(ev.supply.level, 5);
	ck_assert_int_eq(ev.supply.max_capacity, 100);
	ck_assert_uint_eq(ev.supply.type, PRINTENG_SUPPLY_TONER);
	ck_assert_uint_eq(ev.supply.unit, PRINTENG_UNIT_PERCENT);
	ck_assert_uint_eq(ev.supply.replaced, 3);
	ck_assert_str_eq(ev.supply.colorant, "cyan");
	ck_assert_str_eq(ev.supply.description, e.supplies[1].description);
	/* Fields of other event types are zero. */
	ck_assert_uint_eq(ev.meter_mask, 0);
	ck_assert_uint_eq(ev.real_ns, 0);
	ck_assert_uint_eq(ev.meters[0], 0);

	ck_assert_int_eq(decode_ev(build_supply_ntf(&e, 4, PRINTENG_STATE_EMPTY,
						    V_NESTED_FLAG), &ev), 0);
	ck_assert_uint_eq(ev.supply_index, 4);
	ck_assert_uint_eq(ev.old_state, PRINTENG_STATE_EMPTY);
	ck_assert_uint_eq(ev.supply.state, PRINTENG_STATE_MISSING);
	ck_assert_int_eq(ev.supply.level, PRINTENG_LEVEL_UNKNOWN);

	ck_assert_int_eq(decode_ev(build_supply_ntf(&e, 1, 0, V_NO_OLD_STATE),
				   &ev), -EBADMSG);
	ck_assert_int_eq(decode_ev(build_supply_ntf(&e, 1, 0, V_OLD_STATE_9),
				   &ev), -EPROTO);
	ck_assert_int_eq(decode_ev(build_supply_ntf(&e, 1, 0, V_TWO_SUPPLIES),
				   &ev), -EBADMSG);
	ck_assert_int_eq(decode_ev(build_supply_ntf(&e, 1, 0, V_SUPPLY_STATE_4),
				   &ev), -EPROTO);
	ck_assert_int_eq(decode_ev(build_supply_ntf(&e, 1, 0, V_SUPPLY_NO_DESC),
				   &ev), -EBADMSG);
}
END_TEST

START_TEST(test_event_meters)
{
	struct printeng_event ev;
	struct printeng_snap e;
	unsigned int i;

	fill_expected(&e);
	e.meter_mask &= ~(1ull << PRINTENG_METER_IMPRESSIONS_LARGE);
	ck_assert_int_eq(decode_ev(build_meters_ntf(&e, V_OK), &ev), 0);
	ck_assert_int_eq(ev.type, PRINTENG_EVENT_METERS);
	ck_assert_uint_eq(ev.index, 2);
	ck_assert_uint_eq(ev.generation, e.generation);
	ck_assert_uint_eq(ev.real_ns, e.real_ns);
	ck_assert_uint_eq(ev.meter_mask, e.meter_mask);
	for (i = 0; i < PRINTENG_METERS_MAX; i++)
		ck_assert_uint_eq(ev.meters[i], printeng_snap_has_meter(&e, i) ?
				  e.meters[i] : 0);
	ck_assert_uint_eq(ev.supply_index, 0);
	ck_assert_str_eq(ev.supply.description, "");

	ck_assert_int_eq(decode_ev(build_meters_ntf(&e, V_NO_TIMESTAMP), &ev),
			 -EBADMSG);
	ck_assert_int_eq(decode_ev(build_meters_ntf(&e, V_METER_NAME_WRONG), &ev),
			 -EPROTO);
	ck_assert_int_eq(decode_ev(build_meters_ntf(&e, V_METER_NO_VALUE), &ev),
			 -EBADMSG);
	ck_assert_int_eq(decode_ev(build_meters_ntf(&e, V_UNKNOWN_ATTRS), &ev), 0);
}
END_TEST

START_TEST(test_event_removed_and_others)
{
	struct printeng_event ev;
	struct printeng_snap e;
	struct nl_msg *m;

	ck_assert_int_eq(decode_ev(build_removed_ntf(7), &ev), 0);
	ck_assert_int_eq(ev.type, PRINTENG_EVENT_REMOVED);
	ck_assert_uint_eq(ev.index, 7);
	ck_assert_uint_eq(ev.generation, 0);

	/* A removal without its device. */
	ck_assert_int_eq(decode_ev(msg_new(PRINTENG_CMD_REMOVED_NTF), &ev),
			 -EBADMSG);
	/* Not events. */
	fill_expected(&e);
	ck_assert_int_eq(decode_ev(build_get(&e, V_OK), &ev), -EPROTO);
	ck_assert_int_eq(decode_ev(msg_new(PRINTENG_CMD_UNSPEC), &ev), -EPROTO);
	ck_assert_int_eq(decode_ev(msg_new(99), &ev), -EPROTO);
	/* A GET reply is not decoded from an event. */
	m = build_removed_ntf(1);
	ck_assert_int_eq(decode_get(m, &e), -EPROTO);
	nlmsg_free(m);
}
END_TEST

/* ---- the event reader, over real netlink sockets ---- */

struct sockpair {
	int rx, tx;
	uint32_t rx_port;
};

static void pair_open(struct sockpair *p)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(a);

	p->rx = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       NETLINK_USERSOCK);
	p->tx = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_USERSOCK);
	ck_assert_int_ge(p->rx, 0);
	ck_assert_int_ge(p->tx, 0);
	ck_assert_int_eq(bind(p->rx, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(p->rx, (struct sockaddr *)&a, &len), 0);
	p->rx_port = a.nl_pid;
	a.nl_pid = 0;
	ck_assert_int_eq(bind(p->tx, (struct sockaddr *)&a, sizeof(a)), 0);
}

static void pair_close(struct sockpair *p)
{
	close(p->rx);
	close(p->tx);
}

/* One datagram holding @n messages, to the receiver. */
static void send_msgs(struct sockpair *p, struct nl_msg **m, unsigned int n,
		      uint16_t type)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = p->rx_port };
	unsigned char buf[16384];
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct nlmsghdr *h = nlmsg_hdr(m[i]);

		h->nlmsg_type = type;
		ck_assert_uint_le(len + NLMSG_ALIGN(h->nlmsg_len), sizeof(buf));
		memcpy(buf + len, h, h->nlmsg_len);
		len += NLMSG_ALIGN(h->nlmsg_len);
		nlmsg_free(m[i]);
	}
	ck_assert_int_eq(sendto(p->tx, buf, len, 0, (struct sockaddr *)&to,
				sizeof(to)), (ssize_t)len);
}

static void send_one(struct sockpair *p, struct nl_msg *m)
{
	send_msgs(p, &m, 1, FAMILY);
}

struct seen {
	unsigned int n;
	struct printeng_event ev[256];
	int stop_at;		/* return 42 from this event on (-1: never) */
};

static int collect(const struct printeng_event *ev, void *arg)
{
	struct seen *s = arg;

	if (s->stop_at >= 0 && s->n >= (unsigned int)s->stop_at)
		return 42;
	if (s->n < N(s->ev))
		s->ev[s->n] = *ev;
	s->n++;
	return 0;
}

static struct printeng_ctx *gctx;

static void setup_ctx(void)
{
	ck_assert_int_eq(printeng_ctx_new(NULL, &gctx), 0);
}

static void teardown_ctx(void)
{
	printeng_ctx_free(gctx);
}

START_TEST(test_reader_delivers)
{
	struct seen s = { .stop_at = -1 };
	struct printeng_snap e;
	struct sockpair p;
	struct nl_msg *two[2];
	struct nl_msg *other;

	fill_expected(&e);
	pair_open(&p);
	/* Nothing waiting: 0 events, no blocking. */
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 0);

	send_one(&p, build_supply_ntf(&e, 1, PRINTENG_STATE_OK, V_OK));
	other = build_removed_ntf(9);		/* another family's message */
	send_msgs(&p, &other, 1, FAMILY + 1);
	two[0] = build_meters_ntf(&e, V_OK);	/* two in one datagram */
	two[1] = build_removed_ntf(2);
	send_msgs(&p, two, 2, FAMILY);
	other = build_removed_ntf(9);
	send_msgs(&p, &other, 1, NLMSG_NOOP);

	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 3);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_int_eq(s.ev[0].type, PRINTENG_EVENT_SUPPLY);
	ck_assert_uint_eq(s.ev[0].supply_index, 1);
	ck_assert_int_eq(s.ev[1].type, PRINTENG_EVENT_METERS);
	ck_assert_uint_eq(s.ev[1].meters[PRINTENG_METER_SHEETS_DUPLEX], UINT64_MAX);
	ck_assert_int_eq(s.ev[2].type, PRINTENG_EVENT_REMOVED);
	ck_assert_uint_eq(s.ev[2].index, 2);
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 0);

	/* Only the kernel may send events: a process's are dropped. */
	send_one(&p, build_removed_ntf(2));
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, true, collect,
					    &s), 0);
	ck_assert_uint_eq(s.n, 3);
	pair_close(&p);
}
END_TEST

START_TEST(test_reader_stop_and_bound)
{
	struct seen s = { .stop_at = 1 };
	struct sockpair p;
	unsigned int i;

	pair_open(&p);
	for (i = 0; i < 3; i++)
		send_one(&p, build_removed_ntf(i));
	/* The callback stops: its value comes back; that event is consumed. */
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 42);
	ck_assert_uint_eq(s.n, 1);
	s.stop_at = -1;
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 1);
	ck_assert_uint_eq(s.ev[1].index, 2);

	/* A flood is handed out 64 datagrams per call. */
	s.n = 0;
	for (i = 0; i < 100; i++)
		send_one(&p, build_removed_ntf(i));
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 64);
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 36);
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 0);
	for (i = 0; i < 100; i++)
		ck_assert_uint_eq(s.ev[i].index, i);
	pair_close(&p);
}
END_TEST

START_TEST(test_reader_bad_message)
{
	struct seen s = { .stop_at = -1 };
	struct printeng_snap e;
	struct sockpair p;

	fill_expected(&e);
	pair_open(&p);
	send_one(&p, build_removed_ntf(1));
	send_one(&p, build_supply_ntf(&e, 1, 0, V_NO_OLD_STATE));
	send_one(&p, build_removed_ntf(3));
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), -EBADMSG);
	ck_assert_msg(strstr(printeng_ctx_error(gctx), "OLD_STATE"), "%s",
		      printeng_ctx_error(gctx));
	ck_assert_uint_eq(s.n, 1);
	/* The bad one was consumed; the reader goes on. */
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 1);
	ck_assert_uint_eq(s.ev[1].index, 3);
	ck_assert_str_eq(printeng_ctx_error(gctx), "");
	pair_close(&p);
}
END_TEST

START_TEST(test_reader_overflow)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_groups = 1u << 2 };
	struct seen s = { .stop_at = -1 };
	unsigned int i, total = 0, overflows = 0;
	struct printeng_snap e;
	struct sockpair p;
	int group = 3, tiny = 1, ret;

	fill_expected(&e);
	pair_open(&p);
	ck_assert_int_eq(setsockopt(p.rx, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
				    &group, sizeof(group)), 0);
	ck_assert_int_eq(setsockopt(p.rx, SOL_SOCKET, SO_RCVBUF, &tiny,
				    sizeof(tiny)), 0);
	/* Multicast, like the kernel's events: a full receiver loses them
	 * and is told so by ENOBUFS. */
	for (i = 0; i < 200; i++) {
		struct nl_msg *m = build_meters_ntf(&e, V_OK);
		struct nlmsghdr *h = nlmsg_hdr(m);

		h->nlmsg_type = FAMILY;
		/* The broadcast is done even when the unicast part of the
		 * send (to port 0) is refused. */
		(void)sendto(p.tx, h, h->nlmsg_len, 0, (struct sockaddr *)&to,
			     sizeof(to));
		nlmsg_free(m);
	}
	for (i = 0; i < 100; i++) {
		ret = pel_nl_read_events(gctx, p.rx, FAMILY, false, collect, &s);
		if (ret == -ENOBUFS) {
			overflows++;
			ck_assert_msg(strstr(printeng_ctx_error(gctx),
					     "resynchronise"), "%s",
				      printeng_ctx_error(gctx));
			continue;
		}
		ck_assert_int_ge(ret, 0);
		if (ret == 0)
			break;
		total += (unsigned int)ret;
	}
	ck_assert_uint_eq(overflows, 1);
	ck_assert_uint_gt(s.n, 0);
	ck_assert_uint_lt(s.n, 200);
	ck_assert_uint_le(total, s.n);
	/* The socket works on after the overflow. */
	send_one(&p, build_removed_ntf(5));
	ck_assert_int_eq(pel_nl_read_events(gctx, p.rx, FAMILY, false, collect,
					    &s), 1);
	pair_close(&p);
}
END_TEST

static Suite *genl_suite(void)
{
	Suite *s = suite_create("libprinteng_genl");
	TCase *tc;

	tc = tcase_create("decode");
	tcase_add_test(tc, test_get_every_field);
	tcase_add_test(tc, test_get_subset);
	tcase_add_loop_test(tc, test_get_variants, 0, (int)N(get_cases));
	tcase_add_test(tc, test_get_truncated);
	tcase_add_test(tc, test_get_corrupted);
	tcase_add_test(tc, test_event_supply);
	tcase_add_test(tc, test_event_meters);
	tcase_add_test(tc, test_event_removed_and_others);
	suite_add_tcase(s, tc);

	tc = tcase_create("reader");
	tcase_add_checked_fixture(tc, setup_ctx, teardown_ctx);
	tcase_add_test(tc, test_reader_delivers);
	tcase_add_test(tc, test_reader_stop_and_bound);
	tcase_add_test(tc, test_reader_bad_message);
	tcase_add_test(tc, test_reader_overflow);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(genl_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
