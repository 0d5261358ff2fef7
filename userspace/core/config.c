// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* config: strict INI configuration with line-numbered errors; see config.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>

#include <curl/curl.h>
#include <ini.h>

#include "common/escape.h"
#include "common/log.h"
#include "core/config.h"
#include "core/fsutil.h"

enum ktype {
	K_BOOL, K_LOGLEVEL, K_PATH, K_URL_HTTPS, K_URL_PAC, K_PIN, K_TIME,
	K_ZONE, K_UINT, K_BYTES, K_PROXYMODE, K_HOST, K_PORT, K_SOCKPATH,
	K_GROUP,
};

struct key {
	const char *section;
	const char *name;
	enum ktype type;
	size_t off;		/* of the field in struct esol_config */
	size_t size;		/* string fields: buffer size */
	uint64_t min, max;	/* numbers */
	bool optional;		/* strings: may be empty */
};

#define F(field)	offsetof(struct esol_config, field)
#define S(field)	sizeof(((struct esol_config *)0)->field)
#define KIB		((uint64_t)1024)
#define MIB		(KIB * 1024)
#define GIB		(MIB * 1024)

static const struct key keys[] = {
	{ "agent", "enabled", K_BOOL, F(enabled), 0, 0, 0, false },
	{ "agent", "log_level", K_LOGLEVEL, F(log_level), 0, 0, 0, false },
	{ "agent", "state_dir", K_PATH, F(state_dir), S(state_dir), 0, 0, false },
	{ "server", "url", K_URL_HTTPS, F(server_url), S(server_url), 0, 0, true },
	{ "server", "ca_file", K_PATH, F(ca_file), S(ca_file), 0, 0, true },
	{ "server", "pin", K_PIN, F(pin), S(pin), 0, 0, true },
	{ "server", "client_cert", K_PATH, F(client_cert), S(client_cert), 0, 0, true },
	{ "server", "client_key", K_PATH, F(client_key), S(client_key), 0, 0, true },
	{ "schedule", "poll_time", K_TIME, F(poll_time), 0, 0, 0, false },
	{ "schedule", "time_zone", K_ZONE, F(time_zone), S(time_zone), 0, 0, true },
	{ "schedule", "spread_minutes", K_UINT, F(spread_minutes), 0, 0, 720, false },
	{ "proxy", "mode", K_PROXYMODE, F(proxy_mode), 0, 0, 0, false },
	{ "proxy", "host", K_HOST, F(proxy_host), S(proxy_host), 0, 0, true },
	{ "proxy", "port", K_PORT, F(proxy_port), 0, 1, 65535, true },
	{ "proxy", "credentials_file", K_PATH, F(proxy_credentials_file),
	  S(proxy_credentials_file), 0, 0, true },
	{ "proxy", "pac_url", K_URL_PAC, F(pac_url), S(pac_url), 0, 0, true },
	{ "spool", "dir", K_PATH, F(spool_dir), S(spool_dir), 0, 0, false },
	{ "spool", "max_count", K_UINT, F(spool_max_count), 0, 1, 100000, false },
	{ "spool", "max_bytes", K_BYTES, F(spool_max_bytes), 0, 16 * KIB, 1 * GIB, false },
	{ "txlog", "path", K_PATH, F(txlog_path), S(txlog_path), 0, 0, false },
	{ "txlog", "max_bytes", K_BYTES, F(txlog_max_bytes), 0, 16 * KIB, 1 * GIB, false },
	{ "control", "socket", K_SOCKPATH, F(control_socket), S(control_socket), 0, 0, false },
	{ "control", "group", K_GROUP, F(control_group), S(control_group), 0, 0, true },
	{ "control", "read_socket", K_SOCKPATH, F(control_read_socket),
	  S(control_read_socket), 0, 0, true },
	{ "control", "read_group", K_GROUP, F(control_read_group), S(control_read_group),
	  0, 0, true },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static const char *const sections[] = {
	"agent", "server", "schedule", "proxy", "spool", "txlog", "control",
};
#define NSECTIONS	(sizeof(sections) / sizeof(sections[0]))

static const char *const level_names[] = { "error", "warning", "notice", "info", "debug" };
static const int level_values[] = { LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG };

static const char *const mode_names[] = {
	[ESOL_PROXY_NONE] = "none",
	[ESOL_PROXY_MANUAL] = "manual",
	[ESOL_PROXY_AUTO] = "auto",
};

void config_defaults(struct esol_config *c)
{
	memset(c, 0, sizeof(*c));
	c->enabled = false;
	c->log_level = LOG_INFO;
	strcpy(c->state_dir, "/var/lib/esol");
	c->poll_time = (struct esol_time){ 3, 0 };
	c->spread_minutes = 60;
	c->proxy_mode = ESOL_PROXY_NONE;
	strcpy(c->spool_dir, "/var/lib/esol/spool");
	c->spool_max_count = 256;
	c->spool_max_bytes = 4 * MIB;
	strcpy(c->txlog_path, "/var/lib/esol/txlog.jsonl");
	c->txlog_max_bytes = 1 * MIB;
	strcpy(c->control_socket, "/run/esol/esold.sock");
	strcpy(c->control_group, "esoladm");
}

void config_free(struct esol_config *c)
{
	if (c)
		memset(c, 0, sizeof(*c));
}

const char *config_proxy_mode_name(enum esol_proxy_mode m)
{
	if ((unsigned int)m < sizeof(mode_names) / sizeof(mode_names[0]))
		return mode_names[m];
	return "unknown";
}

/* ---- value parsers: 0, or -EINVAL with why ---- */

static bool has_ctl(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || *v == 0x7f)
			return true;
	return false;
}

