/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * agent_cfg: the running configuration as esold uses it.  A thin layer
 * over core/config (which loads, validates and saves the INI file): it
 * owns one loaded config and answers what the other agent modules ask
 * (participation, paths, the next poll time through core/schedule, the
 * settings in protocol and transport form), and applies "set KEY VALUE"
 * from the control socket (validated by core/config, saved atomically).
 */
#ifndef ESOL_AGENT_AGENT_CFG_H
#define ESOL_AGENT_AGENT_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"
#include "net/transport.h"
#include "proto/proto.h"

struct agent_cfg;

/*
 * The manual proxy's credentials come from one of two files:
 *  - proxy.credentials_file, root's (the config file names it; read when
 *    the mode is manual; a file that cannot be used refuses the config);
 *  - esold's own, state_dir/proxy-credentials (core/credstore.h), which
 *    an operator sets and clears over the control socket; a file that
 *    cannot be used means no credentials (the reason is in the status).
 * Root's file wins when both are there: the config decides.
 */

/* Load and validate path.  -errno, with the bad key and line in msg. */
int agent_cfg_load(const char *path, struct agent_cfg **out,
		   char *msg, size_t msg_size);
void agent_cfg_free(struct agent_cfg *c);

/*
 * A change from the control socket, in two steps so that a refused one
 * changes nothing, byte for byte, in the agent or in the file:
 *
 * agent_cfg_prepare_set() makes the configuration that "set key value..."
 * gives (the file as it is, with those n changes; keys in section.name
 * form, see agent_cfg_full_key()), and checks all of it: the
 * value, the cross-key rules, the files it names (readable; the CA
 * bundle holds certificates; the client certificate and its key parse
 * and belong together; the proxy credentials file is acceptable), and,
 * for a start-up key, that the next start would work (directories
 * exist and esold can write there, the group exists).  Nothing is
 * written.  *changed says whether the file would change.  -EINVAL (or
 * -errno) with msg.
 *
 * agent_cfg_save() then writes it (atomically: temp file, fsync,
 * rename, directory fsync); the caller applies it only once saved.
 *
 * The start-up keys (agent.state_dir, spool.dir, txlog.path,
 * control.socket, control.group) are saved but used from the next
 * start: the new config keeps the running values of those
 * (agent_cfg_restart_pending() says when the file differs).
 */
struct config_change;
int agent_cfg_prepare_set(const struct agent_cfg *cur, const struct config_change *ch,
			  size_t n, struct agent_cfg **out, bool *changed,
			  char *msg, size_t msg_size);
int agent_cfg_save(const struct agent_cfg *c, char *msg, size_t msg_size);
/*
 * A config loaded again from the file (reload) keeps the running
 * start-up keys of run.  Returns true when the file differs in them.
 */
bool agent_cfg_follow(struct agent_cfg *ncfg, const struct agent_cfg *run);
/* Would the next start work with ncfg's start-up keys?  0 or -EINVAL + msg. */
int agent_cfg_check_startup(const struct agent_cfg *ncfg, const struct agent_cfg *run,
			    char *msg, size_t msg_size);
bool agent_cfg_restart_pending(const struct agent_cfg *c);
/* The files the running settings name (TLS material): 0 or -EINVAL + msg. */
int agent_cfg_check(const struct agent_cfg *c, char *msg, size_t msg_size);

/* Who may change a key over the control socket (see docs/agent.md). */
enum agent_cfg_role {
	AGENT_CFG_OPERATE,	/* any member of the control group */
	AGENT_CFG_ADMIN,	/* root (or esold's own user) only */
};
/* "section.name" of key or of its short alias; NULL when there is none. */
const char *agent_cfg_full_key(const char *key);
enum agent_cfg_role agent_cfg_key_role(const char *key);
bool agent_cfg_key_startup(const char *key);

/*
 * A copy of cur with esold's own credentials replaced (user NULL: none),
 * checked (credstore_check(): -EINVAL with "user: ..." / "password: ..."
 * in msg), nothing written; agent_cfg_creds_save() then writes (or
 * removes) the file, before the copy is applied.
 */
int agent_cfg_with_creds(const struct agent_cfg *cur, const char *user, const char *password,
			 struct agent_cfg **out, char *msg, size_t msg_size);
int agent_cfg_creds_save(const struct agent_cfg *c, char *msg, size_t msg_size);
const char *agent_cfg_creds_path(const struct agent_cfg *c);

/* The proxy as the status shows it; pointers into c.  Never the password. */
struct agent_cfg_proxy {
	const char *mode, *host, *pac_url;	/* "" when unset */
	unsigned int port;			/* 0 when unset */
	const char *user;		/* the manual proxy's user name, NULL: none */
	const char *creds_from;		/* "proxy.credentials_file", "esold", NULL */
	const char *own_user;		/* esold's own file's user, NULL: none */
	const char *own_error;		/* why esold's own file is not used, NULL */
	bool file_set;			/* proxy.credentials_file is set (root's) */
};
void agent_cfg_proxy_info(const struct agent_cfg *c, struct agent_cfg_proxy *out);

bool agent_cfg_enabled(const struct agent_cfg *c);
const char *agent_cfg_path(const struct agent_cfg *c);
const char *agent_cfg_server_url(const struct agent_cfg *c);
const char *agent_cfg_state_dir(const struct agent_cfg *c);
const char *agent_cfg_spool_dir(const struct agent_cfg *c);
struct spool_limits;
void agent_cfg_spool_limits(const struct agent_cfg *c, struct spool_limits *out);
const char *agent_cfg_txlog_path(const struct agent_cfg *c);
uint64_t agent_cfg_txlog_max(const struct agent_cfg *c);
const char *agent_cfg_control_socket(const struct agent_cfg *c);
const char *agent_cfg_control_group(const struct agent_cfg *c);	/* "" none */
/* The read-only socket ("" none) and its group ("" any local user). */
const char *agent_cfg_control_read_socket(const struct agent_cfg *c);
const char *agent_cfg_control_read_group(const struct agent_cfg *c);
int agent_cfg_log_level(const struct agent_cfg *c);
/* The poll time as "HH:MM", for status. */
void agent_cfg_poll_time(const struct agent_cfg *c, char buf[6]);
/*
 * The zone of the poll time: the configured one, or when none is set the
 * system's local zone (tz_local_name(), written into buf), which is the
 * zone the schedule then follows.
 */
const char *agent_cfg_timezone(const struct agent_cfg *c, char buf[TZ_NAME_MAX + 1]);

/*
 * The daily poll (core/schedule): is one due at now, given the last poll
 * attempt (0: never), and when is the next (> now).  device_id (the
 * serial number) spreads the fleet: -EAGAIN while it is not known (NULL
 * or ""), as no schedule may be made without it.  0 or -errno.
 */
int agent_cfg_schedule(const struct agent_cfg *c, const char *device_id,
		       int64_t now, int64_t last_poll, bool *due, int64_t *next);

/* The configuration summary sent with each poll. */
void agent_cfg_proto(const struct agent_cfg *c, struct proto_config *out);
/* The transport's settings; pointers into c, valid while c lives. */
void agent_cfg_net(const struct agent_cfg *c, struct net_config *out);

#endif /* ESOL_AGENT_AGENT_CFG_H */
