// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * handlers: the pages behind the login.  Status and log read esold's
 * state; each settings form becomes "set" requests to esold, whose
 * refusal is shown next to its field; the connection test is a poll-now
 * waited for.  See app_priv.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "webui/app_priv.h"
#include "webui/ctlclient.h"
#include "webui/engine.h"
#include "webui/pages.h"

/* ---- settings ---- */

static void view_init(struct app *app, struct settings_view *v, json_t **st, char *err,
		      size_t errlen)
{
	struct ctlc_error ce;

	memset(v, 0, sizeof(*v));
	v->zones = &app->zones;
	if (ctlc_status(app->cfg->socket, st, &ce) != CTLC_OK) {
		*st = NULL;
		snprintf(err, errlen, "%s", ce.message);
	}
	v->status = *st;
	v->status_err = err;
}

static enum MHD_Result settings_page(struct app *app, struct MHD_Connection *conn,
				     struct req *rq, unsigned int status, struct settings_view *v,
				     const char *notice, bool notice_error)
{
	struct page_ctx pc = { .csrf = rq->csrf, .notice = notice, .notice_error = notice_error };
	struct hbuf b;

	hb_init(&b);
	page_settings(&b, &pc, v);
	return app_send_page(app, conn, status, &b, NULL);
}

/* Set key = value in esold; on refusal its message goes to *field_err (in msgbuf). */
static bool set_one(struct app *app, struct req *rq, const char *key, const char *value,
		    const char **field_err, char *msgbuf, size_t msglen)
{
	struct ctlc_error ce;
	enum ctlc_result r = ctlc_set(app->cfg->socket, key, value, &ce);

	if (r == CTLC_OK) {
		log_notice("from %s: set %s = %s", rq->addr, key, value);
		return true;
	}
	snprintf(msgbuf, msglen, "%s", ce.message);
	*field_err = msgbuf;
	log_notice("from %s: set %s refused: %s", rq->addr, key, ce.message);
	return false;
}

/*
 * Set (user non-NULL) or clear the manual proxy's credentials in esold.
 * A refusal goes next to the field esold names ("password: ..." or the
 * user name); the password is never logged or put back in the page.
 */
static bool creds_one(struct app *app, struct req *rq, const char *user, const char *password,
		      struct settings_view *v, char *msgbuf, size_t msglen)
{
	struct ctlc_error ce;
	enum ctlc_result r = ctlc_proxy_creds(app->cfg->socket, user, password, &ce);

	if (r == CTLC_OK) {
		if (user)
			log_notice("from %s: proxy credentials set for user %s", rq->addr, user);
		else
			log_notice("from %s: proxy credentials cleared", rq->addr);
		return true;
	}
	/* esold names the field first ("user: ...", "password: ..."): in words. */
	if (strncmp(ce.message, "password: ", 10) == 0) {
		snprintf(msgbuf, msglen, "The password %s", ce.message + 10);
		v->err_proxy_password = msgbuf;
	} else if (strncmp(ce.message, "user: ", 6) == 0) {
		snprintf(msgbuf, msglen, "The user name %s", ce.message + 6);
		v->err_proxy_user = msgbuf;
	} else {
		snprintf(msgbuf, msglen, "%s", ce.message);
		v->err_proxy_user = msgbuf;
	}
	log_notice("from %s: proxy credentials %s refused: %s", rq->addr,
		   user ? "set" : "clear", ce.message);
	return false;
}

static const char *done_text(const char *done)
{
	if (!done)
		return NULL;
	if (strcmp(done, "participation") == 0)
		return "Participation saved.";
	if (strcmp(done, "schedule") == 0)
		return "The poll time is saved.";
	if (strcmp(done, "proxy") == 0)
		return "The proxy is saved.";
	if (strcmp(done, "proxy-credentials") == 0)
		return "The proxy sign-in is saved.";
	if (strcmp(done, "proxy-credentials-clear") == 0)
		return "The proxy sign-in is cleared.";
	return NULL;
}

