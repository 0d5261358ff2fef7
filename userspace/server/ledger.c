// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/ledger: the Communication Server's ledger over server/db, the
 * same on SQLite and PostgreSQL (see ledger.h).  Every statement is
 * prepared once, when the ledger opens.  A read or report is kept once
 * by the database's unique constraint on (device_id, read_id /
 * report_id): the insert does nothing on a conflict, and the stored
 * canonical JSON (re-encoded by proto, so white space and key order do
 * not matter) then tells a duplicate from a conflict.  That holds with
 * several servers writing to one database at once.  The statements
 * themselves are in ledger_sql.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/db.h"
#include "server/idtag.h"
#include "server/ledger.h"
#include "server/ledger_schema.h"
#include "server/ledger_sql.h"

struct ledger {
	struct db *db;
	int depth;		/* transaction nesting */
	char err[512];
};


static int fail(struct ledger *l, int r, const char *what)
{
	snprintf(l->err, sizeof(l->err), "%s: %s", what, db_errmsg(l->db));
	return r;
}

/* Run a statement; rows go to cb.  Returns the number of rows or a negative errno. */
static int run(struct ledger *l, int stmt, const char *what, const struct db_arg *a, int n,
	       db_row_cb cb, void *arg)
{
	int r = db_run(l->db, (size_t)stmt, a, n, cb, arg);

	return r < 0 ? fail(l, r, what) : r;
}

#define RUN(l, stmt, what, cb, arg, ...)						\
	({										\
		const struct db_arg a_[] = { __VA_ARGS__ };				\
		run(l, stmt, what, a_, (int)(sizeof(a_) / sizeof(a_[0])), cb, arg);	\
	})

static int64_t num(const char *s)
{
	return s ? strtoll(s, NULL, 10) : 0;
}

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

/* A row's first column as text into buf (size in the cb argument). */
struct text_out {
	char *buf;
	size_t len;
};

static int text_cb(void *arg, int ncol, const char *const *col)
{
	struct text_out *t = arg;

	copy(t->buf, t->len, ncol > 0 ? col[0] : NULL);
	return 0;
}

static int int_cb(void *arg, int ncol, const char *const *col)
{
	*(int64_t *)arg = ncol > 0 ? num(col[0]) : 0;
	return 0;
}

int ledger_open(const char *target, struct ledger **out, char *err, size_t errlen)
{
	struct ledger *l = calloc(1, sizeof(*l));
	int r;

	*out = NULL;
	if (!l) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r = db_open(target, &l->db, err, errlen);
	if (r)
		goto bad;
	r = ledger_schema_migrate(l->db, err, errlen);
	if (!r && (r = db_prepare(l->db, ledger_sql, S_COUNT)) != 0)
		snprintf(err, errlen, "%s", db_errmsg(l->db));
	if (r) {
		/* say which ledger */
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, errlen, "%s: %s", db_kind_of(target) == DB_POSTGRES ?
			 "PostgreSQL ledger" : target, msg);
		goto bad;
	}
	*out = l;
	return 0;
bad:
	db_close(l->db);
	free(l);
	return r;
}

const char *ledger_errmsg(const struct ledger *l)
{
	return l->err;
}

bool ledger_is_postgres(const struct ledger *l)
{
	return l->db->kind == DB_POSTGRES;
}

void ledger_close(struct ledger *l)
{
	if (!l)
		return;
	if (l->depth)
		db_run(l->db, S_ROLLBACK, NULL, 0, NULL, NULL);
	db_close(l->db);
	free(l);
}

int ledger_begin(struct ledger *l)
{
	if (l->depth++ == 0) {
		int r = run(l, S_BEGIN, "begin", NULL, 0, NULL, NULL);

		if (r < 0) {
			l->depth = 0;
			return r;
		}
	}
	return 0;
}

