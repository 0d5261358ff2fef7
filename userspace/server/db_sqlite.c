// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/db_sqlite: the SQLite back end of server/db (WAL, synchronous
 * FULL, foreign keys on, a 5 s busy timeout).  Statements are prepared
 * once and reset after each run; "$N" parameters become SQLite's "?N".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "server/db.h"

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

static int fail(struct db *d, int rc, const char *what)
{
	snprintf(d->err, sizeof(d->err), "%s: %s", what, sqlite3_errmsg(d->conn));
	return map_rc(rc);
}

static int sq_open(struct db *d, const char *path, char *err, size_t errlen)
{
	sqlite3 *s = NULL;
	char *msg = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &s, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			     SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_extended_result_codes(s, 1);
		sqlite3_busy_timeout(s, 5000);
		rc = sqlite3_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
				  " PRAGMA foreign_keys=ON;", NULL, NULL, &msg);
	}
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path,
			 msg ? msg : s ? sqlite3_errmsg(s) : "cannot open");
		sqlite3_free(msg);
		sqlite3_close(s);
		return map_rc(rc);
	}
	d->conn = s;
	return 0;
}

static void finalize_all(struct db *d)
{
	if (!d->prepared)
		return;
	for (size_t i = 0; i < d->nprepared; i++)
		sqlite3_finalize(d->prepared[i]);
	free(d->prepared);
	d->prepared = NULL;
	d->nprepared = 0;
}

static void sq_close(struct db *d)
{
	finalize_all(d);
	sqlite3_close(d->conn);
}

static int sq_script(struct db *d, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(d->conn, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		snprintf(d->err, sizeof(d->err), "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		return map_rc(rc);
	}
	return 0;
}

/* "$12" -> "?12": the same parameter numbers in SQLite's spelling. */
static char *sqlite_spelling(const char *sql)
{
	char *s = strdup(sql);

	for (char *p = s; p && *p; p++)
		if (*p == '$' && p[1] >= '0' && p[1] <= '9')
			*p = '?';
	return s;
}

static int sq_prepare(struct db *d)
{
	finalize_all(d);
	d->prepared = calloc(d->nsql ? d->nsql : 1, sizeof(void *));
	if (!d->prepared)
		return -ENOMEM;
	d->nprepared = d->nsql;
	for (size_t i = 0; i < d->nsql; i++) {
		char *sql = sqlite_spelling(d->sql[i].sqlite);
		sqlite3_stmt *st = NULL;
		int rc;

		if (!sql)
			return -ENOMEM;
		rc = sqlite3_prepare_v3(d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
		free(sql);
		if (rc != SQLITE_OK) {
			snprintf(d->err, sizeof(d->err), "prepare statement %zu: %s", i,
				 sqlite3_errmsg(d->conn));
			return map_rc(rc);
		}
		d->prepared[i] = st;
	}
	return 0;
}

#define MAX_COLS 32

static int sq_run(struct db *d, size_t stmt, const struct db_arg *args, int nargs,
		  db_row_cb cb, void *arg)
{
	sqlite3_stmt *st = d->prepared ? d->prepared[stmt] : NULL;
	const char *col[MAX_COLS];
	int rc = SQLITE_OK, rows = 0, r = 0;

	if (!st) {
		snprintf(d->err, sizeof(d->err), "statement %zu not prepared", stmt);
		return -EINVAL;
	}
	for (int i = 0; i < nargs && rc == SQLITE_OK; i++) {
		if (args[i].type == 'i')
			rc = sqlite3_bind_int64(st, i + 1, args[i].i);
		else if (args[i].s)
			rc = sqlite3_bind_text(st, i + 1, args[i].s, -1, SQLITE_STATIC);
		else
			rc = sqlite3_bind_null(st, i + 1);
	}
	if (rc != SQLITE_OK) {
		r = fail(d, rc, "bind");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_count(st);

		if (n > MAX_COLS)
			n = MAX_COLS;
		for (int i = 0; i < n; i++)
			col[i] = (const char *)sqlite3_column_text(st, i);
		rows++;
		if (cb && (r = cb(arg, n, col)) < 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = fail(d, rc, "step");
		goto out;
	}
	r = rows;
out:
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

const struct db_ops db_sqlite_ops = {
	.open = sq_open,
	.close = sq_close,
	.script = sq_script,
	.prepare = sq_prepare,
	.run = sq_run,
};
