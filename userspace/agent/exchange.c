// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* exchange: transfers with the Communication Server; see exchange.h. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/agent_priv.h"
#include "agent/agent_cfg.h"
#include "agent/exchange.h"
#include "agent/ids.h"
#include "agent/meter.h"
#include "common/escape.h"
#include "common/log.h"
#include "core/backoff.h"
#include "core/spool.h"
#include "core/txlog.h"
#include "net/transport.h"

/* The spool, the transport and the back-off of the agent. */
struct agent_net {
	struct net_transport *tp;
	struct spool *spool;
	struct txlog *txlog;
	struct backoff bo;
	struct loop_soft t_net;		/* the transport's timer (libcurl's timeouts) */
	struct loop_timer t_repoll;	/* the server's "poll again after" */
	struct loop_soft t_idle;	/* close the kept-alive connection */
	bool repoll;
	/*
	 * save_poll_state(): the saved last_poll (slot_poll) counts as the
	 * slot's poll from slot_from until slot_until (the schedule's next
	 * slot); 0: not known, ask the schedule.  Forgotten when the schedule
	 * changes (exchange_schedule_changed()).
	 */
	int64_t slot_poll, slot_from, slot_until;
	char tp_error[AGENT_MSG_MAX];	/* why there is no transport ("" if there is) */
	struct ids_tag_memo tag_memo;	/* the identity tag of the last poll */
};

/*
 * A connection left idle this long after the last transfer is closed:
 * below esol-server's 30 s idle timeout (and nginx's 75 s default), so a
 * poll never meets a connection the server dropped.  Polls closer together
 * share one connection.
 */
#define IDLE_CLOSE_MS	20000

/* One fd the transport asked the loop to watch. */
struct net_fdw {
	struct loop_watch w;
	struct agent *a;
};

/* ---- the transport's loop glue ---- */

static void net_fd_ready(struct loop_watch *w, uint32_t events)
{
	struct net_fdw *f = w->arg;
	unsigned int ev = 0;

	if (events & EPOLLIN)
		ev |= NET_FD_IN;
	if (events & EPOLLOUT)
		ev |= NET_FD_OUT;
	if (events & (EPOLLERR | EPOLLHUP))
		ev |= NET_FD_ERR;
	net_transport_on_fd(f->a->net->tp, w->fd, ev);
}

static int net_watch(void *loop, int fd, unsigned int events, void **slot)
{
	struct agent *a = loop;
	struct net_fdw *f = *slot;
	uint32_t ev = 0;
	int r;

	if (events & NET_FD_IN)
		ev |= EPOLLIN;
	if (events & NET_FD_OUT)
		ev |= EPOLLOUT;
	if (!events) {
		if (f) {
			loop_watch_del(&f->w);
			free(f);
			*slot = NULL;
		}
		return 0;
	}
	if (f)
		return loop_watch_mod(&f->w, ev);
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->a = a;
	r = loop_watch_add(&a->loop, &f->w, fd, ev, net_fd_ready, f);
	if (r < 0) {
		free(f);
		return r;
	}
	*slot = f;
	return 0;
}

static void net_timer_fired(struct loop_soft *t)
{
	struct agent *a = t->arg;

	net_transport_on_timer(a->net->tp);
}

static int net_timer(void *loop, long ms)
{
	struct agent *a = loop;

	if (ms < 0)
		loop_soft_disarm(&a->net->t_net);
	else
		loop_soft_after_ms(&a->net->t_net, (uint64_t)ms);
	return 0;
}

/* ---- the job ---- */

static void job_clear(struct job *j)
{
	free(j->body);
	memset(j, 0, sizeof(*j));
}

static const char *job_path(enum job_kind k)
{
	switch (k) {
	case JOB_POLL:
		return PROTO_PATH_POLL;
	case JOB_READ:
		return PROTO_PATH_METER_READS;
	case JOB_SUPPLIES:
		return PROTO_PATH_SUPPLIES;
	default:
		return "";
	}
}

static bool is_held(const struct agent *a, const char *name)
{
	unsigned int i;

	for (i = 0; i < a->n_held; i++)
		if (strcmp(a->held[i], name) == 0)
			return true;
	return false;
}

static void hold(struct agent *a, const char *name)
{
	if (is_held(a, name) || a->n_held >= AGENT_HELD_MAX)
		return;
	snprintf(a->held[a->n_held++], sizeof(a->held[0]), "%s", name);
}

