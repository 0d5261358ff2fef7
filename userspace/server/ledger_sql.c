// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/ledger_sql: the ledger's statements (see ledger_sql.h and, for
 * the tables, ledger_schema.c).
 */
#include "server/ledger.h"
#include "server/ledger_sql.h"

#define DEVICE_COLS "device_id, model, engine_fw, controller_fw, agent_version, has_poll," \
	" cfg_enabled, cfg_poll_time, cfg_timezone, cfg_spread_minutes, cfg_proxy_mode," \
	" st_supplies_enabled, st_supplies_interval_s, st_spool_pending, st_last_poll," \
	" cycle_day, supplies_enabled, supplies_interval_s, first_seen, last_poll, polls"
#define METER_COLS "impressions_total, impressions_mono, impressions_color," \
	" impressions_duplex, impressions_large, sheets_total, sheets_duplex"

/* $1..$18: the device and what its poll says ($5: now) */
#define POLL_UPSERT								\
	"INSERT INTO devices(device_id, cycle_day, supplies_enabled, supplies_interval_s,"	\
	" first_seen, model, engine_fw, controller_fw, agent_version, has_poll,"		\
	" cfg_enabled, cfg_poll_time, cfg_timezone, cfg_spread_minutes, cfg_proxy_mode,"	\
	" st_supplies_enabled, st_supplies_interval_s, st_spool_pending, st_last_poll,"	\
	" last_poll, polls)"								\
	" VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $11, $12, $13, $14, $15, $16,"	\
	" $17, $18, $5, 1)"								\
	" ON CONFLICT(device_id) DO UPDATE SET model = excluded.model,"			\
	" engine_fw = excluded.engine_fw, controller_fw = excluded.controller_fw,"		\
	" agent_version = excluded.agent_version, has_poll = 1,"				\
	" cfg_enabled = excluded.cfg_enabled, cfg_poll_time = excluded.cfg_poll_time,"	\
	" cfg_timezone = excluded.cfg_timezone,"						\
	" cfg_spread_minutes = excluded.cfg_spread_minutes,"				\
	" cfg_proxy_mode = excluded.cfg_proxy_mode,"					\
	" st_supplies_enabled = excluded.st_supplies_enabled,"				\
	" st_supplies_interval_s = excluded.st_supplies_interval_s,"			\
	" st_spool_pending = excluded.st_spool_pending,"					\
	" st_last_poll = excluded.st_last_poll, last_poll = excluded.last_poll,"		\
	" polls = devices.polls + 1"							\
	" RETURNING cycle_day, supplies_enabled, supplies_interval_s"

#define READ_INSERT								\
	"INSERT INTO reads(device_id, read_id, request_id, request_known, cycle,"		\
	" generation, taken_at, received_at, " METER_COLS ", canon)"			\
	" VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"	\
	" ON CONFLICT(device_id, read_id) DO NOTHING"

#define SET_POLICY								\
	"UPDATE devices SET"								\
	" cycle_day = CASE WHEN $1 = 0 THEN cycle_day ELSE $1 END,"			\
	" supplies_enabled = CASE WHEN $2 < 0 THEN supplies_enabled ELSE $2 END,"	\
	" supplies_interval_s = CASE WHEN $3 = 0 THEN supplies_interval_s ELSE $3 END"	\
	" WHERE device_id = $4"

