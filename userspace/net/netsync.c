// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * netsync: a blocking wrapper around the transport (see netsync.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "net/netsync.h"

struct net_sync {
	int epfd;
	struct net_transport *t;
	bool timer_armed;
	unsigned watched;
	int64_t due_ms;		/* CLOCK_MONOTONIC */
	bool done;
	struct net_result *out;
	char *body;
};

/* The per-fd slot only needs to say "added". */
static char added_marker;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int sync_watch(void *loop, int fd, unsigned events, void **slot)
{
	struct net_sync *s = loop;
	struct epoll_event ev = { .data.fd = fd };

	if (events & NET_FD_IN)
		ev.events |= EPOLLIN;
	if (events & NET_FD_OUT)
		ev.events |= EPOLLOUT;
	if (!events) {
		if (*slot) {
			epoll_ctl(s->epfd, EPOLL_CTL_DEL, fd, NULL);
			s->watched--;
		}
		*slot = NULL;
		return 0;
	}
	if (epoll_ctl(s->epfd, *slot ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0)
		return -errno;
	if (!*slot)
		s->watched++;
	*slot = &added_marker;
	return 0;
}

static int sync_timer(void *loop, long ms)
{
	struct net_sync *s = loop;

	s->timer_armed = ms >= 0;
	if (ms >= 0)
		s->due_ms = now_ms() + ms;
	return 0;
}

int net_sync_new(const struct net_config *cfg, struct net_sync **out,
		 char *err, size_t errlen)
{
	struct net_sync *s = calloc(1, sizeof(*s));
	struct net_loop_ops ops = { sync_watch, sync_timer, NULL };
	int r;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0) {
		r = -errno;
		free(s);
		return r;
	}
	ops.loop = s;
	r = net_transport_new(cfg, &ops, &s->t, err, errlen);
	if (r < 0) {
		close(s->epfd);
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

void net_sync_free(struct net_sync *s)
{
	if (!s)
		return;
	net_transport_free(s->t);
	close(s->epfd);
	free(s->body);
	free(s);
}

struct net_transport *net_sync_transport(struct net_sync *s)
{
	return s->t;
}

static void sync_done(void *arg, const struct net_result *r)
{
	struct net_sync *s = arg;

	*s->out = *r;
	free(s->body);
	s->body = malloc(r->body_len + 1);
	if (s->body) {
		memcpy(s->body, r->body, r->body_len);
		s->body[r->body_len] = '\0';
		s->out->body = s->body;
	} else {
		s->out->body = "";
		s->out->body_len = 0;
	}
	s->done = true;
}

int net_sync_start(struct net_sync *s, const struct net_request *req,
		   struct net_result *r)
{
	memset(r, 0, sizeof(*r));
	s->out = r;
	s->done = false;
	return net_transport_start(s->t, req, sync_done, s);
}

bool net_sync_done(const struct net_sync *s)
{
	return s->done;
}

int net_sync_run_once(struct net_sync *s, int timeout_ms)
{
	struct epoll_event ev[8];
	int wait = timeout_ms, n;

	if (s->timer_armed) {
		int64_t left = s->due_ms - now_ms();

		if (left < 0)
			left = 0;
		if (wait < 0 || left < wait)
			wait = (int)left;
	}
	n = epoll_wait(s->epfd, ev, 8, wait);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (int i = 0; i < n; i++) {
		unsigned e = 0;

		if (ev[i].events & (EPOLLIN | EPOLLHUP))
			e |= NET_FD_IN;
		if (ev[i].events & EPOLLOUT)
			e |= NET_FD_OUT;
		if (ev[i].events & (EPOLLERR | EPOLLHUP))
			e |= NET_FD_ERR;
		net_transport_on_fd(s->t, ev[i].data.fd, e);
	}
	if (s->timer_armed && now_ms() >= s->due_ms) {
		s->timer_armed = false;
		net_transport_on_timer(s->t);
	}
	return n;
}

int net_sync_request(struct net_sync *s, const struct net_request *req,
		     struct net_result *r)
{
	int rc = net_sync_start(s, req, r);

	if (rc < 0)
		return rc;
	while (!s->done) {
		rc = net_sync_run_once(s, -1);
		if (rc < 0) {
			net_transport_cancel(s->t);
			return rc;
		}
	}
	return 0;
}

unsigned net_sync_watched(const struct net_sync *s)
{
	return s->watched;
}

bool net_sync_timer_armed(const struct net_sync *s)
{
	return s->timer_armed;
}