static bool has_space(const char *v)
{
	for (; *v; v++)
		if (*v == ' ' || *v == '\t')
			return true;
	return false;
}

/*
 * The reason in @why, yielding -EINVAL.  A macro, not a variadic function:
 * the analyzers then see that a failed parse never returns 0.
 */
#define fail(why, n, ...)	(snprintf((why), (n), __VA_ARGS__), -EINVAL)

/* Value quoted for a message: escaped (it may come from anyone), cut if long. */
#define Q	"'%s'"
#define QA(v)	esc_str((char[72]){ 0 }, 72, (v))

static int parse_bool(const char *v, bool *out, char *why, size_t n)
{
	static const char *const t[] = { "true", "yes", "on", "1" };
	static const char *const f[] = { "false", "no", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, t[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, f[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return fail(why, n, Q " is not a boolean (true or false)", QA(v));
}

static int parse_uint(const char *v, uint64_t min, uint64_t max, bool bytes,
		      uint64_t *out, char *why, size_t n)
{
	uint64_t x = 0, mult = 1;
	const char *p = v;

	if (!*p || *p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (UINT64_MAX - 9) / 10)
			goto range;
		x = x * 10 + (uint64_t)(*p - '0');
	}
	if (bytes && *p) {
		switch (*p) {
		case 'k': case 'K': mult = KIB; break;
		case 'm': case 'M': mult = MIB; break;
		case 'g': case 'G': mult = GIB; break;
		default: goto bad;
		}
		p++;
	}
	if (*p)
		goto bad;
	if (x > UINT64_MAX / mult)
		goto range;
	x *= mult;
	if (x < min || x > max)
		goto range;
	*out = x;
	return 0;
bad:
	if (bytes)
		return fail(why, n, Q " is not a size in bytes (a whole number, "
			    "optionally followed by K, M or G)", QA(v));
	return fail(why, n, Q " is not a whole number", QA(v));
range:
	return fail(why, n, Q " is out of range (%" PRIu64 "..%" PRIu64 ")", QA(v), min, max);
}

static int check_str(const char *v, size_t size, char *why, size_t n)
{
	if (strlen(v) >= size)
		return fail(why, n, "longer than %zu bytes", size - 1);
	if (has_ctl(v))
		return fail(why, n, "contains a control character");
	return 0;
}

static int parse_path(const char *v, size_t size, char *why, size_t n)
{
	int r = check_str(v, size, why, n);

	if (r == 0 && v[0] != '/')
		r = fail(why, n, Q " is not an absolute path", QA(v));
	return r;
}

static int parse_url(const char *v, size_t size, bool https_only, char *why, size_t n)
{
	char *scheme = NULL, *host = NULL, *user = NULL, *frag = NULL;
	CURLU *u;
	int r;

	r = check_str(v, size, why, n);
	if (r < 0)
		return r;
	if (has_space(v))
		return fail(why, n, Q " is not a URL (it contains a space)", QA(v));
	u = curl_url();
	if (!u)
		return fail(why, n, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, v, 0) != CURLUE_OK) {
		r = fail(why, n, Q " is not a valid URL", QA(v));
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_USER, &user, 0);
	curl_url_get(u, CURLUPART_FRAGMENT, &frag, 0);
	if (!scheme || (strcmp(scheme, "https") != 0 &&
			(https_only || strcmp(scheme, "http") != 0)))
		r = fail(why, n, https_only ? Q " is not an https:// URL (the agent "
			 "only talks to the server over HTTPS)" :
			 Q " is not an http:// or https:// URL", QA(v));
	else if (!host || !*host)
		r = fail(why, n, Q " has no host", QA(v));
	else if (user)
		r = fail(why, n, Q ": user names and passwords do not belong in "
			 "the URL", QA(v));
	else if (frag)
		r = fail(why, n, Q ": a URL fragment ('#') is not allowed", QA(v));
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(frag);
	curl_url_cleanup(u);
	return r;
}

static bool b64c(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* "sha256//" + base64 of 32 bytes (43 chars + '='), ';'-separated. */
static int parse_pin(const char *v, size_t size, char *why, size_t n)
{
	const char *p = v;
	int r = check_str(v, size, why, n);

	if (r < 0)
		return r;
	while (*p) {
		int i;

		if (strncmp(p, "sha256//", 8) != 0)
			goto bad;
		p += 8;
		for (i = 0; i < 43; i++)
			if (!b64c(p[i]))
				goto bad;
		/* 256 bits: the last base64 digit carries 4 bits + 2 zero bits. */
		if (!strchr("AEIMQUYcgkosw048", p[42]) || p[43] != '=')
			goto bad;
		p += 44;
		if (*p == ';' && p[1])
			p++;
		else if (*p)
			goto bad;
	}
	return 0;
bad:
	return fail(why, n, Q " is not sha256//<base64 of 32 bytes>[;sha256//...] "
		    "(as curl --pinnedpubkey takes)", QA(v));
}

static int parse_time(const char *v, struct esol_time *t, char *why, size_t n)
{
	if (strlen(v) != 5 || v[2] != ':' || v[0] < '0' || v[0] > '2' ||
	    v[1] < '0' || v[1] > '9' || v[3] < '0' || v[3] > '5' ||
	    v[4] < '0' || v[4] > '9' || (v[0] - '0') * 10 + (v[1] - '0') > 23)
		return fail(why, n, Q " is not HH:MM", QA(v));
	t->hour = (v[0] - '0') * 10 + (v[1] - '0');
	t->minute = (v[3] - '0') * 10 + (v[4] - '0');
	return 0;
}

static int parse_zone(const char *v, char *why, size_t n)
{
	int r;

	if (!*v)
		return 0;
	r = tz_check(v);
	if (r == -EINVAL)
		return fail(why, n, Q " is not a time zone name (like Europe/Paris)", QA(v));
	if (r < 0) {
		const char *dir = getenv("TZDIR");

		return fail(why, n, Q " is not a time zone known to this system (%s)",
			    QA(v), dir && *dir ? dir : TZ_DEFAULT_DIR);
	}
	return 0;
}

static bool label_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static int parse_host(const char *v, size_t size, char *why, size_t n)
{
	unsigned char addr[16];
	const char *p = v;
	int r = check_str(v, size, why, n);

	if (r < 0 || !*v)
		return r;
	if (inet_pton(AF_INET, v, addr) == 1 || inet_pton(AF_INET6, v, addr) == 1)
		return 0;
	if (strlen(v) > 253)
		goto bad;
	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);

		if (!label_ok(p, len)) {
			if (!dot && len == 0 && p != v)	/* trailing dot */
				break;
			goto bad;
		}
		if (!dot)
			break;
		p = dot + 1;
	}
	return 0;
bad:
	return fail(why, n, Q " is not a host name or IP address", QA(v));
}

