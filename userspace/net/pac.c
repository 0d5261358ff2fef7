// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * pac: PAC evaluation in a time-, memory- and output-capped child process
 * (see pac.h for the design).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <duktape.h>

#include "common/syserr.h"
#include "net/pac.h"
#include "net/pac_dns.h"
#include "net/pac_ip.h"

/* What the child sends back: this header, then len bytes. */
struct pac_msg {
	int32_t status;		/* enum pac_status */
	uint32_t len;
};

struct pac_job {
	pid_t pid;
	int fd;
	size_t out_max;
	char *buf;
	size_t have, cap;
	bool eof, overflow;
	int wstatus;
};

const char *pac_status_name(enum pac_status s)
{
	switch (s) {
	case PAC_OK:		return "ok";
	case PAC_E_SYNTAX:	return "syntax error";
	case PAC_E_RUNTIME:	return "script error";
	case PAC_E_NOFUNC:	return "no FindProxyForURL function";
	case PAC_E_RESULT:	return "answer is not a string";
	case PAC_E_TOO_LONG:	return "answer too long";
	case PAC_E_NOMEM:	return "memory limit reached";
	case PAC_E_TIMEOUT:	return "time limit reached";
	case PAC_E_DNS:		return "DNS lookup failed";
	case PAC_E_CRASH:	return "evaluation crashed";
	case PAC_E_SYSTEM:	return "cannot start evaluation";
	}
	return "?";
}

/* ---- shExpMatch ---------------------------------------------------- */

/* Bytes of the UTF-8 character at s (a stray byte counts as one). */
static size_t char_len(const char *s, const char *end)
{
	size_t n = 1;

	while (s + n < end && ((unsigned char)s[n] & 0xc0) == 0x80 &&
	       ((unsigned char)s[0] & 0xc0) == 0xc0)
		n++;
	return n;
}

/* Over counted strings: a JavaScript string may hold NULs. */
static bool shexp_match(const char *s, const char *se, const char *p, const char *pe)
{
	const char *star = NULL, *resume = NULL;

	/* greedy with one backtrack point: linear for each star, no blowup;
	 * '?' and the backtrack step move by whole characters */
	while (s < se) {
		if (p < pe && *p == '*') {
			star = ++p;
			resume = s;
		} else if (p < pe && *p == '?') {
			p++;
			s += char_len(s, se);
		} else if (p < pe && *p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star;
			resume += char_len(resume, se);
			s = resume;
		} else {
			return false;
		}
	}
	while (p < pe && *p == '*')
		p++;
	return p == pe;
}

bool pac_shexp_match(const char *s, const char *p)
{
	return shexp_match(s, s + strlen(s), p, p + strlen(p));
}

/* ---- the child ------------------------------------------------------- */

struct child {
	int fd;
	const struct pac_opts *o;
	size_t used, cap;
	bool hit_cap;
	int64_t dns_until_ms;		/* monotonic: lookups end by then */
	struct pac_dns_cache dns;
};

/* Each block carries its size in front, so realloc/free can count. */
#define HDR sizeof(max_align_t)

static void *cap_alloc(void *ud, duk_size_t size)
{
	struct child *c = ud;
	char *p;

	if (size == 0)
		return NULL;
	if (size > c->cap - c->used) {
		c->hit_cap = true;
		return NULL;
	}
	p = malloc(HDR + size);
	if (!p)
		return NULL;
	*(size_t *)p = size;
	c->used += size;
	return p + HDR;
}

static void cap_free(void *ud, void *ptr)
{
	struct child *c = ud;
	char *p;

	if (!ptr)
		return;
	p = (char *)ptr - HDR;
	c->used -= *(size_t *)p;
	free(p);
}

