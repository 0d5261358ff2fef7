// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* app: routes, sessions, CSRF and forms over libmicrohttpd; see app.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/log.h"
#include "webui/app.h"
#include "webui/ctlclient.h"
#include "webui/engine.h"
#include "webui/form.h"
#include "webui/html.h"
#include "webui/pages.h"
#include "webui/passwd.h"
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

static const char csp[] =
	"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
	"frame-ancestors 'none'; base-uri 'none'";

static int64_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* ---- answers ---- */

static void security_headers(struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* same-origin: the browser then sends this server's Origin with a form
	 * (no-referrer makes it "null", which same_origin() refuses). */
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
}

static void cookie_header(const struct app *app, struct MHD_Response *resp, const char *sid)
{
	char c[256];

	if (!sid)
		return;
	if (*sid)
		snprintf(c, sizeof(c), APP_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%u%s",
			 sid, app->cfg->session_max_hours * 3600, app->cfg->tls ? "; Secure" : "");
	else
		snprintf(c, sizeof(c), APP_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
			 app->cfg->tls ? "; Secure" : "");
	MHD_add_response_header(resp, "Set-Cookie", c);
}

/* Send b (a page) with status; set_cookie: NULL none, "" clear, else the new id. */
static enum MHD_Result send_page(struct app *app, struct MHD_Connection *conn,
				 unsigned int status, struct hbuf *b, const char *set_cookie)
{
	struct MHD_Response *resp;
	const char *text = hb_finish(b);
	enum MHD_Result r;

	if (!text) {
		log_err("out of memory rendering a page");
		return MHD_NO;
	}
	resp = MHD_create_response_from_buffer(b->len, (void *)text, MHD_RESPMEM_MUST_COPY);
	hb_free(b);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	security_headers(resp);
	cookie_header(app, resp, set_cookie);
	r = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result redirect(struct app *app, struct MHD_Connection *conn,
				const char *location, const char *set_cookie)
{
	struct MHD_Response *resp;
	enum MHD_Result r;

	resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Location", location);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	security_headers(resp);
	cookie_header(app, resp, set_cookie);
	r = MHD_queue_response(conn, MHD_HTTP_SEE_OTHER, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result message(struct app *app, struct MHD_Connection *conn,
			       const struct req *rq, unsigned int status, const char *title,
			       const char *text)
{
	struct page_ctx pc = { .csrf = rq->sid[0] ? rq->csrf : NULL };
	struct hbuf b;

	hb_init(&b);
	page_message(&b, &pc, title, text);
	return send_page(app, conn, status, &b, NULL);
}

/* The tab's icon: the brand mark of the page's header. */
static const char favicon_svg[] =
	"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
	"<rect width=\"16\" height=\"16\" rx=\"4\" fill=\"#1fb58f\"/>"
	"<path d=\"M4 0h8L0 12V4a4 4 0 0 1 4-4z\" fill=\"#3d8bfd\"/></svg>";

/* A built-in file (stylesheet, icon), cacheable. */
static enum MHD_Result static_file(struct MHD_Connection *conn, const char *data,
				   const char *type)
{
	struct MHD_Response *resp;
	enum MHD_Result r;

	resp = MHD_create_response_from_buffer(strlen(data), (void *)data,
					       MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "max-age=3600");
	security_headers(resp);
	r = MHD_queue_response(conn, MHD_HTTP_OK, resp);
	MHD_destroy_response(resp);
	return r;
}

/* ---- login, first use, logout ---- */

static int password_state(const struct app *app, char line[PW_LINE_MAX])
{
	int r = pw_file_read(app->cfg->password_file, line);

	if (r < 0 && r != -ENOENT)
		log_err("%s: %s", app->cfg->password_file, strerror(-r));
	return r;
}

static enum MHD_Result login_page(struct app *app, struct MHD_Connection *conn,
				  unsigned int status, bool setup, const char *error)
{
	struct page_ctx pc = { 0 };
	struct hbuf b;

	hb_init(&b);
	page_login(&b, &pc, setup, error);
	return send_page(app, conn, status, &b, NULL);
}

/* A new session for the browser, then the status page. */
static enum MHD_Result start_session(struct app *app, struct MHD_Connection *conn,
				     struct req *rq)
{
	if (session_create(app->sessions, mono_s(), rq->sid, rq->csrf) < 0)
		return message(app, conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "Error",
			       "No randomness for a session.");
	return redirect(app, conn, "/status", rq->sid);
}

static enum MHD_Result too_many(struct app *app, struct MHD_Connection *conn, bool setup,
				int64_t wait)
{
	char m[128];

	snprintf(m, sizeof(m), "Too many wrong attempts. Try again in %lld seconds.",
		 (long long)wait);
	return login_page(app, conn, MHD_HTTP_TOO_MANY_REQUESTS, setup, m);
}

static enum MHD_Result do_login(struct app *app, struct MHD_Connection *conn, struct req *rq,
				const struct form *f, const char *stored)
{
	const char *pw = form_get(f, "password");
	int64_t wait = ratelimit_wait(app->rl, rq->addr, mono_s());
	int ok;

	if (wait > 0) {
		log_warn("login from %s refused: too many wrong passwords", rq->addr);
		return too_many(app, conn, false, wait);
	}
	ok = pw ? pw_verify(pw, stored) : 0;
	if (ok < 0) {
		log_err("%s: not a password hash this program made", app->cfg->password_file);
		return login_page(app, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, false,
				  "The stored password is damaged; reset it with esol-webui --set-password.");
	}
	if (!ok) {
		ratelimit_failed(app->rl, rq->addr, mono_s());
		log_notice("login from %s: wrong password", rq->addr);
		return login_page(app, conn, MHD_HTTP_FORBIDDEN, false, "Wrong password.");
	}
	log_notice("login from %s", rq->addr);
	return start_session(app, conn, rq);
}

static enum MHD_Result do_setup(struct app *app, struct MHD_Connection *conn, struct req *rq,
				const struct form *f)
{
	char line[PW_LINE_MAX], msg[160];
	int64_t wait = ratelimit_wait(app->rl, rq->addr, mono_s());
	int r;

	if (wait > 0)
		return too_many(app, conn, true, wait);
	if (pw_policy(form_get(f, "password"), form_get(f, "again"), msg, sizeof(msg)) < 0) {
		ratelimit_failed(app->rl, rq->addr, mono_s());
		return login_page(app, conn, MHD_HTTP_BAD_REQUEST, true, msg);
	}
	/* Someone may have set it meanwhile: never replace an existing one here. */
	if (password_state(app, line) != -ENOENT)
		return redirect(app, conn, "/login", NULL);
	r = pw_hash(form_get(f, "password"), PW_ITER_DEFAULT, line);
	if (r == 0)
		r = pw_file_write(app->cfg->password_file, line);
	if (r < 0) {
		log_err("cannot save the password to %s: %s", app->cfg->password_file, strerror(-r));
		return login_page(app, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, true,
				  "The password cannot be saved on the device.");
	}
	log_notice("administrator password set from %s (first use)", rq->addr);
	return start_session(app, conn, rq);
}

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
	return send_page(app, conn, status, &b, NULL);
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
	return NULL;
}

static enum MHD_Result settings_get(struct app *app, struct MHD_Connection *conn, struct req *rq)
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

static enum MHD_Result settings_post(struct app *app, struct MHD_Connection *conn,
				     struct req *rq, const char *what, const struct form *f)
{
	struct settings_view v;
	char m1[512], m2[512], m3[512], err[512];
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
		return redirect(app, conn, loc, NULL);
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

static enum MHD_Result settings_test(struct app *app, struct MHD_Connection *conn,
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

static enum MHD_Result status_get(struct app *app, struct MHD_Connection *conn, struct req *rq)
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
	return send_page(app, conn, MHD_HTTP_OK, &b, NULL);
}

static enum MHD_Result log_get(struct app *app, struct MHD_Connection *conn, struct req *rq)
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
	return send_page(app, conn, MHD_HTTP_OK, &b, NULL);
}

/* ---- routing ---- */

/* A POST must come from a page of this server (when the browser says where from). */
static bool same_origin(struct MHD_Connection *conn, bool tls)
{
	const char *origin = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	char want[300];

	if (!origin)
		return true;	/* not sent: SameSite=Strict and the CSRF token decide */
	if (!host)
		return false;
	snprintf(want, sizeof(want), "%s://%s", tls ? "https" : "http", host);
	return strcmp(origin, want) == 0;
}

static const char *const login_fields[] = { "user", "password", NULL };
static const char *const setup_fields[] = { "user", "password", "again", NULL };
static const char *const logout_fields[] = { "csrf", NULL };
static const char *const part_fields[] = { "csrf", "enabled", NULL };
static const char *const sched_fields[] = { "csrf", "poll_time", "time_zone", NULL };
static const char *const proxy_fields[] = { "csrf", "proxy_mode", "pac_url", "proxy_host",
					    "proxy_port", NULL };

static const char *const *fields_of(const char *url)
{
	static const struct {
		const char *url;
		const char *const *fields;
	} t[] = {
		{ "/login", login_fields }, { "/setup", setup_fields },
		{ "/logout", logout_fields }, { "/settings/participation", part_fields },
		{ "/settings/schedule", sched_fields }, { "/settings/proxy", proxy_fields },
		{ "/settings/test", logout_fields },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].url, url) == 0)
			return t[i].fields;
	return NULL;
}

