/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/db: one connection to the ledger's database, SQLite or
 * PostgreSQL, behind one small interface.  The caller gives its SQL
 * statements once (written in the dialect both understand: $1..$N
 * parameters, ON CONFLICT, RETURNING, CAST(... AS BIGINT)); they are
 * prepared once per connection (again after PostgreSQL reconnects) and
 * run by index with typed arguments.  Rows come back as text.
 *
 * Which database: a `postgresql://` or `postgres://` URI, or `pg:` and a
 * libpq key=value string, is PostgreSQL; anything else is an SQLite file.
 *
 * Errors are negative errnos: -EEXIST a unique constraint, -EBUSY try
 * again later (SQLite busy, PostgreSQL unreachable / restarting /
 * serialisation failure; the connection is re-established on the next
 * call), -ENOSPC a full disk, -ENOMEM, -EINVAL, -EIO anything else;
 * db_errmsg() says what failed.  Not thread-safe: one caller at a time.
 */
#ifndef ESOL_SERVER_DB_H
#define ESOL_SERVER_DB_H

#include <stddef.h>
#include <stdint.h>

enum db_kind { DB_SQLITE, DB_POSTGRES };

struct db_arg {
	char type;		/* 's' text (s may be NULL: SQL NULL), 'i' int64 */
	const char *s;
	int64_t i;
};
#define DB_S(x) ((struct db_arg){ .type = 's', .s = (x) })
#define DB_I(x) ((struct db_arg){ .type = 'i', .i = (int64_t)(x) })

/* One SQL statement in each dialect (pg NULL: the same as sqlite). */
struct db_sql {
	const char *sqlite;
	const char *pg;
};

/* A row: ncol columns as text, NULL for SQL NULL.  A negative errno stops the run and is returned. */
typedef int (*db_row_cb)(void *arg, int ncol, const char *const *col);

struct db;

struct db_ops {
	int (*open)(struct db *d, const char *target, char *err, size_t errlen);
	void (*close)(struct db *d);
	int (*script)(struct db *d, const char *sql);
	int (*prepare)(struct db *d);
	int (*run)(struct db *d, size_t stmt, const struct db_arg *args, int nargs,
		   db_row_cb cb, void *arg);
};

struct db {
	enum db_kind kind;
	const struct db_ops *ops;
	void *conn;			/* sqlite3 * or PGconn * */
	void **prepared;		/* SQLite: the statements; PostgreSQL: unused */
	size_t nprepared;
	const struct db_sql *sql;	/* the statements given at open */
	size_t nsql;
	char err[512];
};

/* Connect.  On failure err says why (the target included) and *out is NULL. */
int db_open(const char *target, struct db **out, char *err, size_t errlen);
/* Prepare the statements run by db_run (sql is kept by the caller). */
int db_prepare(struct db *d, const struct db_sql *sql, size_t nsql);
void db_close(struct db *d);
/* Several statements without parameters (DDL, transaction control). */
int db_script(struct db *d, const char *sql);
/* Run statement `stmt`; returns the number of rows, or a negative errno. */
int db_run(struct db *d, size_t stmt, const struct db_arg *args, int nargs,
	   db_row_cb cb, void *arg);
const char *db_errmsg(const struct db *d);
enum db_kind db_kind_of(const char *target);

extern const struct db_ops db_sqlite_ops;
extern const struct db_ops db_pg_ops;

#endif /* ESOL_SERVER_DB_H */
