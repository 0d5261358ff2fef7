/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * html: a growing output buffer for HTML pages, and the one escaping
 * function every text from outside the page's own code goes through.
 *
 * Markup written by esol-webui's own code goes in with hb_raw() (string
 * literals only); every other text (values from esold, the engine, the
 * browser) goes in with hb_text(), which escapes it for an element's
 * content or a quoted attribute value alike.  Numbers go in with
 * hb_int()/hb_uint().  Out of memory is remembered and reported once by
 * hb_finish().
 */
#ifndef ESOL_WEBUI_HTML_H
#define ESOL_WEBUI_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hbuf {
	char *data;
	size_t len, cap;
	bool oom;
};

void hb_init(struct hbuf *b);
void hb_free(struct hbuf *b);
/* Markup from the program's own string literals. */
void hb_raw(struct hbuf *b, const char *markup);
void hb_rawn(struct hbuf *b, const char *markup, size_t n);
/* Any other text: escaped (see html_escape). */
void hb_text(struct hbuf *b, const char *text);
void hb_textn(struct hbuf *b, const char *text, size_t n);
void hb_int(struct hbuf *b, int64_t v);
void hb_uint(struct hbuf *b, uint64_t v);
/* The finished text (NUL-terminated, owned by b), or NULL when out of memory. */
const char *hb_finish(struct hbuf *b);

/*
 * The escaping function: writes text[0..n) to b with & < > " ' as
 * character references, invalid UTF-8 and C0/C1 control characters
 * (except tab and newline) as U+FFFD, and NUL dropped.  Safe in element
 * content and in double- or single-quoted attribute values.
 */
void html_escape(struct hbuf *b, const char *text, size_t n);

#endif /* ESOL_WEBUI_HTML_H */