static int parse_group(const char *v, size_t size, char *why, size_t n)
{
	size_t i;
	int r = check_str(v, size, why, n);

	if (r < 0 || !*v)
		return r;
	if (!((v[0] >= 'a' && v[0] <= 'z') || v[0] == '_'))
		goto bad;
	for (i = 1; v[i]; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') ||
		      v[i] == '_' || v[i] == '-'))
			goto bad;
	return 0;
bad:
	return fail(why, n, Q " is not a group name", QA(v));
}

/* Parse v for key k into c. */
static int set_value(const struct key *k, const char *v, struct esol_config *c,
		     char *why, size_t n)
{
	char *field = (char *)c + k->off;
	uint64_t x;
	size_t i;
	int r;

	if (!*v && k->type != K_BOOL && k->optional) {
		switch (k->type) {
		case K_PORT:
			*(unsigned int *)(void *)field = 0;
			return 0;
		case K_ZONE: case K_PATH: case K_URL_HTTPS: case K_URL_PAC:
		case K_PIN: case K_HOST: case K_GROUP: case K_SOCKPATH:
			memset(field, 0, k->size);
			return 0;
		default:
			break;
		}
	}
	if (!*v)
		return fail(why, n, "a value is required");
	switch (k->type) {
	case K_BOOL:
		return parse_bool(v, (bool *)(void *)field, why, n);
	case K_LOGLEVEL:
		for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
			if (strcasecmp(v, level_names[i]) == 0) {
				*(int *)(void *)field = level_values[i];
				return 0;
			}
		return fail(why, n, Q " is not one of error, warning, notice, info, debug",
			    QA(v));
	case K_PROXYMODE:
		for (i = 0; i < sizeof(mode_names) / sizeof(mode_names[0]); i++)
			if (strcmp(v, mode_names[i]) == 0) {
				*(enum esol_proxy_mode *)(void *)field = (enum esol_proxy_mode)i;
				return 0;
			}
		return fail(why, n, Q " is not one of none, manual, auto", QA(v));
	case K_TIME:
		return parse_time(v, (struct esol_time *)(void *)field, why, n);
	case K_UINT:
	case K_PORT:
		r = parse_uint(v, k->min, k->max, false, &x, why, n);
		if (r == 0)
			*(unsigned int *)(void *)field = (unsigned int)x;
		return r;
	case K_BYTES:
		r = parse_uint(v, k->min, k->max, true, &x, why, n);
		if (r == 0)
			*(uint64_t *)(void *)field = x;
		return r;
	case K_PATH:
		r = parse_path(v, k->size, why, n);
		break;
	case K_SOCKPATH:
		r = parse_path(v, k->size, why, n);
		break;
	case K_URL_HTTPS:
		r = parse_url(v, k->size, true, why, n);
		break;
	case K_URL_PAC:
		r = parse_url(v, k->size, false, why, n);
		break;
	case K_PIN:
		r = parse_pin(v, k->size, why, n);
		break;
	case K_ZONE:
		r = check_str(v, k->size, why, n);
		if (r == 0)
			r = parse_zone(v, why, n);
		break;
	case K_HOST:
		r = parse_host(v, k->size, why, n);
		break;
	case K_GROUP:
		r = parse_group(v, k->size, why, n);
		break;
	default:
		return fail(why, n, "internal error: key type");
	}
	if (r == 0) {
		memset(field, 0, k->size);
		memcpy(field, v, strlen(v));
	}
	return r;
}