int ledger_commit(struct ledger *l)
{
	int r;

	if (l->depth == 0) {
		snprintf(l->err, sizeof(l->err), "commit: transaction was rolled back");
		return -EIO;
	}
	if (--l->depth > 0)
		return 0;
	r = run(l, S_COMMIT, "commit", NULL, 0, NULL, NULL);
	if (r < 0) {
		db_run(l->db, S_ROLLBACK, NULL, 0, NULL, NULL);
		return r;
	}
	return 0;
}

void ledger_rollback(struct ledger *l)
{
	if (l->depth) {
		db_run(l->db, S_ROLLBACK, NULL, 0, NULL, NULL);
		l->depth = 0;
	}
}

/* ---- devices ---- */

int ledger_ensure_device(struct ledger *l, const char *device_id, int64_t now,
			 const struct ledger_defaults *def)
{
	int r = RUN(l, S_ENSURE_DEVICE, "insert device", NULL, NULL, DB_S(device_id),
		    DB_I(def->cycle_day), DB_I(def->supplies_enabled ? 1 : 0),
		    DB_I(def->supplies_interval_s), DB_I(now));

	return r < 0 ? r : 0;
}

static int policy_cb(void *arg, int ncol, const char *const *col)
{
	struct ledger_policy *p = arg;

	if (ncol < 3)
		return -EIO;
	p->cycle_day = (int)num(col[0]);
	p->supplies_enabled = num(col[1]) != 0;
	p->supplies_interval_s = (uint32_t)num(col[2]);
	return 0;
}

#define POLL_ARGS 18

/* The arguments $1..$18 of POLL_UPSERT. */
static void poll_args(struct db_arg *a, char hm[16], const struct proto_poll_req *req,
		      int64_t now, const struct ledger_defaults *def)
{
	snprintf(hm, 16, "%02u:%02u", (unsigned int)req->config.poll_hour % 100u,
		 (unsigned int)req->config.poll_minute % 100u);
	a[0] = DB_S(req->device.device_id);
	a[1] = DB_I(def->cycle_day);
	a[2] = DB_I(def->supplies_enabled ? 1 : 0);
	a[3] = DB_I(def->supplies_interval_s);
	a[4] = DB_I(now);
	a[5] = DB_S(req->device.model);
	a[6] = DB_S(req->device.engine_fw);
	a[7] = DB_S(req->device.controller_fw);
	a[8] = DB_S(req->device.agent_version);
	a[9] = DB_I(req->config.enabled ? 1 : 0);
	a[10] = DB_S(hm);
	a[11] = DB_S(req->config.timezone);
	a[12] = DB_I(req->config.spread_minutes);
	a[13] = DB_S(proto_proxy_mode_name(req->config.proxy_mode));
	a[14] = DB_I(req->state.supplies_enabled ? 1 : 0);
	a[15] = DB_I(req->state.supplies_interval_s);
	a[16] = DB_I(req->state.spool_pending);
	a[17] = DB_I(req->state.has_last_poll ? req->state.last_poll : (int64_t)0);
}

int ledger_poll(struct ledger *l, const struct proto_poll_req *req, int64_t now,
		const struct ledger_defaults *def, struct ledger_policy *pol)
{
	struct ledger_policy scratch;
	struct db_arg a[POLL_ARGS];
	char hm[16];
	int r;

	if (req->identity_tag[0]) {	/* policy_decide fills a brief poll in first */
		snprintf(l->err, sizeof(l->err), "record poll: a brief poll has no identity");
		return -EINVAL;
	}
	poll_args(a, hm, req, now, def);
	r = run(l, S_POLL_DEVICE, "record poll", a, POLL_ARGS, policy_cb, pol ? pol : &scratch);
	if (r == 0) {
		snprintf(l->err, sizeof(l->err), "record poll: no row returned");
		return -EIO;
	}
	return r < 0 ? r : 0;
}

static int decide_cb(void *arg, int ncol, const char *const *col)
{
	struct ledger_poll_decision *d = arg;
	int r = policy_cb(&d->policy, ncol, col);

	if (r || ncol < 5)
		return r ? r : -EIO;
	copy(d->cycle, sizeof(d->cycle), col[3]);
	d->read_due = col[4] != NULL;
	copy(d->request_id, sizeof(d->request_id), col[4]);
	return 0;
}

