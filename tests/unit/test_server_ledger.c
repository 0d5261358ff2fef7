// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_server_ledger: esol-server's billing cycles, ledger, poll policy,
 * fault specs and capture directory, on real files.  The ledger and
 * policy cases run on SQLite, and again on PostgreSQL when
 * $ESOL_TEST_PG names one (tests/server/run.sh starts one for them).
 */
#include <check.h>
#include <errno.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ckrun.h"
#include "server/capture.h"
#include "server/cycle.h"
#include "server/fault.h"
#include "server/idtag.h"
#include "server/ledger.h"
#include "server/policy.h"
#include "server/pollbook.h"
#include "server/pollcache.h"
#include "server/pool.h"

static char tmpdir[256];
static char dbpath[300];
static const char *target = dbpath;	/* what open_ledger opens */
static const struct ledger_defaults defs = {
	.cycle_day = 1, .supplies_enabled = true, .supplies_interval_s = 86400,
};

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/esol-test-ledger-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof(dbpath), "%s/ledger.db", tmpdir);
	target = dbpath;
}

/* The same cases on PostgreSQL: an empty schema for each. */
static void pg_setup(void)
{
	const char *pg = getenv("ESOL_TEST_PG");
	PGconn *c;
	PGresult *res;

	setup();
	ck_assert_ptr_nonnull(pg);
	ck_assert_str_eq(strncmp(pg, "pg:", 3) ? "" : "pg:", "pg:");
	c = PQconnectdb(pg + 3);
	ck_assert_msg(PQstatus(c) == CONNECTION_OK, "%s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, NULL, NULL);
	res = PQexec(c, "SET client_min_messages = warning;"
		     " DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
	ck_assert_msg(PQresultStatus(res) == PGRES_COMMAND_OK, "%s", PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
	target = pg;
}

/* The policy cases again with the poll bookkeeping written behind. */
static struct ledger_pool *bpool;
static struct pollbook *book;

static void book_setup(void)
{
	char err[256];

	setup();
	ck_assert_msg(pool_open(target, 1, &bpool, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(pollbook_start(bpool, 60000, &book, err, sizeof(err)) == 0, "%s", err);
}

static void book_teardown(void);

static void pg_setup(void);

static void pg_book_setup(void)
{
	char err[256];

	pg_setup();
	ck_assert_msg(pool_open(target, 1, &bpool, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(pollbook_start(bpool, 60000, &book, err, sizeof(err)) == 0, "%s", err);
}

static void teardown(void)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

static void book_teardown(void)
{
	pollbook_stop(book);
	book = NULL;
	pool_close(bpool);
	bpool = NULL;
	teardown();
}

static int64_t T(const char *s)
{
	int64_t t;

	ck_assert_msg(proto_time_parse(s, &t) == PROTO_OK, "bad time %s", s);
	return t;
}

static struct ledger *open_ledger(void)
{
	struct ledger *l;
	char err[256];

	ck_assert_msg(ledger_open(target, &l, err, sizeof(err)) == 0, "%s", err);
	return l;
}

/* A poll through the policy; with the bookkeeping behind, written before the test looks. */
static int do_poll(struct ledger *l, const struct proto_poll_req *p, int64_t t,
		   struct proto_poll_reply *reply)
{
	int r = policy_poll(l, &defs, p, t, book, reply);

	if (book)
		ck_assert_int_eq(pollbook_flush(book), 0);
	return r;
}

static void poll_req(struct proto_poll_req *p, const char *dev)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->device.device_id, sizeof(p->device.device_id), "%s", dev);
	strcpy(p->device.model, "Sim 3000");
	strcpy(p->device.engine_fw, "E1");
	strcpy(p->device.controller_fw, "C1");
	strcpy(p->device.agent_version, "0.1");
	p->config.enabled = true;
	p->config.poll_hour = 2;
	p->config.poll_minute = 30;
	strcpy(p->config.timezone, "Europe/Berlin");
	p->config.proxy_mode = PROTO_PROXY_AUTO;
	p->state.spool_pending = 2;
}

static void meter_read(struct proto_meter_read *r, const char *dev, const char *read_id,
		       const char *request_id, uint64_t total)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->device_id, sizeof(r->device_id), "%s", dev);
	snprintf(r->read_id, sizeof(r->read_id), "%s", read_id);
	snprintf(r->request_id, sizeof(r->request_id), "%s", request_id);
	r->generation = 7;
	r->taken_at = T("2026-11-01T03:00:00Z");
	r->meter_mask = (1u << PROTO_METER_IMPRESSIONS_TOTAL) | (1u << PROTO_METER_SHEETS_TOTAL);
	r->meters[PROTO_METER_IMPRESSIONS_TOTAL] = total;
	r->meters[PROTO_METER_SHEETS_TOTAL] = UINT64_MAX;
}

/* ---- cycle ---- */

static void check_cycle(const char *now, int day, const char *want, const char *start,
			const char *end)
{
	char label[CYCLE_LABEL_LEN + 1];
	int64_t s, e;

	ck_assert_int_eq(cycle_of(T(now), day, label, &s, &e), 0);
	ck_assert_msg(strcmp(label, want) == 0, "%s day %d: %s, want %s", now, day, label, want);
	ck_assert_int_eq(s, T(start));
	ck_assert_int_eq(e, T(end));
	ck_assert(T(now) >= s && T(now) < e);
}

START_TEST(cycle_boundaries)
{
	check_cycle("2026-11-01T00:00:00Z", 1, "2026-11", "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z");
	check_cycle("2026-10-31T23:59:59Z", 1, "2026-10", "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z");
	check_cycle("2026-11-14T23:59:59Z", 15, "2026-10", "2026-10-15T00:00:00Z", "2026-11-15T00:00:00Z");
	check_cycle("2026-11-15T00:00:00Z", 15, "2026-11", "2026-11-15T00:00:00Z", "2026-12-15T00:00:00Z");
	/* across the year end */
	check_cycle("2027-01-03T12:00:00Z", 15, "2026-12", "2026-12-15T00:00:00Z", "2027-01-15T00:00:00Z");
	check_cycle("2026-12-20T12:00:00Z", 15, "2026-12", "2026-12-15T00:00:00Z", "2027-01-15T00:00:00Z");
	/* month ends: day 28 exists in every month */
	check_cycle("2026-02-27T23:59:59Z", 28, "2026-01", "2026-01-28T00:00:00Z", "2026-02-28T00:00:00Z");
	check_cycle("2026-02-28T00:00:00Z", 28, "2026-02", "2026-02-28T00:00:00Z", "2026-03-28T00:00:00Z");
	check_cycle("2028-02-29T10:00:00Z", 28, "2028-02", "2028-02-28T00:00:00Z", "2028-03-28T00:00:00Z");
	check_cycle("2026-01-31T23:59:59Z", 28, "2026-01", "2026-01-28T00:00:00Z", "2026-02-28T00:00:00Z");
	check_cycle("2026-03-01T00:00:00Z", 28, "2026-02", "2026-02-28T00:00:00Z", "2026-03-28T00:00:00Z");
}
END_TEST

/* cycle_of(t, day) is current or previous of cycle_candidates(t), by the day of month. */
START_TEST(cycle_candidates_agree)
{
	static const char *const times[] = {
		"2026-11-01T00:00:00Z", "2026-11-14T23:59:59Z", "2027-01-03T12:00:00Z",
		"2028-02-29T10:00:00Z", "2026-03-01T00:00:00Z", "2026-12-31T23:59:59Z",
	};
	struct cycle_candidates cc;
	char label[CYCLE_LABEL_LEN + 1];

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		ck_assert_int_eq(cycle_candidates(T(times[i]), &cc), 0);
		for (int day = CYCLE_DAY_MIN; day <= CYCLE_DAY_MAX; day++) {
			ck_assert_int_eq(cycle_of(T(times[i]), day, label, NULL, NULL), 0);
			ck_assert_str_eq(label, cc.day_of_month >= day ? cc.current : cc.previous);
		}
	}
	ck_assert_int_eq(cycle_candidates(T("2001-01-01T00:00:00Z"), &cc), 0);
	ck_assert_str_eq(cc.previous, "2000-12");
}
END_TEST

START_TEST(cycle_bad_input)
{
	char label[CYCLE_LABEL_LEN + 1];

	ck_assert_int_eq(cycle_of(T("2026-11-01T00:00:00Z"), 0, label, NULL, NULL), -EINVAL);
	ck_assert_int_eq(cycle_of(T("2026-11-01T00:00:00Z"), 29, label, NULL, NULL), -EINVAL);
	ck_assert_int_eq(cycle_of(T("2000-01-01T00:00:00Z"), 2, label, NULL, NULL), -EINVAL);
	ck_assert_int_eq(cycle_of(0, 1, label, NULL, NULL), -EINVAL);
}
END_TEST

/* The server's own time zone never changes a cycle. */
START_TEST(cycle_timezone_independent)
{
	static const char *const zones[] = { "UTC", "Pacific/Kiritimati", "America/Los_Angeles",
					     "Australia/Lord_Howe", "Asia/Kathmandu" };
	char ref[CYCLE_LABEL_LEN + 1], label[CYCLE_LABEL_LEN + 1];
	int64_t rs, re, s, e;

	for (int64_t t = T("2026-01-01T00:00:00Z"); t < T("2027-01-01T00:00:00Z"); t += 3 * 3600 + 17) {
		setenv("TZ", "UTC", 1);
		tzset();
		ck_assert_int_eq(cycle_of(t, 1 + (int)(t % 28), ref, &rs, &re), 0);
		for (size_t z = 1; z < sizeof(zones) / sizeof(zones[0]); z++) {
			setenv("TZ", zones[z], 1);
			tzset();
			ck_assert_int_eq(cycle_of(t, 1 + (int)(t % 28), label, &s, &e), 0);
			ck_assert_str_eq(label, ref);
			ck_assert_int_eq(s, rs);
			ck_assert_int_eq(e, re);
		}
	}
	unsetenv("TZ");
	tzset();
}
END_TEST

/* ---- ledger ---- */

START_TEST(ledger_devices)
{
	struct ledger *l = open_ledger();
	struct proto_poll_req p;
	struct ledger_device d;

	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), -ENOENT);
	poll_req(&p, "SIM0001");
	ck_assert_int_eq(ledger_record_poll(l, &p, 1000000000, &defs), 0);
	ck_assert_int_eq(ledger_record_poll(l, &p, 1000000060, &defs), 0);
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_str_eq(d.id.model, "Sim 3000");
	ck_assert(d.has_poll);
	ck_assert_int_eq(d.cycle_day, 1);
	ck_assert(d.supplies_enabled);
	ck_assert_uint_eq(d.supplies_interval_s, 86400);
	ck_assert_int_eq(d.first_seen, 1000000000);
	ck_assert_int_eq(d.last_poll, 1000000060);
	ck_assert_uint_eq(d.polls, 2);
	ck_assert_str_eq(d.config.timezone, "Europe/Berlin");
	ck_assert_uint_eq(d.config.poll_hour, 2);
	ck_assert_uint_eq(d.config.poll_minute, 30);
	ck_assert_int_eq(d.config.proxy_mode, PROTO_PROXY_AUTO);
	ck_assert_uint_eq(d.state.spool_pending, 2);

	ck_assert_int_eq(ledger_set_policy(l, "SIM0001", 15, 0, 0), 0);
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_int_eq(d.cycle_day, 15);
	ck_assert(!d.supplies_enabled);
	ck_assert_uint_eq(d.supplies_interval_s, 86400);
	ck_assert_int_eq(ledger_set_policy(l, "SIM0001", 0, 1, 3600), 0);
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_int_eq(d.cycle_day, 15);
	ck_assert(d.supplies_enabled);
	ck_assert_uint_eq(d.supplies_interval_s, 3600);
	ck_assert_int_eq(ledger_set_policy(l, "SIM0001", 29, -1, 0), -EINVAL);
	ck_assert_int_eq(ledger_set_policy(l, "SIM0001", 0, -1, 10), -EINVAL);
	ck_assert_int_eq(ledger_set_policy(l, "NOPE", 2, -1, 0), -ENOENT);
	ledger_close(l);

	/* it is all on disk */
	l = open_ledger();
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_uint_eq(d.supplies_interval_s, 3600);
	ledger_close(l);
}
END_TEST

