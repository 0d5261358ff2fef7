/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/handlers: the three endpoints, independent of HTTP.  A handler
 * decodes the body with proto, checks the device against the client
 * certificate's CN when there is one, asks the policy / ledger, and
 * produces the HTTP status and JSON body of the reply.
 */
#ifndef ESOL_SERVER_HANDLERS_H
#define ESOL_SERVER_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

#include "proto/proto.h"
#include "server/ledger.h"
#include "server/pollbook.h"
#include "server/pollcache.h"
#include "server/pool.h"

enum endpoint { EP_UNKNOWN, EP_POLL, EP_METER_READS, EP_SUPPLIES };

struct handlers {
	struct ledger_pool *pool;	/* a connection per request */
	struct pollbook *book;		/* NULL: every poll written before its reply */
	struct pollcache *cache;	/* NULL: every poll asks the database (needs book) */
	struct ledger_defaults def;
	int64_t fixed_now;		/* 0: the real clock */
	const char *now_file;		/* NULL, or a file whose time overrides both */
};

struct hreply {
	int status;
	char *body;			/* malloc'd JSON */
	size_t len;
	uint32_t retry_after;		/* > 0: send Retry-After */
	char device_id[PROTO_DEVICE_ID_MAX + 1];	/* "" if unknown */
	char note[192];			/* what happened, for the request log */
};

int handlers_init(struct handlers *h, struct ledger_pool *pool, const struct ledger_defaults *def,
		  int64_t fixed_now, const char *now_file);
void handlers_destroy(struct handlers *h);
enum endpoint handlers_route(const char *url);
/*
 * The server's time: the time in now_file while it exists (RFC 3339 UTC
 * or Unix seconds on its first line; read on every call so a test can
 * move the clock), else fixed_now, else the real clock.
 */
int64_t handlers_now(const struct handlers *h);

/* auth_cn: the verified client-certificate CN, or NULL when not configured. */
void handlers_handle(struct handlers *h, enum endpoint ep, const void *body, size_t len,
		     const char *auth_cn, struct hreply *out);

/*
 * The same without waiting for anything: a poll whose decision the poll
 * cache keeps is answered (true, out filled); anything else returns
 * false and is left for handlers_handle.
 */
bool handlers_try_kept(struct handlers *h, enum endpoint ep, const void *body, size_t len,
		       const char *auth_cn, struct hreply *out);

/* Fill an error reply (protocol error body). */
void hreply_error(struct hreply *r, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void hreply_free(struct hreply *r);

#endif /* ESOL_SERVER_HANDLERS_H */
