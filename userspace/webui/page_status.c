// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* page_status: the status page (esold's state, meters, supplies); see pages.h. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "webui/pages_priv.h"
#include "webui/timefmt.h"

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

	pg_begin(b, pc, "Status", "/status");
	hb_raw(b, "<div class=\"grid\">");
	if (!st) {
		hb_raw(b, "<section class=\"card wide\"><h2>Agent</h2><p class=\"field-error\">"
			  "The remote-services agent does not answer: ");
		hb_text(b, status_err);
		hb_raw(b, "</p></section>");
	} else {
		zone = pg_jstr(st, "timezone");
		on = pg_jbool(st, "enabled");
		hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-part\"><h2 id=\"h-part\">"
			  "Participation</h2><p class=\"big\">");
		pg_badge(b, on == 1, "On", "Off");
		hb_raw(b, on == 1 ? " The device reports its meters and supplies to the vendor."
				  : " Nothing leaves the device.");
		hb_raw(b, "</p><dl>");
		pg_row(b, "Server", pg_jstr(st, "server"));
		hb_raw(b, "</dl></section>");

		hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-poll\"><h2 id=\"h-poll\">"
			  "Daily poll</h2><dl>");
		snprintf(s, sizeof(s), "%s (%s)", pg_jstr(st, "poll_time") ? pg_jstr(st, "poll_time") : "?",
			 zone ? zone : "local time");
		pg_row(b, "Time of day", s);
		pg_row_time(b, "Next poll", pg_jstr(st, "next_poll"), zone,
			 on == 1 ? "not scheduled" : "none: participation is off");
		pg_row_time(b, "Last successful poll", pg_jstr(st, "last_poll"), zone, "never");
		pg_row_time(b, "Last attempt", pg_jstr(st, "last_poll_attempt"), zone, "never");
		poll_result_words(pg_jstr(st, "last_poll_result"), words, sizeof(words), &ok);
		hb_raw(b, "<div><dt>Result</dt><dd class=\"");
		hb_raw(b, ok ? "good" : (pg_jstr(st, "last_poll_result") ? "bad" : ""));
		hb_raw(b, "\">");
		hb_text(b, words);
		hb_raw(b, "</dd></div></dl></section>");

		sup = pg_jobj(st, "supplies");
		hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-sa\"><h2 id=\"h-sa\">"
			  "Supplies Assistant</h2><p class=\"big\">");
		pg_badge(b, sup && pg_jbool(sup, "enabled") == 1, "On", "Off");
		hb_raw(b, sup && pg_jbool(sup, "enabled") == 1 ? " Turned on by the server."
							    : " The server has not turned it on.");
		hb_raw(b, "</p><dl>");
		if (sup && pg_jbool(sup, "enabled") == 1) {
			timefmt_duration(pg_jint(sup, "interval_s", 0), s, sizeof(s));
			pg_row(b, "Reports every", s);
		}
		pg_row_time(b, "Last report", sup ? pg_jstr(sup, "last_report") : NULL, zone, "none yet");
		hb_raw(b, "</dl></section>");

		spool = pg_jobj(st, "spool");
		proxy = pg_jobj(st, "proxy");
		mode = proxy ? pg_jstr(proxy, "mode") : NULL;
		used = proxy ? pg_jstr(proxy, "last_used") : NULL;
		hb_raw(b, "<section class=\"card\" aria-labelledby=\"h-conn\"><h2 id=\"h-conn\">"
			  "Connection</h2><dl>");
		snprintf(s, sizeof(s), "%s", !mode ? "?" : strcmp(mode, "none") == 0 ? "none (direct)" :
			 strcmp(mode, "auto") == 0 ? "automatic" : mode);
		pg_row(b, "Proxy setting", s);
		pg_row(b, "Proxy last used", used ? used : "none (direct)");
		snprintf(s, sizeof(s), "%lld", spool ? pg_jint(spool, "count", 0) : 0);
		pg_row(b, "Messages waiting to be sent", s);
		if (pg_jstr(st, "last_error")) {
			pg_row(b, "Last error", pg_jstr(st, "last_error"));
			pg_row_time(b, "at", pg_jstr(st, "last_error_time"), zone, "?");
		}
		hb_raw(b, "</dl></section>");
	}
	status_engine(b, snap, engine_err);
	hb_raw(b, "</div>");
	pg_end(b);
}
