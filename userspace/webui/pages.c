// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* pages: server-rendered HTML of every page; see pages.h. */
#include <stdio.h>
#include <string.h>

#include "webui/pages.h"
#include "webui/timefmt.h"

/* ---- helpers over esold's JSON ---- */

static const char *jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static const json_t *jobj(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_object(v) ? v : NULL;
}

static long long jint(const json_t *o, const char *key, long long dflt)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

static int jbool(const json_t *o, const char *key)
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

static void csrf_field(struct hbuf *b, const struct page_ctx *pc)
{
	hb_raw(b, "<input type=\"hidden\" name=\"csrf\" value=\"");
	hb_text(b, pc->csrf);
	hb_raw(b, "\">");
}

static void begin(struct hbuf *b, const struct page_ctx *pc, const char *title,
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
		csrf_field(b, pc);
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

static void end(struct hbuf *b)
{
	hb_raw(b, "</main><footer>esol " ESOL_VERSION
		  " \xc2\xb7 only device id, configuration, firmware versions, meter reads"
		  " and supplies information ever leave this device</footer></body></html>\n");
}

void page_message(struct hbuf *b, const struct page_ctx *pc, const char *title,
		  const char *text)
{
	begin(b, pc, title, NULL);
	hb_raw(b, "<section class=\"card\"><p>");
	hb_text(b, text);
	hb_raw(b, "</p><p><a href=\"/status\">Back to the status page</a></p></section>");
	end(b);
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
	begin(b, pc, setup ? "Choose the administrator password" : "Log in", NULL);
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
	end(b);
}

/* ---- status ---- */

void poll_result_words(const char *result, char *out, size_t outlen, bool *ok)
{
	*ok = false;
	if (!result || !*result) {
		snprintf(out, outlen, "No poll yet");
		return;
	}
	if (strncmp(result, "ok", 2) == 0 && (result[2] == '\0' || result[2] == ',')) {
		const char *more = result[2] ? result + 3 : "";

		*ok = true;
		if (strstr(more, "read requested"))
			snprintf(out, outlen, "Succeeded: the server asked for a meter read%s",
				 strstr(more, "supplies on") ? ", and supplies reports are on" : "");
		else if (strstr(more, "supplies on"))
			snprintf(out, outlen, "Succeeded: supplies reports are on");
		else if (strstr(more, "supplies off"))
			snprintf(out, outlen, "Succeeded: supplies reports are off");
		else
			snprintf(out, outlen, "Succeeded: nothing was due");
		return;
	}
	snprintf(out, outlen, "Failed: %s", result);
}

/* <div><dt>label</dt><dd>text</dd></div> with text escaped. */
static void row(struct hbuf *b, const char *label, const char *text)
{
	hb_raw(b, "<div><dt>");
	hb_raw(b, label);
	hb_raw(b, "</dt><dd>");
	hb_text(b, text ? text : "\xe2\x80\x94");
	hb_raw(b, "</dd></div>");
}

static void row_time(struct hbuf *b, const char *label, const char *t, const char *zone,
		     const char *none)
{
	char s[96];

	if (!t) {
		row(b, label, none);
		return;
	}
	timefmt_local(t, zone, s, sizeof(s));
	row(b, label, s);
}

static void badge(struct hbuf *b, bool on, const char *yes, const char *no)
{
	hb_raw(b, on ? "<span class=\"badge on\">" : "<span class=\"badge off\">");
	hb_raw(b, on ? yes : no);
	hb_raw(b, "</span>");
}

static const struct {
	const char *name, *label;
} meter_labels[] = {
	{ "impressions_total", "Impressions, total" },
	{ "impressions_mono", "Impressions, black" },
	{ "impressions_color", "Impressions, full colour" },
	{ "impressions_duplex", "Impressions, two-sided" },
	{ "impressions_large", "Impressions, large size" },
	{ "sheets_total", "Sheets, total" },
	{ "sheets_duplex", "Sheets, two-sided" },
};

static const char *meter_label(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(meter_labels) / sizeof(meter_labels[0]); i++)
		if (strcmp(meter_labels[i].name, name) == 0)
			return meter_labels[i].label;
	return NULL;
}

