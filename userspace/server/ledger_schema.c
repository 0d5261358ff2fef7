// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/ledger_schema: the ledger's migrations (see ledger_schema.h).
 * Version 1 is the schema esol-server's SQLite ledger always had, so an
 * existing ledger file is migrated in place.  Meters and generations are
 * u64, kept as decimal TEXT in both databases (neither has an unsigned
 * 64-bit integer); times are Unix seconds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/ledger_schema.h"

static const char sqlite_v1[] =
	"CREATE TABLE IF NOT EXISTS devices("
	" device_id TEXT PRIMARY KEY,"
	" model TEXT NOT NULL DEFAULT '', engine_fw TEXT NOT NULL DEFAULT '',"
	" controller_fw TEXT NOT NULL DEFAULT '', agent_version TEXT NOT NULL DEFAULT '',"
	" has_poll INTEGER NOT NULL DEFAULT 0,"
	" cfg_enabled INTEGER NOT NULL DEFAULT 0, cfg_poll_time TEXT NOT NULL DEFAULT '00:00',"
	" cfg_timezone TEXT NOT NULL DEFAULT '', cfg_spread_minutes INTEGER NOT NULL DEFAULT 0,"
	" cfg_proxy_mode TEXT NOT NULL DEFAULT 'none',"
	" st_supplies_enabled INTEGER NOT NULL DEFAULT 0,"
	" st_supplies_interval_s INTEGER NOT NULL DEFAULT 0,"
	" st_spool_pending INTEGER NOT NULL DEFAULT 0, st_last_poll INTEGER,"
	" cycle_day INTEGER NOT NULL CHECK(cycle_day BETWEEN 1 AND 28),"
	" supplies_enabled INTEGER NOT NULL,"
	" supplies_interval_s INTEGER NOT NULL CHECK(supplies_interval_s BETWEEN 300 AND 604800),"
	" first_seen INTEGER NOT NULL, last_poll INTEGER NOT NULL DEFAULT 0,"
	" polls INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS requests("
	" request_id TEXT PRIMARY KEY,"
	" device_id TEXT NOT NULL REFERENCES devices(device_id),"
	" cycle TEXT NOT NULL, issued_at INTEGER NOT NULL, last_sent INTEGER NOT NULL,"
	" times_sent INTEGER NOT NULL, fulfilled_by TEXT, fulfilled_at INTEGER,"
	" UNIQUE(device_id, cycle));"
	"CREATE TABLE IF NOT EXISTS reads("
	" id INTEGER PRIMARY KEY,"
	" device_id TEXT NOT NULL REFERENCES devices(device_id),"
	" read_id TEXT NOT NULL, request_id TEXT NOT NULL, request_known INTEGER NOT NULL,"
	" cycle TEXT NOT NULL, generation TEXT NOT NULL, taken_at INTEGER NOT NULL,"
	" received_at INTEGER NOT NULL,"
	" impressions_total TEXT, impressions_mono TEXT, impressions_color TEXT,"
	" impressions_duplex TEXT, impressions_large TEXT, sheets_total TEXT, sheets_duplex TEXT,"
	" canon TEXT NOT NULL,"
	" UNIQUE(device_id, read_id));"
	"CREATE INDEX IF NOT EXISTS reads_cycle ON reads(device_id, cycle);"
	"CREATE TABLE IF NOT EXISTS supplies_reports("
	" id INTEGER PRIMARY KEY,"
	" device_id TEXT NOT NULL REFERENCES devices(device_id),"
	" report_id TEXT NOT NULL, trigger TEXT NOT NULL, generation TEXT NOT NULL,"
	" taken_at INTEGER NOT NULL, received_at INTEGER NOT NULL, canon TEXT NOT NULL,"
	" UNIQUE(device_id, report_id));"
	"CREATE TABLE IF NOT EXISTS supplies("
	" report INTEGER NOT NULL REFERENCES supplies_reports(id),"
	" idx INTEGER NOT NULL, type TEXT NOT NULL, colorant TEXT NOT NULL,"
	" description TEXT NOT NULL, level INTEGER NOT NULL, max_capacity INTEGER NOT NULL,"
	" unit TEXT NOT NULL, state TEXT NOT NULL, replaced INTEGER NOT NULL,"
	" PRIMARY KEY(report, idx));";

