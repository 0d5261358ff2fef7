// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/fault: parse fault specs and pick the fault for each request
 * (see fault.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "server/fault.h"

static const struct {
	const char *name;
	enum fault_mode mode;
	uint32_t def_arg;
	uint32_t max_arg;
} modes[] = {
	{ "none", FAULT_NONE, 0, 0 },
	{ "500", FAULT_500, 0, 0 },
	{ "503", FAULT_503, 30, 86400 },
	{ "429", FAULT_429, 30, 86400 },
	{ "slow", FAULT_SLOW, 5000, 600000 },
	{ "stall", FAULT_STALL, 0, 0 },
	{ "garbage", FAULT_GARBAGE, 0, 0 },
	{ "drop", FAULT_DROP, 0, 0 },
	{ "lost-reply", FAULT_LOST_REPLY, 0, 0 },
};

static bool parse_uint(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

int fault_parse(const char *s, struct fault_spec *out, char *err, size_t errlen)
{
	char buf[128];
	char *p;
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		n--;
	if (n >= sizeof(buf)) {
		snprintf(err, errlen, "fault spec too long");
		return -EINVAL;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, sizeof(*out));
	out->count = -1;

	p = strrchr(buf, '*');
	if (p) {
		uint32_t c;

		if (!parse_uint(p + 1, INT_MAX, &c) || c == 0) {
			snprintf(err, errlen, "fault spec '%s': bad *COUNT", buf);
			return -EINVAL;
		}
		out->count = (int)c;
		*p = '\0';
	}
	p = strchr(buf, '@');
	if (p) {
		if (p[1] != '/' || strlen(p + 1) >= sizeof(out->path)) {
			snprintf(err, errlen, "fault spec: bad @PATH");
			return -EINVAL;
		}
		snprintf(out->path, sizeof(out->path), "%s", p + 1);
		*p = '\0';
	}
	char *arg = strchr(buf, ':');

	if (arg)
		*arg++ = '\0';
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		if (strcmp(buf, modes[i].name) != 0)
			continue;
		out->mode = modes[i].mode;
		out->arg = modes[i].def_arg;
		if (arg && (!modes[i].max_arg || !parse_uint(arg, modes[i].max_arg, &out->arg))) {
			snprintf(err, errlen, "fault mode %s: bad argument '%s'", buf, arg);
			return -EINVAL;
		}
		return 0;
	}
	snprintf(err, errlen, "unknown fault mode '%s' (none, 500, 503[:s], 429[:s], slow[:ms],"
		 " stall, garbage, drop, lost-reply)", buf);
	return -EINVAL;
}

void fault_describe(const struct fault_spec *f, char *buf, size_t n)
{
	const char *name = "?";
	char arg[16] = "", cnt[16] = "";

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (modes[i].mode == f->mode)
			name = modes[i].name;
	if (f->mode == FAULT_503 || f->mode == FAULT_429 || f->mode == FAULT_SLOW)
		snprintf(arg, sizeof(arg), ":%u", f->arg);
	if (f->count >= 0)
		snprintf(cnt, sizeof(cnt), "*%d", f->count);
	snprintf(buf, n, "%s%s%s%s%s", name, arg, f->path[0] ? "@" : "", f->path, cnt);
}

int fault_state_init(struct fault_state *st, const struct fault_spec *base, const char *file)
{
	memset(st, 0, sizeof(*st));
	if (base)
		st->base = *base;
	else
		st->base.count = -1;
	st->cur = st->base;
	if (file) {
		st->file = strdup(file);
		if (!st->file)
			return -ENOMEM;
	}
	pthread_mutex_init(&st->lock, NULL);
	return 0;
}

void fault_state_destroy(struct fault_state *st)
{
	free(st->file);
	st->file = NULL;
	pthread_mutex_destroy(&st->lock);
}

/* Re-read the admin file if it changed.  Caller holds the lock. */
static int reload(struct fault_state *st, char *msg, size_t msglen)
{
	struct stat sb;
	char line[160];
	struct fault_spec spec;

	if (!st->file)
		return 0;
	if (stat(st->file, &sb) != 0) {
		if (!st->file_active)
			return 0;
		st->file_active = false;
		st->cur = st->base;
		fault_describe(&st->cur, line, sizeof(line));
		snprintf(msg, msglen, "fault file %s removed; fault mode %s", st->file, line);
		return 1;
	}
	if (st->file_active && sb.st_mtim.tv_sec == st->file_mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == st->file_mtime.tv_nsec && sb.st_ino == st->file_ino &&
	    sb.st_size == st->file_size)
		return 0;
	st->file_active = true;
	st->file_mtime = sb.st_mtim;
	st->file_ino = sb.st_ino;
	st->file_size = sb.st_size;

	FILE *f = fopen(st->file, "re");

	if (!f) {
		snprintf(msg, msglen, "fault file %s: %s", st->file, strerror(errno));
		return -EINVAL;
	}
	if (!fgets(line, sizeof(line), f))
		snprintf(line, sizeof(line), "none");
	fclose(f);
	char err[160];

	if (fault_parse(line[0] && line[0] != '\n' ? line : "none", &spec, err, sizeof(err))) {
		snprintf(msg, msglen, "fault file %s: %s", st->file, err);
		return -EINVAL;
	}
	st->cur = spec;
	fault_describe(&spec, line, sizeof(line));
	snprintf(msg, msglen, "fault file %s: fault mode %s", st->file, line);
	return 1;
}

int fault_take(struct fault_state *st, const char *path, struct fault_spec *out,
	       char *msg, size_t msglen)
{
	int r;

	pthread_mutex_lock(&st->lock);
	r = reload(st, msg, msglen);
	*out = st->cur;
	if (st->cur.mode == FAULT_NONE || (st->cur.path[0] && strcmp(st->cur.path, path) != 0) ||
	    st->cur.count == 0) {
		out->mode = FAULT_NONE;
	} else if (st->cur.count > 0) {
		if (--st->cur.count == 0) {
			st->cur.mode = FAULT_NONE;
			st->cur.count = -1;
		}
	}
	pthread_mutex_unlock(&st->lock);
	return r;
}
