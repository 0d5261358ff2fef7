// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/handlers: POST /v1/poll, /v1/meter-reads and /v1/supplies,
 * independent of HTTP (see handlers.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "server/handlers.h"
#include "server/idtag.h"
#include "server/policy.h"

int handlers_init(struct handlers *h, struct ledger_pool *pool, const struct ledger_defaults *def,
		  int64_t fixed_now, const char *now_file)
{
	memset(h, 0, sizeof(*h));
	h->pool = pool;
	h->def = *def;
	h->fixed_now = fixed_now;
	h->now_file = now_file;
	return 0;
}

void handlers_destroy(struct handlers *h)
{
	h->pool = NULL;
}

enum endpoint handlers_route(const char *url)
{
	if (strcmp(url, PROTO_PATH_POLL) == 0)
		return EP_POLL;
	if (strcmp(url, PROTO_PATH_METER_READS) == 0)
		return EP_METER_READS;
	if (strcmp(url, PROTO_PATH_SUPPLIES) == 0)
		return EP_SUPPLIES;
	return EP_UNKNOWN;
}

/* Parse "RFC 3339 UTC" or Unix seconds; false if neither. */
static bool parse_now(char *s, int64_t *t)
{
	char *end;
	long long v;

	s[strcspn(s, "\r\n")] = '\0';
	if (proto_time_parse(s, t) == PROTO_OK)
		return true;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < PROTO_TIME_MIN || v > PROTO_TIME_MAX)
		return false;
	*t = v;
	return true;
}

int64_t handlers_now(const struct handlers *h)
{
	if (h->now_file) {
		FILE *f = fopen(h->now_file, "re");
		char line[64];
		int64_t t;

		if (f) {
			bool ok = fgets(line, sizeof(line), f) && parse_now(line, &t);

			fclose(f);
			if (ok)
				return t;
			log_warn("--now-file %s: not a time; using the %s clock", h->now_file,
				 h->fixed_now ? "fixed" : "real");
		}
	}
	return h->fixed_now ? h->fixed_now : (int64_t)time(NULL);
}

