// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/db_pg: the PostgreSQL back end of server/db, over libpq.
 * Statements are prepared once per connection (named "s0".."sN"); a
 * lost connection (the database restarted, a network failure) fails
 * the call in progress with -EBUSY and is re-established, and the
 * statements prepared again, by the next call.  Parameters are sent as
 * text; results are read as text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "server/db.h"

/* The SQLSTATE of a failed result, mapped to an errno. */
static int map_state(const char *state)
{
	if (!state)
		return -EBUSY;		/* no server answer: the connection failed */
	if (!strcmp(state, "23505"))
		return -EEXIST;		/* unique_violation */
	if (!strcmp(state, "53100"))
		return -ENOSPC;		/* disk_full */
	if (!strcmp(state, "53200"))
		return -ENOMEM;
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3) ||	/* connection, shutdown */
	    !strcmp(state, "40001") || !strcmp(state, "40P01") ||	/* serialisation, deadlock */
	    !strcmp(state, "55P03") || !strcmp(state, "53300"))		/* lock, too many conns */
		return -EBUSY;
	return -EIO;
}

static int fail_res(struct db *d, PGresult *res, const char *what)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn);
	int r = map_state(state);
	size_t n;

	snprintf(d->err, sizeof(d->err), "%s: %s", what, msg && *msg ? msg : "no answer");
	n = strlen(d->err);
	while (n && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
		d->err[--n] = '\0';
	if (PQstatus(d->conn) != CONNECTION_OK)
		r = -EBUSY;
	return r;
}

static int prepare_all(struct db *d)
{
	char name[24];
	PGresult *dres = PQexec(d->conn, "DEALLOCATE ALL");	/* the previous set */

	PQclear(dres);

	for (size_t i = 0; i < d->nsql; i++) {
		PGresult *res;
		int r = 0;

		snprintf(name, sizeof(name), "s%zu", i);
		res = PQprepare(d->conn, name, d->sql[i].pg ? d->sql[i].pg : d->sql[i].sqlite,
				0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			r = fail_res(d, res, name);
		PQclear(res);
		if (r)
			return r;
	}
	return 0;
}

/* After a lost connection: reconnect and prepare again.  0 when usable. */
static int ensure_conn(struct db *d)
{
	if (PQstatus(d->conn) == CONNECTION_OK)
		return 0;
	PQreset(d->conn);
	if (PQstatus(d->conn) != CONNECTION_OK) {
		snprintf(d->err, sizeof(d->err), "database unreachable: %s",
			 PQerrorMessage(d->conn));
		return -EBUSY;
	}
	return prepare_all(d);
}

static void notice_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;		/* "relation already exists, skipping" and the like */
}

static int pg_open(struct db *d, const char *conninfo, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(conninfo);

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		char msg[400];
		size_t n;

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c));
		n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			msg[--n] = '\0';
		snprintf(err, errlen, "PostgreSQL %s: %s", conninfo, msg);
		PQfinish(c);
		return -EIO;
	}
	PQsetNoticeProcessor(c, notice_quiet, NULL);
	d->conn = c;
	return 0;
}

static void pg_close(struct db *d)
{
	PQfinish(d->conn);
}

static int pg_script(struct db *d, const char *sql)
{
	PGresult *res;
	int r = ensure_conn(d);

	if (r)
		return r;
	res = PQexec(d->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		r = fail_res(d, res, "script");
	PQclear(res);
	return r;
}

static int pg_prepare(struct db *d)
{
	int r = ensure_conn(d);

	return r ? r : prepare_all(d);
}

#define MAX_ARGS 24
#define MAX_COLS 32

static int pg_run(struct db *d, size_t stmt, const struct db_arg *args, int nargs,
		  db_row_cb cb, void *arg)
{
	char name[24], num[MAX_ARGS][24];
	const char *vals[MAX_ARGS], *col[MAX_COLS];
	PGresult *res;
	int r, rows;

	if (nargs > MAX_ARGS) {
		snprintf(d->err, sizeof(d->err), "too many arguments");
		return -EINVAL;
	}
	r = ensure_conn(d);
	if (r)
		return r;
	for (int i = 0; i < nargs; i++) {
		if (args[i].type == 'i') {
			snprintf(num[i], sizeof(num[i]), "%" PRId64, args[i].i);
			vals[i] = num[i];
		} else {
			vals[i] = args[i].s;
		}
	}
	snprintf(name, sizeof(name), "s%zu", stmt);
	/* rows one at a time: a listing of a million reads is never held whole */
	if (!PQsendQueryPrepared(d->conn, name, nargs, vals, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(d->conn))
		return fail_res(d, NULL, name);
	rows = 0;
	while ((res = PQgetResult(d->conn)) != NULL) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE: {
			int n = PQnfields(res);

			if (n > MAX_COLS)
				n = MAX_COLS;
			for (int j = 0; j < n; j++)
				col[j] = PQgetisnull(res, 0, j) ? NULL : PQgetvalue(res, 0, j);
			rows++;
			if (!r && cb)
				r = cb(arg, n, col);	/* after a failure: drain the rest */
			break;
		}
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
			break;
		default:
			if (!r)
				r = fail_res(d, res, name);
		}
		PQclear(res);
	}
	if (!r && PQstatus(d->conn) != CONNECTION_OK)
		r = fail_res(d, NULL, name);
	return r < 0 ? r : rows;
}

const struct db_ops db_pg_ops = {
	.open = pg_open,
	.close = pg_close,
	.script = pg_script,
	.prepare = pg_prepare,
	.run = pg_run,
};
