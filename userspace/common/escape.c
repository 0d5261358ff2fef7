// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* escape: outside text made safe for logs and terminals; see escape.h. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/escape.h"

/*
 * The length of the valid UTF-8 sequence at p (n bytes left) and its code
 * point, or 0 when p does not start one (overlong forms, surrogates and
 * values past U+10FFFF are not valid).
 */
static size_t utf8_seq(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Code points that move text around or break the line on a display. */
static bool layout_control(uint32_t c)
{
	return c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/*
 * The escaped form of the next unit of input at p (n bytes left) into
 * piece (at least 16 bytes); returns how many input bytes it took and
 * sets *plen.
 */
static size_t next_piece(const unsigned char *p, size_t n, char *piece, size_t *plen)
{
	uint32_t cp = 0;
	size_t len = utf8_seq(p, n, &cp), i;
	int k;

	if (len == 1 && cp >= 0x20 && cp < 0x7f) {
		piece[0] = (char)cp;
		*plen = 1;
		return 1;
	}
	if (len == 1 && (cp == '\n' || cp == '\r' || cp == '\t')) {
		piece[0] = '\\';
		piece[1] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
		*plen = 2;
		return 1;
	}
	if (len > 1 && !(cp >= 0x80 && cp <= 0x9f) && !layout_control(cp)) {
		memcpy(piece, p, len);
		*plen = len;
		return len;
	}
	if (len > 1 && layout_control(cp)) {
		k = snprintf(piece, 16, "\\u{%04X}", (unsigned int)cp);
		*plen = (size_t)k;
		return len;
	}
	/* A control byte, a C1 code point's bytes, or a byte that is not UTF-8. */
	if (len == 0)
		len = 1;
	*plen = 0;
	for (i = 0; i < len; i++) {
		k = snprintf(piece + *plen, 5, "\\x%02x", p[i]);
		*plen += (size_t)k;
	}
	return len;
}

char *esc_buf(char *dst, size_t size, const void *src, size_t len)
{
	const unsigned char *p = src;
	size_t cap, o = 0, ok = 0, i = 0, plen;
	char piece[24];
	bool cut = false;

	if (!size)
		return dst;
	cap = size - 1;
	if (!p)
		len = 0;
	while (i < len) {
		size_t took = next_piece(p + i, len - i, piece, &plen);

		if (o + plen > cap) {
			cut = true;
			break;
		}
		memcpy(dst + o, piece, plen);
		o += plen;
		i += took;
		if (o + 3 <= cap)
			ok = o;
	}
	if (cut) {
		/* "..." after the last whole piece that leaves room for it. */
		o = ok;
		for (i = 0; i < 3 && o < cap; i++)
			dst[o++] = '.';
	}
	dst[o] = '\0';
	return dst;
}

char *esc_str(char *dst, size_t size, const char *src)
{
	return esc_buf(dst, size, src, src ? strlen(src) : 0);
}

bool esc_is_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = s ? strlen(s) : 0, i = 0;

	while (i < n) {
		char piece[24];
		size_t plen, took = next_piece(p + i, n - i, piece, &plen);

		if (plen != took || memcmp(piece, p + i, took) != 0)
			return false;
		i += took;
	}
	return true;
}

void esc_inplace(char *s, size_t size)
{
	char tmp[4096];

	if (!s || !size)
		return;
	s[size - 1] = '\0';
	if (esc_is_clean(s))
		return;
	esc_str(tmp, size < sizeof(tmp) ? size : sizeof(tmp), s);
	memcpy(s, tmp, strlen(tmp) + 1);
}
