// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_agent_crash: the whole agent (agent_new() with a config file, a
 * fake sysfs engine, a real HTTPS server on loopback) started on what a
 * crash or a power cut left on disk (issue 12, section 5; found by
 * make torture's reasoning, docs/torture.md):
 *
 *  - a supplies report is spooled before state.json records it; a crash
 *    between the two left the report in the spool and state.json saying
 *    "never sent": start-up must count the spooled report as the last
 *    one, not take a second report of the same state (which the server
 *    would store as well: one report stored twice);
 *  - the same start with nothing in the spool does take a report (the
 *    case above is not passing because nothing is ever taken at start).
 */
#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent_priv.h"
#include "agent/exchange.h"
#include "agent/state.h"
#include "common/log.h"
#include "core/spool.h"
#include "fixtures/sysfs/pe_tree.h"
#include "net_testsrv.h"

static struct tsrv srv;
static struct pe_tree tree;
static char dir[64], conf_path[128];
static struct agent *ag;

static void setup(void)
{
	struct tsrv_opts o = {
		.tls = true, .cert = tsrv_pki_file("server.crt"),
		.key = tsrv_pki_file("server.key"),
	};
	FILE *f;
	time_t t = time(NULL);
	struct tm tm;

	strcpy(dir, "/tmp/test_agent_crash.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf_path, sizeof(conf_path), "%s/esold.conf", dir);
	ck_assert_int_eq(pe_tree_init(&tree), 0);
	memset(&srv, 0, sizeof(srv));
	ck_assert_int_eq(tsrv_start(&srv, &o), 0);
	log_init("test_agent_crash", LOG_SINK_STDERR, LOG_INFO);
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	/* The daily slot 12 h away: no scheduled poll during the test. */
	gmtime_r(&t, &tm);
	f = fopen(conf_path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "[agent]\nenabled = true\nlog_level = info\nstate_dir = %s\n"
		"[server]\nurl = https://127.0.0.1:%u\nca_file = %s\n"
		"[schedule]\npoll_time = %02d:00\ntime_zone = UTC\nspread_minutes = 0\n"
		"[spool]\ndir = %s/spool\n[txlog]\npath = %s/txlog\n"
		"[control]\nsocket = %s/ctl.sock\ngroup =\n",
		dir, srv.port, tsrv_pki_file("ca.crt"), (tm.tm_hour + 12) % 24, dir, dir, dir);
	ck_assert_int_eq(fclose(f), 0);
	ag = NULL;
}

static void teardown(void)
{
	char cmd[160];

	agent_free(ag);
	ag = NULL;
	tsrv_stop(&srv);
	pe_tree_cleanup(&tree);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* What state.json said before the crash: supplies on, never reported. */
static void write_state(void)
{
	struct agent_state st;

	memset(&st, 0, sizeof(st));
	st.supplies_enabled = true;
	st.supplies_interval_s = 86400;
	st.supplies_last_sent = 0;
	st.last_poll = time(NULL);
	ck_assert_int_eq(agent_state_save(dir, &st), 0);
}

static void start_agent(void)
{
	struct agent_opts o = { .config = conf_path, .root = tree.root, .verbose = true };

	ck_assert_int_eq(pe_tree_add_device(&tree, 0, NULL), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "serial", "ESOL-0001"), 0);
	ck_assert_int_eq(agent_new(&o, &ag), 0);
}

/* Supplies reports in the agent's spool; *has is set if one is named id. */
static unsigned int spooled_supplies(const char *id, bool *has)
{
	json_t *j = exchange_spool_json(ag), *e;
	unsigned int k = 0;
	size_t i;

	ck_assert_ptr_nonnull(j);
	json_array_foreach(json_object_get(j, "entries"), i, e) {
		if (strcmp(json_string_value(json_object_get(e, "kind")), "supplies") != 0)
			continue;
		k++;
		if (id && has && !strcmp(json_string_value(json_object_get(e, "id")), id))
			*has = true;
	}
	json_decref(j);
	return k;
}

START_TEST(t_spooled_report_counts)
{
	static const char body[] = "{\"report\":\"taken before the crash\"}";
	struct spool_limits lim = { .max_count = 16, .max_bytes = 1 << 20 };
	int64_t taken = (int64_t)time(NULL) - 5;
	struct spool_recovery rec;
	struct agent_state st;
	char sdir[128], msg[256];
	struct spool *sp;
	bool has = false;

	write_state();
	snprintf(sdir, sizeof(sdir), "%s/spool", dir);
	ck_assert_int_eq(spool_open(sdir, &lim, NULL, &sp, &rec), 0);
	ck_assert_int_eq(spool_put(sp, SPOOL_SUPPLIES, "s-crash-1", body, sizeof(body) - 1,
				   taken), 0);
	spool_close(sp);

	start_agent();
	/* Only the report of before the crash; none taken again. */
	ck_assert_uint_eq(spooled_supplies("s-crash-1", &has), 1);
	ck_assert(has);
	ck_assert_int_eq(ag->sup.last_sent, taken);
	/* Recorded at once: after it is sent and removed, state.json knows. */
	ck_assert_int_eq(agent_state_load(dir, &st, msg, sizeof(msg)), 0);
	ck_assert_int_eq(st.supplies_last_sent, taken);
}
END_TEST

START_TEST(t_no_spooled_report_takes_one)
{
	write_state();
	start_agent();
	ck_assert_uint_eq(spooled_supplies(NULL, NULL), 1);
	ck_assert_int_ge(ag->sup.last_sent, (int64_t)time(NULL) - 60);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("agent_crash");
	TCase *tc = tcase_create("restart");

	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_spooled_report_counts);
	tcase_add_test(tc, t_no_spooled_report_takes_one);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tsrv_run(suite());
}
