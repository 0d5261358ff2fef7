// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* tz: local time in a named zone via a TZ bracket around glibc; see tz.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/tz.h"

/* Offsets are sampled hourly this far around a local time (> any UTC offset). */
#define SAMPLE_HOURS	26

static bool zone_char_ok(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '/' || c == '_' || c == '+' ||
	       c == '-';
}

static int zone_name_ok(const char *zone)
{
	size_t i, n = strlen(zone);

	if (n == 0 || n > TZ_NAME_MAX)
		return -EINVAL;
	if (!((zone[0] >= 'A' && zone[0] <= 'Z') || (zone[0] >= 'a' && zone[0] <= 'z')))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!zone_char_ok(zone[i]))
			return -EINVAL;
		if (zone[i] == '/' && (zone[i + 1] == '/' || zone[i + 1] == '\0'))
			return -EINVAL;
	}
	return 0;
}

int tz_check(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[PATH_MAX], magic[4];
	ssize_t n;
	int fd, r;

	if (!zone)
		return -EINVAL;
	r = zone_name_ok(zone);
	if (r < 0)
		return r;
	if (!dir || !*dir)
		dir = TZ_DEFAULT_DIR;
	if (snprintf(path, sizeof(path), "%s/%s", dir, zone) >= (int)sizeof(path))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -ENOENT;
	do {
		n = read(fd, magic, sizeof(magic));
	} while (n < 0 && errno == EINTR);
	close(fd);
	if (n != (ssize_t)sizeof(magic) || memcmp(magic, "TZif", 4) != 0)
		return -ENOENT;
	return 0;
}

/* The zone named by a path into the tz database ("/usr/share/zoneinfo/X"). */
static bool zone_from_path(const char *path, char *buf, size_t len)
{
	const char *p = path, *q;

	while ((q = strstr(p, "zoneinfo/")))
		p = q + strlen("zoneinfo/");
	if (p == path)
		return false;
	if (strncmp(p, "posix/", 6) == 0 || strncmp(p, "right/", 6) == 0)
		p += 6;
	if (tz_check(p) < 0 || strlen(p) >= len)
		return false;
	strcpy(buf, p);
	return true;
}

/* A zone name or a path into the tz database, as $TZ or a file holds it. */
static bool zone_from_value(const char *v, char *buf, size_t len)
{
	if (*v == ':')
		v++;
	if (*v == '/' || *v == '.')
		return zone_from_path(v, buf, len);
	if (tz_check(v) < 0 || strlen(v) >= len)
		return false;
	strcpy(buf, v);
	return true;
}

static bool zone_from_file(const char *path, char *buf, size_t len)
{
	char line[TZ_NAME_MAX + 2];
	FILE *f = fopen(path, "re");
	bool ok = false;

	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\r\n")] = '\0';
		ok = line[0] && zone_from_value(line, buf, len);
	}
	fclose(f);
	return ok;
}

/* The fixed-offset zone of the current offset: "Etc/GMT-1" is UTC+1. */
static int zone_from_offset(char *buf, size_t len)
{
	struct tz_local lt;
	long off = 0;
	int n;

	tzset();
	if (tz_time_to_local(time(NULL), &lt, &off) < 0 || off % 3600 != 0 ||
	    off < -12 * 3600 || off > 14 * 3600)
		n = snprintf(buf, len, "Factory");
	else if (off == 0)
		n = snprintf(buf, len, "Etc/GMT");
	else
		n = snprintf(buf, len, "Etc/GMT%+ld", -off / 3600);
	return n < 0 || (size_t)n >= len ? -EINVAL : -ENOENT;
}

int tz_local_name(const char *etc, char *buf, size_t len)
{
	const char *tz = getenv("TZ");
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	if (!buf || len < sizeof("Etc/GMT-14"))
		return -EINVAL;
	if (!etc)
		etc = "/etc";
	if (tz) {
		/* glibc: an empty TZ is UTC */
		if (!*tz || strcmp(tz, ":") == 0) {
			snprintf(buf, len, "UTC");
			return 0;
		}
		return zone_from_value(tz, buf, len) ? 0 : zone_from_offset(buf, len);
	}
	snprintf(path, sizeof(path), "%s/localtime", etc);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		if (zone_from_path(target, buf, len))
			return 0;
	} else if (n < 0 && errno == ENOENT) {
		snprintf(buf, len, "UTC");	/* glibc's default */
		return 0;
	}
	snprintf(path, sizeof(path), "%s/timezone", etc);
	if (zone_from_file(path, buf, len))
		return 0;
	return zone_from_offset(buf, len);
}

