/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * app_priv: what app.c (routing, login, headers) and handlers.c (the
 * logged-in pages and forms) share: the app, one request, the answers.
 */
#ifndef ESOL_WEBUI_APP_PRIV_H
#define ESOL_WEBUI_APP_PRIV_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>

#include <microhttpd.h>

#include "webui/app.h"
#include "webui/form.h"
#include "webui/html.h"
#include "webui/ratelimit.h"
#include "webui/session.h"
#include "webui/zones.h"

struct app {
	const struct webui_config *cfg;
	struct MHD_Daemon *mhd;
	struct session_store *sessions;
	struct ratelimit *rl;
	struct zone_list zones;
};

/* One request's state between libmicrohttpd's calls. */
struct req {
	struct hbuf body;
	bool too_large;
	char addr[INET6_ADDRSTRLEN];
	char sid[SESSION_TOKEN_LEN + 1];	/* "" not logged in */
	char csrf[SESSION_TOKEN_LEN + 1];
};

/* Seconds on CLOCK_MONOTONIC (sessions, rate limit). */
int64_t app_now(void);
/* Send b (a page) with status; set_cookie: NULL none, "" clear, else the new id. */
enum MHD_Result app_send_page(struct app *app, struct MHD_Connection *conn,
			      unsigned int status, struct hbuf *b, const char *set_cookie);
/* 303 to location. */
enum MHD_Result app_redirect(struct app *app, struct MHD_Connection *conn,
			     const char *location, const char *set_cookie);

/* handlers.c: the pages behind the login. */
enum MHD_Result app_status_get(struct app *app, struct MHD_Connection *conn, struct req *rq);
enum MHD_Result app_log_get(struct app *app, struct MHD_Connection *conn, struct req *rq);
enum MHD_Result app_settings_get(struct app *app, struct MHD_Connection *conn, struct req *rq);
/* what: "participation", "schedule" or "proxy"; f: the checked form. */
enum MHD_Result app_settings_post(struct app *app, struct MHD_Connection *conn,
				  struct req *rq, const char *what, const struct form *f);
enum MHD_Result app_settings_test(struct app *app, struct MHD_Connection *conn,
				  struct req *rq);

#endif /* ESOL_WEBUI_APP_PRIV_H */
