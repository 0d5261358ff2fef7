// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * proto/ptime: the protocol's time formats, computed with calendar
 * arithmetic only (no time zone, no locale, no libc state): RFC 3339 UTC
 * "YYYY-MM-DDTHH:MM:SSZ" both ways, and the HTTP Retry-After header
 * (delay-seconds or IMF-fixdate).
 */
#include <stdio.h>
#include <string.h>

#include "proto/proto.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned int yoe = (unsigned int)(y - era * 400);
	unsigned int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned int *m, unsigned int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned int doe = (unsigned int)(z - era * 146097);
	unsigned int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned int mp = (5 * doy + 2) / 153;

	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned int days_in_month(int64_t y, unsigned int m)
{
	static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

enum proto_err proto_time_format(int64_t t, char buf[PROTO_TIME_LEN + 1])
{
	int64_t y;
	unsigned int mo, d;

	if (t < PROTO_TIME_MIN || t > PROTO_TIME_MAX) {
		buf[0] = '\0';
		return PROTO_E_RANGE;
	}
	int64_t days = t / 86400, secs = t % 86400;

	char tmp[80];

	civil_from_days(days, &y, &mo, &d);
	snprintf(tmp, sizeof(tmp), "%04lld-%02u-%02uT%02u:%02u:%02uZ",
		 (long long)y, mo, d, (unsigned int)(secs / 3600),
		 (unsigned int)(secs / 60 % 60), (unsigned int)(secs % 60));
	memcpy(buf, tmp, PROTO_TIME_LEN);
	buf[PROTO_TIME_LEN] = '\0';
	return PROTO_OK;
}

/* n decimal digits at s, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static enum proto_err make_time(int64_t y, int mo, int d, int h, int mi, int s, int64_t *t)
{
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || s < 0 || s > 59)
		return PROTO_E_VALUE;
	if ((unsigned int)d > days_in_month(y, (unsigned int)mo))
		return PROTO_E_VALUE;
	int64_t v = days_from_civil(y, (unsigned int)mo, (unsigned int)d) * 86400 +
		    h * 3600 + mi * 60 + s;
	if (v < PROTO_TIME_MIN || v > PROTO_TIME_MAX)
		return PROTO_E_RANGE;
	*t = v;
	return PROTO_OK;
}

enum proto_err proto_time_parse(const char *s, int64_t *t)
{
	if (!s || strlen(s) != PROTO_TIME_LEN || s[4] != '-' || s[7] != '-' ||
	    s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return PROTO_E_VALUE;
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);

	if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0)
		return PROTO_E_VALUE;
	return make_time(y, mo, d, h, mi, sec, t);
}

/* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7). */
static enum proto_err parse_imf_fixdate(const char *s, int64_t *t)
{
	static const char *const wk[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const mon[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int mo = 0, wd = -1;

	if (strlen(s) != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' ||
	    s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':' ||
	    strcmp(s + 25, " GMT") != 0)
		return PROTO_E_VALUE;
	for (int i = 0; i < 7; i++)
		if (strncmp(s, wk[i], 3) == 0)
			wd = i;
	for (int i = 0; i < 12; i++)
		if (strncmp(s + 8, mon[i], 3) == 0)
			mo = i + 1;
	int d = digits(s + 5, 2), y = digits(s + 12, 4);
	int h = digits(s + 17, 2), mi = digits(s + 20, 2), sec = digits(s + 23, 2);

	if (wd < 0 || mo == 0 || d < 0 || y < 0 || h < 0 || mi < 0 || sec < 0)
		return PROTO_E_VALUE;
	enum proto_err e = make_time(y, mo, d, h, mi, sec, t);
	if (e)
		return e;
	/* 1970-01-01 was a Thursday (index 3). */
	int64_t days = *t / 86400;
	if ((days + 3) % 7 != wd)
		return PROTO_E_VALUE;
	return PROTO_OK;
}

enum proto_err proto_parse_retry_after(const char *s, int64_t now, uint32_t *seconds)
{
	if (!s)
		return PROTO_E_VALUE;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n == 0)
		return PROTO_E_VALUE;
	if (s[0] >= '0' && s[0] <= '9') {
		uint64_t v = 0;

		for (size_t i = 0; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return PROTO_E_VALUE;
			if (v <= PROTO_RETRY_AFTER_MAX)
				v = v * 10 + (uint64_t)(s[i] - '0');
		}
		*seconds = v > PROTO_RETRY_AFTER_MAX ? PROTO_RETRY_AFTER_MAX : (uint32_t)v;
		return PROTO_OK;
	}
	char tmp[32];
	int64_t t;

	if (n >= sizeof(tmp))
		return PROTO_E_VALUE;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	enum proto_err e = parse_imf_fixdate(tmp, &t);
	if (e)
		return PROTO_E_VALUE;
	int64_t d = t - now;
	if (d < 0)
		d = 0;
	*seconds = d > PROTO_RETRY_AFTER_MAX ? PROTO_RETRY_AFTER_MAX : (uint32_t)d;
	return PROTO_OK;
}