/* n with thousands separators: 120,000 */
static void grouped(struct hbuf *b, uint64_t n)
{
	char digits[24], out[32];
	size_t len, i, o = 0;

	snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
	len = strlen(digits);
	for (i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	hb_raw(b, out);
}

/* A supply's name: its description, else its type with spaces ("waste toner"). */
static void supply_name(struct hbuf *b, const struct printeng_supply_entry *s)
{
	const char *type = printeng_supply_type_name(s->type);
	char name[64];
	size_t i;

	if (s->description[0] && !strchr(s->description, '_')) {
		hb_text(b, s->description);
		return;
	}
	snprintf(name, sizeof(name), "%s", s->description[0] ? s->description :
		 type ? type : "supply");
	for (i = 0; name[i]; i++)
		if (name[i] == '_')
			name[i] = ' ';
	hb_text(b, name);
}

static void status_engine(struct hbuf *b, const struct printeng_snap *snap, const char *err)
{
	unsigned int i;

	hb_raw(b, "<section class=\"card wide\" aria-labelledby=\"h-meters\">"
		  "<h2 id=\"h-meters\">Meters</h2>");
	if (!snap) {
		hb_raw(b, "<p class=\"field-error\">The print engine cannot be read: ");
		hb_text(b, err);
		hb_raw(b, "</p></section>");
		return;
	}
	hb_raw(b, "<p class=\"sub\">");
	hb_text(b, snap->model);
	hb_raw(b, ", serial number ");
	hb_text(b, snap->serial);
	hb_raw(b, "</p><table class=\"meters\"><thead><tr><th scope=\"col\">Meter</th>"
		  "<th scope=\"col\" class=\"num\">Count</th></tr></thead><tbody>");
	for (i = 0; i < PRINTENG_METERS_MAX; i++) {
		const char *name, *label;

		if (!printeng_snap_has_meter(snap, i))
			continue;
		name = printeng_meter_name(i);
		label = name ? meter_label(name) : NULL;
		hb_raw(b, "<tr><th scope=\"row\">");
		if (label)
			hb_raw(b, label);
		else
			hb_text(b, name ? name : "?");
		hb_raw(b, "</th><td class=\"num\">");
		grouped(b, snap->meters[i]);
		hb_raw(b, "</td></tr>");
	}
	hb_raw(b, "</tbody></table></section>");

	hb_raw(b, "<section class=\"card wide\" aria-labelledby=\"h-supplies\">"
		  "<h2 id=\"h-supplies\">Supplies</h2><ul class=\"supplies\">");
	for (i = 0; i < snap->num_supplies; i++) {
		const struct printeng_supply_entry *s = &snap->supplies[i];
		const char *state = printeng_supply_state_name(s->state);
		int pct = -1;

		if (s->level >= 0 && s->max_capacity > 0)
			pct = (int)((int64_t)s->level * 100 / s->max_capacity);
		if (pct > 100)
			pct = 100;
		hb_raw(b, "<li><span class=\"supply-name\" id=\"supply-");
		hb_uint(b, i);
		hb_raw(b, "\">");
		supply_name(b, s);
		hb_raw(b, "</span>");
		if (pct >= 0) {
			hb_raw(b, "<meter min=\"0\" max=\"100\" low=\"20\" high=\"50\" optimum=\"100\" value=\"");
			hb_int(b, pct);
			hb_raw(b, "\" aria-labelledby=\"supply-");
			hb_uint(b, i);
			hb_raw(b, "\">");
			hb_int(b, pct);
			hb_raw(b, "%</meter><span class=\"pct\">");
			hb_int(b, pct);
			hb_raw(b, "%</span>");
		} else {
			const char *special = printeng_level_special_name(s->level);

			hb_raw(b, "<span class=\"pct wide\">level ");
			hb_text(b, special ? special : "unknown");
			hb_raw(b, "</span>");
		}
		hb_raw(b, "<span class=\"state s-");
		hb_text(b, state ? state : "unknown");
		hb_raw(b, "\">");
		hb_text(b, state ? state : "unknown");
		hb_raw(b, "</span></li>");
	}
	if (snap->num_supplies == 0)
		hb_raw(b, "<li>The engine reports no supplies.</li>");
	hb_raw(b, "</ul></section>");
}

void page_status(struct hbuf *b, const struct page_ctx *pc, const json_t *st,
		 const char *status_err, const struct printeng_snap *snap,
		 const char *engine_err)
{
	const json_t *sup, *spool, *proxy;
	const char *zone, *mode, *used;
	char words[320], s[96];
	bool ok;
	int on;

	begin(b, pc, "Status", "/status");
	hb_raw(b, "<div class=\"grid\">");
	if (!st) {
		hb_raw(b, "<section class=\"card wide\"><h2>Agent</h2><p class=\"field-error\">"
			  "The remote-services agent does not answer: ");
		hb_text(b, status_err);
		hb_raw(b, "</p></section>");
	} else {
		zone = jstr(st, "timezone");
		on = jbool(st, "enabled");
		hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-part\"><h2 id=\"h-part\">"
			  "Participation</h2><p class=\"big\">");
		badge(b, on == 1, "On", "Off");
		hb_raw(b, on == 1 ? " The device reports its meters and supplies to the vendor."
				  : " Nothing leaves the device.");
		hb_raw(b, "</p><dl>");
		row(b, "Server", jstr(st, "server"));
		hb_raw(b, "</dl></section>");

		hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-poll\"><h2 id=\"h-poll\">"
			  "Daily poll</h2><dl>");
		snprintf(s, sizeof(s), "%s (%s)", jstr(st, "poll_time") ? jstr(st, "poll_time") : "?",
			 zone ? zone : "local time");
		row(b, "Time of day", s);
		row_time(b, "Next poll", jstr(st, "next_poll"), zone,
			 on == 1 ? "not scheduled" : "none: participation is off");
		row_time(b, "Last successful poll", jstr(st, "last_poll"), zone, "never");
		row_time(b, "Last attempt", jstr(st, "last_poll_attempt"), zone, "never");
		poll_result_words(jstr(st, "last_poll_result"), words, sizeof(words), &ok);
		hb_raw(b, "<div><dt>Result</dt><dd class=\"");
		hb_raw(b, ok ? "good" : (jstr(st, "last_poll_result") ? "bad" : ""));
		hb_raw(b, "\">");
		hb_text(b, words);
		hb_raw(b, "</dd></div></dl></section>");

		sup = jobj(st, "supplies");
		hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-sa\"><h2 id=\"h-sa\">"
			  "Supplies Assistant</h2><p class=\"big\">");
		badge(b, sup && jbool(sup, "enabled") == 1, "On", "Off");
		hb_raw(b, sup && jbool(sup, "enabled") == 1 ? " Turned on by the server."
							    : " The server has not turned it on.");
		hb_raw(b, "</p><dl>");
		if (sup && jbool(sup, "enabled") == 1) {
			timefmt_duration(jint(sup, "interval_s", 0), s, sizeof(s));
			row(b, "Reports every", s);
		}
		row_time(b, "Last report", sup ? jstr(sup, "last_report") : NULL, zone, "none yet");
		hb_raw(b, "</dl></section>");

		spool = jobj(st, "spool");
		proxy = jobj(st, "proxy");
		mode = proxy ? jstr(proxy, "mode") : NULL;
		used = proxy ? jstr(proxy, "last_used") : NULL;
		hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-conn\"><h2 id=\"h-conn\">"
			  "Connection</h2><dl>");
		snprintf(s, sizeof(s), "%s", !mode ? "?" : strcmp(mode, "none") == 0 ? "none (direct)" :
			 strcmp(mode, "auto") == 0 ? "automatic" : mode);
		row(b, "Proxy setting", s);
		row(b, "Proxy last used", used ? used : "none (direct)");
		snprintf(s, sizeof(s), "%lld", spool ? jint(spool, "count", 0) : 0);
		row(b, "Messages waiting to be sent", s);
		if (jstr(st, "last_error")) {
			row(b, "Last error", jstr(st, "last_error"));
			row_time(b, "at", jstr(st, "last_error_time"), zone, "?");
		}
		hb_raw(b, "</dl></section>");
	}
	status_engine(b, snap, engine_err);
	hb_raw(b, "</div>");
	end(b);
}

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

