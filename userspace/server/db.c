// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/db: choose the back end from the target and dispatch to it
 * (see db.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/db.h"

enum db_kind db_kind_of(const char *target)
{
	if (!strncmp(target, "postgresql://", 13) || !strncmp(target, "postgres://", 11) ||
	    !strncmp(target, "pg:", 3))
		return DB_POSTGRES;
	return DB_SQLITE;
}

int db_open(const char *target, struct db **out, char *err, size_t errlen)
{
	struct db *d = calloc(1, sizeof(*d));
	int r;

	*out = NULL;
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->kind = db_kind_of(target);
	d->ops = d->kind == DB_POSTGRES ? &db_pg_ops : &db_sqlite_ops;
	r = d->ops->open(d, d->kind == DB_POSTGRES && !strncmp(target, "pg:", 3) ?
			 target + 3 : target, err, errlen);
	if (r) {
		free(d);
		return r;
	}
	*out = d;
	return 0;
}

void db_close(struct db *d)
{
	if (!d)
		return;
	d->ops->close(d);
	free(d);
}

int db_prepare(struct db *d, const struct db_sql *sql, size_t nsql)
{
	d->sql = sql;
	d->nsql = nsql;
	return d->ops->prepare(d);
}

int db_script(struct db *d, const char *sql)
{
	d->err[0] = '\0';
	return d->ops->script(d, sql);
}

int db_run(struct db *d, size_t stmt, const struct db_arg *args, int nargs,
	   db_row_cb cb, void *arg)
{
	if (stmt >= d->nsql) {
		snprintf(d->err, sizeof(d->err), "no statement %zu", stmt);
		return -EINVAL;
	}
	return d->ops->run(d, stmt, args, nargs, cb, arg);
}

const char *db_errmsg(const struct db *d)
{
	return d->err;
}
