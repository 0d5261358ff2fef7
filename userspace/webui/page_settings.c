// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * page_settings: the settings page (participation, poll time, proxy and
 * the manual proxy's sign-in, connection test); see pages.h.  The proxy
 * password is never written into the page: its field is always empty,
 * and the page says only whether one is set.
 */
#include <stdio.h>
#include <string.h>

#include "webui/pages_priv.h"

/* ---- settings ---- */

static void field_error(struct hbuf *b, const char *id, const char *err)
{
	if (!err)
		return;
	hb_raw(b, "<p class=\"field-error\" id=\"err-");
	hb_raw(b, id);
	hb_raw(b, "\">");
	hb_text(b, err);
	hb_raw(b, "</p>");
}

static void invalid_attrs(struct hbuf *b, const char *id, const char *err)
{
	if (!err)
		return;
	hb_raw(b, " aria-invalid=\"true\" aria-describedby=\"err-");
	hb_raw(b, id);
	hb_raw(b, "\"");
}

static void text_input(struct hbuf *b, const char *id, const char *label, const char *type,
		       const char *value, const char *extra, const char *hint, const char *err)
{
	hb_raw(b, "<div class=\"field\"><label for=\"");
	hb_raw(b, id);
	hb_raw(b, "\">");
	hb_raw(b, label);
	hb_raw(b, "</label>");
	if (hint) {
		hb_raw(b, "<span class=\"hint\" id=\"hint-");
		hb_raw(b, id);
		hb_raw(b, "\">");
		hb_raw(b, hint);
		hb_raw(b, "</span>");
	}
	hb_raw(b, "<input type=\"");
	hb_raw(b, type);
	hb_raw(b, "\" id=\"");
	hb_raw(b, id);
	hb_raw(b, "\" name=\"");
	hb_raw(b, id);
	hb_raw(b, "\" value=\"");
	hb_text(b, value ? value : "");
	hb_raw(b, "\" ");
	hb_raw(b, extra);
	if (err)
		invalid_attrs(b, id, err);
	else if (hint) {
		hb_raw(b, " aria-describedby=\"hint-");
		hb_raw(b, id);
		hb_raw(b, "\"");
	}
	hb_raw(b, ">");
	field_error(b, id, err);
	hb_raw(b, "</div>");
}

static void radio(struct hbuf *b, const char *name, const char *value, const char *label,
		  const char *current)
{
	hb_raw(b, "<label class=\"choice\"><input type=\"radio\" name=\"");
	hb_raw(b, name);
	hb_raw(b, "\" value=\"");
	hb_raw(b, value);
	hb_raw(b, "\"");
	if (current && strcmp(current, value) == 0)
		hb_raw(b, " checked");
	hb_raw(b, "> ");
	hb_raw(b, label);
	hb_raw(b, "</label>");
}

/*
 * The manual proxy's user name and password: one form to save them
 * (esold checks them and its message goes next to the field), one to
 * clear them (its button sits beside "Save", tied by form=).
 */
