// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * valid: strict parsing and checking of the values libprinteng reads from
 * the kernel (decimal numbers, RFC 3805 levels, text fields), and the
 * snapshot comparison.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/internal.h"

int pel_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	const char *p;

	if (!s || !*s)
		return -EINVAL;
	for (p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return -EINVAL;
	if (s[0] == '0' && s[1])
		return -EINVAL;		/* the kernel never pads with zeros */
	for (p = s; *p; p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int pel_parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;
	int ret = pel_parse_u64(s, &v);

	if (ret)
		return ret;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int pel_parse_s32(const char *s, int32_t *out)
{
	bool neg = s && s[0] == '-';
	uint64_t v;
	int ret;

	ret = pel_parse_u64(neg ? s + 1 : s, &v);
	if (ret)
		return ret;
	if (neg && v == 0)
		return -EINVAL;		/* "-0" */
	if (neg ? v > (uint64_t)INT32_MAX + 1 : v > INT32_MAX)
		return -ERANGE;
	*out = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
	return 0;
}

int pel_parse_level(const char *s, int32_t *out)
{
	int32_t v;
	int ret = pel_parse_s32(s, &v);

	if (ret)
		return ret;
	if (v < PRINTENG_LEVEL_SOME_REMAINING)
		return -ERANGE;
	*out = v;
	return 0;
}

bool pel_text_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned int c = *p, n, cp, i;

		if (c < 0x20 || c == 0x7f)
			return false;
		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* overlong, surrogates, beyond U+10FFFF, C1 controls */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp < 0xa0))
			return false;
		p += n + 1;
	}
	return true;
}

int pel_copy_text(char *dst, size_t dstlen, const char *src)
{
	size_t n = strlen(src);

	if (n >= dstlen)
		return -EOVERFLOW;
	if (!pel_text_ok(src))
		return -EINVAL;
	memcpy(dst, src, n + 1);
	return 0;
}

int pel_copy_field(char *dst, const char *src, size_t len)
{
	const char *nul = memchr(src, '\0', len);

	if (!nul)
		return -EPROTO;
	memcpy(dst, src, (size_t)(nul - src) + 1);
	if (!pel_text_ok(dst)) {
		dst[0] = '\0';
		return -EPROTO;
	}
	return 0;
}

bool pel_supply_ok(const struct printeng_supply_entry *s)
{
	return s->state < __PRINTENG_STATE_COUNT &&
	       s->level >= PRINTENG_LEVEL_SOME_REMAINING &&
	       s->max_capacity >= PRINTENG_LEVEL_SOME_REMAINING;
}

uint64_t pel_clock_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool supply_same(const struct printeng_supply_entry *a,
			const struct printeng_supply_entry *b)
{
	return a->type == b->type && a->unit == b->unit &&
	       a->level == b->level && a->max_capacity == b->max_capacity &&
	       a->state == b->state && a->replaced == b->replaced &&
	       !strcmp(a->colorant, b->colorant) &&
	       !strcmp(a->description, b->description);
}

bool printeng_snap_same(const struct printeng_snap *a,
			const struct printeng_snap *b)
{
	unsigned int i;

	if (a->index != b->index || a->generation != b->generation ||
	    strcmp(a->serial, b->serial) || strcmp(a->model, b->model) ||
	    strcmp(a->engine_fw, b->engine_fw) ||
	    strcmp(a->controller_fw, b->controller_fw) ||
	    a->meter_mask != b->meter_mask ||
	    a->num_supplies != b->num_supplies)
		return false;
	for (i = 0; i < PRINTENG_METERS_MAX; i++)
		if (printeng_snap_has_meter(a, i) && a->meters[i] != b->meters[i])
			return false;
	for (i = 0; i < a->num_supplies && i < PRINTENG_SUPPLIES_MAX; i++)
		if (!supply_same(&a->supplies[i], &b->supplies[i]))
			return false;
	return true;
}