static bool is_confirmed(const struct agent *a, const char *name)
{
	unsigned int i;

	for (i = 0; i < a->n_confirmed; i++)
		if (strcmp(a->confirmed[i], name) == 0)
			return true;
	return false;
}

static void confirm(struct agent *a, const char *name)
{
	if (is_confirmed(a, name) || a->n_confirmed >= AGENT_HELD_MAX)
		return;
	snprintf(a->confirmed[a->n_confirmed++], sizeof(a->confirmed[0]), "%s", name);
}

/* Try again to remove what the server confirmed but the spool kept. */
static void remove_confirmed(struct agent *a)
{
	unsigned int i = 0;

	while (i < a->n_confirmed) {
		int r = spool_remove(a->net->spool, a->confirmed[i]);

		if (r < 0 && r != -ENOENT) {
			log_debug("spool: %s still cannot be removed: %s", a->confirmed[i],
				  strerror(-r));
			i++;
			continue;
		}
		log_info("spool: %s (confirmed earlier) removed", a->confirmed[i]);
		memmove(a->confirmed[i], a->confirmed[i + 1],
			(a->n_confirmed - i - 1) * sizeof(a->confirmed[0]));
		a->n_confirmed--;
	}
}

/* ---- transmission log ---- */

static void txlog_note(struct agent *a, const struct net_result *r,
		       const char *outcome)
{
	struct txlog_record rec = {
		.time = time(NULL),
		.endpoint = job_path(a->job.kind),
		.proxy = r->proxy_used[0] ? r->proxy_used : NULL,
		.bytes_sent = r->bytes_sent,
		.bytes_received = r->bytes_received,
		.sent = a->job.body,
		.sent_len = a->job.len,
		.received = r->body_len ? r->body : NULL,
		.received_len = r->body_len,
		.status = (int)r->http_status,
		.result = outcome,
	};
	int e = txlog_append(a->net->txlog, &rec);

	if (e < 0)
		log_warn("transmission log: %s", strerror(-e));
}

/* ---- the poll's record in the state file ---- */

/*
 * Called once per poll, at its end (ok or failed): the file is written
 * only when a restart would otherwise act differently -- what the server
 * set for the supplies changed, or the file does not yet count the current
 * schedule slot as polled.  So polling writes the flash at most once a
 * slot (a day), however often the server asks for extra polls; the
 * last_poll/last_poll_ok on disk may lag the ones in memory by that much.
 * A crash between a poll's start and its end loses its record: after the
 * restart the schedule polls once more.
 */
static void save_poll_state(struct agent *a)
{
	const struct agent_state *d = &a->st_saved;
	struct agent_net *n = a->net;
	int64_t now = time(NULL), next = 0;
	bool due = true;

	if (a->sup.enabled == d->supplies_enabled &&
	    a->sup.interval_s == d->supplies_interval_s &&
	    a->sup.last_sent == d->supplies_last_sent && d->last_poll > 0 &&
	    strcmp(a->st.identity_tag, d->identity_tag) == 0) {
		/* Known from the last poll (the schedule's zone switch costs system calls). */
		if (n->slot_until && n->slot_poll == d->last_poll && now >= n->slot_from &&
		    now < n->slot_until)
			return;
		if (agent_cfg_schedule(a->cfg, a->dev_serial, now, d->last_poll,
				       &due, &next) == 0 && !due) {
			n->slot_poll = d->last_poll;
			n->slot_from = now;
			n->slot_until = next;
			return;
		}
	}
	n->slot_until = 0;
	agent_save_state(a);
}

void exchange_schedule_changed(struct agent *a)
{
	if (a->net)
		a->net->slot_until = 0;
}

/* ---- completion ---- */

static void backoff_ms(struct agent *a, int64_t retry_after_s, bool poll)
{
	uint64_t ms = backoff_fail(&a->net->bo, retry_after_s);

	/* A failed poll is not retried sooner than the poll floor. */
	if (poll && ms < (uint64_t)AGENT_POLL_MIN_INTERVAL_S * 1000)
		ms = (uint64_t)AGENT_POLL_MIN_INTERVAL_S * 1000;
	a->in_backoff = true;
	loop_timer_after_ms(&a->t_retry, ms);
	log_info("next try in %llu s", (unsigned long long)(ms / 1000));
}

