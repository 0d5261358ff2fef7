// SPDX-License-Identifier: GPL-2.0
/* exchange: transfers with the Communication Server; see exchange.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/agent_priv.h"
#include "agent/agent_cfg.h"
#include "agent/exchange.h"
#include "agent/ids.h"
#include "agent/meter.h"
#include "common/log.h"
#include "net/transport.h"

#define KIND_READ	"read"
#define KIND_SUPPLIES	"supplies"

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

static void net_timer_fired(struct loop_timer *t, bool cancelled)
{
	struct agent *a = t->arg;

	(void)cancelled;
	net_transport_on_timer(a->net->tp);
}

static int net_timer(void *loop, long ms)
{
	struct agent *a = loop;

	if (ms < 0)
		return loop_timer_disarm(&a->net->t_net);
	return loop_timer_after_ms(&a->net->t_net, (uint64_t)ms);
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

/* ---- transmission log ---- */

static void txlog_note(struct agent *a, const struct net_result *r,
		       const char *outcome)
{
	struct txlog_rec rec;

	memset(&rec, 0, sizeof(rec));
	rec.time = time(NULL);
	rec.endpoint = job_path(a->job.kind);
	rec.proxy = r->proxy_used;
	rec.bytes_sent = r->bytes_sent;
	rec.bytes_received = r->bytes_received;
	rec.http_status = r->http_status;
	rec.body = a->job.body;
	rec.body_len = a->job.len;
	rec.result = outcome;
	agent_net_txlog(a, &rec);
}

/* ---- completion ---- */

static void backoff(struct agent *a, const struct net_result *r)
{
	uint64_t ms = agent_net_backoff_next(a, r->retry_after_s);

	a->in_backoff = true;
	loop_timer_after_ms(&a->t_retry, ms);
	log_info("next try in %llu s", (unsigned long long)(ms / 1000));
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
	char msg[AGENT_MSG_MAX], name[PROTO_ID_MAX + 16];
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
	snprintf(name, sizeof(name), "%s-%s", KIND_READ, rd.read_id);
	if (agent_net_spool_has(a, name)) {
		log_info("read %s for request %s already spooled", rd.read_id, rep->request_id);
		return;
	}
	if (proto_encode_meter_read(&rd, &json, &len, &perr) != PROTO_OK) {
		log_err("cannot encode the meter read: %s", perr.message);
		agent_set_error(a, "meter read: %s", perr.message);
		return;
	}
	/* Durable before the first send. */
	r = agent_net_spool_put(a, name, json, len, msg, sizeof(msg));
	free(json);
	if (r < 0) {
		log_err("cannot spool meter read %s: %s (the server asks again)",
			rd.read_id, msg);
		agent_set_error(a, "spool: %s", msg);
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
	char msg[AGENT_MSG_MAX], rid[PROTO_ID_MAX + 1], name[PROTO_ID_MAX + 16];
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
	snprintf(name, sizeof(name), "%s-%s", KIND_SUPPLIES, rid);
	r = agent_net_spool_put(a, name, json, len, msg, sizeof(msg));
	free(json);
	if (r < 0) {
		log_err("cannot spool the supplies report: %s", msg);
		agent_set_error(a, "spool: %s", msg);
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
		snprintf(a->last_poll_result, sizeof(a->last_poll_result),
			 "bad reply: %s", perr.message);
		agent_set_error(a, "poll: the server's reply is invalid: %s", perr.message);
		log_err("poll: the server's reply is invalid: %s", perr.message);
		txlog_note(a, r, "invalid reply");
		backoff(a, r);
		return;
	}
	txlog_note(a, r, "ok");
	agent_net_backoff_reset(a);
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
	agent_save_state(a);
	agent_supplies_update(a);
	if (rep.retry_after_s) {
		/* "Poll again after": an extra poll, the daily one stays. */
		a->net->repoll = true;
		loop_timer_after_ms(&a->net->t_repoll, (uint64_t)rep.retry_after_s * 1000);
	}
	agent_schedule_poll(a);
}

static void message_done(struct agent *a, const struct net_result *r)
{
	struct proto_ack ack;
	struct proto_error perr;
	enum proto_err e;

	if (a->job.kind == JOB_READ)
		e = proto_decode_read_ack(r->body, r->body_len, &ack, &perr);
	else
		e = proto_decode_supplies_ack(r->body, r->body_len, &ack, &perr);
	if (e != PROTO_OK || strcmp(ack.id, a->job.id) != 0) {
		const char *why = e != PROTO_OK ? perr.message : "the ack names another id";

		agent_set_error(a, "%s: the server's reply is invalid: %s",
			        job_path(a->job.kind), why);
		log_err("%s %s: the server's reply is invalid: %s; kept in the spool",
			job_path(a->job.kind), a->job.id, why);
		txlog_note(a, r, "invalid reply");
		backoff(a, r);
		return;
	}
	txlog_note(a, r, ack.status == PROTO_ACK_DUPLICATE ? "duplicate" : "stored");
	agent_net_backoff_reset(a);
	/* Confirmed (stored now or before): only now it leaves the spool. */
	agent_net_spool_remove(a, a->job.name);
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
		agent_set_error(a, "%s: %s", job_path(a->job.kind), what);
		txlog_note(a, r, what);
		if (a->job.kind == JOB_POLL) {
			a->last_poll_try = time(NULL);
			snprintf(a->last_poll_result, sizeof(a->last_poll_result), "%s", what);
			log_warn("poll failed: %s", what);
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
		job_clear(&a->job);
	}
	return r;
}

static bool start_spooled(struct agent *a)
{
	char name[PROTO_ID_MAX + 16];
	char *body = NULL;
	size_t len = 0;
	const char *id;

	if (!agent_net_spool_next(a, is_held, name, sizeof(name), &body, &len))
		return false;
	memset(&a->job, 0, sizeof(a->job));
	if (strncmp(name, KIND_READ "-", strlen(KIND_READ) + 1) == 0) {
		a->job.kind = JOB_READ;
		id = name + strlen(KIND_READ) + 1;
	} else if (strncmp(name, KIND_SUPPLIES "-", strlen(KIND_SUPPLIES) + 1) == 0) {
		a->job.kind = JOB_SUPPLIES;
		id = name + strlen(KIND_SUPPLIES) + 1;
	} else {
		log_err("spool entry %s: unknown kind; held", name);
		hold(a, name);
		free(body);
		return true;
	}
	snprintf(a->job.name, sizeof(a->job.name), "%s", name);
	snprintf(a->job.id, sizeof(a->job.id), "%s", id);
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
	ps.spool_pending = agent_net_spool_count(a);
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
	if (proto_encode_poll_req(&req, &a->job.body, &a->job.len, &perr) != PROTO_OK) {
		log_err("cannot encode the poll: %s", perr.message);
		agent_set_error(a, "poll: %s", perr.message);
		job_clear(&a->job);
		return;
	}
	log_info("polling %s", agent_cfg_server_url(a->cfg));
	start(a);
}

void exchange_kick(struct agent *a)
{
	if (!a->net || !agent_enabled(a) || a->job.kind != JOB_NONE || a->in_backoff)
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
