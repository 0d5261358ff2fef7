// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_unplug: deleting an engine while /dev/printeng<N> is open.  A
 * thread blocked in poll() and one blocked in read() wake up with the
 * error; afterwards read and the ioctls fail with ENODEV and poll reports
 * POLLERR | POLLHUP; the device node and sysfs directory are gone; close
 * works; a new engine works as before.  Also while a process is printing
 * and others are reading.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

#define ENG "unplug_a"

struct waiter {
	pthread_t th;
	int fd;
	bool use_poll;
	volatile pid_t tid;
	int ret, err;
	short revents;
	double woke;
};

static void *waiter_fn(void *arg)
{
	struct waiter *w = arg;
	struct printeng_snapshot s;

	w->tid = syscall(SYS_gettid);
	if (w->use_poll) {
		struct pollfd p = { .fd = w->fd, .events = POLLIN };

		w->ret = poll(&p, 1, 20000);
		w->err = errno;
		w->revents = p.revents;
	} else {
		w->ret = read(w->fd, &s, sizeof(s));
		w->err = errno;
	}
	w->woke = kt_now();
	return NULL;
}

/* The thread's scheduler state from /proc: 'S' while it sleeps. */
static char thread_state(pid_t tid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	if (kt_read_file(path, buf, sizeof(buf)) < 0)
		return '?';
	p = strrchr(buf, ')');
	return p && p[1] ? p[2] : '?';
}

static bool wait_sleeping(struct waiter *w)
{
	int i;

	for (i = 0; i < 1000; i++) {
		if (w->tid && thread_state(w->tid) == 'S')
			return true;
		kt_msleep(10);
	}
	return false;
}

static void unplug_while_waiting(void)
{
	struct printeng_snapshot s;
	struct printeng_info info;
	struct waiter wp = { .use_poll = true }, wr = { .use_poll = false };
	struct pollfd p;
	char path[128];
	int idx, fd, fd2, fd3;
	double t0;

	idx = sim_add(ENG, "supplies=toner:black");
	if (!kt_ok(idx >= 0, "add an engine"))
		return;
	fd = pe_open(idx, O_RDONLY);
	fd2 = pe_open(idx, O_RDONLY);
	fd3 = pe_open(idx, O_RDONLY | O_NONBLOCK);
	kt_ok(fd >= 0 && fd2 >= 0 && fd3 >= 0, "open /dev/printeng%d three times",
	      idx);
	/* consume the first snapshot so that read blocks and poll sleeps */
	kt_eq_s64(read(fd, &s, sizeof(s)), sizeof(s), "first read (poller's fd)");
	kt_eq_s64(read(fd2, &s, sizeof(s)), sizeof(s), "first read (reader's fd)");

	wp.fd = fd;
	wr.fd = fd2;
	pthread_create(&wp.th, NULL, waiter_fn, &wp);
	pthread_create(&wr.th, NULL, waiter_fn, &wr);
	kt_ok(wait_sleeping(&wp), "a thread is asleep in poll()");
	kt_ok(wait_sleeping(&wr), "a thread is asleep in read()");
	kt_msleep(100);

	t0 = kt_now();
	kt_ret(sim_del(ENG), 0, "del the engine while they wait");
	pthread_join(wp.th, NULL);
	pthread_join(wr.th, NULL);
	kt_ok(wp.ret == 1 && (wp.revents & (POLLERR | POLLHUP)) ==
	      (POLLERR | POLLHUP),
	      "poll() woke with POLLERR|POLLHUP (ret %d revents %#x, %.3f s)",
	      wp.ret, wp.revents, wp.woke - t0);
	errno = wr.err;
	kt_errno(wr.ret, ENODEV, "read() woke with ENODEV (%.3f s)",
		 wr.woke - t0);
	kt_ok(wp.woke - t0 < 5 && wr.woke - t0 < 5, "both woke promptly");

	/* every operation on the open files fails now */
	kt_errno(read(fd3, &s, sizeof(s)), ENODEV,
		 "read (never read before) after unplug: ENODEV");
	kt_errno(read(fd, &s, sizeof(s)), ENODEV, "read after unplug: ENODEV");
	s.size = sizeof(s);
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &s), ENODEV,
		 "GET_SNAPSHOT after unplug: ENODEV");
	info.size = sizeof(info);
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_INFO, &info), ENODEV,
		 "GET_INFO after unplug: ENODEV");
	kt_errno(ioctl(fd, _IOWR('x', 1, int), &s), ENOTTY,
		 "an unknown ioctl after unplug: ENOTTY");
	p = (struct pollfd){ .fd = fd3, .events = POLLIN };
	kt_ok(poll(&p, 1, 0) == 1 &&
	      (p.revents & (POLLERR | POLLHUP)) == (POLLERR | POLLHUP),
	      "poll after unplug: POLLERR|POLLHUP (revents %#x)", p.revents);
	snprintf(path, sizeof(path), "/dev/printeng%d", idx);
	kt_ok(!kt_exists(path), "%s is gone", path);
	snprintf(path, sizeof(path), PE_CLASS "/printeng%d", idx);
	kt_ok(!kt_exists(path), "%s is gone", path);
	kt_success(close(fd), "close after unplug");
	kt_success(close(fd2), "close the reader's fd");
	kt_success(close(fd3), "close the third fd");
}

