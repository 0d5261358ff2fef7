/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * limits: the floors and caps esold puts on what the server (or a
 * failing disk) could otherwise make it do, so that whatever the server
 * says, the device polls at a bounded rate and writes its flash a bounded
 * number of times a day.  docs/config.md ("Limits") and docs/protocol.md
 * ("Retry rules") list them, and test_limits checks those tables against
 * these constants (and the others it names: back-off, schedule,
 * Supplies Assistant, control socket).
 */
#ifndef ESOL_AGENT_LIMITS_H
#define ESOL_AGENT_LIMITS_H

/*
 * No poll sooner than this after the last one, unless the administrator
 * asks (poll-now): the floor of a server's "poll again after"
 * (retry_after_s) and of the retry of a failed poll.
 */
#define AGENT_POLL_MIN_INTERVAL_S	300
/* Extra polls a server may ask for (retry_after_s) in 24 h; more are ignored. */
#define AGENT_REPOLLS_PER_DAY		12
/*
 * A spool or state write that failed (disk full, read-only, I/O error) is
 * tried again after the back-off; a supplies report that could not be
 * stored is taken again after 1 min, doubling up to this.
 */
#define AGENT_SUPPLIES_RETRY_MIN_S	60
#define AGENT_SUPPLIES_RETRY_MAX_S	3600

/* While the engine's serial is unknown, it is read again after 1 s, 2 s, ... 10 min. */
#define AGENT_IDENTITY_RETRY_MIN_MS	1000u
#define AGENT_IDENTITY_RETRY_MAX_MS	(10u * 60 * 1000)

#endif /* ESOL_AGENT_LIMITS_H */
