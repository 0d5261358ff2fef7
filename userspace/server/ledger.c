// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/ledger: the SQLite ledger of the reference Communication Server
 * (see ledger.h).  Every stored read and report also keeps its canonical
 * JSON (re-encoded by proto, so white space and key order do not matter),
 * which is what a repeat is compared with.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "server/ledger.h"

struct ledger {
	sqlite3 *db;
	int depth;		/* transaction nesting */
	bool rolled_back;
	char err[256];
};

static const char schema[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA foreign_keys=ON;"
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"INSERT OR IGNORE INTO meta VALUES('schema', '1');"
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

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return -ENOSPC;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_CONSTRAINT:
		return -EEXIST;
	default:
		return -EIO;
	}
}

static int fail(struct ledger *l, int rc, const char *what)
{
	snprintf(l->err, sizeof(l->err), "%s: %s", what, sqlite3_errmsg(l->db));
	return map_rc(rc);
}

/*
 * Prepare sql and bind arguments described by fmt: 's' text (NULL ok),
 * 'i' int64, 'b' bool (int).  Returns NULL (with l->err set) on failure.
 */
static sqlite3_stmt *prep(struct ledger *l, int *rc, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;

	*rc = sqlite3_prepare_v2(l->db, sql, -1, &st, NULL);
	if (*rc != SQLITE_OK) {
		fail(l, *rc, "prepare");
		return NULL;
	}
	va_start(ap, fmt);
	for (int i = 1; fmt && *fmt; fmt++, i++) {
		switch (*fmt) {
		case 's': {
			const char *s = va_arg(ap, const char *);

			*rc = s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) :
				  sqlite3_bind_null(st, i);
			break;
		}
		case 'i':
			*rc = sqlite3_bind_int64(st, i, va_arg(ap, int64_t));
			break;
		case 'b':
			*rc = sqlite3_bind_int(st, i, va_arg(ap, int) ? 1 : 0);
			break;
		default:
			*rc = SQLITE_MISUSE;
		}
		if (*rc != SQLITE_OK) {
			va_end(ap);
			fail(l, *rc, "bind");
			sqlite3_finalize(st);
			return NULL;
		}
	}
	va_end(ap);
	return st;
}

/* Run a statement that returns no rows. */
#define EXEC(l, what, sql, fmt, ...)						\
	({									\
		int rc_, r_ = 0;						\
		sqlite3_stmt *st_ = prep(l, &rc_, sql, fmt, ##__VA_ARGS__);	\
		if (!st_)							\
			r_ = map_rc(rc_);					\
		else if ((rc_ = sqlite3_step(st_)) != SQLITE_DONE)		\
			r_ = fail(l, rc_, what);				\
		sqlite3_finalize(st_);						\
		r_;								\
	})

int ledger_open(const char *path, struct ledger **out, char *err, size_t errlen)
{
	struct ledger *l = calloc(1, sizeof(*l));
	char *msg = NULL;
	int rc;

	*out = NULL;
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, l->db ? sqlite3_errmsg(l->db) : "cannot open");
		goto bad;
	}
	sqlite3_extended_result_codes(l->db, 1);
	sqlite3_busy_timeout(l->db, 5000);
	rc = sqlite3_exec(l->db, schema, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: schema: %s", path, msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		goto bad;
	}
	*out = l;
	return 0;
bad:
	sqlite3_close(l->db);
	free(l);
	return map_rc(rc);
}

const char *ledger_errmsg(const struct ledger *l)
{
	return l->err;
}

void ledger_close(struct ledger *l)
{
	if (!l)
		return;
	if (l->depth)
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(l->db);
	free(l);
}

