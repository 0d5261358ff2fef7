/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * tz: civil (local) time in a named Olson time zone, with the zone rules
 * of the system's tz database (glibc's tzcode reading /usr/share/zoneinfo).
 *
 * Approach.  glibc has no "time zone as a parameter" API: localtime_r()
 * uses the process's zone, chosen by the TZ environment variable.  So a
 * computation in another zone is bracketed by tz_enter()/tz_leave(): enter
 * saves TZ, sets TZ=":<zone>" and calls tzset(); leave restores the old TZ
 * (or unsets it) and calls tzset() again, so nothing leaks out of the
 * bracket.  Inside it, tz_local_to_time() and tz_time_to_local() work in
 * that zone.  An empty zone name means "the process's own local zone" and
 * enter/leave then change nothing.
 *
 * Thread safety: setenv()/tzset() change process-wide state, so these
 * functions must not run while another thread uses the environment or
 * local time.  esold is single-threaded (one event loop); it is safe there.
 * Cost: entering a zone makes glibc read the zone file (open/read/close),
 * and leaving reads the previous one: a few system calls, once per
 * schedule computation, i.e. once per poll -- never while idle.
 *
 * mktime() is not used for local -> UTC: on a time that does not exist
 * (spring forward) it shifts by the gap in a direction that depends on
 * tm_isdst, and on a repeated time (fall back) its choice is unspecified.
 * tz_local_to_time() instead tries every UTC offset the zone uses around
 * that date and picks explicitly (see enum tz_match).
 */
#ifndef ESOL_CORE_TZ_H
#define ESOL_CORE_TZ_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define TZ_NAME_MAX	64
#define TZ_DEFAULT_DIR	"/usr/share/zoneinfo"

/*
 * Check an Olson zone name ("Europe/Paris", "UTC"): letters, digits and
 * "/_+-." only, no "." or ".." component, not absolute, at most
 * TZ_NAME_MAX bytes, and a TZif file of that name in the tz database
 * ($TZDIR, else /usr/share/zoneinfo, as glibc looks it up).
 * Returns 0, -EINVAL (not a zone name) or -ENOENT (no such zone).
 */
int tz_check(const char *zone);

/*
 * The name of the zone the process's local time is in, found the way
 * glibc chooses that zone: $TZ when it is set (":Zone", "Zone" or a path
 * into the tz database), else the target of the /etc/localtime symlink
 * below ".../zoneinfo/" ("posix/" and "right/" stripped), else
 * /etc/timezone (Debian's record of the zone, for an /etc/localtime that
 * is a copy); each only when it names a zone that passes tz_check().  No
 * $TZ and no /etc/localtime is UTC, as for glibc.  etc: the directory
 * holding localtime and timezone (NULL: "/etc"; tests point it elsewhere).
 *
 * Returns 0 with the name in buf, or -ENOENT when the zone has no name
 * that can be told (a POSIX TZ string, an unnamed copy of a zone file):
 * buf then holds the fixed-offset zone of the current UTC offset,
 * "Etc/GMT-1" for UTC+1 (the tz database's inverted sign), or "Factory"
 * (the tz database's "zone not set") when the offset is not whole hours.
 * -EINVAL if len is too small for any of these (TZ_NAME_MAX + 1 is enough).
 */
int tz_local_name(const char *etc, char *buf, size_t len);

/* Saved TZ between tz_enter() and tz_leave(). */
struct tz_guard {
	bool switched;		/* TZ was changed by tz_enter() */
	bool had_tz;		/* TZ was set before */
	char *old_tz;		/* its value (malloc'd) */
};

/*
 * Make `zone` the local zone until tz_leave().  zone NULL or "" keeps the
 * process's zone.  The name should have passed tz_check(): glibc silently
 * uses UTC for a zone it cannot find.  Returns 0 or -ENOMEM (nothing
 * changed).
 */
int tz_enter(struct tz_guard *g, const char *zone);
/* Restore TZ as it was before tz_enter(). */
void tz_leave(struct tz_guard *g);

/* How tz_local_to_time() matched a local time. */
enum tz_match {
	TZ_EXACT,	/* the local time occurs once */
	TZ_REPEATED,	/* it occurs twice (fall back): the first is returned */
	TZ_SKIPPED,	/* it does not exist (spring forward): the first
			   instant after the gap is returned */
};

/* A local calendar date and time (month 1..12, day 1..31). */
struct tz_local {
	int year, month, day;
	int hour, minute, second;
};

/*
 * The instant at which the local clock of the current zone (see tz_enter)
 * shows `lt` -- the first such instant when it shows it twice, the first
 * instant after the gap when it never shows it.  `how` (may be NULL) says
 * which.  Returns 0, -EINVAL (fields out of range) or -ERANGE.
 */
int tz_local_to_time(const struct tz_local *lt, time_t *out, enum tz_match *how);

/* Local date and time of t in the current zone, and its UTC offset (s). */
int tz_time_to_local(time_t t, struct tz_local *out, long *utc_offset);

/*
 * Proleptic Gregorian calendar arithmetic (no zone): days since
 * 1970-01-01 of a date, and back.  Exact for any year in int range.
 */
int64_t tz_days_from_civil(int64_t y, unsigned m, unsigned d);
void tz_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif /* ESOL_CORE_TZ_H */
