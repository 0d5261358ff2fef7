// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/cycle: billing-cycle arithmetic in UTC (see cycle.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server/cycle.h"

/* Unix time of 00:00 UTC on day d of month m (1..12) of year y. */
static int64_t utc_midnight(int y, int m, int d)
{
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };

	return (int64_t)timegm(&tm);
}

int cycle_of(int64_t t, int day, char label[CYCLE_LABEL_LEN + 1],
	     int64_t *start, int64_t *end)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (day < CYCLE_DAY_MIN || day > CYCLE_DAY_MAX)
		return -EINVAL;
	if (!gmtime_r(&tt, &tm))
		return -EINVAL;
	int y = tm.tm_year + 1900, m = tm.tm_mon + 1;

	if (y < 2000 || y > 9999)
		return -EINVAL;
	if (tm.tm_mday < day) {		/* still in the cycle that began last month */
		if (--m == 0) {
			m = 12;
			y--;
		}
	}
	if (y < 2000)
		return -EINVAL;
	char buf[32];

	snprintf(buf, sizeof(buf), "%04d-%02d", y, m);
	for (int i = 0; i <= CYCLE_LABEL_LEN; i++)
		label[i] = buf[i];
	if (start)
		*start = utc_midnight(y, m, day);
	if (end)
		*end = m == 12 ? utc_midnight(y + 1, 1, day) : utc_midnight(y, m + 1, day);
	return 0;
}

int cycle_candidates(int64_t t, struct cycle_candidates *c)
{
	struct tm tm;
	time_t tt = (time_t)t;
	int y, m;

	if (!gmtime_r(&tt, &tm))
		return -EINVAL;
	y = tm.tm_year + 1900;
	m = tm.tm_mon + 1;
	if (y < 2001 || y > 9999)
		return -EINVAL;
	char buf[32];

	c->day_of_month = tm.tm_mday;
	snprintf(buf, sizeof(buf), "%04d-%02d", y, m);
	memcpy(c->current, buf, CYCLE_LABEL_LEN + 1);
	if (--m == 0) {
		m = 12;
		y--;
	}
	snprintf(buf, sizeof(buf), "%04d-%02d", y, m);
	memcpy(c->previous, buf, CYCLE_LABEL_LEN + 1);
	return 0;
}