static enum MHD_Result handle_post(struct app *app, struct MHD_Connection *conn,
				   struct req *rq, const char *url, bool setup, const char *stored)
{
	const char *const *fields = fields_of(url);
	const char *ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	char err[160];
	struct form f;
	enum MHD_Result r;

	if (!fields)
		return message(app, conn, rq, MHD_HTTP_NOT_FOUND, "Not found", "There is no such page.");
	if (rq->too_large)
		return message(app, conn, rq, MHD_HTTP_CONTENT_TOO_LARGE, "Refused",
			       "The form is too large.");
	if (!ctype || strncmp(ctype, "application/x-www-form-urlencoded", 33) != 0)
		return message(app, conn, rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Refused",
			       "Forms must be sent as application/x-www-form-urlencoded.");
	if (!same_origin(conn, app->cfg->tls)) {
		log_warn("POST %s from %s refused: foreign Origin", url, rq->addr);
		return message(app, conn, rq, MHD_HTTP_FORBIDDEN, "Refused",
			       "The form did not come from this device's pages.");
	}
	if (form_parse(rq->body.data ? rq->body.data : "", rq->body.len, fields, &f, err,
		       sizeof(err)) < 0)
		return message(app, conn, rq, MHD_HTTP_BAD_REQUEST, "Refused", err);
	if (setup) {
		r = strcmp(url, "/setup") == 0 ? do_setup(app, conn, rq, &f)
					       : redirect(app, conn, "/setup", NULL);
	} else if (strcmp(url, "/login") == 0) {
		r = do_login(app, conn, rq, &f, stored);
	} else if (!rq->sid[0]) {
		r = redirect(app, conn, "/login", NULL);
	} else if (!session_csrf_ok(app->sessions, rq->sid, form_get(&f, "csrf"), mono_s())) {
		log_warn("POST %s from %s refused: missing or wrong CSRF token", url, rq->addr);
		r = message(app, conn, rq, MHD_HTTP_FORBIDDEN, "Refused",
			    "This form has expired or did not come from this device's pages. "
			    "Open the page again and repeat the change.");
	} else if (strcmp(url, "/logout") == 0) {
		session_destroy(app->sessions, rq->sid);
		log_notice("logout from %s", rq->addr);
		r = redirect(app, conn, "/login", "");
	} else if (strcmp(url, "/settings/test") == 0) {
		r = settings_test(app, conn, rq);
	} else {
		r = settings_post(app, conn, rq, url + strlen("/settings/"), &f);
	}
	form_free(&f);
	return r;
}

