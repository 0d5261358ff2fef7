// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* page_log: "What left the device", the transmission log; see pages.h. */
#include <stdio.h>
#include <string.h>

#include "webui/pages_priv.h"

/* ---- what left the device ---- */

static void body_block(struct hbuf *b, const json_t *rec, const char *key, const char *title)
{
	char hexkey[32];
	const char *text = pg_jstr(rec, key);
	bool hex = false;

	if (!text) {
		snprintf(hexkey, sizeof(hexkey), "%s_hex", key);
		text = pg_jstr(rec, hexkey);
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

	pg_begin(b, pc, "What left the device", "/log");
	hb_raw(b, "<p class=\"lead\">Every exchange with the Communication Server, newest "
		  "first, with the exact bytes the device sent and what the server answered.</p>");
	if (!log) {
		hb_raw(b, "<p class=\"notice error\" role=\"alert\">The transmission log cannot be "
			  "read: ");
		hb_text(b, err);
		hb_raw(b, "</p>");
		pg_end(b);
		return;
	}
	n = json_is_array(recs) ? json_array_size(recs) : 0;
	if (n == 0)
		hb_raw(b, "<p class=\"card\">Nothing has left the device yet.</p>");
	hb_raw(b, "<ol class=\"txlog\" reversed>");
	for (i = n; i-- > 0;) {
		const json_t *r = json_array_get(recs, i);
		long long status = pg_jint(r, "status", 0);
		char s[64];

		if (!json_is_object(r))
			continue;
		hb_raw(b, "<li class=\"card\"><h2>");
		hb_text(b, pg_jstr(r, "endpoint") ? pg_jstr(r, "endpoint") : "?");
		hb_raw(b, " <span class=\"when\">");
		hb_text(b, pg_jstr(r, "time") ? pg_jstr(r, "time") : "");
		hb_raw(b, "</span></h2><dl class=\"inline\">");
		snprintf(s, sizeof(s), "%lld", status);
		pg_row(b, "HTTP status", status ? s : "no answer");
		pg_row(b, "Result", pg_jstr(r, "result"));
		snprintf(s, sizeof(s), "%lld sent, %lld received", pg_jint(r, "bytes_sent", 0),
			 pg_jint(r, "bytes_received", 0));
		pg_row(b, "Bytes", s);
		pg_row(b, "Proxy", pg_jstr(r, "proxy") ? pg_jstr(r, "proxy") : "none (direct)");
		hb_raw(b, "</dl>");
		body_block(b, r, "sent", "Bytes sent");
		body_block(b, r, "received", "The server's answer");
		if (pg_jbool(r, "truncated") == 1)
			hb_raw(b, "<p class=\"hint\">Long bodies are shortened in this log.</p>");
		hb_raw(b, "</li>");
	}
	hb_raw(b, "</ol>");
	pg_end(b);
}
