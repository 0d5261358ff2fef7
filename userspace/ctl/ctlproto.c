// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* ctlproto: control-socket requests and replies as JSON lines; see ctlproto.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctlproto.h"

static const char *const cmd_names[CTL_CMD_COUNT] = {
	[CTL_CMD_STATUS] = "status",
	[CTL_CMD_POLL_NOW] = "poll-now",
	[CTL_CMD_SET] = "set",
	[CTL_CMD_LOG] = "log",
	[CTL_CMD_SPOOL_LIST] = "spool-list",
	[CTL_CMD_SPOOL_CLEAR] = "spool-clear",
	[CTL_CMD_RELOAD] = "reload",
	[CTL_CMD_PROXY_CREDS_SET] = "proxy-credentials-set",
	[CTL_CMD_PROXY_CREDS_CLEAR] = "proxy-credentials-clear",
};

static const char *const status_names[CTL_E_COUNT] = {
	[CTL_OK] = "ok",
	[CTL_E_BAD_REQUEST] = "bad_request",
	[CTL_E_TOO_LARGE] = "too_large",
	[CTL_E_UNKNOWN_COMMAND] = "unknown_command",
	[CTL_E_INVALID_VALUE] = "invalid_value",
	[CTL_E_FAILED] = "failed",
	[CTL_E_BUSY] = "busy",
	[CTL_E_PERMISSION] = "permission_denied",
	[CTL_E_TIMEOUT] = "timeout",
};

const char *ctl_cmd_name(enum ctl_cmd cmd)
{
	if ((unsigned int)cmd >= CTL_CMD_COUNT)
		return NULL;
	return cmd_names[cmd];
}

int ctl_cmd_from_name(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < CTL_CMD_COUNT; i++)
		if (strcmp(name, cmd_names[i]) == 0)
			return i;
	return -1;
}

const char *ctl_status_name(enum ctl_status st)
{
	if ((unsigned int)st >= CTL_E_COUNT)
		return NULL;
	return status_names[st];
}

int ctl_status_from_name(const char *name)
{
	int i;

	if (!name)
		return -1;
	for (i = 0; i < CTL_E_COUNT; i++)
		if (strcmp(name, status_names[i]) == 0)
			return i;
	return -1;
}

/* Printable text for a message: bounded, control characters replaced. */
static void quote_for_msg(char *dst, size_t size, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < size && i < 40; i++)
		dst[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	dst[i] = '\0';
}

static bool valid_key(const char *s)
{
	size_t i;

	if (!s[0])
		return false;
	for (i = 0; s[i]; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		      s[i] == '_' || s[i] == '.'))
			return false;
	return true;
}

static bool valid_value(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static bool set_key(const json_t *v, char *out, char *msg, size_t msg_size)
{
	if (!json_is_string(v) || json_string_length(v) > CTL_KEY_MAX ||
	    !valid_key(json_string_value(v))) {
		snprintf(msg, msg_size,
			 "\"key\" must be a config key name of 1..%d characters [a-z0-9_.]",
			 CTL_KEY_MAX);
		return false;
	}
	strcpy(out, json_string_value(v));
	return true;
}

static bool set_value(const json_t *v, char *out, char *msg, size_t msg_size)
{
	if (!json_is_string(v) || json_string_length(v) > CTL_VALUE_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v) ||
	    !valid_value(json_string_value(v))) {
		snprintf(msg, msg_size,
			 "\"value\" must be a string of at most %d characters without control characters",
			 CTL_VALUE_MAX);
		return false;
	}
	strcpy(out, json_string_value(v));
	return true;
}

/* A credential field: a string of at most CTL_CRED_MAX bytes, no NUL; never quoted. */
static bool cred_field(const json_t *v, const char *name, char *out, char *msg,
		       size_t msg_size)
{
	if (!json_is_string(v) || json_string_length(v) > CTL_CRED_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		snprintf(msg, msg_size, "\"%s\" must be a string of at most %d bytes",
			 name, CTL_CRED_MAX);
		return false;
	}
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return true;
}

void ctl_request_wipe(struct ctl_request *req)
{
	explicit_bzero(req->password, sizeof(req->password));
}

