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

/*
 * The two cycles time t can be in, whatever the billing day: the one
 * labelled with t's own month (when day_of_month >= the billing day)
 * and the one begun the month before.  So a database can pick a
 * device's cycle in the statement that reads its billing day:
 * cycle_of(t, day) is day_of_month >= day ? current : previous.
 * Returns 0, or -EINVAL outside year 2001..9999.
 */
struct cycle_candidates {
	int day_of_month;
	char current[CYCLE_LABEL_LEN + 1];
	char previous[CYCLE_LABEL_LEN + 1];
};
int cycle_candidates(int64_t t, struct cycle_candidates *c);

#endif /* ESOL_SERVER_CYCLE_H */
