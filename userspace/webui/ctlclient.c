// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* ctlclient: requests to esold's control socket; see ctlclient.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "webui/ctlclient.h"

#define CTLC_TIMEOUT_MS	10000

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "WHAT PATH: strerror(e)" */
static enum ctlc_result unreachable(struct ctlc_error *err, const char *what, const char *path,
				    int e)
{
	err->code[0] = '\0';
	snprintf(err->message, sizeof(err->message), "%s %s: %s", what, path, strerror(e));
	return CTLC_UNREACHABLE;
}

/* Connect, send line, read one reply line (malloc'd, NUL-terminated). */
static enum ctlc_result exchange(const char *path, const char *line, int timeout_ms,
				 char **reply, struct ctlc_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(line), off = 0, cap = 8192, have = 0;
	int64_t deadline = now_ms() + timeout_ms;
	char *buf = NULL;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return unreachable(err, "socket path too long:", path, ENAMETOOLONG);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return unreachable(err, "socket for", path, errno);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return unreachable(err, "cannot reach esold at", path, e);
	}
	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return unreachable(err, "sending to esold at", path, e);
		}
		off += (size_t)n;
	}
	/* One request: esold sees its end with it and needs no wait for it. */
	shutdown(fd, SHUT_WR);
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		return unreachable(err, "reading the reply from", path, ENOMEM);
	}
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t left = deadline - now_ms();
		ssize_t n;
		int r;

		if (have && memchr(buf, '\n', have))
			break;
		if (left <= 0) {
			close(fd);
			free(buf);
			return unreachable(err, "no answer in time from esold at", path, ETIMEDOUT);
		}
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;	/* the deadline check above decides */
		if (have + 1 >= cap) {
			char *nb;

			if (cap >= CTL_REPLY_MAX) {
				close(fd);
				free(buf);
				return unreachable(err, "reply too long from esold at", path, EMSGSIZE);
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				close(fd);
				free(buf);
				return unreachable(err, "reading the reply from", path, ENOMEM);
			}
			buf = nb;
			cap *= 2;
		}
		n = recv(fd, buf + have, cap - have - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ECONNRESET;

			close(fd);
			free(buf);
			return unreachable(err, "esold closed the connection at", path, e);
		}
		have += (size_t)n;
	}
	buf[have] = '\0';
	close(fd);
	*reply = buf;
	return CTLC_OK;
}

enum ctlc_result ctlc_call(const char *socket_path, const struct ctl_request *req,
			   int timeout_ms, json_t **data, struct ctlc_error *err)
{
	char *line, *reply = NULL;
	enum ctlc_result r;
	json_t *d = NULL;
	int ok;

	memset(err, 0, sizeof(*err));
	if (data)
		*data = NULL;
	line = ctl_encode_request(req);
	if (!line)
		return unreachable(err, "encoding the request to", socket_path, ENOMEM);
	r = exchange(socket_path, line, timeout_ms, &reply, err);
	explicit_bzero(line, strlen(line));	/* it may hold a password */
	free(line);
	if (r != CTLC_OK)
		return r;
	if (ctl_parse_reply(reply, strlen(reply), &ok, &d, err->code, sizeof(err->code),
			    err->message, sizeof(err->message)) < 0) {
		free(reply);
		err->code[0] = '\0';
		return CTLC_UNREACHABLE;
	}
	free(reply);
	if (!ok)
		return CTLC_REFUSED;
	if (data)
		*data = d;
	else
		json_decref(d);
	return CTLC_OK;
}

enum ctlc_result ctlc_status(const char *socket_path, json_t **data, struct ctlc_error *err)
{
	struct ctl_request req = { .cmd = CTL_CMD_STATUS };

	return ctlc_call(socket_path, &req, CTLC_TIMEOUT_MS, data, err);
}

enum ctlc_result ctlc_log(const char *socket_path, unsigned int count, json_t **data,
			  struct ctlc_error *err)
{
	struct ctl_request req = { .cmd = CTL_CMD_LOG, .count = count };

	return ctlc_call(socket_path, &req, CTLC_TIMEOUT_MS, data, err);
}

enum ctlc_result ctlc_set(const char *socket_path, const char *key, const char *value,
			  struct ctlc_error *err)
{
	struct ctl_request req = { .cmd = CTL_CMD_SET };

	if (strlen(key) > CTL_KEY_MAX || strlen(value) > CTL_VALUE_MAX) {
		memset(err, 0, sizeof(*err));
		snprintf(err->code, sizeof(err->code), "invalid_value");
		snprintf(err->message, sizeof(err->message), "the value is longer than %d bytes",
			 CTL_VALUE_MAX);
		return CTLC_REFUSED;
	}
	strcpy(req.key, key);
	strcpy(req.value, value);
	return ctlc_call(socket_path, &req, CTLC_TIMEOUT_MS, NULL, err);
}

enum ctlc_result ctlc_poll_now(const char *socket_path, struct ctlc_error *err)
{
	struct ctl_request req = { .cmd = CTL_CMD_POLL_NOW };

	return ctlc_call(socket_path, &req, CTLC_TIMEOUT_MS, NULL, err);
}

/* A refusal made here, before esold is asked (a field longer than the protocol takes). */
static enum ctlc_result refuse_long(struct ctlc_error *err, const char *field)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->code, sizeof(err->code), "invalid_value");
	snprintf(err->message, sizeof(err->message), "%s: is longer than %d bytes", field,
		 CTL_CRED_MAX);
	return CTLC_REFUSED;
}

enum ctlc_result ctlc_proxy_creds(const char *socket_path, const char *user,
				  const char *password, struct ctlc_error *err)
{
	struct ctl_request req = { .cmd = CTL_CMD_PROXY_CREDS_CLEAR };
	enum ctlc_result r;

	if (user) {
		if (strlen(user) > CTL_CRED_MAX)
			return refuse_long(err, "user");
		if (strlen(password) > CTL_CRED_MAX)
			return refuse_long(err, "password");
		req.cmd = CTL_CMD_PROXY_CREDS_SET;
		strcpy(req.user, user);
		strcpy(req.password, password);
	}
	r = ctlc_call(socket_path, &req, CTLC_TIMEOUT_MS, NULL, err);
	ctl_request_wipe(&req);
	return r;
}
