// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of tz (local time in a named zone), schedule (the daily poll)
 * and schedtimer (its timerfd), against a fake clock: DST days in
 * Europe/Paris and America/New_York, poll times in the skipped and the
 * repeated hour, clock steps both ways, a device off for days, the
 * per-device spread; the name of the system's zone (tz_local_name) from
 * $TZ or a fake /etc.  Zone rules come from the system's tz database.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckrun.h"
#include "core/schedtimer.h"
#include "core/schedule.h"
#include "core/tz.h"

#define H	3600
#define DAY	86400

/* A UTC instant from its calendar fields. */
static time_t utc(int y, int mo, int d, int h, int mi)
{
	return (time_t)(tz_days_from_civil(y, (unsigned)mo, (unsigned)d) * DAY +
			h * H + mi * 60);
}

/* Local reading of t in zone. */
static struct tz_local local_in(const char *zone, time_t t)
{
	struct tz_guard g;
	struct tz_local lt;

	ck_assert_int_eq(tz_enter(&g, zone), 0);
	ck_assert_int_eq(tz_time_to_local(t, &lt, NULL), 0);
	tz_leave(&g);
	return lt;
}

/* ---- tz ---- */

START_TEST(test_tz_check)
{
	char big[TZ_NAME_MAX + 8];

	ck_assert_int_eq(tz_check("Europe/Paris"), 0);
	ck_assert_int_eq(tz_check("America/New_York"), 0);
	ck_assert_int_eq(tz_check("UTC"), 0);
	ck_assert_int_eq(tz_check("America/Argentina/Buenos_Aires"), 0);
	ck_assert_int_eq(tz_check("Etc/GMT+5"), 0);
	ck_assert_int_eq(tz_check("Mars/Olympus_Mons"), -ENOENT);
	ck_assert_int_eq(tz_check("Europe"), -ENOENT);		/* a directory */
	ck_assert_int_eq(tz_check("../../etc/passwd"), -EINVAL);
	ck_assert_int_eq(tz_check("/etc/localtime"), -EINVAL);
	ck_assert_int_eq(tz_check("Europe/../Europe/Paris"), -EINVAL);
	ck_assert_int_eq(tz_check("Europe//Paris"), -EINVAL);
	ck_assert_int_eq(tz_check("Europe/Paris/"), -EINVAL);
	ck_assert_int_eq(tz_check("Europe/Paris "), -EINVAL);
	ck_assert_int_eq(tz_check("CET-1CEST,M3.5.0,M10.5.0/3"), -EINVAL);
	ck_assert_int_eq(tz_check(""), -EINVAL);
	ck_assert_int_eq(tz_check(NULL), -EINVAL);
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(tz_check(big), -EINVAL);
}
END_TEST

