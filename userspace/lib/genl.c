// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * genl: the generic netlink side of libprinteng, over libnl-genl-3.  A
 * request socket for PRINTENG_CMD_GET (one device, or a dump of all), and
 * an optional non-blocking event socket subscribed to the "events" group,
 * whose fd the caller puts in its own poll/epoll.
 *
 * Events are read with recvmsg() on the socket's fd rather than libnl's
 * nl_recv(): libnl folds ENOBUFS (the kernel dropped events because the
 * socket was full) into NLE_NOMEM, and that overflow is exactly what the
 * caller must see to resynchronise.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "lib/internal.h"

/* Datagrams handled per printeng_nl_events() call, so a stream of events
 * cannot keep the caller's loop in this function. */
#define EVENTS_PER_CALL	64
/* Event receive buffer; one event is well under 2 KiB. */
#define EVENT_BUF_LEN	32768

struct printeng_nl {
	struct printeng_ctx *ctx;
	struct nl_sock *req;
	struct nl_sock *ev;		/* NULL without PRINTENG_NL_EVENTS */
	int family;
	unsigned char *buf;		/* EVENT_BUF_LEN, with ev */
};

/* libnl's error codes to errno. */
static int nlerr_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_SUCCESS:		return 0;
	case NLE_INTR:			return -EINTR;
	case NLE_BAD_SOCK:		return -EBADF;
	case NLE_AGAIN:			return -EAGAIN;
	case NLE_NOMEM:			return -ENOMEM;
	case NLE_EXIST:			return -EEXIST;
	case NLE_INVAL:			return -EINVAL;
	case NLE_RANGE:			return -ERANGE;
	case NLE_MSGSIZE:		return -EMSGSIZE;
	case NLE_OPNOTSUPP:		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:		return -ENOENT;
	case NLE_NOACCESS:		return -EACCES;
	case NLE_PERM:			return -EPERM;
	case NLE_NODEV:			return -ENODEV;
	case NLE_BUSY:			return -EBUSY;
	case NLE_DUMP_INTR:		return -EAGAIN;
	case NLE_MSG_TRUNC:
	case NLE_MSG_OVERFLOW:		return -EMSGSIZE;
	default:			return -EPROTO;
	}
}

static int nl_fail(struct printeng_ctx *ctx, int nlerr, const char *what)
{
	return pel_fail(ctx, nlerr_errno(nlerr), "netlink: %s: %s", what,
			nl_geterror(nlerr));
}

void printeng_nl_close(struct printeng_nl *nl)
{
	if (!nl)
		return;
	nl_socket_free(nl->req);
	nl_socket_free(nl->ev);
	free(nl->buf);
	free(nl);
}

static int open_events(struct printeng_nl *nl)
{
	struct printeng_ctx *ctx = nl->ctx;
	int grp, ret;

	grp = genl_ctrl_resolve_grp(nl->req, PRINTENG_GENL_NAME,
				    PRINTENG_GENL_MCGRP_EVENTS);
	if (grp < 0)
		return nl_fail(ctx, grp, "multicast group printeng/events");
	nl->buf = malloc(EVENT_BUF_LEN);
	nl->ev = nl_socket_alloc();
	if (!nl->buf || !nl->ev)
		return -ENOMEM;
	nl_socket_disable_seq_check(nl->ev);
	ret = nl_connect(nl->ev, NETLINK_GENERIC);
	if (ret < 0)
		return nl_fail(ctx, ret, "connect");
	ret = nl_socket_set_nonblocking(nl->ev);
	if (ret < 0)
		return nl_fail(ctx, ret, "non-blocking");
	ret = nl_socket_add_membership(nl->ev, grp);
	if (ret < 0)
		return nl_fail(ctx, ret, "join printeng/events");
	return 0;
}

int printeng_nl_open(struct printeng_ctx *ctx, unsigned int flags,
		     struct printeng_nl **out)
{
	struct printeng_nl *nl;
	int ret;

