// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of the agent's event loop: watches, removal mid-batch, timers, soft timers. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "agent/loop.h"

struct hit {
	int count;
	struct loop_watch *other;	/* removed by the callback */
	bool stop;
};

static void on_fd(struct loop_watch *w, uint32_t events)
{
	struct hit *h = w->arg;
	uint64_t v;

	(void)events;
	(void)!read(w->fd, &v, sizeof(v));
	h->count++;
	if (h->other)
		loop_watch_del(h->other);
	if (h->stop)
		loop_stop(w->loop);
}

START_TEST(test_watch_fires_and_stops)
{
	struct loop l;
	struct loop_watch w = { 0 };
	struct hit h = { .stop = true };
	uint64_t one = 1;
	int fd = eventfd(0, EFD_NONBLOCK);

	ck_assert_int_eq(loop_init(&l), 0);
	ck_assert_int_eq(loop_watch_add(&l, &w, fd, EPOLLIN, on_fd, &h), 0);
	ck_assert_int_eq(loop_watch_add(&l, &w, fd, EPOLLIN, on_fd, &h), -EEXIST);
	ck_assert_int_eq(write(fd, &one, sizeof(one)), sizeof(one));
	ck_assert_int_eq(loop_run(&l), 0);
	ck_assert_int_eq(h.count, 1);
	/* nothing ready: a zero timeout returns 0 events */
	ck_assert_int_eq(loop_run_once(&l, 0), 0);
	loop_watch_del(&w);
	loop_watch_del(&w);	/* twice is harmless */
	ck_assert_int_eq(loop_watch_mod(&w, EPOLLOUT), -ENOENT);
	close(fd);
	loop_close(&l);
}
END_TEST

START_TEST(test_remove_other_in_same_batch)
{
	struct loop l;
	struct loop_watch wa = { 0 }, wb = { 0 };
	struct hit ha = { 0 }, hb = { 0 };
	uint64_t one = 1;
	int a = eventfd(0, EFD_NONBLOCK), b = eventfd(0, EFD_NONBLOCK);

	ck_assert_int_eq(loop_init(&l), 0);
	ck_assert_int_eq(loop_watch_add(&l, &wa, a, EPOLLIN, on_fd, &ha), 0);
	ck_assert_int_eq(loop_watch_add(&l, &wb, b, EPOLLIN, on_fd, &hb), 0);
	/* each removes the other: whichever runs first, the other never runs */
	ha.other = &wb;
	hb.other = &wa;
	ck_assert_int_eq(write(a, &one, sizeof(one)), sizeof(one));
	ck_assert_int_eq(write(b, &one, sizeof(one)), sizeof(one));
	ck_assert_int_eq(loop_run_once(&l, 1000), 2);
	ck_assert_int_eq(ha.count + hb.count, 1);
	close(a);
	close(b);
	loop_close(&l);
}
END_TEST

struct tctx {
	int fired;
	bool cancelled;
	struct loop_timer *rearm;
};

static void on_timer(struct loop_timer *t, bool cancelled)
{
	struct tctx *c = t->arg;

	c->fired++;
	c->cancelled = cancelled;
	loop_stop(t->w.loop);
}

START_TEST(test_timer_one_shot)
{
	struct loop l;
	struct loop_timer t;
	struct tctx c = { 0 };

	ck_assert_int_eq(loop_init(&l), 0);
	ck_assert_int_eq(loop_timer_init(&l, &t, CLOCK_BOOTTIME, on_timer, &c), 0);
	ck_assert_int_eq(loop_timer_remaining_ms(&t), -1);
	ck_assert_int_eq(loop_timer_after_ms(&t, 0), 0);
	ck_assert_int_eq(loop_run(&l), 0);
	ck_assert_int_eq(c.fired, 1);
	ck_assert(!c.cancelled);
	ck_assert(!t.armed);
	/* one-shot: nothing more */
	ck_assert_int_eq(loop_run_once(&l, 0), 0);
	ck_assert_int_eq(c.fired, 1);
	loop_timer_close(&t);
	loop_close(&l);
}
END_TEST

