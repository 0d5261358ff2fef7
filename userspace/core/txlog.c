// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* txlog: bounded JSON-lines transmission log; see txlog.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/escape.h"
#include "core/fsutil.h"
#include "core/txlog.h"

struct txlog {
	char *path;
	char *path1;
	int fd;
	uint64_t size;		/* of the current file, as we know it */
	uint64_t file_max;	/* max_bytes / 2 */
	bool need_nl;		/* the file ends in a torn line */
};

static int open_current(struct txlog *l)
{
	struct stat st;
	char last;

	l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (l->fd < 0)
		return -errno;
	errno = 0;
	if (fstat(l->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int r = errno ? -errno : -EINVAL;

		close(l->fd);
		l->fd = -1;
		return r;
	}
	l->size = (uint64_t)st.st_size;
	l->need_nl = false;
	if (st.st_size > 0) {
		int rfd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

		if (rfd >= 0) {
			if (pread(rfd, &last, 1, st.st_size - 1) == 1 && last != '\n')
				l->need_nl = true;
			close(rfd);
		}
	}
	return 0;
}

int txlog_open(const char *path, uint64_t max_bytes, struct txlog **out)
{
	struct txlog *l;
	int r;

	if (!path || !*path || max_bytes < TXLOG_MIN_BYTES)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->fd = -1;
	l->file_max = max_bytes / 2;
	l->path = strdup(path);
	if (l->path && asprintf(&l->path1, "%s.1", path) < 0)
		l->path1 = NULL;
	if (!l->path || !l->path1) {
		r = -ENOMEM;
		goto fail;
	}
	r = open_current(l);
	if (r < 0)
		goto fail;
	*out = l;
	return 0;
fail:
	txlog_close(l);
	return r;
}

void txlog_close(struct txlog *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	free(l->path);
	free(l->path1);
	free(l);
}

/* Length of the longest prefix of s[0..n) that does not cut a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Add body as a string, or as hex when it is not valid UTF-8. */
static int add_body(json_t *o, const char *key, const char *body, size_t len)
{
	char hkey[32];
	json_t *v;
	char *hex;
	size_t i;

	v = json_stringn(body, len);
	if (v)
		return json_object_set_new(o, key, v);
	hex = malloc(len * 2 + 1);
	if (!hex)
		return -1;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)body[i]);
	snprintf(hkey, sizeof(hkey), "%s_hex", key);
	v = json_stringn(hex, len * 2);
	free(hex);
	return json_object_set_new(o, hkey, v);
}

/* The record as one JSON line (with '\n'); bodies cut to `cut` bytes when set. */
static char *render(const struct txlog_record *r, size_t cut, bool truncated, size_t *len)
{
	char ts[32], proxy[ESC_FIELD_MAX], result[ESC_FIELD_MAX];
	struct tm tm;
	time_t t = (time_t)r->time;
	json_t *o;
	char *s, *line;
	size_t sl, rl;
	int bad = 0;

	if (!gmtime_r(&t, &tm) || strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(ts, sizeof(ts), "@%lld", (long long)r->time);
	o = json_object();
	if (!o)
		return NULL;
	bad |= json_object_set_new(o, "time", json_string(ts));
	bad |= json_object_set_new(o, "endpoint", json_string(r->endpoint ? r->endpoint : ""));
	/* The one-line fields are for people: outside text escaped, bounded. */
	if (r->proxy)
		bad |= json_object_set_new(o, "proxy",
					   json_string(esc_str(proxy, sizeof(proxy), r->proxy)));
	bad |= json_object_set_new(o, "bytes_sent", json_integer((json_int_t)r->bytes_sent));
	bad |= json_object_set_new(o, "bytes_received",
				   json_integer((json_int_t)r->bytes_received));
	bad |= json_object_set_new(o, "status", json_integer(r->status));
	bad |= json_object_set_new(o, "result",
				   json_string(esc_str(result, sizeof(result), r->result)));
	sl = r->sent ? r->sent_len : 0;
	rl = r->received ? r->received_len : 0;
	if (truncated) {
		if (sl > cut)
			sl = utf8_cut(r->sent, cut);
		if (rl > cut)
			rl = utf8_cut(r->received, cut);
		bad |= json_object_set_new(o, "truncated", json_true());
	}
	bad |= add_body(o, "sent", r->sent ? r->sent : "", sl);
	if (r->received)
		bad |= add_body(o, "received", r->received, rl);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!s)
		return NULL;
	/* Room for a leading '\n' (torn line) and the trailing one. */
	*len = strlen(s);
	line = malloc(*len + 3);
	if (!line) {
		free(s);
		return NULL;
	}
	line[0] = '\n';
	memcpy(line + 1, s, *len);
	line[1 + *len] = '\n';
	line[2 + *len] = '\0';
	*len += 1;	/* JSON + '\n', starting at line + 1 */
	free(s);
	return line;
}

