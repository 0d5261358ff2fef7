// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * wpad: WPAD-by-DNS candidate URLs (see wpad.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libpsl.h>

#include "net/wpad.h"

static bool name_ok(const char *d)
{
	size_t n = strlen(d), label = 0;

	if (n == 0 || n > 253)
		return false;
	for (const char *p = d; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

static int set_domain(const char *s, size_t n, char *out, size_t len)
{
	if (n && s[n - 1] == '.')
		n--;
	if (n == 0 || n >= len)
		return -ENOENT;
	memcpy(out, s, n);
	out[n] = '\0';
	for (char *p = out; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return name_ok(out) ? 0 : -ENOENT;
}

static int from_resolv(const char *path, char *out, size_t len)
{
	char line[1024];
	FILE *f = fopen(path, "re");
	int r = -ENOENT;

	if (!f)
		return errno == ENOENT ? -ENOENT : -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *kw, *v;
		size_t n;

		while (isspace((unsigned char)*p))
			p++;
		kw = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		n = (size_t)(p - kw);
		if (!(n == 6 && !strncmp(kw, "domain", 6)) &&
		    !(n == 6 && !strncmp(kw, "search", 6)))
			continue;
		while (*p && isspace((unsigned char)*p))
			p++;
		v = p;
		while (*p && !isspace((unsigned char)*p) && *p != '#' && *p != ';')
			p++;
		/* the last domain/search line wins; "." means none */
		if (p > v && !(p - v == 1 && *v == '.'))
			r = set_domain(v, (size_t)(p - v), out, len);
		else
			r = -ENOENT;
	}
	fclose(f);
	return r;
}

int net_wpad_domain(const char *resolv_conf, const char *hostname,
		    char *out, size_t len)
{
	char hn[256];
	const char *dot;
	int r;

	r = from_resolv(resolv_conf ? resolv_conf : "/etc/resolv.conf", out, len);
	if (r == 0)
		return 0;
	if (!hostname) {
		if (gethostname(hn, sizeof(hn)) < 0)
			return -errno;
		hn[sizeof(hn) - 1] = '\0';
		hostname = hn;
	}
	dot = strchr(hostname, '.');
	if (!dot)
		return -ENOENT;
	return set_domain(dot + 1, strlen(dot + 1), out, len);
}

int net_wpad_urls(const char *domain, char urls[][NET_URL_MAX], int max)
{
	const psl_ctx_t *psl = psl_builtin();
	psl_ctx_t *loaded = NULL;
	char low[256];
	const char *reg, *d;
	int n = 0;

	if (!domain || set_domain(domain, strlen(domain), low, sizeof(low)) < 0)
		return 0;
	domain = low;
	if (!psl || psl_builtin_outdated()) {
		loaded = psl_latest(NULL);
		if (loaded)
			psl = loaded;
	}
	if (!psl)
		return 0;	/* without the list we cannot walk safely */
	reg = psl_registrable_domain(psl, domain);
	if (!reg)
		goto out;	/* the domain is a public suffix itself */
	for (d = domain; n < max; ) {
		snprintf(urls[n++], NET_URL_MAX, "http://wpad.%s/wpad.dat", d);
		if (d == reg || !strcasecmp(d, reg))
			break;
		d = strchr(d, '.');
		if (!d)
			break;
		d++;
	}
out:
	psl_free(loaded);
	return n;
}