static void backoff(struct agent *a, const struct net_result *r)
{
	backoff_ms(a, r->retry_after_s, a->job.kind == JOB_POLL);
}

void exchange_retry_fired(struct loop_timer *t, bool cancelled)
{
	struct agent *a = t->arg;

	(void)cancelled;
	a->in_backoff = false;
	exchange_kick(a);
}

static void handle_read_request(struct agent *a, const struct proto_poll_reply *rep)
{
	struct printeng_snap snap;
	struct proto_meter_read rd;
	struct proto_error perr;
	char msg[AGENT_MSG_MAX];
	char *json;
	size_t len;
	int r;

	if (agent_snapshot(a, &snap) < 0)
		return;	/* the server asks again at the next poll */
	if (meter_build_read(&snap, rep, &rd, msg, sizeof(msg)) < 0) {
		log_err("cannot build the meter read: %s", msg);
		agent_set_error(a, "meter read: %s", msg);
		return;
	}
	if (spool_find(a->net->spool, rd.read_id)) {
		log_info("read %s for request %s already spooled", rd.read_id, rep->request_id);
		return;
	}
	if (proto_encode_meter_read(&rd, &json, &len, &perr) != PROTO_OK) {
		log_err("cannot encode the meter read: %s", perr.message);
		agent_set_error(a, "meter read: %s", perr.message);
		return;
	}
	/* Durable before the first send. */
	r = spool_put(a->net->spool, SPOOL_METER_READ, rd.read_id, json, len, time(NULL));
	free(json);
	if (r < 0) {
		/* Not sent either: the server asks again at the next poll. */
		log_err("cannot spool meter read %s: %s (not sent; the server asks again)",
			rd.read_id, strerror(-r));
		agent_set_error(a, "spool: meter read %s: %s", rd.read_id, strerror(-r));
		return;
	}
	log_info("meter read %s for request %s (cycle %s) spooled", rd.read_id,
		 rep->request_id, rep->billing_cycle);
}

int exchange_take_supplies(struct agent *a, enum proto_supplies_trigger trig)
{
	struct printeng_snap snap;
	struct proto_supplies_report rep;
	struct proto_error perr;
	char msg[AGENT_MSG_MAX], rid[PROTO_ID_MAX + 1];
	char *json;
	size_t len;
	int r;

	r = agent_snapshot(a, &snap);
	if (r < 0)
		return r;
	r = ids_report_id(rid);
	if (r < 0) {
		log_err("getrandom: %s", strerror(-r));
		return r;
	}
	if (meter_build_supplies(&snap, rid, trig, &rep, msg, sizeof(msg)) < 0) {
		log_err("cannot build the supplies report: %s", msg);
		agent_set_error(a, "supplies report: %s", msg);
		return -EINVAL;
	}
	if (proto_encode_supplies(&rep, &json, &len, &perr) != PROTO_OK) {
		log_err("cannot encode the supplies report: %s", perr.message);
		agent_set_error(a, "supplies report: %s", perr.message);
		return -EINVAL;
	}
	r = spool_put(a->net->spool, SPOOL_SUPPLIES, rid, json, len, time(NULL));
	free(json);
	if (r < 0) {
		log_err("cannot spool the supplies report: %s", strerror(-r));
		agent_set_error(a, "spool: supplies report: %s", strerror(-r));
		return r;
	}
	log_info("supplies report %s (%s) spooled", rid, proto_trigger_name(trig));
	return 0;
}