START_TEST(test_tz_civil_roundtrip)
{
	int64_t d, y;
	unsigned m, dd;

	ck_assert_int_eq(tz_days_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(tz_days_from_civil(2000, 3, 1), 11017);
	ck_assert_int_eq(tz_days_from_civil(1969, 12, 31), -1);
	for (d = -800000; d <= 800000; d += 37) {
		tz_civil_from_days(d, &y, &m, &dd);
		ck_assert_int_eq(tz_days_from_civil(y, m, dd), d);
		ck_assert(m >= 1 && m <= 12 && dd >= 1 && dd <= 31);
	}
	tz_civil_from_days(tz_days_from_civil(2024, 2, 29), &y, &m, &dd);
	ck_assert(y == 2024 && m == 2 && dd == 29);
}
END_TEST

struct l2u_case {
	const char *zone;
	struct tz_local lt;
	enum tz_match how;
	int uy, umo, ud, uh, umi;	/* expected instant, UTC */
};

static const struct l2u_case l2u_cases[] = {
	/* Paris: CET (+1) / CEST (+2); 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00 */
	{ "Europe/Paris", { 2026, 7, 1, 12, 0, 0 }, TZ_EXACT, 2026, 7, 1, 10, 0 },
	{ "Europe/Paris", { 2026, 1, 15, 12, 0, 0 }, TZ_EXACT, 2026, 1, 15, 11, 0 },
	{ "Europe/Paris", { 2026, 3, 29, 2, 0, 0 }, TZ_SKIPPED, 2026, 3, 29, 1, 0 },
	{ "Europe/Paris", { 2026, 3, 29, 2, 30, 0 }, TZ_SKIPPED, 2026, 3, 29, 1, 0 },
	{ "Europe/Paris", { 2026, 3, 29, 3, 0, 0 }, TZ_EXACT, 2026, 3, 29, 1, 0 },
	{ "Europe/Paris", { 2026, 3, 29, 1, 59, 0 }, TZ_EXACT, 2026, 3, 29, 0, 59 },
	{ "Europe/Paris", { 2026, 10, 25, 2, 30, 0 }, TZ_REPEATED, 2026, 10, 25, 0, 30 },
	{ "Europe/Paris", { 2026, 10, 25, 2, 0, 0 }, TZ_REPEATED, 2026, 10, 25, 0, 0 },
	{ "Europe/Paris", { 2026, 10, 25, 3, 0, 0 }, TZ_EXACT, 2026, 10, 25, 2, 0 },
	/* New York: EST (-5) / EDT (-4); 2026-03-08 02:00 -> 03:00, 2026-11-01 02:00 -> 01:00 */
	{ "America/New_York", { 2026, 1, 15, 9, 0, 0 }, TZ_EXACT, 2026, 1, 15, 14, 0 },
	{ "America/New_York", { 2026, 3, 8, 2, 30, 0 }, TZ_SKIPPED, 2026, 3, 8, 7, 0 },
	{ "America/New_York", { 2026, 11, 1, 1, 30, 0 }, TZ_REPEATED, 2026, 11, 1, 5, 30 },
	{ "America/New_York", { 2026, 11, 1, 2, 30, 0 }, TZ_EXACT, 2026, 11, 1, 7, 30 },
	/* A whole day skipped: Samoa moved across the date line, 2011-12-30 never was */
	{ "Pacific/Apia", { 2011, 12, 30, 12, 0, 0 }, TZ_SKIPPED, 2011, 12, 30, 10, 0 },
	{ "UTC", { 2026, 3, 29, 2, 30, 0 }, TZ_EXACT, 2026, 3, 29, 2, 30 },
};

START_TEST(test_tz_local_to_time)
{
	const struct l2u_case *c = &l2u_cases[_i];
	enum tz_match how = (enum tz_match)-1;
	struct tz_guard g;
	time_t t;

	ck_assert_int_eq(tz_enter(&g, c->zone), 0);
	ck_assert_int_eq(tz_local_to_time(&c->lt, &t, &how), 0);
	tz_leave(&g);
	ck_assert_msg(t == utc(c->uy, c->umo, c->ud, c->uh, c->umi),
		      "%s %04d-%02d-%02d %02d:%02d: got %lld, want %lld", c->zone,
		      c->lt.year, c->lt.month, c->lt.day, c->lt.hour, c->lt.minute,
		      (long long)t, (long long)utc(c->uy, c->umo, c->ud, c->uh, c->umi));
	ck_assert_int_eq(how, c->how);
}
END_TEST

START_TEST(test_tz_bad_fields)
{
	static const struct tz_local bad[] = {
		{ 2026, 2, 29, 12, 0, 0 }, { 2026, 13, 1, 0, 0, 0 }, { 2026, 0, 1, 0, 0, 0 },
		{ 2026, 1, 1, 24, 0, 0 }, { 2026, 1, 1, 0, 60, 0 }, { 2026, 4, 31, 0, 0, 0 },
		{ 0, 1, 1, 0, 0, 0 }, { 2026, 1, 1, -1, 0, 0 },
	};
	struct tz_guard g;
	size_t i;
	time_t t;

	ck_assert_int_eq(tz_enter(&g, "Europe/Paris"), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(tz_local_to_time(&bad[i], &t, NULL), -EINVAL);
	tz_leave(&g);
}
END_TEST

START_TEST(test_tz_does_not_leak)
{
	struct tz_guard g;
	struct tz_local lt;
	long off;

	/* TZ set before: restored, and local time is that zone's again */
	ck_assert_int_eq(setenv("TZ", ":Asia/Tokyo", 1), 0);
	tzset();
	ck_assert_int_eq(tz_enter(&g, "America/New_York"), 0);
	ck_assert_int_eq(tz_time_to_local(utc(2026, 1, 15, 12, 0), &lt, &off), 0);
	ck_assert_int_eq(off, -5 * H);
	ck_assert_int_eq(lt.hour, 7);
	tz_leave(&g);
	ck_assert_str_eq(getenv("TZ"), ":Asia/Tokyo");
	ck_assert_int_eq(tz_time_to_local(utc(2026, 1, 15, 12, 0), &lt, &off), 0);
	ck_assert_int_eq(off, 9 * H);

	/* TZ unset before: unset again */
	ck_assert_int_eq(unsetenv("TZ"), 0);
	tzset();
	ck_assert_int_eq(tz_enter(&g, "Europe/Paris"), 0);
	ck_assert_str_eq(getenv("TZ"), ":Europe/Paris");
	tz_leave(&g);
	ck_assert_ptr_null(getenv("TZ"));

	/* The empty zone changes nothing */
	ck_assert_int_eq(setenv("TZ", ":America/New_York", 1), 0);
	ck_assert_int_eq(tz_enter(&g, ""), 0);
	ck_assert_int_eq(tz_time_to_local(utc(2026, 7, 1, 12, 0), &lt, &off), 0);
	ck_assert_int_eq(off, -4 * H);
	tz_leave(&g);
	ck_assert_str_eq(getenv("TZ"), ":America/New_York");
	unsetenv("TZ");
	tzset();
}
END_TEST

/* ---- schedule: a fake clock driving the event loop's contract ---- */

#define MAX_POLLS 1024

struct sim {
	const struct schedule *s;
	time_t now;
	time_t last;			/* last poll attempt, 0: never */
	time_t polls[MAX_POLLS];
	int n;
	int wakeups;
};

/*
 * Run the loop until `end`: arm at schedule_next(), jump to it, poll when
 * due.  Every wake-up must be a poll: nothing wakes between events.
 */
static void run_until(struct sim *m, time_t end)
{
	int guard;

	for (guard = 0; guard < 100000; guard++) {
		time_t next;
		bool due;

		ck_assert_int_eq(schedule_next(m->s, m->now, m->last, &next), 0);
		ck_assert_msg(next > m->now, "next %lld <= now %lld", (long long)next,
			      (long long)m->now);
		if (next > end) {
			m->now = end;
			return;
		}
		m->now = next;
		m->wakeups++;
		ck_assert_int_eq(schedule_due(m->s, m->now, m->last, &due), 0);
		ck_assert_msg(due, "woke at %lld without a poll due", (long long)m->now);
		ck_assert_int_lt(m->n, MAX_POLLS);
		m->polls[m->n++] = m->now;
		m->last = m->now;
	}
	ck_abort_msg("busy loop");
}

static void sim_init(struct sim *m, const struct schedule *s, time_t start, time_t last)
{
	memset(m, 0, sizeof(*m));
	m->s = s;
	m->now = start;
	m->last = last;
}

static struct schedule mk(const char *zone, int h, int mi, unsigned spread, const char *id)
{
	struct schedule s;

	ck_assert_int_eq(schedule_init(&s, zone, h, mi, spread, id), 0);
	return s;
}

START_TEST(test_schedule_init_rejects)
{
	struct schedule s;

	ck_assert_int_eq(schedule_init(&s, "Europe/Paris", 24, 0, 0, "x"), -EINVAL);
	ck_assert_int_eq(schedule_init(&s, "Europe/Paris", 0, 60, 0, "x"), -EINVAL);
	ck_assert_int_eq(schedule_init(&s, "Europe/Paris", 0, 0, 721, "x"), -EINVAL);
	ck_assert_int_eq(schedule_init(&s, "Europe/Paris", 0, 0, 0, ""), -EINVAL);
	ck_assert_int_eq(schedule_init(&s, "Europe/Paris", 0, 0, 0, NULL), -EINVAL);
	ck_assert_int_eq(schedule_init(&s, "Europe/Paris", 23, 59, 720, "x"), 0);
}
END_TEST

START_TEST(test_spread_bounds_and_determinism)
{
	unsigned buckets[6] = { 0 };
	char id[32];
	int i;

	for (i = 0; i < 1200; i++) {
		uint32_t a, b;
		struct schedule s;

		snprintf(id, sizeof(id), "XG%07d", 4400000 + i);
		a = schedule_spread_s(id, 60);
		b = schedule_spread_s(id, 60);
		ck_assert_uint_eq(a, b);
		ck_assert_uint_le(a, 3600);
		buckets[a / 601]++;
		ck_assert_uint_le(schedule_spread_s(id, 720), 720 * 60);
		ck_assert_uint_eq(schedule_spread_s(id, 0), 0);
		ck_assert_uint_le(schedule_spread_s(id, 1), 60);
		s = mk("Europe/Paris", 2, 0, 60, id);
		ck_assert_uint_eq(s.spread_s, a);
		ck_assert(s.catchup_s >= 1 && s.catchup_s <= SCHEDULE_CATCHUP_MAX_S + 1);
	}
	/* The fleet spreads: each tenth of the hour gets its share (200 +- 40%). */
	for (i = 0; i < 6; i++)
		ck_assert_msg(buckets[i] >= 120 && buckets[i] <= 280,
			      "bucket %d has %u devices", i, buckets[i]);
	/* Different ids, different offsets (mostly) */
	ck_assert_uint_ne(schedule_spread_s("A1", 720), schedule_spread_s("A2", 720));
}
END_TEST

/* Ordinary days: one poll per day at HH:MM + spread, local time. */
START_TEST(test_daily_poll_local_time)
{
	struct schedule s = mk("Europe/Paris", 9, 30, 30, "SN-ordinary");
	struct sim m;
	int i;

	sim_init(&m, &s, utc(2026, 6, 1, 0, 0), utc(2026, 5, 31, 8, 0));
	run_until(&m, utc(2026, 6, 11, 0, 0));
	ck_assert_int_eq(m.n, 10);
	for (i = 0; i < m.n; i++) {
		struct tz_local lt = local_in("Europe/Paris", m.polls[i] - s.spread_s);

		ck_assert_int_eq(lt.day, 1 + i);
		ck_assert_int_eq(lt.hour, 9);
		ck_assert_int_eq(lt.minute, 30);
		ck_assert_int_eq(lt.second, 0);
	}
	ck_assert_int_eq(m.wakeups, m.n);
}
END_TEST

struct dst_case {
	const char *zone;
	int h, mi;			/* poll time */
	int y, mo, d;			/* the DST day */
	int uh, umi;			/* expected poll that day, UTC */
};

static const struct dst_case dst_cases[] = {
	/* Paris spring: 02:30 does not exist -> 03:00 CEST = 01:00Z */
	{ "Europe/Paris", 2, 30, 2026, 3, 29, 1, 0 },
	/* Paris spring: 02:00 is the gap's first instant -> 03:00 CEST */
	{ "Europe/Paris", 2, 0, 2026, 3, 29, 1, 0 },
	/* Paris spring, outside the gap: 09:00 CEST = 07:00Z */
	{ "Europe/Paris", 9, 0, 2026, 3, 29, 7, 0 },
	/* Paris fall: 02:30 happens twice -> once, at 02:30 CEST = 00:30Z */
	{ "Europe/Paris", 2, 30, 2026, 10, 25, 0, 30 },
	/* Paris fall, outside: 09:00 CET = 08:00Z */
	{ "Europe/Paris", 9, 0, 2026, 10, 25, 8, 0 },
	/* New York spring: 02:30 -> 03:00 EDT = 07:00Z */
	{ "America/New_York", 2, 30, 2026, 3, 8, 7, 0 },
	/* New York fall: 01:30 twice -> 01:30 EDT = 05:30Z */
	{ "America/New_York", 1, 30, 2026, 11, 1, 5, 30 },
	/* New York fall, outside: 23:45 EST = 04:45Z next day */
	{ "America/New_York", 23, 45, 2026, 11, 1, 28, 45 },
};

/* Five days around a DST change: exactly one poll per day, at the right instant. */
START_TEST(test_dst_days)
{
	const struct dst_case *c = &dst_cases[_i];
	struct schedule s = mk(c->zone, c->h, c->mi, 0, "SN-dst");
	time_t want = utc(c->y, c->mo, c->d, 0, 0) + c->uh * H + c->umi * 60;
	struct sim m;
	int i, hits = 0;

	sim_init(&m, &s, utc(c->y, c->mo, c->d, 12, 0) - 3 * DAY,
		 utc(c->y, c->mo, c->d, 12, 0) - 3 * DAY);
	run_until(&m, utc(c->y, c->mo, c->d, 12, 0) + 3 * DAY);
	ck_assert_int_eq(m.n, 6);
	for (i = 0; i < m.n; i++) {
		struct tz_local lt = local_in(c->zone, m.polls[i]);

		if (m.polls[i] == want)
			hits++;
		else	/* every other day: the wall-clock time asked for */
			ck_assert_msg(lt.hour == c->h && lt.minute == c->mi,
				      "poll %d at %02d:%02d", i, lt.hour, lt.minute);
		if (i > 0)	/* one per day: 23 to 25 hours apart */
			ck_assert(m.polls[i] - m.polls[i - 1] >= 23 * H - 3600 &&
				  m.polls[i] - m.polls[i - 1] <= 25 * H + 3600);
	}
	ck_assert_int_eq(hits, 1);
}
END_TEST

/* The spread is elapsed time after the (DST-resolved) local time. */
START_TEST(test_dst_with_spread)
{
	struct schedule s = mk("Europe/Paris", 2, 30, 45, "SN-spread-dst");
	struct sim m;

	ck_assert_uint_gt(s.spread_s, 0);
	sim_init(&m, &s, utc(2026, 3, 28, 12, 0), utc(2026, 3, 28, 12, 0));
	run_until(&m, utc(2026, 3, 30, 12, 0));
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.polls[0], utc(2026, 3, 29, 1, 0) + (time_t)s.spread_s);
	ck_assert_int_eq(m.polls[1], utc(2026, 3, 30, 0, 30) + (time_t)s.spread_s);

	sim_init(&m, &s, utc(2026, 10, 24, 12, 0), utc(2026, 10, 24, 12, 0));
	run_until(&m, utc(2026, 10, 26, 12, 0));
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.polls[0], utc(2026, 10, 25, 0, 30) + (time_t)s.spread_s);
	ck_assert_int_eq(m.polls[1], utc(2026, 10, 26, 1, 30) + (time_t)s.spread_s);
}
END_TEST