/* Render the value of k in c as the file shows it. */
static void render_value(const struct key *k, const struct esol_config *c,
			 char *out, size_t n)
{
	const char *field = (const char *)c + k->off;
	uint64_t x;
	size_t i;

	switch (k->type) {
	case K_BOOL:
		snprintf(out, n, "%s", *(const bool *)(const void *)field ? "true" : "false");
		return;
	case K_LOGLEVEL:
		for (i = 0; i < sizeof(level_values) / sizeof(level_values[0]); i++)
			if (level_values[i] == *(const int *)(const void *)field)
				break;
		snprintf(out, n, "%s", i < sizeof(level_names) / sizeof(level_names[0]) ?
			 level_names[i] : "info");
		return;
	case K_PROXYMODE:
		snprintf(out, n, "%s",
			 config_proxy_mode_name(*(const enum esol_proxy_mode *)(const void *)field));
		return;
	case K_TIME: {
		const struct esol_time *t = (const void *)field;

		snprintf(out, n, "%02d:%02d", t->hour, t->minute);
		return;
	}
	case K_UINT:
		snprintf(out, n, "%u", *(const unsigned int *)(const void *)field);
		return;
	case K_PORT:
		if (*(const unsigned int *)(const void *)field)
			snprintf(out, n, "%u", *(const unsigned int *)(const void *)field);
		else
			snprintf(out, n, "%s", "");
		return;
	case K_BYTES:
		x = *(const uint64_t *)(const void *)field;
		if (x && x % GIB == 0)
			snprintf(out, n, "%" PRIu64 "G", (uint64_t)(x / GIB));
		else if (x && x % MIB == 0)
			snprintf(out, n, "%" PRIu64 "M", (uint64_t)(x / MIB));
		else if (x && x % KIB == 0)
			snprintf(out, n, "%" PRIu64 "K", (uint64_t)(x / KIB));
		else
			snprintf(out, n, "%" PRIu64, x);
		return;
	default:
		snprintf(out, n, "%s", field);
		return;
	}
}

