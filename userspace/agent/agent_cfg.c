// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* agent_cfg: the running configuration over core/config; see agent_cfg.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/agent_cfg.h"
#include "core/config.h"
#include "core/creds.h"
#include "core/schedule.h"
#include "core/spool.h"
#include "core/tz.h"

/* Where the transmission log goes when the config names none. */
#define TXLOG_DEFAULT_NAME	"txlog.jsonl"

struct agent_cfg {
	char path[4096];
	struct esol_config c;
	struct proxy_creds creds;	/* manual proxy credentials, if a file is set */
	char txlog_path[ESOL_PATH_MAX + 32];
};

/* Short names esolctl accepts for the keys people change most. */
static const struct {
	const char *alias, *key;
} aliases[] = {
	{ "enabled", "agent.enabled" },
	{ "log_level", "agent.log_level" },
	{ "poll_time", "schedule.poll_time" },
	{ "time", "schedule.poll_time" },
	{ "timezone", "schedule.time_zone" },
	{ "time_zone", "schedule.time_zone" },
	{ "spread_minutes", "schedule.spread_minutes" },
	{ "proxy", "proxy.mode" },
	{ "proxy_mode", "proxy.mode" },
	{ "proxy_host", "proxy.host" },
	{ "proxy_port", "proxy.port" },
	{ "proxy_credentials_file", "proxy.credentials_file" },
	{ "pac_url", "proxy.pac_url" },
	{ "server_url", "server.url" },
};

static const char *full_key(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(key, aliases[i].alias) == 0)
			return aliases[i].key;
	return key;
}

static void derive(struct agent_cfg *ac)
{
	if (ac->c.txlog_path[0])
		snprintf(ac->txlog_path, sizeof(ac->txlog_path), "%s", ac->c.txlog_path);
	else
		snprintf(ac->txlog_path, sizeof(ac->txlog_path), "%s/%s", ac->c.state_dir,
			 TXLOG_DEFAULT_NAME);
}

static int load_creds(struct agent_cfg *ac, char *msg, size_t msg_size)
{
	char err[256];
	int r;

	creds_clear(&ac->creds);
	if (ac->c.proxy_mode != ESOL_PROXY_MANUAL || !ac->c.proxy_credentials_file[0])
		return 0;
	r = creds_load(ac->c.proxy_credentials_file, &ac->creds, err, sizeof(err));
	if (r < 0)
		snprintf(msg, msg_size, "proxy credentials: %s", err);
	return r;
}

int agent_cfg_load(const char *path, struct agent_cfg **out, char *msg, size_t msg_size)
{
	struct agent_cfg *ac = calloc(1, sizeof(*ac));
	int r;

	if (!ac) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	snprintf(ac->path, sizeof(ac->path), "%s", path);
	r = config_load(path, &ac->c, msg, msg_size);
	if (r == 0)
		r = config_validate(&ac->c, msg, msg_size);
	if (r == 0)
		r = load_creds(ac, msg, msg_size);
	if (r < 0) {
		agent_cfg_free(ac);
		return r;
	}
	derive(ac);
	*out = ac;
	return 0;
}

void agent_cfg_free(struct agent_cfg *ac)
{
	if (!ac)
		return;
	creds_clear(&ac->creds);
	config_free(&ac->c);
	free(ac);
}

int agent_cfg_set(struct agent_cfg *ac, const char *key, const char *value,
		  char *msg, size_t msg_size)
{
	struct config_change ch = { .key = full_key(key), .value = value };
	struct esol_config nc;
	struct proxy_creds saved = ac->creds;
	bool changed = false;
	char probe[8];
	int r;

	if (!strchr(ch.key, '.') || config_get(&ac->c, ch.key, probe, sizeof(probe)) == -ENOENT) {
		snprintf(msg, msg_size, "%s: no such setting (use section.name, e.g. schedule.poll_time)",
			 key);
		return -EINVAL;
	}
	r = config_set(ac->path, &ch, 1, &nc, &changed, msg, msg_size);
	if (r < 0)
		return r;
	/* The file is valid and saved: run with what it now says. */
	config_free(&ac->c);
	ac->c = nc;
	derive(ac);
	r = load_creds(ac, msg, msg_size);
	if (r < 0) {
		ac->creds = saved;
		return r;
	}
	return 0;
}

bool agent_cfg_enabled(const struct agent_cfg *ac)
{
	return ac->c.enabled;
}

const char *agent_cfg_path(const struct agent_cfg *ac)
{
	return ac->path;
}

const char *agent_cfg_server_url(const struct agent_cfg *ac)
{
	return ac->c.server_url;
}

const char *agent_cfg_state_dir(const struct agent_cfg *ac)
{
	return ac->c.state_dir;
}

const char *agent_cfg_spool_dir(const struct agent_cfg *ac)
{
	return ac->c.spool_dir;
}

void agent_cfg_spool_limits(const struct agent_cfg *ac, struct spool_limits *out)
{
	out->max_count = ac->c.spool_max_count;
	out->max_bytes = ac->c.spool_max_bytes;
}