static void *cap_realloc(void *ud, void *ptr, duk_size_t size)
{
	struct child *c = ud;
	char *p, *np;
	size_t old;

	if (!ptr)
		return cap_alloc(ud, size);
	if (size == 0) {
		cap_free(ud, ptr);
		return NULL;
	}
	p = (char *)ptr - HDR;
	old = *(size_t *)p;
	if (size > old && size - old > c->cap - c->used) {
		c->hit_cap = true;
		return NULL;
	}
	np = realloc(p, HDR + size);
	if (!np)
		return NULL;
	*(size_t *)np = size;
	c->used = c->used - old + size;
	return np + HDR;
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

static __attribute__((noreturn)) void child_reply(struct child *c,
						  enum pac_status st,
						  const char *data, size_t len)
{
	struct pac_msg m = { .status = st, .len = (uint32_t)len };

	write_all(c->fd, &m, sizeof(m));
	write_all(c->fd, data, len);
	_exit(0);
}

static __attribute__((noreturn)) void child_replyf(struct child *c,
						   enum pac_status st,
						   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void child_replyf(struct child *c, enum pac_status st,
			 const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	child_reply(c, st, msg, (size_t)n);
}

static void fatal_handler(void *ud, const char *msg)
{
	struct child *c = ud;

	child_replyf(c, c->hit_cap ? PAC_E_NOMEM : PAC_E_CRASH,
		     "fatal: %s", msg ? msg : "?");
}

static struct child *ctx_child(duk_context *ctx)
{
	duk_memory_functions mf;

	duk_get_memory_functions(ctx, &mf);
	return mf.udata;
}

static const struct pac_dns *child_dns(struct child *c)
{
	return c->o->dns ? c->o->dns : &pac_dns_system;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static duk_ret_t js_dns(duk_context *ctx)
{
	struct child *c = ctx_child(ctx);
	duk_size_t hlen;
	const char *host = duk_to_lstring(ctx, 0, &hlen);
	char ip[INET_ADDRSTRLEN];
	int64_t left = c->dns_until_ms - mono_ms();
	unsigned bound = left > 0 ? (unsigned)left : 0;
	int r;

	/* a name with a NUL in it is no name (not the part before the NUL) */
	r = memchr(host, '\0', hlen) ? -ENOENT :
	    pac_dns_lookup(child_dns(c), &c->dns, host, bound, ip, sizeof(ip));
	if (r == 0) {
		duk_push_string(ctx, ip);
	} else if (r == -ENOENT) {
		duk_push_null(ctx);
	} else if (r == -ETIMEDOUT) {
		child_replyf(c, PAC_E_DNS, "DNS lookup of %.100s timed out after %u ms",
			     host, bound);
	} else {
		child_replyf(c, PAC_E_DNS, "DNS lookup of %.100s %s", host,
			     pac_dns_strerror(r));
	}
	return 1;
}

static duk_ret_t js_myip(duk_context *ctx)
{
	struct child *c = ctx_child(ctx);
	const struct pac_dns *d = child_dns(c);
	char ip[INET_ADDRSTRLEN];

	if (!d->my_ip || d->my_ip(d->ctx, ip, sizeof(ip)) < 0)
		snprintf(ip, sizeof(ip), "127.0.0.1");
	duk_push_string(ctx, ip);
	return 1;
}

static duk_ret_t js_now(duk_context *ctx)
{
	struct child *c = ctx_child(ctx);
	struct timespec ts;
	double ms;

	if (c->o->now_ms) {
		ms = (double)c->o->now_ms(c->o->now_ctx);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		ms = (double)ts.tv_sec * 1000.0 + (double)(ts.tv_nsec / 1000000);
	}
	duk_push_number(ctx, ms);
	return 1;
}

static duk_ret_t js_shexp(duk_context *ctx)
{
	duk_size_t sl, pl;
	const char *s = duk_to_lstring(ctx, 0, &sl);
	const char *p = duk_to_lstring(ctx, 1, &pl);

	duk_push_boolean(ctx, shexp_match(s, s + sl, p, p + pl));
	return 1;
}

static bool ascii(const char *s, duk_size_t len)
{
	for (duk_size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* isPlainHostName(host): no '.', and not an IPv6 literal (Chromium). */
static duk_ret_t js_plain(duk_context *ctx)
{
	duk_size_t len;
	const char *h = duk_to_lstring(ctx, 0, &len);

	duk_push_boolean(ctx, !memchr(h, '.', len) &&
			 (memchr(h, '\0', len) || !pac_ip_is_ip6(h)));
	return 1;
}

/* isInNetEx(ip, "prefix/len"), IPv4 and IPv6 (Chromium's rules). */
static duk_ret_t js_in_net_ex(duk_context *ctx)
{
	duk_size_t il, pl;
	const char *ip = duk_to_lstring(ctx, 0, &il), *pre = duk_to_lstring(ctx, 1, &pl);

	duk_push_boolean(ctx, ascii(ip, il) && ascii(pre, pl) &&
			 !memchr(ip, '\0', il) && !memchr(pre, '\0', pl) &&
			 pac_ip_in_net_ex(ip, pre));
	return 1;
}

/* sortIpAddressList("a;b"): the sorted list, false, or null (Chromium). */
static duk_ret_t js_sort_ips(duk_context *ctx)
{
	duk_size_t len;
	const char *list = duk_is_string(ctx, 0) ? duk_get_lstring(ctx, 0, &len) : NULL;
	size_t n;
	char *room;

	if (!list || !ascii(list, len) || memchr(list, '\0', len)) {
		duk_push_null(ctx);
		return 1;
	}
	/* the room to sort in comes from the capped heap; its items first:
	 * duktape aligns a buffer's data to DUK_USE_ALIGN_BY */
	_Static_assert(DUK_USE_ALIGN_BY % _Alignof(struct pac_ip_item) == 0,
		       "duktape's buffers are not aligned for pac_ip_item");
	n = pac_ip_sort_max_items(len);
	room = duk_push_fixed_buffer(ctx, n * sizeof(struct pac_ip_item) + 2 * len + 1);
	if (pac_ip_sort_list(list, len, (struct pac_ip_item *)(void *)room,
			     room + n * sizeof(struct pac_ip_item),
			     room + n * sizeof(struct pac_ip_item) + len) < 0)
		duk_push_false(ctx);
	else
		duk_push_string(ctx, room + n * sizeof(struct pac_ip_item) + len);
	return 1;
}

/* Error text of the value on top (safe: may itself fail under the cap). */
static const char *top_error(duk_context *ctx)
{
	if (duk_is_error(ctx, -1)) {
		duk_get_prop_string(ctx, -1, "stack");
		if (duk_is_string(ctx, -1))
			return duk_get_string(ctx, -1);
		duk_pop(ctx);
	}
	return duk_safe_to_string(ctx, -1);
}

/* The natives: pac_js.c's private ones (it deletes them) and helpers. */
static const duk_function_list_entry natives[] = {
	{ "__esol_dns", js_dns, 1 },
	{ "__esol_myip", js_myip, 0 },
	{ "__esol_now", js_now, 0 },
	{ "shExpMatch", js_shexp, 2 },
	{ "isPlainHostName", js_plain, 1 },
	{ "isInNetEx", js_in_net_ex, 2 },
	{ "sortIpAddressList", js_sort_ips, 1 },
	{ NULL, NULL, 0 },
};

static __attribute__((noreturn)) void child_main(struct child *c,
						 const char *script, size_t len,
						 const char *url, const char *host)
{
	const struct pac_opts *o = c->o;
	struct itimerval it = { 0 };
	struct rlimit rl;
	sigset_t set;
	duk_context *ctx;
	const char *ans;
	duk_size_t alen;
	unsigned tmo = o->timeout_ms ? o->timeout_ms : PAC_DEFAULT_TIMEOUT_MS;

	/* The time limit: the kernel kills us, whatever the script does. */
	signal(SIGALRM, SIG_DFL);
	signal(SIGXCPU, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigaddset(&set, SIGXCPU);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	/* DNS lookups leave a quarter of the budget for the script to finish */
	c->dns_until_ms = mono_ms() + tmo - tmo / 4;
	it.it_value.tv_sec = tmo / 1000;
	it.it_value.tv_usec = (tmo % 1000) * 1000;
	if (setitimer(ITIMER_REAL, &it, NULL) < 0)
		child_replyf(c, PAC_E_SYSTEM, "setitimer: %s", strerror(errno));
	rl.rlim_cur = tmo / 1000 + 1;
	rl.rlim_max = tmo / 1000 + 2;
	setrlimit(RLIMIT_CPU, &rl);

	ctx = duk_create_heap(cap_alloc, cap_realloc, cap_free, c, fatal_handler);
	if (!ctx)
		child_replyf(c, PAC_E_NOMEM, "cannot create the JavaScript heap");

	duk_push_global_object(ctx);
	duk_put_function_list(ctx, -1, natives);
	duk_pop(ctx);
	if (duk_peval_string(ctx, pac_helpers_js) != 0)
		child_replyf(c, PAC_E_CRASH, "helpers: %s", top_error(ctx));
	duk_pop(ctx);

	duk_push_string(ctx, "pac");
	if (duk_pcompile_lstring_filename(ctx, 0, script, len) != 0)
		child_replyf(c, c->hit_cap ? PAC_E_NOMEM : PAC_E_SYNTAX, "%s",
			     top_error(ctx));
	if (duk_pcall(ctx, 0) != 0)
		child_replyf(c, c->hit_cap ? PAC_E_NOMEM : PAC_E_RUNTIME, "%s",
			     top_error(ctx));
	duk_pop(ctx);

	if (!duk_get_global_string(ctx, "FindProxyForURL") || !duk_is_function(ctx, -1))
		child_replyf(c, PAC_E_NOFUNC, "the script defines no FindProxyForURL function");
	duk_push_string(ctx, url);
	duk_push_string(ctx, host);
	if (duk_pcall(ctx, 2) != 0)
		child_replyf(c, c->hit_cap ? PAC_E_NOMEM : PAC_E_RUNTIME,
			     "FindProxyForURL: %s", top_error(ctx));
	if (!duk_is_string(ctx, -1))
		child_replyf(c, PAC_E_RESULT, "FindProxyForURL returned a %s, not a string",
			     duk_is_null_or_undefined(ctx, -1) ? "null/undefined" :
			     duk_is_number(ctx, -1) ? "number" :
			     duk_is_object(ctx, -1) ? "object" : "non-string");
	ans = duk_get_lstring(ctx, -1, &alen);
	if (alen > (o->out_max ? o->out_max : PAC_DEFAULT_OUT_MAX))
		child_replyf(c, PAC_E_TOO_LONG, "FindProxyForURL returned %zu bytes (limit %zu)",
			     (size_t)alen, o->out_max ? o->out_max : (size_t)PAC_DEFAULT_OUT_MAX);
	if (memchr(ans, '\0', alen))
		child_replyf(c, PAC_E_RESULT, "FindProxyForURL returned a string with NUL");
	child_reply(c, PAC_OK, ans, alen);
}

/* ---- the parent ------------------------------------------------------ */

int pac_job_start(const char *script, size_t len, const char *url,
		  const char *host, const struct pac_opts *o,
		  struct pac_job **job)
{
	static const struct pac_opts defaults;
	struct pac_job *j;
	int p[2];

	*job = NULL;
	if (!o)
		o = &defaults;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->out_max = o->out_max ? o->out_max : PAC_DEFAULT_OUT_MAX;
	j->cap = sizeof(struct pac_msg) + j->out_max + 512;
	j->buf = malloc(j->cap);
	if (!j->buf) {
		free(j);
		return -ENOMEM;
	}
	if (pipe2(p, O_CLOEXEC) < 0) {
		int r = neg_errno();

		free(j->buf);
		free(j);
		return r;
	}
	j->pid = fork();
	if (j->pid < 0) {
		int r = neg_errno();

		close(p[0]);
		close(p[1]);
		free(j->buf);
		free(j);
		return r;
	}
	if (j->pid == 0) {
		struct child c = { .fd = p[1], .o = o,
				   .cap = o->mem_max ? o->mem_max : PAC_DEFAULT_MEM_MAX };

		close(p[0]);
		child_main(&c, script, len, url, host);
	}
	close(p[1]);
	j->fd = p[0];
	fcntl(j->fd, F_SETFL, fcntl(j->fd, F_GETFL) | O_NONBLOCK);
	*job = j;
	return 0;
}

int pac_job_fd(const struct pac_job *j)
{
	return j->fd;
}

static void reap(struct pac_job *j)
{
	while (j->pid > 0 && waitpid(j->pid, &j->wstatus, 0) < 0 && errno == EINTR)
		;
	j->pid = 0;
}

int pac_job_read(struct pac_job *j)
{
	while (!j->eof) {
		char tmp[4096];
		ssize_t n;

		if (j->have < j->cap)
			n = read(j->fd, j->buf + j->have, j->cap - j->have);
		else
			n = read(j->fd, tmp, sizeof(tmp));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return -EAGAIN;
			j->eof = true;
			break;
		}
		if (n == 0) {
			j->eof = true;
			break;
		}
		if (j->have < j->cap)
			j->have += (size_t)n;
		else
			j->overflow = true;
	}
	reap(j);
	return 0;
}

int pac_job_result(struct pac_job *j, char **out, struct pac_error *err)
{
	struct pac_msg m;

	*out = NULL;
	err->status = PAC_OK;
	err->msg[0] = '\0';
	if (j->have >= sizeof(m)) {
		memcpy(&m, j->buf, sizeof(m));
		if (!j->overflow && m.status >= PAC_OK && m.status <= PAC_E_SYSTEM &&
		    m.len <= j->have - sizeof(m) && m.len == j->have - sizeof(m)) {
			const char *data = j->buf + sizeof(m);

			if (m.status == PAC_OK) {
				*out = strndup(data, m.len);
				if (!*out) {
					err->status = PAC_E_SYSTEM;
					snprintf(err->msg, sizeof(err->msg), "out of memory");
					return -1;
				}
				return 0;
			}
			err->status = (enum pac_status)m.status;
			snprintf(err->msg, sizeof(err->msg), "%.*s", (int)m.len, data);
			return -1;
		}
	}
	/* no complete answer: how did the child end? */
	if (WIFSIGNALED(j->wstatus) &&
	    (WTERMSIG(j->wstatus) == SIGALRM || WTERMSIG(j->wstatus) == SIGXCPU ||
	     WTERMSIG(j->wstatus) == SIGKILL)) {
		err->status = PAC_E_TIMEOUT;
		snprintf(err->msg, sizeof(err->msg), "the script ran past its time limit");
	} else if (WIFSIGNALED(j->wstatus)) {
		err->status = PAC_E_CRASH;
		snprintf(err->msg, sizeof(err->msg), "the evaluation died of signal %d",
			 WTERMSIG(j->wstatus));
	} else {
		err->status = PAC_E_CRASH;
		snprintf(err->msg, sizeof(err->msg),
			 "the evaluation ended without an answer (exit %d)",
			 WIFEXITED(j->wstatus) ? WEXITSTATUS(j->wstatus) : -1);
	}
	return -1;
}

void pac_job_free(struct pac_job *j)
{
	if (!j)
		return;
	if (j->pid > 0) {
		kill(j->pid, SIGKILL);
		reap(j);
	}
	if (j->fd >= 0)
		close(j->fd);
	free(j->buf);
	free(j);
}

int pac_eval(const char *script, size_t len, const char *url,
	     const char *host, const struct pac_opts *o, char **out,
	     struct pac_error *err)
{
	struct pac_job *j = NULL;
	struct timespec start, now;
	unsigned tmo = o && o->timeout_ms ? o->timeout_ms : PAC_DEFAULT_TIMEOUT_MS;
	/* the child kills itself at tmo; the parent waits a grace period more */
	int64_t budget = (int64_t)tmo + 2000, spent;
	int r;

	*out = NULL;
	r = pac_job_start(script, len, url, host, o, &j);
	if (r < 0 || !j) {
		if (r >= 0)
			r = -EIO;
		err->status = PAC_E_SYSTEM;
		snprintf(err->msg, sizeof(err->msg), "cannot start the evaluation: %s",
			 strerror(-r));
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (pac_job_read(j) == -EAGAIN) {
		struct pollfd pfd = { .fd = j->fd, .events = POLLIN };

		clock_gettime(CLOCK_MONOTONIC, &now);
		spent = (now.tv_sec - start.tv_sec) * 1000 +
			(now.tv_nsec - start.tv_nsec) / 1000000;
		if (spent >= budget) {
			kill(j->pid, SIGKILL);
			reap(j);
			j->eof = true;
			break;
		}
		poll(&pfd, 1, (int)(budget - spent));
	}
	r = pac_job_result(j, out, err);
	pac_job_free(j);
	return r;
}