int tz_enter(struct tz_guard *g, const char *zone)
{
	char val[TZ_NAME_MAX + 2];
	const char *old;

	memset(g, 0, sizeof(*g));
	if (!zone || !*zone) {
		tzset();
		return 0;
	}
	if (snprintf(val, sizeof(val), ":%s", zone) >= (int)sizeof(val))
		return -EINVAL;
	old = getenv("TZ");
	if (old && strcmp(old, val) == 0) {
		tzset();
		return 0;
	}
	if (old) {
		g->old_tz = strdup(old);
		if (!g->old_tz)
			return -ENOMEM;
		g->had_tz = true;
	}
	if (setenv("TZ", val, 1) < 0) {
		free(g->old_tz);
		g->old_tz = NULL;
		return -ENOMEM;
	}
	g->switched = true;
	tzset();
	return 0;
}

void tz_leave(struct tz_guard *g)
{
	if (!g->switched)
		return;
	if (!g->had_tz || setenv("TZ", g->old_tz, 1) < 0)
		unsetenv("TZ");
	free(g->old_tz);
	g->old_tz = NULL;
	g->switched = false;
	tzset();
}

int64_t tz_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void tz_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* UTC offset of the current zone at t. */
static int offset_at(time_t t, long *off)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -ERANGE;
	*off = tm.tm_gmtoff;
	return 0;
}

/* The local clock reading at t, as seconds since the local epoch. */
static int local_secs(time_t t, int64_t *ls)
{
	long off;
	int r = offset_at(t, &off);

	if (r == 0)
		*ls = (int64_t)t + off;
	return r;
}

int tz_time_to_local(time_t t, struct tz_local *out, long *utc_offset)
{
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return -ERANGE;
	out->year = tm.tm_year + 1900;
	out->month = tm.tm_mon + 1;
	out->day = tm.tm_mday;
	out->hour = tm.tm_hour;
	out->minute = tm.tm_min;
	out->second = tm.tm_sec;
	if (utc_offset)
		*utc_offset = tm.tm_gmtoff;
	return 0;
}

int tz_local_to_time(const struct tz_local *lt, time_t *out, enum tz_match *how)
{
	long offs[2 * SAMPLE_HOURS + 1];
	int noffs = 0, nvalid = 0, i, j, r;
	int64_t L, best = 0, prev_ls = 0;
	time_t prev = 0;

	if (lt->year < 1 || lt->year > 9999 || lt->month < 1 || lt->month > 12 ||
	    lt->day < 1 || lt->day > days_in_month(lt->year, lt->month) ||
	    lt->hour < 0 || lt->hour > 23 || lt->minute < 0 || lt->minute > 59 ||
	    lt->second < 0 || lt->second > 59)
		return -EINVAL;
	L = tz_days_from_civil(lt->year, (unsigned)lt->month, (unsigned)lt->day) * 86400 +
	    lt->hour * 3600 + lt->minute * 60 + lt->second;

	/* Every offset the zone uses around L. */
	for (i = -SAMPLE_HOURS; i <= SAMPLE_HOURS; i++) {
		long off;

		r = offset_at((time_t)(L + (int64_t)i * 3600), &off);
		if (r < 0)
			return r;
		for (j = 0; j < noffs; j++)
			if (offs[j] == off)
				break;
		if (j == noffs)
			offs[noffs++] = off;
	}
	/* The instants whose local reading is L: one per offset that holds there. */
	for (j = 0; j < noffs; j++) {
		time_t t = (time_t)(L - offs[j]);
		long off;

		r = offset_at(t, &off);
		if (r < 0)
			return r;
		if (off != offs[j])
			continue;
		if (nvalid == 0 || (int64_t)t < best)
			best = t;
		nvalid++;
	}
	if (nvalid > 0) {
		*out = (time_t)best;
		if (how)
			*how = nvalid > 1 ? TZ_REPEATED : TZ_EXACT;
		return 0;
	}
	/*
	 * L is in a gap: find the transition where the local reading jumps
	 * from below L to above it; its first instant is the answer.
	 */
	for (i = -SAMPLE_HOURS; i <= SAMPLE_HOURS; i++) {
		time_t t = (time_t)(L + (int64_t)i * 3600);
		int64_t ls;

		r = local_secs(t, &ls);
		if (r < 0)
			return r;
		if (i > -SAMPLE_HOURS && prev_ls < L && ls > L) {
			time_t lo = prev, hi = t;

			while (hi - lo > 1) {
				time_t mid = lo + (hi - lo) / 2;
				int64_t mls;

				r = local_secs(mid, &mls);
				if (r < 0)
					return r;
				if (mls >= L)
					hi = mid;
				else
					lo = mid;
			}
			*out = hi;
			if (how)
				*how = TZ_SKIPPED;
			return 0;
		}
		prev = t;
		prev_ls = ls;
	}
	return -ERANGE;
}