int ledger_poll_decide(struct ledger *l, const struct proto_poll_req *req, int64_t now,
		       const struct ledger_defaults *def, const char *candidate,
		       struct ledger_poll_decision *out)
{
	struct cycle_candidates cc;
	struct db_arg a[POLL_ARGS + 4];
	struct text_out t = { out->request_id, sizeof(out->request_id) };
	char hm[16];
	int r;

	memset(out, 0, sizeof(*out));
	if (req->identity_tag[0]) {	/* policy_decide fills a brief poll in first */
		snprintf(l->err, sizeof(l->err), "poll: a brief poll has no identity");
		return -EINVAL;
	}
	if (cycle_candidates(now, &cc)) {
		snprintf(l->err, sizeof(l->err), "no billing cycle for time %" PRId64, now);
		return -EINVAL;
	}
	poll_args(a, hm, req, now, def);
	if (l->db->kind == DB_POSTGRES) {
		a[POLL_ARGS] = DB_I(cc.day_of_month);
		a[POLL_ARGS + 1] = DB_S(cc.current);
		a[POLL_ARGS + 2] = DB_S(cc.previous);
		a[POLL_ARGS + 3] = DB_S(candidate);
		r = run(l, S_POLL_DECIDE, "poll", a, POLL_ARGS + 4, decide_cb, out);
		if (r == 0) {
			snprintf(l->err, sizeof(l->err), "poll: no row returned");
			return -EIO;
		}
		return r < 0 ? r : 0;
	}
	r = ledger_begin(l);
	if (r)
		return r;
	r = run(l, S_POLL_DEVICE, "record poll", a, POLL_ARGS, policy_cb, &out->policy);
	if (r == 0) {
		snprintf(l->err, sizeof(l->err), "record poll: no row returned");
		r = -EIO;
	}
	if (r < 0)
		goto bad;
	snprintf(out->cycle, sizeof(out->cycle), "%s",
		 cc.day_of_month >= out->policy.cycle_day ? cc.current : cc.previous);
	r = RUN(l, S_REQUEST_IF_DUE, "issue request", text_cb, &t, DB_S(candidate),
		DB_S(req->device.device_id), DB_S(out->cycle), DB_I(now));
	if (r < 0)
		goto bad;
	out->read_due = r > 0;
	return ledger_commit(l);
bad:
	ledger_rollback(l);
	return r;
}

/* Columns 0..10 of DEVICE_COLS: the identity and configuration last reported. */
static void identity_cols(const char *const *col, struct proto_identity *id,
			  struct proto_config *c, bool *has_poll)
{
	const char *hm;
	int pmode;

	copy(id->device_id, sizeof(id->device_id), col[0]);
	copy(id->model, sizeof(id->model), col[1]);
	copy(id->engine_fw, sizeof(id->engine_fw), col[2]);
	copy(id->controller_fw, sizeof(id->controller_fw), col[3]);
	copy(id->agent_version, sizeof(id->agent_version), col[4]);
	*has_poll = num(col[5]) != 0;
	c->enabled = num(col[6]) != 0;
	hm = col[7];
	if (hm && strlen(hm) == 5) {
		c->poll_hour = (uint8_t)((hm[0] - '0') * 10 + (hm[1] - '0'));
		c->poll_minute = (uint8_t)((hm[3] - '0') * 10 + (hm[4] - '0'));
	}
	copy(c->timezone, sizeof(c->timezone), col[8]);
	c->spread_minutes = (uint32_t)num(col[9]);
	pmode = proto_proxy_mode_from_name(col[10] ? col[10] : "");
	c->proxy_mode = pmode < 0 ? PROTO_PROXY_NONE : (enum proto_proxy_mode)pmode;
}