/* Delete an engine while a child prints on it and threads read it. */
static void unplug_under_load(void)
{
	struct printeng_snapshot s;
	struct waiter wr = { .use_poll = false };
	int idx, fd, status, i, errs = 0, enodev = 0, ok = 0;
	pid_t pid;

	idx = sim_add(ENG, "");
	if (!kt_ok(idx >= 0, "add an engine again"))
		return;
	fd = pe_open(idx, O_RDONLY);
	pid = fork();
	if (pid == 0) {
		/* print until the engine is gone */
		for (i = 0; i < 100000; i++)
			if (sim_cmd(ENG, "print", "10 color duplex"))
				_exit(0);
		_exit(1);
	}
	wr.fd = pe_open(idx, O_RDONLY);
	pthread_create(&wr.th, NULL, waiter_fn, &wr);
	for (i = 0; i < 200; i++) {
		int r = pe_snap(fd, &s);

		if (r)
			errs++;
	}
	kt_eq_u64(errs, 0, "200 snapshots while a child prints");
	kt_ret(sim_del(ENG), 0, "del the engine while it prints");
	waitpid(pid, &status, 0);
	kt_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the printing child saw the engine go away");
	/* the reader thread may have read snapshots before the unplug */
	pthread_join(wr.th, NULL);
	while (wr.ret == (int)sizeof(s)) {
		ok++;
		pthread_create(&wr.th, NULL, waiter_fn, &wr);
		pthread_join(wr.th, NULL);
	}
	kt_diag("the reader read %d snapshots before the unplug", ok);
	errno = wr.err;
	kt_errno(wr.ret, ENODEV, "the reader ends with ENODEV");
	for (i = 0; i < 10; i++)
		enodev += pe_snap(fd, &s) == -ENODEV;
	kt_eq_u64(enodev, 10, "snapshots after the unplug: ENODEV");
	close(fd);
	close(wr.fd);
}

int main(void)
{
	struct printeng_snapshot s;
	int idx, fd;

	kt_init("test_unplug");
	kt_setup();

	unplug_while_waiting();
	unplug_under_load();

	/* the class still works: a new engine, a new fd */
	idx = sim_add(ENG, "");
	if (kt_ok(idx >= 0, "add an engine after the unplugs")) {
		fd = pe_open(idx, O_RDONLY);
		kt_ret(fd < 0 ? fd : pe_snap(fd, &s), 0,
		       "a snapshot of the new engine");
		if (fd >= 0)
			close(fd);
		kt_ret(sim_del(ENG), 0, "del it");
	}
	return kt_done();
}