static enum MHD_Result dispatch(struct app *app, struct MHD_Connection *conn, struct req *rq,
				const char *url, const char *method)
{
	const char *cookies = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Cookie");
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	char stored[PW_LINE_MAX];
	bool setup;
	int pr;

	if (!get && strcmp(method, "POST") != 0)
		return message(app, conn, rq, MHD_HTTP_METHOD_NOT_ALLOWED, "Refused",
			       "Only GET and POST are used here.");
	if (get && strcmp(url, "/style.css") == 0)
		return static_file(conn, webui_style_css, "text/css; charset=utf-8");
	if (get && strcmp(url, "/favicon.svg") == 0)
		return static_file(conn, favicon_svg, "image/svg+xml");
	pr = password_state(app, stored);
	if (pr < 0 && pr != -ENOENT)
		return message(app, conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "Error",
			       "The password file cannot be read; see the device's log.");
	setup = pr == -ENOENT;
	if (!setup && cookies && cookie_get(cookies, APP_COOKIE, rq->sid, sizeof(rq->sid)) == 0 &&
	    session_check(app->sessions, rq->sid, mono_s(), rq->csrf) < 0)
		rq->sid[0] = '\0';
	if (!get)
		return handle_post(app, conn, rq, url, setup, stored);
	if (setup)
		return strcmp(url, "/setup") == 0 ? login_page(app, conn, MHD_HTTP_OK, true, NULL)
						  : redirect(app, conn, "/setup", NULL);
	if (!rq->sid[0])
		return strcmp(url, "/login") == 0 ? login_page(app, conn, MHD_HTTP_OK, false, NULL)
						  : redirect(app, conn, "/login", NULL);
	if (strcmp(url, "/") == 0 || strcmp(url, "/login") == 0 || strcmp(url, "/setup") == 0)
		return redirect(app, conn, "/status", NULL);
	if (strcmp(url, "/status") == 0)
		return status_get(app, conn, rq);
	if (strcmp(url, "/settings") == 0)
		return settings_get(app, conn, rq);
	if (strcmp(url, "/log") == 0)
		return log_get(app, conn, rq);
	return message(app, conn, rq, MHD_HTTP_NOT_FOUND, "Not found", "There is no such page.");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct app *app = cls;
	struct req *rq = *con_cls;
	const union MHD_ConnectionInfo *ci;

	(void)version;
	if (!rq) {
		rq = calloc(1, sizeof(*rq));
		if (!rq)
			return MHD_NO;
		hb_init(&rq->body);
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		if (ci && ci->client_addr) {
			const struct sockaddr *sa = ci->client_addr;

			if (sa->sa_family == AF_INET)
				inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
					  rq->addr, sizeof(rq->addr));
			else if (sa->sa_family == AF_INET6)
				inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
					  rq->addr, sizeof(rq->addr));
		}
		if (!rq->addr[0])
			strcpy(rq->addr, "?");
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->body.len + *upload_size > FORM_BODY_MAX)
			rq->too_large = true;
		else
			hb_rawn(&rq->body, upload_data, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->body.oom)
		return MHD_NO;
	return dispatch(app, conn, rq, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *rq = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!rq)
		return;
	hb_free(&rq->body);
	free(rq);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	log_vmsg(LOG_WARNING, fmt, ap);
}