enum ctl_status ctl_parse_request(const char *line, size_t len,
				  struct ctl_request *req,
				  char *msg, size_t msg_size)
{
	json_error_t jerr;
	json_t *root, *v;
	const char *key, *name;
	char shown[48];
	enum ctl_status st = CTL_E_BAD_REQUEST;
	int cmd;
	bool has_key = false, has_value = false, has_count = false;
	bool has_user = false, has_password = false;

	memset(req, 0, sizeof(*req));
	req->count = CTL_LOG_COUNT_DEFAULT;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len + 1 > CTL_REQUEST_MAX) {
		snprintf(msg, msg_size, "request longer than %d bytes",
			 CTL_REQUEST_MAX - 1);
		return CTL_E_TOO_LARGE;
	}
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES,
			  &jerr);
	if (!root) {
		/* jansson quotes the text "near" the fault: it may be a password. */
		char *near = strstr(jerr.text, " near ");

		if (near)
			*near = '\0';
		snprintf(msg, msg_size, "request is not JSON: %s (column %d)", jerr.text,
			 jerr.column);
		return CTL_E_BAD_REQUEST;
	}
	if (!json_is_object(root)) {
		snprintf(msg, msg_size, "request is not a JSON object");
		goto out;
	}
	v = json_object_get(root, "cmd");
	if (!v) {
		snprintf(msg, msg_size, "request has no \"cmd\"");
		goto out;
	}
	if (!json_is_string(v)) {
		snprintf(msg, msg_size, "\"cmd\" must be a string");
		goto out;
	}
	name = json_string_value(v);
	cmd = ctl_cmd_from_name(name);
	if (cmd < 0) {
		quote_for_msg(shown, sizeof(shown), name);
		snprintf(msg, msg_size,
			 "unknown command \"%s\" (known: status, poll-now, set, log, spool-list, "
			 "spool-clear, reload, proxy-credentials-set, proxy-credentials-clear)",
			 shown);
		st = CTL_E_UNKNOWN_COMMAND;
		goto out;
	}
	req->cmd = (enum ctl_cmd)cmd;

	json_object_foreach(root, key, v) {
		if (strcmp(key, "cmd") == 0)
			continue;
		if (req->cmd == CTL_CMD_SET && strcmp(key, "key") == 0) {
			if (!set_key(v, req->key, msg, msg_size))
				goto out;
			has_key = true;
		} else if (req->cmd == CTL_CMD_SET && strcmp(key, "value") == 0) {
			if (!set_value(v, req->value, msg, msg_size))
				goto out;
			has_value = true;
		} else if (req->cmd == CTL_CMD_SET && strcmp(key, "also") == 0) {
			size_t i;
			json_t *e;

			if (!json_is_array(v) || json_array_size(v) < 1 ||
			    json_array_size(v) > CTL_SET_MAX - 1) {
				snprintf(msg, msg_size, "\"also\" must be an array of 1..%d "
					 "{\"key\",\"value\"} objects", CTL_SET_MAX - 1);
				goto out;
			}
			json_array_foreach(v, i, e) {
				if (!json_is_object(e) || json_object_size(e) != 2 ||
				    !json_object_get(e, "key") || !json_object_get(e, "value")) {
					snprintf(msg, msg_size, "\"also\"[%zu] must be "
						 "{\"key\":...,\"value\":...}", i);
					goto out;
				}
				if (!set_key(json_object_get(e, "key"), req->also[i].key,
					     msg, msg_size) ||
				    !set_value(json_object_get(e, "value"), req->also[i].value,
					       msg, msg_size))
					goto out;
			}
			req->n_also = (unsigned int)json_array_size(v);
		} else if (req->cmd == CTL_CMD_LOG && strcmp(key, "count") == 0) {
			json_int_t n;

			if (!json_is_integer(v)) {
				snprintf(msg, msg_size, "\"count\" must be an integer");
				goto out;
			}
			n = json_integer_value(v);
			if (n < 1 || n > CTL_LOG_COUNT_MAX) {
				snprintf(msg, msg_size, "\"count\" must be 1..%d",
					 CTL_LOG_COUNT_MAX);
				goto out;
			}
			req->count = (unsigned int)n;
			has_count = true;
		} else if (req->cmd == CTL_CMD_PROXY_CREDS_SET && strcmp(key, "user") == 0) {
			if (!cred_field(v, "user", req->user, msg, msg_size))
				goto out;
			has_user = true;
		} else if (req->cmd == CTL_CMD_PROXY_CREDS_SET && strcmp(key, "password") == 0) {
			if (!cred_field(v, "password", req->password, msg, msg_size))
				goto out;
			has_password = true;
		} else {
			quote_for_msg(shown, sizeof(shown), key);
			snprintf(msg, msg_size, "unknown field \"%s\" for command %s",
				 shown, name);
			goto out;
		}
	}
	(void)has_count;
	if (req->cmd == CTL_CMD_SET && (!has_key || !has_value)) {
		snprintf(msg, msg_size, "set needs \"key\" and \"value\"");
		goto out;
	}
	if (req->cmd == CTL_CMD_PROXY_CREDS_SET && (!has_user || !has_password)) {
		snprintf(msg, msg_size, "proxy-credentials-set needs \"user\" and \"password\"");
		goto out;
	}
	st = CTL_OK;
	if (msg_size)
		msg[0] = '\0';
