// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of the Meter Assistant's messages, checked by the real encoders. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "agent/ids.h"
#include "agent/meter.h"

static void make_snap(struct printeng_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->generation = 42;
	s->real_ns = 1700000000ULL * 1000000000ULL + 999;
	strcpy(s->serial, "SIM0001");
	strcpy(s->model, "Esol Demo 9000");
	strcpy(s->engine_fw, "E1.02.3");
	strcpy(s->controller_fw, "C4.5.6");
	s->meter_mask = (1u << PRINTENG_METER_IMPRESSIONS_TOTAL) |
			(1u << PRINTENG_METER_SHEETS_DUPLEX) | (1ull << 20);
	s->meters[PRINTENG_METER_IMPRESSIONS_TOTAL] = 18446744073709551615ULL;
	s->meters[PRINTENG_METER_SHEETS_DUPLEX] = 7;
	s->meters[20] = 99;	/* a meter id this protocol version does not know */
	s->num_supplies = 2;
	s->supplies[0] = (struct printeng_supply_entry){
		.type = PRINTENG_SUPPLY_TONER, .unit = PRINTENG_UNIT_PERCENT,
		.level = 5, .max_capacity = 100, .state = PRINTENG_STATE_LOW,
		.replaced = 3, .colorant = "black", .description = "black toner",
	};
	s->supplies[1] = (struct printeng_supply_entry){
		.type = PRINTENG_SUPPLY_FUSER, .unit = PRINTENG_UNIT_IMPRESSIONS,
		.level = PRINTENG_LEVEL_SOME_REMAINING, .max_capacity = -2,
		.state = PRINTENG_STATE_OK, .colorant = "", .description = "fuser",
	};
}

static const struct proto_poll_reply read_reply = {
	.server_time = 1700000000, .read_meters = true,
	.request_id = "rq-2023-11-0123456789abcdef", .billing_cycle = "2023-11",
};

START_TEST(test_poll_request)
{
	struct printeng_snap s;
	struct proto_config cfg = { .enabled = true, .poll_hour = 2, .poll_minute = 30,
				    .timezone = "Europe/Berlin", .spread_minutes = 60,
				    .proxy_mode = PROTO_PROXY_AUTO };
	struct proto_agent_state st = { .spool_pending = 1 };
	struct proto_poll_req req, back;
	char msg[256], *json;
	size_t len;

	make_snap(&s);
	ck_assert_int_eq(meter_build_poll(&s, "0.1", &cfg, &st, &req, msg, sizeof(msg)), 0);
	ck_assert_str_eq(req.device.device_id, "SIM0001");
	ck_assert_str_eq(req.device.engine_fw, "E1.02.3");
	ck_assert_int_eq(proto_encode_poll_req(&req, &json, &len, NULL), PROTO_OK);
	ck_assert_int_eq(proto_decode_poll_req(json, len, &back, NULL), PROTO_OK);
	ck_assert_str_eq(back.config.timezone, "Europe/Berlin");
	ck_assert_uint_eq(back.state.spool_pending, 1);
	free(json);
}
END_TEST

START_TEST(test_bad_identity)
{
	struct printeng_snap s;
	struct proto_identity id;
	char msg[256];

	make_snap(&s);
	strcpy(s.serial, "SIM 0001");
	ck_assert_int_eq(meter_identity(&s, "0.1", &id, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "SIM 0001"));
	make_snap(&s);
	s.serial[0] = '\0';
	ck_assert_int_eq(meter_identity(&s, "0.1", &id, msg, sizeof(msg)), -EINVAL);
	make_snap(&s);
	ck_assert_int_eq(meter_identity(&s, "a-very-long-agent-version-string-over-31",
					&id, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "agent_version"));
}
END_TEST

