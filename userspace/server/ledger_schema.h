/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/ledger_schema: the ledger's tables and their migrations, in
 * SQLite's and PostgreSQL's dialects, with the same meaning in both
 * (see ledger.h for the tables).  The version is kept in meta('schema');
 * migrating is one transaction, serialised between servers starting at
 * once (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock).
 */
#ifndef ESOL_SERVER_LEDGER_SCHEMA_H
#define ESOL_SERVER_LEDGER_SCHEMA_H

#include <stddef.h>

#include "server/db.h"

#define LEDGER_SCHEMA_VERSION 2

/* Bring the database to LEDGER_SCHEMA_VERSION; refuse a newer one. */
int ledger_schema_migrate(struct db *d, char *err, size_t errlen);

#endif /* ESOL_SERVER_LEDGER_SCHEMA_H */
