/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * pages_priv: what the page files share (pages.c: the frame, login and
 * messages; page_status.c, page_settings.c, page_log.c): the frame,
 * definition-list rows, badges, and reading esold's JSON.
 */
#ifndef ESOL_WEBUI_PAGES_PRIV_H
#define ESOL_WEBUI_PAGES_PRIV_H

#include <stdbool.h>
#include <jansson.h>

#include "webui/pages.h"

/* esold's JSON: a member as string / object (NULL when absent or another
 * type), integer (dflt), boolean (-1 when absent). */
const char *pg_jstr(const json_t *o, const char *key);
const json_t *pg_jobj(const json_t *o, const char *key);
long long pg_jint(const json_t *o, const char *key, long long dflt);
int pg_jbool(const json_t *o, const char *key);

/* The page up to its <h1> (nav and logout when logged in), and its end. */
void pg_begin(struct hbuf *b, const struct page_ctx *pc, const char *title,
	      const char *active);
void pg_end(struct hbuf *b);
/* The session's CSRF token as a hidden field of a form. */
void pg_csrf_field(struct hbuf *b, const struct page_ctx *pc);
/* <div><dt>label</dt><dd>text</dd></div>: label is markup, text is escaped
 * (NULL: a dash); row_time shows an RFC 3339 time in zone (NULL: none). */
void pg_row(struct hbuf *b, const char *label, const char *text);
void pg_row_time(struct hbuf *b, const char *label, const char *t, const char *zone,
		 const char *none);
/* An on/off badge. */
void pg_badge(struct hbuf *b, bool on, const char *yes, const char *no);

#endif /* ESOL_WEBUI_PAGES_PRIV_H */
