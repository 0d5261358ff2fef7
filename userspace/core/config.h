/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * config: esold's configuration, /etc/esol/esold.conf (INI, parsed with
 * inih).  docs/config.md documents every key.
 *
 * Strict: an unknown section or key, a key given twice, a key outside a
 * section, a line longer than CONFIG_LINE_MAX or a bad value is an error
 * that names the file, the line and the key:
 *
 *     esold.conf:12: poll_time: '25:00' is not HH:MM
 *
 * config_load() fills `out` only when the whole file is valid, so a
 * caller that reloads (SIGHUP, control socket) keeps its running
 * configuration on error.  config_set() changes keys the way the control
 * socket does ("set enabled/time/proxy"): it validates, and rewrites the
 * file (atomically: temp file, fsync, rename, directory fsync) only when
 * a value actually changed, to spare the flash.
 *
 * struct esol_config holds only fixed-size fields (no heap): it can be
 * copied with '=' and config_free() only wipes it.
 */
#ifndef ESOL_CORE_CONFIG_H
#define ESOL_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/tz.h"

#define CONFIG_DEFAULT_PATH	"/etc/esol/esold.conf"
#define CONFIG_LINE_MAX		197	/* inih's line buffer, less CR LF NUL */
#define CONFIG_FILE_MAX		(64 * 1024)
#define ESOL_URL_MAX		160
#define ESOL_PATH_MAX		160
#define ESOL_SOCK_MAX		107	/* sun_path less its NUL */
#define ESOL_HOST_MAX		128
#define ESOL_PIN_MAX		160	/* up to 3 sha256// pins, ';'-separated */
#define ESOL_GROUP_MAX		32

enum esol_proxy_mode {
	ESOL_PROXY_NONE,	/* direct */
	ESOL_PROXY_MANUAL,	/* host:port, optional credentials file */
	ESOL_PROXY_AUTO,	/* environment, then WPAD/PAC */
};

struct esol_time {
	int hour, minute;
};

struct esol_config {
	/* [agent] */
	bool enabled;				/* participation */
	int log_level;				/* syslog level, LOG_ERR..LOG_DEBUG */
	char state_dir[ESOL_PATH_MAX + 1];
	/* [server] */
	char server_url[ESOL_URL_MAX + 1];	/* https:// only; "" unset */
	char ca_file[ESOL_PATH_MAX + 1];	/* "" = system CA store */
	char pin[ESOL_PIN_MAX + 1];		/* "sha256//<b64>[;...]", "" none */
	char client_cert[ESOL_PATH_MAX + 1];	/* "" none */
	char client_key[ESOL_PATH_MAX + 1];	/* "" none */
	/* [schedule] */
	struct esol_time poll_time;		/* local time of day */
	char time_zone[TZ_NAME_MAX + 1];	/* Olson name, "" = system zone */
	unsigned int spread_minutes;		/* 0..720 */
	/* [proxy] */
	enum esol_proxy_mode proxy_mode;
	char proxy_host[ESOL_HOST_MAX + 1];
	unsigned int proxy_port;		/* 0 unset */
	char proxy_credentials_file[ESOL_PATH_MAX + 1];	/* "" none */
	char pac_url[ESOL_URL_MAX + 1];		/* "" = WPAD discovery */
	/* [spool] */
	char spool_dir[ESOL_PATH_MAX + 1];
	unsigned int spool_max_count;
	uint64_t spool_max_bytes;
	/* [txlog] */
	char txlog_path[ESOL_PATH_MAX + 1];
	uint64_t txlog_max_bytes;		/* the log and its .1, together */
	/* [control] */
	char control_socket[ESOL_SOCK_MAX + 1];
	char control_group[ESOL_GROUP_MAX + 1];	/* "" = leave the group alone */
	char control_read_socket[ESOL_SOCK_MAX + 1];	/* "" = none */
	char control_read_group[ESOL_GROUP_MAX + 1];	/* "" = any local user */
};

/* The built-in defaults (what a key that is not in the file gets). */
void config_defaults(struct esol_config *c);

/*
 * Parse and validate the INI file at path.  On success fills *out and
 * returns 0.  On error returns -errno (-EINVAL for a bad file), puts a
 * one-line message in err ("path:line: key: why") and leaves *out alone.
 */
int config_load(const char *path, struct esol_config *out, char *err, size_t errlen);

/* Release what the config holds (nothing on the heap today: wipes it). */
void config_free(struct esol_config *c);

/*
 * Check the cross-key rules (participation needs a server URL, manual
 * proxy needs host and port, client cert and key go together).
 * 0 or -EINVAL with err.
 */
int config_validate(const struct esol_config *c, char *err, size_t errlen);

/* Same values for every key. */
bool config_equal(const struct esol_config *a, const struct esol_config *b);

/*
 * Write c as the whole file at path, atomically and durably, keeping the
 * old file's mode (0644 for a new file).  Comments are not kept.
 * 0 or -errno.
 */
int config_save_atomic(const char *path, const struct esol_config *c);

/* One change for config_set(): key is "section.name" ("schedule.poll_time"). */
struct config_change {
	const char *key;
	const char *value;	/* as it would be written in the file */
};

/*
 * Apply changes to the file at path (a missing file starts from the
 * defaults): load it, set every key, validate the result, and write it
 * only if a value changed (*changed says so).  All changes or none.  The
 * resulting configuration goes to *out (may be NULL).  A file that does
 * not load is not overwritten.  0, or -errno with err.
 */
int config_set(const char *path, const struct config_change *ch, size_t n,
	       struct esol_config *out, bool *changed, char *err, size_t errlen);

/*
 * config_set() without the write: the file at path (the defaults when it
 * is missing) with the changes applied and validated, in *out, and the
 * file as it is in *cur (may be NULL).  Nothing is written.  0, or -errno
 * with err (a file that does not load: "not changed: ...").
 */
int config_apply(const char *path, const struct config_change *ch, size_t n,
		 struct esol_config *cur, struct esol_config *out,
		 char *err, size_t errlen);

/* The value of "section.name" as the file would show it.  0 or -ENOENT. */
int config_get(const struct esol_config *c, const char *key, char *out, size_t outlen);

const char *config_proxy_mode_name(enum esol_proxy_mode m);

#endif /* ESOL_CORE_CONFIG_H */