static int count_cb(const struct ledger_read_row *row, void *arg)
{
	(void)row;
	(*(int *)arg)++;
	return 0;
}

static int nreads(struct ledger *l, const char *dev)
{
	int n = 0;

	ck_assert_int_eq(ledger_each_read(l, dev, count_cb, &n), 0);
	return n;
}

START_TEST(ledger_read_once)
{
	struct ledger *l = open_ledger();
	struct proto_meter_read r;
	enum ledger_store_result res;
	int64_t now = T("2026-11-02T10:00:00Z");

	meter_read(&r, "SIM0001", "read-1", "rq-unknown", 1000);
	ck_assert_int_eq(ledger_store_read(l, &r, now, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_STORED);
	ck_assert_int_eq(ledger_store_read(l, &r, now + 5, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_DUPLICATE);
	ck_assert_int_eq(nreads(l, NULL), 1);
	/* same read_id, different content: conflict, nothing stored */
	r.meters[PROTO_METER_IMPRESSIONS_TOTAL] = 1001;
	ck_assert_int_eq(ledger_store_read(l, &r, now + 6, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_CONFLICT);
	ck_assert_int_eq(nreads(l, NULL), 1);
	/* the same read_id from another device is another read */
	meter_read(&r, "SIM0002", "read-1", "rq-unknown", 1000);
	ck_assert_int_eq(ledger_store_read(l, &r, now, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_STORED);
	ck_assert_int_eq(nreads(l, NULL), 2);
	ck_assert_int_eq(nreads(l, "SIM0001"), 1);
	/* an unrequested read counts for the cycle it arrived in */
	ck_assert_int_eq(ledger_cycle_reads(l, "SIM0001", "2026-11"), 1);
	ck_assert_int_eq(ledger_cycle_reads(l, "SIM0001", "2026-10"), 0);
	ledger_close(l);

	/* still exactly once after reopening, duplicate detection too */
	l = open_ledger();
	meter_read(&r, "SIM0001", "read-1", "rq-unknown", 1000);
	ck_assert_int_eq(ledger_store_read(l, &r, now + 100, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_DUPLICATE);
	ck_assert_int_eq(nreads(l, "SIM0001"), 1);
	ledger_close(l);
}
END_TEST

struct row_check {
	int n;
	struct ledger_read_row last;
};

static int keep_cb(const struct ledger_read_row *row, void *arg)
{
	struct row_check *c = arg;

	c->n++;
	c->last = *row;
	return 0;
}

START_TEST(ledger_read_fulfils_request)
{
	struct ledger *l = open_ledger();
	struct proto_meter_read r;
	enum ledger_store_result res;
	char id[PROTO_ID_MAX + 1];
	struct row_check c = { 0 };

	ck_assert_int_eq(ledger_ensure_device(l, "SIM0001", T("2026-10-30T00:00:00Z"), &defs), 0);
	ck_assert_int_eq(ledger_request_get(l, "SIM0001", "2026-10", id), -ENOENT);
	ck_assert_int_eq(ledger_request_sent(l, "SIM0001", "2026-10", "rq-a", T("2026-10-30T00:00:00Z")), 0);
	ck_assert_int_eq(ledger_request_sent(l, "SIM0001", "2026-10", "rq-a", T("2026-10-31T00:00:00Z")), 0);
	ck_assert_int_eq(ledger_request_get(l, "SIM0001", "2026-10", id), 0);
	ck_assert_str_eq(id, "rq-a");
	/* the read arrives late, in November: it still belongs to October */
	meter_read(&r, "SIM0001", "read-oct", "rq-a", 5);
	ck_assert_int_eq(ledger_store_read(l, &r, T("2026-11-03T00:00:00Z"), &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_STORED);
	ck_assert_int_eq(ledger_cycle_reads(l, "SIM0001", "2026-10"), 1);
	ck_assert_int_eq(ledger_cycle_reads(l, "SIM0001", "2026-11"), 0);
	ck_assert_int_eq(ledger_each_read(l, "SIM0001", keep_cb, &c), 0);
	ck_assert_int_eq(c.n, 1);
	ck_assert(c.last.request_known);
	ck_assert_str_eq(c.last.cycle, "2026-10");
	ck_assert_int_eq(c.last.received_at, T("2026-11-03T00:00:00Z"));
	ck_assert_str_eq(c.last.read.read_id, "read-oct");
	ck_assert(c.last.read.meters[PROTO_METER_SHEETS_TOTAL] == UINT64_MAX);
	ledger_close(l);
}
END_TEST

static int supplies_cb(const struct ledger_supplies_row *row, void *arg)
{
	struct ledger_supplies_row *out = arg;

	*out = *row;
	out->received_at++;	/* count in received_at's low bits is not needed: mark seen */
	return 0;
}

START_TEST(ledger_supplies_once)
{
	struct ledger *l = open_ledger();
	static struct proto_supplies_report rp;
	static struct ledger_supplies_row row;
	enum ledger_store_result res;

	memset(&rp, 0, sizeof(rp));
	strcpy(rp.device_id, "SIM0001");
	strcpy(rp.report_id, "s-1");
	rp.trigger = PROTO_TRIGGER_EVENT;
	rp.generation = 3;
	rp.taken_at = T("2026-11-01T00:00:00Z");
	rp.n_supplies = 2;
	rp.supplies[0] = (struct proto_supply){ .index = 1, .type = PROTO_SUPPLY_TONER,
		.colorant = "black", .description = "Black toner", .level = 8, .max_capacity = 100,
		.unit = PROTO_UNIT_PERCENT, .state = PROTO_STATE_LOW, .replaced = 2 };
	rp.supplies[1] = (struct proto_supply){ .index = 2, .type = PROTO_SUPPLY_OPC,
		.level = -3, .max_capacity = -2, .unit = PROTO_UNIT_UNKNOWN };
	ck_assert_int_eq(ledger_store_supplies(l, &rp, 1900000000, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_STORED);
	ck_assert_int_eq(ledger_store_supplies(l, &rp, 1900000001, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_DUPLICATE);
	rp.supplies[0].level = 7;
	ck_assert_int_eq(ledger_store_supplies(l, &rp, 1900000002, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_CONFLICT);
	rp.supplies[0].level = 8;
	ck_assert_int_eq(ledger_each_supplies(l, "SIM0001", supplies_cb, &row), 0);
	ck_assert_int_eq(row.received_at, 1900000001);	/* the first one, marked */
	ck_assert_int_eq(row.report.n_supplies, 2);
	ck_assert_str_eq(row.report.supplies[0].description, "Black toner");
	ck_assert_int_eq(row.report.supplies[1].level, -3);
	ck_assert_int_eq(row.report.trigger, PROTO_TRIGGER_EVENT);
	ledger_close(l);
}
END_TEST

/* A write that fails (file size limit, as on a full disk) stores nothing. */
START_TEST(ledger_full_disk)
{
	struct ledger *l = open_ledger();
	struct proto_meter_read r;
	enum ledger_store_result res;
	struct rlimit rl;
	struct stat sb;
	char big[200];
	int i, err = 0;

	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(ledger_ensure_device(l, "SIM0001", 1900000000, &defs), 0);
	ck_assert_int_eq(stat(dbpath, &sb), 0);
	getrlimit(RLIMIT_FSIZE, &rl);
	/* the WAL file grows with every commit: cap it a little above its size */
	rl.rlim_cur = 64 * 1024;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	for (i = 0; i < 10000 && !err; i++) {
		snprintf(big, sizeof(big), "read-%06d", i);
		meter_read(&r, "SIM0001", big, "rq-x", (uint64_t)i);
		err = ledger_store_read(l, &r, 1900000000 + i, &defs, &res);
	}
	ck_assert_msg(err < 0, "the size limit was never hit");
	ck_assert_msg(err == -ENOSPC || err == -EIO, "err %d (%s)", err, ledger_errmsg(l));
	int stored = i - 1;

	rl.rlim_cur = RLIM_INFINITY;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ledger_close(l);
	l = open_ledger();
	ck_assert_int_eq(nreads(l, "SIM0001"), stored);
	/* the failed read was not stored; sent again it is stored once */
	ck_assert_int_eq(ledger_store_read(l, &r, 1900000000 + i, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_STORED);
	ck_assert_int_eq(ledger_store_read(l, &r, 1900000000 + i, &defs, &res), 0);
	ck_assert_int_eq(res, LEDGER_DUPLICATE);
	ck_assert_int_eq(nreads(l, "SIM0001"), stored + 1);
	ledger_close(l);
}
END_TEST

START_TEST(ledger_open_errors)
{
	struct ledger *l;
	char err[256] = "";
	FILE *f;

	ck_assert_int_lt(ledger_open("/nonexistent-dir/x/ledger.db", &l, err, sizeof(err)), 0);
	ck_assert_ptr_null(l);
	ck_assert(err[0]);
	/* a file that is not a database */
	f = fopen(dbpath, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not an SQLite database, not at all, really not...........", f);
	fclose(f);
	err[0] = '\0';
	ck_assert_int_lt(ledger_open(dbpath, &l, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, dbpath));
}
END_TEST

/* ---- policy ---- */

START_TEST(policy_read_cycle)
{
	struct ledger *l = open_ledger();
	struct proto_poll_req p;
	struct proto_poll_reply a, b;
	struct proto_meter_read r;
	enum ledger_store_result res;
	char first[PROTO_ID_MAX + 1];

	poll_req(&p, "SIM0001");
	ck_assert_int_eq(do_poll(l, &p, T("2026-11-02T02:31:00Z"), &a), 0);
	ck_assert(a.read_meters);
	ck_assert_str_eq(a.billing_cycle, "2026-11");
	ck_assert(proto_valid_id(a.request_id));
	ck_assert(a.has_supplies && a.supplies_enabled);
	ck_assert_uint_eq(a.supplies_interval_s, 86400);
	ck_assert_int_eq(a.server_time, T("2026-11-02T02:31:00Z"));
	strcpy(first, a.request_id);

	/* not fulfilled: the same request again, next day */
	ck_assert_int_eq(do_poll(l, &p, T("2026-11-03T02:31:00Z"), &b), 0);
	ck_assert(b.read_meters);
	ck_assert_str_eq(b.request_id, first);

	/* fulfilled: no more read_meters this cycle */
	meter_read(&r, "SIM0001", "rd-1", first, 10);
	ck_assert_int_eq(ledger_store_read(l, &r, T("2026-11-03T02:31:05Z"), &defs, &res), 0);
	ck_assert_int_eq(do_poll(l, &p, T("2026-11-04T02:31:00Z"), &b), 0);
	ck_assert(!b.read_meters);
	ck_assert_str_eq(b.request_id, "");
	ck_assert_int_eq(do_poll(l, &p, T("2026-11-30T23:59:59Z"), &b), 0);
	ck_assert(!b.read_meters);

	/* next cycle: a new request */
	ck_assert_int_eq(do_poll(l, &p, T("2026-12-01T00:00:00Z"), &b), 0);
	ck_assert(b.read_meters);
	ck_assert_str_eq(b.billing_cycle, "2026-12");
	ck_assert_str_ne(b.request_id, first);
	ledger_close(l);
}
END_TEST

START_TEST(policy_month_end_and_policy_changes)
{
	struct ledger *l = open_ledger();
	struct proto_poll_req p;
	struct proto_poll_reply a;
	struct proto_meter_read r;
	enum ledger_store_result res;

	poll_req(&p, "SIM0009");
	ck_assert_int_eq(do_poll(l, &p, T("2026-01-31T12:00:00Z"), &a), 0);
	ck_assert_int_eq(ledger_set_policy(l, "SIM0009", 28, 0, 0), 0);
	/* with day 28, Jan 31 is in cycle 2026-01 */
	ck_assert_int_eq(do_poll(l, &p, T("2026-01-31T12:00:01Z"), &a), 0);
	ck_assert(a.read_meters);
	ck_assert_str_eq(a.billing_cycle, "2026-01");
	/* supplies off, as the device runs them: no supplies action */
	ck_assert(!a.has_supplies);
	meter_read(&r, "SIM0009", "rd-jan", a.request_id, 1);
	ck_assert_int_eq(ledger_store_read(l, &r, T("2026-01-31T12:00:02Z"), &defs, &res), 0);
	/* Feb 27 is still cycle 2026-01 */
	ck_assert_int_eq(do_poll(l, &p, T("2026-02-27T23:59:59Z"), &a), 0);
	ck_assert(!a.read_meters);
	/* Feb 28 starts 2026-02 */
	ck_assert_int_eq(do_poll(l, &p, T("2026-02-28T00:00:00Z"), &a), 0);
	ck_assert(a.read_meters);
	ck_assert_str_eq(a.billing_cycle, "2026-02");
	/* supplies back on with another interval */
	ck_assert_int_eq(ledger_set_policy(l, "SIM0009", 0, 1, 600), 0);
	ck_assert_int_eq(do_poll(l, &p, T("2026-02-28T00:10:00Z"), &a), 0);
	ck_assert(a.has_supplies && a.supplies_enabled);
	ck_assert_uint_eq(a.supplies_interval_s, 600);
	/* once the device runs them so, the action is not sent again */
	p.state.supplies_enabled = true;
	p.state.supplies_interval_s = 600;
	ck_assert_int_eq(do_poll(l, &p, T("2026-02-28T00:20:00Z"), &a), 0);
	ck_assert(!a.has_supplies);
	p.state.supplies_interval_s = 3600;
	ck_assert_int_eq(do_poll(l, &p, T("2026-02-28T00:30:00Z"), &a), 0);
	ck_assert(a.has_supplies && a.supplies_enabled);
	ck_assert_uint_eq(a.supplies_interval_s, 600);
	/* the reply always encodes */
	char *out;
	size_t n;

	ck_assert_int_eq(proto_encode_poll_reply(&a, &out, &n, NULL), PROTO_OK);
	free(out);
	ledger_close(l);
}
END_TEST

START_TEST(policy_new_device_defaults)
{
	struct ledger *l = open_ledger();
	struct ledger_defaults d2 = { .cycle_day = 20, .supplies_enabled = false,
				      .supplies_interval_s = 3600 };
	struct proto_poll_req p;
	struct proto_poll_reply a;

	poll_req(&p, "NEW1");
	ck_assert_int_eq(policy_poll(l, &d2, &p, T("2026-11-19T00:00:00Z"), book, &a), 0);
	ck_assert(a.read_meters);
	ck_assert_str_eq(a.billing_cycle, "2026-10");
	ck_assert(!a.supplies_enabled);
	ledger_close(l);
}
END_TEST

/* ---- fault specs ---- */

START_TEST(fault_specs)
{
	struct fault_spec f;
	char err[200], d[128];

	ck_assert_int_eq(fault_parse("none", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f.mode, FAULT_NONE);
	ck_assert_int_eq(fault_parse("503", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f.mode, FAULT_503);
	ck_assert_uint_eq(f.arg, 30);
	ck_assert_int_eq(f.count, -1);
	ck_assert_int_eq(fault_parse("503:120@/v1/meter-reads*3\n", &f, err, sizeof(err)), 0);
	ck_assert_uint_eq(f.arg, 120);
	ck_assert_str_eq(f.path, "/v1/meter-reads");
	ck_assert_int_eq(f.count, 3);
	fault_describe(&f, d, sizeof(d));
	ck_assert_str_eq(d, "503:120@/v1/meter-reads*3");
	ck_assert_int_eq(fault_parse("slow:250", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f.mode, FAULT_SLOW);
	ck_assert_uint_eq(f.arg, 250);
	ck_assert_int_eq(fault_parse("lost-reply@/v1/supplies", &f, err, sizeof(err)), 0);
	ck_assert_int_eq(f.mode, FAULT_LOST_REPLY);
	static const char *const bad[] = { "", "404", "503:x", "503:-1", "503:86401",
		"500:3", "drop*0", "drop*", "drop@v1", "stall:1", "slow:99999999999", "garbage*1x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(fault_parse(bad[i], &f, err, sizeof(err)) == -EINVAL, "%s", bad[i]);
		ck_assert(err[0]);
	}
}
END_TEST

START_TEST(fault_take_count_path_file)
{
	struct fault_state st;
	struct fault_spec base, f;
	char err[200], msg[256], file[300];
	FILE *fp;

	ck_assert_int_eq(fault_parse("500@/v1/poll*2", &base, err, sizeof(err)), 0);
	snprintf(file, sizeof(file), "%s/fault", tmpdir);
	ck_assert_int_eq(fault_state_init(&st, &base, file), 0);
	ck_assert_int_eq(fault_take(&st, "/v1/supplies", &f, msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.mode, FAULT_NONE);
	ck_assert_int_eq(fault_take(&st, "/v1/poll", &f, msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.mode, FAULT_500);
	ck_assert_int_eq(fault_take(&st, "/v1/poll", &f, msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.mode, FAULT_500);
	ck_assert_int_eq(fault_take(&st, "/v1/poll", &f, msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.mode, FAULT_NONE);

	fp = fopen(file, "w");
	fputs("429:9*1\n", fp);
	fclose(fp);
	ck_assert_int_eq(fault_take(&st, "/v1/supplies", &f, msg, sizeof(msg)), 1);
	ck_assert_ptr_nonnull(strstr(msg, "429:9"));
	ck_assert_int_eq(f.mode, FAULT_429);
	ck_assert_uint_eq(f.arg, 9);
	ck_assert_int_eq(fault_take(&st, "/v1/supplies", &f, msg, sizeof(msg)), 0);
	ck_assert_int_eq(f.mode, FAULT_NONE);

	/* a bad file keeps the current spec and says why */
	fp = fopen(file, "w");
	fputs("explode\n", fp);
	fclose(fp);
	ck_assert_int_eq(fault_take(&st, "/v1/poll", &f, msg, sizeof(msg)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(msg, "explode"));
	ck_assert_int_eq(f.mode, FAULT_NONE);

	fp = fopen(file, "w");
	fputs("garbage", fp);
	fclose(fp);
	ck_assert_int_eq(fault_take(&st, "/v1/poll", &f, msg, sizeof(msg)), 1);
	ck_assert_int_eq(f.mode, FAULT_GARBAGE);
	/* removing the file restores the command-line spec (its count is spent) */
	ck_assert_int_eq(unlink(file), 0);
	ck_assert_int_eq(fault_take(&st, "/v1/poll", &f, msg, sizeof(msg)), 1);
	ck_assert_int_eq(f.mode, FAULT_500);
	fault_state_destroy(&st);
}
END_TEST

/* ---- capture ---- */

static int count_files(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, suffix))
			n++;
	closedir(d);
	return n;
}

START_TEST(capture_files)
{
	struct capture c;
	char dir[300], path[400], buf[64];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/cap", tmpdir);
	ck_assert_int_eq(capture_init(&c, dir), 0);
	ck_assert_int_eq(capture_store(&c, "/v1/poll", "{\"a\":1}", 7), 0);
	ck_assert_int_eq(capture_store(&c, "/v1/meter-reads", "x\0y", 3), 0);
	capture_destroy(&c);
	/* numbering continues after a restart */
	ck_assert_int_eq(capture_init(&c, dir), 0);
	ck_assert_int_eq(capture_store(&c, "/weird/../path", "", 0), 0);
	capture_destroy(&c);
	snprintf(path, sizeof(path), "%s/000002-meter-reads.body", dir);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf), f), 3);
	fclose(f);
	ck_assert_mem_eq(buf, "x\0y", 3);
	snprintf(path, sizeof(path), "%s/000003-other.body", dir);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(count_files(dir, ".body"), 3);
	ck_assert_int_eq(count_files(dir, ".tmp"), 0);
	ck_assert_int_lt(capture_init(&c, "/proc/nope/cap"), 0);
}
END_TEST

/*
 * Polls that change nothing billable are booked and written later, merged
 * per device; a new identity is written at once; a booking never
 * overwrites a newer poll written at once.
 */
START_TEST(policy_booked_polls)
{
	struct ledger *l = open_ledger();
	struct proto_poll_req p;
	struct proto_poll_reply a, b;
	struct ledger_device d;

	poll_req(&p, "SIM0001");
	/* the first poll of the cycle makes the request: written at once */
	ck_assert_int_eq(policy_poll(l, &defs, &p, T("2026-11-02T02:00:00Z"), book, &a), 0);
	ck_assert(a.read_meters);
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_uint_eq(d.polls, 1);
	/* two more: the same request, answered without writing */
	p.state.spool_pending = 5;
	ck_assert_int_eq(policy_poll(l, &defs, &p, T("2026-11-02T03:00:00Z"), book, &b), 0);
	ck_assert(b.read_meters);
	ck_assert_str_eq(b.request_id, a.request_id);
	ck_assert_int_eq(policy_poll(l, &defs, &p, T("2026-11-02T04:00:00Z"), book, &b), 0);
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_uint_eq(d.polls, 1);
	ck_assert_uint_eq(d.state.spool_pending, 2);
	ck_assert_int_eq(pollbook_flush(book), 0);
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_uint_eq(d.polls, 3);
	ck_assert_uint_eq(d.state.spool_pending, 5);
	ck_assert_int_eq(d.last_poll, T("2026-11-02T04:00:00Z"));
	/* a new firmware is a new identity: written before the reply, not booked */
	strcpy(p.device.engine_fw, "E2");
	ck_assert_int_eq(policy_poll(l, &defs, &p, T("2026-11-02T04:30:00Z"), book, &b), 0);
	ck_assert_str_eq(b.request_id, a.request_id);
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_str_eq(d.id.engine_fw, "E2");
	ck_assert_uint_eq(d.polls, 4);
	/* booked, then a newer poll written at once: the booking does not undo it */
	ck_assert_int_eq(pollbook_add(book, &p, T("2026-11-02T05:00:00Z"), NULL), 0);
	strcpy(p.device.engine_fw, "E3");
	ck_assert_int_eq(ledger_record_poll(l, &p, T("2026-11-02T06:00:00Z"), &defs), 0);
	ck_assert_int_eq(pollbook_flush(book), 0);
	ck_assert_int_eq(ledger_get_device(l, "SIM0001", &d), 0);
	ck_assert_str_eq(d.id.engine_fw, "E3");
	ck_assert_int_eq(d.last_poll, T("2026-11-02T06:00:00Z"));
	ck_assert_uint_eq(d.polls, 6);
	ledger_close(l);
}
END_TEST

/* p made brief: device_id and the tag of p's identity and configuration */
static void brief_of(struct proto_poll_req *q, const struct proto_poll_req *p)
{
	char tag[PROTO_TAG_LEN + 1];

	ck_assert_int_eq(idtag_of(&p->device, &p->config, tag), 0);
	memset(q, 0, sizeof(*q));
	strcpy(q->device.device_id, p->device.device_id);
	strcpy(q->identity_tag, tag);
	q->state = p->state;
}

/*
 * Brief polls (docs/protocol.md): answered when their tag is that of the
 * identity on file, refused (-ESTALE, nothing written) otherwise; the
 * identity on file stays, the state and the poll count follow.  Written
 * at once (no pollbook), booked, and across a new cycle's request.
 */
START_TEST(policy_brief_polls)
{
	struct ledger *l = open_ledger();
	struct proto_poll_req p, q, old;
	struct proto_poll_reply a, b;
	struct ledger_device d;
	char tag[PROTO_TAG_LEN + 1];

	poll_req(&p, "SIM0002");
	/* known answer (python3 hashlib) of the server's own hash: as the device's */
	ck_assert_int_eq(idtag_of(&p.device, &p.config, tag), 0);
	ck_assert_str_eq(tag, "9eba9bf7ac323c23");
	/* a device the server does not know: refused, nothing created */
	brief_of(&q, &p);
	ck_assert_int_eq(do_poll(l, &q, T("2026-11-02T02:00:00Z"), &a), -ESTALE);
	ck_assert_int_eq(ledger_get_device(l, "SIM0002", &d), -ENOENT);
	/* the full poll, then brief ones: the same request */
	ck_assert_int_eq(do_poll(l, &p, T("2026-11-02T02:00:00Z"), &a), 0);
	ck_assert(a.read_meters);
	q.state.spool_pending = 7;
	ck_assert_int_eq(do_poll(l, &q, T("2026-11-02T03:00:00Z"), &b), 0);
	ck_assert(b.read_meters);
	ck_assert_str_eq(b.request_id, a.request_id);
	ck_assert_int_eq(ledger_get_device(l, "SIM0002", &d), 0);
	ck_assert_str_eq(d.id.model, "Sim 3000");
	ck_assert_str_eq(d.id.engine_fw, "E1");
	ck_assert_str_eq(d.config.timezone, "Europe/Berlin");
	ck_assert_uint_eq(d.config.poll_hour, 2);
	ck_assert_uint_eq(d.state.spool_pending, 7);
	ck_assert_uint_eq(d.polls, 2);
	ck_assert_int_eq(d.last_poll, T("2026-11-02T03:00:00Z"));
	/* the ledger itself never writes a brief poll's missing identity */
	ck_assert_int_eq(ledger_record_poll(l, &q, T("2026-11-02T03:30:00Z"), &defs), -EINVAL);
	/* a tag not on file: refused, nothing written */
	strcpy(q.identity_tag, "0000000000000000");
	ck_assert_int_eq(do_poll(l, &q, T("2026-11-02T04:00:00Z"), &b), -ESTALE);
	ck_assert_int_eq(ledger_get_device(l, "SIM0002", &d), 0);
	ck_assert_uint_eq(d.polls, 2);
	/* a new cycle: its request is made for a brief poll too */
	brief_of(&q, &p);
	ck_assert_int_eq(do_poll(l, &q, T("2026-12-02T02:00:00Z"), &b), 0);
	ck_assert(b.read_meters);
	ck_assert_str_eq(b.billing_cycle, "2026-12");
	ck_assert_str_ne(b.request_id, a.request_id);
	ck_assert_int_eq(ledger_get_device(l, "SIM0002", &d), 0);
	ck_assert_str_eq(d.id.engine_fw, "E1");
	ck_assert_uint_eq(d.polls, 3);
	/* a new identity in full: the old tag is refused, the new one answered */
	old = p;
	strcpy(p.device.engine_fw, "E2");
	p.config.spread_minutes = 15;
	ck_assert_int_eq(do_poll(l, &p, T("2026-12-02T03:00:00Z"), &b), 0);
	brief_of(&q, &old);
	ck_assert_int_eq(do_poll(l, &q, T("2026-12-02T04:00:00Z"), &b), -ESTALE);
	brief_of(&q, &p);
	ck_assert_int_eq(do_poll(l, &q, T("2026-12-02T05:00:00Z"), &b), 0);
	ck_assert_int_eq(ledger_get_device(l, "SIM0002", &d), 0);
	ck_assert_str_eq(d.id.engine_fw, "E2");
	ck_assert_uint_eq(d.config.spread_minutes, 15);
	ck_assert_uint_eq(d.polls, 5);
	ledger_close(l);
}
END_TEST

/*
 * Two servers' connections: the cycle's request is made once, whichever
 * asks first; the same read stored through both is kept once.
 */
START_TEST(ledger_two_connections)
{
	struct ledger *a = open_ledger(), *b = open_ledger();
	char ida[PROTO_ID_MAX + 1], idb[PROTO_ID_MAX + 1];
	struct proto_meter_read r;
	enum ledger_store_result ra, rb;

	ck_assert_int_eq(ledger_ensure_device(a, "SIM0001", T("2026-10-30T00:00:00Z"), &defs), 0);
	ck_assert_int_eq(ledger_request_issue(a, "SIM0001", "2026-10", "rq-from-a",
					      T("2026-10-30T00:00:00Z"), ida), 0);
	ck_assert_int_eq(ledger_request_issue(b, "SIM0001", "2026-10", "rq-from-b",
					      T("2026-10-30T00:01:00Z"), idb), 0);
	ck_assert_str_eq(ida, "rq-from-a");
	ck_assert_str_eq(idb, "rq-from-a");
	meter_read(&r, "SIM0001", "read-1", "rq-from-a", 7);
	ck_assert_int_eq(ledger_store_read(b, &r, T("2026-10-30T00:02:00Z"), &defs, &rb), 0);
	ck_assert_int_eq(ledger_store_read(a, &r, T("2026-10-30T00:03:00Z"), &defs, &ra), 0);
	ck_assert_int_eq(rb, LEDGER_STORED);
	ck_assert_int_eq(ra, LEDGER_DUPLICATE);
	r.meters[0]++;
	ck_assert_int_eq(ledger_store_read(a, &r, T("2026-10-30T00:04:00Z"), &defs, &ra), 0);
	ck_assert_int_eq(ra, LEDGER_CONFLICT);
	ck_assert_int_eq(nreads(a, "SIM0001"), 1);
	ck_assert_int_eq(ledger_cycle_reads(b, "SIM0001", "2026-10"), 1);
	ledger_close(a);
	ledger_close(b);
}
END_TEST

struct export_check {
	int rows;
	char devices[4][PROTO_DEVICE_ID_MAX + 1];
	uint64_t total[4];
};

static int export_cb(const struct ledger_export_row *row, void *arg)
{
	struct export_check *e = arg;

	ck_assert_int_lt(e->rows, 4);
	snprintf(e->devices[e->rows], sizeof(e->devices[0]), "%s", row->device_id);
	e->total[e->rows] = row->meters[0];
	ck_assert_str_eq(row->cycle, "2026-10");
	e->rows++;
	return 0;
}

/* The billing export: one cycle's reads, by device; other cycles not. */
START_TEST(ledger_export_cycle)
{
	struct ledger *l = open_ledger();
	struct proto_meter_read r;
	enum ledger_store_result res;
	struct export_check e = { 0 };

	meter_read(&r, "SIM0002", "r-b", "rq-none", UINT64_MAX);
	ck_assert_int_eq(ledger_store_read(l, &r, T("2026-10-05T00:00:00Z"), &defs, &res), 0);
	meter_read(&r, "SIM0001", "r-a", "rq-none", 11);
	ck_assert_int_eq(ledger_store_read(l, &r, T("2026-10-06T00:00:00Z"), &defs, &res), 0);
	meter_read(&r, "SIM0001", "r-c", "rq-none", 12);
	ck_assert_int_eq(ledger_store_read(l, &r, T("2026-11-06T00:00:00Z"), &defs, &res), 0);
	ck_assert_int_eq(ledger_each_cycle_read(l, "2026-10", export_cb, &e), 0);
	ck_assert_int_eq(e.rows, 2);
	ck_assert_str_eq(e.devices[0], "SIM0001");
	ck_assert_uint_eq(e.total[0], 11);
	ck_assert_str_eq(e.devices[1], "SIM0002");
	ck_assert_uint_eq(e.total[1], UINT64_MAX);
	ledger_close(l);
}
END_TEST

/* A ledger made by the first esol-server (schema 1, no version 2 index) is migrated. */
START_TEST(ledger_migrates_v1)
{
	char cmd[1024];
	struct ledger *l;
	struct ledger_device d;
	FILE *f;
	char line[64] = "";

	/* a version 1 ledger: today's tables without version 2's index */
	l = open_ledger();
	ck_assert_int_eq(ledger_ensure_device(l, "OLD1", 5, &defs), 0);
	ledger_close(l);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"DROP INDEX reads_export;"
		 " UPDATE meta SET value='1' WHERE key='schema';\"", dbpath);
	ck_assert_int_eq(system(cmd), 0);
	l = open_ledger();
	ck_assert_int_eq(ledger_get_device(l, "OLD1", &d), 0);
	ck_assert_int_eq(d.first_seen, 5);
	ledger_close(l);
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"SELECT value FROM meta WHERE key='schema';"
		 " SELECT COUNT(*) FROM sqlite_master WHERE name='reads_export';\"", dbpath);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "2\n");
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "1\n");
	pclose(f);
	/* a newer ledger than this server knows is refused, untouched */
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"UPDATE meta SET value='99' WHERE key='schema';\"",
		 dbpath);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(ledger_open(dbpath, &l, line, sizeof(line)), -EINVAL);
}
END_TEST

/* A kept decision: the request of cycle 2026-11 for billing day 5. */
static struct ledger_poll_decision kept_decision(bool read_due)
{
	struct ledger_poll_decision d;

	memset(&d, 0, sizeof(d));
	d.policy.cycle_day = 5;
	d.policy.supplies_enabled = true;
	d.policy.supplies_interval_s = 3600;
	strcpy(d.cycle, "2026-11");
	d.read_due = read_due;
	if (read_due)
		strcpy(d.request_id, "rq-2026-11-1");
	return d;
}

START_TEST(pollcache_keeps_and_forgets)
{
	struct ledger_poll_decision d = kept_decision(true), got;
	struct pollcache *pc;
	struct pollcache_token t;
	int64_t in = T("2026-11-20T00:00:00Z");

	ck_assert_int_eq(pollcache_new(0, &pc), -EINVAL);
	ck_assert_int_eq(pollcache_new(64, &pc), 0);
	/* not listening: nothing is kept, nothing answered */
	t = pollcache_token(pc, "DEV1");
	pollcache_put(pc, "DEV1", &d, t);
	ck_assert(!pollcache_get(pc, "DEV1", in, &got));
	pollcache_listening(pc, true);
	ck_assert(!pollcache_get(pc, "DEV1", in, &got));
	/* a token taken while deaf stays useless once listening */
	pollcache_put(pc, "DEV1", &d, t);
	ck_assert(!pollcache_get(pc, "DEV1", in, &got));
	t = pollcache_token(pc, "DEV1");
	pollcache_put(pc, "DEV1", &d, t);
	ck_assert(pollcache_get(pc, "DEV1", in, &got));
	ck_assert_str_eq(got.request_id, "rq-2026-11-1");
	ck_assert(got.read_due);
	ck_assert_int_eq(got.policy.supplies_interval_s, 3600);
	ck_assert(!pollcache_get(pc, "DEV2", in, &got));
	/* only within its cycle (billing day 5: 2026-11-05 .. 2026-12-05) */
	ck_assert(pollcache_get(pc, "DEV1", T("2026-11-05T00:00:00Z"), &got));
	ck_assert(!pollcache_get(pc, "DEV1", T("2026-11-04T23:59:59Z"), &got));
	ck_assert(!pollcache_get(pc, "DEV1", T("2026-12-05T00:00:00Z"), &got));
	ck_assert(pollcache_get(pc, "DEV1", T("2026-12-04T23:59:59Z"), &got));
	/* announced: forgotten */
	pollcache_forget(pc, "DEV1");
	ck_assert(!pollcache_get(pc, "DEV1", in, &got));
	/* a decision asked for before an announcement is not kept after it */
	t = pollcache_token(pc, "DEV1");
	pollcache_forget(pc, "DEV1");
	d = kept_decision(true);
	pollcache_put(pc, "DEV1", &d, t);
	ck_assert(!pollcache_get(pc, "DEV1", in, &got));
	/* one asked for after it is */
	t = pollcache_token(pc, "DEV1");
	d = kept_decision(false);
	pollcache_put(pc, "DEV1", &d, t);
	ck_assert(pollcache_get(pc, "DEV1", in, &got));
	ck_assert(!got.read_due);
	/* hearing stops: all forgotten, and tokens of before are useless */
	t = pollcache_token(pc, "DEV1");
	pollcache_listening(pc, false);
	ck_assert(!pollcache_get(pc, "DEV1", in, &got));
	pollcache_listening(pc, true);
	ck_assert(!pollcache_get(pc, "DEV1", in, &got));
	pollcache_put(pc, "DEV1", &d, t);
	ck_assert(!pollcache_get(pc, "DEV1", in, &got));
	pollcache_free(pc);
}
END_TEST

START_TEST(pollcache_one_per_slot)
{
	struct ledger_poll_decision d = kept_decision(false), got;
	struct pollcache *pc;
	char id[16];
	int kept = 0;

	ck_assert_int_eq(pollcache_new(1, &pc), 0);
	pollcache_listening(pc, true);
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "DEV%d", i);
		pollcache_put(pc, id, &d, pollcache_token(pc, id));
	}
	/* one slot: the last one put is kept, the rest ask the database */
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "DEV%d", i);
		kept += pollcache_get(pc, id, T("2026-11-20T00:00:00Z"), &got);
	}
	ck_assert_int_eq(kept, 1);
	ck_assert(pollcache_get(pc, "DEV9", T("2026-11-20T00:00:00Z"), &got));
	/* a forget of another device in the slot forgets no one else's decision wrongly kept */
	pollcache_forget(pc, "DEV3");
	ck_assert(pollcache_get(pc, "DEV9", T("2026-11-20T00:00:00Z"), &got));
	pollcache_free(pc);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("server_ledger");
	TCase *tc = tcase_create("cycle");

	tcase_add_test(tc, cycle_boundaries);
	tcase_add_test(tc, cycle_bad_input);
	tcase_add_test(tc, cycle_candidates_agree);
	tcase_add_test(tc, cycle_timezone_independent);
	suite_add_tcase(s, tc);

	tc = tcase_create("ledger");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, ledger_devices);
	tcase_add_test(tc, ledger_read_once);
	tcase_add_test(tc, ledger_read_fulfils_request);
	tcase_add_test(tc, ledger_supplies_once);
	tcase_add_test(tc, ledger_full_disk);
	tcase_add_test(tc, ledger_open_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, policy_read_cycle);
	tcase_add_test(tc, policy_month_end_and_policy_changes);
	tcase_add_test(tc, policy_new_device_defaults);
	tcase_add_test(tc, policy_brief_polls);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy_book");
	tcase_add_checked_fixture(tc, book_setup, book_teardown);
	tcase_add_test(tc, policy_read_cycle);
	tcase_add_test(tc, policy_month_end_and_policy_changes);
	tcase_add_test(tc, policy_new_device_defaults);
	tcase_add_test(tc, policy_booked_polls);
	tcase_add_test(tc, policy_brief_polls);
	suite_add_tcase(s, tc);

	tc = tcase_create("both");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ledger_two_connections);
	tcase_add_test(tc, ledger_export_cycle);
	tcase_add_test(tc, ledger_migrates_v1);
	suite_add_tcase(s, tc);

	if (getenv("ESOL_TEST_PG")) {
		tc = tcase_create("ledger_pg");
		tcase_add_checked_fixture(tc, pg_setup, teardown);
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, ledger_devices);
		tcase_add_test(tc, ledger_read_once);
		tcase_add_test(tc, ledger_read_fulfils_request);
		tcase_add_test(tc, ledger_supplies_once);
		tcase_add_test(tc, policy_read_cycle);
		tcase_add_test(tc, policy_month_end_and_policy_changes);
		tcase_add_test(tc, policy_new_device_defaults);
		tcase_add_test(tc, policy_brief_polls);
		tcase_add_test(tc, ledger_two_connections);
		tcase_add_test(tc, ledger_export_cycle);
		suite_add_tcase(s, tc);

		tc = tcase_create("policy_book_pg");
		tcase_add_checked_fixture(tc, pg_book_setup, book_teardown);
		tcase_add_test(tc, policy_read_cycle);
		tcase_add_test(tc, policy_month_end_and_policy_changes);
		tcase_add_test(tc, policy_booked_polls);
		tcase_add_test(tc, policy_brief_polls);
		suite_add_tcase(s, tc);
	}

	tc = tcase_create("pollcache");
	tcase_add_test(tc, pollcache_keeps_and_forgets);
	tcase_add_test(tc, pollcache_one_per_slot);
	suite_add_tcase(s, tc);

	tc = tcase_create("fault_capture");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fault_specs);
	tcase_add_test(tc, fault_take_count_path_file);
	tcase_add_test(tc, capture_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(suite());
}
