/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * supplies: the Supplies Assistant's decisions.
 *
 * Off until the server enables it; then one report every interval the
 * server set (kept on the wall clock across restarts through the agent
 * state, and on CLOCK_BOOTTIME while running); and one at once when a
 * supply turns low or empty, coalesced over SUPPLIES_COALESCE_MS and
 * rate-limited to one per SUPPLIES_EVENT_GAP_MS.  This module only
 * decides: it takes times as arguments (so tests drive it with a fake
 * clock) and says when the next report is due and with what trigger.
 * The agent takes the snapshot, spools and sends the report.
 */
#ifndef ESOL_AGENT_SUPPLIES_H
#define ESOL_AGENT_SUPPLIES_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/proto.h"

#define SUPPLIES_COALESCE_MS	1000		/* gather a burst of events */
#define SUPPLIES_EVENT_GAP_MS	(60 * 1000)	/* at most one event report a minute */

struct supplies_asst {
	bool enabled;
	uint32_t interval_s;
	int64_t last_sent;		/* Unix s of the last report taken; 0 never */
	/* events */
	bool have_states;
	unsigned int n_states;
	uint8_t states[PROTO_SUPPLIES_MAX];	/* enum proto_supply_state by slot */
	bool event_pending;
	uint64_t event_at_ms;		/* monotonic ms the pending event is due */
	bool event_sent;
	uint64_t last_event_ms;		/* monotonic ms of the last event report */
	/* a report was asked for by the server enabling the assistant */
	bool enable_pending;
};

/* Start from what the agent state kept. */
void supplies_init(struct supplies_asst *s, bool enabled, uint32_t interval_s,
		   int64_t last_sent);

/*
 * The server's "supplies" action.  Returns true when enabled/interval
 * changed (the agent persists its state).  Becoming enabled asks for a
 * report at once (trigger "enabled").
 */
bool supplies_apply_server(struct supplies_asst *s, bool enabled,
			   uint32_t interval_s);

/*
 * The supply states of a fresh snapshot, in table order.  Returns true
 * when one turned low or empty (worse than before), which schedules an
 * event report when the assistant is enabled; the first call only
 * records the states.
 */
bool supplies_note_states(struct supplies_asst *s, const uint8_t *states,
			  unsigned int n, uint64_t now_ms);

/*
 * What is due.  now: Unix s (wall clock) and now_ms (monotonic ms).
 * Returns true when a report is due now and sets *trigger; otherwise
 * sets *wait_ms to the time until the next report is due (UINT64_MAX
 * when none is: disabled).
 */
bool supplies_due(const struct supplies_asst *s, int64_t now, uint64_t now_ms,
		  enum proto_supplies_trigger *trigger, uint64_t *wait_ms);

/*
 * At start-up: the spool holds a report taken at created (Unix s).  A
 * report is spooled before the agent state records it, so after a crash
 * between the two the spool is the truth: it counts as the last report
 * taken, and no second report of the same state is made.  Returns true
 * when it is newer than what the state said (last_sent moved).
 */
bool supplies_note_spooled(struct supplies_asst *s, int64_t created);

/* A report with this trigger was taken (spooled) at now / now_ms. */
void supplies_taken(struct supplies_asst *s, enum proto_supplies_trigger trigger,
		    int64_t now, uint64_t now_ms);

#endif /* ESOL_AGENT_SUPPLIES_H */
