// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* state: the agent's persistent state file; see state.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "agent/state.h"
#include "proto/proto.h"

/* The protocol's supplies interval (0 only for "off") and times (0 for
 * "never"): a loaded state must make a poll the protocol can carry. */
#define INTERVAL_MIN	PROTO_SUPPLIES_INTERVAL_MIN
#define INTERVAL_MAX	PROTO_SUPPLIES_INTERVAL_MAX
#define STATE_FILE_MAX	4096

_Static_assert(sizeof(((struct agent_state *)0)->identity_tag) == PROTO_TAG_LEN + 1,
	       "agent_state.identity_tag holds a tag");

void agent_state_defaults(struct agent_state *st)
{
	memset(st, 0, sizeof(*st));
}

bool agent_state_equal(const struct agent_state *a, const struct agent_state *b)
{
	return a->supplies_enabled == b->supplies_enabled &&
	       a->supplies_interval_s == b->supplies_interval_s &&
	       a->supplies_last_sent == b->supplies_last_sent &&
	       a->last_poll == b->last_poll &&
	       a->last_poll_ok == b->last_poll_ok &&
	       strcmp(a->identity_tag, b->identity_tag) == 0;
}

static int get_time(json_t *root, const char *key, int64_t *out,
		    char *msg, size_t msg_size)
{
	json_t *v = json_object_get(root, key);

	if (!json_is_integer(v) ||
	    (json_integer_value(v) != 0 && (json_integer_value(v) < PROTO_TIME_MIN ||
					    json_integer_value(v) > PROTO_TIME_MAX))) {
		snprintf(msg, msg_size, "%s: not 0 or a time from 2000 to 9999", key);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

static int parse(const char *buf, size_t len, struct agent_state *st,
		 char *msg, size_t msg_size)
{
	static const char *const known[] = {
		"version", "supplies_enabled", "supplies_interval_s",
		"supplies_last_sent", "last_poll", "last_poll_ok", "identity_tag",
	};
	json_error_t jerr;
	json_t *root, *v;
	const char *key;
	size_t i;
	int r = -1;

	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(msg, msg_size, "line %d: %s", jerr.line, jerr.text);
		return -1;
	}
	if (!json_is_object(root)) {
		snprintf(msg, msg_size, "not a JSON object");
		goto out;
	}
	json_object_foreach(root, key, v) {
		for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (i == sizeof(known) / sizeof(known[0])) {
			snprintf(msg, msg_size, "unknown field \"%.32s\"", key);
			goto out;
		}
	}
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != AGENT_STATE_VERSION) {
		snprintf(msg, msg_size, "version: not %d", AGENT_STATE_VERSION);
		goto out;
	}
	v = json_object_get(root, "supplies_enabled");
	if (!json_is_boolean(v)) {
		snprintf(msg, msg_size, "supplies_enabled: not a boolean");
		goto out;
	}
	st->supplies_enabled = json_is_true(v);
	v = json_object_get(root, "supplies_interval_s");
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > INTERVAL_MAX ||
	    (st->supplies_enabled && json_integer_value(v) < INTERVAL_MIN)) {
		snprintf(msg, msg_size, "supplies_interval_s: not %u..%u (0 when disabled)",
			 INTERVAL_MIN, INTERVAL_MAX);
		goto out;
	}
	st->supplies_interval_s = (uint32_t)json_integer_value(v);
	if (get_time(root, "supplies_last_sent", &st->supplies_last_sent, msg, msg_size) ||
	    get_time(root, "last_poll", &st->last_poll, msg, msg_size) ||
	    get_time(root, "last_poll_ok", &st->last_poll_ok, msg, msg_size))
		goto out;
	v = json_object_get(root, "identity_tag");
	if (v && (!json_is_string(v) || !proto_valid_tag(json_string_value(v)))) {
		snprintf(msg, msg_size, "identity_tag: not %d lower-case hex digits",
			 PROTO_TAG_LEN);
		goto out;
	}
	if (v)
		memcpy(st->identity_tag, json_string_value(v), PROTO_TAG_LEN + 1);
	r = 0;
out:
	json_decref(root);
	return r;
}

static void join(char *out, size_t size, const char *dir, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

int agent_state_load(const char *dir, struct agent_state *st,
		     char *msg, size_t msg_size)
{
	char path[PATH_MAX], buf[STATE_FILE_MAX + 1];
	size_t len = 0;
	ssize_t n;
	int fd, r;

	agent_state_defaults(st);
	if (msg_size)
		msg[0] = '\0';
	join(path, sizeof(path), dir, AGENT_STATE_FILE);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		r = -errno;
		snprintf(msg, msg_size, "%s: %s", path, strerror(errno));
		return r;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			snprintf(msg, msg_size, "%s: %s", path, strerror(errno));
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > STATE_FILE_MAX) {
		snprintf(msg, msg_size, "%s: larger than %d bytes", path, STATE_FILE_MAX);
		return -EBADMSG;
	}
	if (parse(buf, len, st, msg, msg_size) < 0) {
		char detail[160];

		snprintf(detail, sizeof(detail), "%s", msg);
		snprintf(msg, msg_size, "%s: %s", path, detail);
		agent_state_defaults(st);
		return -EBADMSG;
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int agent_state_save(const char *dir, const struct agent_state *st)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	json_t *o;
	char *text;
	int fd, dfd, r;

	o = json_pack("{s:i,s:b,s:I,s:I,s:I,s:I}",
		      "version", AGENT_STATE_VERSION,
		      "supplies_enabled", st->supplies_enabled,
		      "supplies_interval_s", (json_int_t)st->supplies_interval_s,
		      "supplies_last_sent", (json_int_t)st->supplies_last_sent,
		      "last_poll", (json_int_t)st->last_poll,
		      "last_poll_ok", (json_int_t)st->last_poll_ok);
	if (o && st->identity_tag[0] &&
	    json_object_set_new(o, "identity_tag", json_string(st->identity_tag))) {
		json_decref(o);
		o = NULL;
	}
	if (!o)
		return -ENOMEM;
	text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!text)
		return -ENOMEM;
	join(path, sizeof(path), dir, AGENT_STATE_FILE);
	join(tmp, sizeof(tmp), dir, AGENT_STATE_FILE ".tmp");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0) {
		r = -errno;
		free(text);
		return r;
	}
	r = write_all(fd, text, strlen(text));
	if (!r)
		r = write_all(fd, "\n", 1);
	free(text);
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r) {
		unlink(tmp);
		return r;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fsync(dfd) < 0)
		r = -errno;
	close(dfd);
	return r;
}