static int peek_cb(void *arg, int ncol, const char *const *col)
{
	struct ledger_poll_decision *d = arg;
	int r = policy_cb(&d->policy, ncol, col);

	if (r || ncol < 6)
		return r ? r : -EIO;
	copy(d->cycle, sizeof(d->cycle), col[3]);
	copy(d->request_id, sizeof(d->request_id), col[4]);
	/* "t"/"f" from PostgreSQL, 1/0 from SQLite */
	d->read_due = !(col[5] && (col[5][0] == 't' || col[5][0] == '1'));
	/* then the identity on file, as a tag: a brief poll names it */
	if (ncol >= 6 + 11) {
		struct proto_identity id;
		struct proto_config c;
		bool has_poll;

		memset(&id, 0, sizeof(id));
		memset(&c, 0, sizeof(c));
		identity_cols(col + 6, &id, &c, &has_poll);
		if (has_poll && idtag_of(&id, &c, d->tag) < 0)
			d->tag[0] = '\0';
	}
	return 0;
}

int ledger_poll_peek(struct ledger *l, const char *device_id, int64_t now,
		     struct ledger_poll_decision *out)
{
	struct cycle_candidates cc;
	int r;

	memset(out, 0, sizeof(*out));
	if (cycle_candidates(now, &cc)) {
		snprintf(l->err, sizeof(l->err), "no billing cycle for time %" PRId64, now);
		return -EINVAL;
	}
	r = RUN(l, S_POLL_PEEK, "peek poll", peek_cb, out, DB_S(device_id),
		DB_I(cc.day_of_month), DB_S(cc.current), DB_S(cc.previous));
	if (r < 0)
		return r;
	/* decided without writing only if no request has to be made */
	if (r == 0 || (out->read_due && !out->request_id[0]))
		return -ENOENT;
	return 0;
}

/* One device's booked polls; a brief one leaves the identity on file alone. */
static int book_device(struct ledger *l, const struct ledger_poll_book *b)
{
	const struct proto_poll_req *q = &b->req;
	int64_t last_poll = q->state.has_last_poll ? q->state.last_poll : 0;
	char hm[16];

	if (q->identity_tag[0])	/* its tag was checked against the file before booking */
		return RUN(l, S_BOOK_DEVICE_BRIEF, "book polls", NULL, NULL,
			   DB_S(q->device.device_id), DB_I(b->polls), DB_I(b->last),
			   DB_I(q->state.supplies_enabled ? 1 : 0),
			   DB_I(q->state.supplies_interval_s), DB_I(q->state.spool_pending),
			   DB_I(last_poll));
	snprintf(hm, sizeof(hm), "%02u:%02u", (unsigned int)q->config.poll_hour % 100u,
		 (unsigned int)q->config.poll_minute % 100u);
	return RUN(l, S_BOOK_DEVICE, "book polls", NULL, NULL, DB_S(q->device.device_id),
		   DB_I(b->polls), DB_S(q->device.model), DB_S(q->device.engine_fw),
		   DB_I(b->last), DB_S(q->device.controller_fw),
		   DB_S(q->device.agent_version), DB_I(q->config.enabled ? 1 : 0), DB_S(hm),
		   DB_S(q->config.timezone), DB_I(q->config.spread_minutes),
		   DB_S(proto_proxy_mode_name(q->config.proxy_mode)),
		   DB_I(q->state.supplies_enabled ? 1 : 0), DB_I(q->state.supplies_interval_s),
		   DB_I(q->state.spool_pending), DB_I(last_poll));
}

int ledger_book_polls(struct ledger *l, const struct ledger_poll_book *b, size_t n)
{
	int r = ledger_begin(l);

	for (size_t i = 0; !r && i < n; i++) {
		r = book_device(l, &b[i]);
		if (r >= 0 && b[i].resent)
			r = RUN(l, S_BOOK_REQUEST, "book requests", NULL, NULL,
				DB_S(b[i].req.device.device_id), DB_I(b[i].resent),
				DB_I(b[i].last), DB_S(b[i].cycle));
		r = r < 0 ? r : 0;
	}
	if (r) {
		ledger_rollback(l);
		return r;
	}
	return ledger_commit(l);
}