/* A poll time late in the day plus a long spread lands on the next date. */
START_TEST(test_spread_across_midnight)
{
	struct schedule s = mk("America/New_York", 23, 0, 720, "SN-late");
	struct sim m;
	int i;

	sim_init(&m, &s, utc(2026, 2, 1, 12, 0), utc(2026, 2, 1, 12, 0));
	run_until(&m, utc(2026, 2, 11, 12, 0));
	ck_assert_int_eq(m.n, 10);
	for (i = 1; i < m.n; i++)
		ck_assert_int_eq(m.polls[i] - m.polls[i - 1], DAY);
}
END_TEST

/* The clock steps forward over the poll time: one poll, soon. */
START_TEST(test_step_forward_over_slot)
{
	struct schedule s = mk("Europe/Paris", 9, 30, 0, "SN-fwd");
	struct sim m;
	time_t next;

	/* 08:00 local (06:00Z) on June 10; polled yesterday */
	sim_init(&m, &s, utc(2026, 6, 10, 6, 0), utc(2026, 6, 9, 7, 30));
	ck_assert_int_eq(schedule_next(&s, m.now, m.last, &next), 0);
	ck_assert_int_eq(next, utc(2026, 6, 10, 7, 30));
	/* NTP steps the clock to 11:00 local before the timer fired */
	m.now = utc(2026, 6, 10, 9, 0);
	run_until(&m, utc(2026, 6, 11, 12, 0));
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.polls[0], utc(2026, 6, 10, 9, 0) + (time_t)s.catchup_s);
	ck_assert_int_eq(m.polls[1], utc(2026, 6, 11, 7, 30));

	/* Stepping forward by days: still one catch-up poll, not one per day */
	sim_init(&m, &s, utc(2026, 6, 10, 6, 0), utc(2026, 6, 9, 7, 30));
	m.now = utc(2026, 6, 14, 12, 0);
	run_until(&m, utc(2026, 6, 15, 12, 0));
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.polls[0], utc(2026, 6, 14, 12, 0) + (time_t)s.catchup_s);
	ck_assert_int_eq(m.polls[1], utc(2026, 6, 15, 7, 30));
}
END_TEST

