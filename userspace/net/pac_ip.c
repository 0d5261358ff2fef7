// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * pac_ip: IP literals for the PAC helpers - the IPv6 test, isInNetEx,
 * sortIpAddressList (see pac_ip.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "net/pac_ip.h"

bool pac_ip_is_ip6(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET6, s, a) == 1;
}

/* s (n bytes) as a literal: 16 bytes, IPv4 mapped; *v6 says which. */
static bool literal(const char *s, size_t n, unsigned char addr[16], bool *v6)
{
	char tmp[INET6_ADDRSTRLEN + 1];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, addr) == 1) {
		*v6 = true;
		return true;
	}
	memset(addr, 0, 10);
	addr[10] = addr[11] = 0xff;
	*v6 = false;
	return inet_pton(AF_INET, tmp, addr + 12) == 1;
}

bool pac_ip_in_net_ex(const char *ip, const char *prefix)
{
	unsigned char a[16], p[16];
	bool a6, p6;
	const char *slash = strchr(prefix, '/');
	unsigned long bits = 0;
	size_t whole;

	if (!slash || !literal(ip, strlen(ip), a, &a6) ||
	    !literal(prefix, (size_t)(slash - prefix), p, &p6) || !slash[1] ||
	    strspn(slash + 1, "0123456789") != strlen(slash + 1) || strlen(slash + 1) > 3)
		return false;
	bits = strtoul(slash + 1, NULL, 10);
	if (bits > (p6 ? 128u : 32u))
		return false;
	if (!p6)
		bits += 96;	/* compared as IPv4-mapped IPv6 */
	whole = bits / 8;
	if (memcmp(a, p, whole))
		return false;
	if (bits % 8) {
		unsigned char m = (unsigned char)(0xff << (8 - bits % 8));

		return (a[whole] & m) == (p[whole] & m);
	}
	return true;
}

size_t pac_ip_sort_max_items(size_t len)
{
	return len / 2 + 1;	/* the shortest item and its ';' */
}

static int item_cmp(const void *x, const void *y)
{
	const struct pac_ip_item *a = x, *b = y;
	int c;

	if (a->v6 != b->v6)
		return a->v6 ? -1 : 1;
	c = memcmp(a->addr, b->addr, 16);
	if (c)
		return c;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

int pac_ip_sort_list(const char *list, size_t len, struct pac_ip_item *items,
		     char *scratch, char *out)
{
	size_t n = 0, o = 0, i = 0, r = 0;

	for (size_t k = 0; k < len; k++)
		if (list[k] != ' ' && list[k] != '\t')
			scratch[o++] = list[k];
	while (i < o) {
		size_t start = i;

		while (i < o && scratch[i] != ';')
			i++;
		if (i > start) {
			struct pac_ip_item *it = &items[n];

			if (!literal(scratch + start, i - start, it->addr, &it->v6))
				return -EINVAL;
			it->s = scratch + start;
			it->len = i - start;
			it->pos = n++;
		}
		i++;
	}
	if (n == 0)
		return -EINVAL;
	qsort(items, n, sizeof(*items), item_cmp);
	for (size_t k = 0; k < n; k++) {
		if (k)
			out[r++] = ';';
		memcpy(out + r, items[k].s, items[k].len);
		r += items[k].len;
	}
	out[r] = '\0';
	return 0;
}