int ledger_record_poll(struct ledger *l, const struct proto_poll_req *req, int64_t now,
		       const struct ledger_defaults *def)
{
	return ledger_poll(l, req, now, def, NULL);
}

static int device_cb(void *arg, int ncol, const char *const *col)
{
	struct ledger_device *d = arg;

	if (ncol < 21)
		return -EIO;
	memset(d, 0, sizeof(*d));
	identity_cols(col, &d->id, &d->config, &d->has_poll);
	d->state.supplies_enabled = num(col[11]) != 0;
	d->state.supplies_interval_s = (uint32_t)num(col[12]);
	d->state.spool_pending = (uint32_t)num(col[13]);
	d->state.last_poll = num(col[14]);
	d->state.has_last_poll = d->state.last_poll != 0;
	d->cycle_day = (int)num(col[15]);
	d->supplies_enabled = num(col[16]) != 0;
	d->supplies_interval_s = (uint32_t)num(col[17]);
	d->first_seen = num(col[18]);
	d->last_poll = num(col[19]);
	d->polls = (uint64_t)num(col[20]);
	return 0;
}

int ledger_get_device(struct ledger *l, const char *device_id, struct ledger_device *out)
{
	int r = RUN(l, S_GET_DEVICE, "select device", device_cb, out, DB_S(device_id));

	if (r == 0) {
		snprintf(l->err, sizeof(l->err), "no device %s", device_id);
		return -ENOENT;
	}
	return r < 0 ? r : 0;
}

int ledger_set_policy(struct ledger *l, const char *device_id, int cycle_day,
		      int supplies_enabled, uint32_t supplies_interval_s)
{
	int r;

	if ((cycle_day && (cycle_day < CYCLE_DAY_MIN || cycle_day > CYCLE_DAY_MAX)) ||
	    (supplies_interval_s && (supplies_interval_s < PROTO_SUPPLIES_INTERVAL_MIN ||
				     supplies_interval_s > PROTO_SUPPLIES_INTERVAL_MAX))) {
		snprintf(l->err, sizeof(l->err), "policy value out of range");
		return -EINVAL;
	}
	r = RUN(l, S_SET_POLICY, "update policy", NULL, NULL, DB_I(cycle_day),
		DB_I(supplies_enabled), DB_I(supplies_interval_s), DB_S(device_id));
	if (r == 0) {
		snprintf(l->err, sizeof(l->err), "no device %s", device_id);
		return -ENOENT;
	}
	return r < 0 ? r : 0;
}

/* ---- requests ---- */

int ledger_cycle_reads(struct ledger *l, const char *device_id, const char *cycle)
{
	int64_t n = 0;
	int r = RUN(l, S_CYCLE_READS, "count reads", int_cb, &n, DB_S(device_id), DB_S(cycle));

	return r < 0 ? r : (int)n;
}

int ledger_request_get(struct ledger *l, const char *device_id, const char *cycle,
		       char request_id[PROTO_ID_MAX + 1])
{
	struct text_out t = { request_id, PROTO_ID_MAX + 1 };
	int r = RUN(l, S_REQUEST_GET, "select request", text_cb, &t, DB_S(device_id),
		    DB_S(cycle));

	return r < 0 ? r : r == 0 ? -ENOENT : 0;
}

int ledger_request_issue(struct ledger *l, const char *device_id, const char *cycle,
			 const char *candidate, int64_t now, char request_id[PROTO_ID_MAX + 1])
{
	struct text_out t = { request_id, PROTO_ID_MAX + 1 };
	int r = RUN(l, S_REQUEST_ISSUE, "record request", text_cb, &t, DB_S(candidate),
		    DB_S(device_id), DB_S(cycle), DB_I(now));

	if (r == 0) {
		snprintf(l->err, sizeof(l->err), "record request: no row returned");
		return -EIO;
	}
	return r < 0 ? r : 0;
}

