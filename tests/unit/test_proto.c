// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_proto: the wire protocol codecs.  Round trips of every message,
 * every rejection path of the decoders and encoders, the time and
 * Retry-After helpers, and hostile input (every truncation, byte
 * mutations with a fixed seed, deep nesting, oversize bodies).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/proto.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void fill_poll_req(struct proto_poll_req *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->device.device_id, "SIM0001");
	strcpy(m->device.model, "esol Sim 3000 \xc3\xa9");	/* UTF-8 é */
	strcpy(m->device.engine_fw, "E1.2.3");
	strcpy(m->device.controller_fw, "C4.5.6");
	strcpy(m->device.agent_version, "0.1.0");
	m->config.enabled = true;
	m->config.poll_hour = 2;
	m->config.poll_minute = 30;
	strcpy(m->config.timezone, "Europe/Berlin");
	m->config.spread_minutes = 30;
	m->config.proxy_mode = PROTO_PROXY_AUTO;
	m->state.supplies_enabled = true;
	m->state.supplies_interval_s = 86400;
	m->state.spool_pending = 3;
	m->state.has_last_poll = true;
	m->state.last_poll = 1793497632;
}

static void fill_read(struct proto_meter_read *m)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->device_id, "SIM0001");
	strcpy(m->read_id, "SIM0001-1793497632-42");
	strcpy(m->request_id, "rq-SIM0001-2026-11");
	m->generation = UINT64_MAX;
	m->taken_at = 1793497632;
	m->meter_mask = (1u << PROTO_METER_COUNT) - 1;
	for (int i = 0; i < PROTO_METER_COUNT; i++)
		m->meters[i] = (uint64_t)i * 1000003u;
	m->meters[PROTO_METER_IMPRESSIONS_TOTAL] = UINT64_MAX;
	m->meters[PROTO_METER_SHEETS_DUPLEX] = (uint64_t)INT64_MAX + 1;
}

static void fill_supplies(struct proto_supplies_report *m, unsigned int n)
{
	memset(m, 0, sizeof(*m));
	strcpy(m->device_id, "SIM0001");
	strcpy(m->report_id, "SIM0001-s-1793497633-1");
	m->trigger = PROTO_TRIGGER_EVENT;
	m->generation = 9187;
	m->taken_at = 1793497633;
	m->n_supplies = n;
	for (unsigned int i = 0; i < n; i++) {
		struct proto_supply *s = &m->supplies[i];

		s->index = i + 1;
		s->type = (enum proto_supply_type)(i % PROTO_SUPPLY_TYPE_COUNT);
		snprintf(s->colorant, sizeof(s->colorant), "c%u", i);
		snprintf(s->description, sizeof(s->description), "Supply \"%u\" \\ /", i);
		s->level = (int32_t)i - 3;
		s->max_capacity = i == 0 ? INT32_MAX : 100;
		s->unit = (enum proto_supply_unit)(i % PROTO_UNIT_COUNT);
		s->state = (enum proto_supply_state)(i % PROTO_STATE_COUNT);
		s->replaced = i == 1 ? UINT32_MAX : i;
	}
}

static void fill_reply(struct proto_poll_reply *m)
{
	memset(m, 0, sizeof(*m));
	m->server_time = 1793497632;
	m->read_meters = true;
	strcpy(m->request_id, "rq-SIM0001-2026-11");
	strcpy(m->billing_cycle, "2026-11");
	m->has_supplies = true;
	m->supplies_enabled = true;
	m->supplies_interval_s = 86400;
	m->retry_after_s = 600;
}

/* ---- round trips ---- */