/* The clock steps back across the poll time after polling: no second poll. */
START_TEST(test_step_back_across_slot)
{
	struct schedule s = mk("Europe/Paris", 9, 30, 0, "SN-back");
	struct sim m;

	sim_init(&m, &s, utc(2026, 6, 10, 6, 0), utc(2026, 6, 9, 7, 30));
	run_until(&m, utc(2026, 6, 10, 8, 0));		/* polls at 09:30 local */
	ck_assert_int_eq(m.n, 1);
	m.now = utc(2026, 6, 10, 7, 0);			/* back to 09:00 local */
	run_until(&m, utc(2026, 6, 12, 12, 0));
	ck_assert_int_eq(m.n, 3);
	ck_assert_int_eq(m.polls[1], utc(2026, 6, 11, 7, 30));	/* next day, not today */
	ck_assert_int_eq(m.polls[2], utc(2026, 6, 12, 7, 30));

	/* Back 22 hours, into the previous day: today's poll is not repeated */
	sim_init(&m, &s, utc(2026, 6, 10, 6, 0), utc(2026, 6, 9, 7, 30));
	run_until(&m, utc(2026, 6, 10, 8, 0));
	m.now = utc(2026, 6, 9, 10, 0);			/* June 9, 12:00 local */
	run_until(&m, utc(2026, 6, 11, 12, 0));
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.polls[1], utc(2026, 6, 11, 7, 30));

	/*
	 * Back 3 days (the clock was wrong when it polled): the poll record is
	 * from the future and not trusted, so no day is skipped: one poll
	 * soon, then every day.
	 */
	sim_init(&m, &s, utc(2026, 6, 10, 6, 0), utc(2026, 6, 9, 7, 30));
	run_until(&m, utc(2026, 6, 10, 8, 0));
	m.now = utc(2026, 6, 7, 10, 0);
	run_until(&m, utc(2026, 6, 9, 12, 0));
	ck_assert_int_eq(m.n, 4);
	ck_assert_int_eq(m.polls[1], utc(2026, 6, 7, 10, 0) + (time_t)s.catchup_s);
	ck_assert_int_eq(m.polls[2], utc(2026, 6, 8, 7, 30));
	ck_assert_int_eq(m.polls[3], utc(2026, 6, 9, 7, 30));
}
END_TEST