int ledger_request_sent(struct ledger *l, const char *device_id, const char *cycle,
			const char *request_id, int64_t now)
{
	char stored[PROTO_ID_MAX + 1];

	return ledger_request_issue(l, device_id, cycle, request_id, now, stored);
}

/* ---- reads and reports, once each ---- */

/* After an insert that did nothing: is the stored one the same? */
static int compare_stored(struct ledger *l, int stmt, const char *device_id, const char *id,
			  const char *canon, enum ledger_store_result *res)
{
	char *stored = malloc(PROTO_BODY_MAX + 1);
	struct text_out t = { stored, PROTO_BODY_MAX + 1 };
	int r;

	if (!stored)
		return -ENOMEM;
	stored[0] = '\0';
	r = RUN(l, stmt, "select stored", text_cb, &t, DB_S(device_id), DB_S(id));
	if (r == 0) {
		snprintf(l->err, sizeof(l->err), "%s %s: neither stored nor new", device_id, id);
		r = -EIO;
	}
	if (r > 0) {
		*res = strcmp(stored, canon) == 0 ? LEDGER_DUPLICATE : LEDGER_CONFLICT;
		r = 0;
	}
	free(stored);
	return r;
}

int ledger_store_read(struct ledger *l, const struct proto_meter_read *rd, int64_t now,
		      const struct ledger_defaults *def, enum ledger_store_result *res)
{
	char *canon = NULL;
	size_t clen;
	char cycle[CYCLE_LABEL_LEN + 1] = "";
	char gen[24], mv[PROTO_METER_COUNT][24];
	const char *mp[PROTO_METER_COUNT];
	struct text_out t = { cycle, sizeof(cycle) };
	struct proto_error perr;
	int64_t day = 0, id = 0;
	bool known;
	int r;

	if (proto_encode_meter_read(rd, &canon, &clen, &perr)) {
		snprintf(l->err, sizeof(l->err), "read: %s", perr.message);
		return -EINVAL;
	}
	r = ledger_begin(l);
	if (r)
		goto out;
	r = ledger_ensure_device(l, rd->device_id, now, def);
	if (r)
		goto bad;
	r = RUN(l, S_REQUEST_CYCLE, "select request", text_cb, &t, DB_S(rd->device_id),
		DB_S(rd->request_id));
	if (r < 0)
		goto bad;
	known = r > 0;
	if (!known) {
		r = RUN(l, S_DEVICE_CYCLE_DAY, "select device", int_cb, &day, DB_S(rd->device_id));
		if (r < 0)
			goto bad;
		if (cycle_of(now, (int)day, cycle, NULL, NULL)) {
			snprintf(l->err, sizeof(l->err), "no billing cycle for time %" PRId64, now);
			r = -EINVAL;
			goto bad;
		}
	}
	snprintf(gen, sizeof(gen), "%" PRIu64, rd->generation);
	for (int i = 0; i < PROTO_METER_COUNT; i++) {
		snprintf(mv[i], sizeof(mv[i]), "%" PRIu64, rd->meters[i]);
		mp[i] = (rd->meter_mask & (1u << i)) ? mv[i] : NULL;
	}
	r = RUN(l, S_READ_INSERT, "insert read", int_cb, &id, DB_S(rd->device_id),
		DB_S(rd->read_id), DB_S(rd->request_id), DB_I(known ? 1 : 0), DB_S(cycle),
		DB_S(gen), DB_I(rd->taken_at), DB_I(now), DB_S(mp[0]), DB_S(mp[1]), DB_S(mp[2]),
		DB_S(mp[3]), DB_S(mp[4]), DB_S(mp[5]), DB_S(mp[6]), DB_S(canon));
	if (r < 0)
		goto bad;
	if (r == 0) {
		r = compare_stored(l, S_READ_CANON, rd->device_id, rd->read_id, canon, res);
		if (r)
			goto bad;
	} else {
		*res = LEDGER_STORED;
		if (known) {
			r = RUN(l, S_REQUEST_FULFIL, "fulfil request", NULL, NULL,
				DB_S(rd->read_id), DB_I(now), DB_S(rd->device_id),
				DB_S(rd->request_id));
			if (r < 0)
				goto bad;
		}
	}
	r = ledger_commit(l);
	goto out;
bad:
	ledger_rollback(l);
out:
	free(canon);
	return r;
}

