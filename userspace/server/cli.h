/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/cli: the ledger listings of `esol-server list-devices|list-reads|
 * list-supplies`, as text for people or JSON (--json) for scripts.
 */
#ifndef ESOL_SERVER_CLI_H
#define ESOL_SERVER_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "server/ledger.h"

/* Return 0, or a negative errno (ledger_errmsg() says why). device NULL: all. */
int cli_list_devices(struct ledger *l, FILE *out, bool json);
int cli_list_reads(struct ledger *l, const char *device, FILE *out, bool json);
int cli_list_supplies(struct ledger *l, const char *device, FILE *out, bool json);

#endif /* ESOL_SERVER_CLI_H */
