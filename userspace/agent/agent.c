// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * agent: esold's life cycle and wiring; see agent.h.  Signals, the
 * systemd watchdog, the print engine and its events, the daily poll
 * timer, the Supplies Assistant's timer, the persistent state, and
 * participation on/off.  The exchanges with the server are in
 * exchange.c, the control commands in agent_ctl.c.
 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "agent/agent_priv.h"
#include "agent/agent_cfg.h"
#include "agent/exchange.h"
#include "agent/meter.h"
#include "common/log.h"
#include "core/fsutil.h"

void agent_set_error(struct agent *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->last_error, sizeof(a->last_error), fmt, ap);
	va_end(ap);
	a->last_error_time = time(NULL);
}

bool agent_enabled(const struct agent *a)
{
	return agent_cfg_enabled(a->cfg);
}


static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- state ---- */

void agent_save_state(struct agent *a)
{
	const char *dir = agent_cfg_state_dir(a->cfg);
	int r;

	a->st.supplies_enabled = a->sup.enabled;
	a->st.supplies_interval_s = a->sup.interval_s;
	a->st.supplies_last_sent = a->sup.last_sent;
	if (agent_state_equal(&a->st, &a->st_saved))
		return;
	r = agent_state_save(dir, &a->st);
	if (r < 0) {
		/* Kept in memory; written again at the next change. */
		log_err("cannot save agent state in %s: %s", dir, strerror(-r));
		agent_set_error(a, "cannot save agent state in %s: %s", dir, strerror(-r));
		return;
	}
	a->st_saved = a->st;
}

/* ---- print engine ---- */

static void nl_ready(struct loop_watch *w, uint32_t events);

static void pe_close(struct agent *a)
{
	if (a->nl) {
		loop_watch_del(&a->nlw);
		printeng_nl_close(a->nl);
		a->nl = NULL;
	}
	if (a->dev) {
		printeng_close(a->dev);
		a->dev = NULL;
	}
}

static int pe_open(struct agent *a)
{
	unsigned int idx[4];
	int n, r;

	if (a->dev)
		return 0;
	n = printeng_list(a->pe, idx, 4);
	if (n < 0)
		return n;
	if (n == 0)
		return -ENODEV;
	r = printeng_open(a->pe, idx[0], &a->dev);
	if (r < 0)
		return r;
	/* Supply events: the generic netlink family when there is one. */
	if (!a->nl) {
		r = printeng_nl_open(a->pe, PRINTENG_NL_EVENTS, &a->nl);
		if (r < 0) {
			log_info("no printeng netlink events (%s): supply changes are seen at each snapshot",
				 printeng_ctx_error(a->pe));
			a->nl = NULL;
		} else if (loop_watch_add(&a->loop, &a->nlw, printeng_nl_fd(a->nl), EPOLLIN,
					  nl_ready, a) < 0) {
			printeng_nl_close(a->nl);
			a->nl = NULL;
		}
	}
	return 0;
}

/*
 * The serial number spreads the daily poll over the fleet, so the
 * schedule waits for it: a first (or different) one recomputes it.
 */
static void note_identity(struct agent *a, const char *serial)
{
	if (strcmp(a->dev_serial, serial) == 0)
		return;
	if (a->dev_serial[0])
		log_notice("print engine serial changed from %s to %s", a->dev_serial,
			   serial[0] ? serial : "(none)");
	else
		log_info("print engine serial %s: the poll schedule can be made", serial);
	snprintf(a->dev_serial, sizeof(a->dev_serial), "%s", serial);
	if (a->started)
		agent_schedule_poll(a);
}

int agent_snapshot(struct agent *a, struct printeng_snap *snap)
{
	int r = pe_open(a);

	if (r == 0) {
		r = printeng_snapshot(a->dev, snap);
		if (r == -ENODEV) {
			pe_close(a);
			r = pe_open(a);
			if (r == 0)
				r = printeng_snapshot(a->dev, snap);
		}
	}
	if (r < 0) {
		const char *why = printeng_ctx_error(a->pe);

		agent_set_error(a, "print engine: %s", *why ? why : strerror(-r));
		log_err("print engine: %s", *why ? why : strerror(-r));
		return r;
	}
	note_identity(a, snap->serial);
	agent_note_snapshot(a, snap);
	return 0;
}

