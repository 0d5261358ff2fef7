// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* pages: the frame of every page, login, messages, shared helpers; see pages.h and pages_priv.h. */
#include <stdio.h>
#include <string.h>

#include "webui/pages_priv.h"
#include "webui/timefmt.h"

/* ---- helpers over esold's JSON ---- */

const char *pg_jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

const json_t *pg_jobj(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_object(v) ? v : NULL;
}

long long pg_jint(const json_t *o, const char *key, long long dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

int pg_jbool(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* ---- the frame ---- */

static void nav_item(struct hbuf *b, const char *href, const char *label, const char *active)
{
	hb_raw(b, "<li><a href=\"");
	hb_raw(b, href);
	hb_raw(b, "\"");
	if (active && strcmp(active, href) == 0)
		hb_raw(b, " aria-current=\"page\"");
	hb_raw(b, ">");
	hb_raw(b, label);
	hb_raw(b, "</a></li>");
}

void pg_csrf_field(struct hbuf *b, const struct page_ctx *pc)
{
	hb_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	hb_text(b, pc->csrf);
	hb_raw(b, "\">");
}

void pg_begin(struct hbuf *b, const struct page_ctx *pc, const char *title,
		  const char *active)
{
	hb_raw(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		  "<title>");
	hb_text(b, title);
	hb_raw(b, " \xe2\x80\x93 Remote Services</title>"
		  "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">"
		  "<link rel=\"stylesheet\" href=\"/style.css\"></head><body>"
		  "<a class=\"skip\" href=\"#main\">Skip to content</a>"
		  "<header class=\"top\"><div class=\"brand\">"
		  "<span class=\"mark\" aria-hidden=\"true\"></span>"
		  "<span>Remote Services</span></div>");
	if (pc->csrf) {
		hb_raw(b, "<nav aria-label=\"Main\"><ul>");
		nav_item(b, "/status", "Status", active);
		nav_item(b, "/settings", "Settings", active);
		nav_item(b, "/log", "What left the device", active);
		hb_raw(b, "</ul></nav><form class=\"logout\" method=\"post\" action=\"/logout\">");
		pg_csrf_field(b, pc);
		hb_raw(b, "<button type=\"submit\" class=\"quiet\">Log out</button></form>");
	}
	/* Logged out (login, first use): one narrow column in the middle. */
	hb_raw(b, pc->csrf ? "</header><main id=\"main\"><h1>"
			   : "</header><main id=\"main\" class=\"center\"><h1>");
	hb_text(b, title);
	hb_raw(b, "</h1>");
	if (pc->notice) {
		hb_raw(b, pc->notice_error ? "<p class=\"notice error\" role=\"alert\">"
					   : "<p class=\"notice ok\" role=\"status\">");
		hb_text(b, pc->notice);
		hb_raw(b, "</p>");
	}
}

void pg_end(struct hbuf *b)
{
	hb_raw(b, "</main><footer>esol " ESOL_VERSION
		  " \xc2\xb7 only device id, configuration, firmware versions, meter reads"
		  " and supplies information ever leave this device</footer></body></html>\n");
}

void page_message(struct hbuf *b, const struct page_ctx *pc, const char *title,
		  const char *text)
{
	pg_begin(b, pc, title, NULL);
	hb_raw(b, "<section class=\"card\"><p>");
	hb_text(b, text);
	hb_raw(b, "</p><p><a href=\"/status\">Back to the status page</a></p></section>");
	pg_end(b);
}

void pg_row(struct hbuf *b, const char *label, const char *text)
{
	hb_raw(b, "<div><dt>");
	hb_raw(b, label);
	hb_raw(b, "</dt><dd>");
	hb_text(b, text ? text : "\xe2\x80\x94");
	hb_raw(b, "</dd></div>");
}

void pg_row_time(struct hbuf *b, const char *label, const char *t, const char *zone,
		     const char *none)
{
	char s[96];

	if (!t) {
		pg_row(b, label, none);
		return;
	}
	timefmt_local(t, zone, s, sizeof(s));
	pg_row(b, label, s);
}

void pg_badge(struct hbuf *b, bool on, const char *yes, const char *no)
{
	hb_raw(b, on ? "<span class=\"badge on\">" : "<span class=\"badge off\">");
	hb_raw(b, on ? yes : no);
	hb_raw(b, "</span>");
}

/* ---- login ---- */

static void password_field(struct hbuf *b, const char *id, const char *label,
			   const char *autocomplete, bool invalid)
{
	hb_raw(b, "<div class=\"field\"><label for=\"");
	hb_raw(b, id);
	hb_raw(b, "\">");
	hb_raw(b, label);
	hb_raw(b, "</label><input type=\"password\" id=\"");
	hb_raw(b, id);
	hb_raw(b, "\" name=\"");
	hb_raw(b, id);
	hb_raw(b, "\" required maxlength=\"128\" autocomplete=\"");
	hb_raw(b, autocomplete);
	hb_raw(b, "\"");
	if (invalid)
		hb_raw(b, " aria-invalid=\"true\" aria-describedby=\"login-error\"");
	hb_raw(b, "></div>");
}

void page_login(struct hbuf *b, const struct page_ctx *pc, bool setup, const char *error)
{
	pg_begin(b, pc, setup ? "Choose the administrator password" : "Log in", NULL);
	hb_raw(b, "<section class=\"card narrow\">");
	if (setup)
		hb_raw(b, "<p>This device has no administrator password yet. Choose one "
			  "(10 to 128 characters); it is needed for every later visit.</p>");
	else
		hb_raw(b, "<p>The remote-services settings of this printer are for its "
			  "administrator.</p>");
	if (error) {
		hb_raw(b, "<p class=\"field-error\" id=\"login-error\" role=\"alert\">");
		hb_text(b, error);
		hb_raw(b, "</p>");
	}
	hb_raw(b, setup ? "<form method=\"post\" action=\"/setup\">"
			: "<form method=\"post\" action=\"/login\">");
	hb_raw(b, "<div class=\"field\"><label for=\"user\">User</label>"
		  "<input type=\"text\" id=\"user\" name=\"user\" value=\"admin\" readonly "
		  "autocomplete=\"username\"></div>");
	if (setup) {
		password_field(b, "password", "New password", "new-password", error != NULL);
		password_field(b, "again", "The same password again", "new-password", false);
	} else {
		password_field(b, "password", "Password", "current-password", error != NULL);
	}
	hb_raw(b, setup ? "<button type=\"submit\">Set the password and log in</button>"
			: "<button type=\"submit\">Log in</button>");
	hb_raw(b, "</form></section>");
	pg_end(b);
}
