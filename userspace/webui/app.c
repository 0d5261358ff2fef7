// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * app: the routes, first use / login / logout, the cookie and CSRF and
 * Origin checks, the security headers of every answer, libmicrohttpd's
 * start and stop; see app.h.  The pages behind the login are in
 * handlers.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "webui/app_priv.h"
#include "webui/pages.h"
#include "webui/passwd.h"

static const char csp[] =
	"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
	"frame-ancestors 'none'; base-uri 'none'";

int64_t app_now(void)
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
enum MHD_Result app_send_page(struct app *app, struct MHD_Connection *conn,
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

enum MHD_Result app_redirect(struct app *app, struct MHD_Connection *conn,
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
	return app_send_page(app, conn, status, &b, NULL);
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
	return app_send_page(app, conn, status, &b, NULL);
}

/* A new session for the browser, then the status page. */
static enum MHD_Result start_session(struct app *app, struct MHD_Connection *conn,
				     struct req *rq)
{
	if (session_create(app->sessions, app_now(), rq->sid, rq->csrf) < 0)
		return message(app, conn, rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "Error",
			       "No randomness for a session.");
	return app_redirect(app, conn, "/status", rq->sid);
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
	int64_t wait = ratelimit_wait(app->rl, rq->addr, app_now());
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
		ratelimit_failed(app->rl, rq->addr, app_now());
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
	int64_t wait = ratelimit_wait(app->rl, rq->addr, app_now());
	int r;

	if (wait > 0)
		return too_many(app, conn, true, wait);
	if (pw_policy(form_get(f, "password"), form_get(f, "again"), msg, sizeof(msg)) < 0) {
		ratelimit_failed(app->rl, rq->addr, app_now());
		return login_page(app, conn, MHD_HTTP_BAD_REQUEST, true, msg);
	}
	/* Someone may have set it meanwhile: never replace an existing one here. */
	if (password_state(app, line) != -ENOENT)
		return app_redirect(app, conn, "/login", NULL);
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
static const char *const creds_fields[] = { "csrf", "proxy_user", "proxy_password", NULL };

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
		{ "/settings/proxy-credentials", creds_fields },
		{ "/settings/proxy-credentials-clear", logout_fields },
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
					       : app_redirect(app, conn, "/setup", NULL);
	} else if (strcmp(url, "/login") == 0) {
		r = do_login(app, conn, rq, &f, stored);
	} else if (!rq->sid[0]) {
		r = app_redirect(app, conn, "/login", NULL);
	} else if (!session_csrf_ok(app->sessions, rq->sid, form_get(&f, "csrf"), app_now())) {
		log_warn("POST %s from %s refused: missing or wrong CSRF token", url, rq->addr);
		r = message(app, conn, rq, MHD_HTTP_FORBIDDEN, "Refused",
			    "This form has expired or did not come from this device's pages. "
			    "Open the page again and repeat the change.");
	} else if (strcmp(url, "/logout") == 0) {
		session_destroy(app->sessions, rq->sid);
		log_notice("logout from %s", rq->addr);
		r = app_redirect(app, conn, "/login", "");
	} else if (strcmp(url, "/settings/test") == 0) {
		r = app_settings_test(app, conn, rq);
	} else {
		r = app_settings_post(app, conn, rq, url + strlen("/settings/"), &f);
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
	    session_check(app->sessions, rq->sid, app_now(), rq->csrf) < 0)
		rq->sid[0] = '\0';
	if (!get)
		return handle_post(app, conn, rq, url, setup, stored);
	if (setup)
		return strcmp(url, "/setup") == 0 ? login_page(app, conn, MHD_HTTP_OK, true, NULL)
						  : app_redirect(app, conn, "/setup", NULL);
	if (!rq->sid[0])
		return strcmp(url, "/login") == 0 ? login_page(app, conn, MHD_HTTP_OK, false, NULL)
						  : app_redirect(app, conn, "/login", NULL);
	if (strcmp(url, "/") == 0 || strcmp(url, "/login") == 0 || strcmp(url, "/setup") == 0)
		return app_redirect(app, conn, "/status", NULL);
	if (strcmp(url, "/status") == 0)
		return app_status_get(app, conn, rq);
	if (strcmp(url, "/settings") == 0)
		return app_settings_get(app, conn, rq);
	if (strcmp(url, "/log") == 0)
		return app_log_get(app, conn, rq);
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
