/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * agent_priv: the agent context shared by agent.c (life cycle, timers,
 * signals, print engine), exchange.c (the transfers with the server) and
 * agent_ctl.c (control-socket commands).  Not used outside the agent.
 */
#ifndef ESOL_AGENT_AGENT_PRIV_H
#define ESOL_AGENT_AGENT_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "agent/agent.h"
#include "agent/control.h"
#include "agent/limits.h"
#include "agent/loop.h"
#include "agent/state.h"
#include "agent/supplies.h"
#include "lib/libprinteng.h"
#include "proto/proto.h"

/* The one version (VERSION, via the build): reported in every poll. */
#define AGENT_VERSION		ESOL_VERSION
#define AGENT_HELD_MAX		64	/* spool entries refused by the server */
#define AGENT_MSG_MAX		256

enum job_kind { JOB_NONE, JOB_POLL, JOB_READ, JOB_SUPPLIES };

/* The one transfer in progress. */
struct job {
	enum job_kind kind;
	char name[PROTO_ID_MAX + 16];	/* spool entry name (READ/SUPPLIES) */
	char id[PROTO_ID_MAX + 1];	/* read_id / report_id */
	char *body;			/* exact bytes sent (malloc'd) */
	size_t len;
	char tag[PROTO_TAG_LEN + 1];	/* POLL: its identity's tag */
	bool brief;			/* POLL: sent with the tag, not the identity */
};

struct agent {
	struct agent_opts opts;
	char config_path[PATH_MAX];
	struct agent_cfg *cfg;		/* the running configuration */

	struct loop loop;
	int sigfd;
	struct loop_watch sigw;
	struct loop_timer t_watchdog;	/* CLOCK_MONOTONIC: sd_notify WATCHDOG=1 */
	uint64_t watchdog_usec;
	struct loop_timer t_poll;	/* CLOCK_REALTIME, abs, cancel-on-set */
	struct loop_timer t_retry;	/* CLOCK_BOOTTIME: back-off */
	struct loop_timer t_supplies;	/* CLOCK_BOOTTIME: supplies due */
	struct loop_timer t_identity;	/* CLOCK_BOOTTIME: read the engine's serial again */
	uint32_t identity_retry_ms;	/* the last wait for it, 0: not waiting */
	bool started;			/* agent_new() done: timers may be armed */
	struct control ctl;
	bool ctl_open;
	struct control ctl_ro;		/* control.read_socket: readers only */
	bool ctl_ro_open;

	/* print engine */
	struct printeng_ctx *pe;
	struct printeng_dev *dev;
	struct printeng_nl *nl;
	struct loop_watch nlw;
	char dev_serial[PRINTENG_SERIAL_LEN];	/* the identity; "" unknown: no poll */

	/* persistent state and the assistants */
	struct agent_state st;		/* as running */
	struct agent_state st_saved;	/* as on disk */
	struct supplies_asst sup;

	struct agent_net *net;		/* spool, transport, back-off, txlog */

	/* what must happen */
	bool poll_due;			/* a poll is wanted */
	bool in_backoff;		/* t_retry armed after a failure */
	struct job job;
	char held[AGENT_HELD_MAX][PROTO_ID_MAX + 16];
	unsigned int n_held;
	/* confirmed by the server but not removable from the spool: never sent again */
	char confirmed[AGENT_HELD_MAX][PROTO_ID_MAX + 16];
	unsigned int n_confirmed;
	/* server-asked extra polls in the current 24 h window (CLOCK_BOOTTIME ms) */
	uint64_t repoll_window_ms;
	unsigned int repolls;
	uint32_t supplies_retry_s;	/* wait after a report could not be stored, 0: none */

	/* for status */
	int64_t next_poll;		/* Unix s, 0: none */
	int64_t last_poll_try;		/* Unix s */
	char last_poll_result[AGENT_MSG_MAX];
	char last_error[AGENT_MSG_MAX];
	int64_t last_error_time;
	char proxy_used[320];
	uint64_t polls, reads_sent, supplies_sent;
};

/* agent.c */
void agent_set_error(struct agent *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Take a snapshot (opening the device when needed); msg on error. */
int agent_snapshot(struct agent *a, struct printeng_snap *snap);
/* Persist the agent state if it changed. */
void agent_save_state(struct agent *a);
/* Recompute and arm the daily poll timer. */
void agent_schedule_poll(struct agent *a);
/* Re-arm the supplies timer from the assistant's decision; take a report when due. */
void agent_supplies_update(struct agent *a);
/* Feed supply states of a snapshot to the Supplies Assistant. */
void agent_note_snapshot(struct agent *a, const struct printeng_snap *snap);
bool agent_enabled(const struct agent *a);
/* Participation: stop everything / start again. */
void agent_apply_enabled(struct agent *a);
/* Reload the config file; msg says why on refusal. */
int agent_reload(struct agent *a, char *msg, size_t msg_size);

/* agent_ctl.c */
json_t *agent_ctl_handle(void *arg, const struct ctl_request *req,
			 const struct control_peer *peer, enum ctl_status *st,
			 char *msg, size_t msg_size);

#endif /* ESOL_AGENT_AGENT_PRIV_H */
