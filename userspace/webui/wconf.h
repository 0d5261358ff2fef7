/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * wconf: esol-webui's own configuration, an INI file read with inih
 * (one [webui] section; docs/webui.md lists the keys).  An unknown key,
 * a key given twice or a bad value is an error naming the line.  It
 * holds where to listen and how (TLS), where esold's control socket and
 * the password file are: none of esold's settings.
 */
#ifndef ESOL_WEBUI_WCONF_H
#define ESOL_WEBUI_WCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define WCONF_PATH_MAX	256
#define WCONF_DEFAULT_PATH	"/etc/esol-webui/esol-webui.conf"

struct webui_config {
	char listen[64];		/* "127.0.0.1:8443", "[::1]:8443" */
	struct sockaddr_storage addr;	/* listen, parsed */
	socklen_t addr_len;
	bool tls;
	char cert_file[WCONF_PATH_MAX];	/* "" with tls: self-signed in state_dir */
	char key_file[WCONF_PATH_MAX];
	char state_dir[WCONF_PATH_MAX];
	char password_file[WCONF_PATH_MAX];
	char socket[WCONF_PATH_MAX];	/* esold's control socket */
	char sysfs_root[WCONF_PATH_MAX];	/* "/" on a device */
	char tz_dir[WCONF_PATH_MAX];	/* the zones the device knows */
	unsigned int session_idle_min;
	unsigned int session_max_hours;
	int log_level;
};

void wconf_defaults(struct webui_config *c);
/* Parse "HOST:PORT" ("[v6]:PORT") into c->addr.  0 or -EINVAL. */
int wconf_parse_listen(struct webui_config *c, const char *value);
/* Read path over the defaults.  0, or -errno with file, line and why in msg. */
int wconf_load(const char *path, struct webui_config *c, char *msg, size_t msglen);

#endif /* ESOL_WEBUI_WCONF_H */