void hreply_free(struct hreply *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

void hreply_error(struct hreply *r, int status, const char *code, const char *fmt, ...)
{
	struct proto_error_reply e;
	va_list ap;

	memset(&e, 0, sizeof(e));
	snprintf(e.error, sizeof(e.error), "%s", code);
	va_start(ap, fmt);
	vsnprintf(e.message, sizeof(e.message), fmt, ap);
	va_end(ap);
	/* keep the message printable whatever went into it */
	for (char *p = e.message; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	hreply_free(r);
	r->status = status;
	if (proto_encode_error(&e, &r->body, &r->len, NULL) != PROTO_OK) {
		/* a message that is not UTF-8: send the code alone */
		e.message[0] = '\0';
		if (proto_encode_error(&e, &r->body, &r->len, NULL) != PROTO_OK) {
			r->body = NULL;
			r->len = 0;
		}
	}
	snprintf(r->note, sizeof(r->note), "%.31s: %.150s", code, e.message);
}

/* Map a ledger failure to a reply. */
static void ledger_failed(struct ledger *l, struct hreply *r, int err, const char *what)
{
	if (err == -EBUSY) {
		hreply_error(r, 503, "busy", "ledger busy, try again later");
		r->retry_after = 5;
	} else {
		hreply_error(r, 500, "internal", "%s failed; nothing was stored", what);
	}
	snprintf(r->note, sizeof(r->note), "%s: %s", what, ledger_errmsg(l));
}

static bool auth_ok(struct hreply *r, const char *auth_cn, const char *device_id)
{
	snprintf(r->device_id, sizeof(r->device_id), "%s", device_id);
	if (!auth_cn || strcmp(auth_cn, device_id) == 0)
		return true;
	hreply_error(r, 403, "forbidden", "certificate is not for device %s", device_id);
	snprintf(r->note, sizeof(r->note), "certificate CN %.64s != device_id %s", auth_cn,
		 device_id);
	return false;
}

static void bad_body(struct hreply *r, enum proto_err e, const struct proto_error *perr)
{
	hreply_error(r, proto_err_http_status(e), proto_err_name(e), "%s", perr->message);
}

/* 409: a brief poll whose tag is not that of the identity on file. */
static void identity_unknown(struct hreply *r, const struct proto_poll_req *req)
{
	hreply_error(r, PROTO_HTTP_IDENTITY_UNKNOWN, PROTO_ERR_IDENTITY_UNKNOWN,
		     "no identity of tag %s on file: poll with device and config", req->identity_tag);
	snprintf(r->note, sizeof(r->note), "poll: brief, tag %s not on file", req->identity_tag);
}

/*
 * Whether a kept decision answers req: it must bring the identity the
 * decision has on file, by its tag (a brief poll) or in full.  Else the
 * database decides (another instance may have written a new identity; a
 * full poll's new identity is written at once).
 */
static bool kept_identity(const struct proto_poll_req *req, const struct ledger_poll_decision *d)
{
	char tag[PROTO_TAG_LEN + 1];

	if (req->identity_tag[0])
		return strcmp(req->identity_tag, d->tag) == 0;
	return idtag_of(&req->device, &req->config, tag) == 0 && strcmp(tag, d->tag) == 0;
}

/* The reply to a decoded poll; false (nothing done) if it needs the database and !may_block. */
static bool poll_answer(struct handlers *h, const struct proto_poll_req *req, bool may_block,
			struct hreply *r)
{
	struct proto_poll_reply rep;
	struct proto_error perr;
	struct ledger_poll_decision d;
	struct pollcache_token tok = { 0, 0 };
	struct ledger *l;
	enum proto_err e;
	int64_t now = handlers_now(h);
	bool kept = false;
	int err = 0;

	if (h->cache && pollcache_get(h->cache, req->device.device_id, now, &d) &&
	    kept_identity(req, &d)) {
		/* decided as the database would: only the bookkeeping is left */
		kept = true;
		err = pollbook_add(h->book, req, now, d.read_due ? d.cycle : NULL);
		if (err) {
			hreply_error(r, 500, "internal", "poll failed; nothing was stored");
			snprintf(r->note, sizeof(r->note), "poll: booking: %s", strerror(-err));
			return true;
		}
	} else {
		if (!may_block)
			return false;
		if (h->cache)
			tok = pollcache_token(h->cache, req->device.device_id);
		l = pool_take(h->pool);
		err = policy_decide(l, &h->def, req, now, h->book, &d);
		if (err == -ESTALE)
			identity_unknown(r, req);
		else if (err)
			ledger_failed(l, r, err, "poll");
		pool_give(h->pool, l);
		if (err)
			return true;
		if (h->cache)
			pollcache_put(h->cache, req->device.device_id, &d, tok);
	}
	policy_reply(&d, req, now, &rep);
	e = proto_encode_poll_reply(&rep, &r->body, &r->len, &perr);
	if (e) {
		hreply_error(r, 500, "internal", "cannot encode the reply");
		snprintf(r->note, sizeof(r->note), "encode poll reply: %.150s", perr.message);
		return true;
	}
	r->status = 200;
	snprintf(r->note, sizeof(r->note), "poll: %s%s%s supplies=%s/%u%s%s",
		 rep.read_meters ? "read_meters " : "", rep.request_id,
		 rep.read_meters ? "" : "no read due", d.policy.supplies_enabled ? "on" : "off",
		 d.policy.supplies_enabled ? d.policy.supplies_interval_s : 0,
		 rep.has_supplies ? "" : " (as the device runs)", kept ? " (kept)" : "");
	return true;
}

static void do_poll(struct handlers *h, const void *body, size_t len, const char *auth_cn,
		    struct hreply *r)
{
	struct proto_poll_req req;
	struct proto_error perr;
	enum proto_err e;

	e = proto_decode_poll_req(body, len, &req, &perr);
	if (e) {
		bad_body(r, e, &perr);
		return;
	}
	if (auth_ok(r, auth_cn, req.device.device_id))
		poll_answer(h, &req, true, r);
}

bool handlers_try_kept(struct handlers *h, enum endpoint ep, const void *body, size_t len,
		       const char *auth_cn, struct hreply *out)
{
	struct proto_poll_req req;

	memset(out, 0, sizeof(*out));
	if (!h->cache || ep != EP_POLL || proto_decode_poll_req(body, len, &req, NULL) != PROTO_OK ||
	    (auth_cn && strcmp(auth_cn, req.device.device_id) != 0))
		return false;
	snprintf(out->device_id, sizeof(out->device_id), "%s", req.device.device_id);
	return poll_answer(h, &req, false, out);
}

static void ack(struct hreply *r, enum ledger_store_result res, const char *id,
		bool is_read, const char *what)
{
	struct proto_ack a;
	enum proto_err e;

	if (res == LEDGER_CONFLICT) {
		hreply_error(r, 409, "conflict", "%s %s is already stored with different content",
			     what, id);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.status = res == LEDGER_STORED ? PROTO_ACK_STORED : PROTO_ACK_DUPLICATE;
	snprintf(a.id, sizeof(a.id), "%s", id);
	e = is_read ? proto_encode_read_ack(&a, &r->body, &r->len, NULL) :
		      proto_encode_supplies_ack(&a, &r->body, &r->len, NULL);
	if (e) {
		hreply_error(r, 500, "internal", "cannot encode the reply");
		return;
	}
	r->status = 200;
	snprintf(r->note, sizeof(r->note), "%s %s %s", what, id,
		 res == LEDGER_STORED ? "stored" : "duplicate");
}

static void do_read(struct handlers *h, const void *body, size_t len, const char *auth_cn,
		    struct hreply *r)
{
	struct proto_meter_read rd;
	struct proto_error perr;
	enum ledger_store_result res = LEDGER_STORED;
	struct ledger *l;
	enum proto_err e;
	int err;

	e = proto_decode_meter_read(body, len, &rd, &perr);
	if (e) {
		bad_body(r, e, &perr);
		return;
	}
	if (!auth_ok(r, auth_cn, rd.device_id))
		return;
	l = pool_take(h->pool);
	err = ledger_store_read(l, &rd, handlers_now(h), &h->def, &res);
	if (err)
		ledger_failed(l, r, err, "storing the read");
	pool_give(h->pool, l);
	/* at once here; the other servers hear it from the database */
	if (h->cache && !err && res == LEDGER_STORED)
		pollcache_forget(h->cache, rd.device_id);
	if (!err)
		ack(r, res, rd.read_id, true, "read");
}

static void do_supplies(struct handlers *h, const void *body, size_t len, const char *auth_cn,
			struct hreply *r)
{
	struct proto_supplies_report *rp = malloc(sizeof(*rp));
	struct proto_error perr;
	enum ledger_store_result res = LEDGER_STORED;
	enum proto_err e;
	int err;

	if (!rp) {
		hreply_error(r, 500, "internal", "out of memory");
		return;
	}
	e = proto_decode_supplies(body, len, rp, &perr);
	if (e) {
		bad_body(r, e, &perr);
	} else if (auth_ok(r, auth_cn, rp->device_id)) {
		struct ledger *l = pool_take(h->pool);

		err = ledger_store_supplies(l, rp, handlers_now(h), &h->def, &res);
		if (err)
			ledger_failed(l, r, err, "storing the supplies report");
		pool_give(h->pool, l);
		if (!err)
			ack(r, res, rp->report_id, false, "supplies report");
	}
	free(rp);
}

void handlers_handle(struct handlers *h, enum endpoint ep, const void *body, size_t len,
		     const char *auth_cn, struct hreply *out)
{
	memset(out, 0, sizeof(*out));
	switch (ep) {
	case EP_POLL:
		do_poll(h, body, len, auth_cn, out);
		break;
	case EP_METER_READS:
		do_read(h, body, len, auth_cn, out);
		break;
	case EP_SUPPLIES:
		do_supplies(h, body, len, auth_cn, out);
		break;
	default:
		hreply_error(out, 404, "not_found", "no such endpoint");
	}
}
