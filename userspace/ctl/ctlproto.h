/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * ctlproto: the control-socket protocol between esolctl and esold.
 *
 * A unix stream socket carries line-delimited JSON: one request object
 * per line, answered by one reply object per line, in order.
 *
 *   request  {"cmd":"status"}
 *            {"cmd":"poll-now"}
 *            {"cmd":"set","key":"enabled","value":"false"}
 *            {"cmd":"set","key":"server.client_cert","value":"/etc/esol/d.crt",
 *             "also":[{"key":"server.client_key","value":"/etc/esol/d.key"}]}
 *            {"cmd":"log","count":20}
 *            {"cmd":"spool-list"}   {"cmd":"spool-clear"}   {"cmd":"reload"}
 *            {"cmd":"proxy-credentials-set","user":"alice","password":"..."}
 *            {"cmd":"proxy-credentials-clear"}
 *   reply    {"ok":true,"data":{...}}
 *            {"ok":false,"error":"unknown_command","message":"..."}
 *
 * A request line is at most CTL_REQUEST_MAX bytes including the newline;
 * unknown commands, unknown fields, wrong types and bad values are
 * refused with a clear message.  Both sides build and parse JSON with
 * jansson.  Nothing here does I/O, logs or keeps state.  A request may
 * carry a password (proxy-credentials-set): no message here ever quotes
 * a field's value, and ctl_request_wipe() clears it after use.
 */
#ifndef ESOL_CTL_CTLPROTO_H
#define ESOL_CTL_CTLPROTO_H

#include <stddef.h>
#include <jansson.h>

#define CTL_REQUEST_MAX		4096		/* bytes, one line */
#define CTL_REPLY_MAX		(4 * 1024 * 1024)	/* bytes, one line */
#define CTL_KEY_MAX		31
#define CTL_VALUE_MAX		1023
#define CTL_SET_MAX		4	/* keys one set changes together */
#define CTL_CRED_MAX		255	/* bytes; esold takes fewer (core/credstore.h) */
#define CTL_LOG_COUNT_MAX	1000
#define CTL_LOG_COUNT_DEFAULT	20
#define CTL_DEFAULT_SOCKET	"/run/esol/esold.sock"

enum ctl_cmd {
	CTL_CMD_STATUS,
	CTL_CMD_POLL_NOW,
	CTL_CMD_SET,
	CTL_CMD_LOG,
	CTL_CMD_SPOOL_LIST,
	CTL_CMD_SPOOL_CLEAR,
	CTL_CMD_RELOAD,
	CTL_CMD_PROXY_CREDS_SET,	/* the manual proxy's user and password */
	CTL_CMD_PROXY_CREDS_CLEAR,
	CTL_CMD_COUNT
};

struct ctl_request {
	enum ctl_cmd cmd;
	char key[CTL_KEY_MAX + 1];	/* set */
	char value[CTL_VALUE_MAX + 1];	/* set */
	struct {
		char key[CTL_KEY_MAX + 1];
		char value[CTL_VALUE_MAX + 1];
	} also[CTL_SET_MAX - 1];	/* set: more keys changed together */
	unsigned int n_also;
	unsigned int count;		/* log: 1..CTL_LOG_COUNT_MAX */
	char user[CTL_CRED_MAX + 1];	/* proxy-credentials-set */
	char password[CTL_CRED_MAX + 1];	/* proxy-credentials-set: wipe after use */
};

/* Clear the password a request may hold (explicit_bzero). */
void ctl_request_wipe(struct ctl_request *req);

/* Error codes carried in a reply's "error". */
enum ctl_status {
	CTL_OK = 0,
	CTL_E_BAD_REQUEST,	/* not JSON, wrong field, wrong type */
	CTL_E_TOO_LARGE,	/* request line over CTL_REQUEST_MAX */
	CTL_E_UNKNOWN_COMMAND,
	CTL_E_INVALID_VALUE,	/* set: the config module refused it */
	CTL_E_FAILED,		/* the agent could not do it (I/O error...) */
	CTL_E_BUSY,		/* too many control clients (or too many of this user) */
	CTL_E_PERMISSION,	/* only root may do this */
	CTL_E_TIMEOUT,		/* no request in time: the connection is closed */
	CTL_E_COUNT
};

/* Wire names: "status", "poll-now"...; NULL / -1 when unknown. */
const char *ctl_cmd_name(enum ctl_cmd cmd);
int ctl_cmd_from_name(const char *name);
/* "bad_request", ... */
const char *ctl_status_name(enum ctl_status st);
int ctl_status_from_name(const char *name);

/*
 * Parse one request line (without or with its trailing newline).
 * On error returns the status and writes a message to msg.
 */
enum ctl_status ctl_parse_request(const char *line, size_t len,
				  struct ctl_request *req,
				  char *msg, size_t msg_size);

/* Encode a request as a malloc'd JSON line ending in "\n"; NULL on ENOMEM. */
char *ctl_encode_request(const struct ctl_request *req);

/*
 * Replies.  ctl_encode_reply_ok steals the reference to data (may be
 * NULL for an empty object); both return a malloc'd line ending in "\n".
 */
char *ctl_encode_reply_ok(json_t *data);
char *ctl_encode_reply_error(enum ctl_status st, const char *message);

/*
 * Parse a reply line.  On success returns 0 with *ok set; when ok,
 * *data holds a new reference to the data object (caller json_decref's);
 * when not ok, error/message are copied out.  -1 on a malformed reply
 * (message in msg).
 */
int ctl_parse_reply(const char *line, size_t len, int *ok, json_t **data,
		    char *error, size_t error_size, char *msg, size_t msg_size);

#endif /* ESOL_CTL_CTLPROTO_H */