static const struct key *find_key(const char *section, const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 && strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static const struct key *find_dotted(const char *dotted)
{
	char sec[32];
	const char *dot = strchr(dotted, '.');

	if (!dot || (size_t)(dot - dotted) >= sizeof(sec))
		return NULL;
	memcpy(sec, dotted, (size_t)(dot - dotted));
	sec[dot - dotted] = '\0';
	return find_key(sec, dot + 1);
}

static bool section_known_n(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < NSECTIONS; i++)
		if (strlen(sections[i]) == n && strncmp(sections[i], s, n) == 0)
			return true;
	return false;
}

static bool section_known(const char *s)
{
	return section_known_n(s, strlen(s));
}

/* ---- cross-key rules ---- */

/* lines[i]: where keys[i] was set (0: default).  err gets "path:line: ". */
static int cross_check(const struct esol_config *c, const char *path,
		       const int *lines, char *err, size_t errlen)
{
	const struct key *k = NULL;
	char why[256];

	why[0] = '\0';
	if (c->enabled && !c->server_url[0]) {
		k = find_key("agent", "enabled");
		snprintf(why, sizeof(why), "participation needs the server: set [server] url "
			 "first (as root: esolctl set server.url https://HOST/PATH)");
	} else if (c->proxy_mode == ESOL_PROXY_MANUAL && (!c->proxy_host[0] || !c->proxy_port)) {
		k = find_key("proxy", "mode");
		snprintf(why, sizeof(why), "'manual' needs host and port in [proxy]");
	} else if (!c->client_cert[0] != !c->client_key[0]) {
		k = find_key("server", c->client_cert[0] ? "client_cert" : "client_key");
		snprintf(why, sizeof(why), "client_cert and client_key go together");
	} else if (c->control_read_socket[0] &&
		   strcmp(c->control_read_socket, c->control_socket) == 0) {
		k = find_key("control", "read_socket");
		snprintf(why, sizeof(why), "must not be the control socket itself");
	} else if (c->control_read_group[0] && !c->control_read_socket[0]) {
		k = find_key("control", "read_group");
		snprintf(why, sizeof(why), "is the group of read_socket: set [control] "
			 "read_socket too");
	}
	if (!k)
		return 0;
	if (lines && path && lines[k - keys] > 0)
		snprintf(err, errlen, "%s:%d: %s: %s", path, lines[k - keys], k->name, why);
	else if (path)
		snprintf(err, errlen, "%s: %s.%s: %s", path, k->section, k->name, why);
	else
		snprintf(err, errlen, "%s.%s: %s", k->section, k->name, why);
	return -EINVAL;
}

int config_validate(const struct esol_config *c, char *err, size_t errlen)
{
	return cross_check(c, NULL, NULL, err, errlen);
}

/* ---- loading ---- */

struct parse_ctx {
	const char *path;
	FILE *f;
	char *line;		/* getline buffer */
	size_t linecap;
	size_t total;		/* bytes read */
	int lineno;
	int err_line;		/* first error found by us (0: none) */
	char err[512];
	int lines[NKEYS];	/* where each key was set */
	struct esol_config cfg;
};