enum MHD_Result app_settings_get(struct app *app, struct MHD_Connection *conn, struct req *rq)
{
	struct settings_view v;
	json_t *st;
	char err[512];
	enum MHD_Result r;

	view_init(app, &v, &st, err, sizeof(err));
	r = settings_page(app, conn, rq, MHD_HTTP_OK, &v,
			  done_text(MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "done")),
			  false);
	json_decref(st);
	return r;
}

enum MHD_Result app_settings_post(struct app *app, struct MHD_Connection *conn,
				     struct req *rq, const char *what, const struct form *f)
{
	struct settings_view v;
	char m1[600], m2[512], m3[512], err[512];	/* m1: "The user name " + esold's */
	bool ok = true;
	json_t *st;
	enum MHD_Result r;

	memset(&v, 0, sizeof(v));
	if (strcmp(what, "participation") == 0) {
		const char *en = form_get(f, "enabled");

		ok = set_one(app, rq, "enabled", en ? en : "", &v.err_enabled, m1, sizeof(m1));
	} else if (strcmp(what, "schedule") == 0) {
		const char *t = form_get(f, "poll_time"), *z = form_get(f, "time_zone");

		v.poll_time = t;
		v.time_zone = z;
		ok = set_one(app, rq, "poll_time", t ? t : "", &v.err_poll_time, m1, sizeof(m1));
		if (ok && z)
			ok = set_one(app, rq, "timezone", z, &v.err_time_zone, m2, sizeof(m2));
	} else if (strcmp(what, "proxy-credentials") == 0) {
		const char *u = form_get(f, "proxy_user"), *pw = form_get(f, "proxy_password");

		v.proxy_user = u;
		ok = creds_one(app, rq, u ? u : "", pw ? pw : "", &v, m1, sizeof(m1));
	} else if (strcmp(what, "proxy-credentials-clear") == 0) {
		ok = creds_one(app, rq, NULL, NULL, &v, m1, sizeof(m1));
	} else {
		const char *mode = form_get(f, "proxy_mode"), *host = form_get(f, "proxy_host");
		const char *port = form_get(f, "proxy_port"), *pac = form_get(f, "pac_url");

		v.proxy_mode = mode;
		v.proxy_host = host;
		v.proxy_port = port;
		v.pac_url = pac;
		if (!mode) {
			v.err_proxy_mode = "Choose how the device reaches the server.";
			ok = false;
		} else if (strcmp(mode, "manual") == 0) {
			if (!host || !*host) {
				v.err_proxy_host = "A manual proxy needs its host name or address.";
				ok = false;
			} else if (!port || !*port) {
				v.err_proxy_port = "A manual proxy needs its port.";
				ok = false;
			} else {
				ok = set_one(app, rq, "proxy_host", host, &v.err_proxy_host, m1,
					     sizeof(m1)) &&
				     set_one(app, rq, "proxy_port", port, &v.err_proxy_port, m2,
					     sizeof(m2));
			}
		} else if (strcmp(mode, "auto") == 0) {
			ok = set_one(app, rq, "pac_url", pac ? pac : "", &v.err_pac_url, m1,
				     sizeof(m1));
		}
		if (ok)
			ok = set_one(app, rq, "proxy", mode, &v.err_proxy_mode, m3, sizeof(m3));
	}
	if (ok) {
		char loc[64];

		snprintf(loc, sizeof(loc), "/settings?done=%s", what);
		return app_redirect(app, conn, loc, NULL);
	}
	{
		struct settings_view keep = v;

		view_init(app, &v, &st, err, sizeof(err));
		keep.zones = v.zones;
		keep.status = v.status;
		keep.status_err = v.status_err;
		r = settings_page(app, conn, rq, MHD_HTTP_UNPROCESSABLE_CONTENT, &keep,
				  "Not saved: the agent refused a value (see below).", true);
	}
	json_decref(st);
	return r;
}