	*out = NULL;
	pel_clear_error(ctx);
	if (flags & ~PRINTENG_NL_EVENTS)
		return pel_fail(ctx, -EINVAL, "unknown flags %#x", flags);
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->ctx = ctx;
	nl->req = nl_socket_alloc();
	if (!nl->req) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = genl_connect(nl->req);
	if (ret < 0) {
		ret = nl_fail(ctx, ret, "connect");
		goto fail;
	}
	/* Replies are matched by sequence number in the callbacks. */
	nl_socket_disable_auto_ack(nl->req);
	nl->family = genl_ctrl_resolve(nl->req, PRINTENG_GENL_NAME);
	if (nl->family < 0) {
		ret = nlerr_errno(nl->family);
		if (ret == -ENOENT)
			pel_set_error(ctx,
				 "generic netlink family \"printeng\" not registered: printeng.ko not loaded?");
		else
			nl_fail(ctx, nl->family, "resolve family printeng");
		goto fail;
	}
	if (flags & PRINTENG_NL_EVENTS) {
		ret = open_events(nl);
		if (ret)
			goto fail;
	}
	*out = nl;
	return 0;
fail:
	printeng_nl_close(nl);
	return ret;
}

int printeng_nl_fd(const struct printeng_nl *nl)
{
	return nl->ev ? nl_socket_get_fd(nl->ev) : -EOPNOTSUPP;
}

int printeng_nl_set_rcvbuf(struct printeng_nl *nl, int bytes)
{
	int ret;

	if (!nl->ev)
		return -EOPNOTSUPP;
	ret = nl_socket_set_buffer_size(nl->ev, bytes, 0);
	return ret < 0 ? nl_fail(nl->ctx, ret, "SO_RCVBUF") : 0;
}

/* ---- events ---- */

int pel_nl_read_events(struct printeng_ctx *ctx, int fd, uint16_t family,
		       bool kernel_only, printeng_event_fn fn, void *arg)
{
	unsigned char buf[EVENT_BUF_LEN] __attribute__((aligned(8)));
	struct sockaddr_nl addr;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {
		.msg_name = &addr, .msg_namelen = sizeof(addr),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	struct printeng_event ev;
	struct nlmsghdr *nlh;
	int count = 0, dgrams, rem, ret;
	const char *why;
	ssize_t n;

	pel_clear_error(ctx);
	for (dgrams = 0; dgrams < EVENTS_PER_CALL; dgrams++) {
		msg.msg_namelen = sizeof(addr);
		msg.msg_flags = 0;
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0 && errno == ENOBUFS)
			return pel_fail(ctx, -ENOBUFS,
					"netlink events lost (receive buffer overflow): resynchronise");
		if (n < 0)
			return pel_fail(ctx, -errno, "netlink: recvmsg: %s",
					strerror(errno));
		if (msg.msg_flags & MSG_TRUNC)
			return pel_fail(ctx, -ENOBUFS,
					"netlink event larger than %zu bytes lost: resynchronise",
					sizeof(buf));
		if (kernel_only && addr.nl_pid != 0)
			continue;	/* not from the kernel */
		rem = (int)n;
		for (nlh = (struct nlmsghdr *)buf; nlmsg_ok(nlh, rem);
		     nlh = nlmsg_next(nlh, &rem)) {
			if (nlh->nlmsg_type != family)
				continue;	/* NOOP, ERROR, DONE... */
			ret = pel_decode_event(nlh, nlh->nlmsg_len, &ev, &why);
			if (ret)
				return pel_fail(ctx, ret,
						"netlink: bad printeng event: %s",
						why);
			ret = fn(&ev, arg);
			if (ret)
				return ret;
			count++;
		}
	}
	return count;
}

int printeng_nl_events(struct printeng_nl *nl, printeng_event_fn fn, void *arg)
{
	if (!nl->ev)
		return pel_fail(nl->ctx, -EOPNOTSUPP,
				"netlink: opened without PRINTENG_NL_EVENTS");
	return pel_nl_read_events(nl->ctx, nl_socket_get_fd(nl->ev),
				  (uint16_t)nl->family, true, fn, arg);
}