/* Clock steps on a DST day itself, in the repeated hour. */
START_TEST(test_step_in_repeated_hour)
{
	struct schedule s = mk("Europe/Paris", 2, 30, 0, "SN-fold");
	struct sim m;

	sim_init(&m, &s, utc(2026, 10, 24, 12, 0), utc(2026, 10, 24, 0, 30));
	run_until(&m, utc(2026, 10, 25, 0, 45));	/* polled at 02:30 CEST */
	ck_assert_int_eq(m.n, 1);
	ck_assert_int_eq(m.polls[0], utc(2026, 10, 25, 0, 30));
	/* An hour later the wall clock reads 02:30 CET: no poll; then a step back */
	run_until(&m, utc(2026, 10, 25, 1, 40));
	ck_assert_int_eq(m.n, 1);
	m.now = utc(2026, 10, 25, 0, 10);
	run_until(&m, utc(2026, 10, 26, 12, 0));
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.polls[1], utc(2026, 10, 26, 1, 30));
}
END_TEST

/* Off for 3 days: exactly one catch-up poll when back, then the usual time. */
START_TEST(test_off_three_days)
{
	struct schedule s = mk("America/New_York", 9, 30, 20, "SN-off");
	time_t slot0 = utc(2026, 6, 10, 13, 30) + (time_t)s.spread_s;
	struct sim m;

	sim_init(&m, &s, utc(2026, 6, 10, 12, 0), utc(2026, 6, 9, 14, 0));
	run_until(&m, utc(2026, 6, 10, 16, 0));
	ck_assert_int_eq(m.n, 1);
	ck_assert_int_eq(m.polls[0], slot0);
	/* powered off at noon, back 3 days later at 14:00 local (18:00Z) */
	m.now = utc(2026, 6, 13, 18, 0);
	run_until(&m, utc(2026, 6, 15, 16, 0));
	ck_assert_int_eq(m.n, 4);
	ck_assert_int_eq(m.polls[1], utc(2026, 6, 13, 18, 0) + (time_t)s.catchup_s);
	ck_assert_int_le(m.polls[1] - utc(2026, 6, 13, 18, 0), SCHEDULE_CATCHUP_MAX_S + 1);
	ck_assert_int_eq(m.polls[2], slot0 + 4 * DAY);
	ck_assert_int_eq(m.polls[3], slot0 + 5 * DAY);

	/* Back 40 minutes before its slot: the catch-up is that slot (one poll) */
	sim_init(&m, &s, utc(2026, 6, 10, 12, 0), utc(2026, 6, 9, 14, 0));
	run_until(&m, utc(2026, 6, 10, 16, 0));
	m.now = slot0 + 3 * DAY - 40 * 60;
	run_until(&m, utc(2026, 6, 13, 22, 0));
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.polls[1], slot0 + 3 * DAY);
}
END_TEST