int ledger_begin(struct ledger *l)
{
	if (l->depth++ == 0) {
		l->rolled_back = false;
		int rc = sqlite3_exec(l->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

		if (rc != SQLITE_OK) {
			l->depth = 0;
			return fail(l, rc, "begin");
		}
	}
	return 0;
}

int ledger_commit(struct ledger *l)
{
	if (l->depth == 0) {
		snprintf(l->err, sizeof(l->err), "commit: transaction was rolled back");
		return -EIO;
	}
	if (--l->depth > 0)
		return 0;
	int rc = sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		int r = fail(l, rc, "commit");

		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		return r;
	}
	return 0;
}

void ledger_rollback(struct ledger *l)
{
	if (l->depth) {
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
		l->depth = 0;
		l->rolled_back = true;
	}
}

/* ---- devices ---- */

int ledger_ensure_device(struct ledger *l, const char *device_id, int64_t now,
			 const struct ledger_defaults *def)
{
	return EXEC(l, "insert device",
		    "INSERT OR IGNORE INTO devices(device_id, cycle_day, supplies_enabled,"
		    " supplies_interval_s, first_seen) VALUES(?,?,?,?,?)", "sibii",
		    device_id, (int64_t)def->cycle_day, def->supplies_enabled ? 1 : 0,
		    (int64_t)def->supplies_interval_s, now);
}

int ledger_record_poll(struct ledger *l, const struct proto_poll_req *req, int64_t now,
		       const struct ledger_defaults *def)
{
	char hm[16];
	int r;

	snprintf(hm, sizeof(hm), "%02u:%02u", (unsigned int)req->config.poll_hour % 100u,
		 (unsigned int)req->config.poll_minute % 100u);
	r = ledger_begin(l);
	if (r)
		return r;
	r = ledger_ensure_device(l, req->device.device_id, now, def);
	if (!r)
		r = EXEC(l, "update device",
			 "UPDATE devices SET model=?, engine_fw=?, controller_fw=?, agent_version=?,"
			 " has_poll=1, cfg_enabled=?, cfg_poll_time=?, cfg_timezone=?,"
			 " cfg_spread_minutes=?, cfg_proxy_mode=?, st_supplies_enabled=?,"
			 " st_supplies_interval_s=?, st_spool_pending=?, st_last_poll=?,"
			 " last_poll=?, polls=polls+1 WHERE device_id=?",
			 "ssssbssisbiiiis",
			 req->device.model, req->device.engine_fw, req->device.controller_fw,
			 req->device.agent_version, req->config.enabled ? 1 : 0, hm,
			 req->config.timezone, (int64_t)req->config.spread_minutes,
			 proto_proxy_mode_name(req->config.proxy_mode),
			 req->state.supplies_enabled ? 1 : 0,
			 (int64_t)req->state.supplies_interval_s,
			 (int64_t)req->state.spool_pending,
			 req->state.has_last_poll ? req->state.last_poll : (int64_t)0,
			 now, req->device.device_id);
	if (r) {
		ledger_rollback(l);
		return r;
	}
	return ledger_commit(l);
}

static void copy_col(char *dst, size_t n, sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);

	snprintf(dst, n, "%s", s ? (const char *)s : "");
}

#define DEVICE_COLS "device_id, model, engine_fw, controller_fw, agent_version, has_poll," \
	" cfg_enabled, cfg_poll_time, cfg_timezone, cfg_spread_minutes, cfg_proxy_mode," \
	" st_supplies_enabled, st_supplies_interval_s, st_spool_pending, st_last_poll," \
	" cycle_day, supplies_enabled, supplies_interval_s, first_seen, last_poll, polls"