static void ctx_error(struct parse_ctx *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ctx_error(struct parse_ctx *x, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (x->err_line)
		return;
	x->err_line = x->lineno;
	n = snprintf(x->err, sizeof(x->err), "%s:%d: ", x->path, x->lineno);
	if (n < 0 || (size_t)n >= sizeof(x->err))
		return;
	va_start(ap, fmt);
	vsnprintf(x->err + n, sizeof(x->err) - (size_t)n, fmt, ap);
	va_end(ap);
	esc_inplace(x->err, sizeof(x->err));	/* names and values from the file */
}

/*
 * inih's reader: one whole line per call, so our line count is inih's.
 * Leading blanks are removed (inih would take an indented line as the
 * continuation of the previous value), and a section header is checked
 * here since inih does not report empty sections.
 */
static char *reader(char *str, int num, void *stream)
{
	struct parse_ctx *x = stream;
	char *p, *end;
	ssize_t len;

	len = getline(&x->line, &x->linecap, x->f);
	if (len < 0)
		return NULL;
	x->lineno++;
	x->total += (size_t)len;
	if (x->total > CONFIG_FILE_MAX) {
		ctx_error(x, "the file is larger than %d bytes", CONFIG_FILE_MAX);
		return NULL;
	}
	if (strlen(x->line) != (size_t)len) {
		ctx_error(x, "the line contains a NUL byte");
		strcpy(str, "\n");
		return str;
	}
	end = x->line + len;
	if (end > x->line && end[-1] == '\n')
		*--end = '\0';
	if (end > x->line && end[-1] == '\r')
		*--end = '\0';
	p = x->line;
	if (x->lineno == 1 && strncmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;		/* UTF-8 byte order mark */
	while (*p == ' ' || *p == '\t')
		p++;
	if (end - p > CONFIG_LINE_MAX || (end - p) + 2 > num) {
		ctx_error(x, "the line is longer than %d characters", CONFIG_LINE_MAX);
		strcpy(str, "\n");
		return str;
	}
	if (*p == '[' && strchr(p, ']')) {
		/* "[ name ]" -> "[name]": inih keeps the blanks in the name */
		char *close = strchr(p, ']');
		const char *s = p + 1, *e = close;
		int n;

		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (!section_known_n(s, (size_t)(e - s)))
			ctx_error(x, "unknown section [%.*s]", (int)(e - s > 64 ? 64 : e - s), s);
		n = snprintf(str, (size_t)num, "[%.*s]%.*s\n", (int)(e - s), s,
			     (int)(end - close - 1), close + 1);
		if (n < 0 || n >= num)
			strcpy(str, "\n");
		return str;
	}
	memcpy(str, p, (size_t)(end - p));
	str[end - p] = '\n';
	str[end - p + 1] = '\0';
	return str;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *x = user;
	const struct key *k;
	char why[320];
	int i;

	if (!*section) {
		ctx_error(x, "'%s' is outside any [section]", name);
		return 1;
	}
	if (!section_known(section)) {
		ctx_error(x, "unknown section [%s]", section);	/* normally seen by the reader */
		return 1;
	}
	k = find_key(section, name);
	if (!k) {
		ctx_error(x, "unknown key '%s' in [%s]", name, section);
		return 1;
	}
	i = (int)(k - keys);
	if (x->lines[i]) {
		ctx_error(x, "%s: set twice (first on line %d)", name, x->lines[i]);
		return 1;
	}
	x->lines[i] = x->lineno;
	if (set_value(k, value, &x->cfg, why, sizeof(why)) < 0)
		ctx_error(x, "%s: %s", name, why);
	return 1;
}

int config_load(const char *path, struct esol_config *out, char *err, size_t errlen)
{
	struct parse_ctx *x;
	int r, syn;

	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	x->path = path;
	x->f = fopen(path, "re");
	if (!x->f) {
		r = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(-r));
		free(x);
		return r;
	}
	config_defaults(&x->cfg);
	syn = ini_parse_stream(reader, x, handler, x);
	if (ferror(x->f)) {
		r = -EIO;
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	if (syn > 0 && (!x->err_line || syn < x->err_line)) {
		r = -EINVAL;
		snprintf(err, errlen, "%s:%d: syntax error: expected 'key = value', "
			 "'[section]' or a comment", path, syn);
		goto out;
	}
	if (syn < 0) {
		r = -ENOMEM;
		snprintf(err, errlen, "%s: parser error %d", path, syn);
		goto out;
	}
	if (x->err_line) {
		r = -EINVAL;
		snprintf(err, errlen, "%s", x->err);
		goto out;
	}
	r = cross_check(&x->cfg, path, x->lines, err, errlen);
	if (r == 0)
		*out = x->cfg;
out:
	fclose(x->f);
	free(x->line);
	free(x);
	return r;
}

/* ---- writing ---- */

bool config_equal(const struct esol_config *a, const struct esol_config *b)
{
	char va[256], vb[256];
	size_t i;

	for (i = 0; i < NKEYS; i++) {
		render_value(&keys[i], a, va, sizeof(va));
		render_value(&keys[i], b, vb, sizeof(vb));
		if (strcmp(va, vb) != 0)
			return false;
	}
	return true;
}

int config_get(const struct esol_config *c, const char *key, char *out, size_t outlen)
{
	const struct key *k = key ? find_dotted(key) : NULL;

	if (!k)
		return -ENOENT;
	render_value(k, c, out, outlen);
	return 0;
}

static char *render_file(const struct esol_config *c, size_t *len)
{
	const char *cur = NULL;
	char val[256];
	char *buf = NULL;
	size_t i, sz = 0;
	FILE *f;

	f = open_memstream(&buf, &sz);
	if (!f)
		return NULL;
	fputs("# esold configuration.  Every key is described in docs/config.md.\n"
	      "# Written by esold (esolctl set ...): comments are not kept.\n", f);
	for (i = 0; i < NKEYS; i++) {
		if (!cur || strcmp(cur, keys[i].section) != 0) {
			cur = keys[i].section;
			fprintf(f, "\n[%s]\n", cur);
		}
		render_value(&keys[i], c, val, sizeof(val));
		if (*val)
			fprintf(f, "%s = %s\n", keys[i].name, val);
		else
			fprintf(f, "%s =\n", keys[i].name);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = sz;
	return buf;
}

int config_save_atomic(const char *path, const struct esol_config *c)
{
	struct stat st;
	mode_t mode = 0644;
	size_t len;
	char *buf;
	int r;

	if (stat(path, &st) == 0)
		mode = st.st_mode & 07777;
	buf = render_file(c, &len);
	if (!buf)
		return -ENOMEM;
	r = fsu_write_atomic(path, buf, len, mode);
	free(buf);
	return r;
}

/* A value must come back unchanged when the file is read again. */
static int value_writable(const char *v, char *why, size_t n)
{
	size_t len = strlen(v);

	if (has_ctl(v))
		return fail(why, n, "contains a control character");
	if (len && (v[0] == ' ' || v[0] == '\t' || v[len - 1] == ' ' || v[len - 1] == '\t'))
		return fail(why, n, "starts or ends with a blank");
	if (strstr(v, " ;") || strstr(v, "\t;"))
		return fail(why, n, "contains ' ;', which starts a comment in the file");
	return 0;
}

int config_apply(const char *path, const struct config_change *ch, size_t n,
		 struct esol_config *cur_out, struct esol_config *out,
		 char *err, size_t errlen)
{
	struct esol_config cur, next;
	char why[320], lerr[512];
	size_t i;
	int r;

	r = config_load(path, &cur, lerr, sizeof(lerr));
	if (r == -ENOENT) {
		config_defaults(&cur);
	} else if (r < 0) {
		snprintf(err, errlen, "not changed: %s", lerr);
		return r;
	}
	next = cur;
	for (i = 0; i < n; i++) {
		const struct key *k = ch[i].key ? find_dotted(ch[i].key) : NULL;

		if (!k) {
			snprintf(err, errlen, "unknown key '%s' (use section.key, "
				 "e.g. schedule.poll_time)", QA(ch[i].key ? ch[i].key : ""));
			return -EINVAL;
		}
		if (!ch[i].value || value_writable(ch[i].value, why, sizeof(why)) < 0 ||
		    set_value(k, ch[i].value, &next, why, sizeof(why)) < 0) {
			if (!ch[i].value)
				snprintf(why, sizeof(why), "a value is required");
			snprintf(err, errlen, "%s.%s: %s", k->section, k->name, why);
			return -EINVAL;
		}
	}
	r = config_validate(&next, err, errlen);
	if (r < 0)
		return r;
	if (cur_out)
		*cur_out = cur;
	*out = next;
	return 0;
}

int config_set(const char *path, const struct config_change *ch, size_t n,
	       struct esol_config *out, bool *changed, char *err, size_t errlen)
{
	struct esol_config cur, next;
	int r;

	*changed = false;
	r = config_apply(path, ch, n, &cur, &next, err, errlen);
	if (r < 0)
		return r;
	if (!config_equal(&cur, &next)) {
		r = config_save_atomic(path, &next);
		if (r < 0) {
			snprintf(err, errlen, "%s: cannot write: %s", path, strerror(-r));
			return r;
		}
		*changed = true;
	}
	if (out)
		*out = next;
	return 0;
}
