// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* html: output buffer and the one HTML escaping function; see html.h. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webui/html.h"

void hb_init(struct hbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void hb_free(struct hbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static bool reserve(struct hbuf *b, size_t more)
{
	size_t cap;
	char *d;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return false;
		}
		cap *= 2;
	}
	d = realloc(b->data, cap);
	if (!d) {
		b->oom = true;
		return false;
	}
	b->data = d;
	b->cap = cap;
	return true;
}

void hb_rawn(struct hbuf *b, const char *markup, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->data + b->len, markup, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void hb_raw(struct hbuf *b, const char *markup)
{
	hb_rawn(b, markup, strlen(markup));
}

void hb_int(struct hbuf *b, int64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRId64, v);
	hb_raw(b, s);
}

void hb_uint(struct hbuf *b, uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	hb_raw(b, s);
}

const char *hb_finish(struct hbuf *b)
{
	if (!reserve(b, 0))
		return NULL;
	b->data[b->len] = '\0';
	return b->data;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;	/* overlong, beyond Unicode, or a surrogate */
	if (cp >= 0x80 && cp <= 0x9f)
		return 0;	/* C1 control */
	return len;
}

void html_escape(struct hbuf *b, const char *text, size_t n)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, run = 0;

	while (i < n) {
		const char *ent = NULL;
		unsigned char c = s[i];
		size_t l;

		switch (c) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: break;
		}
		if (ent) {
			hb_rawn(b, (const char *)s + run, i - run);
			hb_raw(b, ent);
			run = ++i;
			continue;
		}
		if (c == 0) {
			hb_rawn(b, (const char *)s + run, i - run);
			run = ++i;
			continue;
		}
		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			hb_rawn(b, (const char *)s + run, i - run);
			hb_raw(b, replacement);
			run = ++i;
			continue;
		}
		l = utf8_len(s + i, n - i);
		if (l == 0) {
			hb_rawn(b, (const char *)s + run, i - run);
			hb_raw(b, replacement);
			run = ++i;
			continue;
		}
		i += l;
	}
	hb_rawn(b, (const char *)s + run, n - run);
}

void hb_textn(struct hbuf *b, const char *text, size_t n)
{
	html_escape(b, text, n);
}

void hb_text(struct hbuf *b, const char *text)
{
	if (text)
		html_escape(b, text, strlen(text));
}