static void poll_done(struct agent *a, const struct net_result *r)
{
	struct proto_poll_reply rep;
	struct proto_error perr;
	char when[PROTO_TIME_LEN + 1];

	if (proto_decode_poll_reply(r->body, r->body_len, &rep, &perr) != PROTO_OK) {
		esc_inplace(perr.message, sizeof(perr.message));	/* may quote the reply */
		snprintf(a->last_poll_result, sizeof(a->last_poll_result),
			 "bad reply: %s", perr.message);
		agent_set_error(a, "poll: the server's reply is invalid: %s", perr.message);
		log_err("poll: the server's reply is invalid: %s", perr.message);
		txlog_note(a, r, "invalid reply");
		save_poll_state(a);
		backoff(a, r);
		return;
	}
	txlog_note(a, r, "ok");
	backoff_reset(&a->net->bo);
	/* the server has this identity on file: the next polls can be brief */
	memcpy(a->st.identity_tag, a->job.tag, sizeof(a->st.identity_tag));
	a->polls++;
	a->poll_due = false;
	a->st.last_poll_ok = time(NULL);
	proto_time_format(a->st.last_poll_ok, when);
	snprintf(a->last_poll_result, sizeof(a->last_poll_result), "ok%s%s",
		 rep.read_meters ? ", read requested" : "",
		 rep.has_supplies ? (rep.supplies_enabled ? ", supplies on" : ", supplies off") : "");
	log_info("poll ok%s", rep.read_meters ? ": the server asks for a meter read" : "");
	if (rep.has_supplies &&
	    supplies_apply_server(&a->sup, rep.supplies_enabled, rep.supplies_interval_s))
		log_info("supplies assistant %s by the server (interval %u s)",
			 a->sup.enabled ? "enabled" : "disabled", a->sup.interval_s);
	if (rep.read_meters)
		handle_read_request(a, &rep);
	save_poll_state(a);
	agent_supplies_update(a);
	if (rep.retry_after_s) {
		/*
		 * "Poll again after": an extra poll, the daily one stays; not
		 * sooner than the poll floor, and only so many a day.
		 */
		uint64_t now = backoff_now_ms(), s = rep.retry_after_s;

		if (!a->repoll_window_ms || now - a->repoll_window_ms >= 86400ull * 1000) {
			a->repoll_window_ms = now;
			a->repolls = 0;
		}
		if (s < AGENT_POLL_MIN_INTERVAL_S)
			s = AGENT_POLL_MIN_INTERVAL_S;
		if (a->repolls >= AGENT_REPOLLS_PER_DAY) {
			log_notice("the server asked for another poll in %u s: ignored, it had "
				   "its %d extra polls of the day", (unsigned int)rep.retry_after_s,
				   AGENT_REPOLLS_PER_DAY);
		} else {
			a->repolls++;
			a->net->repoll = true;
			loop_timer_after_ms(&a->net->t_repoll, s * 1000);
			if (s != rep.retry_after_s)
				log_info("the server asked for another poll in %u s: in %llu s "
					 "(the floor)", (unsigned int)rep.retry_after_s,
					 (unsigned long long)s);
		}
	}
}

static void message_done(struct agent *a, const struct net_result *r)
{
	struct proto_ack ack;
	struct proto_error perr;
	enum proto_err e;
	int rr;

	if (a->job.kind == JOB_READ)
		e = proto_decode_read_ack(r->body, r->body_len, &ack, &perr);
	else
		e = proto_decode_supplies_ack(r->body, r->body_len, &ack, &perr);
	if (e != PROTO_OK || strcmp(ack.id, a->job.id) != 0) {
		const char *why = e != PROTO_OK ? perr.message : "the ack names another id";

		esc_inplace(perr.message, sizeof(perr.message));	/* may quote the reply */

		agent_set_error(a, "%s: the server's reply is invalid: %s",
			        job_path(a->job.kind), why);
		log_err("%s %s: the server's reply is invalid: %s; kept in the spool",
			job_path(a->job.kind), a->job.id, why);
		txlog_note(a, r, "invalid reply");
		backoff(a, r);
		return;
	}
	txlog_note(a, r, ack.status == PROTO_ACK_DUPLICATE ? "duplicate" : "stored");
	backoff_reset(&a->net->bo);
	/* Confirmed (stored now or before): only now it leaves the spool. */
	rr = spool_remove(a->net->spool, a->job.name);
	if (rr < 0 && rr != -ENOENT) {
		/*
		 * Never sent again by this esold (no resend storm); should a
		 * restart find it, its id makes the server answer "duplicate".
		 * The spool is failing: slow down before the next message.
		 */
		log_err("spool: cannot remove %s after the server confirmed it: %s; it is not "
			"sent again (after a restart it would be, and the server answers "
			"\"duplicate\")", a->job.name, strerror(-rr));
		agent_set_error(a, "spool: cannot remove confirmed %s: %s", a->job.name,
				strerror(-rr));
		confirm(a, a->job.name);
		backoff_ms(a, -1, false);
	}
	if (a->job.kind == JOB_READ)
		a->reads_sent++;
	else
		a->supplies_sent++;
	log_info("%s %s %s by the server", a->job.kind == JOB_READ ? "meter read" : "supplies report",
		 a->job.id, ack.status == PROTO_ACK_DUPLICATE ? "already stored (duplicate)" : "stored");
}