int app_start(const struct webui_config *cfg, const char *cert_pem, const char *key_pem,
	      struct app **out, char *err, size_t errlen)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG;
	struct app *app;
	int r;

	app = calloc(1, sizeof(*app));
	if (!app) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	app->cfg = cfg;
	r = session_store_new(APP_SESSIONS_MAX, (int64_t)cfg->session_idle_min * 60,
			      (int64_t)cfg->session_max_hours * 3600, &app->sessions);
	if (r == 0)
		r = ratelimit_new(APP_LOGIN_FAILURES, APP_LOGIN_WINDOW_S, &app->rl);
	if (r < 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	r = zones_load(cfg->tz_dir, &app->zones);
	if (r < 0)
		log_warn("no zone table in %s (%s): the settings page offers no time zones",
			 cfg->tz_dir, strerror(-r));
	if (cfg->tls) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			snprintf(err, errlen, "this libmicrohttpd has no TLS");
			r = -ENOTSUP;
			goto fail;
		}
		flags |= MHD_USE_TLS;
	}
	app->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, app,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&cfg->addr,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)32,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)16,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
		cfg->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert_pem,
		MHD_OPTION_HTTPS_MEM_KEY, key_pem,
		/* TLS 1.3, and 1.2 with AEAD suites only. */
		MHD_OPTION_HTTPS_PRIORITIES,
		"SECURE256:+SECURE128:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:"
		"+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-SHA1:-RSA:%SERVER_PRECEDENCE",
		MHD_OPTION_END);
	if (!app->mhd) {
		snprintf(err, errlen, "cannot listen on %s (in use, or not an address of this host?)",
			 cfg->listen);
		r = -EADDRNOTAVAIL;
		goto fail;
	}
	*out = app;
	return 0;
fail:
	app_stop(app);
	return r;
}

void app_stop(struct app *app)
{
	if (!app)
		return;
	if (app->mhd)
		MHD_stop_daemon(app->mhd);
	session_store_free(app->sessions);
	ratelimit_free(app->rl);
	zones_free(&app->zones);
	free(app);
}
