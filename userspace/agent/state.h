/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * state: the agent's own small state that must survive restarts, kept in
 * one JSON file (state_dir/state.json).
 *
 * What the server told the Supplies Assistant (enabled, interval), when
 * the last supplies report was taken, when the last poll was attempted
 * (so a device that was off at poll time polls once when it is back) and
 * when one last succeeded (reported to the server), and the identity tag
 * of the last poll the server answered (docs/protocol.md, "Brief polls"),
 * so a restarted agent still polls briefly while nothing changed.
 * The file is rewritten atomically (temp file, fsync, rename, directory
 * fsync) and only when a value changed: polling itself writes nothing
 * but the last-poll time, once a day.
 */
#ifndef ESOL_AGENT_STATE_H
#define ESOL_AGENT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AGENT_STATE_FILE	"state.json"
#define AGENT_STATE_VERSION	1

struct agent_state {
	bool supplies_enabled;
	uint32_t supplies_interval_s;	/* 0 when disabled */
	int64_t supplies_last_sent;	/* Unix s a report was taken; 0 never */
	int64_t last_poll;		/* Unix s of the last poll attempt; 0 never */
	int64_t last_poll_ok;		/* Unix s of the last successful poll; 0 never */
	char identity_tag[17];		/* the server has it on file; "": none known */
};

void agent_state_defaults(struct agent_state *st);
bool agent_state_equal(const struct agent_state *a, const struct agent_state *b);

/*
 * Load dir/state.json.  A missing file gives the defaults and 0.  A file
 * that cannot be parsed or holds out-of-range values gives the defaults,
 * -EBADMSG and a message naming the problem (the caller logs it; the bad
 * file is left for the next save to replace).  Other errors: -errno.
 */
int agent_state_load(const char *dir, struct agent_state *st,
		     char *msg, size_t msg_size);

/* Write dir/state.json atomically.  Returns 0 or -errno (old file kept). */
int agent_state_save(const char *dir, const struct agent_state *st);

#endif /* ESOL_AGENT_STATE_H */