static void transfer_done(void *arg, const struct net_result *r)
{
	struct agent *a = arg;

	snprintf(a->proxy_used, sizeof(a->proxy_used), "%s (%s)", r->proxy_used,
		 net_proxy_source_name(r->proxy_source));
	if (r->status == NET_OK) {
		if (a->job.kind == JOB_POLL)
			poll_done(a, r);
		else
			message_done(a, r);
	} else {
		char what[NET_MSG_MAX + 64];
		struct proto_error_reply er;

		snprintf(what, sizeof(what), "%s: %s", net_status_name(r->status), r->message);
		if (r->http_status >= 400 &&
		    proto_decode_error(r->body, r->body_len, &er, NULL) == PROTO_OK) {
			size_t n = strlen(what);

			snprintf(what + n, sizeof(what) - n, " (%s: %s)", er.error, er.message);
		}
		esc_inplace(what, sizeof(what));	/* the server's words: data */
		if (a->job.kind == JOB_POLL && a->job.brief &&
		    (r->http_status == 409 || r->http_status == 400)) {
			/*
			 * The server has another identity on file (409
			 * identity_unknown), or takes no brief poll (400): the
			 * full poll goes at once, once.  Anything else (429,
			 * 5xx, 401...) is a failed poll, as for a full one.
			 */
			log_info("brief poll refused (%s): sending the full poll", what);
			txlog_note(a, r, what);
			a->st.identity_tag[0] = '\0';
			a->poll_due = true;
			job_clear(&a->job);
			exchange_kick(a);
			return;
		}
		agent_set_error(a, "%s: %s", job_path(a->job.kind), what);
		txlog_note(a, r, what);
		if (a->job.kind == JOB_POLL) {
			snprintf(a->last_poll_result, sizeof(a->last_poll_result), "%.*s",
				 (int)sizeof(a->last_poll_result) - 1, what);
			log_warn("poll failed: %s", what);
			/* Tried again after the back-off; the schedule counts it done. */
			save_poll_state(a);
			a->poll_due = true;
			backoff(a, r);
		} else if (r->status == NET_E_HTTP_CLIENT) {
			/* Refused as it is: retrying now cannot help.  Kept. */
			log_err("%s %s refused by the server: %s; kept in the spool",
				job_path(a->job.kind), a->job.id, what);
			hold(a, a->job.name);
		} else {
			log_warn("%s %s not sent: %s", job_path(a->job.kind), a->job.id, what);
			backoff(a, r);
		}
	}
	job_clear(&a->job);
	exchange_kick(a);
	if (a->job.kind == JOB_NONE)	/* nothing more to send for now */
		loop_soft_after_ms(&a->net->t_idle, IDLE_CLOSE_MS);
}

/* ---- starting transfers ---- */

static int start(struct agent *a)
{
	struct net_request req = {
		.method = NET_POST,
		.path = job_path(a->job.kind),
		.body = a->job.body,
		.body_len = a->job.len,
		.content_type = PROTO_CONTENT_TYPE,
	};
	int r = net_transport_start(a->net->tp, &req, transfer_done, a);

	if (r < 0) {
		log_err("cannot start %s: %s", req.path, strerror(-r));
		agent_set_error(a, "cannot start %s: %s", req.path, strerror(-r));
		if (a->job.kind == JOB_POLL)
			a->poll_due = true;
		job_clear(&a->job);
		a->in_backoff = true;
		loop_timer_after_ms(&a->t_retry, backoff_fail(&a->net->bo, -1));
	}
	return r;
}

static bool start_spooled(struct agent *a)
{
	const struct spool_entry *list, *e;
	size_t n, i;
	void *body;
	size_t len;
	int r;

	if (a->n_confirmed)
		remove_confirmed(a);
	for (;;) {
		e = NULL;
		list = spool_list(a->net->spool, &n);
		for (i = 0; i < n; i++)
			if (!is_held(a, list[i].id) && !is_confirmed(a, list[i].id)) {
				e = &list[i];
				break;
			}
		if (!e)
			return false;
		memset(&a->job, 0, sizeof(a->job));
		a->job.kind = e->kind == SPOOL_METER_READ ? JOB_READ : JOB_SUPPLIES;
		snprintf(a->job.name, sizeof(a->job.name), "%s", e->id);
		snprintf(a->job.id, sizeof(a->job.id), "%s", e->id);
		body = NULL;
		len = 0;
		r = spool_get(a->net->spool, a->job.id, &body, &len);
		if (r == 0)
			break;
		/* -EBADMSG: it went corrupt on disk and the spool moved it aside. */
		log_err("spool: cannot read %s: %s", a->job.id, strerror(-r));
		agent_set_error(a, "spool: cannot read %s: %s", a->job.id, strerror(-r));
		if (r != -EBADMSG && r != -ENOENT)
			hold(a, a->job.name);
		memset(&a->job, 0, sizeof(a->job));
	}
	a->job.body = body;
	a->job.len = len;
	log_info("sending %s %s", job_path(a->job.kind), a->job.id);
	start(a);
	return true;
}

