/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * pac_ip: the IP-literal work behind the PAC helpers that Chromium
 * implements natively (isPlainHostName's IPv6 test, Microsoft's isInNetEx
 * and sortIpAddressList), with Chromium's rules:
 *   - a literal is a dotted quad (inet_pton AF_INET) or an IPv6 address
 *     (inet_pton AF_INET6, no brackets, no zone);
 *   - isInNetEx(ip, "prefix/len"): len decimal digits, at most 32 (IPv4)
 *     or 128 (IPv6); when the families differ the IPv4 side is promoted to
 *     its IPv4-mapped IPv6 address (::ffff:a.b.c.d, a /n IPv4 prefix
 *     becoming /96+n), then the first len bits compare;
 *   - sortIpAddressList("a;b;c"): blanks and tabs removed, empty items
 *     skipped, every item a literal, IPv6 before IPv4, each family in
 *     ascending order, equal addresses in their order (stable); the
 *     items are returned as written (not normalised).
 */
#ifndef ESOL_NET_PAC_IP_H
#define ESOL_NET_PAC_IP_H

#include <stdbool.h>
#include <stddef.h>

/* s is an IPv6 literal. */
bool pac_ip_is_ip6(const char *s);

/* isInNetEx's answer for two strings (false for anything malformed). */
bool pac_ip_in_net_ex(const char *ip, const char *prefix);

/* One item of a list being sorted (caller-provided scratch space). */
struct pac_ip_item {
	const char *s;
	size_t len;
	size_t pos;
	unsigned char addr[16];		/* IPv4-mapped when IPv4 */
	bool v6;
};

/* The most items a list of len bytes can hold: size of the scratch. */
size_t pac_ip_sort_max_items(size_t len);

/*
 * Sort list (len bytes) into out (len + 1 bytes, NUL-terminated), with
 * items[] of pac_ip_sort_max_items(len) and scratch (len bytes) as room
 * to work: 0, or -EINVAL when the list is empty or an item is not an IP
 * literal.
 */
int pac_ip_sort_list(const char *list, size_t len, struct pac_ip_item *items,
		     char *scratch, char *out);

#endif /* ESOL_NET_PAC_IP_H */
