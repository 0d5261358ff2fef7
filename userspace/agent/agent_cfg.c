// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* agent_cfg: the running configuration over core/config; see agent_cfg.h. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "agent/agent_cfg.h"
#include "core/config.h"
#include "core/creds.h"
#include "core/credstore.h"
#include "core/fsutil.h"
#include "core/schedule.h"
#include "core/spool.h"
#include "core/tz.h"

/* Where the transmission log goes when the config names none. */
#define TXLOG_DEFAULT_NAME	"txlog.jsonl"

struct agent_cfg {
	char path[4096];
	struct esol_config c;		/* as running */
	struct esol_config file;	/* as in the file (differs in start-up keys only) */
	struct proxy_creds creds;	/* from proxy.credentials_file (root's), manual mode */
	struct proxy_creds own;		/* from esold's own file (an operator's) */
	char own_err[256];		/* why the own file is not used, or "" */
	char own_path[ESOL_PATH_MAX + 32];	/* state_dir/CREDSTORE_NAME */
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

/*
 * What a member of the control socket's group may change: participation,
 * when the poll happens, logging, and the way out through a proxy.  Every
 * other key decides where data goes, how the server is proved, or what
 * is kept (server, every path, the client certificate, the spool and log
 * bounds, the socket itself): root's, or the config file's.
 */
static const char *const operator_keys[] = {
	"agent.enabled", "agent.log_level",
	"schedule.poll_time", "schedule.time_zone", "schedule.spread_minutes",
	"proxy.mode", "proxy.host", "proxy.port", "proxy.pac_url",
};

/* Keys esold reads once, at start-up (a change waits for the next start). */
static const char *const startup_keys[] = {
	"agent.state_dir", "spool.dir", "txlog.path", "control.socket", "control.group",
	"control.read_socket", "control.read_group",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const char *full_key(const char *key)
{
	size_t i;

	for (i = 0; i < NELEM(aliases); i++)
		if (strcmp(key, aliases[i].alias) == 0)
			return aliases[i].key;
	return key;
}

static bool in_list(const char *key, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(key, list[i]) == 0)
			return true;
	return false;
}

const char *agent_cfg_full_key(const char *key)
{
	const char *k = full_key(key);
	struct esol_config def;
	char probe[8];

	config_defaults(&def);
	if (!strchr(k, '.') || config_get(&def, k, probe, sizeof(probe)) == -ENOENT)
		return NULL;
	return k;
}

enum agent_cfg_role agent_cfg_key_role(const char *key)
{
	const char *k = agent_cfg_full_key(key);