static void proxy_creds(struct hbuf *b, const struct page_ctx *pc, const struct settings_view *v,
			const json_t *proxy)
{
	const char *from = proxy ? pg_jstr(proxy, "credentials_from") : NULL;
	const char *user = proxy ? pg_jstr(proxy, "user") : NULL;
	const char *bad = proxy ? pg_jstr(proxy, "credentials_error") : NULL;
	bool own = from && strcmp(from, "esold") == 0;
	bool roots = from && strcmp(from, "proxy.credentials_file") == 0;

	hb_raw(b, "<div class=\"sub-section\" role=\"group\" aria-labelledby=\"h-creds\">"
		  "<h3 id=\"h-creds\">Sign-in for the manual proxy</h3>"
		  "<p class=\"hint\" id=\"creds-state\">");
	if (user) {
		hb_raw(b, "A password is set for the user <strong>");
		hb_text(b, user);
		hb_raw(b, "</strong>. It is never shown.");
	} else {
		hb_raw(b, "No user name or password is set.");
	}
	hb_raw(b, "</p>");
	if (roots)
		hb_raw(b, "<p class=\"hint\">The device administrator set this sign-in in the "
			  "agent's configuration; it is used instead of one saved here.</p>");
	if (bad) {
		hb_raw(b, "<p class=\"field-error\">The saved sign-in cannot be used: ");
		hb_text(b, bad);
		hb_raw(b, "</p>");
	}
	if (own) {
		hb_raw(b, "<form id=\"creds-clear\" method=\"post\" "
			  "action=\"/settings/proxy-credentials-clear\">");
		pg_csrf_field(b, pc);
		hb_raw(b, "</form>");
	}
	hb_raw(b, "<form method=\"post\" action=\"/settings/proxy-credentials\">");
	pg_csrf_field(b, pc);
		text_input(b, "proxy_user", "User name", "text",
		   v->proxy_user ? v->proxy_user : (own ? user : NULL),
		   "maxlength=\"127\" autocomplete=\"off\" spellcheck=\"false\"", NULL,
		   v->err_proxy_user);
	/* Never a value: the password does not come back to the browser. */
	hb_raw(b, "<div class=\"field\"><label for=\"proxy_password\">Password</label>"
		  "<input type=\"password\" id=\"proxy_password\" name=\"proxy_password\" "
		  "maxlength=\"127\" autocomplete=\"new-password\"");
	if (v->err_proxy_password)
		invalid_attrs(b, "proxy_password", v->err_proxy_password);
	else if (user)
		hb_raw(b, " aria-describedby=\"creds-state\"");
	hb_raw(b, ">");
	field_error(b, "proxy_password", v->err_proxy_password);
	hb_raw(b, "</div><div class=\"actions\">"
		  "<button type=\"submit\">Save the sign-in</button>");
	if (own)
		hb_raw(b, "<button type=\"submit\" class=\"secondary\" form=\"creds-clear\">"
			  "Clear the sign-in</button>");
	hb_raw(b, "</div></form></div>");
}

