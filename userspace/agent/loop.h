/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * loop: esold's one event loop.  An epoll instance, file-descriptor
 * watches with callbacks, and one-shot timers built on timerfd.
 *
 * Between events the process sleeps in epoll_wait() with no timeout: a
 * timer only wakes it when it is due, so an idle agent makes no system
 * calls.  Callbacks may add, change or remove any watch, including the
 * one being called and ones whose events are pending in the same batch.
 *
 * Timers are one-shot timerfds on the clock the caller chooses:
 * CLOCK_BOOTTIME/CLOCK_MONOTONIC for intervals and back-off (they do not
 * jump when the wall clock is stepped), CLOCK_REALTIME with an absolute
 * deadline and TFD_TIMER_CANCEL_ON_SET for a time of day: when the wall
 * clock is set, the timer fires with cancelled == true and the owner
 * recomputes its deadline.
 *
 * Short deadlines that come and go with the work of the moment (libcurl's
 * timeouts, closing an idle connection) are soft timers: a monotonic
 * deadline kept in memory that becomes epoll_wait()'s timeout.  Arming,
 * moving or disarming one is no system call, and it fires without a
 * timerfd to read; the loop reads the clock once per wake-up while one is
 * armed (a vDSO call where the clocksource allows it), never when none is.
 */
#ifndef ESOL_AGENT_LOOP_H
#define ESOL_AGENT_LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <time.h>

#define LOOP_BATCH 16

struct loop;
struct loop_watch;
struct loop_soft;

typedef void (*loop_watch_fn)(struct loop_watch *w, uint32_t events);

struct loop_watch {
	struct loop *loop;
	int fd;
	uint32_t events;
	loop_watch_fn fn;
	void *arg;
	bool added;
};

struct loop {
	int epfd;
	bool stop;
	/* events of the batch being dispatched; removed watches are NULLed */
	struct loop_watch *batch[LOOP_BATCH];
	int batch_n;
	uint64_t wakeups;	/* epoll_wait returns, for status and tests */
	struct loop_soft *softs;	/* every soft timer, armed or not */
	/* soft timers being fired; closed ones are NULLed */
	struct loop_soft *soft_batch[LOOP_BATCH];
	int soft_batch_n;
};

int loop_init(struct loop *l);
void loop_close(struct loop *l);

/* Watch fd for events (EPOLLIN, EPOLLOUT...).  Returns 0 or -errno. */
int loop_watch_add(struct loop *l, struct loop_watch *w, int fd,
		   uint32_t events, loop_watch_fn fn, void *arg);
int loop_watch_mod(struct loop_watch *w, uint32_t events);
/* Stop watching (does not close fd).  Safe on a watch never added. */
void loop_watch_del(struct loop_watch *w);

/*
 * Dispatch events until loop_stop().  Returns 0, or -errno when
 * epoll_wait fails for a reason other than EINTR.
 */
int loop_run(struct loop *l);
/* Dispatch the events ready now or within timeout_ms (-1: wait); for tests. */
int loop_run_once(struct loop *l, int timeout_ms);
void loop_stop(struct loop *l);

struct loop_timer;
/* cancelled: a CLOCK_REALTIME cancel-on-set timer saw the clock being set. */
typedef void (*loop_timer_fn)(struct loop_timer *t, bool cancelled);

struct loop_timer {
	struct loop_watch w;
	clockid_t clock;
	loop_timer_fn fn;
	void *arg;
	bool armed;
	bool cancel_on_set;
	/* the deadline armed, as a timespec on the timer's clock */
	struct timespec due;
};

int loop_timer_init(struct loop *l, struct loop_timer *t, clockid_t clock,
		    loop_timer_fn fn, void *arg);
void loop_timer_close(struct loop_timer *t);
/* Fire once after ms milliseconds (0: as soon as possible). */
int loop_timer_after_ms(struct loop_timer *t, uint64_t ms);
/*
 * The same, but a timer already armed within slack_ms of that time is left
 * as it is (no system call): for a deadline recomputed at every event that
 * seldom moves (the supplies report's).
 */
int loop_timer_after_ms_slack(struct loop_timer *t, uint64_t ms, uint64_t slack_ms);
/*
 * Fire once at the absolute time `at` (seconds) on the timer's clock.
 * On CLOCK_REALTIME with cancel_on_set, a wall clock step fires the
 * timer early with cancelled == true.
 */
int loop_timer_at(struct loop_timer *t, int64_t at, bool cancel_on_set);
int loop_timer_disarm(struct loop_timer *t);
/* Milliseconds until the timer fires (0 if past), or -1 when disarmed. */
int64_t loop_timer_remaining_ms(const struct loop_timer *t);

/* ---- soft timers (CLOCK_MONOTONIC, epoll_wait's timeout) ---- */

typedef void (*loop_soft_fn)(struct loop_soft *s);

struct loop_soft {
	struct loop *loop;
	loop_soft_fn fn;
	void *arg;
	bool armed;
	int64_t due_ns;		/* CLOCK_MONOTONIC */
	struct loop_soft *next;
};

void loop_soft_init(struct loop *l, struct loop_soft *s, loop_soft_fn fn, void *arg);
/* Disarm and forget; safe on one never initialised (zeroed) or closed. */
void loop_soft_close(struct loop_soft *s);
/* Fire once after ms milliseconds (0: at the next wake-up). */
void loop_soft_after_ms(struct loop_soft *s, uint64_t ms);
void loop_soft_disarm(struct loop_soft *s);

#endif /* ESOL_AGENT_LOOP_H */