	if (k && in_list(k, operator_keys, NELEM(operator_keys)))
		return AGENT_CFG_OPERATE;
	return AGENT_CFG_ADMIN;
}

bool agent_cfg_key_startup(const char *key)
{
	const char *k = agent_cfg_full_key(key);

	return k && in_list(k, startup_keys, NELEM(startup_keys));
}

/*
 * esold's own credentials file, in the running state directory.  A file
 * that cannot be used (removed, mode changed by hand) means no
 * credentials, with the reason for the status: it never stops esold.
 */
static void load_own_creds(struct agent_cfg *ac)
{
	int r;

	snprintf(ac->own_path, sizeof(ac->own_path), "%s/%s", ac->c.state_dir, CREDSTORE_NAME);
	ac->own_err[0] = '\0';
	r = creds_load(ac->own_path, &ac->own, ac->own_err, sizeof(ac->own_err));
	if (r == -ENOENT)
		ac->own_err[0] = '\0';
}

static void derive(struct agent_cfg *ac)
{
	if (ac->c.txlog_path[0])
		snprintf(ac->txlog_path, sizeof(ac->txlog_path), "%s", ac->c.txlog_path);
	else
		snprintf(ac->txlog_path, sizeof(ac->txlog_path), "%s/%s", ac->c.state_dir,
			 TXLOG_DEFAULT_NAME);
	load_own_creds(ac);
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
		snprintf(msg, msg_size, "proxy.credentials_file: %s", err);
	return r;
}

/* ---- the files the settings name: readable, and what they should be ---- */

static void ssl_why(char *why, size_t n)
{
	unsigned long e = ERR_peek_last_error();

	if (e)
		ERR_error_string_n(e, why, n);
	else
		snprintf(why, n, "no PEM data");
	ERR_clear_error();
}

static BIO *open_pem(const char *key, const char *path, char *msg, size_t msg_size)
{
	BIO *b;

	if (access(path, R_OK) < 0) {
		snprintf(msg, msg_size, "%s: cannot read %s: %s", key, path, strerror(errno));
		return NULL;
	}
	b = BIO_new_file(path, "r");
	if (!b)
		snprintf(msg, msg_size, "%s: cannot open %s", key, path);
	return b;
}

/* ca_file: at least one certificate; client cert and key: parse and match. */
static int check_tls_files(const struct esol_config *c, char *msg, size_t msg_size)
{
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	char why[160];
	int r = -EINVAL;
	BIO *b;

	ERR_clear_error();
	if (c->ca_file[0]) {
		STACK_OF(X509_INFO) *infos;
		int i, n = 0;

		b = open_pem("server.ca_file", c->ca_file, msg, msg_size);
		if (!b)
			return -EINVAL;
		infos = PEM_X509_INFO_read_bio(b, NULL, NULL, NULL);
		BIO_free(b);
		for (i = 0; infos && i < sk_X509_INFO_num(infos); i++)
			if (sk_X509_INFO_value(infos, i)->x509)
				n++;
		sk_X509_INFO_pop_free(infos, X509_INFO_free);
		if (n == 0) {
			ssl_why(why, sizeof(why));
			snprintf(msg, msg_size, "server.ca_file: %s holds no PEM certificate (%s)",
				 c->ca_file, why);
			return -EINVAL;
		}
	}
	if (!c->client_cert[0])
		return 0;
	b = open_pem("server.client_cert", c->client_cert, msg, msg_size);
	if (!b)
		return -EINVAL;
	cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (!cert) {
		ssl_why(why, sizeof(why));
		snprintf(msg, msg_size, "server.client_cert: %s is not a PEM certificate (%s)",
			 c->client_cert, why);
		goto out;
	}
	b = open_pem("server.client_key", c->client_key, msg, msg_size);
	if (!b)
		goto out;
	/* No passphrase callback: an encrypted key cannot be used unattended. */
	key = PEM_read_bio_PrivateKey(b, NULL, NULL, (void *)"");
	BIO_free(b);
	if (!key) {
		ssl_why(why, sizeof(why));
		snprintf(msg, msg_size, "server.client_key: %s is not an unencrypted PEM "
			 "private key (%s)", c->client_key, why);
		goto out;
	}
	if (X509_check_private_key(cert, key) != 1) {
		snprintf(msg, msg_size, "server.client_key: %s is not the key of the "
			 "certificate %s", c->client_key, c->client_cert);
		goto out;
	}
	r = 0;
out:
	ERR_clear_error();
	EVP_PKEY_free(key);
	X509_free(cert);
	return r;
}

int agent_cfg_check(const struct agent_cfg *ac, char *msg, size_t msg_size)
{
	return check_tls_files(&ac->c, msg, msg_size);
}

/* A directory esold can create files in. */
static int check_dir(const char *key, const char *dir, bool may_create,
		     char *msg, size_t msg_size)
{
	char parent[ESOL_PATH_MAX + 1];
	struct stat st;

	if (stat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			snprintf(msg, msg_size, "%s: %s is not a directory", key, dir);
			return -EINVAL;
		}
		if (access(dir, W_OK | X_OK) < 0) {
			snprintf(msg, msg_size, "%s: esold cannot write in %s: %s", key, dir,
				 strerror(errno));
			return -EINVAL;
		}
		return 0;
	}
	if (errno != ENOENT || !may_create) {
		snprintf(msg, msg_size, "%s: %s: %s", key, dir, strerror(errno));
		return -EINVAL;
	}
	if (fsu_dirname(dir, parent, sizeof(parent)) < 0 ||
	    access(parent, W_OK | X_OK) < 0) {
		snprintf(msg, msg_size, "%s: %s does not exist and esold cannot create it",
			 key, dir);
		return -EINVAL;
	}
	return 0;
}

