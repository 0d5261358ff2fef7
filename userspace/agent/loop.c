// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* loop: epoll watches and timerfd timers; see loop.h. */
#include <errno.h>
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

int loop_run_once(struct loop *l, int timeout_ms)
{
	struct epoll_event ev[LOOP_BATCH];
	int n, i;

	n = epoll_wait(l->epfd, ev, LOOP_BATCH, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	l->wakeups++;
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
