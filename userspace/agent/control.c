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
#include <unistd.h>

#include "agent/control.h"
#include "common/log.h"

static void client_close(struct control_client *cl)
{
	loop_watch_del(&cl->w);
	close(cl->fd);
	cl->fd = -1;
	free(cl->out);
	cl->out = NULL;
	cl->out_len = cl->out_off = 0;
	cl->in_len = 0;
	cl->discard = false;
	cl->eof = false;
}

static void client_update_events(struct control_client *cl)
{
	uint32_t ev = cl->out ? EPOLLOUT : EPOLLIN;

	if (loop_watch_mod(&cl->w, ev) < 0)
		client_close(cl);
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
	if (cl->discard || (cl->eof && !memchr(cl->in, '\n', cl->in_len))) {
		client_close(cl);
		return false;
	}
	return true;
}

static void client_queue(struct control_client *cl, char *line)
{
	static const char nomem[] =
		"{\"ok\":false,\"error\":\"failed\",\"message\":\"out of memory\"}\n";

	if (!line) {
		line = strdup(nomem);
		if (!line) {
			client_close(cl);
			return;
		}
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
		memmove(cl->in, cl->in + linelen, cl->in_len - linelen);
		cl->in_len -= linelen;
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
		if (!client_flush(cl))
			return;
	}
	client_update_events(cl);
}

static void client_ready(struct loop_watch *w, uint32_t events)
{
	struct control_client *cl = w->arg;
	ssize_t n;

	if (events & EPOLLOUT) {
		if (!client_flush(cl))
			return;
		client_process(cl->ctl, cl);
		return;
	}
	if (cl->in_len < sizeof(cl->in)) {
		n = recv(cl->fd, cl->in + cl->in_len, sizeof(cl->in) - cl->in_len,
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			/* EOF: answer the complete lines already received. */
			cl->eof = true;
			client_process(cl->ctl, cl);
			if (cl->fd >= 0 && !cl->out)
				client_close(cl);
			return;
		}
		cl->in_len += (size_t)n;
	}
	client_process(cl->ctl, cl);
}

static void listener_ready(struct loop_watch *w, uint32_t events)
{
	struct control *c = w->arg;
	struct control_client *cl = NULL;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	unsigned int i;
	int fd;

	(void)events;
	fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("control: accept: %s", strerror(errno));
		return;
	}
	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].fd < 0) {
			cl = &c->clients[i];
			break;
		}
	if (!cl) {
		static const char busy[] =
			"{\"ok\":false,\"error\":\"busy\",\"message\":\"too many control clients\"}\n";

		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		log_warn("control: refused a client: %d already connected",
			 CONTROL_CLIENTS_MAX);
		return;
	}
	memset(&cred, 0, sizeof(cred));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		log_warn("control: SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return;
	}
	cl->fd = fd;
	cl->peer.pid = cred.pid;
	cl->peer.uid = cred.uid;
	cl->peer.gid = cred.gid;
	cl->in_len = 0;
	cl->discard = false;
	cl->eof = false;
	cl->ctl = c;
	if (loop_watch_add(c->loop, &cl->w, fd, EPOLLIN, client_ready, cl) < 0) {
		log_warn("control: cannot watch a client");
		close(fd);
		cl->fd = -1;
		return;
	}
	log_debug("control: client uid %u pid %d connected",
		  (unsigned int)cred.uid, (int)cred.pid);
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
	r = loop_watch_add(l, &c->lw, c->fd, EPOLLIN, listener_ready, c);
	if (r < 0) {
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
}

unsigned int control_clients(const struct control *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < CONTROL_CLIENTS_MAX; i++)
		if (c->clients[i].fd >= 0)
			n++;
	return n;
}