START_TEST(test_read)
{
	struct printeng_snap s;
	struct proto_meter_read r, r2;
	char msg[256], id[PROTO_ID_MAX + 1], *json;
	size_t len;

	make_snap(&s);
	ck_assert_int_eq(meter_build_read(&s, &read_reply, &r, msg, sizeof(msg)), 0);
	ck_assert_int_eq(ids_read_id("SIM0001", read_reply.request_id, "2023-11", id), 0);
	ck_assert_str_eq(r.read_id, id);
	ck_assert_str_eq(r.request_id, read_reply.request_id);
	ck_assert_uint_eq(r.generation, 42);
	ck_assert_int_eq(r.taken_at, 1700000000);
	/* only the meters the protocol knows, values exact to 64 bits */
	ck_assert_uint_eq(r.meter_mask, (1u << PROTO_METER_IMPRESSIONS_TOTAL) |
					(1u << PROTO_METER_SHEETS_DUPLEX));
	ck_assert(r.meters[PROTO_METER_IMPRESSIONS_TOTAL] == 18446744073709551615ULL);
	ck_assert_int_eq(proto_encode_meter_read(&r, &json, &len, NULL), PROTO_OK);
	ck_assert_ptr_nonnull(strstr(json, "18446744073709551615"));
	free(json);
	/* a later snapshot for the same request keeps the read_id */
	s.generation = 50;
	s.meters[0] = 5;
	ck_assert_int_eq(meter_build_read(&s, &read_reply, &r2, msg, sizeof(msg)), 0);
	ck_assert_str_eq(r.read_id, r2.read_id);
}
END_TEST

START_TEST(test_read_refusals)
{
	struct printeng_snap s;
	struct proto_meter_read r;
	struct proto_poll_reply rep = read_reply;
	char msg[256];

	make_snap(&s);
	s.meter_mask = 1ull << 20;
	ck_assert_int_eq(meter_build_read(&s, &rep, &r, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "no billing meter"));
	make_snap(&s);
	rep.read_meters = false;
	ck_assert_int_eq(meter_build_read(&s, &rep, &r, msg, sizeof(msg)), -EINVAL);
	rep = read_reply;
	strcpy(rep.billing_cycle, "2023-13");
	ck_assert_int_eq(meter_build_read(&s, &rep, &r, msg, sizeof(msg)), -EINVAL);
}
END_TEST

START_TEST(test_supplies)
{
	struct printeng_snap s;
	struct proto_supplies_report rep, back;
	uint8_t st[PROTO_SUPPLIES_MAX];
	char msg[256], rid[PROTO_ID_MAX + 1], *json;
	size_t len;

	make_snap(&s);
	ck_assert_int_eq(ids_report_id(rid), 0);
	ck_assert_int_eq(meter_build_supplies(&s, rid, PROTO_TRIGGER_EVENT, &rep,
					      msg, sizeof(msg)), 0);
	ck_assert_uint_eq(rep.n_supplies, 2);
	ck_assert_int_eq(rep.supplies[0].type, PROTO_SUPPLY_TONER);
	ck_assert_int_eq(rep.supplies[0].unit, PROTO_UNIT_PERCENT);
	ck_assert_int_eq(rep.supplies[0].state, PROTO_STATE_LOW);
	ck_assert_int_eq(rep.supplies[1].type, PROTO_SUPPLY_FUSER);
	ck_assert_int_eq(rep.supplies[1].level, PROTO_LEVEL_SOME_REMAINING);
	ck_assert_int_eq(proto_encode_supplies(&rep, &json, &len, NULL), PROTO_OK);
	ck_assert_int_eq(proto_decode_supplies(json, len, &back, NULL), PROTO_OK);
	ck_assert_str_eq(back.report_id, rid);
	ck_assert_int_eq(back.trigger, PROTO_TRIGGER_EVENT);
	free(json);
	ck_assert_uint_eq(meter_supply_states(&s, st, PROTO_SUPPLIES_MAX), 2);
	ck_assert_uint_eq(st[0], PROTO_STATE_LOW);
	ck_assert_uint_eq(st[1], PROTO_STATE_OK);
	/* no supplies at all is a valid (empty) report */
	s.num_supplies = 0;
	ck_assert_int_eq(meter_build_supplies(&s, rid, PROTO_TRIGGER_INTERVAL, &rep,
					      msg, sizeof(msg)), 0);
	ck_assert_uint_eq(rep.n_supplies, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("agent_meter");
	TCase *tc = tcase_create("messages");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_poll_request);
	tcase_add_test(tc, test_bad_identity);
	tcase_add_test(tc, test_read);
	tcase_add_test(tc, test_read_refusals);
	tcase_add_test(tc, test_supplies);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
