/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/export: `esol-server export`, the vendor's side of billing: the
 * meter reads of one billing cycle as CSV (RFC 4180, a header line, one
 * row per device and read, by device then time taken) for a billing
 * system.  Columns: device_id, cycle, read_id, request_id,
 * request_known (1: the read answers this server's request), generation,
 * taken_at, received_at (RFC 3339 UTC), then one column per meter by its
 * protocol name (empty: the device did not report it).
 */
#ifndef ESOL_SERVER_EXPORT_H
#define ESOL_SERVER_EXPORT_H

#include <stdio.h>

#include "server/ledger.h"

/* Returns the number of rows written, or a negative errno (ledger_errmsg() says why). */
long export_cycle_csv(struct ledger *l, const char *cycle, FILE *out);
/* "YYYY-MM" with a month 01..12. */
bool export_cycle_valid(const char *cycle);

#endif /* ESOL_SERVER_EXPORT_H */
