// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_poll: read() and poll() semantics of /dev/printeng<N>.  The first
 * read returns at once, the next one waits for a new generation (EAGAIN
 * with O_NONBLOCK); poll() times out while nothing changes and reports
 * POLLIN after a print done by another thread or process; a blocked read
 * wakes on a print; two openers each see every change; the generation
 * only grows.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

#define ENG "poll_a"

static int poll1(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int r;

	r = poll(&p, 1, timeout_ms);
	if (r < 0)
		return -errno;
	return r ? p.revents : 0;
}

/* A helper thread: sleep, then do one simulator command. */
struct later {
	unsigned int delay_ms;
	const char *file;
	const char *cmd;
	int ret;
	double at;	/* when the command was sent */
};

static void *later_fn(void *arg)
{
	struct later *l = arg;

	kt_msleep(l->delay_ms);
	l->at = kt_now();
	l->ret = sim_cmd(ENG, l->file, "%s", l->cmd);
	return NULL;
}

/* Read a snapshot and return its generation, or 0. */
static uint64_t read_gen(int fd)
{
	struct printeng_snapshot s;

	if (read(fd, &s, sizeof(s)) != (ssize_t)sizeof(s))
		return 0;
	return s.generation;
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	struct printeng_snapshot s;
	struct later l;
	pthread_t th;
	uint64_t g0, g1, g2, g, gprev;
	double t0, dt;
	int idx, fd, fd1, fd2, r, i;
	pid_t pid;
	bool grows;

	kt_init("test_poll");
	kt_setup();
	idx = sim_add(ENG, "supplies=toner:black,fuser");
	if (!kt_ok(idx >= 0, "add an engine"))
		kt_bail("cannot create an engine (%d)", idx);

	/* first read at once, then EAGAIN */
	fd = pe_open(idx, O_RDONLY | O_NONBLOCK);
	t0 = kt_now();
	g0 = read_gen(fd);
	kt_ok(g0 > 0, "first read returns a snapshot (O_NONBLOCK)");
	kt_errno(read(fd, &s, sizeof(s)), EAGAIN, "second read: EAGAIN");
	kt_errno(read(fd, &s, sizeof(s)), EAGAIN, "third read: EAGAIN");
	kt_eq_u64(poll1(fd, 0), 0, "poll: nothing pending after the read");
	close(fd);

	fd = pe_open(idx, O_RDONLY);
	t0 = kt_now();
	kt_eq_u64(poll1(fd, 0), POLLIN, "poll: POLLIN on a fresh open");
	g0 = read_gen(fd);
	dt = kt_now() - t0;
	kt_ok(g0 > 0 && dt < 5.0, "blocking fd: first read returns at once (%.3f s)",
	      dt);

	/* poll times out with no change */
	t0 = kt_now();
	r = poll1(fd, 300);
	dt = kt_now() - t0;
	kt_ok(r == 0 && dt >= 0.25, "poll times out with no change (%.3f s)", dt);

	/* ioctl does not consume a change; read does */
	kt_ret(sim_cmd(ENG, "print", "1"), 0, "print 1 sheet");
	kt_eq_u64(poll1(fd, 1000), POLLIN, "poll: POLLIN after a print");
	kt_ret(pe_snap(fd, &s), 0, "GET_SNAPSHOT");
	kt_eq_u64(poll1(fd, 0), POLLIN, "GET_SNAPSHOT leaves POLLIN pending");
	g1 = read_gen(fd);
	kt_ok(g1 > g0, "read returns the new generation (%llu > %llu)",
	      (unsigned long long)g1, (unsigned long long)g0);
	kt_eq_u64(g1, s.generation, "read and ioctl agree on the generation");
	kt_eq_u64(poll1(fd, 0), 0, "poll: nothing after the read");

	/* poll wakes on a print from another thread */
	l = (struct later){ 200, "print", "2 color", -1, 0 };
	pthread_create(&th, NULL, later_fn, &l);
	r = poll1(fd, 10000);
	t0 = kt_now();
	pthread_join(th, NULL);
	dt = t0 - l.at;
	kt_ok(r == POLLIN && l.ret == 0 && dt >= 0 && dt < 5,
	      "poll wakes with POLLIN on a print from a thread (%.3f s after it)",
	      dt);
	g2 = read_gen(fd);
	kt_ok(g2 > g1, "and the read after it has a newer generation");

	/* poll wakes on a print from a forked child */
	t0 = kt_now();
	pid = fork();
	if (pid == 0) {
		kt_msleep(300);
		_exit(sim_cmd(ENG, "print", "3 duplex") ? 1 : 0);
	}
	r = poll1(fd, 10000);
	dt = kt_now() - t0;
	waitpid(pid, &i, 0);
	kt_ok(r == POLLIN && dt >= 0.3 && dt < 10,
	      "poll wakes with POLLIN on a print from a child process (%.3f s)",
	      dt);
	kt_ok(WIFEXITED(i) && WEXITSTATUS(i) == 0, "the child printed");
	g = read_gen(fd);
	kt_ok(g > g2, "newer generation after the child's print");
	g2 = g;

	/* a blocking read wakes on a print */
	l = (struct later){ 200, "print", "1", -1, 0 };
	pthread_create(&th, NULL, later_fn, &l);
	g = read_gen(fd);
	t0 = kt_now();
	pthread_join(th, NULL);
	dt = t0 - l.at;
	kt_ok(g > g2 && l.ret == 0 && dt >= 0 && dt < 5,
	      "a blocked read wakes on a print (%.3f s after it)", dt);
	g2 = g;

	/* a supply level change within its band also wakes readers */
	l = (struct later){ 100, "supply", "1 level 60", -1, 0 };
	pthread_create(&th, NULL, later_fn, &l);
	g = read_gen(fd);
	pthread_join(th, NULL);
	kt_ok(l.ret == 0 && g > g2,
	      "a blocked read wakes on a supply level change");
	g2 = g;

	/* a blocked read is interrupted by a signal: EINTR */
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;	/* no SA_RESTART */
		sigaction(SIGALRM, &sa, NULL);
		alarm(1);
		t0 = kt_now();
		r = read(fd, &s, sizeof(s));
		kt_errno(r, EINTR, "a blocked read returns EINTR on a signal (%.2f s)",
			 kt_now() - t0);
		alarm(0);
	}

	/* two openers each see every change */
	fd1 = pe_open(idx, O_RDONLY | O_NONBLOCK);
	fd2 = pe_open(idx, O_RDONLY | O_NONBLOCK);
	read_gen(fd1);
	read_gen(fd2);
	for (i = 0; i < 5; i++) {
		kt_ret(sim_cmd(ENG, "print", "1"), 0, "change %d: print", i);
		kt_eq_u64(poll1(fd1, 1000), POLLIN, "change %d: opener 1 POLLIN", i);
		kt_eq_u64(poll1(fd2, 1000), POLLIN, "change %d: opener 2 POLLIN", i);
		g1 = read_gen(fd1);
		kt_eq_u64(poll1(fd2, 0), POLLIN,
			  "change %d: opener 1's read leaves opener 2 pending", i);
		g2 = read_gen(fd2);
		kt_ok(g1 && g1 == g2, "change %d: both read generation %llu", i,
		      (unsigned long long)g1);
		kt_errno(read(fd1, &s, sizeof(s)), EAGAIN,
			 "change %d: opener 1 then EAGAIN", i);
		kt_errno(read(fd2, &s, sizeof(s)), EAGAIN,
			 "change %d: opener 2 then EAGAIN", i);
	}
	close(fd1);
	close(fd2);

	/* a no-op supply write changes nothing; a replacement does */
	fd1 = pe_open(idx, O_RDONLY | O_NONBLOCK);
	read_gen(fd1);
	g1 = pe_generation(idx);
	kt_ret(sim_cmd(ENG, "supply", "1 level 60"), 0,
	       "supply 1 level 60 again (no change)");
	kt_eq_u64(pe_generation(idx), g1, "a no-op supply write keeps the generation");
	kt_eq_u64(poll1(fd1, 200), 0, "and wakes nobody");
	kt_ret(sim_cmd(ENG, "supply", "1 replace 60"), 0,
	       "supply 1 replaced at the same level");
	kt_eq_u64(poll1(fd1, 1000), POLLIN, "a replacement wakes pollers");
	kt_ok(read_gen(fd1) > g1, "a replacement bumps the generation");
	close(fd1);

	/* the snapshot's timestamps are taken at the read */
	{
		struct timespec m0, m1, r0, r1;

		clock_gettime(CLOCK_MONOTONIC, &m0);
		clock_gettime(CLOCK_REALTIME, &r0);
		pe_snap(fd, &s);
		clock_gettime(CLOCK_MONOTONIC, &m1);
		clock_gettime(CLOCK_REALTIME, &r1);
#define NS(t) ((uint64_t)(t).tv_sec * 1000000000ull + (t).tv_nsec)
		kt_ok(s.mono_ns >= NS(m0) && s.mono_ns <= NS(m1),
		      "mono_ns is CLOCK_MONOTONIC at the snapshot");
		kt_ok(s.real_ns >= NS(r0) && s.real_ns <= NS(r1),
		      "real_ns is CLOCK_REALTIME at the snapshot");
#undef NS
	}

	/* the generation only grows */
	gprev = 0;
	grows = true;
	for (i = 0; i < 40; i++) {
		switch (i % 4) {
		case 0: r = sim_cmd(ENG, "print", "1 color"); break;
		case 1: r = sim_cmd(ENG, "supply", "0 level %d", 50 - i); break;
		case 2: r = sim_cmd(ENG, "meters", "sheets_total=%d", 1000 + i); break;
		default: r = sim_cmd(ENG, "supply", "1 replace"); break;
		}
		g = read_gen(fd);
		if (r || !g || g <= gprev || pe_generation(idx) != g) {
			kt_why("step %d: ret %d gen %llu after %llu", i, r,
			       (unsigned long long)g, (unsigned long long)gprev);
			grows = false;
			break;
		}
		gprev = g;
	}
	kt_ok(grows, "generation grows on every kind of change (40 changes)");
	close(fd);

	kt_ret(sim_del(ENG), 0, "del " ENG);
	return kt_done();
}
