// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of the agent's event loop: watches, removal mid-batch, timers. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
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
	tcase_add_test(tc, test_realtime_absolute_past_fires);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
