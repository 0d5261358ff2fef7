/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * pages: the HTML of every page (login, first-use password, status,
 * settings, what left the device), rendered on the server from esold's
 * replies.  Every value that is not the program's own markup goes
 * through hb_text() (webui/html.h).  No script, no inline style (the
 * CSP forbids both); one stylesheet, /style.css.  Pure: no I/O.
 */
#ifndef ESOL_WEBUI_PAGES_H
#define ESOL_WEBUI_PAGES_H

#include <stdbool.h>
#include <jansson.h>

#include "lib/libprinteng.h"
#include "webui/html.h"
#include "webui/zones.h"

/* Who sees the page: logged in (with the session's CSRF token) or not. */
struct page_ctx {
	const char *csrf;	/* NULL: not logged in */
	const char *notice;	/* a message at the top, or NULL */
	bool notice_error;
};

/* The login form (setup: choose the first password instead). */
void page_login(struct hbuf *b, const struct page_ctx *pc, bool setup, const char *error);

/* status: esold's status (NULL: status_err says why); snap: NULL with engine_err. */
void page_status(struct hbuf *b, const struct page_ctx *pc, const json_t *status,
		 const char *status_err, const struct printeng_snap *snap,
		 const char *engine_err);

/* What the settings page shows besides esold's status. */
struct settings_view {
	const json_t *status;		/* NULL: status_err */
	const char *status_err;
	const struct zone_list *zones;
	/* Values to show instead of esold's (a refused form), or NULL. */
	const char *poll_time, *time_zone, *proxy_mode, *proxy_host, *proxy_port, *pac_url;
	const char *proxy_user;		/* never the password: it is never shown */
	/* esold's message next to each field, or NULL. */
	const char *err_enabled, *err_poll_time, *err_time_zone, *err_proxy_mode,
		   *err_proxy_host, *err_proxy_port, *err_pac_url,
		   *err_proxy_user, *err_proxy_password;
	/* The connection test: its result, or NULL when none was run. */
	const char *test_result;
	bool test_ok;
};
void page_settings(struct hbuf *b, const struct page_ctx *pc, const struct settings_view *v);

/* The transmission log (esold's "log" reply), newest first. */
void page_log(struct hbuf *b, const struct page_ctx *pc, const json_t *log, const char *err);

/* A short page for errors (not found, refused, too many attempts). */
void page_message(struct hbuf *b, const struct page_ctx *pc, const char *title,
		  const char *text);

/* The last poll's result in plain words ("Succeeded: ..." / "Failed: ..."). */
void poll_result_words(const char *result, char *out, size_t outlen, bool *ok);

#endif /* ESOL_WEBUI_PAGES_H */