const struct db_sql ledger_sql[S_COUNT] = {
	[S_BEGIN] = { "BEGIN IMMEDIATE", "BEGIN" },
	[S_COMMIT] = { "COMMIT", NULL },
	[S_ROLLBACK] = { "ROLLBACK", NULL },
	[S_ENSURE_DEVICE] = {
		"INSERT INTO devices(device_id, cycle_day, supplies_enabled, supplies_interval_s,"
		" first_seen) VALUES($1, $2, $3, $4, $5) ON CONFLICT(device_id) DO NOTHING", NULL },
	/* a poll: create or update the device, and return its policy, in one statement */
	[S_POLL_DEVICE] = { POLL_UPSERT, NULL },
	[S_GET_DEVICE] = { "SELECT " DEVICE_COLS " FROM devices WHERE device_id = $1", NULL },
	/* PostgreSQL: announced to the poll caches, as a read */
	[S_SET_POLICY] = { SET_POLICY " RETURNING device_id",
		"WITH u AS (" SET_POLICY " RETURNING device_id)"
		" SELECT device_id, pg_notify('" LEDGER_DEVICE_CHANNEL "', device_id) FROM u" },
	[S_DEVICE_CYCLE_DAY] = { "SELECT cycle_day FROM devices WHERE device_id = $1", NULL },
	[S_CYCLE_READS] = {
		"SELECT COUNT(*) FROM reads WHERE device_id = $1 AND cycle = $2", NULL },
	[S_REQUEST_GET] = {
		"SELECT request_id FROM requests WHERE device_id = $1 AND cycle = $2", NULL },
	/* the request of a cycle is made once: a second server's candidate loses */
	[S_REQUEST_ISSUE] = {
		"INSERT INTO requests(request_id, device_id, cycle, issued_at, last_sent,"
		" times_sent) VALUES($1, $2, $3, $4, $4, 1)"
		" ON CONFLICT(device_id, cycle) DO UPDATE SET last_sent = excluded.last_sent,"
		" times_sent = requests.times_sent + 1 RETURNING request_id", NULL },
	[S_REQUEST_CYCLE] = {
		"SELECT cycle FROM requests WHERE device_id = $1 AND request_id = $2", NULL },
	[S_REQUEST_FULFIL] = {
		"UPDATE requests SET fulfilled_by = $1, fulfilled_at = $2 WHERE device_id = $3"
		" AND request_id = $4 AND fulfilled_by IS NULL", NULL },
	/*
	 * PostgreSQL also announces the device (at commit) to every server's
	 * poll cache (server/pgwatch, server/pollcache): its cycle has its read now.
	 */
	[S_READ_INSERT] = { READ_INSERT " RETURNING id",
		"WITH ins AS (" READ_INSERT " RETURNING id)"
		" SELECT id, pg_notify('" LEDGER_DEVICE_CHANNEL "', CAST($1 AS TEXT)) FROM ins" },
	[S_READ_CANON] = {
		"SELECT canon FROM reads WHERE device_id = $1 AND read_id = $2", NULL },
	[S_REPORT_INSERT] = {
		"INSERT INTO supplies_reports(device_id, report_id, trigger, generation, taken_at,"
		" received_at, canon) VALUES($1, $2, $3, $4, $5, $6, $7)"
		" ON CONFLICT(device_id, report_id) DO NOTHING RETURNING id", NULL },
	[S_REPORT_CANON] = {
		"SELECT canon FROM supplies_reports WHERE device_id = $1 AND report_id = $2", NULL },
	[S_SUPPLY_INSERT] = {
		"INSERT INTO supplies(report, idx, type, colorant, description, level,"
		" max_capacity, unit, state, replaced) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9,"
		" $10)", NULL },
	[S_EACH_DEVICE] = { "SELECT " DEVICE_COLS " FROM devices ORDER BY device_id", NULL },
	[S_EACH_READ] = {
		"SELECT canon, cycle, request_known, received_at FROM reads"
		" WHERE CAST($1 AS TEXT) IS NULL OR device_id = $1 ORDER BY id", NULL },
	[S_EACH_SUPPLIES] = {
		"SELECT canon, received_at FROM supplies_reports"
		" WHERE CAST($1 AS TEXT) IS NULL OR device_id = $1 ORDER BY id", NULL },
	[S_EXPORT] = {
		"SELECT device_id, cycle, read_id, request_id, request_known, generation, taken_at,"
		" received_at, " METER_COLS " FROM reads WHERE cycle = $1"
		" ORDER BY device_id, taken_at, id", NULL },
	/*
	 * The cycle's request, issued (or sent again) only while the cycle
	 * has no read: $1 candidate id, $2 device, $3 cycle, $4 now.
	 */
	[S_REQUEST_IF_DUE] = {
		"INSERT INTO requests(request_id, device_id, cycle, issued_at, last_sent, times_sent)"
		" SELECT $1, $2, $3, $4, $4, 1 WHERE NOT EXISTS"
		" (SELECT 1 FROM reads WHERE device_id = $2 AND cycle = $3)"
		" ON CONFLICT(device_id, cycle) DO UPDATE SET last_sent = excluded.last_sent,"
		" times_sent = requests.times_sent + 1 RETURNING request_id", NULL },
	/*
	 * PostgreSQL: a whole poll in one statement, so one round trip and
	 * one transaction: record it, pick the device's cycle from its billing
	 * day ($19 day of month, $20 this month's cycle, $21 last month's),
	 * and issue the cycle's request ($22 candidate id) unless a read for
	 * the cycle is stored.  SQLite runs the same as S_POLL_DEVICE and
	 * S_REQUEST_IF_DUE in one transaction.
	 */
	[S_POLL_DECIDE] = { "SELECT 1", "WITH dev AS (" POLL_UPSERT "),"
		" cyc AS (SELECT CASE WHEN CAST($19 AS INTEGER) >= cycle_day"
		" THEN CAST($20 AS TEXT) ELSE CAST($21 AS TEXT) END AS cycle, cycle_day,"
		" supplies_enabled, supplies_interval_s FROM dev),"
		" req AS (INSERT INTO requests(request_id, device_id, cycle, issued_at, last_sent,"
		" times_sent) SELECT $22, $1, cyc.cycle, $5, $5, 1 FROM cyc WHERE NOT EXISTS"
		" (SELECT 1 FROM reads r WHERE r.device_id = $1 AND r.cycle = cyc.cycle)"
		" ON CONFLICT(device_id, cycle) DO UPDATE SET last_sent = excluded.last_sent,"
		" times_sent = requests.times_sent + 1 RETURNING request_id)"
		" SELECT cyc.cycle_day, cyc.supplies_enabled, cyc.supplies_interval_s, cyc.cycle,"
		" req.request_id FROM cyc LEFT JOIN req ON true" },
	/*
	 * A poll's decision without writing: the device's policy, its cycle
	 * now ($2 day of month, $3 this month's, $4 last month's), the cycle's
	 * request and whether a read for the cycle is stored.
	 */
	[S_POLL_PEEK] = {
		"SELECT d.cycle_day, d.supplies_enabled, d.supplies_interval_s, c.cycle,"
		" (SELECT q.request_id FROM requests q WHERE q.device_id = d.device_id"
		"  AND q.cycle = c.cycle),"
		" EXISTS (SELECT 1 FROM reads r WHERE r.device_id = d.device_id AND r.cycle = c.cycle),"
		" d.device_id, d.model, d.engine_fw, d.controller_fw, d.agent_version, d.has_poll,"
		" d.cfg_enabled, d.cfg_poll_time, d.cfg_timezone, d.cfg_spread_minutes,"
		" d.cfg_proxy_mode"
		" FROM devices d, (SELECT CASE WHEN CAST($2 AS INTEGER) >= cycle_day"
		"  THEN CAST($3 AS TEXT) ELSE CAST($4 AS TEXT) END AS cycle FROM devices"
		"  WHERE device_id = $1) c WHERE d.device_id = $1", NULL },
	/*
	 * Polls booked later: $2 polls more; the rest only if this is the
	 * newest poll known ($5 its time), so a late booking never overwrites
	 * a newer poll written at once.
	 */
	[S_BOOK_DEVICE] = {
		"UPDATE devices SET polls = polls + $2,"
		" model = CASE WHEN last_poll <= $5 THEN $3 ELSE model END,"
		" engine_fw = CASE WHEN last_poll <= $5 THEN $4 ELSE engine_fw END,"
		" controller_fw = CASE WHEN last_poll <= $5 THEN $6 ELSE controller_fw END,"
		" agent_version = CASE WHEN last_poll <= $5 THEN $7 ELSE agent_version END,"
		" cfg_enabled = CASE WHEN last_poll <= $5 THEN $8 ELSE cfg_enabled END,"
		" cfg_poll_time = CASE WHEN last_poll <= $5 THEN $9 ELSE cfg_poll_time END,"
		" cfg_timezone = CASE WHEN last_poll <= $5 THEN $10 ELSE cfg_timezone END,"
		" cfg_spread_minutes = CASE WHEN last_poll <= $5 THEN $11 ELSE cfg_spread_minutes END,"
		" cfg_proxy_mode = CASE WHEN last_poll <= $5 THEN $12 ELSE cfg_proxy_mode END,"
		" st_supplies_enabled = CASE WHEN last_poll <= $5 THEN $13"
		"  ELSE st_supplies_enabled END,"
		" st_supplies_interval_s = CASE WHEN last_poll <= $5 THEN $14"
		"  ELSE st_supplies_interval_s END,"
		" st_spool_pending = CASE WHEN last_poll <= $5 THEN $15 ELSE st_spool_pending END,"
		" st_last_poll = CASE WHEN last_poll <= $5 THEN $16 ELSE st_last_poll END,"
		" last_poll = CASE WHEN last_poll <= $5 THEN $5 ELSE last_poll END"
		" WHERE device_id = $1", NULL },
	/* the same for brief polls: the identity on file is theirs, left alone */
	[S_BOOK_DEVICE_BRIEF] = {
		"UPDATE devices SET polls = polls + $2,"
		" st_supplies_enabled = CASE WHEN last_poll <= $3 THEN $4"
		"  ELSE st_supplies_enabled END,"
		" st_supplies_interval_s = CASE WHEN last_poll <= $3 THEN $5"
		"  ELSE st_supplies_interval_s END,"
		" st_spool_pending = CASE WHEN last_poll <= $3 THEN $6 ELSE st_spool_pending END,"
		" st_last_poll = CASE WHEN last_poll <= $3 THEN $7 ELSE st_last_poll END,"
		" last_poll = CASE WHEN last_poll <= $3 THEN $3 ELSE last_poll END"
		" WHERE device_id = $1", NULL },
	[S_BOOK_REQUEST] = {
		"UPDATE requests SET times_sent = times_sent + $2,"
		" last_sent = CASE WHEN last_sent < $3 THEN $3 ELSE last_sent END"
		" WHERE device_id = $1 AND cycle = $4", NULL },
};
