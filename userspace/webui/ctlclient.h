/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * ctlclient: one request to esold over its control socket, in the
 * protocol of ctl/ctlproto.h (the one esolctl speaks), with a deadline.
 *
 * esol-webui holds no settings of its own: every page reads esold's state
 * through here, and every change is a "set" (or proxy-credentials-set)
 * that esold validates, saves and applies (or refuses with its own
 * message, shown to the user).
 */
#ifndef ESOL_WEBUI_CTLCLIENT_H
#define ESOL_WEBUI_CTLCLIENT_H

#include <stddef.h>
#include <jansson.h>

#include "ctl/ctlproto.h"

enum ctlc_result {
	CTLC_OK,		/* *data holds the reply's data */
	CTLC_REFUSED,		/* esold answered no: code and message set */
	CTLC_UNREACHABLE,	/* no answer: message says why */
};

struct ctlc_error {
	char code[32];		/* esold's "error" ("invalid_value"...), or "" */
	char message[512];
};

enum ctlc_result ctlc_call(const char *socket_path, const struct ctl_request *req,
			   int timeout_ms, json_t **data, struct ctlc_error *err);

/* Shorthands: status; log of count records; set key value; poll-now. */
enum ctlc_result ctlc_status(const char *socket_path, json_t **data, struct ctlc_error *err);
enum ctlc_result ctlc_log(const char *socket_path, unsigned int count, json_t **data,
			  struct ctlc_error *err);
enum ctlc_result ctlc_set(const char *socket_path, const char *key, const char *value,
			  struct ctlc_error *err);
enum ctlc_result ctlc_poll_now(const char *socket_path, struct ctlc_error *err);
/*
 * The manual proxy's credentials in esold's own file: set (user and
 * password; esold checks them and its refusal names the field, "user:
 * ..." or "password: ...") or, with user NULL, clear.  The request's
 * copy of the password is wiped.
 */
enum ctlc_result ctlc_proxy_creds(const char *socket_path, const char *user,
				  const char *password, struct ctlc_error *err);

#endif /* ESOL_WEBUI_CTLCLIENT_H */