/* The fields of status that change when a poll ends. */
static char *poll_marker(const json_t *st)
{
	const json_t *c = json_object_get(st, "counters");
	json_t *m = json_pack("{s:O?,s:O?,s:O?,s:O?}",
			      "a", json_object_get(st, "last_poll_attempt"),
			      "e", json_object_get(st, "last_error_time"),
			      "r", json_object_get(st, "last_poll_result"),
			      "p", c ? json_object_get(c, "polls") : NULL);
	char *s = m ? json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(m);
	return s;
}

static bool transfer_running(const json_t *st)
{
	return json_is_string(json_object_get(st, "transfer"));
}

enum MHD_Result app_settings_test(struct app *app, struct MHD_Connection *conn,
				     struct req *rq)
{
	struct settings_view v;
	struct ctlc_error ce;
	char result[600], err[512], *before = NULL;
	json_t *st = NULL;
	enum MHD_Result r;
	bool ok = false;
	int i;

	if (ctlc_status(app->cfg->socket, &st, &ce) == CTLC_OK) {
		before = poll_marker(st);
		json_decref(st);
		st = NULL;
	}
	log_notice("from %s: connection test", rq->addr);
	if (ctlc_poll_now(app->cfg->socket, &ce) != CTLC_OK) {
		snprintf(result, sizeof(result), "Not tested: %s", ce.message);
	} else {
		snprintf(result, sizeof(result),
			 "No answer within %d s; the status page shows the result when it comes.",
			 APP_TEST_WAIT_S);
		for (i = 0; i < APP_TEST_WAIT_S * 4; i++) {
			char *now;

			usleep(250 * 1000);
			if (ctlc_status(app->cfg->socket, &st, &ce) != CTLC_OK)
				break;
			now = poll_marker(st);
			if (!transfer_running(st) && now && (!before || strcmp(now, before) != 0)) {
				const json_t *res = json_object_get(st, "last_poll_result");

				poll_result_words(json_is_string(res) ? json_string_value(res) : NULL,
						  result, sizeof(result), &ok);
				free(now);
				break;
			}
			free(now);
			json_decref(st);
			st = NULL;
		}
		json_decref(st);
	}
	free(before);
	view_init(app, &v, &st, err, sizeof(err));
	v.test_result = result;
	v.test_ok = ok;
	r = settings_page(app, conn, rq, MHD_HTTP_OK, &v, NULL, false);
	json_decref(st);
	return r;
}

/* ---- status and log ---- */

enum MHD_Result app_status_get(struct app *app, struct MHD_Connection *conn, struct req *rq)
{
	struct page_ctx pc = { .csrf = rq->csrf };
	struct printeng_snap snap;
	struct ctlc_error ce;
	char eng_err[256];
	json_t *st = NULL;
	struct hbuf b;
	bool have_snap;

	if (ctlc_status(app->cfg->socket, &st, &ce) != CTLC_OK)
		st = NULL;
	have_snap = engine_read(app->cfg->sysfs_root, &snap, eng_err, sizeof(eng_err)) == 0;
	hb_init(&b);
	page_status(&b, &pc, st, ce.message, have_snap ? &snap : NULL, eng_err);
	json_decref(st);
	return app_send_page(app, conn, MHD_HTTP_OK, &b, NULL);
}

enum MHD_Result app_log_get(struct app *app, struct MHD_Connection *conn, struct req *rq)
{
	struct page_ctx pc = { .csrf = rq->csrf };
	struct ctlc_error ce;
	json_t *log = NULL;
	struct hbuf b;

	if (ctlc_log(app->cfg->socket, 50, &log, &ce) != CTLC_OK)
		log = NULL;
	hb_init(&b);
	page_log(&b, &pc, log, ce.message);
	json_decref(log);
	return app_send_page(app, conn, MHD_HTTP_OK, &b, NULL);
}