/* A file path (not "") that changes: its directory must do for esold. */
static int check_new_file_dir(const char *key, const char *next, const char *run,
			      char *msg, size_t msg_size)
{
	char dir[ESOL_PATH_MAX + 1];
	int r;

	if (!next[0] || strcmp(next, run) == 0)
		return 0;
	r = fsu_dirname(next, dir, sizeof(dir));
	return r < 0 ? r : check_dir(key, dir, false, msg, msg_size);
}

/* A group (not "") that changes: it must exist. */
static int check_new_group(const char *key, const char *next, const char *run,
			   char *msg, size_t msg_size)
{
	if (!next[0] || strcmp(next, run) == 0 || getgrnam(next))
		return 0;
	snprintf(msg, msg_size, "%s: no group '%s' on this system", key, next);
	return -EINVAL;
}

/* The start-up keys that change: would the next start work with them? */
static int check_startup(const struct esol_config *next, const struct esol_config *run,
			 char *msg, size_t msg_size)
{
	int r = 0;

	if (strcmp(next->state_dir, run->state_dir) != 0)
		r = check_dir("agent.state_dir", next->state_dir, false, msg, msg_size);
	if (r == 0 && strcmp(next->spool_dir, run->spool_dir) != 0)
		r = check_dir("spool.dir", next->spool_dir, true, msg, msg_size);
	if (r == 0)
		r = check_new_file_dir("txlog.path", next->txlog_path, run->txlog_path,
				       msg, msg_size);
	if (r == 0)
		r = check_new_file_dir("control.socket", next->control_socket,
				       run->control_socket, msg, msg_size);
	if (r == 0)
		r = check_new_group("control.group", next->control_group, run->control_group,
				    msg, msg_size);
	if (r == 0)
		r = check_new_file_dir("control.read_socket", next->control_read_socket,
				       run->control_read_socket, msg, msg_size);
	if (r == 0)
		r = check_new_group("control.read_group", next->control_read_group,
				    run->control_read_group, msg, msg_size);
	return r < 0 ? -EINVAL : 0;
}

/* Keep the running start-up keys in c (the file may say otherwise). */
static void keep_startup(struct esol_config *c, const struct esol_config *run)
{
	memcpy(c->state_dir, run->state_dir, sizeof(c->state_dir));
	memcpy(c->spool_dir, run->spool_dir, sizeof(c->spool_dir));
	memcpy(c->txlog_path, run->txlog_path, sizeof(c->txlog_path));
	memcpy(c->control_socket, run->control_socket, sizeof(c->control_socket));
	memcpy(c->control_group, run->control_group, sizeof(c->control_group));
	memcpy(c->control_read_socket, run->control_read_socket,
	       sizeof(c->control_read_socket));
	memcpy(c->control_read_group, run->control_read_group, sizeof(c->control_read_group));
}

static struct agent_cfg *cfg_new(const char *path)
{
	struct agent_cfg *ac = calloc(1, sizeof(*ac));

	if (ac)
		snprintf(ac->path, sizeof(ac->path), "%s", path);
	return ac;
}

int agent_cfg_load(const char *path, struct agent_cfg **out, char *msg, size_t msg_size)
{
	struct agent_cfg *ac = cfg_new(path);
	int r;

	if (!ac) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	r = config_load(path, &ac->c, msg, msg_size);
	if (r == 0)
		r = config_validate(&ac->c, msg, msg_size);
	if (r == 0)
		r = load_creds(ac, msg, msg_size);
	if (r < 0) {
		agent_cfg_free(ac);
		return r;
	}
	ac->file = ac->c;
	derive(ac);
	*out = ac;
	return 0;
}

int agent_cfg_check_startup(const struct agent_cfg *ncfg, const struct agent_cfg *run,
			    char *msg, size_t msg_size)
{
	return check_startup(&ncfg->file, &run->c, msg, msg_size);
}

bool agent_cfg_follow(struct agent_cfg *ncfg, const struct agent_cfg *run)
{
	keep_startup(&ncfg->c, &run->c);
	derive(ncfg);
	return agent_cfg_restart_pending(ncfg);
}

bool agent_cfg_restart_pending(const struct agent_cfg *ac)
{
	struct esol_config f = ac->file;

	keep_startup(&f, &ac->c);
	return !config_equal(&f, &ac->file);
}