const char *agent_cfg_txlog_path(const struct agent_cfg *ac)
{
	return ac->txlog_path;
}

uint64_t agent_cfg_txlog_max(const struct agent_cfg *ac)
{
	return ac->c.txlog_max_bytes;
}

const char *agent_cfg_control_socket(const struct agent_cfg *ac)
{
	return ac->c.control_socket;
}

const char *agent_cfg_control_group(const struct agent_cfg *ac)
{
	return ac->c.control_group;
}

int agent_cfg_log_level(const struct agent_cfg *ac)
{
	return ac->c.log_level;
}

void agent_cfg_poll_time(const struct agent_cfg *ac, char buf[6])
{
	unsigned int h = (unsigned int)ac->c.poll_time.hour % 24;
	unsigned int m = (unsigned int)ac->c.poll_time.minute % 60;

	buf[0] = (char)('0' + h / 10);
	buf[1] = (char)('0' + h % 10);
	buf[2] = ':';
	buf[3] = (char)('0' + m / 10);
	buf[4] = (char)('0' + m % 10);
	buf[5] = '\0';
}

const char *agent_cfg_timezone(const struct agent_cfg *ac, char buf[TZ_NAME_MAX + 1])
{
	if (ac->c.time_zone[0])
		return ac->c.time_zone;
	/* Unset: the system's zone, which the schedule then follows. */
	tz_local_name(NULL, buf, TZ_NAME_MAX + 1);
	return buf;
}

const char *agent_cfg_proxy_mode(const struct agent_cfg *ac)
{
	return config_proxy_mode_name(ac->c.proxy_mode);
}

int agent_cfg_schedule(const struct agent_cfg *ac, const char *device_id,
		       int64_t now, int64_t last_poll, bool *due, int64_t *next)
{
	struct schedule s;
	time_t t;
	int r;

	/* The spread is the device's own: no schedule before its identity. */
	if (!device_id || !*device_id)
		return -EAGAIN;
	r = schedule_init(&s, ac->c.time_zone, ac->c.poll_time.hour, ac->c.poll_time.minute,
			  ac->c.spread_minutes, device_id);
	if (r < 0)
		return r;
	r = schedule_due(&s, (time_t)now, (time_t)last_poll, due);
	if (r < 0)
		return r;
	r = schedule_next(&s, (time_t)now, (time_t)last_poll, &t);
	if (r < 0)
		return r;
	*next = t;
	return 0;
}

void agent_cfg_proto(const struct agent_cfg *ac, struct proto_config *out)
{
	char zone[TZ_NAME_MAX + 1];
	const char *tz = agent_cfg_timezone(ac, zone);

	memset(out, 0, sizeof(*out));
	out->enabled = ac->c.enabled;
	out->poll_hour = (uint8_t)ac->c.poll_time.hour;
	out->poll_minute = (uint8_t)ac->c.poll_time.minute;
	/* tz_check() allows one byte more than the protocol: no zone is that long */
	snprintf(out->timezone, sizeof(out->timezone), "%s",
		 strlen(tz) < sizeof(out->timezone) ? tz : "Factory");
	out->spread_minutes = ac->c.spread_minutes;
	switch (ac->c.proxy_mode) {
	case ESOL_PROXY_MANUAL:
		out->proxy_mode = PROTO_PROXY_MANUAL;
		break;
	case ESOL_PROXY_AUTO:
		out->proxy_mode = PROTO_PROXY_AUTO;
		break;
	default:
		out->proxy_mode = PROTO_PROXY_NONE;
		break;
	}
}

void agent_cfg_net(const struct agent_cfg *ac, struct net_config *out)
{
	memset(out, 0, sizeof(*out));
	out->server_url = ac->c.server_url;
	out->ca_file = ac->c.ca_file[0] ? ac->c.ca_file : NULL;
	out->pin = ac->c.pin[0] ? ac->c.pin : NULL;
	out->client_cert = ac->c.client_cert[0] ? ac->c.client_cert : NULL;
	out->client_key = ac->c.client_key[0] ? ac->c.client_key : NULL;
	out->user_agent = "esold";
	switch (ac->c.proxy_mode) {
	case ESOL_PROXY_MANUAL:
		out->proxy.mode = NET_PROXY_MODE_MANUAL;
		out->proxy.host = ac->c.proxy_host;
		out->proxy.port = ac->c.proxy_port;
		if (ac->creds.user[0]) {
			out->proxy.user = ac->creds.user;
			out->proxy.password = ac->creds.password;
		}
		break;
	case ESOL_PROXY_AUTO:
		out->proxy.mode = NET_PROXY_MODE_AUTO;
		net_proxy_env_load(&out->proxy.env);
		out->proxy.pac_url = ac->c.pac_url[0] ? ac->c.pac_url : NULL;
		break;
	default:
		out->proxy.mode = NET_PROXY_MODE_NONE;
		break;
	}
}
