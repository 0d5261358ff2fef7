// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* control: the control-socket server; see control.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "agent/control.h"
#include "common/escape.h"
#include "common/log.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Arm the idle timer at the earliest client deadline (or disarm it). */
static void idle_arm(struct control *c)
{
	uint64_t first = UINT64_MAX, now;
	unsigned int i;

	if (!c->idle_init)
		return;
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].fd >= 0 && c->clients[i].deadline_ms < first)
			first = c->clients[i].deadline_ms;
	if (first == UINT64_MAX) {
		loop_soft_disarm(&c->idle);
		return;
	}
	now = now_ms();
	loop_soft_after_ms(&c->idle, first > now ? first - now : 0);
}

static void client_close(struct control_client *cl)
{
	loop_watch_del(&cl->w);
	close(cl->fd);
	cl->fd = -1;
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = 0;
	/* a request may carry a password: nothing of it stays behind */
	explicit_bzero(cl->in, cl->in_len);
	cl->in_len = 0;
	cl->discard = false;
	cl->eof = false;
}

static void client_ready(struct loop_watch *w, uint32_t events);

/* Watch for what the client waits on: its next bytes, or room to reply. */
static void client_update_events(struct control_client *cl)
{
	uint32_t ev = cl->out ? EPOLLOUT : EPOLLIN;
	int r;

	if (cl->w.added)
		r = loop_watch_mod(&cl->w, ev);
	else
		r = loop_watch_add(cl->ctl->loop, &cl->w, cl->fd, ev, client_ready, cl);
	if (r < 0) {
		log_warn("control: cannot watch a client: %s", strerror(-r));
		client_close(cl);
	}
}

/* Try to write what is queued; returns false when the client was closed. */
static bool client_flush(struct control_client *cl)
{
	while (cl->out && cl->out_off < cl->out_len) {
		ssize_t n = send(cl->fd, cl->out + cl->out_off,
				 cl->out_len - cl->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return true;
			client_close(cl);
			return false;
		}
		cl->out_off += (size_t)n;
	}
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = 0;
	/* Answered: the next request has its own time. */
	cl->deadline_ms = now_ms() + CONTROL_IDLE_MS;
	if (cl->discard || (cl->eof && !memchr(cl->in, '\n', cl->in_len))) {
		client_close(cl);
		return false;
	}
	return true;
}

