// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* loop: epoll watches and timerfd timers; see loop.h. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "agent/loop.h"

int loop_init(struct loop *l)
{
	memset(l, 0, sizeof(*l));
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		return -errno;
	return 0;
}

void loop_close(struct loop *l)
{
	if (l->epfd >= 0)
		close(l->epfd);
	l->epfd = -1;
}

int loop_watch_add(struct loop *l, struct loop_watch *w, int fd,
		   uint32_t events, loop_watch_fn fn, void *arg)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (w->added)
		return -EEXIST;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	w->loop = l;
	w->fd = fd;
	w->events = events;
	w->fn = fn;
	w->arg = arg;
	w->added = true;
	return 0;
}

int loop_watch_mod(struct loop_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (!w->added)
		return -ENOENT;
	if (w->events == events)
		return 0;
	if (epoll_ctl(w->loop->epfd, EPOLL_CTL_MOD, w->fd, &ev) < 0)
		return -errno;
	w->events = events;
	return 0;
}

void loop_watch_del(struct loop_watch *w)
{
	struct loop *l = w->loop;
	int i;

	if (!w->added)
		return;
	/* The fd may already be closed by its owner: ignore the error. */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, w->fd, NULL);
	for (i = 0; i < l->batch_n; i++)
		if (l->batch[i] == w)
			l->batch[i] = NULL;
	w->added = false;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The earliest armed soft timer's deadline, or false when none is armed. */
static bool soft_next(const struct loop *l, int64_t *due)
{
	const struct loop_soft *s;
	bool any = false;

	for (s = l->softs; s; s = s->next)
		if (s->armed && (!any || s->due_ns < *due)) {
			*due = s->due_ns;
			any = true;
		}
	return any;
}