static void device_row(sqlite3_stmt *st, struct ledger_device *d)
{
	char hm[8];
	char pm[16];
	int pmode;

	memset(d, 0, sizeof(*d));
	copy_col(d->id.device_id, sizeof(d->id.device_id), st, 0);
	copy_col(d->id.model, sizeof(d->id.model), st, 1);
	copy_col(d->id.engine_fw, sizeof(d->id.engine_fw), st, 2);
	copy_col(d->id.controller_fw, sizeof(d->id.controller_fw), st, 3);
	copy_col(d->id.agent_version, sizeof(d->id.agent_version), st, 4);
	d->has_poll = sqlite3_column_int(st, 5);
	d->config.enabled = sqlite3_column_int(st, 6);
	copy_col(hm, sizeof(hm), st, 7);
	if (strlen(hm) == 5) {
		d->config.poll_hour = (uint8_t)((hm[0] - '0') * 10 + (hm[1] - '0'));
		d->config.poll_minute = (uint8_t)((hm[3] - '0') * 10 + (hm[4] - '0'));
	}
	copy_col(d->config.timezone, sizeof(d->config.timezone), st, 8);
	d->config.spread_minutes = (uint32_t)sqlite3_column_int64(st, 9);
	copy_col(pm, sizeof(pm), st, 10);
	pmode = proto_proxy_mode_from_name(pm);
	d->config.proxy_mode = pmode < 0 ? PROTO_PROXY_NONE : (enum proto_proxy_mode)pmode;
	d->state.supplies_enabled = sqlite3_column_int(st, 11);
	d->state.supplies_interval_s = (uint32_t)sqlite3_column_int64(st, 12);
	d->state.spool_pending = (uint32_t)sqlite3_column_int64(st, 13);
	d->state.last_poll = sqlite3_column_int64(st, 14);
	d->state.has_last_poll = d->state.last_poll != 0;
	d->cycle_day = sqlite3_column_int(st, 15);
	d->supplies_enabled = sqlite3_column_int(st, 16);
	d->supplies_interval_s = (uint32_t)sqlite3_column_int64(st, 17);
	d->first_seen = sqlite3_column_int64(st, 18);
	d->last_poll = sqlite3_column_int64(st, 19);
	d->polls = (uint64_t)sqlite3_column_int64(st, 20);
}

int ledger_get_device(struct ledger *l, const char *device_id, struct ledger_device *out)
{
	int rc, r = 0;
	sqlite3_stmt *st = prep(l, &rc, "SELECT " DEVICE_COLS " FROM devices WHERE device_id=?",
				"s", device_id);

	if (!st)
		return map_rc(rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		device_row(st, out);
	} else if (rc == SQLITE_DONE) {
		snprintf(l->err, sizeof(l->err), "no device %s", device_id);
		r = -ENOENT;
	} else {
		r = fail(l, rc, "select device");
	}
	sqlite3_finalize(st);
	return r;
}

int ledger_set_policy(struct ledger *l, const char *device_id, int cycle_day,
		      int supplies_enabled, uint32_t supplies_interval_s)
{
	if ((cycle_day && (cycle_day < CYCLE_DAY_MIN || cycle_day > CYCLE_DAY_MAX)) ||
	    (supplies_interval_s && (supplies_interval_s < PROTO_SUPPLIES_INTERVAL_MIN ||
				     supplies_interval_s > PROTO_SUPPLIES_INTERVAL_MAX))) {
		snprintf(l->err, sizeof(l->err), "policy value out of range");
		return -EINVAL;
	}
	int r = EXEC(l, "update policy",
		     "UPDATE devices SET"
		     " cycle_day = CASE WHEN ?1 = 0 THEN cycle_day ELSE ?1 END,"
		     " supplies_enabled = CASE WHEN ?2 < 0 THEN supplies_enabled ELSE ?2 END,"
		     " supplies_interval_s = CASE WHEN ?3 = 0 THEN supplies_interval_s ELSE ?3 END"
		     " WHERE device_id = ?4", "iiis",
		     (int64_t)cycle_day, (int64_t)supplies_enabled,
		     (int64_t)supplies_interval_s, device_id);

	if (!r && sqlite3_changes(l->db) == 0) {
		snprintf(l->err, sizeof(l->err), "no device %s", device_id);
		return -ENOENT;
	}
	return r;
}

/* ---- requests ---- */

