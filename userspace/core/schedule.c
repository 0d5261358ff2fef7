// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* schedule: daily poll slots with a per-device spread; see schedule.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/schedule.h"

/* FNV-1a, then the splitmix64 finaliser for good low bits. */
static uint64_t hash_id(const char *id, uint64_t salt)
{
	uint64_t h = 0xcbf29ce484222325ull ^ salt;

	for (; *id; id++) {
		h ^= (unsigned char)*id;
		h *= 0x100000001b3ull;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

uint32_t schedule_spread_s(const char *device_id, unsigned spread_minutes)
{
	uint64_t window;

	if (spread_minutes > SCHEDULE_SPREAD_MAX_MIN)
		spread_minutes = SCHEDULE_SPREAD_MAX_MIN;
	window = (uint64_t)spread_minutes * 60 + 1;
	return (uint32_t)(hash_id(device_id, 0) % window);
}

int schedule_init(struct schedule *s, const char *zone, int hour, int minute,
		  unsigned spread_minutes, const char *device_id)
{
	uint64_t cwin;

	if (!zone || strlen(zone) > TZ_NAME_MAX || hour < 0 || hour > 23 ||
	    minute < 0 || minute > 59 || spread_minutes > SCHEDULE_SPREAD_MAX_MIN ||
	    !device_id || !*device_id)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	strcpy(s->zone, zone);
	s->hour = hour;
	s->minute = minute;
	s->spread_s = schedule_spread_s(device_id, spread_minutes);
	cwin = (uint64_t)spread_minutes * 60;
	if (cwin > SCHEDULE_CATCHUP_MAX_S)
		cwin = SCHEDULE_CATCHUP_MAX_S;
	s->catchup_s = 1 + (uint32_t)(hash_id(device_id, 0x5ca1ab1e) % (cwin + 1));
	return 0;
}

/* slot(day), in the zone already entered. */
static int slot_in_zone(const struct schedule *s, int64_t day, time_t *out)
{
	struct tz_local lt;
	int64_t y;
	unsigned m, d;
	time_t base;
	int r;

	tz_civil_from_days(day, &y, &m, &d);
	if (y < 1 || y > 9999)
		return -ERANGE;
	lt = (struct tz_local){ (int)y, (int)m, (int)d, s->hour, s->minute, 0 };
	r = tz_local_to_time(&lt, &base, NULL);
	if (r < 0)
		return r;
	*out = base + (time_t)s->spread_s;
	return 0;
}

/* day_of(t), in the zone already entered. */
static int day_in_zone(const struct schedule *s, time_t t, int64_t *day)
{
	struct tz_local lt;
	int64_t ld, d;
	int r;

	r = tz_time_to_local(t, &lt, NULL);
	if (r < 0)
		return r;
	ld = tz_days_from_civil(lt.year, (unsigned)lt.month, (unsigned)lt.day);
	/*
	 * The spread is at most 12 h, so the slot of day ld+2 is after t and
	 * the slot of day ld-2 before it; ld+1 is possible only where a zone
	 * falls back across midnight.
	 */
	for (d = ld + 1; d >= ld - 2; d--) {
		time_t sl;

		r = slot_in_zone(s, d, &sl);
		if (r < 0)
			return r;
		if (sl <= t) {
			*day = d;
			return 0;
		}
	}
	return -ERANGE;
}

int schedule_slot(const struct schedule *s, int64_t day, time_t *out)
{
	struct tz_guard g;
	int r = tz_enter(&g, s->zone);

	if (r < 0)
		return r;
	r = slot_in_zone(s, day, out);
	tz_leave(&g);
	return r;
}

int schedule_day_of(const struct schedule *s, time_t t, int64_t *day)
{
	struct tz_guard g;
	int r = tz_enter(&g, s->zone);

	if (r < 0)
		return r;
	r = day_in_zone(s, t, day);
	tz_leave(&g);
	return r;
}

/* Days of now and of the last poll; last_day is INT64_MIN when never. */
static int days(const struct schedule *s, time_t now, time_t last_poll,
		int64_t *now_day, int64_t *last_day)
{
	int r;

	r = day_in_zone(s, now, now_day);
	if (r < 0)
		return r;
	if (last_poll <= 0) {
		*last_day = INT64_MIN;
		return 0;
	}
	r = day_in_zone(s, last_poll, last_day);
	/* A poll more than a day in the future: recorded by a wrong clock. */
	if (r == 0 && *last_day > *now_day + 1)
		*last_day = INT64_MIN;
	return r;
}

/* Both answers in the zone already entered; either output may be NULL. */
static int plan_in_zone(const struct schedule *s, time_t now, time_t last_poll,
			bool *due, time_t *next)
{
	int64_t nd, ld;
	time_t slot;
	int r;

	r = days(s, now, last_poll, &nd, &ld);
	if (r < 0)
		return r;
	if (due)
		*due = ld < nd;
	if (!next)
		return 0;
	if (ld < nd) {
		r = slot_in_zone(s, nd + 1, &slot);
		if (r == 0)
			*next = slot - now <= SCHEDULE_MERGE_S ? slot
							       : now + (time_t)s->catchup_s;
	} else if (ld == nd + 1) {
		r = slot_in_zone(s, nd + 2, next);	/* stepped back after a poll */
	} else {
		r = slot_in_zone(s, nd + 1, next);	/* polled today */
	}
	return r;
}

int schedule_plan(const struct schedule *s, time_t now, time_t last_poll,
		  bool *due, time_t *next)
{
	struct tz_guard g;
	int r = tz_enter(&g, s->zone);

	if (r < 0)
		return r;
	r = plan_in_zone(s, now, last_poll, due, next);
	tz_leave(&g);
	return r;
}

int schedule_due(const struct schedule *s, time_t now, time_t last_poll, bool *due)
{
	return schedule_plan(s, now, last_poll, due, NULL);
}

int schedule_next(const struct schedule *s, time_t now, time_t last_poll, time_t *next)
{
	return schedule_plan(s, now, last_poll, NULL, next);
}