void page_settings(struct hbuf *b, const struct page_ctx *pc, const struct settings_view *v)
{
	const json_t *st = v->status, *proxy = st ? jobj(st, "proxy") : NULL;
	const char *zone = v->time_zone ? v->time_zone : (st ? jstr(st, "timezone") : NULL);
	const char *ptime = v->poll_time ? v->poll_time : (st ? jstr(st, "poll_time") : NULL);
	const char *mode = v->proxy_mode ? v->proxy_mode : (proxy ? jstr(proxy, "mode") : NULL);
	int on = st ? jbool(st, "enabled") : -1;
	size_t i;

	begin(b, pc, "Settings", "/settings");
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
	badge(b, on == 1, "On", "Off");
	hb_raw(b, on == 1 ? " The device reports its billing meters and supplies to the vendor."
			  : " Nothing leaves the device.");
	hb_raw(b, "</p><form method=\"post\" action=\"/settings/participation\">");
	csrf_field(b, pc);
	hb_raw(b, on == 1 ? "<input type=\"hidden\" name=\"enabled\" value=\"false\">"
			    "<button type=\"submit\" class=\"secondary\">Turn participation off</button>"
			  : "<input type=\"hidden\" name=\"enabled\" value=\"true\">"
			    "<button type=\"submit\">Turn participation on</button>");
	field_error(b, "enabled", v->err_enabled);
	hb_raw(b, "</form></section>");

	/* Schedule */
	hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-sched\"><h2 id=\"h-sched\">"
		  "Daily poll</h2><form method=\"post\" action=\"/settings/schedule\">");
	csrf_field(b, pc);
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
	csrf_field(b, pc);
	hb_raw(b, "<fieldset");
	invalid_attrs(b, "proxy_mode", v->err_proxy_mode);
	hb_raw(b, "><legend>How the device reaches the server</legend>");
	radio(b, "proxy_mode", "none", "No proxy (direct connection)", mode);
	radio(b, "proxy_mode", "auto", "Automatic (environment, WPAD or a PAC file)", mode);
	radio(b, "proxy_mode", "manual", "Manual proxy", mode);
	field_error(b, "proxy_mode", v->err_proxy_mode);
	hb_raw(b, "</fieldset>");
	text_input(b, "pac_url", "PAC file URL (automatic; empty: WPAD discovery)", "url",
		   v->pac_url, "maxlength=\"1000\"", NULL, v->err_pac_url);
	hb_raw(b, "<div class=\"pair\">");
	text_input(b, "proxy_host", "Proxy host (manual)", "text", v->proxy_host,
		   "maxlength=\"253\" autocomplete=\"off\"", NULL, v->err_proxy_host);
	text_input(b, "proxy_port", "Port", "text", v->proxy_port,
		   "inputmode=\"numeric\" maxlength=\"5\" autocomplete=\"off\"", NULL,
		   v->err_proxy_port);
	hb_raw(b, "</div>");
	if (proxy && jstr(proxy, "last_used")) {
		hb_raw(b, "<p class=\"hint\">Last used: ");
		hb_text(b, jstr(proxy, "last_used"));
		hb_raw(b, "</p>");
	}
	hb_raw(b, "<p class=\"hint\">Proxy credentials are kept in the agent's own protected "
		  "file and are never shown here.</p>"
		  "<button type=\"submit\">Save the proxy</button></form></section>");

	/* Connection test */
	hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-test\"><h2 id=\"h-test\">"
		  "Connection test</h2><p>Polls the Communication Server now, through the "
		  "proxy set above, and shows the result.</p>"
		  "<form method=\"post\" action=\"/settings/test\">");
	csrf_field(b, pc);
	hb_raw(b, "<button type=\"submit\">Test the connection now</button></form>");
	if (v->test_result) {
		hb_raw(b, v->test_ok ? "<p class=\"result good\" id=\"test-result\" role=\"status\">"
				     : "<p class=\"result bad\" id=\"test-result\" role=\"status\">");
		hb_text(b, v->test_result);
		hb_raw(b, "</p>");
	}
	hb_raw(b, "</section></div>");
	end(b);
}