START_TEST(test_timer_disarm_and_rearm)
{
	struct loop l;
	struct loop_timer t;
	struct tctx c = { 0 };
	int64_t ms;

	ck_assert_int_eq(loop_init(&l), 0);
	ck_assert_int_eq(loop_timer_init(&l, &t, CLOCK_MONOTONIC, on_timer, &c), 0);
	ck_assert_int_eq(loop_timer_after_ms(&t, 3600 * 1000), 0);
	ms = loop_timer_remaining_ms(&t);
	ck_assert(ms > 3590 * 1000 && ms <= 3600 * 1000);
	/* Armed an hour out: nothing is ready. */
	ck_assert_int_eq(loop_run_once(&l, 0), 0);
	ck_assert_int_eq(loop_timer_disarm(&t), 0);
	ck_assert_int_eq(loop_timer_remaining_ms(&t), -1);
	/* Due now, then re-armed before the loop reads it: it must not fire. */
	ck_assert_int_eq(loop_timer_after_ms(&t, 0), 0);
	ck_assert_int_eq(loop_timer_after_ms(&t, 3600 * 1000), 0);
	ck_assert_int_eq(loop_run_once(&l, 0), 0);
	ck_assert_int_eq(c.fired, 0);
	loop_timer_close(&t);
	loop_close(&l);
}
END_TEST

START_TEST(test_timer_slack_keeps_close_deadline)
{
	struct loop l;
	struct loop_timer t;
	struct tctx c = { 0 };
	struct timespec due;

	ck_assert_int_eq(loop_init(&l), 0);
	ck_assert_int_eq(loop_timer_init(&l, &t, CLOCK_BOOTTIME, on_timer, &c), 0);
	/* not armed: armed */
	ck_assert_int_eq(loop_timer_after_ms_slack(&t, 3600 * 1000, 1000), 0);
	ck_assert(t.armed);
	due = t.due;
	/* within the slack: the armed deadline stays */
	ck_assert_int_eq(loop_timer_after_ms_slack(&t, 3600 * 1000 + 500, 1000), 0);
	ck_assert_int_eq(t.due.tv_sec, due.tv_sec);
	ck_assert_int_eq(t.due.tv_nsec, due.tv_nsec);
	ck_assert_int_eq(loop_timer_after_ms_slack(&t, 3600 * 1000 - 500, 1000), 0);
	ck_assert_int_eq(t.due.tv_sec, due.tv_sec);
	/* beyond it: moved */
	ck_assert_int_eq(loop_timer_after_ms_slack(&t, 7200 * 1000, 1000), 0);
	ck_assert_int_ge(t.due.tv_sec, due.tv_sec + 3599);
	/* and it still fires when it is due */
	ck_assert_int_eq(loop_timer_after_ms_slack(&t, 0, 1000), 0);
	ck_assert_int_eq(loop_run(&l), 0);
	ck_assert_int_eq(c.fired, 1);
	loop_timer_close(&t);
	loop_close(&l);
}
END_TEST

START_TEST(test_realtime_absolute_past_fires)
{
	struct loop l;
	struct loop_timer t;
	struct tctx c = { 0 };

	ck_assert_int_eq(loop_init(&l), 0);
	ck_assert_int_eq(loop_timer_init(&l, &t, CLOCK_REALTIME, on_timer, &c), 0);
	/* A time of day already past fires at once (not cancelled). */
	ck_assert_int_eq(loop_timer_at(&t, time(NULL) - 10, true), 0);
	ck_assert_int_eq(loop_run(&l), 0);
	ck_assert_int_eq(c.fired, 1);
	ck_assert(!c.cancelled);
	ck_assert_int_eq(loop_timer_at(&t, 0, false), 0);
	ck_assert_int_eq(loop_run(&l), 0);
	ck_assert_int_eq(c.fired, 2);
	loop_timer_close(&t);
	loop_timer_close(&t);
	loop_close(&l);
}
END_TEST

/* ---- soft timers ---- */

struct sctx {
	int fired;
	struct loop_soft *close_other;	/* closed by the callback */
	struct loop_soft *rearm;	/* re-armed 0 ms by the callback */
	bool stop;
};

