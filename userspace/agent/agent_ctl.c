// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * agent_ctl: what esold does for each control-socket command (status,
 * poll-now, set, log, spool-list, spool-clear, reload).  Every change is
 * logged with the peer's uid and pid.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "agent/agent_cfg.h"
#include "agent/agent_priv.h"
#include "agent/exchange.h"
#include "common/log.h"

static json_t *time_or_null(int64_t t)
{
	char buf[PROTO_TIME_LEN + 1];

	if (t <= 0 || proto_time_format(t, buf) != PROTO_OK)
		return json_null();
	return json_string(buf);
}

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *ms_or_null(int64_t ms)
{
	return ms < 0 ? json_null() : json_integer((ms + 999) / 1000);
}

static const char *job_name(enum job_kind k)
{
	switch (k) {
	case JOB_POLL:
		return "poll";
	case JOB_READ:
		return "meter-read";
	case JOB_SUPPLIES:
		return "supplies";
	default:
		return NULL;
	}
}

static json_t *status(struct agent *a)
{
	char pt[6], zone[TZ_NAME_MAX + 1];

	agent_cfg_poll_time(a->cfg, pt);
	return json_pack("{s:b,s:s,s:s,s:s,s:o,s:o,s:o,s:o,"
			 "s:{s:b,s:i,s:o,s:o},"
			 "s:{s:i,s:i},"
			 "s:{s:s,s:o},"
			 "s:o,s:o,s:o,s:o,"
			 "s:{s:I,s:I,s:I}}",
			 "enabled", agent_enabled(a),
			 "server", agent_cfg_server_url(a->cfg),
			 "poll_time", pt,
			 "timezone", agent_cfg_timezone(a->cfg, zone),
			 "next_poll", time_or_null(a->next_poll),
			 "last_poll", time_or_null(a->st.last_poll_ok),
			 "last_poll_attempt", time_or_null(a->st.last_poll),
			 "last_poll_result", str_or_null(a->last_poll_result),
			 "supplies",
			 "enabled", a->sup.enabled,
			 "interval_s", (int)a->sup.interval_s,
			 "last_report", time_or_null(a->sup.last_sent),
			 "next_in_s", ms_or_null(loop_timer_remaining_ms(&a->t_supplies)),
			 "spool",
			 "count", (int)exchange_spool_count(a),
			 "held", (int)a->n_held,
			 "proxy",
			 "mode", agent_cfg_proxy_mode(a->cfg),
			 "last_used", str_or_null(a->proxy_used),
			 "transfer", job_name(a->job.kind) ? json_string(job_name(a->job.kind))
							   : json_null(),
			 "retry_in_s", a->in_backoff ? ms_or_null(loop_timer_remaining_ms(&a->t_retry))
						     : json_null(),
			 "last_error", str_or_null(a->last_error),
			 "last_error_time", time_or_null(a->last_error_time),
			 "counters",
			 "polls", (json_int_t)a->polls,
			 "reads_sent", (json_int_t)a->reads_sent,
			 "supplies_sent", (json_int_t)a->supplies_sent);
}

static json_t *message(const char *text)
{
	return json_pack("{s:s}", "message", text);
}

static bool secret_key(const char *key)
{
	return strstr(key, "password") != NULL || strstr(key, "secret") != NULL;
}

static json_t *do_set(struct agent *a, const struct ctl_request *req,
		      const struct control_peer *peer, enum ctl_status *st,
		      char *msg, size_t msg_size)
{
	bool was_enabled = agent_enabled(a);
	char m2[AGENT_MSG_MAX];
	int r;

	r = agent_cfg_set(a->cfg, req->key, req->value, msg, msg_size);
	if (r < 0) {
		*st = r == -EINVAL ? CTL_E_INVALID_VALUE : CTL_E_FAILED;
		log_warn("control: uid %u pid %d: set %s refused: %s",
			 (unsigned int)peer->uid, (int)peer->pid, req->key, msg);
		return NULL;
	}
	log_notice("control: uid %u pid %d set %s = %s (saved to %s)",
		   (unsigned int)peer->uid, (int)peer->pid, req->key,
		   secret_key(req->key) ? "(hidden)" : req->value, a->config_path);
	if (strcmp(req->key, "enabled") == 0 || was_enabled != agent_enabled(a)) {
		if (was_enabled != agent_enabled(a))
			agent_apply_enabled(a);
	} else {
		r = exchange_reconfigure(a, a->cfg, m2, sizeof(m2));
		if (r < 0) {
			*st = CTL_E_FAILED;
			snprintf(msg, msg_size, "saved, but cannot be applied: %s", m2);
			log_err("control: %s", msg);
			return NULL;
		}
		agent_schedule_poll(a);
	}
	snprintf(m2, sizeof(m2), "%s saved", req->key);
	return message(m2);
}

json_t *agent_ctl_handle(void *arg, const struct ctl_request *req,
			 const struct control_peer *peer, enum ctl_status *st,
			 char *msg, size_t msg_size)
{
	struct agent *a = arg;
	int r;

	switch (req->cmd) {
	case CTL_CMD_STATUS:
		return status(a);
	case CTL_CMD_POLL_NOW:
		if (!agent_enabled(a)) {
			*st = CTL_E_FAILED;
			snprintf(msg, msg_size, "participation is off (esolctl set enabled true)");
			return NULL;
		}
		log_notice("control: uid %u pid %d asked for a poll now",
			   (unsigned int)peer->uid, (int)peer->pid);
		a->poll_due = true;
		a->n_held = 0;
		/* The admin asks now: the back-off does not make them wait. */
		if (a->in_backoff) {
			loop_timer_disarm(&a->t_retry);
			a->in_backoff = false;
		}
		exchange_kick(a);
		return message(a->job.kind != JOB_NONE ? "poll started" : "poll queued");
	case CTL_CMD_SET:
		return do_set(a, req, peer, st, msg, msg_size);
	case CTL_CMD_LOG: {
		json_t *j = exchange_txlog_json(a, req->count, msg, msg_size);

		if (!j)
			*st = CTL_E_FAILED;
		return j;
	}
	case CTL_CMD_SPOOL_LIST: {
		json_t *j = exchange_spool_json(a);

		if (!j) {
			*st = CTL_E_FAILED;
			snprintf(msg, msg_size, "out of memory");
		}
		return j;
	}
	case CTL_CMD_SPOOL_CLEAR:
		r = exchange_spool_clear(a);
		if (r < 0) {
			*st = CTL_E_FAILED;
			snprintf(msg, msg_size, "spool clear: %s", strerror(-r));
			log_err("control: %s", msg);
			return NULL;
		}
		log_notice("control: uid %u pid %d cleared the spool (%d messages deleted)",
			   (unsigned int)peer->uid, (int)peer->pid, r);
		snprintf(msg, msg_size, "spool cleared: %d messages deleted", r);
		{
			json_t *j = message(msg);

			msg[0] = '\0';
			return j;
		}
	case CTL_CMD_RELOAD:
		log_notice("control: uid %u pid %d asked for a reload",
			   (unsigned int)peer->uid, (int)peer->pid);
		if (agent_reload(a, msg, msg_size) < 0) {
			*st = CTL_E_INVALID_VALUE;
			log_err("reload refused, running config kept: %s", msg);
			return NULL;
		}
		snprintf(msg, msg_size, "%s reloaded", a->config_path);
		{
			json_t *j = message(msg);

			msg[0] = '\0';
			return j;
		}
	default:
		*st = CTL_E_UNKNOWN_COMMAND;
		snprintf(msg, msg_size, "unknown command");
		return NULL;
	}
}
