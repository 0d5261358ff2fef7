// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_limits: every limit has one truth.  The tables between
 * "<!-- limits -->" and "<!-- /limits -->" in docs/config.md (all of
 * them) and docs/protocol.md (those the server side cares about) must
 * give, for each name, the value of the code's constant; docs/config.md
 * must list every one, and neither may list a name the code does not
 * have.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/control.h"
#include "agent/limits.h"
#include "agent/supplies.h"
#include "common/escape.h"
#include "core/backoff.h"
#include "core/schedule.h"
#include "ctl/ctlproto.h"
#include "proto/proto.h"

struct limit {
	const char *name;
	long long value;
};

static struct limit code[] = {
	{ "poll.min_interval_s", AGENT_POLL_MIN_INTERVAL_S },
	{ "poll.server_repolls_per_day", AGENT_REPOLLS_PER_DAY },
	{ "protocol.retry_after_s_max", PROTO_RETRY_AFTER_MAX },
	{ "retry.min_s", 0 },			/* from backoff_default_params */
	{ "retry.base_s", 0 },
	{ "retry.cap_s", 0 },
	{ "retry.retry_after_max_s", 0 },
	{ "schedule.catchup_max_s", SCHEDULE_CATCHUP_MAX_S },
	{ "schedule.merge_s", SCHEDULE_MERGE_S },
	{ "supplies.interval_min_s", PROTO_SUPPLIES_INTERVAL_MIN },
	{ "supplies.interval_max_s", PROTO_SUPPLIES_INTERVAL_MAX },
	{ "supplies.event_gap_s", SUPPLIES_EVENT_GAP_MS / 1000 },
	{ "supplies.retry_min_s", AGENT_SUPPLIES_RETRY_MIN_S },
	{ "supplies.retry_max_s", AGENT_SUPPLIES_RETRY_MAX_S },
	{ "identity.retry_max_s", AGENT_IDENTITY_RETRY_MAX_MS / 1000 },
	{ "control.clients_max", CONTROL_CLIENTS_MAX },
	{ "control.admin_slots", CONTROL_ADMIN_SLOTS },
	{ "control.clients_per_uid", CONTROL_CLIENTS_PER_UID },
	{ "control.idle_s", CONTROL_IDLE_MS / 1000 },
	{ "control.request_max_bytes", CTL_REQUEST_MAX },
	{ "log.field_max_bytes", ESC_FIELD_MAX },
};
#define NCODE	(sizeof(code) / sizeof(code[0]))

static struct limit *find(const char *name)
{
	size_t i;

	for (i = 0; i < NCODE; i++)
		if (strcmp(code[i].name, name) == 0)
			return &code[i];
	return NULL;
}

static void fill_backoff(void)
{
	find("retry.min_s")->value = (long long)(backoff_default_params.min_ms / 1000);
	find("retry.base_s")->value = (long long)(backoff_default_params.base_ms / 1000);
	find("retry.cap_s")->value = (long long)(backoff_default_params.cap_ms / 1000);
	find("retry.retry_after_max_s")->value =
		(long long)(backoff_default_params.retry_after_max_ms / 1000);
}

/* Check the doc's table; returns how many rows; seen[i] set for each name. */
static int check_doc(const char *rel, bool *seen)
{
	const char *src = getenv("ESOL_SRCDIR");
	char path[512], line[1024];
	bool in = false;
	int rows = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(line, sizeof(line), f)) {
		char name[128];
		long long v;
		struct limit *l;

		if (strncmp(line, "<!-- limits -->", 15) == 0) {
			in = true;
			continue;
		}
		if (strncmp(line, "<!-- /limits -->", 16) == 0)
			break;
		if (!in || sscanf(line, "| `%127[^`]` | %lld |", name, &v) != 2)
			continue;
		l = find(name);
		ck_assert_msg(l != NULL, "%s: '%s' is not a limit of the code", rel, name);
		ck_assert_msg(l->value == v, "%s: %s is %lld, the code says %lld", rel, name,
			      v, l->value);
		seen[l - code] = true;
		rows++;
	}
	fclose(f);
	ck_assert_msg(in, "%s: no <!-- limits --> table", rel);
	return rows;
}

START_TEST(t_config_md)
{
	bool seen[NCODE] = { false };
	size_t i;

	fill_backoff();
	check_doc("docs/config.md", seen);
	for (i = 0; i < NCODE; i++)
		ck_assert_msg(seen[i], "docs/config.md does not list %s", code[i].name);
}
END_TEST

START_TEST(t_protocol_md)
{
	bool seen[NCODE] = { false };

	fill_backoff();
	ck_assert_int_ge(check_doc("docs/protocol.md", seen), 6);
	ck_assert(seen[find("retry.cap_s") - code]);
	ck_assert(seen[find("retry.retry_after_max_s") - code]);
	ck_assert(seen[find("poll.min_interval_s") - code]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("limits");
	TCase *tc = tcase_create("limits");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, t_config_md);
	tcase_add_test(tc, t_protocol_md);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