static void start_poll(struct agent *a)
{
	struct printeng_snap snap;
	struct proto_poll_req req;
	struct proto_config pc;
	struct proto_agent_state ps;
	struct proto_error perr;
	char msg[AGENT_MSG_MAX];

	a->poll_due = false;
	a->last_poll_try = time(NULL);
	if (agent_snapshot(a, &snap) < 0) {
		snprintf(a->last_poll_result, sizeof(a->last_poll_result),
			 "print engine unavailable");
		return;	/* the next scheduled poll tries again */
	}
	agent_cfg_proto(a->cfg, &pc);
	memset(&ps, 0, sizeof(ps));
	ps.supplies_enabled = a->sup.enabled;
	ps.supplies_interval_s = a->sup.interval_s;
	ps.spool_pending = (uint32_t)spool_count(a->net->spool);
	ps.has_last_poll = a->st.last_poll_ok > 0;
	ps.last_poll = a->st.last_poll_ok;
	if (meter_build_poll(&snap, AGENT_VERSION, &pc, &ps, &req, msg, sizeof(msg)) < 0) {
		log_err("cannot build the poll: %s", msg);
		agent_set_error(a, "poll: %s", msg);
		snprintf(a->last_poll_result, sizeof(a->last_poll_result), "%s", msg);
		return;
	}
	memset(&a->job, 0, sizeof(a->job));
	a->job.kind = JOB_POLL;
	/*
	 * The tag names the identity and configuration; when the server
	 * answered a poll of the same tag, they are left out (a brief poll).
	 * No tag (cannot hash): a full poll, which needs none.
	 */
	if (ids_identity_tag(&a->net->tag_memo, &req, a->job.tag) == 0 && a->st.identity_tag[0] &&
	    strcmp(a->job.tag, a->st.identity_tag) == 0) {
		memcpy(req.identity_tag, a->job.tag, sizeof(req.identity_tag));
		a->job.brief = true;
	}
	if (proto_encode_poll_req(&req, &a->job.body, &a->job.len, &perr) != PROTO_OK) {
		log_err("cannot encode the poll: %s", perr.message);
		agent_set_error(a, "poll: %s", perr.message);
		snprintf(a->last_poll_result, sizeof(a->last_poll_result), "%s", perr.message);
		job_clear(&a->job);
		return;
	}
	/*
	 * Every attempt is the day's poll for the schedule (saved at its end,
	 * see save_poll_state()): a failed one is the back-off's to retry,
	 * and after a restart the schedule does not poll again that day, so a
	 * day of failures is never retried as a burst.
	 */
	a->st.last_poll = a->last_poll_try;
	/* debug: a poll is one info line, when it ends ("poll ok" or why not) */
	log_debug("polling %s", agent_cfg_server_url(a->cfg));
	start(a);
}

void exchange_kick(struct agent *a)
{
	if (!a->net || !a->net->tp || !agent_enabled(a) || a->job.kind != JOB_NONE ||
	    a->in_backoff)
		return;
	if (start_spooled(a))
		return;
	if (a->poll_due)
		start_poll(a);
}

void exchange_stop(struct agent *a)
{
	if (a->net && net_transport_cancel(a->net->tp))
		log_notice("transfer of %s cancelled", job_path(a->job.kind));
	job_clear(&a->job);
	if (a->net) {
		loop_timer_disarm(&a->net->t_repoll);
		a->net->repoll = false;
	}
}

/* ---- set-up ---- */

static void repoll_fired(struct loop_timer *t, bool cancelled)
{
	struct agent *a = t->arg;

	(void)cancelled;
	a->net->repoll = false;
	log_info("polling again as the server asked");
	a->poll_due = true;
	exchange_kick(a);
}

