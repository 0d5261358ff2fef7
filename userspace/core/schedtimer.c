// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* schedtimer: CLOCK_REALTIME timerfd with cancel-on-set; see schedtimer.h. */
#include <errno.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "core/schedtimer.h"

int schedtimer_open(void)
{
	int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int schedtimer_arm(int fd, time_t at)
{
	struct itimerspec its = { .it_value = { .tv_sec = at, .tv_nsec = 0 } };

	/* A zero it_value would disarm: the epoch itself is "long past". */
	if (at <= 0)
		its.it_value.tv_nsec = 1;
	if (timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
			    &its, NULL) < 0)
		return -errno;
	return 0;
}

int schedtimer_disarm(int fd)
{
	struct itimerspec its = { 0 };

	return timerfd_settime(fd, 0, &its, NULL) < 0 ? -errno : 0;
}

int schedtimer_read(int fd)
{
	uint64_t n;
	ssize_t r;

	do {
		r = read(fd, &n, sizeof(n));
	} while (r < 0 && errno == EINTR);
	if (r == (ssize_t)sizeof(n))
		return SCHEDTIMER_EXPIRED;
	if (r < 0 && errno == ECANCELED)
		return SCHEDTIMER_CLOCK_SET;
	if (r < 0 && errno == EAGAIN)
		return SCHEDTIMER_NONE;
	return r < 0 ? -errno : -EIO;
}