int ledger_cycle_reads(struct ledger *l, const char *device_id, const char *cycle)
{
	int rc, r;
	sqlite3_stmt *st = prep(l, &rc, "SELECT COUNT(*) FROM reads WHERE device_id=? AND cycle=?",
				"ss", device_id, cycle);

	if (!st)
		return map_rc(rc);
	rc = sqlite3_step(st);
	r = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : fail(l, rc, "count reads");
	sqlite3_finalize(st);
	return r;
}

int ledger_request_get(struct ledger *l, const char *device_id, const char *cycle,
		       char request_id[PROTO_ID_MAX + 1])
{
	int rc, r = 0;
	sqlite3_stmt *st = prep(l, &rc,
				"SELECT request_id FROM requests WHERE device_id=? AND cycle=?",
				"ss", device_id, cycle);

	if (!st)
		return map_rc(rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		copy_col(request_id, PROTO_ID_MAX + 1, st, 0);
	else if (rc == SQLITE_DONE)
		r = -ENOENT;
	else
		r = fail(l, rc, "select request");
	sqlite3_finalize(st);
	return r;
}

int ledger_request_sent(struct ledger *l, const char *device_id, const char *cycle,
			const char *request_id, int64_t now)
{
	return EXEC(l, "record request",
		    "INSERT INTO requests(request_id, device_id, cycle, issued_at, last_sent,"
		    " times_sent) VALUES(?1, ?2, ?3, ?4, ?4, 1)"
		    " ON CONFLICT(device_id, cycle) DO UPDATE SET last_sent=?4,"
		    " times_sent=times_sent+1 WHERE request_id=?1",
		    "sssi", request_id, device_id, cycle, now);
}

/* ---- reads ---- */

/* Look up a stored canonical body: 1 found (compared into *same), 0 none, <0 error. */
static int find_canon(struct ledger *l, const char *sql, const char *device_id,
		      const char *id, const char *canon, bool *same)
{
	int rc, r;
	sqlite3_stmt *st = prep(l, &rc, sql, "ss", device_id, id);

	if (!st)
		return map_rc(rc);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const unsigned char *c = sqlite3_column_text(st, 0);

		*same = c && strcmp((const char *)c, canon) == 0;
		r = 1;
	} else {
		r = rc == SQLITE_DONE ? 0 : fail(l, rc, "select stored");
	}
	sqlite3_finalize(st);
	return r;
}

/*
 * Open the transaction that stores a message kept once per (device, id).
 * Returns 1 when the id is stored already (*res: duplicate or conflict;
 * the transaction is committed), 0 to go on and insert (transaction open,
 * the device known), or <0 on error (rolled back).
 */
static int store_once_begin(struct ledger *l, const char *find_sql,
			    const char *device_id, const char *id,
			    const char *canon, int64_t now,
			    const struct ledger_defaults *def,
			    enum ledger_store_result *res)
{
	bool same = false;
	int r;

	r = ledger_begin(l);
	if (r)
		return r;
	r = find_canon(l, find_sql, device_id, id, canon, &same);
	if (r == 1) {
		*res = same ? LEDGER_DUPLICATE : LEDGER_CONFLICT;
		r = ledger_commit(l);
		return r ? r : 1;
	}
	if (r == 0)
		r = ledger_ensure_device(l, device_id, now, def);
	if (r)
		ledger_rollback(l);
	return r;
}