void agent_note_snapshot(struct agent *a, const struct printeng_snap *snap)
{
	uint8_t states[PROTO_SUPPLIES_MAX];
	unsigned int n = meter_supply_states(snap, states, PROTO_SUPPLIES_MAX);

	if (supplies_note_states(&a->sup, states, n, mono_ms())) {
		log_info("a supply turned low or empty: supplies report due");
		/* Re-armed by the caller's agent_supplies_update(). */
	}
}

static int on_event(const struct printeng_event *ev, void *arg)
{
	(void)arg;
	log_debug("printeng event %s on printeng%u", printeng_event_name(ev->type),
		  ev->index);
	return 0;
}

static void nl_ready(struct loop_watch *w, uint32_t events)
{
	struct agent *a = w->arg;
	struct printeng_snap snap;
	int r;

	(void)events;
	r = printeng_nl_events(a->nl, on_event, a);
	if (r == 0)
		return;
	if (r < 0 && r != -ENOBUFS && r != -EBADMSG)
		log_warn("printeng events: %s", printeng_ctx_error(a->pe));
	/* Something changed (or events were lost): look at the supplies. */
	if (agent_snapshot(a, &snap) == 0)
		agent_supplies_update(a);
}

/* ---- the daily poll ---- */

static void agent_poll_timer_check(struct agent *a);

static void poll_timer_fired(struct loop_timer *t, bool cancelled)
{
	struct agent *a = t->arg;

	if (cancelled) {
		log_info("the wall clock was set: recomputing the poll time");
		agent_schedule_poll(a);
		return;
	}
	agent_poll_timer_check(a);
}

/*
 * The poll timer fired: ask the schedule whether a poll is due now (the
 * slot of today passed without one: at the slot, after a clock step over
 * it, or when the device was off), start it if so, and re-arm.  The
 * schedule counts poll attempts: retrying a failed poll is the
 * back-off's job.
 */
static void agent_poll_timer_check(struct agent *a)
{
	int64_t next = 0;
	bool due = false;
	int r;

	if (!agent_enabled(a))
		return;
	r = agent_cfg_schedule(a->cfg, a->dev_serial, time(NULL), a->st.last_poll, &due, &next);
	if (r == 0 && due) {
		log_info("scheduled poll");
		/* saved when the poll ends (exchange.c: save_poll_state) */
		a->st.last_poll = time(NULL);
		a->n_held = 0;	/* refused messages get another chance each day */
		a->poll_due = true;
		exchange_kick(a);
	}
	agent_schedule_poll(a);
}

/* No identity yet: no schedule; read the engine again a little later. */
static void identity_wait(struct agent *a)
{
	if (a->t_identity.armed)
		return;
	if (!a->identity_retry_ms)
		log_notice("the print engine's serial number is not known yet: "
			   "no poll until it is");
	a->identity_retry_ms = a->identity_retry_ms ?
		(a->identity_retry_ms >= AGENT_IDENTITY_RETRY_MAX_MS / 2 ? AGENT_IDENTITY_RETRY_MAX_MS :
		 a->identity_retry_ms * 2) : AGENT_IDENTITY_RETRY_MIN_MS;
	loop_timer_after_ms(&a->t_identity, a->identity_retry_ms);
}

static void identity_timer_fired(struct loop_timer *t, bool cancelled)
{
	struct agent *a = t->arg;
	struct printeng_snap snap;

	(void)cancelled;
	if (!agent_enabled(a))
		return;
	/* A serial found reschedules (note_identity) and stops the retries. */
	if (agent_snapshot(a, &snap) == 0)
		agent_supplies_update(a);
	if (!a->dev_serial[0])
		identity_wait(a);
}

/*
 * Arm the poll timer at the schedule's next poll: the next slot, or a
 * short per-device catch-up delay when today's slot was missed.  Nothing
 * is armed before the engine's serial is known (it sets the spread).
 */
void agent_schedule_poll(struct agent *a)
{
	int64_t now = time(NULL), next = 0;
	char buf[PROTO_TIME_LEN + 1];
	bool due = false;
	int r;

	exchange_schedule_changed(a);
	if (!agent_enabled(a)) {
		loop_timer_disarm(&a->t_poll);
		loop_timer_disarm(&a->t_identity);
		a->next_poll = 0;
		return;
	}
	if (!a->dev_serial[0]) {
		loop_timer_disarm(&a->t_poll);
		a->next_poll = 0;
		identity_wait(a);
		return;
	}
	loop_timer_disarm(&a->t_identity);
	a->identity_retry_ms = 0;
	r = agent_cfg_schedule(a->cfg, a->dev_serial, now, a->st.last_poll, &due, &next);
	if (r < 0) {
		log_err("cannot compute the poll schedule: %s", strerror(-r));
		agent_set_error(a, "schedule: %s", strerror(-r));
		loop_timer_disarm(&a->t_poll);
		a->next_poll = 0;
		return;
	}
	if (due)
		log_info("the last scheduled poll was missed: catching up");
	r = loop_timer_at(&a->t_poll, next, true);
	if (r < 0) {
		log_err("cannot arm the poll timer: %s", strerror(-r));
		return;
	}
	a->next_poll = next;
	proto_time_format(next, buf);
	log_debug("next poll at %s", buf);
}

