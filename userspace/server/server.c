// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/server: put esol-server's parts together (see server.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/capture.h"
#include "server/handlers.h"
#include "server/http.h"
#include "server/db.h"
#include "server/pgwatch.h"
#include "server/pollbook.h"
#include "server/pollcache.h"
#include "server/pool.h"
#include "server/server.h"
#include "server/tlsfront.h"

#define FILE_MAX (1024 * 1024)

struct server {
	struct ledger_pool *pool;
	struct pollbook *book;
	struct pollcache *cache;
	struct pgwatch *watch;
	struct handlers handlers;
	bool have_handlers;
	struct fault_state fault;
	bool have_fault;
	struct capture capture;
	bool have_capture;
	char *cert_pem, *key_pem, *ca_pem;
	struct http_server *http;
};

int server_read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *buf;
	size_t n;
	int r;

	*out = NULL;
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return r;
	}
	buf = malloc(FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n = fread(buf, 1, FILE_MAX + 1, f);
	r = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!r && n > FILE_MAX)
		r = -EFBIG;
	if (r) {
		snprintf(err, errlen, "%s: %s", path, r == -EFBIG ? "file too large" : "read error");
		free(buf);
		return r;
	}
	buf[n] = '\0';
	*out = buf;
	if (len)
		*len = n;
	return 0;
}

int server_check(const struct server_opts *o, char *err, size_t errlen)
{
	char *cert = NULL, *key = NULL, *ca = NULL;
	struct ledger *l;
	int r;

	if (o->behind_front) {
		if (o->listen_fd < 0 && !http_front_listen_ok(o->listen)) {
			snprintf(err, errlen, "behind a front, listen on unix:PATH or a loopback"
				 " address (not %s)", o->listen);
			return -EINVAL;
		}
	} else if ((r = server_read_file(o->cert, &cert, NULL, err, errlen)) ||
		   (r = server_read_file(o->key, &key, NULL, err, errlen)) ||
		   (o->client_ca && (r = server_read_file(o->client_ca, &ca, NULL, err, errlen))) ||
		   (r = tlsfront_check(cert, key, ca, err, errlen))) {
		goto out;
	}
	r = ledger_open(o->db, &l, err, errlen);
	if (r)
		goto out;
	ledger_close(l);
	if (o->capture_dir) {
		struct capture c;

		r = capture_init(&c, o->capture_dir);
		if (r) {
			snprintf(err, errlen, "capture dir %s: %s", o->capture_dir, strerror(-r));
			goto out;
		}
		capture_destroy(&c);
	}
out:
	free(cert);
	free(key);
	free(ca);
	return r;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	http_stop(s->http);
	pgwatch_stop(s->watch);
	pollcache_free(s->cache);
	pollbook_stop(s->book);		/* the last bookings are written */
	if (s->have_handlers)
		handlers_destroy(&s->handlers);
	if (s->have_fault)
		fault_state_destroy(&s->fault);
	if (s->have_capture)
		capture_destroy(&s->capture);
	pool_close(s->pool);
	free(s->cert_pem);
	free(s->key_pem);
	free(s->ca_pem);
	free(s);
}

int server_start(const struct server_opts *o, struct server **out, char *err, size_t errlen)
{
	struct server *s = calloc(1, sizeof(*s));
	struct http_config hc;
	int r;

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!o->behind_front &&
	    ((r = server_read_file(o->cert, &s->cert_pem, NULL, err, errlen)) ||
	     (r = server_read_file(o->key, &s->key_pem, NULL, err, errlen)) ||
	     (o->client_ca && (r = server_read_file(o->client_ca, &s->ca_pem, NULL, err, errlen)))))
		goto bad;
	r = pool_open(o->db, o->behind_front ? (o->threads ? o->threads : 4) : 4, &s->pool,
		      err, errlen);
	if (r)
		goto bad;
	r = handlers_init(&s->handlers, s->pool, &o->defaults, o->fixed_now, o->now_file);
	if (r) {
		snprintf(err, errlen, "handlers: %s", strerror(-r));
		goto bad;
	}
	s->have_handlers = true;
	if (o->behind_front && o->poll_flush_ms != 0) {
		r = pollbook_start(s->pool, o->poll_flush_ms < 0 ? 200u : (unsigned int)o->poll_flush_ms,
				   &s->book, err, errlen);
		if (r)
			goto bad;
		s->handlers.book = s->book;
		/* PostgreSQL announces changes; SQLite's CLI could not tell the server */
		if (o->poll_cache != 0 && db_kind_of(o->db) == DB_POSTGRES) {
			r = pollcache_new(o->poll_cache < 0 ? 65536u : (size_t)o->poll_cache,
					  &s->cache);
			if (r) {
				snprintf(err, errlen, "poll cache: %s", strerror(-r));
				goto bad;
			}
			r = pgwatch_start(o->db, s->cache, &s->watch, err, errlen);
			if (r)
				goto bad;
			s->handlers.cache = s->cache;
		}
	}
	r = fault_state_init(&s->fault, &o->fault, o->fault_file);
	if (r) {
		snprintf(err, errlen, "fault: %s", strerror(-r));
		goto bad;
	}
	s->have_fault = true;
	if (o->capture_dir) {
		r = capture_init(&s->capture, o->capture_dir);
		if (r) {
			snprintf(err, errlen, "capture dir %s: %s", o->capture_dir, strerror(-r));
			goto bad;
		}
		s->have_capture = true;
	}
	memset(&hc, 0, sizeof(hc));
	hc.listen = o->listen;
	hc.listen_fd = o->listen_fd;
	hc.behind_front = o->behind_front;
	hc.require_client_cert = o->behind_front ? o->front_client_cert : o->client_ca != NULL;
	hc.threads = o->threads;
	hc.cert_pem = s->cert_pem;
	hc.key_pem = s->key_pem;
	hc.client_ca_pem = s->ca_pem;
	hc.handlers = &s->handlers;
	hc.fault = &s->fault;
	hc.capture = s->have_capture ? &s->capture : NULL;
	r = http_start(&hc, &s->http, err, errlen);
	if (r)
		goto bad;
	*out = s;
	return 0;
bad:
	server_stop(s);
	return r;
}

uint16_t server_port(const struct server *s)
{
	return http_port(s->http);
}