START_TEST(test_never_polled)
{
	struct schedule s = mk("Europe/Paris", 9, 30, 0, "SN-new");
	struct sim m;

	/* first start at 15:00: one poll soon, then the daily time */
	sim_init(&m, &s, utc(2026, 6, 10, 13, 0), 0);
	run_until(&m, utc(2026, 6, 11, 12, 0));
	ck_assert_int_eq(m.n, 2);
	ck_assert_int_eq(m.polls[0], utc(2026, 6, 10, 13, 0) + (time_t)s.catchup_s);
	ck_assert_int_eq(m.polls[1], utc(2026, 6, 11, 7, 30));
}
END_TEST

/* The admin moves the poll time: later today -> a second poll today; earlier -> tomorrow. */
START_TEST(test_poll_time_changed)
{
	struct schedule early = mk("Europe/Paris", 2, 0, 0, "SN-move");
	struct schedule late = mk("Europe/Paris", 14, 0, 0, "SN-move");
	time_t polled_early = utc(2026, 6, 10, 0, 0);	/* 02:00 CEST */
	time_t polled_late = utc(2026, 6, 10, 12, 0);	/* 14:00 CEST */
	time_t next;

	ck_assert_int_eq(schedule_next(&late, utc(2026, 6, 10, 8, 0), polled_early, &next), 0);
	ck_assert_int_eq(next, utc(2026, 6, 10, 12, 0));
	ck_assert_int_eq(schedule_next(&early, utc(2026, 6, 10, 13, 0), polled_late, &next), 0);
	ck_assert_int_eq(next, utc(2026, 6, 11, 0, 0));
}
END_TEST

/* A year in a zone with DST: exactly one poll a day, every day. */
START_TEST(test_year_one_per_day)
{
	static const char *const zones[] = { "Europe/Paris", "America/New_York", "" };
	const char *zone = zones[_i];
	struct schedule s = mk(zone, 2, 15, 90, "SN-year");
	int64_t day0, d;
	struct sim *m = calloc(1, sizeof(*m));
	int i;

	ck_assert_ptr_nonnull(m);
	sim_init(m, &s, utc(2026, 1, 1, 12, 0), utc(2026, 1, 1, 12, 0));
	run_until(m, utc(2027, 1, 1, 12, 0));
	ck_assert_int_eq(m->n, 365);
	ck_assert_int_eq(m->wakeups, 365);
	ck_assert_int_eq(schedule_day_of(&s, m->polls[0], &day0), 0);
	for (i = 0; i < m->n; i++) {
		time_t slot;

		ck_assert_int_eq(schedule_day_of(&s, m->polls[i], &d), 0);
		ck_assert_int_eq(d, day0 + i);
		ck_assert_int_eq(schedule_slot(&s, d, &slot), 0);
		ck_assert_int_eq(slot, m->polls[i]);
	}
	free(m);
}
END_TEST

/* Whatever now and last_poll are, next > now: no busy loop is possible. */
START_TEST(test_next_always_moves_forward)
{
	struct schedule s = mk("America/New_York", 1, 30, 5, "SN-fuzz");
	uint64_t x = 88172645463325252ull;
	int i;

	for (i = 0; i < 3000; i++) {
		time_t now, last, next, next2, both_next;
		bool due, both_due;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		now = utc(2026, 1, 1, 0, 0) + (time_t)(x % (400ull * DAY));
		last = (i % 5 == 0) ? 0 : now - (time_t)(x >> 20) % (6 * DAY) + 3 * DAY;
		ck_assert_int_eq(schedule_next(&s, now, last, &next), 0);
		ck_assert_int_gt(next, now);
		/* the agent asks both at once: the same answers */
		ck_assert_int_eq(schedule_due(&s, now, last, &due), 0);
		ck_assert_int_eq(schedule_plan(&s, now, last, &both_due, &both_next), 0);
		ck_assert_int_eq(both_due, due);
		ck_assert_int_eq(both_next, next);
		ck_assert_int_eq(schedule_due(&s, next, last, &due), 0);
		if (!due)
			continue;
		/* after polling at next, the next one is later and not due at once */
		ck_assert_int_eq(schedule_next(&s, next, next, &next2), 0);
		ck_assert_int_gt(next2, next);
		ck_assert_int_eq(schedule_due(&s, next, next, &due), 0);
		ck_assert(!due);
	}
}
END_TEST

