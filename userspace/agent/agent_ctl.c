// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * agent_ctl: what esold does for each control-socket command (status,
 * poll-now, set, log, spool-list, spool-clear, reload,
 * proxy-credentials-set/-clear), and who may ask: anyone who can reach
 * the socket reads and operates (participation, the poll time and zone,
 * log level, proxy and the manual proxy's credentials in esold's own
 * file, poll-now, reload); what decides
 * where the data goes or how the server is proved (the server keys,
 * every path, the socket, the spool and log bounds, spool clear) only
 * root or esold's own user (docs/agent.md, "Who may do what").  Every
 * change, and every refusal, is logged with the peer's uid and pid.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent_cfg.h"
#include "agent/agent_priv.h"
#include "agent/exchange.h"
#include "core/config.h"
#include "core/credstore.h"
#include "common/escape.h"
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

/* The proxy's settings and whose credentials it uses: never the password. */
static json_t *proxy_status(struct agent *a)
{
	struct agent_cfg_proxy p;
	char user[ESC_FIELD_MAX];

	agent_cfg_proxy_info(a->cfg, &p);
	/* root's file may hold any printable byte: escaped like all outside text */
	if (p.user)
		p.user = esc_str(user, sizeof(user), p.user);
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:s,s:o,s:o,s:o}",
			 "mode", p.mode,
			 "host", str_or_null(p.host),
			 "port", p.port ? json_integer(p.port) : json_null(),
			 "pac_url", str_or_null(p.pac_url),
			 "last_used", str_or_null(a->proxy_used),
			 "credentials", p.user ? "set" : "not set",
			 "user", str_or_null(p.user),
			 "credentials_from", str_or_null(p.creds_from),
			 "credentials_error", str_or_null(p.own_error));
}