static void idle_fired(struct loop_soft *t)
{
	struct agent *a = t->arg;

	net_transport_close_idle(a->net->tp);
	/*
	 * The exchange is over: hand the heap it left free back to the
	 * system (glibc keeps it otherwise), so the agent rests small.
	 */
	malloc_trim(0);
}

static int make_transport(struct agent *a, const struct agent_cfg *cfg,
			  struct net_transport **tp, char *msg, size_t msg_size)
{
	struct net_loop_ops ops = { .watch = net_watch, .timer = net_timer, .loop = a };
	struct net_config nc;
	char err[256];
	int r;

	*tp = NULL;
	/* No server yet (the factory config): nothing to talk to, nothing to set up. */
	if (!agent_cfg_server_url(cfg)[0])
		return 0;
	agent_cfg_net(cfg, &nc);
	r = net_transport_new(&nc, &ops, tp, err, sizeof(err));
	if (r < 0)
		snprintf(msg, msg_size, "%s", err);
	return r;
}

int exchange_init(struct agent *a, char *msg, size_t msg_size)
{
	struct spool_limits lim;
	struct spool_recovery rec;
	int r;

	a->net = calloc(1, sizeof(*a->net));
	if (!a->net) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	backoff_init(&a->net->bo, NULL, NULL, NULL);
	loop_soft_init(&a->loop, &a->net->t_net, net_timer_fired, a);
	loop_soft_init(&a->loop, &a->net->t_idle, idle_fired, a);
	r = loop_timer_init(&a->loop, &a->net->t_repoll, CLOCK_BOOTTIME, repoll_fired, a);
	if (r < 0) {
		snprintf(msg, msg_size, "timers: %s", strerror(-r));
		return r;
	}
	agent_cfg_spool_limits(a->cfg, &lim);
	r = spool_open(agent_cfg_spool_dir(a->cfg), &lim, NULL, &a->net->spool, &rec);
	if (r < 0) {
		snprintf(msg, msg_size, "spool %s: %s", agent_cfg_spool_dir(a->cfg), strerror(-r));
		return r;
	}
	log_info("spool %s: %u messages to send%s", agent_cfg_spool_dir(a->cfg), rec.loaded,
		 rec.torn_removed || rec.corrupt ? " (torn or corrupt files set aside)" : "");
	r = txlog_open(agent_cfg_txlog_path(a->cfg), agent_cfg_txlog_max(a->cfg),
		       &a->net->txlog);
	if (r < 0) {
		snprintf(msg, msg_size, "transmission log %s: %s", agent_cfg_txlog_path(a->cfg),
			 strerror(-r));
		return r;
	}
	/*
	 * A server setting that cannot be used (a certificate file gone) does
	 * not stop esold: it starts, sends nothing, says why in its status,
	 * and waits for the administrator (esolctl set, or the file and a
	 * reload).  A device must never be stranded by its settings.
	 */
	r = agent_cfg_check(a->cfg, a->net->tp_error, sizeof(a->net->tp_error));
	if (r == 0)
		r = make_transport(a, a->cfg, &a->net->tp, a->net->tp_error,
				   sizeof(a->net->tp_error));
	if (r < 0) {
		log_err("the server settings cannot be used, nothing is sent until they are "
			"fixed: %s", a->net->tp_error);
		agent_set_error(a, "configuration: %s", a->net->tp_error);
	} else {
		a->net->tp_error[0] = '\0';
	}
	return 0;
}

int exchange_prepare(struct agent *a, const struct agent_cfg *ncfg,
		     struct net_transport **tp, char *msg, size_t msg_size)
{
	int r = agent_cfg_check(ncfg, msg, msg_size);

	if (r < 0)
		return r;
	return make_transport(a, ncfg, tp, msg, msg_size);
}

void exchange_discard(struct net_transport *tp)
{
	net_transport_free(tp);
}

void exchange_apply(struct agent *a, const struct agent_cfg *ncfg, struct net_transport *tp)
{
	struct spool_limits lim;
	int r;

	if (a->job.kind != JOB_NONE) {
		/* Cancelled and started again with the new settings. */
		if (a->job.kind == JOB_POLL)
			a->poll_due = true;
		net_transport_cancel(a->net->tp);
		job_clear(&a->job);
	}
	net_transport_free(a->net->tp);
	a->net->tp = tp;
	a->net->tp_error[0] = '\0';
	agent_cfg_spool_limits(ncfg, &lim);
	r = spool_set_limits(a->net->spool, &lim);
	if (r < 0)
		log_warn("spool limits not changed: %s", strerror(-r));
	/* New settings deserve a try now, not after the back-off. */
	if (a->in_backoff) {
		loop_timer_disarm(&a->t_retry);
		a->in_backoff = false;
	}
	backoff_reset(&a->net->bo);
}

