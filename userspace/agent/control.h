/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * control: esold's control-socket server, the only way into the agent.
 *
 * esold opens one or two: the control socket (mode 0660, its group's
 * members operate) and, when configured, a read-only one whose peers
 * other than root may only read (struct control_peer.read_only; the
 * handler refuses the rest).  Each is a unix stream socket in the
 * loop.  Each client sends line-delimited JSON requests (ctl/ctlproto.h);
 * each request is parsed and bounded here, its peer credentials
 * (SO_PEERCRED) attached, and passed to the handler the agent gave, whose
 * reply is written back (the handler decides what each peer may do).
 * A client that sends one request and shuts down its side (esolctl and
 * esol-webui do) is most often read, answered and closed in the turn of
 * the loop that accepts it, never watched: 7 system calls, the wake-up
 * included, where waiting for the request and then for the EOF took 11.
 * Others are watched until their next request or their EOF.
 *
 * Nobody can lock the administrator out:
 *   - at most CONTROL_CLIENTS_MAX clients at once, of which the last
 *     CONTROL_ADMIN_SLOTS only for root (and esold's own user), and at
 *     most CONTROL_CLIENTS_PER_UID for any one other user; one more is
 *     told "busy" (and why) and closed;
 *   - a client must send a whole request within CONTROL_IDLE_MS of
 *     connecting or of its last reply, or it is told "timeout" and
 *     closed (a client that sends nothing, or a byte now and then, does
 *     not keep its slot);
 *   - a client whose line exceeds CTL_REQUEST_MAX is told "too_large"
 *     and closed.
 *
 * The socket path is checked before binding: a live socket there (another
 * esold) is an error, a stale one is replaced, anything that is not a
 * socket is left alone and refused.
 */
#ifndef ESOL_AGENT_CONTROL_H
#define ESOL_AGENT_CONTROL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "agent/loop.h"
#include "ctl/ctlproto.h"

#define CONTROL_CLIENTS_MAX	8
#define CONTROL_ADMIN_SLOTS	2	/* of CONTROL_CLIENTS_MAX, kept for root */
#define CONTROL_CLIENTS_PER_UID	3	/* for any user but root */
#define CONTROL_IDLE_MS		5000	/* to send a whole request */

struct control_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool admin;		/* root, or esold's own user */
	bool read_only;		/* came through the read-only socket (never admin) */
};

/*
 * The handler answers one request: returns the data object of an "ok"
 * reply (a new reference, or NULL for {}), or sets *st to an error status
 * and writes msg.
 */
typedef json_t *(*control_handler_fn)(void *arg, const struct ctl_request *req,
				      const struct control_peer *peer,
				      enum ctl_status *st, char *msg, size_t msg_size);

struct control;

struct control_client {
	struct control *ctl;
	struct loop_watch w;
	int fd;
	struct control_peer peer;
	char in[CTL_REQUEST_MAX];
	size_t in_len;
	bool discard;		/* closing after an error reply */
	bool eof;		/* the peer shut down its side */
	uint64_t deadline_ms;	/* CLOCK_MONOTONIC: a whole request by then */
	char *out;
	size_t out_len, out_off;
};

struct control {
	struct loop *loop;
	struct loop_watch lw;
	int fd;
	char path[108];
	control_handler_fn handler;
	void *arg;
	bool read_only;		/* its peers may only read (set after control_open) */
	struct loop_soft idle;		/* the earliest client deadline (no timerfd) */
	bool idle_init;
	struct control_client clients[CONTROL_CLIENTS_MAX];
};

/*
 * Create, bind and listen on path; mode applied with chmod, group with
 * chown when gid != (gid_t)-1.  Returns 0 or -errno (-EADDRINUSE when
 * another process answers there, -ENOTSOCK when the path exists and is
 * not a socket, -ENAMETOOLONG).
 */
int control_open(struct control *c, struct loop *l, const char *path,
		 mode_t mode, gid_t gid, control_handler_fn handler, void *arg);
/* Close every client and the socket, unlink the path. */
void control_close(struct control *c);
/* Number of connected clients. */
unsigned int control_clients(const struct control *c);

#endif /* ESOL_AGENT_CONTROL_H */