out:
	if (st != CTL_OK)
		ctl_request_wipe(req);
	json_decref(root);
	return st;
}

/* Dump compactly and append the newline. */
static char *dump_line(json_t *obj)
{
	char *s, *line;
	size_t n;

	if (!obj)
		return NULL;
	s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(obj);
	if (!s)
		return NULL;
	n = strlen(s);
	line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = '\0';
	return line;
}

char *ctl_encode_request(const struct ctl_request *req)
{
	json_t *o;

	if (!ctl_cmd_name(req->cmd))
		return NULL;
	o = json_pack("{s:s}", "cmd", ctl_cmd_name(req->cmd));
	if (!o)
		return NULL;
	if (req->cmd == CTL_CMD_SET) {
		json_t *also;
		unsigned int i;

		if (json_object_set_new(o, "key", json_string(req->key)) ||
		    json_object_set_new(o, "value", json_string(req->value)))
			goto fail;
		if (req->n_also > CTL_SET_MAX - 1)
			goto fail;
		if (req->n_also) {
			also = json_array();
			if (!also || json_object_set_new(o, "also", also))
				goto fail;
			for (i = 0; i < req->n_also; i++)
				if (json_array_append_new(also, json_pack("{s:s,s:s}",
						"key", req->also[i].key,
						"value", req->also[i].value)))
					goto fail;
		}
	} else if (req->cmd == CTL_CMD_LOG) {
		if (json_object_set_new(o, "count", json_integer(req->count)))
			goto fail;
	} else if (req->cmd == CTL_CMD_PROXY_CREDS_SET) {
		if (json_object_set_new(o, "user", json_string(req->user)) ||
		    json_object_set_new(o, "password", json_string(req->password)))
			goto fail;
	}
	return dump_line(o);
fail:
	json_decref(o);
	return NULL;
}

char *ctl_encode_reply_ok(json_t *data)
{
	json_t *o;

	if (!data)
		data = json_object();
	o = json_pack("{s:b,s:o}", "ok", 1, "data", data);
	return dump_line(o);
}

char *ctl_encode_reply_error(enum ctl_status st, const char *message)
{
	const char *name = ctl_status_name(st);

	if (!name || st == CTL_OK)
		name = status_names[CTL_E_FAILED];
	return dump_line(json_pack("{s:b,s:s,s:s}", "ok", 0, "error", name,
				   "message", message ? message : ""));
}

int ctl_parse_reply(const char *line, size_t len, int *ok, json_t **data,
		    char *error, size_t error_size, char *msg, size_t msg_size)
{
	json_error_t jerr;
	json_t *root, *v;
	int r = -1;

	*data = NULL;
	*ok = 0;
	if (len > 0 && line[len - 1] == '\n')
		len--;
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(msg, msg_size, "reply is not JSON: %s", jerr.text);
		return -1;
	}
	v = json_object_get(root, "ok");
	if (!json_is_object(root) || !json_is_boolean(v)) {
		snprintf(msg, msg_size, "reply has no boolean \"ok\"");
		goto out;
	}
	if (json_is_true(v)) {
		v = json_object_get(root, "data");
		if (!json_is_object(v)) {
			snprintf(msg, msg_size, "reply has no \"data\" object");
			goto out;
		}
		*ok = 1;
		*data = json_incref(v);
		if (msg_size)
			msg[0] = '\0';
	} else {
		json_t *e = json_object_get(root, "error");
		json_t *m = json_object_get(root, "message");

		if (!json_is_string(e) || !json_is_string(m)) {
			snprintf(msg, msg_size, "error reply lacks \"error\"/\"message\"");
			goto out;
		}
		snprintf(error, error_size, "%s", json_string_value(e));
		snprintf(msg, msg_size, "%s", json_string_value(m));
	}
	r = 0;
out:
	json_decref(root);
	return r;
}
