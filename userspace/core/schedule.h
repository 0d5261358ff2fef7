/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * schedule: when esold makes its daily poll.  Pure functions of an
 * injected "now"; the only state is the time of the last poll, which the
 * caller keeps (esold: in its state file, written once per poll).
 *
 * The admin chooses a local time of day (HH:MM) and a time zone.  Each
 * device adds its own offset of 0..spread_minutes*60 seconds, derived from
 * a hash of its device id: a device always polls at the same offset and a
 * fleet spreads evenly over the window.  The poll instant of local day D,
 * its "slot", is
 *
 *     slot(D) = the instant the zone's clock shows D HH:MM + spread_s
 *
 * where a HH:MM that does not exist on D (spring forward) means the first
 * instant after the gap and a HH:MM that occurs twice (fall back) means the
 * first occurrence.  The spread is added as elapsed seconds, so it never
 * lands in a gap or twice in a repeated hour.  Slots strictly increase
 * with D.  Local days are numbered as days since 1970-01-01.
 *
 * Each day has one poll.  With day(t) = the day of the latest slot <= t:
 *  - a poll is due at `now` when day(last_poll) < day(now): the slot of
 *    today passed without a poll, whether the device was off (it polls
 *    once when back, not once per missed day), the clock was stepped
 *    forward over the slot, or it has never polled;
 *  - otherwise the next poll is the slot of the first day not polled yet:
 *    slot(day(now)+1), or slot(day(now)+2) when the clock was stepped
 *    back less than a day after a poll (that day is not polled twice).
 *    A last poll more than one day in the future can only come from a
 *    clock that was wrong; it is not trusted (taken as "never"), so days
 *    are not skipped because the clock went back a long way: one poll
 *    soon, then the usual slots.
 *  - a due poll is made catchup_s seconds (1 s .. 5 min, per device) after
 *    it was found due, so a fleet powered up together does not arrive in
 *    the same second -- unless the next regular slot is at most
 *    SCHEDULE_MERGE_S away: then that slot is the catch-up (one poll, not
 *    two in a row).
 * The caller records the time of every poll it *attempts* (retrying a
 * failed one is the back-off's job, not the schedule's): the schedule
 * then moves to the next day.  schedule_next() always returns a time
 * after `now`, so a caller that re-arms from it can never busy-loop.
 *
 * In the event loop: arm a schedtimer (schedtimer.h) at schedule_next().
 * When it expires, ask schedule_due(): poll if due (and record
 * last_poll = now); then re-arm at schedule_next().  When it reports that
 * the clock was set, only re-arm at schedule_next(): if the step went over
 * a slot, that is now + catchup_s.  At start-up, arm at schedule_next()
 * too: never poll just because schedule_due() says so outside an expiry.
 *
 * Time zones are handled by tz.h (a TZ bracket around glibc): see there
 * for thread safety.  A schedule with an empty zone uses the process's
 * local zone.
 */
#ifndef ESOL_CORE_SCHEDULE_H
#define ESOL_CORE_SCHEDULE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "core/tz.h"

#define SCHEDULE_SPREAD_MAX_MIN	720	/* 12 h */
#define SCHEDULE_CATCHUP_MAX_S	300
#define SCHEDULE_MERGE_S	3600	/* a catch-up this close to a slot waits for it */

struct schedule {
	char zone[TZ_NAME_MAX + 1];	/* "" = the process's local zone */
	int hour, minute;		/* local time of day */
	uint32_t spread_s;		/* this device's offset, 0..spread*60 */
	uint32_t catchup_s;		/* delay of a catch-up poll, 1..301 */
};

/*
 * Set up a schedule.  zone: an Olson name that passed tz_check(), or ""
 * for the local zone.  device_id: any non-empty string (the serial number).
 * Returns 0 or -EINVAL.
 */
int schedule_init(struct schedule *s, const char *zone, int hour, int minute,
		  unsigned spread_minutes, const char *device_id);

/* The device's offset in seconds, 0..spread_minutes*60, from its id. */
uint32_t schedule_spread_s(const char *device_id, unsigned spread_minutes);

/* The slot (poll instant) of local day `day`.  Returns 0 or -errno. */
int schedule_slot(const struct schedule *s, int64_t day, time_t *out);

/* The day of the latest slot at or before t.  Returns 0 or -errno. */
int schedule_day_of(const struct schedule *s, time_t t, int64_t *day);

/*
 * Is a poll due at now, given the time of the last poll attempt
 * (0: never)?  Returns 0 or -errno (-ENOMEM, -ERANGE).
 */
int schedule_due(const struct schedule *s, time_t now, time_t last_poll, bool *due);

/*
 * When to make the next poll: a time > now (see above).  When a poll is
 * due, that is now + catchup_s.  Returns 0 or -errno.
 */
int schedule_next(const struct schedule *s, time_t now, time_t last_poll, time_t *next);

/*
 * schedule_due() and schedule_next() in one zone bracket (half the tz
 * database look-ups of asking both); either output may be NULL.
 */
int schedule_plan(const struct schedule *s, time_t now, time_t last_poll,
		  bool *due, time_t *next);

#endif /* ESOL_CORE_SCHEDULE_H */
