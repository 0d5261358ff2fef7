// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* form: urlencoded form bodies and the Cookie header; see form.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webui/form.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Valid UTF-8 without control characters. */
static bool clean_text(const unsigned char *s)
{
	while (*s) {
		unsigned char c = *s;
		size_t len, i;

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		else
			return false;
		for (i = 1; i < len; i++)
			if ((s[i] & 0xc0) != 0x80)
				return false;
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0) ||
		    (c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90) ||
		    (c == 0xc2 && s[1] < 0xa0))
			return false;	/* overlong, surrogate, > U+10FFFF, C1 */
		s += len;
	}
	return true;
}

/* Decode src[0..n) into dst (dst <= src); -EINVAL on a bad escape or %00. */
static int decode(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (src[i] == '+') {
			*dst++ = ' ';
		} else if (src[i] == '%') {
			int h, l;

			if (i + 2 >= n)
				return -EINVAL;
			h = hexval(src[i + 1]);
			l = hexval(src[i + 2]);
			if (h < 0 || l < 0)
				return -EINVAL;
			if (h == 0 && l == 0)
				return -EINVAL;	/* %00 */
			*dst++ = (char)(h * 16 + l);
			i += 2;
		} else {
			*dst++ = src[i];
		}
	}
	*dst = '\0';
	return 0;
}

static bool allowed_name(const char *const *allowed, const char *name)
{
	for (; *allowed; allowed++)
		if (strcmp(*allowed, name) == 0)
			return true;
	return false;
}

int form_parse(const char *body, size_t len, const char *const *allowed,
	       struct form *out, char *err, size_t errlen)
{
	size_t pos = 0, i;
	char *w;
	int r = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (len > FORM_BODY_MAX) {
		snprintf(err, errlen, "the form is larger than %d bytes", FORM_BODY_MAX);
		return -E2BIG;
	}
	if (memchr(body, '\0', len)) {
		snprintf(err, errlen, "the form contains a NUL byte");
		return -EINVAL;
	}
	/* Decoded text is never longer than the encoded one: decode in place. */
	out->store = malloc(len + 1);
	if (!out->store) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(out->store, body, len);
	out->store[len] = '\0';
	w = out->store;
	while (pos < len) {
		char *pair = out->store + pos, *amp, *eq, *name, *value;
		size_t plen;

		amp = memchr(pair, '&', len - pos);
		plen = amp ? (size_t)(amp - pair) : len - pos;
		pos += plen + 1;
		if (plen == 0)
			continue;
		if (out->n == FORM_FIELDS_MAX) {
			snprintf(err, errlen, "the form has more than %d fields", FORM_FIELDS_MAX);
			r = -E2BIG;
			goto fail;
		}
		eq = memchr(pair, '=', plen);
		if (!eq) {
			snprintf(err, errlen, "a form field has no '='");
			goto fail;
		}
		/* name and value are decoded into w, which trails the input. */
		name = w;
		if (decode(name, pair, (size_t)(eq - pair)) < 0) {
			snprintf(err, errlen, "a form field name has a bad %%-escape");
			goto fail;
		}
		w = name + strlen(name) + 1;
		value = w;
		if (decode(value, eq + 1, plen - (size_t)(eq - pair) - 1) < 0) {
			snprintf(err, errlen, "a form value has a bad %%-escape");
			goto fail;
		}
		w = value + strlen(value) + 1;
		if (!clean_text((unsigned char *)name) || !allowed_name(allowed, name)) {
			snprintf(err, errlen, "the form has a field this page does not take");
			goto fail;
		}
		for (i = 0; i < out->n; i++) {
			if (strcmp(out->f[i].name, name) == 0) {
				snprintf(err, errlen, "the form has the field %s twice", name);
				goto fail;
			}
		}
		if (strlen(value) > FORM_VALUE_MAX) {
			snprintf(err, errlen, "a value is longer than %d bytes", FORM_VALUE_MAX);
			r = -E2BIG;
			goto fail;
		}
		if (!clean_text((unsigned char *)value)) {
			snprintf(err, errlen,
				 "a value contains a control character or is not UTF-8 text");
			goto fail;
		}
		out->f[out->n].name = name;
		out->f[out->n].value = value;
		out->n++;
	}
	return 0;
fail:
	form_free(out);
	return r;
}

const char *form_get(const struct form *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->f[i].name, name) == 0)
			return f->f[i].value;
	return NULL;
}

void form_free(struct form *f)
{
	free(f->store);
	memset(f, 0, sizeof(*f));
}

int cookie_get(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = header;

	while (p && *p) {
		const char *end;
		size_t vlen;

		while (*p == ' ' || *p == ';')
			p++;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			vlen = (size_t)(end - p) - nlen - 1;
			while (vlen && p[nlen + 1 + vlen - 1] == ' ')
				vlen--;
			if (vlen + 1 > outlen)
				return -E2BIG;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
			return 0;
		}
		p = *end ? end + 1 : end;
	}
	return -ENOENT;
}