void agent_cfg_free(struct agent_cfg *ac)
{
	if (!ac)
		return;
	creds_clear(&ac->creds);
	creds_clear(&ac->own);
	config_free(&ac->c);
	config_free(&ac->file);
	free(ac);
}

int agent_cfg_prepare_set(const struct agent_cfg *cur, const struct config_change *ch,
			  size_t n, struct agent_cfg **out, bool *changed,
			  char *msg, size_t msg_size)
{
	struct esol_config infile;
	struct agent_cfg *ac;
	int r;

	*out = NULL;
	*changed = false;
	ac = cfg_new(cur->path);
	if (!ac) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	r = config_apply(cur->path, ch, n, &infile, &ac->file, msg, msg_size);
	if (r == 0)
		r = check_startup(&ac->file, &cur->c, msg, msg_size);
	if (r == 0) {
		ac->c = ac->file;
		keep_startup(&ac->c, &cur->c);
		derive(ac);
		r = load_creds(ac, msg, msg_size);
	}
	if (r == 0)
		r = check_tls_files(&ac->c, msg, msg_size);
	if (r < 0) {
		agent_cfg_free(ac);
		return r;
	}
	*changed = !config_equal(&infile, &ac->file);
	*out = ac;
	return 0;
}

int agent_cfg_save(const struct agent_cfg *ac, char *msg, size_t msg_size)
{
	int r = config_save_atomic(ac->path, &ac->file);

	if (r < 0)
		snprintf(msg, msg_size, "%s: cannot write: %s", ac->path, strerror(-r));
	return r;
}

int agent_cfg_with_creds(const struct agent_cfg *cur, const char *user, const char *password,
			 struct agent_cfg **out, char *msg, size_t msg_size)
{
	struct agent_cfg *ac = cfg_new(cur->path);

	*out = NULL;
	if (!ac) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	*ac = *cur;
	creds_clear(&ac->own);
	ac->own_err[0] = '\0';
	if (user) {
		int r = credstore_check(user, password, msg, msg_size);

		if (r < 0) {
			agent_cfg_free(ac);
			return r;
		}
		snprintf(ac->own.user, sizeof(ac->own.user), "%s", user);
		snprintf(ac->own.password, sizeof(ac->own.password), "%s", password);
	}
	*out = ac;
	return 0;
}

int agent_cfg_creds_save(const struct agent_cfg *ac, char *msg, size_t msg_size)
{
	if (ac->own.user[0])
		return credstore_save(ac->own_path, ac->own.user, ac->own.password, msg,
				      msg_size);
	return credstore_remove(ac->own_path, msg, msg_size);
}

const char *agent_cfg_creds_path(const struct agent_cfg *ac)
{
	return ac->own_path;
}

/* The credentials the manual proxy uses: root's file first, then esold's own. */
static const struct proxy_creds *used_creds(const struct agent_cfg *ac, const char **from)
{
	if (ac->creds.user[0]) {
		*from = "proxy.credentials_file";
		return &ac->creds;
	}
	if (ac->own.user[0]) {
		*from = "esold";
		return &ac->own;
	}
	*from = NULL;
	return NULL;
}

void agent_cfg_proxy_info(const struct agent_cfg *ac, struct agent_cfg_proxy *out)
{
	const struct proxy_creds *pc = used_creds(ac, &out->creds_from);

	out->mode = config_proxy_mode_name(ac->c.proxy_mode);
	out->host = ac->c.proxy_host;
	out->port = ac->c.proxy_port;
	out->pac_url = ac->c.pac_url;
	out->user = pc ? pc->user : NULL;
	out->own_user = ac->own.user[0] ? ac->own.user : NULL;
	out->own_error = ac->own_err[0] ? ac->own_err : NULL;
	out->file_set = ac->c.proxy_credentials_file[0] != '\0';
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

const char *agent_cfg_control_read_socket(const struct agent_cfg *ac)
{
	return ac->c.control_read_socket;
}

const char *agent_cfg_control_read_group(const struct agent_cfg *ac)
{
	return ac->c.control_read_group;
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
	r = schedule_plan(&s, (time_t)now, (time_t)last_poll, due, &t);
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
		{
			const char *from;
			const struct proxy_creds *pc = used_creds(ac, &from);

			if (pc) {
				out->proxy.user = pc->user;
				out->proxy.password = pc->password;
			}
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