/* ---- GET ---- */

struct get_state {
	struct printeng_nl *nl;
	uint32_t seq;
	printeng_snap_fn fn;		/* dump; NULL for a single GET */
	void *arg;
	struct printeng_snap *out;	/* single GET */
	int count;
	int err;			/* first error */
	int stop;			/* fn's non-zero return */
	const char *why;
};

static int on_valid(struct nl_msg *msg, void *data)
{
	struct get_state *st = data;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct printeng_snap snap;
	int ret;

	if (nlh->nlmsg_seq != st->seq || nlh->nlmsg_type != st->nl->family)
		return NL_SKIP;		/* a stale reply */
	if (st->err || st->stop)
		return NL_OK;		/* drain the rest of a dump */
	ret = pel_decode_device(nlh, nlh->nlmsg_len, &snap, &st->why);
	if (ret) {
		st->err = ret;
		return NL_OK;
	}
	snap.mono_ns = pel_clock_ns(CLOCK_MONOTONIC);
	st->count++;
	if (st->fn) {
		st->stop = st->fn(&snap, st->arg);
	} else if (st->out) {
		*st->out = snap;
	}
	return NL_OK;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *data)
{
	struct get_state *st = data;

	(void)who;
	if (!st->err)
		st->err = e->error < 0 ? e->error : -EPROTO;
	return NL_STOP;
}

static int do_get(struct printeng_nl *nl, bool dump, unsigned int index,
		  struct get_state *st)
{
	struct printeng_ctx *ctx = nl->ctx;
	struct nl_msg *msg;
	struct nl_cb *cb;
	int ret;

	pel_clear_error(ctx);
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!msg || !cb) {
		ret = -ENOMEM;
		goto out;
	}
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 dump ? NLM_F_DUMP : 0, PRINTENG_CMD_GET,
			 PRINTENG_GENL_VERSION) ||
	    (!dump && nla_put_u32(msg, PRINTENG_A_DEV_INDEX, index))) {
		ret = -ENOMEM;
		goto out;
	}
	ret = nl_send_auto(nl->req, msg);
	if (ret < 0) {
		ret = nl_fail(ctx, ret, "send GET");
		goto out;
	}
	st->nl = nl;
	st->seq = nlmsg_hdr(msg)->nlmsg_seq;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, st);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, st);
	ret = nl_recvmsgs(nl->req, cb);
	if (st->err == -ENODEV && !dump) {
		ret = pel_fail(ctx, -ENODEV, "printeng%u: no such device",
			       index);
	} else if (st->err && st->why) {
		ret = pel_fail(ctx, st->err, "netlink: bad GET reply: %s",
			       st->why);
	} else if (st->err) {
		ret = pel_fail(ctx, st->err, "netlink: GET: %s",
			       strerror(-st->err));
	} else if (ret < 0) {
		ret = nl_fail(ctx, ret, "receive GET reply");
	} else if (!dump && st->count != 1) {
		ret = pel_fail(ctx, -EPROTO, "netlink: GET printeng%u: no reply",
			       index);
	} else {
		ret = st->stop ? st->stop : st->count;
	}
out:
	nlmsg_free(msg);
	nl_cb_put(cb);
	return ret;
}

int printeng_nl_get(struct printeng_nl *nl, unsigned int index,
		    struct printeng_snap *out)
{
	/* (zeroed: it is filled by a callback the analyzers cannot follow) */
	struct printeng_snap snap = { 0 };
	struct get_state st = { .out = &snap };
	int ret;

	ret = do_get(nl, false, index, &st);
	if (ret < 0)
		return ret;
	if (snap.index != index)
		return pel_fail(nl->ctx, -EPROTO,
				"netlink: GET printeng%u answered for printeng%u",
				index, snap.index);
	*out = snap;
	return 0;
}

int printeng_nl_dump(struct printeng_nl *nl, printeng_snap_fn fn, void *arg)
{
	struct get_state st = { .fn = fn, .arg = arg };

	return do_get(nl, true, 0, &st);
}
