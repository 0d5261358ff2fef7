/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * netsync: the transport with its own small epoll loop, for tools, tests
 * and anything that wants a blocking call.
 *
 * It is also the reference for driving the transport from an event loop:
 * net_loop_ops on an epoll fd and a deadline.
 */
#ifndef ESOL_NET_NETSYNC_H
#define ESOL_NET_NETSYNC_H

#include "net/transport.h"

struct net_sync;

/* Returns 0 and *out, or -errno with a message in err. */
int net_sync_new(const struct net_config *cfg, struct net_sync **out,
		 char *err, size_t errlen);
void net_sync_free(struct net_sync *s);
struct net_transport *net_sync_transport(struct net_sync *s);

/*
 * Run one request to completion.  *r (and r->body) stay valid until the
 * next request or net_sync_free().  Returns 0 (look at r->status) or
 * -errno when the request could not be started.
 */
int net_sync_request(struct net_sync *s, const struct net_request *req,
		     struct net_result *r);

/*
 * Asynchronous use: start a request whose result lands in *r, then
 * dispatch with net_sync_run_once() until net_sync_done() (or cancel).
 */
int net_sync_start(struct net_sync *s, const struct net_request *req,
		   struct net_result *r);
bool net_sync_done(const struct net_sync *s);
/* Wait up to timeout_ms (-1: until something happens) and dispatch. */
int net_sync_run_once(struct net_sync *s, int timeout_ms);

/* What the transport asked the loop for: fds watched, timer armed. */
unsigned net_sync_watched(const struct net_sync *s);
bool net_sync_timer_armed(const struct net_sync *s);

#endif /* ESOL_NET_NETSYNC_H */