START_TEST(rt_poll_req)
{
	struct proto_poll_req a, b;
	char *out;
	size_t n;

	fill_poll_req(&a);
	ck_assert_int_eq(proto_encode_poll_req(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_uint_eq(strlen(out), n);
	ck_assert_ptr_null(strstr(out, "\": "));	/* compact */
	ck_assert_int_eq(proto_decode_poll_req(out, n, &b, NULL), PROTO_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	ck_assert_ptr_nonnull(strstr(out, "\"poll_time\":\"02:30\""));
	ck_assert_ptr_nonnull(strstr(out, "\"last_poll\":\"2026-11-01T01:47:12Z\""));
	free(out);

	a.state.has_last_poll = false;
	a.state.last_poll = 0;
	a.state.supplies_enabled = false;
	a.state.supplies_interval_s = 0;
	a.config.proxy_mode = PROTO_PROXY_NONE;
	a.config.poll_hour = 23;
	a.config.poll_minute = 59;
	memset(a.device.engine_fw, 0, sizeof(a.device.engine_fw));
	ck_assert_int_eq(proto_encode_poll_req(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_ptr_null(strstr(out, "last_poll"));
	/* the lean poll: the defaults and config.enabled are not sent */
	a.state.spool_pending = 0;
	free(out);
	ck_assert_int_eq(proto_encode_poll_req(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_ptr_null(strstr(out, "enabled"));
	ck_assert_ptr_null(strstr(out, "supplies_interval_s"));
	ck_assert_ptr_null(strstr(out, "spool_pending"));
	ck_assert_ptr_nonnull(strstr(out, "\"state\":{}"));
	ck_assert_int_eq(proto_decode_poll_req(out, n, &b, NULL), PROTO_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	free(out);
	/* participation off is never encoded into a poll */
	a.config.enabled = false;
	ck_assert_int_eq(proto_encode_poll_req(&a, &out, &n, NULL), PROTO_E_VALUE);
}
END_TEST

/* A brief poll: device_id and the tag; the canonical text of a tag. */
START_TEST(rt_poll_req_brief)
{
	struct proto_poll_req a, b, want;
	char canon[PROTO_CANON_MAX], hex[9];
	char *out;
	size_t n;

	fill_poll_req(&a);
	strcpy(a.identity_tag, "00ff00ff00ff00ff");
	ck_assert_int_eq(proto_encode_poll_req(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_str_eq(out, "{\"device\":{\"device_id\":\"SIM0001\"},\"identity_tag\":"
			 "\"00ff00ff00ff00ff\",\"state\":{\"supplies_enabled\":true,"
			 "\"supplies_interval_s\":86400,\"spool_pending\":3,"
			 "\"last_poll\":\"2026-11-01T01:47:12Z\"}}");
	ck_assert_int_eq(proto_decode_poll_req(out, n, &b, NULL), PROTO_OK);
	/* what is decoded: device_id, the tag and the state; the rest zero */
	memset(&want, 0, sizeof(want));
	strcpy(want.device.device_id, a.device.device_id);
	strcpy(want.identity_tag, a.identity_tag);
	want.state = a.state;
	ck_assert_mem_eq(&b, &want, sizeof(b));
	free(out);
	/* a brief poll needs no configuration to encode (it carries none) */
	memset(&a.config, 0, sizeof(a.config));
	ck_assert_int_eq(proto_encode_poll_req(&a, &out, &n, NULL), PROTO_OK);
	free(out);
	/* a tag the decoder would refuse is never sent */
	strcpy(a.identity_tag, "00FF00FF00FF00FF");
	ck_assert_int_eq(proto_encode_poll_req(&a, &out, &n, NULL), PROTO_E_INVALID);

	fill_poll_req(&a);
	n = proto_identity_canon(&a.device, &a.config, canon, sizeof(canon));
	ck_assert_str_eq(canon, "SIM0001\nesol Sim 3000 \xc3\xa9\nE1.2.3\nC4.5.6\n0.1.0\n"
			 "02:30\nEurope/Berlin\n30\nauto\n");
	ck_assert_uint_eq(n, strlen(canon));
	ck_assert_uint_eq(proto_identity_canon(&a.device, &a.config, canon, 10), 0);
	proto_hex("\x00\x9f\xa0\xff", 4, hex);
	ck_assert_str_eq(hex, "009fa0ff");
}
END_TEST

START_TEST(rt_poll_reply)
{
	struct proto_poll_reply a, b;
	char *out;
	size_t n;

	fill_reply(&a);
	ck_assert_int_eq(proto_encode_poll_reply(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_int_eq(proto_decode_poll_reply(out, n, &b, NULL), PROTO_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	free(out);

	/* supplies disabled: no interval_s on the wire */
	a.supplies_enabled = false;
	a.supplies_interval_s = 0;
	a.read_meters = false;
	memset(a.request_id, 0, sizeof(a.request_id));
	memset(a.billing_cycle, 0, sizeof(a.billing_cycle));
	a.retry_after_s = 0;
	ck_assert_int_eq(proto_encode_poll_reply(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_ptr_null(strstr(out, "interval_s"));
	ck_assert_ptr_null(strstr(out, "retry_after_s"));
	ck_assert_int_eq(proto_decode_poll_reply(out, n, &b, NULL), PROTO_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	free(out);

	/* no actions at all */
	a.has_supplies = false;
	a.supplies_enabled = false;
	ck_assert_int_eq(proto_encode_poll_reply(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_str_eq(out, "{\"server_time\":\"2026-11-01T01:47:12Z\",\"actions\":[]}");
	ck_assert_int_eq(proto_decode_poll_reply(out, n, &b, NULL), PROTO_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	free(out);
}
END_TEST

START_TEST(rt_meter_read)
{
	struct proto_meter_read a, b;
	char *out;
	size_t n;

	fill_read(&a);
	ck_assert_int_eq(proto_encode_meter_read(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_ptr_nonnull(strstr(out, "\"impressions_total\":\"18446744073709551615\""));
	ck_assert_ptr_nonnull(strstr(out, "\"sheets_duplex\":\"9223372036854775808\""));
	ck_assert_int_eq(proto_decode_meter_read(out, n, &b, NULL), PROTO_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	free(out);

	/* a subset of meters, zero values */
	a.meter_mask = 1u << PROTO_METER_SHEETS_TOTAL;
	memset(a.meters, 0, sizeof(a.meters));
	a.generation = 0;
	ck_assert_int_eq(proto_encode_meter_read(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_ptr_nonnull(strstr(out, "\"meters\":{\"sheets_total\":\"0\"}"));
	ck_assert_int_eq(proto_decode_meter_read(out, n, &b, NULL), PROTO_OK);
	ck_assert_mem_eq(&a, &b, sizeof(a));
	free(out);
}
END_TEST

START_TEST(rt_supplies)
{
	static struct proto_supplies_report a, b;
	char *out;
	size_t n;

	for (unsigned int cnt = 0; cnt <= PROTO_SUPPLIES_MAX; cnt += 8) {
		fill_supplies(&a, cnt);
		ck_assert_int_eq(proto_encode_supplies(&a, &out, &n, NULL), PROTO_OK);
		ck_assert_int_eq(proto_decode_supplies(out, n, &b, NULL), PROTO_OK);
		ck_assert_mem_eq(&a, &b, sizeof(a));
		free(out);
	}
}
END_TEST

START_TEST(rt_acks_and_error)
{
	struct proto_ack a = { .status = PROTO_ACK_DUPLICATE, .id = "r-1" }, b;
	struct proto_error_reply e = { .error = "unknown_field", .message = "meters.x: unknown" }, f;
	char *out;
	size_t n;

	ck_assert_int_eq(proto_encode_read_ack(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_str_eq(out, "{\"status\":\"duplicate\",\"read_id\":\"r-1\"}");
	ck_assert_int_eq(proto_decode_read_ack(out, n, &b, NULL), PROTO_OK);
	ck_assert_int_eq(b.status, PROTO_ACK_DUPLICATE);
	ck_assert_str_eq(b.id, "r-1");
	/* a read ack is not a supplies ack */
	ck_assert_int_eq(proto_decode_supplies_ack(out, n, &b, NULL), PROTO_E_UNKNOWN_FIELD);
	free(out);

	a.status = PROTO_ACK_STORED;
	ck_assert_int_eq(proto_encode_supplies_ack(&a, &out, &n, NULL), PROTO_OK);
	ck_assert_str_eq(out, "{\"status\":\"stored\",\"report_id\":\"r-1\"}");
	ck_assert_int_eq(proto_decode_supplies_ack(out, n, &b, NULL), PROTO_OK);
	ck_assert_int_eq(b.status, PROTO_ACK_STORED);
	ck_assert_str_eq(b.id, "r-1");
	free(out);

	ck_assert_int_eq(proto_encode_error(&e, &out, &n, NULL), PROTO_OK);
	ck_assert_int_eq(proto_decode_error(out, n, &f, NULL), PROTO_OK);
	ck_assert_str_eq(f.error, e.error);
	ck_assert_str_eq(f.message, e.message);
	free(out);
}
END_TEST

/* ---- decoder rejections ---- */

enum msg { M_POLL, M_REPLY, M_READ, M_SUPPLIES, M_RACK, M_SACK, M_ERROR };

static enum proto_err decode_any(enum msg k, const char *buf, size_t len, struct proto_error *err)
{
	static union {
		struct proto_poll_req p;
		struct proto_poll_reply r;
		struct proto_meter_read m;
		struct proto_supplies_report s;
		struct proto_ack a;
		struct proto_error_reply e;
	} u;

	switch (k) {
	case M_POLL: return proto_decode_poll_req(buf, len, &u.p, err);
	case M_REPLY: return proto_decode_poll_reply(buf, len, &u.r, err);
	case M_READ: return proto_decode_meter_read(buf, len, &u.m, err);
	case M_SUPPLIES: return proto_decode_supplies(buf, len, &u.s, err);
	case M_RACK: return proto_decode_read_ack(buf, len, &u.a, err);
	case M_SACK: return proto_decode_supplies_ack(buf, len, &u.a, err);
	case M_ERROR: return proto_decode_error(buf, len, &u.e, err);
	}
	return PROTO_E_INVALID;
}

#define POLL_DEV "\"device\":{\"device_id\":\"SIM0001\",\"model\":\"M\",\"engine_fw\":\"E\"," \
		 "\"controller_fw\":\"C\",\"agent_version\":\"1\"}"
#define POLL_CFG "\"config\":{\"enabled\":true,\"poll_time\":\"02:30\",\"timezone\":\"UTC\"," \
		 "\"spread_minutes\":0,\"proxy_mode\":\"none\"}"
#define POLL_ST  "\"state\":{\"supplies_enabled\":false,\"supplies_interval_s\":0,\"spool_pending\":0}"
#define READ_HEAD "\"device_id\":\"D1\",\"read_id\":\"r1\",\"request_id\":\"q1\"," \
		  "\"generation\":\"1\",\"taken_at\":\"2026-11-01T00:00:00Z\""
#define SUP_HEAD "\"device_id\":\"D1\",\"report_id\":\"s1\",\"trigger\":\"interval\"," \
		 "\"generation\":\"1\",\"taken_at\":\"2026-11-01T00:00:00Z\""
#define SUP_ENTRY(idx, level) "{\"index\":" #idx ",\"type\":\"toner\",\"colorant\":\"black\"," \
		 "\"description\":\"\",\"level\":" #level ",\"max_capacity\":100,\"unit\":\"percent\"," \
		 "\"state\":\"ok\",\"replaced\":0}"
#define REPLY_HEAD "\"server_time\":\"2026-11-01T00:00:00Z\""

static const struct bad_case {
	enum msg kind;
	const char *json;
	enum proto_err code;
	const char *field;
} bad_cases[] = {
	/* sanity: these must pass (code PROTO_OK) */
	{ M_POLL, "{" POLL_DEV "," POLL_CFG "," POLL_ST "}", PROTO_OK, "" },
	{ M_POLL, " {" POLL_ST "," POLL_CFG "," POLL_DEV "}\n", PROTO_OK, "" },
	/* the lean poll: no config.enabled, the state's defaults left out */
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"poll_time\":\"02:30\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":0,\"proxy_mode\":\"none\"},\"state\":{}}", PROTO_OK, "" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":false,\"poll_time\":\"02:30\","
	  "\"timezone\":\"UTC\",\"spread_minutes\":0,\"proxy_mode\":\"none\"}," POLL_ST "}",
	  PROTO_E_VALUE, "config.enabled" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG ",\"state\":{\"supplies_interval_s\":300}}",
	  PROTO_E_RANGE, "state.supplies_interval_s" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"impressions_total\":\"0\"}}", PROTO_OK, "" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[" SUP_ENTRY(0, -3) "]}", PROTO_OK, "" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[]}", PROTO_OK, "" },
	{ M_ERROR, "{\"error\":\"busy\",\"message\":\"\"}", PROTO_OK, "" },

	/* syntax */
	{ M_POLL, "", PROTO_E_SYNTAX, "" },
	{ M_POLL, "{", PROTO_E_SYNTAX, "" },
	{ M_POLL, "nul", PROTO_E_SYNTAX, "" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG "," POLL_ST "}x", PROTO_E_SYNTAX, "" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG "," POLL_ST "}{}", PROTO_E_SYNTAX, "" },
	{ M_POLL, "[]", PROTO_E_TYPE, "" },
	{ M_POLL, "\"x\"", PROTO_E_SYNTAX, "" },
	{ M_POLL, "{'a':1}", PROTO_E_SYNTAX, "" },
	{ M_POLL, "{\"a\":1,}", PROTO_E_SYNTAX, "" },
	{ M_ERROR, "{\"error\":\"busy\",\"message\":\"\xff\"}", PROTO_E_SYNTAX, "" },
	{ M_ERROR, "{\"error\":\"busy\",\"message\":\"\xc0\xaf\"}", PROTO_E_SYNTAX, "" },
	{ M_ERROR, "{\"error\":\"busy\",\"message\":\"\\ud800\"}", PROTO_E_SYNTAX, "" },
	/* duplicate keys, top and nested */
	{ M_ERROR, "{\"error\":\"busy\",\"error\":\"busy\",\"message\":\"\"}", PROTO_E_SYNTAX, "" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"1\",\"sheets_total\":\"2\"}}",
	  PROTO_E_SYNTAX, "" },
	/* NUL and control characters */
	{ M_ERROR, "{\"error\":\"busy\",\"message\":\"a\\u0000b\"}", PROTO_E_SYNTAX, "" },
	{ M_ERROR, "{\"error\":\"busy\",\"message\":\"a\\nb\"}", PROTO_E_VALUE, "message" },
	{ M_ERROR, "{\"error\":\"busy\",\"message\":\"a\\u007fb\"}", PROTO_E_VALUE, "message" },
	{ M_ERROR, "{\"error\":\"Busy\",\"message\":\"\"}", PROTO_E_VALUE, "error" },
	{ M_ERROR, "{\"error\":\"\",\"message\":\"\"}", PROTO_E_RANGE, "error" },
	/* top level type */
	{ M_ERROR, "{\"error\":\"busy\",\"message\":\"\",\"x\":{}}", PROTO_E_UNKNOWN_FIELD, "x" },

	/* poll request */
	{ M_POLL, "{" POLL_DEV "," POLL_CFG "}", PROTO_E_MISSING, "state" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG "," POLL_ST ",\"ip\":\"10.0.0.1\"}",
	  PROTO_E_UNKNOWN_FIELD, "ip" },
	{ M_POLL, "{\"device\":[]," POLL_CFG "," POLL_ST "}", PROTO_E_TYPE, "device" },
	{ M_POLL, "{\"device\":{\"device_id\":\"SIM 1\",\"model\":\"M\",\"engine_fw\":\"E\","
	  "\"controller_fw\":\"C\",\"agent_version\":\"1\"}," POLL_CFG "," POLL_ST "}",
	  PROTO_E_VALUE, "device.device_id" },
	{ M_POLL, "{\"device\":{\"device_id\":\"0123456789012345678901234567890123\","
	  "\"model\":\"M\",\"engine_fw\":\"E\",\"controller_fw\":\"C\",\"agent_version\":\"1\"},"
	  POLL_CFG "," POLL_ST "}", PROTO_E_RANGE, "device.device_id" },
	{ M_POLL, "{\"device\":{\"device_id\":\"S\",\"model\":\"\",\"engine_fw\":\"E\","
	  "\"controller_fw\":\"C\",\"agent_version\":\"1\"}," POLL_CFG "," POLL_ST "}",
	  PROTO_E_RANGE, "device.model" },
	{ M_POLL, "{\"device\":{\"device_id\":\"S\",\"model\":\"M\",\"engine_fw\":\"E\","
	  "\"controller_fw\":\"C\",\"agent_version\":\"1\",\"hostname\":\"x\"}," POLL_CFG "," POLL_ST "}",
	  PROTO_E_UNKNOWN_FIELD, "device.hostname" },
	{ M_POLL, "{\"device\":{\"device_id\":\"S\",\"model\":\"M\",\"engine_fw\":\"E\","
	  "\"controller_fw\":\"C\"}," POLL_CFG "," POLL_ST "}", PROTO_E_MISSING, "device.agent_version" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":1,\"poll_time\":\"02:30\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":0,\"proxy_mode\":\"none\"}," POLL_ST "}", PROTO_E_TYPE, "config.enabled" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":true,\"poll_time\":\"24:00\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":0,\"proxy_mode\":\"none\"}," POLL_ST "}", PROTO_E_VALUE, "config.poll_time" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":true,\"poll_time\":\"2:30\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":0,\"proxy_mode\":\"none\"}," POLL_ST "}", PROTO_E_RANGE, "config.poll_time" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":true,\"poll_time\":\"02:60\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":0,\"proxy_mode\":\"none\"}," POLL_ST "}", PROTO_E_VALUE, "config.poll_time" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":true,\"poll_time\":\"02:30\",\"timezone\":\"../etc\","
	  "\"spread_minutes\":0,\"proxy_mode\":\"none\"}," POLL_ST "}", PROTO_E_VALUE, "config.timezone" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":true,\"poll_time\":\"02:30\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":721,\"proxy_mode\":\"none\"}," POLL_ST "}", PROTO_E_RANGE, "config.spread_minutes" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":true,\"poll_time\":\"02:30\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":-1,\"proxy_mode\":\"none\"}," POLL_ST "}", PROTO_E_RANGE, "config.spread_minutes" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":true,\"poll_time\":\"02:30\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":1.0,\"proxy_mode\":\"none\"}," POLL_ST "}", PROTO_E_TYPE, "config.spread_minutes" },
	{ M_POLL, "{" POLL_DEV ",\"config\":{\"enabled\":true,\"poll_time\":\"02:30\",\"timezone\":\"UTC\","
	  "\"spread_minutes\":0,\"proxy_mode\":\"pac\"}," POLL_ST "}", PROTO_E_VALUE, "config.proxy_mode" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG ",\"state\":{\"supplies_enabled\":true,"
	  "\"supplies_interval_s\":299,\"spool_pending\":0}}", PROTO_E_RANGE, "state.supplies_interval_s" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG ",\"state\":{\"supplies_enabled\":false,"
	  "\"supplies_interval_s\":300,\"spool_pending\":0}}", PROTO_E_RANGE, "state.supplies_interval_s" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG ",\"state\":{\"supplies_enabled\":false,"
	  "\"supplies_interval_s\":0,\"spool_pending\":1000001}}", PROTO_E_RANGE, "state.spool_pending" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG ",\"state\":{\"supplies_enabled\":false,"
	  "\"supplies_interval_s\":0,\"spool_pending\":0,\"last_poll\":\"2026-11-01T00:00:00+00:00\"}}",
	  PROTO_E_VALUE, "state.last_poll" },
	{ M_POLL, "{" POLL_DEV "," POLL_CFG ",\"state\":{\"supplies_enabled\":false,"
	  "\"supplies_interval_s\":0,\"spool_pending\":0,\"last_poll\":null}}",
	  PROTO_E_TYPE, "state.last_poll" },

	/* poll reply */
	{ M_REPLY, "{\"actions\":[]}", PROTO_E_MISSING, "server_time" },
	{ M_REPLY, "{" REPLY_HEAD "}", PROTO_E_MISSING, "actions" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":{}}", PROTO_E_TYPE, "actions" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[1]}", PROTO_E_TYPE, "actions[0]" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"reboot\"}]}", PROTO_E_VALUE, "actions[0].type" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"read_meters\",\"request_id\":\"q\","
	  "\"billing_cycle\":\"2026-13\"}]}", PROTO_E_VALUE, "actions[0].billing_cycle" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"read_meters\",\"request_id\":\"q\","
	  "\"billing_cycle\":\"2026-11\",\"extra\":1}]}", PROTO_E_UNKNOWN_FIELD, "actions[0].extra" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"read_meters\",\"request_id\":\"q w\","
	  "\"billing_cycle\":\"2026-11\"}]}", PROTO_E_VALUE, "actions[0].request_id" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"read_meters\",\"request_id\":\"q\","
	  "\"billing_cycle\":\"2026-11\"},{\"type\":\"read_meters\",\"request_id\":\"q\","
	  "\"billing_cycle\":\"2026-11\"}]}", PROTO_E_DUPLICATE, "actions[1].type" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"supplies\",\"enabled\":true}]}",
	  PROTO_E_MISSING, "actions[0].interval_s" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"supplies\",\"enabled\":false,\"interval_s\":300}]}",
	  PROTO_E_UNKNOWN_FIELD, "actions[0].interval_s" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"supplies\",\"enabled\":true,\"interval_s\":604801}]}",
	  PROTO_E_RANGE, "actions[0].interval_s" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{\"type\":\"supplies\",\"enabled\":true,\"interval_s\":299}]}",
	  PROTO_E_RANGE, "actions[0].interval_s" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[],\"retry_after_s\":0}", PROTO_E_RANGE, "retry_after_s" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[],\"retry_after_s\":86401}", PROTO_E_RANGE, "retry_after_s" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[],\"retry_after_s\":\"60\"}", PROTO_E_TYPE, "retry_after_s" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[],\"retry_after_s\":99999999999999999999999}",
	  PROTO_E_SYNTAX, "" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[],\"retry_after_s\":1e400}", PROTO_E_SYNTAX, "" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[],\"retry_after_s\":6e1}", PROTO_E_TYPE, "retry_after_s" },
	{ M_REPLY, "{" REPLY_HEAD ",\"actions\":[{},{},{},{},{},{},{},{},{}]}", PROTO_E_RANGE, "actions" },
	{ M_REPLY, "{\"server_time\":\"2026-02-29T00:00:00Z\",\"actions\":[]}", PROTO_E_VALUE, "server_time" },
	{ M_REPLY, "{\"server_time\":\"1999-12-31T23:59:59Z\",\"actions\":[]}", PROTO_E_RANGE, "server_time" },
	{ M_REPLY, "{\"server_time\":\"2026-11-01t00:00:00z\",\"actions\":[]}", PROTO_E_VALUE, "server_time" },
	{ M_REPLY, "{\"server_time\":\"2026-11-01T00:00:60Z\",\"actions\":[]}", PROTO_E_VALUE, "server_time" },
	{ M_REPLY, "{\"server_time\":\"2026-11-01T00:00:00.5Z\",\"actions\":[]}", PROTO_E_VALUE, "server_time" },
	{ M_REPLY, "{\"server_time\":1793497632,\"actions\":[]}", PROTO_E_TYPE, "server_time" },

	/* meter reads */
	{ M_READ, "{" READ_HEAD ",\"meters\":{}}", PROTO_E_RANGE, "meters" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"toner_used\":\"1\"}}", PROTO_E_UNKNOWN_FIELD, "meters.toner_used" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":1}}", PROTO_E_TYPE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"18446744073709551616\"}}",
	  PROTO_E_VALUE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"99999999999999999999\"}}",
	  PROTO_E_VALUE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"018\"}}", PROTO_E_VALUE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"-1\"}}", PROTO_E_VALUE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"+1\"}}", PROTO_E_VALUE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\" 1\"}}", PROTO_E_VALUE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"\"}}", PROTO_E_VALUE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"1e3\"}}", PROTO_E_VALUE, "meters.sheets_total" },
	{ M_READ, "{" READ_HEAD ",\"meters\":[]}", PROTO_E_TYPE, "meters" },
	{ M_READ, "{" READ_HEAD "}", PROTO_E_MISSING, "meters" },
	{ M_READ, "{\"device_id\":\"D1\",\"read_id\":\"\",\"request_id\":\"q1\",\"generation\":\"1\","
	  "\"taken_at\":\"2026-11-01T00:00:00Z\",\"meters\":{\"sheets_total\":\"1\"}}", PROTO_E_RANGE, "read_id" },
	{ M_READ, "{\"device_id\":\"D1\",\"read_id\":\"r/1\",\"request_id\":\"q1\",\"generation\":\"1\","
	  "\"taken_at\":\"2026-11-01T00:00:00Z\",\"meters\":{\"sheets_total\":\"1\"}}", PROTO_E_VALUE, "read_id" },
	{ M_READ, "{\"device_id\":\"D1\",\"read_id\":\"r1\",\"request_id\":\"q1\",\"generation\":1,"
	  "\"taken_at\":\"2026-11-01T00:00:00Z\",\"meters\":{\"sheets_total\":\"1\"}}", PROTO_E_TYPE, "generation" },
	{ M_READ, "{" READ_HEAD ",\"meters\":{\"sheets_total\":\"1\"},\"user\":\"bob\"}",
	  PROTO_E_UNKNOWN_FIELD, "user" },

	/* supplies */
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[]}", PROTO_OK, "" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[" SUP_ENTRY(0, -4) "]}", PROTO_E_RANGE, "supplies[0].level" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[" SUP_ENTRY(0, 2147483648) "]}",
	  PROTO_E_RANGE, "supplies[0].level" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[" SUP_ENTRY(65536, 1) "]}", PROTO_E_RANGE, "supplies[0].index" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[" SUP_ENTRY(1, 1) "," SUP_ENTRY(2, 1) "," SUP_ENTRY(1, 1) "]}",
	  PROTO_E_DUPLICATE, "supplies[2].index" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[{\"index\":0}]}", PROTO_E_MISSING, "supplies[0].type" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[[]]}", PROTO_E_TYPE, "supplies[0]" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[{\"index\":0,\"type\":\"drum\",\"colorant\":\"\","
	  "\"description\":\"\",\"level\":1,\"max_capacity\":1,\"unit\":\"percent\",\"state\":\"ok\",\"replaced\":0}]}",
	  PROTO_E_VALUE, "supplies[0].type" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[{\"index\":0,\"type\":\"toner\",\"colorant\":\"\","
	  "\"description\":\"\",\"level\":1,\"max_capacity\":1,\"unit\":\"percent\",\"state\":\"ok\",\"replaced\":4294967296}]}",
	  PROTO_E_RANGE, "supplies[0].replaced" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[{\"index\":0,\"type\":\"toner\",\"colorant\":\"0123456789abcdef\","
	  "\"description\":\"\",\"level\":1,\"max_capacity\":1,\"unit\":\"percent\",\"state\":\"ok\",\"replaced\":0}]}",
	  PROTO_E_RANGE, "supplies[0].colorant" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[{\"index\":0,\"type\":\"toner\",\"colorant\":\"\","
	  "\"description\":\"\",\"level\":1,\"max_capacity\":1,\"unit\":\"litres\",\"state\":\"ok\",\"replaced\":0}]}",
	  PROTO_E_VALUE, "supplies[0].unit" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[{\"index\":0,\"type\":\"toner\",\"colorant\":\"\","
	  "\"description\":\"\",\"level\":1,\"max_capacity\":1,\"unit\":\"percent\",\"state\":\"OK\",\"replaced\":0}]}",
	  PROTO_E_VALUE, "supplies[0].state" },
	{ M_SUPPLIES, "{" SUP_HEAD ",\"supplies\":[{\"index\":0,\"type\":\"toner\",\"colorant\":\"\","
	  "\"description\":\"\",\"level\":1,\"max_capacity\":1,\"unit\":\"percent\",\"state\":\"ok\",\"replaced\":0,"
	  "\"serial\":\"X\"}]}", PROTO_E_UNKNOWN_FIELD, "supplies[0].serial" },
	{ M_SUPPLIES, "{\"device_id\":\"D1\",\"report_id\":\"s1\",\"trigger\":\"manual\",\"generation\":\"1\","
	  "\"taken_at\":\"2026-11-01T00:00:00Z\",\"supplies\":[]}", PROTO_E_VALUE, "trigger" },

	/* brief polls: device_id and the tag, no config */
	{ M_POLL, "{\"device\":{\"device_id\":\"D1\"},\"identity_tag\":\"0123456789abcdef\","
	  "\"state\":{}}", PROTO_OK, "" },
	{ M_POLL, "{\"identity_tag\":\"0123456789abcdef\",\"device\":{\"device_id\":\"D1\"},"
	  POLL_CFG ",\"state\":{}}", PROTO_E_UNKNOWN_FIELD, "config" },
	{ M_POLL, "{\"identity_tag\":\"0123456789abcdef\"," POLL_DEV ",\"state\":{}}",
	  PROTO_E_UNKNOWN_FIELD, "device" },
	{ M_POLL, "{\"identity_tag\":\"0123456789ABCDEF\",\"device\":{\"device_id\":\"D1\"},"
	  "\"state\":{}}", PROTO_E_VALUE, "identity_tag" },
	{ M_POLL, "{\"identity_tag\":\"0123456789abcde\",\"device\":{\"device_id\":\"D1\"},"
	  "\"state\":{}}", PROTO_E_RANGE, "identity_tag" },
	{ M_POLL, "{\"identity_tag\":16,\"device\":{\"device_id\":\"D1\"},\"state\":{}}",
	  PROTO_E_TYPE, "identity_tag" },
	{ M_POLL, "{\"identity_tag\":\"0123456789abcdef\",\"device\":{},\"state\":{}}",
	  PROTO_E_MISSING, "device.device_id" },
	{ M_POLL, "{\"identity_tag\":\"0123456789abcdef\",\"device\":{\"device_id\":\"D1\"}}",
	  PROTO_E_MISSING, "state" },
	{ M_POLL, "{\"identity_tag\":\"0123456789abcdef\",\"device\":{\"device_id\":\"D1\"},"
	  "\"state\":{},\"x\":1}", PROTO_E_UNKNOWN_FIELD, "x" },
	/* acks */
	{ M_RACK, "{\"status\":\"stored\",\"read_id\":\"r1\"}", PROTO_OK, "" },
	{ M_RACK, "{\"status\":\"ok\",\"read_id\":\"r1\"}", PROTO_E_VALUE, "status" },
	{ M_RACK, "{\"status\":\"stored\"}", PROTO_E_MISSING, "read_id" },
	{ M_RACK, "{\"status\":\"stored\",\"read_id\":\"r1\",\"bill\":1}", PROTO_E_UNKNOWN_FIELD, "bill" },
	{ M_SACK, "{\"status\":\"duplicate\",\"report_id\":\"s1\"}", PROTO_OK, "" },
	{ M_SACK, "{\"status\":null,\"report_id\":\"s1\"}", PROTO_E_TYPE, "status" },
};

START_TEST(decode_rejects)
{
	const struct bad_case *c = &bad_cases[_i];
	struct proto_error err;

	memset(&err, 0, sizeof(err));
	enum proto_err e = decode_any(c->kind, c->json, strlen(c->json), &err);

	ck_assert_msg(e == c->code, "case %d: %s: got %s (%s), want %s", _i, c->json,
		      proto_err_name(e), err.message, proto_err_name(c->code));
	if (e) {
		ck_assert_int_eq(err.code, e);
		ck_assert_msg(strcmp(err.field, c->field) == 0, "case %d: field '%s', want '%s'",
			      _i, err.field, c->field);
		ck_assert(err.message[0] != '\0');
		if (c->field[0])
			ck_assert_ptr_nonnull(strstr(err.message, c->field));
		ck_assert_int_ge(proto_err_http_status(e), 400);
	}
}
END_TEST

/* A key with a control character is reported without it. */
START_TEST(decode_unknown_key_sanitised)
{
	struct proto_error err;
	const char *j = "{\"error\":\"busy\",\"message\":\"\",\"a\\u001bb\":1}";

	ck_assert_int_eq(decode_any(M_ERROR, j, strlen(j), &err), PROTO_E_UNKNOWN_FIELD);
	ck_assert_str_eq(err.field, "a?b");
}
END_TEST

START_TEST(decode_not_nul_terminated)
{
	/* The buffer is exactly the JSON, with no NUL after it (heap, ASan-checked). */
	const char *j = "{\"status\":\"stored\",\"read_id\":\"r1\"}";
	size_t n = strlen(j);
	char *b = malloc(n);
	struct proto_ack a;

	memcpy(b, j, n);
	ck_assert_int_eq(proto_decode_read_ack(b, n, &a, NULL), PROTO_OK);
	ck_assert_str_eq(a.id, "r1");
	/* an embedded NUL byte in the body is a syntax error */
	b[12] = '\0';
	ck_assert_int_ne(proto_decode_read_ack(b, n, &a, NULL), PROTO_OK);
	ck_assert_int_eq(proto_decode_read_ack(NULL, 0, &a, NULL), PROTO_E_SYNTAX);
	free(b);
}
END_TEST

START_TEST(decode_too_large)
{
	size_t n = PROTO_BODY_MAX + 1;
	char *b = malloc(n);
	struct proto_poll_req p;
	struct proto_error err;

	/* a valid-looking object padded with white space to one byte over */
	memset(b, ' ', n);
	b[0] = '{';
	b[n - 1] = '}';
	ck_assert_int_eq(proto_decode_poll_req(b, n, &p, &err), PROTO_E_TOO_LARGE);
	ck_assert_int_eq(proto_err_http_status(err.code), 413);
	/* exactly the limit is parsed (and then fails on content) */
	b[n - 2] = '}';
	ck_assert_int_eq(proto_decode_poll_req(b, n - 1, &p, &err), PROTO_E_MISSING);
	free(b);
}
END_TEST

START_TEST(decode_too_deep)
{
	static char b[60000];
	struct proto_supplies_report s;
	struct proto_error err;
	size_t n = 0;

	/* deep arrays inside a supplies entry */
	n += (size_t)snprintf(b, sizeof(b), "{" SUP_HEAD ",\"supplies\":[");
	for (int i = 0; i < 20000; i++)
		b[n++] = '[';
	ck_assert_int_eq(proto_decode_supplies(b, n, &s, &err), PROTO_E_TOO_DEEP);
	/* brackets inside strings do not count */
	n = (size_t)snprintf(b, sizeof(b),
			     "{\"error\":\"busy\",\"message\":\"[[[[[[[[[[[[[[[[\\\"{{{{{{{{{{{{\"}");
	struct proto_error_reply r;
	ck_assert_int_eq(proto_decode_error(b, n, &r, &err), PROTO_OK);
	/* depth 8 is allowed, 9 is not */
	ck_assert_int_eq(proto_decode_error("{\"x\":[[[[[[[1]]]]]]]}", 21, &r, &err),
			 PROTO_E_UNKNOWN_FIELD);
	ck_assert_int_eq(proto_decode_error("{\"x\":[[[[[[[[1]]]]]]]]}", 23, &r, &err),
			 PROTO_E_TOO_DEEP);
}
END_TEST

/* Every proper prefix of a valid message is rejected, without a crash. */
START_TEST(decode_every_truncation)
{
	static struct proto_supplies_report a, b;
	struct proto_meter_read r, r2;
	char *out;
	size_t n;

	fill_supplies(&a, 5);
	ck_assert_int_eq(proto_encode_supplies(&a, &out, &n, NULL), PROTO_OK);
	for (size_t k = 0; k < n; k++) {
		char *p = malloc(k ? k : 1);

		memcpy(p, out, k);
		ck_assert_int_ne(proto_decode_supplies(p, k, &b, NULL), PROTO_OK);
		free(p);
	}
	free(out);
	fill_read(&r);
	ck_assert_int_eq(proto_encode_meter_read(&r, &out, &n, NULL), PROTO_OK);
	for (size_t k = 0; k < n; k++) {
		char *p = malloc(k ? k : 1);

		memcpy(p, out, k);
		ck_assert_int_ne(proto_decode_meter_read(p, k, &r2, NULL), PROTO_OK);
		free(p);
	}
	free(out);
}
END_TEST

/* Seeded byte mutations of valid messages through every decoder. */
START_TEST(decode_mutations)
{
	static const char tokens[] = "{}[]\",:\\0123456789-+.eE tfnul\xff\xc3\x80\x01";
	struct proto_poll_req p;
	struct proto_poll_reply rp;
	char *bodies[3];
	size_t lens[3];
	unsigned int seed = 12345;
	int ok = 0;

	fill_poll_req(&p);
	fill_reply(&rp);
	struct proto_meter_read r;
	fill_read(&r);
	ck_assert_int_eq(proto_encode_poll_req(&p, &bodies[0], &lens[0], NULL), PROTO_OK);
	ck_assert_int_eq(proto_encode_poll_reply(&rp, &bodies[1], &lens[1], NULL), PROTO_OK);
	ck_assert_int_eq(proto_encode_meter_read(&r, &bodies[2], &lens[2], NULL), PROTO_OK);
	for (int iter = 0; iter < 20000; iter++) {
		int w = iter % 3;
		size_t n = lens[w];
		char *m = malloc(n);

		memcpy(m, bodies[w], n);
		int edits = 1 + (int)(rand_r(&seed) % 4);
		for (int k = 0; k < edits; k++)
			m[rand_r(&seed) % n] = tokens[rand_r(&seed) % (sizeof(tokens) - 1)];
		struct proto_error err;

		for (int kind = M_POLL; kind <= M_ERROR; kind++) {
			enum proto_err e = decode_any((enum msg)kind, m, n, &err);

			ck_assert_int_lt(e, __PROTO_E_COUNT);
			if (e == PROTO_OK)
				ok++;
			else
				ck_assert(err.message[0]);
		}
		free(m);
	}
	/* some mutations (e.g. a digit for a digit) stay valid */
	ck_assert_int_gt(ok, 0);
	for (int i = 0; i < 3; i++)
		free(bodies[i]);
}
END_TEST

/* ---- encoder rejections ---- */

START_TEST(encode_rejects)
{
	struct proto_poll_req p;
	struct proto_meter_read r;
	static struct proto_supplies_report s;
	struct proto_poll_reply rp;
	struct proto_error err;
	char *out = (char *)1;
	size_t n = 7;

	fill_poll_req(&p);
	strcpy(p.device.device_id, "bad id");
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(err.field, "device.device_id");

	fill_poll_req(&p);
	memset(p.device.model, 'x', sizeof(p.device.model));	/* not terminated */
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "device.model");

	fill_poll_req(&p);
	strcpy(p.device.model, "bad \xff utf8");
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "device.model");

	fill_poll_req(&p);
	p.config.proxy_mode = (enum proto_proxy_mode)7;
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "config.proxy_mode");

	fill_poll_req(&p);
	p.config.poll_hour = 24;
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "config.poll_time");

	fill_poll_req(&p);
	p.state.supplies_interval_s = 10;
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "state.supplies_interval_s");

	fill_poll_req(&p);
	p.state.last_poll = -1;
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "state.last_poll");

	fill_read(&r);
	r.meter_mask = 0;
	ck_assert_int_eq(proto_encode_meter_read(&r, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "meters");
	r.meter_mask = 1u << PROTO_METER_COUNT;
	ck_assert_int_eq(proto_encode_meter_read(&r, &out, &n, &err), PROTO_E_INVALID);
	fill_read(&r);
	r.request_id[0] = '\0';
	ck_assert_int_eq(proto_encode_meter_read(&r, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "request_id");

	fill_supplies(&s, 3);
	s.supplies[2].index = s.supplies[0].index;
	ck_assert_int_eq(proto_encode_supplies(&s, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "supplies[2].index");
	fill_supplies(&s, 3);
	s.supplies[1].state = PROTO_STATE_COUNT;
	ck_assert_int_eq(proto_encode_supplies(&s, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "supplies[1].state");
	fill_supplies(&s, 3);
	s.supplies[0].level = -4;
	ck_assert_int_eq(proto_encode_supplies(&s, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "supplies[0].level");
	s.n_supplies = PROTO_SUPPLIES_MAX + 1;
	ck_assert_int_eq(proto_encode_supplies(&s, &out, &n, &err), PROTO_E_INVALID);

	fill_reply(&rp);
	strcpy(rp.billing_cycle, "2026-00");
	ck_assert_int_eq(proto_encode_poll_reply(&rp, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "actions[0].billing_cycle");
	fill_reply(&rp);
	rp.supplies_interval_s = PROTO_SUPPLIES_INTERVAL_MAX + 1;
	ck_assert_int_eq(proto_encode_poll_reply(&rp, &out, &n, &err), PROTO_E_INVALID);
	fill_reply(&rp);
	rp.retry_after_s = PROTO_RETRY_AFTER_MAX + 1;
	ck_assert_int_eq(proto_encode_poll_reply(&rp, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_str_eq(err.field, "retry_after_s");

	struct proto_ack a = { .status = (enum proto_ack_status)5, .id = "x" };
	ck_assert_int_eq(proto_encode_read_ack(&a, &out, &n, &err), PROTO_E_INVALID);
	struct proto_error_reply e = { .error = "Bad Code", .message = "" };
	ck_assert_int_eq(proto_encode_error(&e, &out, &n, &err), PROTO_E_INVALID);
	ck_assert_int_eq(proto_encode_error(&e, &out, &n, NULL), PROTO_E_INVALID);
}
END_TEST

/* ---- time and Retry-After ---- */

START_TEST(time_known)
{
	char b[PROTO_TIME_LEN + 1];
	int64_t t;

	ck_assert_int_eq(proto_time_format(946684800, b), PROTO_OK);
	ck_assert_str_eq(b, "2000-01-01T00:00:00Z");
	ck_assert_int_eq(proto_time_format(951782400, b), PROTO_OK);
	ck_assert_str_eq(b, "2000-02-29T00:00:00Z");
	ck_assert_int_eq(proto_time_format(PROTO_TIME_MAX, b), PROTO_OK);
	ck_assert_str_eq(b, "9999-12-31T23:59:59Z");
	ck_assert_int_eq(proto_time_format(PROTO_TIME_MIN - 1, b), PROTO_E_RANGE);
	ck_assert_int_eq(proto_time_format(PROTO_TIME_MAX + 1, b), PROTO_E_RANGE);
	ck_assert_int_eq(proto_time_parse("2038-01-19T03:14:08Z", &t), PROTO_OK);
	ck_assert_int_eq(t, INT64_C(2147483648));
	ck_assert_int_eq(proto_time_parse("2100-02-29T00:00:00Z", &t), PROTO_E_VALUE);
	ck_assert_int_eq(proto_time_parse("2400-02-29T00:00:00Z", &t), PROTO_OK);
	ck_assert_int_eq(proto_time_parse("2026-04-31T00:00:00Z", &t), PROTO_E_VALUE);
	ck_assert_int_eq(proto_time_parse("2026-1-01T00:00:00Z", &t), PROTO_E_VALUE);
	ck_assert_int_eq(proto_time_parse("2026-11-01T00:00:00ZZ", &t), PROTO_E_VALUE);
	ck_assert_int_eq(proto_time_parse("2026-11-01 00:00:00Z", &t), PROTO_E_VALUE);
	ck_assert_int_eq(proto_time_parse(NULL, &t), PROTO_E_VALUE);
}
END_TEST

START_TEST(time_roundtrip_every_day)
{
	char b[PROTO_TIME_LEN + 1];
	int64_t t2;

	/* every day from 2000 to 2200, at a varying time of day */
	for (int64_t t = PROTO_TIME_MIN; t < INT64_C(7258118400); t += 86400 + 7) {
		ck_assert_int_eq(proto_time_format(t, b), PROTO_OK);
		ck_assert_int_eq(proto_time_parse(b, &t2), PROTO_OK);
		ck_assert_int_eq(t, t2);
	}
}
END_TEST

START_TEST(retry_after)
{
	uint32_t s;
	int64_t now = 1793497632;	/* Sun, 01 Nov 2026 01:47:12 GMT */

	ck_assert_int_eq(proto_parse_retry_after("120", now, &s), PROTO_OK);
	ck_assert_uint_eq(s, 120);
	ck_assert_int_eq(proto_parse_retry_after(" 0 \r\n", now, &s), PROTO_OK);
	ck_assert_uint_eq(s, 0);
	ck_assert_int_eq(proto_parse_retry_after("99999999999999999999999", now, &s), PROTO_OK);
	ck_assert_uint_eq(s, PROTO_RETRY_AFTER_MAX);
	ck_assert_int_eq(proto_parse_retry_after("Sun, 01 Nov 2026 01:49:12 GMT", now, &s), PROTO_OK);
	ck_assert_uint_eq(s, 120);
	ck_assert_int_eq(proto_parse_retry_after("Sun, 01 Nov 2026 01:00:00 GMT", now, &s), PROTO_OK);
	ck_assert_uint_eq(s, 0);
	ck_assert_int_eq(proto_parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now, &s), PROTO_OK);
	ck_assert_uint_eq(s, PROTO_RETRY_AFTER_MAX);
	ck_assert_int_eq(proto_parse_retry_after("Mon, 01 Nov 2026 01:49:12 GMT", now, &s), PROTO_E_VALUE);
	ck_assert_int_eq(proto_parse_retry_after("Sun, 01 Nov 2026 01:49:12 UTC", now, &s), PROTO_E_VALUE);
	ck_assert_int_eq(proto_parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now, &s), PROTO_E_VALUE);
	ck_assert_int_eq(proto_parse_retry_after("-5", now, &s), PROTO_E_VALUE);
	ck_assert_int_eq(proto_parse_retry_after("12a", now, &s), PROTO_E_VALUE);
	ck_assert_int_eq(proto_parse_retry_after("", now, &s), PROTO_E_VALUE);
	ck_assert_int_eq(proto_parse_retry_after(NULL, now, &s), PROTO_E_VALUE);
}
END_TEST

START_TEST(names_and_validators)
{
	for (int i = 0; i < PROTO_METER_COUNT; i++)
		ck_assert_int_eq(proto_meter_from_name(proto_meter_name((enum proto_meter)i)), i);
	ck_assert_ptr_null(proto_meter_name(PROTO_METER_COUNT));
	ck_assert_int_eq(proto_meter_from_name("impressions"), -1);
	for (int i = 0; i < PROTO_SUPPLY_TYPE_COUNT; i++)
		ck_assert_int_eq(proto_supply_type_from_name(
				 proto_supply_type_name((enum proto_supply_type)i)), i);
	ck_assert_int_eq(proto_supply_type_from_printeng(3), PROTO_SUPPLY_TONER);
	ck_assert_int_eq(proto_supply_type_from_printeng(9), PROTO_SUPPLY_OPC);
	ck_assert_int_eq(proto_supply_type_from_printeng(2), PROTO_SUPPLY_UNKNOWN);
	ck_assert_int_eq(proto_supply_type_from_printeng(99), PROTO_SUPPLY_OTHER);
	ck_assert_int_eq(proto_supply_unit_from_printeng(19), PROTO_UNIT_PERCENT);
	ck_assert_int_eq(proto_supply_unit_from_printeng(7), PROTO_UNIT_IMPRESSIONS);
	ck_assert_int_eq(proto_supply_unit_from_printeng(3), PROTO_UNIT_OTHER);
	ck_assert(proto_valid_device_id("SIM0001"));
	ck_assert(!proto_valid_device_id(""));
	ck_assert(!proto_valid_device_id("a:b"));
	ck_assert(proto_valid_id("a:b"));
	ck_assert(!proto_valid_id(NULL));
	ck_assert(proto_valid_billing_cycle("2026-12"));
	ck_assert(!proto_valid_billing_cycle("1999-12"));
	ck_assert(!proto_valid_billing_cycle("2026-1"));
	ck_assert_str_eq(proto_err_name(PROTO_E_UNKNOWN_FIELD), "unknown_field");
	ck_assert_int_eq(proto_err_http_status(PROTO_E_TOO_LARGE), 413);
	ck_assert_int_eq(proto_err_http_status(PROTO_E_TYPE), 400);
}
END_TEST

static Suite *proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("roundtrip");

	tcase_add_test(tc, rt_poll_req);
	tcase_add_test(tc, rt_poll_req_brief);
	tcase_add_test(tc, rt_poll_reply);
	tcase_add_test(tc, rt_meter_read);
	tcase_add_test(tc, rt_supplies);
	tcase_add_test(tc, rt_acks_and_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("reject");
	tcase_add_loop_test(tc, decode_rejects, 0, (int)ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, decode_unknown_key_sanitised);
	tcase_add_test(tc, decode_not_nul_terminated);
	tcase_add_test(tc, decode_too_large);
	tcase_add_test(tc, decode_too_deep);
	tcase_add_test(tc, encode_rejects);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, decode_every_truncation);
	tcase_add_test(tc, decode_mutations);
	suite_add_tcase(s, tc);

	tc = tcase_create("time");
	tcase_add_test(tc, time_known);
	tcase_add_test(tc, time_roundtrip_every_day);
	tcase_add_test(tc, retry_after);
	tcase_add_test(tc, names_and_validators);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(proto_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