/* ---- schedtimer: the real timerfd ---- */

static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	/* a safety net only: a past deadline is readable at once */
	return poll(&p, 1, 10000);
}

START_TEST(test_schedtimer_past_deadline_expires)
{
	int fd = schedtimer_open();

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(schedtimer_read(fd), SCHEDTIMER_NONE);	/* never armed */
	ck_assert_int_eq(schedtimer_arm(fd, time(NULL) - 60), 0);
	ck_assert_int_eq(wait_readable(fd), 1);
	ck_assert_int_eq(schedtimer_read(fd), SCHEDTIMER_EXPIRED);
	ck_assert_int_eq(schedtimer_read(fd), SCHEDTIMER_NONE);	/* one-shot */
	/* the epoch itself is a valid (past) deadline, not "disarm" */
	ck_assert_int_eq(schedtimer_arm(fd, 0), 0);
	ck_assert_int_eq(wait_readable(fd), 1);
	ck_assert_int_eq(schedtimer_read(fd), SCHEDTIMER_EXPIRED);
	close(fd);
}
END_TEST

START_TEST(test_schedtimer_future_and_disarm)
{
	struct pollfd p;
	int fd = schedtimer_open();

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(schedtimer_arm(fd, time(NULL) + 3600), 0);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	ck_assert_int_eq(schedtimer_read(fd), SCHEDTIMER_NONE);
	/* re-arming to the past replaces the deadline */
	ck_assert_int_eq(schedtimer_arm(fd, time(NULL) - 1), 0);
	ck_assert_int_eq(wait_readable(fd), 1);
	ck_assert_int_eq(schedtimer_read(fd), SCHEDTIMER_EXPIRED);
	ck_assert_int_eq(schedtimer_arm(fd, time(NULL) + 3600), 0);
	ck_assert_int_eq(schedtimer_disarm(fd), 0);
	ck_assert_int_eq(schedtimer_read(fd), SCHEDTIMER_NONE);
	close(fd);
	ck_assert_int_eq(schedtimer_read(fd), -EBADF);
}
END_TEST

/*
 * Setting the wall clock cancels the timer.  This sets CLOCK_REALTIME (to
 * what it reads, so it moves by microseconds) and so disturbs every
 * cancel-on-set timer of the machine: it is registered only as root and
 * with ESOL_TEST_SET_CLOCK=1.
 */
START_TEST(test_schedtimer_clock_set)
{
	struct timespec ts;
	int fd;

	fd = schedtimer_open();
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(schedtimer_arm(fd, time(NULL) + 3600), 0);
	ck_assert_int_eq(clock_gettime(CLOCK_REALTIME, &ts), 0);
	ck_assert_int_eq(clock_settime(CLOCK_REALTIME, &ts), 0);
	ck_assert_int_eq(wait_readable(fd), 1);
	ck_assert_int_eq(schedtimer_read(fd), SCHEDTIMER_CLOCK_SET);
	close(fd);
}
END_TEST

/* ---- the system's zone name ---- */

static char etc[64];

static void etc_setup(void)
{
	strcpy(etc, "/tmp/test_tzname.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(etc));
	unsetenv("TZ");
}

static void etc_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", etc);
	ck_assert_int_eq(system(cmd), 0);
	unsetenv("TZ");
}

static void etc_link(const char *target)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/localtime", etc);
	unlink(p);
	ck_assert_int_eq(symlink(target, p), 0);
}

