/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/ledger_sql: the ledger's SQL statements, each in the dialect
 * SQLite and PostgreSQL share, or in both dialects where they differ;
 * prepared once per connection by server/ledger, run by their index.
 */
#ifndef ESOL_SERVER_LEDGER_SQL_H
#define ESOL_SERVER_LEDGER_SQL_H

#include "server/db.h"

enum ledger_stmt {
	S_BEGIN, S_COMMIT, S_ROLLBACK,
	S_ENSURE_DEVICE, S_POLL_DEVICE, S_GET_DEVICE, S_SET_POLICY, S_DEVICE_CYCLE_DAY,
	S_CYCLE_READS, S_REQUEST_GET, S_REQUEST_ISSUE, S_REQUEST_CYCLE, S_REQUEST_FULFIL,
	S_READ_INSERT, S_READ_CANON, S_REPORT_INSERT, S_REPORT_CANON, S_SUPPLY_INSERT,
	S_EACH_DEVICE, S_EACH_READ, S_EACH_SUPPLIES, S_EXPORT, S_REQUEST_IF_DUE, S_POLL_DECIDE,
	S_POLL_PEEK, S_BOOK_DEVICE, S_BOOK_DEVICE_BRIEF, S_BOOK_REQUEST,
	S_COUNT
};

extern const struct db_sql ledger_sql[S_COUNT];

#endif /* ESOL_SERVER_LEDGER_SQL_H */