/* Queue a reply (malloc'd); NULL: out of memory, said if the socket takes it, and closed. */
static void client_queue(struct control_client *cl, char *line)
{
	static const char nomem[] =
		"{\"ok\":false,\"error\":\"failed\",\"message\":\"out of memory\"}\n";

	if (!line) {
		(void)!send(cl->fd, nomem, sizeof(nomem) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		client_close(cl);
		return;
	}
	cl->out = line;
	cl->out_len = strlen(line);
	cl->out_off = 0;
}

static void client_request(struct control *c, struct control_client *cl,
			   const char *line, size_t len)
{
	struct ctl_request req;
	enum ctl_status st;
	char msg[256];
	json_t *data;

	st = ctl_parse_request(line, len, &req, msg, sizeof(msg));
	if (st != CTL_OK) {
		esc_inplace(msg, sizeof(msg));	/* it may quote the request */
		log_info("control: refused request from uid %u pid %d: %s",
			 (unsigned int)cl->peer.uid, (int)cl->peer.pid, msg);
		client_queue(cl, ctl_encode_reply_error(st, msg));
		return;
	}
	st = CTL_OK;
	msg[0] = '\0';
	data = c->handler(c->arg, &req, &cl->peer, &st, msg, sizeof(msg));
	if (st != CTL_OK) {
		json_decref(data);
		client_queue(cl, ctl_encode_reply_error(st, msg));
	} else {
		client_queue(cl, ctl_encode_reply_ok(data));
	}
	ctl_request_wipe(&req);
}

/* Handle every complete line in the input buffer, one reply at a time. */
static void client_process(struct control *c, struct control_client *cl)
{
	char *nl;
	size_t linelen;

	while (!cl->out && cl->fd >= 0 &&
	       (nl = memchr(cl->in, '\n', cl->in_len)) != NULL) {
		linelen = (size_t)(nl - cl->in) + 1;
		client_request(c, cl, cl->in, linelen);
		if (cl->fd < 0)
			return;	/* closed (out of memory): its input is wiped */
		memmove(cl->in, cl->in + linelen, cl->in_len - linelen);
		cl->in_len -= linelen;
		/* A request may carry a password: nothing of it stays behind. */
		explicit_bzero(cl->in + cl->in_len, linelen);
		if (cl->fd >= 0 && !client_flush(cl))
			return;
	}
	if (cl->fd < 0)
		return;
	if (!cl->out && cl->in_len == sizeof(cl->in)) {
		char msg[96];

		snprintf(msg, sizeof(msg), "request longer than %d bytes",
			 CTL_REQUEST_MAX - 1);
		log_info("control: uid %u pid %d: %s; closing",
			 (unsigned int)cl->peer.uid, (int)cl->peer.pid, msg);
		cl->discard = true;
		client_queue(cl, ctl_encode_reply_error(CTL_E_TOO_LARGE, msg));
		if (cl->fd < 0 || !client_flush(cl))
			return;
	}
	/* a new client is watched by listener_ready(), once it read what came */
	if (cl->w.added)
		client_update_events(cl);
}

/*
 * Read what the client sent and answer its complete lines.  Returns true
 * when bytes came (there may be more), false when nothing was there yet,
 * the client shut down its side, or it was closed.
 */
static bool client_read(struct control_client *cl)
{
	ssize_t n = 0;

	if (cl->in_len < sizeof(cl->in)) {
		n = recv(cl->fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len,
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return false;
		if (n <= 0) {
			/* EOF: answer the complete lines already received. */
			cl->eof = true;
			client_process(cl->ctl, cl);
			if (cl->fd >= 0 && !cl->out)
				client_close(cl);
			return false;
		}
		cl->in_len += (size_t)n;
	}
	client_process(cl->ctl, cl);
	return n > 0 && cl->fd >= 0;
}

static void client_ready(struct loop_watch *w, uint32_t events)
{
	struct control_client *cl = w->arg;
	struct control *c = cl->ctl;

	if (events & EPOLLOUT) {
		if (client_flush(cl))
			client_process(c, cl);
	} else {
		client_read(cl);
	}
	idle_arm(c);
}

/* Tell a client why it is not served (best effort) and close it. */
static void refuse_fd(int fd, enum ctl_status st, const char *why)
{
	char *line = ctl_encode_reply_error(st, why);

	if (line)
		(void)!send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
	free(line);
	shutdown(fd, SHUT_WR);
	close(fd);
}

static void idle_fired(struct loop_soft *t)
{
	struct control *c = t->arg;
	uint64_t now = now_ms();
	unsigned int i;
	char why[96];

	snprintf(why, sizeof(why), "no request within %d s: closing", CONTROL_IDLE_MS / 1000);
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		struct control_client *cl = &c->clients[i];

		if (cl->fd < 0 || cl->deadline_ms > now)
			continue;
		log_info("control: uid %u pid %d sent no request within %d s: closed",
			 (unsigned int)cl->peer.uid, (int)cl->peer.pid, CONTROL_IDLE_MS / 1000);
		if (!cl->out) {
			char *line = ctl_encode_reply_error(CTL_E_TIMEOUT, why);

			if (line)
				(void)!send(cl->fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
			free(line);
		}
		client_close(cl);
	}
	idle_arm(c);
}

static void listener_ready(struct loop_watch *w, uint32_t events)
{
	struct control *c = w->arg;
	struct control_client *cl = NULL;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	unsigned int i, used = 0, mine = 0;
	bool admin;
	char why[160];
	int fd;

	(void)events;
	fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("control: accept: %s", strerror(errno));
		return;
	}
	memset(&cred, 0, sizeof(cred));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_warn("control: SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	admin = cred.uid == 0 || cred.uid == geteuid();
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++) {
		if (c->clients[i].fd < 0) {
			if (!cl)
				cl = &c->clients[i];
			continue;
		}
		used++;
		if (c->clients[i].peer.uid == cred.uid)
			mine++;
	}
	why[0] = '\0';
	if (!cl)
		snprintf(why, sizeof(why), "too many control clients (%d connected)",
			 CONTROL_CLIENTS_MAX);
	else if (!admin && mine >= CONTROL_CLIENTS_PER_UID)
		snprintf(why, sizeof(why), "uid %u already has %d control connections open",
			 (unsigned int)cred.uid, CONTROL_CLIENTS_PER_UID);
	else if (!admin && used >= CONTROL_CLIENTS_MAX - CONTROL_ADMIN_SLOTS)
		snprintf(why, sizeof(why), "too many control clients (%u connected; the "
			 "last %d places are kept for root)", used, CONTROL_ADMIN_SLOTS);
	if (!cl || why[0]) {
		log_warn("control: refused uid %u pid %d: %s", (unsigned int)cred.uid,
			 (int)cred.pid, why);
		refuse_fd(fd, CTL_E_BUSY, why);
		return;
	}
	cl->fd = fd;
	cl->peer.pid = cred.pid;
	cl->peer.uid = cred.uid;
	cl->peer.gid = cred.gid;
	cl->peer.admin = admin;
	cl->peer.read_only = c->read_only && !admin;
	cl->in_len = 0;
	cl->discard = false;
	cl->eof = false;
	cl->ctl = c;
	cl->deadline_ms = now_ms() + CONTROL_IDLE_MS;
	log_debug("control: client uid %u pid %d connected",
		  (unsigned int)cred.uid, (int)cred.pid);
	/*
	 * A client connects, writes its request and shuts down its side
	 * (esolctl, esol-webui): most often all of it is there already.  Read
	 * and answer it now, without a turn of the loop; a client that is
	 * done (its EOF read) is closed without ever being watched.  The rest
	 * is waited for in the loop: two reads at most here (the request,
	 * then its EOF), so that a client that keeps writing gets one read a
	 * turn, as every other does.
	 */
	for (i = 0; i < 2 && cl->fd >= 0 && !cl->out; i++)
		if (!client_read(cl))
			break;
	if (cl->fd >= 0)
		client_update_events(cl);
	idle_arm(c);
}

/* Is something answering on path?  (Another esold.) */
static bool socket_alive(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	alive = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return alive;
}

int control_open(struct control *c, struct loop *l, const char *path,
		 mode_t mode, gid_t gid, control_handler_fn handler, void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	unsigned int i;
	int r;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		c->clients[i].fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	strcpy(c->path, path);
	c->loop = l;
	c->handler = handler;
	c->arg = arg;

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -ENOTSOCK;
		if (socket_alive(&sa))
			return -EADDRINUSE;
		if (unlink(path) < 0)
			return -errno;
	}
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (bind(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	/* Permissions before listen(): nobody can connect in between. */
	if (chmod(path, mode) < 0)
		goto fail_unlink;
	if (gid != (gid_t)-1 && chown(path, (uid_t)-1, gid) < 0)
		goto fail_unlink;
	if (listen(c->fd, 8) < 0)
		goto fail_unlink;
	loop_soft_init(l, &c->idle, idle_fired, c);
	c->idle_init = true;
	r = loop_watch_add(l, &c->lw, c->fd, EPOLLIN, listener_ready, c);
	if (r < 0) {
		loop_soft_close(&c->idle);
		c->idle_init = false;
		errno = -r;
		goto fail_unlink;
	}
	return 0;
fail_unlink:
	r = -errno;
	unlink(path);
	close(c->fd);
	c->fd = -1;
	return r;
fail:
	r = -errno;
	close(c->fd);
	c->fd = -1;
	return r;
}

void control_close(struct control *c)
{
	unsigned int i;

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].fd >= 0)
			client_close(&c->clients[i]);
	if (c->fd >= 0) {
		loop_watch_del(&c->lw);
		close(c->fd);
		unlink(c->path);
		c->fd = -1;
	}
	if (c->idle_init) {
		loop_soft_close(&c->idle);
		c->idle_init = false;
	}
}

unsigned int control_clients(const struct control *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].fd >= 0)
			n++;
	return n;
}
