// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* timefmt: times and durations for people; see timefmt.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/tz.h"
#include "webui/timefmt.h"

int timefmt_local(const char *t, const char *zone, char *out, size_t outlen)
{
	struct tz_guard g;
	struct tm tm;
	const char *end;
	time_t when;
	int r = 0;

	memset(&tm, 0, sizeof(tm));
	end = strptime(t, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (!end || *end) {
		snprintf(out, outlen, "%s", t);
		return -EINVAL;
	}
	when = timegm(&tm);
	if (tz_enter(&g, zone && tz_check(zone) == 0 ? zone : "UTC") < 0) {
		snprintf(out, outlen, "%s", t);
		return -ENOMEM;
	}
	if (!localtime_r(&when, &tm) ||
	    strftime(out, outlen, "%a %-d %b %Y, %H:%M %Z", &tm) == 0) {
		snprintf(out, outlen, "%s", t);
		r = -EINVAL;
	}
	tz_leave(&g);
	return r;
}

void timefmt_duration(long long s, char *out, size_t outlen)
{
	if (s < 0)
		s = 0;
	if (s < 120)
		snprintf(out, outlen, "%lld s", s);
	else if (s < 3600)
		snprintf(out, outlen, "%lld min", (s + 59) / 60);
	else if (s < 2 * 86400)
		snprintf(out, outlen, "%lld h %lld min", s / 3600, (s % 3600) / 60);
	else
		snprintf(out, outlen, "%lld days", s / 86400);
}
