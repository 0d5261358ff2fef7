/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * exchange: esold's transfers with the Communication Server.
 *
 * One transfer at a time, over the net transport driven by the agent's
 * loop.  What the spool holds goes first, oldest first (meter reads and
 * supplies reports, each removed only when the server confirms it,
 * "stored" or "duplicate"); then a poll when one is due.  A failure
 * backs off (exponential, full jitter, Retry-After honoured) on
 * CLOCK_BOOTTIME; a message the server refuses (4xx) stays in the spool,
 * held until the next scheduled poll, reload or poll-now.  Every
 * exchange goes to the transmission log.
 */
#ifndef ESOL_AGENT_EXCHANGE_H
#define ESOL_AGENT_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "proto/proto.h"

struct agent;
struct agent_cfg;

/* Open the spool (recovering it), the transmission log and the transport. */
int exchange_init(struct agent *a, char *msg, size_t msg_size);
void exchange_free(struct agent *a);
/*
 * A new config in two steps: exchange_prepare() checks the files it names
 * and makes its transport (*tp NULL when it names no server) without
 * touching the running one: 0, or -errno with msg.  exchange_apply()
 * switches to it (cannot fail); exchange_discard() drops a prepared
 * transport that will not be used.  exchange_reconfigure() does both.
 */
struct net_transport;
int exchange_prepare(struct agent *a, const struct agent_cfg *ncfg,
		     struct net_transport **tp, char *msg, size_t msg_size);
void exchange_apply(struct agent *a, const struct agent_cfg *ncfg, struct net_transport *tp);
void exchange_discard(struct net_transport *tp);
int exchange_reconfigure(struct agent *a, struct agent_cfg *ncfg,
			 char *msg, size_t msg_size);
/* Why nothing can be sent (no server set, settings unusable), or NULL. */
const char *exchange_unusable(const struct agent *a);
/* Start the next transfer if there is one to do and nothing in flight. */
/* The schedule changed (config, clock step): what save_poll_state() knew is stale. */
void exchange_schedule_changed(struct agent *a);
void exchange_kick(struct agent *a);
/* Cancel the transfer in flight (participation off); the spool stays. */
void exchange_stop(struct agent *a);
/* Retry timer callback (back-off over). */
struct loop_timer;
void exchange_retry_fired(struct loop_timer *t, bool cancelled);
/* Snapshot, build and spool a supplies report. */
int exchange_take_supplies(struct agent *a, enum proto_supplies_trigger trig);

/* When the newest supplies report in the spool was taken (Unix s), 0: none. */
int64_t exchange_spooled_supplies_newest(const struct agent *a);

/* For the control socket. */
size_t exchange_spool_count(const struct agent *a);
/* Milliseconds to the poll the server asked for (retry_after_s), -1: none. */
int64_t exchange_repoll_in_ms(const struct agent *a);
/* {"entries":[{id,kind,created,bytes,sending,held}...],"bytes":N}; NULL on ENOMEM. */
json_t *exchange_spool_json(struct agent *a);
/* Cancel a spooled message in flight and delete them all: count or -errno. */
int exchange_spool_clear(struct agent *a);
/* {"records":[...]} of the last n transmission-log records; NULL + msg on error. */
json_t *exchange_txlog_json(struct agent *a, unsigned int n, char *msg, size_t msg_size);

#endif /* ESOL_AGENT_EXCHANGE_H */