void page_settings(struct hbuf *b, const struct page_ctx *pc, const struct settings_view *v)
{
	const json_t *st = v->status, *proxy = st ? pg_jobj(st, "proxy") : NULL;
	const char *zone = v->time_zone ? v->time_zone : (st ? pg_jstr(st, "timezone") : NULL);
	const char *ptime = v->poll_time ? v->poll_time : (st ? pg_jstr(st, "poll_time") : NULL);
	const char *mode = v->proxy_mode ? v->proxy_mode : (proxy ? pg_jstr(proxy, "mode") : NULL);
	const char *host = v->proxy_host ? v->proxy_host : (proxy ? pg_jstr(proxy, "host") : NULL);
	const char *pac = v->pac_url ? v->pac_url : (proxy ? pg_jstr(proxy, "pac_url") : NULL);
	char port[12] = "";
	int on = st ? pg_jbool(st, "enabled") : -1;
	size_t i;

	if (!v->proxy_port && proxy && pg_jint(proxy, "port", 0) > 0)
		snprintf(port, sizeof(port), "%lld", pg_jint(proxy, "port", 0));
	pg_begin(b, pc, "Settings", "/settings");
	if (!st) {
		hb_raw(b, "<p class=\"notice error\" role=\"alert\">The remote-services agent does "
			  "not answer: ");
		hb_text(b, v->status_err);
		hb_raw(b, "</p>");
	}
	hb_raw(b, "<div class=\"grid\">");

	/* Participation */
	hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-part\"><h2 id=\"h-part\">"
		  "Participation</h2><p>");
	pg_badge(b, on == 1, "On", "Off");
	hb_raw(b, on == 1 ? " The device reports its billing meters and supplies to the vendor."
			  : " Nothing leaves the device.");
	hb_raw(b, "</p><form method=\"post\" action=\"/settings/participation\">");
	pg_csrf_field(b, pc);
	hb_raw(b, on == 1 ? "<input type=\"hidden\" name=\"enabled\" value=\"false\">"
			    "<button type=\"submit\" class=\"secondary\">Turn participation off</button>"
			  : "<input type=\"hidden\" name=\"enabled\" value=\"true\">"
			    "<button type=\"submit\">Turn participation on</button>");
	field_error(b, "enabled", v->err_enabled);
	hb_raw(b, "</form></section>");

	/* Schedule */
	hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-sched\"><h2 id=\"h-sched\">"
		  "Daily poll</h2><form method=\"post\" action=\"/settings/schedule\">");
	pg_csrf_field(b, pc);
	text_input(b, "poll_time", "Time of day", "time", ptime, "required",
		   "Each device adds its own small offset so a fleet does not call at once.",
		   v->err_poll_time);
	hb_raw(b, "<div class=\"field\"><label for=\"time_zone\">Time zone</label>"
		  "<select id=\"time_zone\" name=\"time_zone\"");
	invalid_attrs(b, "time_zone", v->err_time_zone);
	hb_raw(b, ">");
	for (i = 0; v->zones && i < v->zones->n; i++) {
		hb_raw(b, "<option");
		if (zone && strcmp(zone, v->zones->name[i]) == 0)
			hb_raw(b, " selected");
		hb_raw(b, ">");
		hb_text(b, v->zones->name[i]);
		hb_raw(b, "</option>");
	}
	hb_raw(b, "</select>");
	field_error(b, "time_zone", v->err_time_zone);
	hb_raw(b, "</div><button type=\"submit\">Save the poll time</button></form></section>");

	/* Proxy */
	hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-proxy\"><h2 id=\"h-proxy\">"
		  "Proxy</h2><form method=\"post\" action=\"/settings/proxy\">");
	pg_csrf_field(b, pc);
	hb_raw(b, "<fieldset");
	invalid_attrs(b, "proxy_mode", v->err_proxy_mode);
	hb_raw(b, "><legend>How the device reaches the server</legend>");
	radio(b, "proxy_mode", "none", "No proxy (direct connection)", mode);
	radio(b, "proxy_mode", "auto", "Automatic (environment, WPAD or a PAC file)", mode);
	radio(b, "proxy_mode", "manual", "Manual proxy", mode);
	field_error(b, "proxy_mode", v->err_proxy_mode);
	hb_raw(b, "</fieldset>");
	text_input(b, "pac_url", "PAC file URL (automatic; empty: WPAD discovery)", "url",
		   pac, "maxlength=\"1000\"", NULL, v->err_pac_url);
	hb_raw(b, "<div class=\"pair\">");
	text_input(b, "proxy_host", "Proxy host (manual)", "text", host,
		   "maxlength=\"253\" autocomplete=\"off\"", NULL, v->err_proxy_host);
	text_input(b, "proxy_port", "Port", "text", v->proxy_port ? v->proxy_port : port,
		   "inputmode=\"numeric\" maxlength=\"5\" autocomplete=\"off\"", NULL,
		   v->err_proxy_port);
	hb_raw(b, "</div>");
	if (proxy && pg_jstr(proxy, "last_used")) {
		hb_raw(b, "<p class=\"hint\">Last used: ");
		hb_text(b, pg_jstr(proxy, "last_used"));
		hb_raw(b, "</p>");
	}
	hb_raw(b, "<button type=\"submit\">Save the proxy</button></form>");
	proxy_creds(b, pc, v, proxy);
	hb_raw(b, "</section>");

	/* Connection test */
	hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-test\"><h2 id=\"h-test\">"
		  "Connection test</h2><p>Polls the Communication Server now, through the "
		  "proxy set above, and shows the result.</p>"
		  "<form method=\"post\" action=\"/settings/test\">");
	pg_csrf_field(b, pc);
	hb_raw(b, "<button type=\"submit\">Test the connection now</button></form>");
	if (v->test_result) {
		hb_raw(b, v->test_ok ? "<p class=\"result good\" id=\"test-result\" role=\"status\">"
				     : "<p class=\"result bad\" id=\"test-result\" role=\"status\">");
		hb_text(b, v->test_result);
		hb_raw(b, "</p>");
	}
	hb_raw(b, "</section></div>");
	pg_end(b);
}