int ledger_store_read(struct ledger *l, const struct proto_meter_read *rd, int64_t now,
		      const struct ledger_defaults *def, enum ledger_store_result *res)
{
	char *canon = NULL;
	size_t clen;
	char cycle[CYCLE_LABEL_LEN + 1];
	char gen[24], mv[PROTO_METER_COUNT][24];
	const char *mp[PROTO_METER_COUNT];
	bool known = false;
	struct ledger_device dev;
	struct proto_error perr;
	int r;

	if (proto_encode_meter_read(rd, &canon, &clen, &perr)) {
		snprintf(l->err, sizeof(l->err), "read: %s", perr.message);
		return -EINVAL;
	}
	r = store_once_begin(l, "SELECT canon FROM reads WHERE device_id=? AND read_id=?",
			     rd->device_id, rd->read_id, canon, now, def, res);
	if (r) {
		r = r == 1 ? 0 : r;
		goto out;
	}
	r = ledger_get_device(l, rd->device_id, &dev);
	if (r)
		goto bad;
	{
		int rc;
		sqlite3_stmt *st = prep(l, &rc, "SELECT cycle FROM requests WHERE device_id=?"
					" AND request_id=?", "ss", rd->device_id, rd->request_id);

		if (!st) {
			r = map_rc(rc);
			goto bad;
		}
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			copy_col(cycle, sizeof(cycle), st, 0);
			known = true;
		} else if (rc != SQLITE_DONE) {
			r = fail(l, rc, "select request");
		}
		sqlite3_finalize(st);
		if (r)
			goto bad;
	}
	if (!known && cycle_of(now, dev.cycle_day, cycle, NULL, NULL)) {
		snprintf(l->err, sizeof(l->err), "no billing cycle for time %" PRId64, now);
		r = -EINVAL;
		goto bad;
	}
	snprintf(gen, sizeof(gen), "%" PRIu64, rd->generation);
	for (int i = 0; i < PROTO_METER_COUNT; i++) {
		snprintf(mv[i], sizeof(mv[i]), "%" PRIu64, rd->meters[i]);
		mp[i] = (rd->meter_mask & (1u << i)) ? mv[i] : NULL;
	}
	r = EXEC(l, "insert read",
		 "INSERT INTO reads(device_id, read_id, request_id, request_known, cycle,"
		 " generation, taken_at, received_at, impressions_total, impressions_mono,"
		 " impressions_color, impressions_duplex, impressions_large, sheets_total,"
		 " sheets_duplex, canon) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		 "sssbssiissssssss",
		 rd->device_id, rd->read_id, rd->request_id, known ? 1 : 0, cycle, gen,
		 rd->taken_at, now, mp[0], mp[1], mp[2], mp[3], mp[4], mp[5], mp[6], canon);
	if (r)
		goto bad;
	if (known) {
		r = EXEC(l, "fulfil request",
			 "UPDATE requests SET fulfilled_by=?, fulfilled_at=? WHERE device_id=?"
			 " AND request_id=? AND fulfilled_by IS NULL", "siss",
			 rd->read_id, now, rd->device_id, rd->request_id);
		if (r)
			goto bad;
	}
	r = ledger_commit(l);
	if (!r)
		*res = LEDGER_STORED;
	goto out;
bad:
	ledger_rollback(l);
out:
	free(canon);
	return r;
}

/* ---- supplies ---- */

int ledger_store_supplies(struct ledger *l, const struct proto_supplies_report *rp,
			  int64_t now, const struct ledger_defaults *def,
			  enum ledger_store_result *res)
{
	char *canon = NULL;
	size_t clen;
	char gen[24];
	struct proto_error perr;
	int r;

	if (proto_encode_supplies(rp, &canon, &clen, &perr)) {
		snprintf(l->err, sizeof(l->err), "report: %s", perr.message);
		return -EINVAL;
	}
	r = store_once_begin(l, "SELECT canon FROM supplies_reports WHERE device_id=? AND report_id=?",
			     rp->device_id, rp->report_id, canon, now, def, res);
	if (r) {
		r = r == 1 ? 0 : r;
		goto out;
	}
	snprintf(gen, sizeof(gen), "%" PRIu64, rp->generation);
	r = EXEC(l, "insert report",
		 "INSERT INTO supplies_reports(device_id, report_id, trigger, generation,"
		 " taken_at, received_at, canon) VALUES(?,?,?,?,?,?,?)", "ssssiis",
		 rp->device_id, rp->report_id, proto_trigger_name(rp->trigger), gen,
		 rp->taken_at, now, canon);
	if (r)
		goto bad;
	int64_t rowid = sqlite3_last_insert_rowid(l->db);