int ledger_store_supplies(struct ledger *l, const struct proto_supplies_report *rp,
			  int64_t now, const struct ledger_defaults *def,
			  enum ledger_store_result *res)
{
	char *canon = NULL;
	size_t clen;
	char gen[24];
	struct proto_error perr;
	int64_t id = 0;
	int r;

	if (proto_encode_supplies(rp, &canon, &clen, &perr)) {
		snprintf(l->err, sizeof(l->err), "report: %s", perr.message);
		return -EINVAL;
	}
	r = ledger_begin(l);
	if (r)
		goto out;
	r = ledger_ensure_device(l, rp->device_id, now, def);
	if (r)
		goto bad;
	snprintf(gen, sizeof(gen), "%" PRIu64, rp->generation);
	r = RUN(l, S_REPORT_INSERT, "insert report", int_cb, &id, DB_S(rp->device_id),
		DB_S(rp->report_id), DB_S(proto_trigger_name(rp->trigger)), DB_S(gen),
		DB_I(rp->taken_at), DB_I(now), DB_S(canon));
	if (r < 0)
		goto bad;
	if (r == 0) {
		r = compare_stored(l, S_REPORT_CANON, rp->device_id, rp->report_id, canon, res);
		if (r)
			goto bad;
		r = ledger_commit(l);
		goto out;
	}
	for (unsigned int i = 0; i < rp->n_supplies; i++) {
		const struct proto_supply *s = &rp->supplies[i];

		r = RUN(l, S_SUPPLY_INSERT, "insert supply", NULL, NULL, DB_I(id),
			DB_I(s->index), DB_S(proto_supply_type_name(s->type)), DB_S(s->colorant),
			DB_S(s->description), DB_I(s->level), DB_I(s->max_capacity),
			DB_S(proto_supply_unit_name(s->unit)),
			DB_S(proto_supply_state_name(s->state)), DB_I(s->replaced));
		if (r < 0)
			goto bad;
	}
	*res = LEDGER_STORED;
	r = ledger_commit(l);
	goto out;
bad:
	ledger_rollback(l);
out:
	free(canon);
	return r;
}

/* ---- listing ---- */

/*
 * The listings: db rows are turned into the caller's rows here.  A
 * caller's non-zero return stops the listing and is returned (db stops
 * on -ECANCELED).
 */
struct each {
	struct ledger *l;
	void *cb;
	void *arg;
	int stop;
	union {
		struct ledger_device dev;
		struct ledger_read_row read;
		struct ledger_export_row exp;
	} u;
	struct ledger_supplies_row *sup;
};

static int stop_if(struct each *e, int r)
{
	if (r) {
		e->stop = r;
		return -ECANCELED;
	}
	return 0;
}

static int each_result(struct each *e, int r)
{
	if (e->stop)
		return e->stop;
	return r < 0 ? r : 0;
}

static int each_device_cb(void *arg, int ncol, const char *const *col)
{
	struct each *e = arg;
	int r = device_cb(&e->u.dev, ncol, col);

	if (r)
		return r;
	return stop_if(e, ((int (*)(const struct ledger_device *, void *))e->cb)(&e->u.dev,
									     e->arg));
}

int ledger_each_device(struct ledger *l,
		       int (*cb)(const struct ledger_device *, void *), void *arg)
{
	struct each e = { .l = l, .cb = (void *)cb, .arg = arg };

	return each_result(&e, run(l, S_EACH_DEVICE, "list devices", NULL, 0,
				   each_device_cb, &e));
}

