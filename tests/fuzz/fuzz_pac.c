// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: the PAC evaluator and its helpers.  The first byte
 * picks what the rest is (% 3) and the injected clock (/ 3: hours after
 * 2026-11-01T00:00:00Z, TZ=UTC):
 *   0  shExpMatch in C (pac_shexp_match): "str\0pattern", checked against
 *      a plain dynamic-programming matcher of docs/proxy.md's rules
 *      ('?' is one UTF-8 character);
 *   1  one helper called with fuzzed arguments: the next byte picks the
 *      helper, the rest is its arguments separated by NUL ("#12" is the
 *      number 12; every other byte is a character U+0000..U+00FF); the
 *      script returns String(result), and for shExpMatch whether it
 *      agrees with the same matcher written in JavaScript;
 *   2  a whole PAC script, evaluated with small limits (300 ms, 2 MiB of
 *      heap, 512 bytes of answer).
 * The resolver is injected (names of letters, digits, '.' and '-' ending
 * in ".test" resolve to 192.0.2.N, N their length; nothing else does),
 * so no query leaves the machine.
 * Properties: no crash, leak or undefined behaviour (in this process:
 * the evaluation's child is not instrumented for coverage); the C and
 * the reference matchers agree; a helper never throws, whatever its
 * arguments, and a predicate answers "true" or "false"; a script ends in
 * one of pac.h's statuses within its time limit (plus the grace), never
 * PAC_E_CRASH or PAC_E_SYSTEM, and an answer is within out_max.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net/pac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE_MS INT64_C(1793491200000)
#define ARG_MAX 160

static int64_t fake_now(void *ctx)
{
	return *(const int64_t *)ctx;
}

static int fake_resolve(void *ctx, const char *host, unsigned timeout_ms, char *out,
			size_t len)
{
	(void)timeout_ms;
	size_t n = strlen(host);

	(void)ctx;
	if (n < 6 || strcmp(host + n - 5, ".test") != 0 ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != n)
		return -ENOENT;
	snprintf(out, len, "192.0.2.%zu", n % 256);
	return 0;
}

static int fake_my_ip(void *ctx, char *out, size_t len)
{
	(void)ctx;
	snprintf(out, len, "192.0.2.77");
	return 0;
}

static const struct pac_dns dns = { fake_resolve, fake_my_ip, NULL };

/* Split s[0..n) into UTF-8 characters: start offsets, then n. */
static size_t chars_of(const char *s, size_t n, size_t *at)
{
	size_t k = 0, i = 0;

	while (i < n) {
		at[k++] = i;
		if (((unsigned char)s[i] & 0xc0) == 0xc0)
			for (i++; i < n && ((unsigned char)s[i] & 0xc0) == 0x80; i++)
				;
		else
			i++;
	}
	at[k] = n;
	return k;
}

/* The matcher of docs/proxy.md, the obvious way: O(n*m) over characters
 * ('*' any run, '?' one character, everything else itself). */
static bool ref_match(const char *s, size_t n, const char *p, size_t m)
{
	size_t *sa = calloc(n + 1, sizeof(*sa)), *pa = calloc(m + 1, sizeof(*pa));
	bool *prev = calloc(m + 1, 1), *cur = calloc(m + 1, 1), *t, r;
	size_t ns, np;

	if (!sa || !pa || !prev || !cur)
		abort();
	ns = chars_of(s, n, sa);
	np = chars_of(p, m, pa);
	prev[0] = true;
	for (size_t j = 1; j <= np; j++)
		prev[j] = prev[j - 1] && p[pa[j - 1]] == '*';
	for (size_t i = 1; i <= ns; i++) {
		size_t sl = sa[i] - sa[i - 1];

		cur[0] = false;
		for (size_t j = 1; j <= np; j++) {
			size_t pl = pa[j] - pa[j - 1];
			const char *pc = p + pa[j - 1];

			cur[j] = *pc == '*' ? cur[j - 1] || prev[j] :
				 prev[j - 1] && (*pc == '?' ||
						 (pl == sl && !memcmp(pc, s + sa[i - 1], sl)));
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	r = prev[np];
	free(sa);
	free(pa);
	free(prev);
	free(cur);
	return r;
}

static void shexp(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	char *s, *p;
	size_t n, m;

	if (!nul || size > 4096)
		return;
	n = (size_t)(nul - data);
	m = strnlen((const char *)nul + 1, size - n - 1);
	s = strndup((const char *)data, n);
	p = strndup((const char *)nul + 1, m);
	if (!s || !p)
		abort();
	if (pac_shexp_match(s, p) != ref_match(s, n, p, m))
		abort();
	free(s);
	free(p);
}

/* Append to a growing script; abort on ENOMEM. */
struct buf {
	char *b;
	size_t len, cap;
};

static void add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->b = realloc(b->b, b->cap);
		if (!b->b)
			abort();
	}
	memcpy(b->b + b->len, s, n);
	b->len += n;
	b->b[b->len] = '\0';
}

static void adds(struct buf *b, const char *s)
{
	add(b, s, strlen(s));
}

/* One argument as a JavaScript literal. */
static void add_arg(struct buf *b, const uint8_t *a, size_t n)
{
	char esc[8];

	if (n > ARG_MAX)
		n = ARG_MAX;
	if (n >= 2 && n <= 7 && a[0] == '#') {
		size_t d = 1;

		while (d < n && a[d] >= '0' && a[d] <= '9')
			d++;
		if (d == n) {
			add(b, (const char *)a + 1, n - 1);
			return;
		}
	}
	adds(b, "'");
	for (size_t i = 0; i < n; i++) {
		if ((a[i] >= 'a' && a[i] <= 'z') || (a[i] >= 'A' && a[i] <= 'Z') ||
		    (a[i] >= '0' && a[i] <= '9') || (a[i] && strchr(" .:/*?-_", a[i]))) {
			add(b, (const char *)&a[i], 1);
		} else {
			snprintf(esc, sizeof(esc), "\\u%04x", a[i]);
			adds(b, esc);
		}
	}
	adds(b, "'");
}

static const struct {
	const char *name;
	bool predicate;
} helpers[] = {
	{ "isPlainHostName", true },	{ "dnsDomainIs", true },
	{ "localHostOrDomainIs", true }, { "isResolvable", true },
	{ "isInNet", true },		{ "dnsResolve", false },
	{ "myIpAddress", false },	{ "dnsDomainLevels", false },
	{ "shExpMatch", true },		{ "weekdayRange", true },
	{ "dateRange", true },		{ "timeRange", true },
	{ "convert_addr", false },	{ "dnsResolveEx", false },
	{ "isResolvableEx", true },	{ "myIpAddressEx", false },
	{ "isInNetEx", true },		{ "alert", false },
	{ "sortIpAddressList", false },
};

static const char ref_js[] =
	"function ref(s, p) {\n"
	"  s = String(s); p = String(p);\n"
	"  var n = s.length, m = p.length, prev = [true], cur, i, j;\n"
	"  for (j = 1; j <= m; j++) prev[j] = prev[j - 1] && p[j - 1] === '*';\n"
	"  for (i = 1; i <= n; i++) {\n"
	"    cur = [false];\n"
	"    for (j = 1; j <= m; j++) cur[j] = p[j - 1] === '*' ? cur[j - 1] || prev[j] :\n"
	"      prev[j - 1] && (p[j - 1] === '?' || p[j - 1] === s[i - 1]);\n"
	"    prev = cur;\n"
	"  }\n"
	"  return prev[m];\n"
	"}\n";

static int eval(const char *script, size_t len, const struct pac_opts *o, char **out,
		struct pac_error *err, int64_t *ms)
{
	struct timespec a, b;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &a);
	r = pac_eval(script, len, "http://www.example.test/a?b=c", "www.example.test", o, out,
		     err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	*ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	if (!memchr(err->msg, '\0', sizeof(err->msg)))
		abort();
	return r;
}

static void helper(const uint8_t *data, size_t size, int64_t *now)
{
	struct pac_opts o = { .dns = &dns, .now_ms = fake_now, .now_ctx = now,
			      .timeout_ms = 2000, .out_max = 4096 };
	struct buf b = { 0 }, args = { 0 };
	struct pac_error err;
	char *out = NULL;
	unsigned int h, nargs = 0;
	const uint8_t *p, *end;
	int64_t ms;
	int r, tries;

	if (size < 1 || size > 1024)
		return;
	h = data[0] % (sizeof(helpers) / sizeof(helpers[0]));
	for (p = data + 1, end = data + size; p < end && nargs < 7; nargs++) {
		const uint8_t *z = memchr(p, '\0', (size_t)(end - p));
		size_t n = z ? (size_t)(z - p) : (size_t)(end - p);

		if (nargs)
			adds(&args, ", ");
		add_arg(&args, p, n);
		p += n + 1;
	}
	adds(&b, ref_js);
	adds(&b, "function FindProxyForURL(url, host) {\n  var a = [");
	if (args.b)
		adds(&b, args.b);
	adds(&b, "];\n  var r = ");
	adds(&b, helpers[h].name);
	adds(&b, ".apply(null, a);\n");
	if (!strcmp(helpers[h].name, "shExpMatch") && nargs == 2)
		adds(&b, "  if (r !== ref(a[0], a[1])) return 'MISMATCH';\n");
	adds(&b, "  return String(r);\n}\n");
	for (tries = 0; tries < 2; tries++) {
		free(out);
		out = NULL;
		r = eval(b.b, b.len, &o, &out, &err, &ms);
		if (r == 0 || err.status != PAC_E_TIMEOUT)
			break;	/* a time-out may be the machine's load: once more */
	}
	if (r != 0) {
		fprintf(stderr, "%s\n-> %s: %s\n", b.b, pac_status_name(err.status), err.msg);
		abort();	/* a helper threw, or worse */
	}
	if (helpers[h].predicate && strcmp(out, "true") && strcmp(out, "false")) {
		fprintf(stderr, "%s\n-> %s\n", b.b, out);
		abort();
	}
	free(out);
	free(b.b);
	free(args.b);
}

static void script(const uint8_t *data, size_t size, int64_t *now)
{
	struct pac_opts o = { .dns = &dns, .now_ms = fake_now, .now_ctx = now,
			      .timeout_ms = 300, .mem_max = 2u << 20, .out_max = 512 };
	struct pac_error err;
	char *out = NULL;
	int64_t ms;
	int r;

	r = eval((const char *)data, size, &o, &out, &err, &ms);
	if (r == 0 && (!out || strlen(out) > o.out_max))
		abort();
	if (r != 0 && (err.status == PAC_E_CRASH || err.status == PAC_E_SYSTEM ||
		       err.status == PAC_OK || err.status > PAC_E_SYSTEM)) {
		fprintf(stderr, "-> %s: %s\n", pac_status_name(err.status), err.msg);
		abort();
	}
	if (ms > o.timeout_ms + 2000 + 1000)
		abort();	/* pac_eval's own bound, with a second's slack */
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool once;
	int64_t now;

	if (!once) {
		setenv("TZ", "UTC", 1);
		tzset();
		once = true;
	}
	if (size < 1)
		return 0;
	now = BASE_MS + (int64_t)(data[0] / 3) * 3600 * 1000 + 1234;
	switch (data[0] % 3) {
	case 0:
		shexp(data + 1, size - 1);
		break;
	case 1:
		helper(data + 1, size - 1, &now);
		break;
	default:
		script(data + 1, size - 1, &now);
	}
	return 0;
}