	for (unsigned int i = 0; i < rp->n_supplies; i++) {
		const struct proto_supply *s = &rp->supplies[i];

		r = EXEC(l, "insert supply",
			 "INSERT INTO supplies(report, idx, type, colorant, description, level,"
			 " max_capacity, unit, state, replaced) VALUES(?,?,?,?,?,?,?,?,?,?)",
			 "iisssiissi", rowid, (int64_t)s->index, proto_supply_type_name(s->type),
			 s->colorant, s->description, (int64_t)s->level, (int64_t)s->max_capacity,
			 proto_supply_unit_name(s->unit), proto_supply_state_name(s->state),
			 (int64_t)s->replaced);
		if (r)
			goto bad;
	}
	r = ledger_commit(l);
	if (!r)
		*res = LEDGER_STORED;
	goto out;
bad:
	ledger_rollback(l);
out:
	free(canon);
	return r;
}

/* ---- listing ---- */

int ledger_each_device(struct ledger *l,
		       int (*cb)(const struct ledger_device *, void *), void *arg)
{
	int rc, r = 0;
	sqlite3_stmt *st = prep(l, &rc, "SELECT " DEVICE_COLS " FROM devices ORDER BY device_id",
				NULL);
	struct ledger_device d;

	if (!st)
		return map_rc(rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		device_row(st, &d);
		r = cb(&d, arg);
		if (r)
			break;
	}
	if (!r && rc != SQLITE_DONE)
		r = fail(l, rc, "list devices");
	sqlite3_finalize(st);
	return r;
}

int ledger_each_read(struct ledger *l, const char *device_id,
		     int (*cb)(const struct ledger_read_row *, void *), void *arg)
{
	int rc, r = 0;
	sqlite3_stmt *st = prep(l, &rc,
				"SELECT canon, cycle, request_known, received_at FROM reads"
				" WHERE ?1 IS NULL OR device_id = ?1 ORDER BY id", "s", device_id);
	struct ledger_read_row row;

	if (!st)
		return map_rc(rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *c = sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		struct proto_error perr;

		memset(&row, 0, sizeof(row));
		if (proto_decode_meter_read(c, (size_t)n, &row.read, &perr)) {
			snprintf(l->err, sizeof(l->err), "stored read is corrupt: %s", perr.message);
			r = -EIO;
			break;
		}
		copy_col(row.cycle, sizeof(row.cycle), st, 1);
		row.request_known = sqlite3_column_int(st, 2);
		row.received_at = sqlite3_column_int64(st, 3);
		r = cb(&row, arg);
		if (r)
			break;
	}
	if (!r && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = fail(l, rc, "list reads");
	sqlite3_finalize(st);
	return r;
}

int ledger_each_supplies(struct ledger *l, const char *device_id,
			 int (*cb)(const struct ledger_supplies_row *, void *), void *arg)
{
	int rc, r = 0;
	sqlite3_stmt *st = prep(l, &rc,
				"SELECT canon, received_at FROM supplies_reports"
				" WHERE ?1 IS NULL OR device_id = ?1 ORDER BY id", "s", device_id);
	struct ledger_supplies_row *row = malloc(sizeof(*row));

	if (!st || !row) {
		sqlite3_finalize(st);
		free(row);
		return st ? -ENOMEM : map_rc(rc);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const void *c = sqlite3_column_text(st, 0);
		int n = sqlite3_column_bytes(st, 0);
		struct proto_error perr;

		memset(row, 0, sizeof(*row));
		if (proto_decode_supplies(c, (size_t)n, &row->report, &perr)) {
			snprintf(l->err, sizeof(l->err), "stored report is corrupt: %s", perr.message);
			r = -EIO;
			break;
		}
		row->received_at = sqlite3_column_int64(st, 1);
		r = cb(row, arg);
		if (r)
			break;
	}
	if (!r && rc != SQLITE_DONE && rc != SQLITE_ROW)
		r = fail(l, rc, "list supplies");
	sqlite3_finalize(st);
	free(row);
	return r;
}