static int rotate(struct txlog *l)
{
	if (rename(l->path, l->path1) < 0 && errno != ENOENT)
		return -errno;
	close(l->fd);
	l->fd = -1;
	return open_current(l);
}

int txlog_append(struct txlog *l, const struct txlog_record *r)
{
	size_t len, cut;
	char *line;
	int ret;

	if (l->fd < 0) {
		ret = open_current(l);
		if (ret < 0)
			return ret;
	}
	line = render(r, 0, false, &len);
	/* Too big for a file: cut the bodies until it fits. */
	for (cut = l->file_max / 2; line && len > l->file_max && cut > 0; cut /= 2) {
		free(line);
		line = render(r, cut, true, &len);
	}
	if (!line)
		return -ENOMEM;
	if (len > l->file_max) {
		free(line);
		return -EMSGSIZE;
	}
	if (l->size > 0 && l->size + len + l->need_nl > l->file_max) {
		ret = rotate(l);
		if (ret < 0) {
			free(line);
			return ret;
		}
	}
	if (l->need_nl)
		ret = fsu_write_all(l->fd, line, len + 1);
	else
		ret = fsu_write_all(l->fd, line + 1, len);
	free(line);
	if (ret < 0) {
		/* Part of the line may be there: start the next one afresh. */
		struct stat st;

		if (fstat(l->fd, &st) == 0)
			l->size = (uint64_t)st.st_size;
		l->need_nl = true;
		return ret;
	}
	l->size += len + l->need_nl;
	l->need_nl = false;
	return 0;
}

/* ---- reader ---- */

/* The last TXLOG_READ_MAX bytes of a file; *from_start if that is all of it. */
static int read_tail(const char *path, char **buf, size_t *len, bool *from_start)
{
	struct stat st;
	off_t off = 0;
	size_t want, got = 0;
	char *b;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return -errno;
	errno = 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int r = errno ? -errno : -EINVAL;

		close(fd);
		return r;
	}
	if ((uint64_t)st.st_size > TXLOG_READ_MAX)
		off = st.st_size - TXLOG_READ_MAX;
	want = (size_t)(st.st_size - off);
	b = malloc(want + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	while (got < want) {
		ssize_t n = pread(fd, b + got, want - got, off + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int r = -errno;

			free(b);
			close(fd);
			return r;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	b[got] = '\0';
	*buf = b;
	*len = got;
	*from_start = off == 0;
	return 0;
}

static int collect(const char *path, size_t n, json_t *arr, size_t *skipped)
{
	char *buf = NULL, *p, *end;
	bool from_start = true;
	size_t len = 0;
	int r;

	r = read_tail(path, &buf, &len, &from_start);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	p = buf;
	end = buf + len;
	if (!from_start) {	/* the first line is cut: skip it */
		char *nl = memchr(p, '\n', (size_t)(end - p));

		p = nl ? nl + 1 : end;
	}
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *rec;

		if (ll > 0) {
			rec = json_loadb(p, ll, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
			if (json_is_object(rec)) {
				if (json_array_append_new(arr, rec) < 0) {
					free(buf);
					return -ENOMEM;
				}
				rec = NULL;
				if (json_array_size(arr) > n)
					json_array_remove(arr, 0);
			} else {
				(*skipped)++;
			}
			json_decref(rec);
		}
		p = nl ? nl + 1 : end;
	}
	free(buf);
	return 0;
}

int txlog_read_last(const char *path, size_t n, json_t **out, size_t *skipped)
{
	size_t skip = 0;
	char *path1;
	json_t *arr;
	int r;

	arr = json_array();
	if (!arr)
		return -ENOMEM;
	if (asprintf(&path1, "%s.1", path) < 0) {
		json_decref(arr);
		return -ENOMEM;
	}
	r = n ? collect(path1, n, arr, &skip) : 0;
	if (r == 0 && n)
		r = collect(path, n, arr, &skip);
	free(path1);
	if (r < 0) {
		json_decref(arr);
		return r;
	}
	if (skipped)
		*skipped = skip;
	*out = arr;
	return 0;
}