/* ---- supplies ---- */

static void supplies_timer_fired(struct loop_timer *t, bool cancelled)
{
	(void)cancelled;
	agent_supplies_update(t->arg);
}

void agent_supplies_update(struct agent *a)
{
	enum proto_supplies_trigger trig;
	uint64_t wait;

	if (!agent_enabled(a)) {
		loop_timer_disarm(&a->t_supplies);
		return;
	}
	if (supplies_due(&a->sup, time(NULL), mono_ms(), &trig, &wait)) {
		int r = exchange_take_supplies(a, trig);

		if (r < 0) {
			/*
			 * Could not take the report (engine gone, spool failing):
			 * try again in a minute, then doubling up to an hour.
			 */
			a->supplies_retry_s = !a->supplies_retry_s ? AGENT_SUPPLIES_RETRY_MIN_S :
				a->supplies_retry_s >= AGENT_SUPPLIES_RETRY_MAX_S / 2 ?
				AGENT_SUPPLIES_RETRY_MAX_S : a->supplies_retry_s * 2;
			wait = (uint64_t)a->supplies_retry_s * 1000;
			log_info("supplies report: trying again in %u s",
				 (unsigned int)a->supplies_retry_s);
		} else {
			a->supplies_retry_s = 0;
			supplies_taken(&a->sup, trig, time(NULL), mono_ms());
			agent_save_state(a);
			exchange_kick(a);
			supplies_due(&a->sup, time(NULL), mono_ms(), &trig, &wait);
		}
	}
	/*
	 * Recomputed after every poll and snapshot; a deadline that moved by
	 * less than a second (the assistant coalesces events over 1 s anyway)
	 * is not armed again.
	 */
	if (wait == UINT64_MAX)
		loop_timer_disarm(&a->t_supplies);
	else
		loop_timer_after_ms_slack(&a->t_supplies, wait, 1000);
}

/* ---- participation ---- */

void agent_apply_enabled(struct agent *a)
{
	if (!agent_enabled(a)) {
		/* Nothing leaves the device, at once. */
		exchange_stop(a);
		loop_timer_disarm(&a->t_poll);
		loop_timer_disarm(&a->t_retry);
		loop_timer_disarm(&a->t_supplies);
		loop_timer_disarm(&a->t_identity);
		a->in_backoff = false;
		a->poll_due = false;
		a->next_poll = 0;
		log_notice("participation is off: no data leaves the device");
		return;
	}
	agent_schedule_poll(a);
	agent_supplies_update(a);
	exchange_kick(a);
}

/* ---- signals and watchdog ---- */

static void signal_ready(struct loop_watch *w, uint32_t events)
{
	struct agent *a = w->arg;
	struct signalfd_siginfo si;
	char msg[AGENT_MSG_MAX];

	(void)events;
	while (read(a->sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			log_info("SIGHUP: reloading %s", a->config_path);
			sd_notify(0, "RELOADING=1");
			if (agent_reload(a, msg, sizeof(msg)) < 0)
				log_err("reload refused, running config kept: %s", msg);
			sd_notify(0, "READY=1");
			break;
		case SIGTERM:
		case SIGINT:
			log_info("%s: stopping", strsignal((int)si.ssi_signo));
			loop_stop(&a->loop);
			break;
		default:
			break;
		}
	}
}

static void watchdog_fired(struct loop_timer *t, bool cancelled)
{
	struct agent *a = t->arg;

	(void)cancelled;
	sd_notify(0, "WATCHDOG=1");
	loop_timer_after_ms(&a->t_watchdog, a->watchdog_usec / 2000);
}

static int setup_signals(struct agent *a)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	a->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (a->sigfd < 0)
		return -errno;
	return loop_watch_add(&a->loop, &a->sigw, a->sigfd, EPOLLIN, signal_ready, a);
}

