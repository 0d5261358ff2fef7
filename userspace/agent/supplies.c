// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* supplies: the Supplies Assistant's decisions; see supplies.h. */
#include <string.h>

#include "agent/supplies.h"

void supplies_init(struct supplies_asst *s, bool enabled, uint32_t interval_s,
		   int64_t last_sent)
{
	memset(s, 0, sizeof(*s));
	s->enabled = enabled && interval_s > 0;
	s->interval_s = s->enabled ? interval_s : 0;
	s->last_sent = last_sent;
}

bool supplies_apply_server(struct supplies_asst *s, bool enabled,
			   uint32_t interval_s)
{
	bool was = s->enabled;

	if (enabled && interval_s == 0)
		enabled = false;
	if (!enabled)
		interval_s = 0;
	if (was == enabled && s->interval_s == interval_s)
		return false;
	s->enabled = enabled;
	s->interval_s = interval_s;
	if (enabled && !was)
		s->enable_pending = true;
	if (!enabled) {
		s->enable_pending = false;
		s->event_pending = false;
	}
	return true;
}

/* ok < low < empty; missing is not a level and triggers nothing. */
static int severity(uint8_t st)
{
	switch (st) {
	case PROTO_STATE_OK:
		return 0;
	case PROTO_STATE_LOW:
		return 1;
	case PROTO_STATE_EMPTY:
		return 2;
	default:
		return -1;
	}
}

bool supplies_note_states(struct supplies_asst *s, const uint8_t *states,
			  unsigned int n, uint64_t now_ms)
{
	bool worse = false;
	unsigned int i;
	uint64_t at;

	if (n > PROTO_SUPPLIES_MAX)
		n = PROTO_SUPPLIES_MAX;
	for (i = 0; s->have_states && i < n; i++) {
		int now_sev = severity(states[i]);
		/* A new slot counts as "was ok". */
		int old_sev = i < s->n_states ? severity(s->states[i]) : 0;

		if (now_sev >= 1 && now_sev > old_sev)
			worse = true;
	}
	memcpy(s->states, states, n);
	s->n_states = n;
	s->have_states = true;
	if (!worse || !s->enabled)
		return false;
	if (s->event_pending)
		return true;	/* coalesced into the one already pending */
	at = now_ms + SUPPLIES_COALESCE_MS;
	if (s->event_sent && at < s->last_event_ms + SUPPLIES_EVENT_GAP_MS)
		at = s->last_event_ms + SUPPLIES_EVENT_GAP_MS;
	s->event_pending = true;
	s->event_at_ms = at;
	return true;
}

bool supplies_due(const struct supplies_asst *s, int64_t now, uint64_t now_ms,
		  enum proto_supplies_trigger *trigger, uint64_t *wait_ms)
{
	uint64_t wait = UINT64_MAX, w;
	int64_t next, interval;

	*wait_ms = UINT64_MAX;
	if (!s->enabled)
		return false;
	if (s->enable_pending) {
		*trigger = PROTO_TRIGGER_ENABLED;
		return true;
	}
	if (s->event_pending) {
		if (now_ms >= s->event_at_ms) {
			*trigger = PROTO_TRIGGER_EVENT;
			return true;
		}
		wait = s->event_at_ms - now_ms;
	}
	interval = s->interval_s;
	if (s->last_sent <= 0 || s->last_sent > now) {
		/*
		 * Never sent, or the last report is "in the future" (the wall
		 * clock was stepped back): a full interval from now, never a
		 * burst and never an endless wait.
		 */
		next = s->last_sent <= 0 ? now : now + interval;
	} else {
		next = s->last_sent + interval;
	}
	if (next <= now) {
		*trigger = PROTO_TRIGGER_INTERVAL;
		return true;
	}
	w = (uint64_t)(next - now) * 1000;
	if (w < wait)
		wait = w;
	*wait_ms = wait;
	return false;
}

bool supplies_note_spooled(struct supplies_asst *s, int64_t created)
{
	if (created <= s->last_sent)
		return false;
	s->last_sent = created;
	s->enable_pending = false;
	return true;
}

void supplies_taken(struct supplies_asst *s, enum proto_supplies_trigger trigger,
		    int64_t now, uint64_t now_ms)
{
	/* Any report carries the whole table: it satisfies every reason. */
	s->last_sent = now;
	s->enable_pending = false;
	if (trigger == PROTO_TRIGGER_EVENT || s->event_pending) {
		s->event_pending = false;
		s->event_sent = true;
		s->last_event_ms = now_ms;
	}
}
