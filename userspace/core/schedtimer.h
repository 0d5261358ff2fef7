/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * schedtimer: the wall-clock timer of the daily poll, for the event loop.
 *
 * A timerfd on CLOCK_REALTIME armed with an absolute deadline
 * (TFD_TIMER_ABSTIME) and TFD_TIMER_CANCEL_ON_SET: it fires at the
 * deadline, or early when the wall clock is set (NTP step, date -s,
 * settimeofday), which schedtimer_read() reports as SCHEDTIMER_CLOCK_SET:
 * "recompute the schedule from the new time and re-arm".  Between events
 * it costs nothing: the loop sleeps in epoll/poll on the fd.
 *
 * A clock step between computing the deadline and arming is not seen by
 * the kernel; a caller that cares compares the clock after arming (the
 * deadline is recomputed at the next event anyway).
 */
#ifndef ESOL_CORE_SCHEDTIMER_H
#define ESOL_CORE_SCHEDTIMER_H

#include <time.h>

enum schedtimer_event {
	SCHEDTIMER_NONE = 0,	/* nothing yet (spurious wake-up) */
	SCHEDTIMER_EXPIRED,	/* the deadline was reached */
	SCHEDTIMER_CLOCK_SET,	/* the wall clock was set: recompute, re-arm */
};

/* A non-blocking, close-on-exec timerfd; returns the fd or -errno. */
int schedtimer_open(void);
/* Arm (or re-arm) at the absolute wall-clock time `at`.  0 or -errno. */
int schedtimer_arm(int fd, time_t at);
/* Disarm.  0 or -errno. */
int schedtimer_disarm(int fd);
/* Consume the fd's event: an enum schedtimer_event, or -errno. */
int schedtimer_read(int fd);

#endif /* ESOL_CORE_SCHEDTIMER_H */