/* ---- control socket ---- */

/* A group name to its gid; "" is (gid_t)-1 (leave the socket's group alone). */
static int group_gid(const char *key, const char *group, gid_t *gid)
{
	struct group *g;

	*gid = (gid_t)-1;
	if (!group || !*group)
		return 0;
	g = getgrnam(group);
	if (!g) {
		log_err("%s \"%s\": no such group", key, group);
		return -ENOENT;
	}
	*gid = g->gr_gid;
	return 0;
}

static int open_one(struct agent *a, struct control *c, const char *path, mode_t mode,
		    gid_t gid)
{
	int r = control_open(c, &a->loop, path, mode, gid, agent_ctl_handle, a);

	if (r == -EADDRINUSE)
		log_err("control socket %s: another esold is running", path);
	else if (r < 0)
		log_err("control socket %s: %s", path, strerror(-r));
	return r;
}

/*
 * The control socket (mode 0660, control.group: operators), and when
 * control.read_socket is set a second one whose peers may only read
 * (0660 with control.read_group, or 0666 when no group is given: any
 * local user may read the status, as with libvirt's read-only socket).
 */
static int open_control(struct agent *a)
{
	const char *ro = agent_cfg_control_read_socket(a->cfg);
	const char *ro_group = agent_cfg_control_read_group(a->cfg);
	gid_t gid, ro_gid = (gid_t)-1;
	int r;

	r = group_gid("control.group", agent_cfg_control_group(a->cfg), &gid);
	if (r == 0 && ro && *ro)
		r = group_gid("control.read_group", ro_group, &ro_gid);
	if (r < 0)
		return r;
	r = open_one(a, &a->ctl, agent_cfg_control_socket(a->cfg), 0660, gid);
	if (r < 0)
		return r;
	a->ctl_open = true;
	if (!ro || !*ro)
		return 0;
	r = open_one(a, &a->ctl_ro, ro, ro_group && *ro_group ? 0660 : 0666, ro_gid);
	if (r < 0)
		return r;
	a->ctl_ro.read_only = true;
	a->ctl_ro_open = true;
	return 0;
}

/* ---- reload ---- */

int agent_reload(struct agent *a, char *msg, size_t msg_size)
{
	struct agent_cfg *ncfg = NULL;
	struct net_transport *tp;
	bool was_enabled = agent_enabled(a);
	int r;

	r = agent_cfg_load(a->config_path, &ncfg, msg, msg_size);
	if (r == 0)
		r = agent_cfg_check_startup(ncfg, a->cfg, msg, msg_size);
	if (r < 0) {
		agent_cfg_free(ncfg);
		return r;
	}
	if (agent_cfg_follow(ncfg, a->cfg))
		log_notice("%s: the paths, control socket or group changed: they take effect "
			   "when esold restarts", a->config_path);
	r = exchange_prepare(a, ncfg, &tp, msg, msg_size);
	if (r < 0) {
		agent_cfg_free(ncfg);
		return r;
	}
	exchange_apply(a, ncfg, tp);
	agent_cfg_free(a->cfg);
	a->cfg = ncfg;
	if (!a->opts.verbose)
		log_set_level(agent_cfg_log_level(a->cfg));
	a->n_held = 0;
	log_info("configuration reloaded from %s", a->config_path);
	if (was_enabled != agent_enabled(a) || !agent_enabled(a))
		agent_apply_enabled(a);
	else
		agent_schedule_poll(a);
	exchange_kick(a);
	return 0;
}

/* ---- life cycle ---- */