static void etc_put(const char *name, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", etc, name);
	unlink(p);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static const char *name_of(int want_rc)
{
	static char buf[TZ_NAME_MAX + 1];

	ck_assert_int_eq(tz_local_name(etc, buf, sizeof(buf)), want_rc);
	return buf;
}

START_TEST(test_tz_local_name_from_etc)
{
	/* no /etc/localtime: glibc's UTC */
	ck_assert_str_eq(name_of(0), "UTC");
	/* the symlink, absolute or relative, posix/ and right/ trees */
	etc_link("/usr/share/zoneinfo/Europe/Paris");
	ck_assert_str_eq(name_of(0), "Europe/Paris");
	etc_link("../usr/share/zoneinfo/America/New_York");
	ck_assert_str_eq(name_of(0), "America/New_York");
	etc_link("/usr/share/zoneinfo/posix/Asia/Tokyo");
	ck_assert_str_eq(name_of(0), "Asia/Tokyo");
	etc_link("/usr/share/zoneinfo/right/Europe/Berlin");
	ck_assert_str_eq(name_of(0), "Europe/Berlin");
	/* a link to no zone, then a copy: /etc/timezone names it */
	etc_link("/usr/share/zoneinfo/No/Such_Zone");
	etc_put("timezone", "Australia/Sydney\n");
	ck_assert_str_eq(name_of(0), "Australia/Sydney");
	etc_put("localtime", "TZif copy");
	ck_assert_str_eq(name_of(0), "Australia/Sydney");
	/* /etc/timezone that names no zone: the current offset's fixed zone */
	etc_put("timezone", "../../etc/shadow\n");
	{
		/* (the process's zone is the machine's: its offset is not known here) */
		const char *n = name_of(-ENOENT);

		ck_assert_msg(strncmp(n, "Etc/GMT", 7) == 0 || strcmp(n, "Factory") == 0, "%s", n);
	}
}
END_TEST

START_TEST(test_tz_local_name_from_env)
{
	etc_link("/usr/share/zoneinfo/Europe/Paris");
	/* $TZ wins over /etc/localtime, as for glibc */
	setenv("TZ", ":Europe/Lisbon", 1);
	ck_assert_str_eq(name_of(0), "Europe/Lisbon");
	setenv("TZ", "America/Chicago", 1);
	ck_assert_str_eq(name_of(0), "America/Chicago");
	setenv("TZ", ":/usr/share/zoneinfo/Asia/Kolkata", 1);
	ck_assert_str_eq(name_of(0), "Asia/Kolkata");
	setenv("TZ", "", 1);
	ck_assert_str_eq(name_of(0), "UTC");
	/* POSIX rules: no name; the offset in force, whole hours or not */
	setenv("TZ", "XXX-3", 1);
	tzset();
	ck_assert_str_eq(name_of(-ENOENT), "Etc/GMT-3");
	setenv("TZ", "YYY+7", 1);
	tzset();
	ck_assert_str_eq(name_of(-ENOENT), "Etc/GMT+7");
	setenv("TZ", "IST-5:30", 1);
	tzset();
	ck_assert_str_eq(name_of(-ENOENT), "Factory");
	/* a name that is not a zone, or hostile */
	setenv("TZ", "Mars/Olympus_Mons", 1);
	tzset();
	ck_assert_int_eq(tz_local_name(etc, (char[TZ_NAME_MAX + 1]){ 0 }, TZ_NAME_MAX + 1),
			 -ENOENT);
	setenv("TZ", ":../../../etc/passwd", 1);
	ck_assert_int_eq(tz_local_name(etc, (char[TZ_NAME_MAX + 1]){ 0 }, TZ_NAME_MAX + 1),
			 -ENOENT);
	ck_assert_int_eq(tz_local_name(etc, (char[4]){ 0 }, 4), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("schedule");
	TCase *tc;

	tc = tcase_create("tz");
	tcase_add_test(tc, test_tz_check);
	tcase_add_test(tc, test_tz_civil_roundtrip);
	tcase_add_loop_test(tc, test_tz_local_to_time, 0,
			    sizeof(l2u_cases) / sizeof(l2u_cases[0]));
	tcase_add_test(tc, test_tz_bad_fields);
	tcase_add_test(tc, test_tz_does_not_leak);
	suite_add_tcase(s, tc);

	tc = tcase_create("tz_local_name");
	tcase_add_checked_fixture(tc, etc_setup, etc_teardown);
	tcase_add_test(tc, test_tz_local_name_from_etc);
	tcase_add_test(tc, test_tz_local_name_from_env);
	suite_add_tcase(s, tc);

	tc = tcase_create("schedule");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_schedule_init_rejects);
	tcase_add_test(tc, test_spread_bounds_and_determinism);
	tcase_add_test(tc, test_daily_poll_local_time);
	tcase_add_loop_test(tc, test_dst_days, 0, sizeof(dst_cases) / sizeof(dst_cases[0]));
	tcase_add_test(tc, test_dst_with_spread);
	tcase_add_test(tc, test_spread_across_midnight);
	tcase_add_test(tc, test_step_forward_over_slot);
	tcase_add_test(tc, test_step_back_across_slot);
	tcase_add_test(tc, test_step_in_repeated_hour);
	tcase_add_test(tc, test_off_three_days);
	tcase_add_test(tc, test_never_polled);
	tcase_add_test(tc, test_poll_time_changed);
	tcase_add_loop_test(tc, test_year_one_per_day, 0, 3);
	tcase_add_test(tc, test_next_always_moves_forward);
	suite_add_tcase(s, tc);

	tc = tcase_create("schedtimer");
	tcase_add_test(tc, test_schedtimer_past_deadline_expires);
	tcase_add_test(tc, test_schedtimer_future_and_disarm);
	if (geteuid() == 0 && getenv("ESOL_TEST_SET_CLOCK") &&
	    strcmp(getenv("ESOL_TEST_SET_CLOCK"), "1") == 0)
		tcase_add_test(tc, test_schedtimer_clock_set);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(suite());
}