int exchange_reconfigure(struct agent *a, struct agent_cfg *ncfg,
			 char *msg, size_t msg_size)
{
	struct net_transport *tp;
	int r;

	r = exchange_prepare(a, ncfg, &tp, msg, msg_size);
	if (r < 0)
		return r;
	exchange_apply(a, ncfg, tp);
	exchange_kick(a);
	return 0;
}

const char *exchange_unusable(const struct agent *a)
{
	if (!a->net)
		return "not started";
	if (a->net->tp_error[0])
		return a->net->tp_error;
	if (!a->net->tp)
		return "no server is set (as root: esolctl set server.url https://HOST/PATH)";
	return NULL;
}

void exchange_free(struct agent *a)
{
	if (!a->net)
		return;
	net_transport_free(a->net->tp);
	job_clear(&a->job);
	loop_soft_close(&a->net->t_net);
	loop_timer_close(&a->net->t_repoll);
	loop_soft_close(&a->net->t_idle);
	if (a->net->spool)
		spool_close(a->net->spool);
	if (a->net->txlog)
		txlog_close(a->net->txlog);
	free(a->net);
	a->net = NULL;
}

/* ---- for the control socket ---- */

int64_t exchange_repoll_in_ms(const struct agent *a)
{
	return a->net && a->net->repoll ? loop_timer_remaining_ms(&a->net->t_repoll) : -1;
}

int64_t exchange_spooled_supplies_newest(const struct agent *a)
{
	size_t n, i;
	const struct spool_entry *list = spool_list(a->net->spool, &n);
	int64_t t = 0;

	for (i = 0; i < n; i++)
		if (list[i].kind == SPOOL_SUPPLIES && list[i].created > t)
			t = list[i].created;
	return t;
}

size_t exchange_spool_count(const struct agent *a)
{
	return a->net ? spool_count(a->net->spool) : 0;
}

json_t *exchange_spool_json(struct agent *a)
{
	const struct spool_entry *list;
	json_t *arr = json_array();
	size_t n, i;

	if (!arr)
		return NULL;
	list = spool_list(a->net->spool, &n);
	for (i = 0; i < n; i++) {
		char when[PROTO_TIME_LEN + 1] = "";
		json_t *e;

		proto_time_format(list[i].created, when);
		e = json_pack("{s:s,s:s,s:s,s:i,s:b,s:b,s:b}",
			      "id", list[i].id,
			      "kind", spool_kind_name(list[i].kind),
			      "created", when,
			      "bytes", (int)list[i].len,
			      "sending", a->job.kind != JOB_POLL && a->job.kind != JOB_NONE &&
					 strcmp(a->job.name, list[i].id) == 0,
			      "held", is_held(a, list[i].id),
			      "confirmed", is_confirmed(a, list[i].id));
		if (!e || json_array_append_new(arr, e)) {
			json_decref(arr);
			return NULL;
		}
	}
	return json_pack("{s:o,s:I}", "entries", arr, "bytes",
			 (json_int_t)spool_bytes(a->net->spool));
}

int exchange_spool_clear(struct agent *a)
{
	int r;

	if (a->job.kind == JOB_READ || a->job.kind == JOB_SUPPLIES) {
		net_transport_cancel(a->net->tp);
		job_clear(&a->job);
	}
	r = spool_clear(a->net->spool);
	a->n_held = 0;
	if (r >= 0)
		a->n_confirmed = 0;
	exchange_kick(a);
	return r;
}

json_t *exchange_txlog_json(struct agent *a, unsigned int n, char *msg, size_t msg_size)
{
	json_t *recs = NULL;
	size_t skipped = 0;
	int r;

	r = txlog_read_last(agent_cfg_txlog_path(a->cfg), n, &recs, &skipped);
	if (r < 0) {
		snprintf(msg, msg_size, "transmission log %s: %s",
			 agent_cfg_txlog_path(a->cfg), strerror(-r));
		return NULL;
	}
	return json_pack("{s:o,s:I}", "records", recs, "skipped", (json_int_t)skipped);
}