int agent_new(const struct agent_opts *o, struct agent **out)
{
	struct agent *a;
	char msg[AGENT_MSG_MAX];
	uint64_t usec = 0;
	int r;

	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->opts = *o;
	a->sigfd = -1;
	snprintf(a->config_path, sizeof(a->config_path), "%s", o->config);
	r = loop_init(&a->loop);
	if (r < 0)
		goto fail;

	r = agent_cfg_load(a->config_path, &a->cfg, msg, sizeof(msg));
	if (r < 0) {
		log_err("%s", msg);
		goto fail;
	}
	/*
	 * Once, at start: a power cut inside credstore_save() can leave its
	 * temporary file (a copy of the password) beside the real one.  One
	 * that cannot be removed is 0600 in esold's own directory and in no
	 * one's way, so a failure here is not worth stopping for.
	 */
	(void)fsu_remove_stale_temps(agent_cfg_creds_path(a->cfg));
	if (!o->verbose)
		log_set_level(agent_cfg_log_level(a->cfg));

	r = agent_state_load(agent_cfg_state_dir(a->cfg), &a->st, msg, sizeof(msg));
	if (r == -EBADMSG)
		log_warn("agent state ignored (supplies stay off until the server says): %s", msg);
	else if (r < 0) {
		log_err("agent state: %s", msg);
		goto fail;
	}
	a->st_saved = a->st;
	supplies_init(&a->sup, a->st.supplies_enabled, a->st.supplies_interval_s,
		      a->st.supplies_last_sent);

	r = printeng_ctx_new(o->root && *o->root ? o->root : NULL, &a->pe);
	if (r < 0) {
		log_err("print engine: %s", strerror(-r));
		goto fail;
	}
	{
		struct printeng_snap snap;

		/* The serial spreads the schedule; the states are the baseline. */
		r = pe_open(a);
		if (r == 0)
			r = printeng_snapshot(a->dev, &snap);
		if (r == 0) {
			note_identity(a, snap.serial);
			agent_note_snapshot(a, &snap);
		} else {
			/* Not fatal: the engine may appear later (agent_schedule_poll waits). */
			log_warn("print engine not available yet: %s",
				 printeng_ctx_error(a->pe));
		}
	}

	if ((r = loop_timer_init(&a->loop, &a->t_poll, CLOCK_REALTIME, poll_timer_fired, a)) ||
	    (r = loop_timer_init(&a->loop, &a->t_retry, CLOCK_BOOTTIME, exchange_retry_fired, a)) ||
	    (r = loop_timer_init(&a->loop, &a->t_supplies, CLOCK_BOOTTIME,
				 supplies_timer_fired, a)) ||
	    (r = loop_timer_init(&a->loop, &a->t_identity, CLOCK_BOOTTIME,
				 identity_timer_fired, a)) ||
	    (r = loop_timer_init(&a->loop, &a->t_watchdog, CLOCK_MONOTONIC,
				 watchdog_fired, a))) {
		log_err("timers: %s", strerror(-r));
		goto fail;
	}
	r = setup_signals(a);
	if (r < 0) {
		log_err("signals: %s", strerror(-r));
		goto fail;
	}
	r = exchange_init(a, msg, sizeof(msg));
	if (r < 0) {
		log_err("%s", msg);
		goto fail;
	}
	/*
	 * A supplies report is spooled before state.json records it: after a
	 * crash (or power cut) between the two, the spooled report is the
	 * last one taken, or start-up would take a second report of the same
	 * state and the server would store both.
	 */
	if (supplies_note_spooled(&a->sup, exchange_spooled_supplies_newest(a))) {
		log_info("the spool holds a supplies report the agent state did not record: "
			 "it counts as the last report");
		/* Recorded before it is sent: once removed, only state.json knows. */
		agent_save_state(a);
	}
	r = open_control(a);
	if (r < 0)
		goto fail;
	if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2000) {
		a->watchdog_usec = usec;
		loop_timer_after_ms(&a->t_watchdog, usec / 2000);
	}
	a->started = true;
	if (agent_enabled(a)) {
		/* Whatever the spool holds goes out first. */
		agent_schedule_poll(a);
		agent_supplies_update(a);
		exchange_kick(a);
	} else {
		log_notice("participation is off: no data leaves the device");
	}
	*out = a;
	return 0;
fail:
	agent_free(a);
	return r < 0 ? r : -EINVAL;
}

int agent_run(struct agent *a)
{
	int r = loop_run(&a->loop);

	if (r < 0)
		log_err("event loop: %s", strerror(-r));
	return r;
}

void agent_free(struct agent *a)
{
	if (!a)
		return;
	if (a->ctl_ro_open)
		control_close(&a->ctl_ro);
	if (a->ctl_open)
		control_close(&a->ctl);
	exchange_free(a);
	loop_timer_close(&a->t_poll);
	loop_timer_close(&a->t_retry);
	loop_timer_close(&a->t_supplies);
	loop_timer_close(&a->t_identity);
	loop_timer_close(&a->t_watchdog);
	if (a->sigfd >= 0) {
		loop_watch_del(&a->sigw);
		close(a->sigfd);
	}
	pe_close(a);
	printeng_ctx_free(a->pe);
	agent_cfg_free(a->cfg);
	loop_close(&a->loop);
	free(a);
}
