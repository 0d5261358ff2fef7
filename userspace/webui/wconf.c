// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* wconf: esol-webui's INI configuration; see wconf.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <ini.h>

#include "common/log.h"
#include "webui/wconf.h"

void wconf_defaults(struct webui_config *c)
{
	memset(c, 0, sizeof(*c));
	wconf_parse_listen(c, "127.0.0.1:8443");
	c->tls = true;
	strcpy(c->state_dir, "/var/lib/esol-webui");
	strcpy(c->password_file, "/var/lib/esol-webui/admin.pw");
	strcpy(c->socket, "/run/esol/esold.sock");
	strcpy(c->sysfs_root, "/");
	strcpy(c->tz_dir, "/usr/share/zoneinfo");
	c->session_idle_min = 15;
	c->session_max_hours = 8;
	c->log_level = LOG_INFO;
}

int wconf_parse_listen(struct webui_config *c, const char *value)
{
	char host[64];
	const char *colon, *h = value;
	size_t hlen;
	char *end;
	long port;

	if (strlen(value) >= sizeof(c->listen))
		return -EINVAL;
	colon = strrchr(value, ':');
	if (!colon)
		return -EINVAL;
	hlen = (size_t)(colon - value);
	if (value[0] == '[') {
		if (hlen < 2 || value[hlen - 1] != ']')
			return -EINVAL;
		h = value + 1;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port < 1 || port > 65535)
		return -EINVAL;
	memset(&c->addr, 0, sizeof(c->addr));
	if (value[0] == '[') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&c->addr;

		if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
			return -EINVAL;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		c->addr_len = sizeof(*a6);
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&c->addr;

		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return -EINVAL;
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		c->addr_len = sizeof(*a4);
	}
	strcpy(c->listen, value);
	return 0;
}

struct load_ctx {
	struct webui_config *c;
	char seen[16][32];
	unsigned int nseen;
	char err[256];
};

static int set_path(char *dst, const char *value, bool may_be_empty, char *err, size_t errlen)
{
	if (!*value && may_be_empty) {
		dst[0] = '\0';
		return 0;
	}
	if (value[0] != '/' || strlen(value) >= WCONF_PATH_MAX) {
		snprintf(err, errlen, "must be an absolute path of at most %d bytes",
			 WCONF_PATH_MAX - 1);
		return -1;
	}
	strcpy(dst, value);
	return 0;
}

static int set_uint(unsigned int *dst, const char *value, unsigned long min, unsigned long max,
		    char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno || end == value || *end || value[0] == '-' || v < min || v > max) {
		snprintf(err, errlen, "must be a number from %lu to %lu", min, max);
		return -1;
	}
	*dst = (unsigned int)v;
	return 0;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
	struct load_ctx *x = user;
	struct webui_config *c = x->c;
	char why[160] = "";
	unsigned int i;
	int r = 0;

	if (x->err[0])
		return 0;	/* inih reports the first error's line: keep its message */
	if (strcmp(section, "webui") != 0) {
		snprintf(x->err, sizeof(x->err), "unknown section [%.40s]", section);
		return 0;
	}
	for (i = 0; i < x->nseen; i++) {
		if (strcmp(x->seen[i], name) == 0) {
			snprintf(x->err, sizeof(x->err), "%.40s is given twice", name);
			return 0;
		}
	}
	if (x->nseen < sizeof(x->seen) / sizeof(x->seen[0]))
		snprintf(x->seen[x->nseen++], sizeof(x->seen[0]), "%s", name);

	if (strcmp(name, "listen") == 0) {
		if (wconf_parse_listen(c, value) < 0) {
			snprintf(why, sizeof(why), "must be ADDRESS:PORT (an IP address, [v6] in brackets)");
			r = -1;
		}
	} else if (strcmp(name, "tls") == 0) {
		if (strcmp(value, "true") == 0) {
			c->tls = true;
		} else if (strcmp(value, "false") == 0) {
			c->tls = false;
		} else {
			snprintf(why, sizeof(why), "must be true or false");
			r = -1;
		}
	} else if (strcmp(name, "cert_file") == 0) {
		r = set_path(c->cert_file, value, true, why, sizeof(why));
	} else if (strcmp(name, "key_file") == 0) {
		r = set_path(c->key_file, value, true, why, sizeof(why));
	} else if (strcmp(name, "state_dir") == 0) {
		r = set_path(c->state_dir, value, false, why, sizeof(why));
	} else if (strcmp(name, "password_file") == 0) {
		r = set_path(c->password_file, value, false, why, sizeof(why));
	} else if (strcmp(name, "esold_socket") == 0) {
		r = set_path(c->socket, value, false, why, sizeof(why));
	} else if (strcmp(name, "sysfs_root") == 0) {
		r = set_path(c->sysfs_root, value, false, why, sizeof(why));
	} else if (strcmp(name, "tz_dir") == 0) {
		r = set_path(c->tz_dir, value, false, why, sizeof(why));
	} else if (strcmp(name, "session_idle_minutes") == 0) {
		r = set_uint(&c->session_idle_min, value, 1, 240, why, sizeof(why));
	} else if (strcmp(name, "session_max_hours") == 0) {
		r = set_uint(&c->session_max_hours, value, 1, 72, why, sizeof(why));
	} else if (strcmp(name, "log_level") == 0) {
		c->log_level = log_level_from_name(value);
		if (c->log_level < 0) {
			snprintf(why, sizeof(why), "must be error, warning, notice, info or debug");
			r = -1;
		}
	} else {
		snprintf(x->err, sizeof(x->err), "unknown key %.40s", name);
		return 0;
	}
	if (r < 0) {
		snprintf(x->err, sizeof(x->err), "%s: %s", name, why);
		return 0;
	}
	return 1;
}

int wconf_load(const char *path, struct webui_config *c, char *msg, size_t msglen)
{
	struct load_ctx x = { .c = c };
	FILE *f;
	int line;

	f = fopen(path, "re");
	if (!f) {
		int e = errno;

		snprintf(msg, msglen, "%s: %s", path, strerror(e));
		return -e;
	}
	line = ini_parse_file(f, on_value, &x);
	fclose(f);
	if (line < 0) {
		snprintf(msg, msglen, "%s: cannot read it", path);
		return -EIO;
	}
	if (line > 0) {
		snprintf(msg, msglen, "%s:%d: %s", path, line,
			 x.err[0] ? x.err : "syntax error");
		return -EINVAL;
	}
	if (c->tls && !c->cert_file[0] != !c->key_file[0]) {
		snprintf(msg, msglen, "%s: cert_file and key_file go together", path);
		return -EINVAL;
	}
	return 0;
}
