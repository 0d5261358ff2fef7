/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * agent: esold's context and its life cycle.  Owns the loop and wires
 * the modules together: signals (signalfd), the systemd watchdog, the
 * control socket, the daily poll timer, the retry timer, the Supplies
 * Assistant's timer, the print-engine change notifications, and the one
 * transfer in progress.
 */
#ifndef ESOL_AGENT_AGENT_H
#define ESOL_AGENT_AGENT_H

#include <stdbool.h>

#define AGENT_DEFAULT_CONFIG	"/etc/esol/esold.conf"

struct agent_opts {
	const char *config;	/* path of the INI file */
	const char *root;	/* prefix of /sys and /dev paths ("" normally) */
	bool verbose;		/* debug logging whatever the config says */
};

struct agent;

/*
 * Load the config, the agent state and the spool, open the print engine,
 * bind the control socket, arm the timers.  Logs and returns -errno on
 * failure (nothing left open).
 */
int agent_new(const struct agent_opts *o, struct agent **out);
/* Run until SIGTERM/SIGINT.  Returns 0 or -errno. */
int agent_run(struct agent *a);
void agent_free(struct agent *a);

#endif /* ESOL_AGENT_AGENT_H */