static void on_soft(struct loop_soft *t)
{
	struct sctx *c = t->arg;

	c->fired++;
	if (c->close_other)
		loop_soft_close(c->close_other);
	if (c->rearm) {
		loop_soft_after_ms(c->rearm, 0);
		c->rearm = NULL;
	}
	if (c->stop)
		loop_stop(t->loop);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

START_TEST(test_soft_fires_once_after_its_time)
{
	struct loop l;
	struct loop_soft t;
	struct sctx c = { .stop = true };
	int64_t t0;

	ck_assert_int_eq(loop_init(&l), 0);
	loop_soft_init(&l, &t, on_soft, &c);
	t0 = now_ms();
	loop_soft_after_ms(&t, 50);
	ck_assert_int_eq(loop_run(&l), 0);
	ck_assert_int_eq(c.fired, 1);
	ck_assert(now_ms() - t0 >= 50);
	ck_assert(!t.armed);
	/* one-shot: disarmed, the loop waits for the caller's timeout only */
	ck_assert_int_eq(loop_run_once(&l, 20), 0);
	ck_assert_int_eq(c.fired, 1);
	loop_soft_close(&t);
	loop_soft_close(&t);	/* twice is harmless */
	loop_close(&l);
}
END_TEST

START_TEST(test_soft_disarm_move_and_fd_first)
{
	struct loop l;
	struct loop_soft t;
	struct loop_watch w = { 0 };
	struct sctx c = { 0 };
	struct hit h = { 0 };
	uint64_t one = 1;
	int fd = eventfd(0, EFD_NONBLOCK);

	ck_assert_int_eq(loop_init(&l), 0);
	loop_soft_init(&l, &t, on_soft, &c);
	ck_assert_int_eq(loop_watch_add(&l, &w, fd, EPOLLIN, on_fd, &h), 0);
	/* an hour out: a ready fd is dispatched, the timer is not due */
	loop_soft_after_ms(&t, 3600 * 1000);
	ck_assert_int_eq(write(fd, &one, sizeof(one)), sizeof(one));
	ck_assert_int_eq(loop_run_once(&l, -1), 1);
	ck_assert_int_eq(h.count, 1);
	ck_assert_int_eq(c.fired, 0);
	/* the caller's shorter timeout comes first */
	ck_assert_int_eq(loop_run_once(&l, 10), 0);
	ck_assert_int_eq(c.fired, 0);
	/* disarmed: nothing fires */
	loop_soft_disarm(&t);
	ck_assert_int_eq(loop_run_once(&l, 30), 0);
	ck_assert_int_eq(c.fired, 0);
	/* moved from an hour to now */
	loop_soft_after_ms(&t, 3600 * 1000);
	loop_soft_after_ms(&t, 0);
	ck_assert_int_eq(loop_run_once(&l, 1000), 0);
	ck_assert_int_eq(c.fired, 1);
	loop_watch_del(&w);
	close(fd);
	loop_soft_close(&t);
	loop_close(&l);
}
END_TEST

START_TEST(test_soft_close_other_in_same_batch)
{
	struct loop l;
	struct loop_soft a, b;
	struct sctx ca = { 0 }, cb = { 0 };

	ck_assert_int_eq(loop_init(&l), 0);
	loop_soft_init(&l, &a, on_soft, &ca);
	loop_soft_init(&l, &b, on_soft, &cb);
	/* both due at once; whichever fires first closes the other */
	ca.close_other = &b;
	cb.close_other = &a;
	loop_soft_after_ms(&a, 0);
	loop_soft_after_ms(&b, 0);
	ck_assert_int_eq(loop_run_once(&l, 1000), 0);
	ck_assert_int_eq(ca.fired + cb.fired, 1);
	ck_assert_int_eq(loop_run_once(&l, 20), 0);
	ck_assert_int_eq(ca.fired + cb.fired, 1);
	loop_soft_close(&a);
	loop_soft_close(&b);
	ck_assert_ptr_null(l.softs);
	/* a callback re-arming its own timer fires again at the next wake-up */
	loop_soft_init(&l, &a, on_soft, &ca);
	ca.close_other = NULL;
	ca.fired = 0;
	ca.rearm = &a;
	loop_soft_after_ms(&a, 0);
	ck_assert_int_eq(loop_run_once(&l, 1000), 0);
	ck_assert_int_eq(ca.fired, 1);
	ck_assert(a.armed);
	ck_assert_int_eq(loop_run_once(&l, 1000), 0);
	ck_assert_int_eq(ca.fired, 2);
	ck_assert(!a.armed);
	loop_soft_close(&a);
	loop_close(&l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("agent_loop");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_watch_fires_and_stops);
	tcase_add_test(tc, test_remove_other_in_same_batch);
	tcase_add_test(tc, test_timer_one_shot);
	tcase_add_test(tc, test_timer_disarm_and_rearm);
	tcase_add_test(tc, test_timer_slack_keeps_close_deadline);
	tcase_add_test(tc, test_realtime_absolute_past_fires);
	tcase_add_test(tc, test_soft_fires_once_after_its_time);
	tcase_add_test(tc, test_soft_disarm_move_and_fd_first);
	tcase_add_test(tc, test_soft_close_other_in_same_batch);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