/* ---- what left the device ---- */

static void body_block(struct hbuf *b, const json_t *rec, const char *key, const char *title)
{
	char hexkey[32];
	const char *text = jstr(rec, key);
	bool hex = false;

	if (!text) {
		snprintf(hexkey, sizeof(hexkey), "%s_hex", key);
		text = jstr(rec, hexkey);
		hex = text != NULL;
	}
	if (!text)
		return;
	hb_raw(b, "<details><summary>");
	hb_raw(b, title);
	hb_raw(b, hex ? " (not text: hexadecimal)" : "");
	hb_raw(b, "</summary><pre tabindex=\"0\">");
	hb_text(b, text);
	hb_raw(b, "</pre></details>");
}

void page_log(struct hbuf *b, const struct page_ctx *pc, const json_t *log, const char *err)
{
	const json_t *recs = log ? json_object_get(log, "records") : NULL;
	size_t n, i;

	begin(b, pc, "What left the device", "/log");
	hb_raw(b, "<p class=\"lead\">Every exchange with the Communication Server, newest "
		  "first, with the exact bytes the device sent and what the server answered.</p>");
	if (!log) {
		hb_raw(b, "<p class=\"notice error\" role=\"alert\">The transmission log cannot be "
			  "read: ");
		hb_text(b, err);
		hb_raw(b, "</p>");
		end(b);
		return;
	}
	n = json_is_array(recs) ? json_array_size(recs) : 0;
	if (n == 0)
		hb_raw(b, "<p class=\"card\">Nothing has left the device yet.</p>");
	hb_raw(b, "<ol class=\"txlog\" reversed>");
	for (i = n; i-- > 0;) {
		const json_t *r = json_array_get(recs, i);
		long long status = jint(r, "status", 0);
		char s[64];

		if (!json_is_object(r))
			continue;
		hb_raw(b, "<li class=\"card\"><h2>");
		hb_text(b, jstr(r, "endpoint") ? jstr(r, "endpoint") : "?");
		hb_raw(b, " <span class=\"when\">");
		hb_text(b, jstr(r, "time") ? jstr(r, "time") : "");
		hb_raw(b, "</span></h2><dl class=\"inline\">");
		snprintf(s, sizeof(s), "%lld", status);
		row(b, "HTTP status", status ? s : "no answer");
		row(b, "Result", jstr(r, "result"));
		snprintf(s, sizeof(s), "%lld sent, %lld received", jint(r, "bytes_sent", 0),
			 jint(r, "bytes_received", 0));
		row(b, "Bytes", s);
		row(b, "Proxy", jstr(r, "proxy") ? jstr(r, "proxy") : "none (direct)");
		hb_raw(b, "</dl>");
		body_block(b, r, "sent", "Bytes sent");
		body_block(b, r, "received", "The server's answer");
		if (jbool(r, "truncated") == 1)
			hb_raw(b, "<p class=\"hint\">Long bodies are shortened in this log.</p>");
		hb_raw(b, "</li>");
	}
	hb_raw(b, "</ol>");
	end(b);
}