static json_t *status(struct agent *a)
{
	char pt[6], zone[TZ_NAME_MAX + 1];

	agent_cfg_poll_time(a->cfg, pt);
	return json_pack("{s:b,s:o,s:s,s:s,s:o,s:o,s:o,s:o,"
			 "s:{s:b,s:i,s:o,s:o},"
			 "s:{s:i,s:i},"
			 "s:o,"
			 "s:o,s:o,s:o,s:o,s:o,s:o,s:b,"
			 "s:{s:I,s:I,s:I}}",
			 "enabled", agent_enabled(a),
			 "server", str_or_null(agent_cfg_server_url(a->cfg)),
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
			 "proxy", proxy_status(a),
			 "transfer", job_name(a->job.kind) ? json_string(job_name(a->job.kind))
							   : json_null(),
			 "retry_in_s", a->in_backoff ? ms_or_null(loop_timer_remaining_ms(&a->t_retry))
						     : json_null(),
			 "repoll_in_s", ms_or_null(exchange_repoll_in_ms(a)),
			 "last_error", str_or_null(a->last_error),
			 "last_error_time", time_or_null(a->last_error_time),
			 "not_sending", str_or_null(agent_enabled(a) ? exchange_unusable(a) : NULL),
			 "restart_pending", agent_cfg_restart_pending(a->cfg),
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

/* Root, or esold's own user (who can rewrite the config file anyway). */
static bool is_admin(const struct control_peer *peer)
{
	return peer->uid == 0 || peer->uid == geteuid();
}

/* Refuse what only root may do; logged with the peer. */
static bool deny(const struct control_peer *peer, const char *what, enum ctl_status *st,
		 char *msg, size_t msg_size)
{
	if (is_admin(peer))
		return false;
	*st = CTL_E_PERMISSION;
	snprintf(msg, msg_size, "%s: only root may do this (it decides where the data "
		 "goes or how the server is proved); uid %u may read the status, "
		 "enable or disable, and set the poll time, time zone, log level and proxy",
		 what, (unsigned int)peer->uid);
	log_warn("control: uid %u pid %d: %s refused: not root",
		 (unsigned int)peer->uid, (int)peer->pid, what);
	return true;
}

static json_t *do_set(struct agent *a, const struct ctl_request *req,
		      const struct control_peer *peer, enum ctl_status *st,
		      char *msg, size_t msg_size)
{
	struct config_change ch[CTL_SET_MAX];
	bool was_enabled = agent_enabled(a), changed = false, startup = false;
	char m2[AGENT_MSG_MAX + 64], what[AGENT_MSG_MAX], shown[ESC_FIELD_MAX];
	struct agent_cfg *ncfg = NULL;
	struct net_transport *tp = NULL;
	size_t n = 0, i, off;
	int r;

	ch[n].key = req->key;
	ch[n++].value = req->value;
	for (i = 0; i < req->n_also && n < CTL_SET_MAX; i++) {
		ch[n].key = req->also[i].key;
		ch[n++].value = req->also[i].value;
	}
	/* Known keys, in section.name form; "set a, b" and "a = v, b = w" for the log. */
	what[0] = shown[0] = '\0';
	for (i = 0; i < n; i++) {
		const char *k = agent_cfg_full_key(ch[i].key);
		char v[128];

		if (!k) {
			*st = CTL_E_INVALID_VALUE;
			snprintf(msg, msg_size, "%s: no such setting (use section.name, e.g. "
				 "schedule.poll_time)", ch[i].key);
			return NULL;
		}
		ch[i].key = k;
		startup |= agent_cfg_key_startup(k);
		off = strlen(what);
		snprintf(what + off, sizeof(what) - off, "%s%s", i ? ", " : "", k);
		esc_str(v, sizeof(v), secret_key(k) ? "(hidden)" : ch[i].value);
		off = strlen(shown);
		snprintf(shown + off, sizeof(shown) - off, "%s%s = %s", i ? ", " : "", k, v);
	}
	snprintf(m2, sizeof(m2), "set %s", what);
	for (i = 0; i < n; i++)
		if (agent_cfg_key_role(ch[i].key) == AGENT_CFG_ADMIN &&
		    deny(peer, m2, st, msg, msg_size))
			return NULL;

	/* 1. Everything checked, nothing written, nothing running touched. */
	r = agent_cfg_prepare_set(a->cfg, ch, n, &ncfg, &changed, msg, msg_size);
	if (r == 0) {
		r = exchange_prepare(a, ncfg, &tp, m2, sizeof(m2));
		if (r < 0)
			snprintf(msg, msg_size, "%s: refused, the server settings would not "
				 "work: %s", what, m2);
	}
	if (r < 0) {
		*st = r == -EINVAL ? CTL_E_INVALID_VALUE : CTL_E_FAILED;
		log_warn("control: uid %u pid %d: set %s refused: %s",
			 (unsigned int)peer->uid, (int)peer->pid, shown, msg);
		agent_cfg_free(ncfg);
		return NULL;
	}
	/* 2. Saved (only if the file changes), 3. then applied. */
	if (changed && agent_cfg_save(ncfg, msg, msg_size) < 0) {
		*st = CTL_E_FAILED;
		log_err("control: uid %u pid %d: set %s not saved: %s",
			(unsigned int)peer->uid, (int)peer->pid, shown, msg);
		exchange_discard(tp);
		agent_cfg_free(ncfg);
		return NULL;
	}
	exchange_apply(a, ncfg, tp);
	agent_cfg_free(a->cfg);
	a->cfg = ncfg;
	if (!a->opts.verbose)
		log_set_level(agent_cfg_log_level(a->cfg));
	log_notice("control: uid %u pid %d set %s (%s %s)",
		   (unsigned int)peer->uid, (int)peer->pid, shown,
		   changed ? "saved to" : "already in", a->config_path);
	if (was_enabled != agent_enabled(a))
		agent_apply_enabled(a);
	else
		agent_schedule_poll(a);
	exchange_kick(a);
	if (startup && changed)
		snprintf(m2, sizeof(m2), "%s saved; esold uses it from its next start", what);
	else
		snprintf(m2, sizeof(m2), "%s %s", what, changed ? "saved" : "unchanged");
	return message(m2);
}

/*
 * Set (req->user, req->password) or clear esold's own proxy credentials:
 * an operator's change.  Checked, then the transport made with them, then
 * the file written, then applied; a refusal changes nothing.  The
 * password is in no log line and no reply.
 */
static json_t *do_proxy_creds(struct agent *a, const struct ctl_request *req,
			      const struct control_peer *peer, enum ctl_status *st,
			      char *msg, size_t msg_size)
{
	bool set = req->cmd == CTL_CMD_PROXY_CREDS_SET;
	const char *what = set ? "proxy-credentials-set" : "proxy-credentials-clear";
	struct net_transport *tp = NULL;
	struct agent_cfg *ncfg = NULL;
	struct agent_cfg_proxy p;
	char m2[AGENT_MSG_MAX + CTL_CRED_MAX + 160];
	int r;

	r = agent_cfg_with_creds(a->cfg, set ? req->user : NULL, set ? req->password : NULL,
				 &ncfg, msg, msg_size);
	if (r == 0) {
		r = exchange_prepare(a, ncfg, &tp, m2, sizeof(m2));
		if (r < 0)
			snprintf(msg, msg_size, "refused, the proxy settings would not work: %s",
				 m2);
	}
	if (r == 0) {
		r = agent_cfg_creds_save(ncfg, msg, msg_size);
		if (r < 0)
			exchange_discard(tp);
	}
	if (r < 0) {
		*st = r == -EINVAL ? CTL_E_INVALID_VALUE : CTL_E_FAILED;
		log_warn("control: uid %u pid %d: %s refused: %s", (unsigned int)peer->uid,
			 (int)peer->pid, what, msg);
		agent_cfg_free(ncfg);
		return NULL;
	}
	exchange_apply(a, ncfg, tp);
	agent_cfg_free(a->cfg);
	a->cfg = ncfg;
	agent_cfg_proxy_info(a->cfg, &p);
	if (set) {
		log_notice("control: uid %u pid %d set the proxy credentials: user %s, a "
			   "password (saved to %s)", (unsigned int)peer->uid, (int)peer->pid,
			   req->user, agent_cfg_creds_path(a->cfg));
		snprintf(m2, sizeof(m2), "proxy credentials saved (user %s)%s", req->user,
			 p.file_set ? "; proxy.credentials_file (set by root) wins over them "
				      "while it is set" : "");
	} else {
		log_notice("control: uid %u pid %d cleared the proxy credentials (%s removed)",
			   (unsigned int)peer->uid, (int)peer->pid, agent_cfg_creds_path(a->cfg));
		snprintf(m2, sizeof(m2), "proxy credentials cleared%s",
			 p.file_set ? "; proxy.credentials_file (set by root) still gives some" : "");
	}
	exchange_kick(a);
	return message(m2);
}

/*
 * A peer of the read-only socket (control.read_socket) may read: the
 * status, the transmission log and the spool list.  Anything else is
 * refused, and logged with the peer.
 */
static bool deny_reader(const struct control_peer *peer, enum ctl_cmd cmd,
			enum ctl_status *st, char *msg, size_t msg_size)
{
	if (!peer->read_only || cmd == CTL_CMD_STATUS || cmd == CTL_CMD_LOG ||
	    cmd == CTL_CMD_SPOOL_LIST)
		return false;
	*st = CTL_E_PERMISSION;
	snprintf(msg, msg_size, "%s: this is the read-only socket: uid %u may read the "
		 "status, the log and the spool list here; changes go through the control "
		 "socket (its group's members)", ctl_cmd_name(cmd), (unsigned int)peer->uid);
	log_warn("control: uid %u pid %d: %s refused: read-only socket",
		 (unsigned int)peer->uid, (int)peer->pid, ctl_cmd_name(cmd));
	return true;
}

json_t *agent_ctl_handle(void *arg, const struct ctl_request *req,
			 const struct control_peer *peer, enum ctl_status *st,
			 char *msg, size_t msg_size)
{
	struct agent *a = arg;
	int r;

	if (deny_reader(peer, req->cmd, st, msg, msg_size))
		return NULL;
	switch (req->cmd) {
	case CTL_CMD_STATUS:
		return status(a);
	case CTL_CMD_POLL_NOW:
		if (!agent_enabled(a)) {
			*st = CTL_E_FAILED;
			snprintf(msg, msg_size, "participation is off (esolctl set enabled true)");
			return NULL;
		}
		if (exchange_unusable(a)) {
			*st = CTL_E_FAILED;
			snprintf(msg, msg_size, "nothing can be sent: %s", exchange_unusable(a));
			return NULL;
		}
		log_notice("control: uid %u pid %d asked for a poll now",
			   (unsigned int)peer->uid, (int)peer->pid);
		/* The poll under way is the one asked for: no second one after it. */
		if (a->job.kind == JOB_POLL)
			return message("a poll is already under way");
		a->poll_due = true;
		a->n_held = 0;
		/* The admin asks now: the back-off does not make them wait. */
		if (a->in_backoff) {
			loop_timer_disarm(&a->t_retry);
			a->in_backoff = false;
		}
		exchange_kick(a);
		if (a->job.kind == JOB_POLL)
			return message("poll started");
		if (a->job.kind != JOB_NONE)	/* a spooled message goes first */
			return message("poll queued after the spooled messages");
		if (a->poll_due)
			return message("poll queued");
		/* start_poll() gave up at once (no print engine, cannot build it) */
		*st = CTL_E_FAILED;
		snprintf(msg, msg_size, "the poll did not start: %s", a->last_poll_result);
		return NULL;
	case CTL_CMD_SET:
		return do_set(a, req, peer, st, msg, msg_size);
	case CTL_CMD_PROXY_CREDS_SET:
	case CTL_CMD_PROXY_CREDS_CLEAR:
		return do_proxy_creds(a, req, peer, st, msg, msg_size);
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
		if (deny(peer, "spool clear", st, msg, msg_size))
			return NULL;
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