/* Fire the soft timers due by @limit (each once, in list order). */
static void soft_fire(struct loop *l, int64_t limit)
{
	struct loop_soft *s;
	int i, n = 0;

	for (s = l->softs; s && n < LOOP_BATCH; s = s->next)
		if (s->armed && s->due_ns <= limit)
			l->soft_batch[n++] = s;
	l->soft_batch_n = n;
	for (i = 0; i < n; i++) {
		s = l->soft_batch[i];
		/* closed or moved by an earlier callback of this batch */
		if (!s || !s->armed || s->due_ns > limit)
			continue;
		l->soft_batch[i] = NULL;
		s->armed = false;
		s->fn(s);
	}
	l->soft_batch_n = 0;
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[LOOP_BATCH];
	int64_t due = 0, now = 0, left;
	bool soft = soft_next(l, &due);
	int n, i;

	if (soft) {
		now = mono_ns();
		if (due <= now) {
			/* due already (libcurl's "at once"): no epoll_wait for it */
			soft_fire(l, now);
			return 0;
		}
		left = (due - now + 999999) / 1000000;
		if (left > INT_MAX)
			left = INT_MAX;
		if (timeout_ms < 0 || left < timeout_ms)
			timeout_ms = (int)left;
		else
			soft = false;	/* the caller's timeout comes first */
	}
	n = epoll_wait(l->epfd, ev, LOOP_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	l->wakeups++;
	if (n == 0 && soft) {
		/* the soft deadline's timeout ran out: it is due */
		soft_fire(l, now + (int64_t)timeout_ms * 1000000);
		return 0;
	}
	for (i = 0; i < n; i++)
		l->batch[i] = ev[i].data.ptr;
	l->batch_n = n;
	for (i = 0; i < n; i++) {
		struct loop_watch *w = l->batch[i];

		if (!w)
			continue;
		l->batch[i] = NULL;
		w->fn(w, ev[i].events);
	}
	l->batch_n = 0;
	return n;
}

int loop_run(struct loop *l)
{
	int r;

	l->stop = false;
	while (!l->stop) {
		r = loop_run_once(l, -1);
		if (r < 0)
			return r;
	}
	return 0;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

static void timer_ready(struct loop_watch *w, uint32_t events)
{
	struct loop_timer *t = w->arg;
	uint64_t expirations;
	ssize_t n;
	bool cancelled = false;

	(void)events;
	n = read(w->fd, &expirations, sizeof(expirations));
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return;	/* re-armed since it became ready */
		if (errno != ECANCELED)
			return;
		cancelled = true;
	}
	t->armed = false;
	t->fn(t, cancelled);
}

int loop_timer_init(struct loop *l, struct loop_timer *t, clockid_t clock,
		    loop_timer_fn fn, void *arg)
{
	int fd, r;

	memset(t, 0, sizeof(*t));
	fd = timerfd_create(clock, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	t->clock = clock;
	t->fn = fn;
	t->arg = arg;
	r = loop_watch_add(l, &t->w, fd, EPOLLIN, timer_ready, t);
	if (r < 0) {
		close(fd);
		t->w.fd = -1;
		return r;
	}
	return 0;
}

void loop_timer_close(struct loop_timer *t)
{
	if (!t->w.added)
		return;
	loop_watch_del(&t->w);
	close(t->w.fd);
	t->w.fd = -1;
	t->armed = false;
}

static int timer_set(struct loop_timer *t, const struct timespec *due,
		     bool cancel_on_set)
{
	struct itimerspec its = { .it_value = *due };
	int flags = TFD_TIMER_ABSTIME;

	if (cancel_on_set && t->clock == CLOCK_REALTIME)
		flags |= TFD_TIMER_CANCEL_ON_SET;
	/* it_value 0 would disarm: an absolute time of 1 ns is long past. */
	if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
		its.it_value.tv_nsec = 1;
	if (timerfd_settime(t->w.fd, flags, &its, NULL) < 0)
		return -errno;
	t->due = its.it_value;
	t->armed = true;
	t->cancel_on_set = cancel_on_set;
	return 0;
}

int loop_timer_after_ms(struct loop_timer *t, uint64_t ms)
{
	struct timespec now;

	if (clock_gettime(t->clock, &now) < 0)
		return -errno;
	now.tv_sec += (time_t)(ms / 1000);
	now.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (now.tv_nsec >= 1000000000L) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000L;
	}
	return timer_set(t, &now, false);
}

int loop_timer_after_ms_slack(struct loop_timer *t, uint64_t ms, uint64_t slack_ms)
{
	struct timespec now;
	int64_t due_ns, armed_ns, d;

	if (!t->armed || t->cancel_on_set)
		return loop_timer_after_ms(t, ms);
	if (clock_gettime(t->clock, &now) < 0)
		return -errno;
	due_ns = ((int64_t)now.tv_sec + (int64_t)(ms / 1000)) * 1000000000 + now.tv_nsec +
		 (int64_t)(ms % 1000) * 1000000;
	armed_ns = (int64_t)t->due.tv_sec * 1000000000 + t->due.tv_nsec;
	d = due_ns - armed_ns;
	if (d <= (int64_t)slack_ms * 1000000 && d >= -(int64_t)slack_ms * 1000000)
		return 0;	/* close enough: no timerfd_settime */
	return loop_timer_after_ms(t, ms);
}

int loop_timer_at(struct loop_timer *t, int64_t at, bool cancel_on_set)
{
	struct timespec due = { .tv_sec = at > 0 ? (time_t)at : 0 };

	return timer_set(t, &due, cancel_on_set);
}

int loop_timer_disarm(struct loop_timer *t)
{
	struct itimerspec its = { 0 };

	if (!t->armed)
		return 0;
	t->armed = false;
	if (timerfd_settime(t->w.fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

int64_t loop_timer_remaining_ms(const struct loop_timer *t)
{
	struct timespec now;
	int64_t ms;

	if (!t->armed)
		return -1;
	if (clock_gettime(t->clock, &now) < 0)
		return -1;
	ms = ((int64_t)t->due.tv_sec - now.tv_sec) * 1000 +
	     (t->due.tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms;
}

/* ---- soft timers ---- */

void loop_soft_init(struct loop *l, struct loop_soft *s, loop_soft_fn fn, void *arg)
{
	memset(s, 0, sizeof(*s));
	s->loop = l;
	s->fn = fn;
	s->arg = arg;
	s->next = l->softs;
	l->softs = s;
}

void loop_soft_close(struct loop_soft *s)
{
	struct loop *l = s->loop;
	struct loop_soft **p;
	int i;

	if (!l)
		return;
	for (p = &l->softs; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	for (i = 0; i < l->soft_batch_n; i++)
		if (l->soft_batch[i] == s)
			l->soft_batch[i] = NULL;
	s->armed = false;
	s->loop = NULL;
}

void loop_soft_after_ms(struct loop_soft *s, uint64_t ms)
{
	/* a century at most: no overflow */
	if (ms > 100ull * 366 * 86400 * 1000)
		ms = 100ull * 366 * 86400 * 1000;
	s->due_ns = mono_ns() + (int64_t)ms * 1000000;
	s->armed = true;
}

void loop_soft_disarm(struct loop_soft *s)
{
	s->armed = false;
}