/* The same tables: BIGINT where SQLite's INTEGER holds 64 bits, BIGSERIAL ids. */
static const char pg_v1[] =
	"CREATE TABLE IF NOT EXISTS devices("
	" device_id TEXT PRIMARY KEY,"
	" model TEXT NOT NULL DEFAULT '', engine_fw TEXT NOT NULL DEFAULT '',"
	" controller_fw TEXT NOT NULL DEFAULT '', agent_version TEXT NOT NULL DEFAULT '',"
	" has_poll INTEGER NOT NULL DEFAULT 0,"
	" cfg_enabled INTEGER NOT NULL DEFAULT 0, cfg_poll_time TEXT NOT NULL DEFAULT '00:00',"
	" cfg_timezone TEXT NOT NULL DEFAULT '', cfg_spread_minutes BIGINT NOT NULL DEFAULT 0,"
	" cfg_proxy_mode TEXT NOT NULL DEFAULT 'none',"
	" st_supplies_enabled INTEGER NOT NULL DEFAULT 0,"
	" st_supplies_interval_s BIGINT NOT NULL DEFAULT 0,"
	" st_spool_pending BIGINT NOT NULL DEFAULT 0, st_last_poll BIGINT,"
	" cycle_day INTEGER NOT NULL CHECK(cycle_day BETWEEN 1 AND 28),"
	" supplies_enabled INTEGER NOT NULL,"
	" supplies_interval_s BIGINT NOT NULL CHECK(supplies_interval_s BETWEEN 300 AND 604800),"
	" first_seen BIGINT NOT NULL, last_poll BIGINT NOT NULL DEFAULT 0,"
	" polls BIGINT NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS requests("
	" request_id TEXT PRIMARY KEY,"
	" device_id TEXT NOT NULL REFERENCES devices(device_id),"
	" cycle TEXT NOT NULL, issued_at BIGINT NOT NULL, last_sent BIGINT NOT NULL,"
	" times_sent BIGINT NOT NULL, fulfilled_by TEXT, fulfilled_at BIGINT,"
	" UNIQUE(device_id, cycle));"
	"CREATE TABLE IF NOT EXISTS reads("
	" id BIGSERIAL PRIMARY KEY,"
	" device_id TEXT NOT NULL REFERENCES devices(device_id),"
	" read_id TEXT NOT NULL, request_id TEXT NOT NULL, request_known INTEGER NOT NULL,"
	" cycle TEXT NOT NULL, generation TEXT NOT NULL, taken_at BIGINT NOT NULL,"
	" received_at BIGINT NOT NULL,"
	" impressions_total TEXT, impressions_mono TEXT, impressions_color TEXT,"
	" impressions_duplex TEXT, impressions_large TEXT, sheets_total TEXT, sheets_duplex TEXT,"
	" canon TEXT NOT NULL,"
	" UNIQUE(device_id, read_id));"
	"CREATE INDEX IF NOT EXISTS reads_cycle ON reads(device_id, cycle);"
	"CREATE TABLE IF NOT EXISTS supplies_reports("
	" id BIGSERIAL PRIMARY KEY,"
	" device_id TEXT NOT NULL REFERENCES devices(device_id),"
	" report_id TEXT NOT NULL, trigger TEXT NOT NULL, generation TEXT NOT NULL,"
	" taken_at BIGINT NOT NULL, received_at BIGINT NOT NULL, canon TEXT NOT NULL,"
	" UNIQUE(device_id, report_id));"
	"CREATE TABLE IF NOT EXISTS supplies("
	" report BIGINT NOT NULL REFERENCES supplies_reports(id),"
	" idx INTEGER NOT NULL, type TEXT NOT NULL, colorant TEXT NOT NULL,"
	" description TEXT NOT NULL, level BIGINT NOT NULL, max_capacity BIGINT NOT NULL,"
	" unit TEXT NOT NULL, state TEXT NOT NULL, replaced BIGINT NOT NULL,"
	" PRIMARY KEY(report, idx));";

/* v2: the billing export reads a whole cycle in device order. */
static const char both_v2[] =
	"CREATE INDEX IF NOT EXISTS reads_export ON reads(cycle, device_id, taken_at);";

static const char *const steps[2][LEDGER_SCHEMA_VERSION] = {
	[DB_SQLITE] = { sqlite_v1, both_v2 },
	[DB_POSTGRES] = { pg_v1, both_v2 },
};

static const struct db_sql meta_sql[] = {
	{ "SELECT value FROM meta WHERE key = 'schema'", NULL },
};

static int version_cb(void *arg, int ncol, const char *const *col)
{
	*(long *)arg = ncol > 0 && col[0] ? strtol(col[0], NULL, 10) : 0;
	return 0;
}

int ledger_schema_migrate(struct db *d, char *err, size_t errlen)
{
	enum db_kind k = d->kind;
	char set[128];
	long v = 0;
	int r;

	r = db_script(d, k == DB_POSTGRES ?
		      "BEGIN; SELECT pg_advisory_xact_lock(7308041501);" : "BEGIN IMMEDIATE;");
	if (r) {
		snprintf(err, errlen, "schema: %s", db_errmsg(d));
		return r;
	}
	r = db_script(d, "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY,"
		      " value TEXT NOT NULL);");
	if (!r)
		r = db_prepare(d, meta_sql, 1);
	if (!r) {
		r = db_run(d, 0, NULL, 0, version_cb, &v);
		r = r < 0 ? r : 0;
	}
	if (!r && v > LEDGER_SCHEMA_VERSION) {
		snprintf(err, errlen, "schema: the ledger is at version %ld, newer than this"
			 " server's %d", v, LEDGER_SCHEMA_VERSION);
		db_script(d, "ROLLBACK;");
		return -EINVAL;
	}
	for (long i = v; !r && i < LEDGER_SCHEMA_VERSION; i++)
		r = db_script(d, steps[k][i]);
	if (!r && v < LEDGER_SCHEMA_VERSION) {
		snprintf(set, sizeof(set), "INSERT INTO meta VALUES('schema', '%d')"
			 " ON CONFLICT(key) DO UPDATE SET value = excluded.value;",
			 LEDGER_SCHEMA_VERSION);
		r = db_script(d, set);
	}
	if (!r)
		r = db_script(d, "COMMIT;");
	if (r) {
		snprintf(err, errlen, "schema: %s", db_errmsg(d));
		db_script(d, "ROLLBACK;");
	}
	return r;
}
