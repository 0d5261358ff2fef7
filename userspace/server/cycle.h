/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/cycle: billing-cycle arithmetic.  A device's billing day is a
 * day of the month (1..28, so every month has it); the cycle labelled
 * "YYYY-MM" runs from that day of month YYYY-MM at 00:00 UTC to the same
 * day of the next month.  Everything is UTC: the result never depends on
 * the server's time zone.
 */
#ifndef ESOL_SERVER_CYCLE_H
#define ESOL_SERVER_CYCLE_H

#include <stdint.h>

#define CYCLE_DAY_MIN	1
#define CYCLE_DAY_MAX	28
#define CYCLE_LABEL_LEN	7	/* "YYYY-MM" */

/*
 * The cycle containing Unix time t for billing day `day`: its label and,
 * optionally, its start and end (exclusive) times.
 * Returns 0, or -EINVAL for a bad day or a time outside year 2000..9999.
 */
int cycle_of(int64_t t, int day, char label[CYCLE_LABEL_LEN + 1],
	     int64_t *start, int64_t *end);

#endif /* ESOL_SERVER_CYCLE_H */