static int each_read_cb(void *arg, int ncol, const char *const *col)
{
	struct each *e = arg;
	struct ledger_read_row *row = &e->u.read;
	struct proto_error perr;

	if (ncol < 4 || !col[0])
		return -EIO;
	memset(row, 0, sizeof(*row));
	if (proto_decode_meter_read(col[0], strlen(col[0]), &row->read, &perr)) {
		snprintf(e->l->err, sizeof(e->l->err), "stored read is corrupt: %s",
			 perr.message);
		e->stop = -EIO;
		return -ECANCELED;
	}
	copy(row->cycle, sizeof(row->cycle), col[1]);
	row->request_known = num(col[2]) != 0;
	row->received_at = num(col[3]);
	return stop_if(e, ((int (*)(const struct ledger_read_row *, void *))e->cb)(row, e->arg));
}

int ledger_each_read(struct ledger *l, const char *device_id,
		     int (*cb)(const struct ledger_read_row *, void *), void *arg)
{
	struct each e = { .l = l, .cb = (void *)cb, .arg = arg };

	return each_result(&e, RUN(l, S_EACH_READ, "list reads", each_read_cb, &e,
				   DB_S(device_id)));
}

static int each_supplies_cb(void *arg, int ncol, const char *const *col)
{
	struct each *e = arg;
	struct ledger_supplies_row *row = e->sup;
	struct proto_error perr;

	if (ncol < 2 || !col[0])
		return -EIO;
	memset(row, 0, sizeof(*row));
	if (proto_decode_supplies(col[0], strlen(col[0]), &row->report, &perr)) {
		snprintf(e->l->err, sizeof(e->l->err), "stored report is corrupt: %s",
			 perr.message);
		e->stop = -EIO;
		return -ECANCELED;
	}
	row->received_at = num(col[1]);
	return stop_if(e, ((int (*)(const struct ledger_supplies_row *, void *))e->cb)(row,
										       e->arg));
}

int ledger_each_supplies(struct ledger *l, const char *device_id,
			 int (*cb)(const struct ledger_supplies_row *, void *), void *arg)
{
	struct each e = { .l = l, .cb = (void *)cb, .arg = arg };
	int r;

	e.sup = malloc(sizeof(*e.sup));
	if (!e.sup)
		return -ENOMEM;
	r = each_result(&e, RUN(l, S_EACH_SUPPLIES, "list supplies", each_supplies_cb, &e,
				DB_S(device_id)));
	free(e.sup);
	return r;
}

static int export_cb(void *arg, int ncol, const char *const *col)
{
	struct each *e = arg;
	struct ledger_export_row *row = &e->u.exp;

	if (ncol < 8 + PROTO_METER_COUNT)
		return -EIO;
	memset(row, 0, sizeof(*row));
	copy(row->device_id, sizeof(row->device_id), col[0]);
	copy(row->cycle, sizeof(row->cycle), col[1]);
	copy(row->read_id, sizeof(row->read_id), col[2]);
	copy(row->request_id, sizeof(row->request_id), col[3]);
	row->request_known = num(col[4]) != 0;
	row->generation = strtoull(col[5] ? col[5] : "0", NULL, 10);
	row->taken_at = num(col[6]);
	row->received_at = num(col[7]);
	for (int i = 0; i < PROTO_METER_COUNT; i++) {
		const char *m = col[8 + i];

		if (m) {
			row->meter_mask |= 1u << i;
			row->meters[i] = strtoull(m, NULL, 10);
		}
	}
	return stop_if(e, ((int (*)(const struct ledger_export_row *, void *))e->cb)(row,
										     e->arg));
}

int ledger_each_cycle_read(struct ledger *l, const char *cycle,
			   int (*cb)(const struct ledger_export_row *, void *), void *arg)
{
	struct each e = { .l = l, .cb = (void *)cb, .arg = arg };

	return each_result(&e, RUN(l, S_EXPORT, "export reads", export_cb, &e, DB_S(cycle)));
}
