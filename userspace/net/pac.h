/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * pac: evaluate a proxy auto-config script's FindProxyForURL(url, host).
 *
 * Each evaluation runs in a child process (fork) with a fresh duktape heap,
 * so that a hostile or broken script can neither hang nor bloat the agent:
 *   - time: the child arms ITIMER_REAL (SIGALRM, default action: die) and
 *     RLIMIT_CPU before it runs any script, so a script looping for ever,
 *     ends at the limit; the parent only waits for the child's pipe to
 *     reach end-of-file.  (Debian's prebuilt
 *     libduktape has no DUK_USE_EXEC_TIMEOUT_CHECK/interrupt hook, so the
 *     limit cannot be enforced inside the interpreter.)
 *   - memory: the heap's allocator counts every byte and refuses past the
 *     cap (the script sees a RangeError; if it keeps going, the time limit
 *     ends it);
 *   - output: the answer is refused when longer than the cap;
 *   - no I/O: the heap has only ECMAScript built-ins (duktape 2 has no
 *     print, alert, require or file access) and the PAC helpers; the only
 *     way out is the DNS resolver behind dnsResolve/myIpAddress, which is
 *     injectable (tests) and defaults to getaddrinfo_a() (pac_dns.h);
 *   - DNS: each lookup is bounded by what is left of the time limit, less
 *     a reserve (a quarter of it) for the script to finish; a lookup that
 *     gets no answer within its bound, or that the resolver gives up on,
 *     ends the evaluation with PAC_E_DNS ("DNS lookup of HOST timed out
 *     after N ms") instead of handing the script a null it would take for
 *     "no such host" - only NXDOMAIN/no address is null.  Answers are
 *     cached for the evaluation.
 * The helpers (isPlainHostName, dnsDomainIs, localHostOrDomainIs,
 * isResolvable, isInNet, dnsResolve, myIpAddress, dnsDomainLevels,
 * shExpMatch, weekdayRange, dateRange, timeRange, convert_addr, plus
 * alert() as a no-op and Microsoft's *Ex functions and sortIpAddressList)
 * are the project's own, written to behave as Chromium's do in their
 * corner cases except where docs/proxy.md says why not.  Their clock is
 * injectable too.
 *
 * The caller that uses an event loop starts a job, watches its fd, and
 * collects the result; pac_eval() does the same synchronously.
 */
#ifndef ESOL_NET_PAC_H
#define ESOL_NET_PAC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAC_DEFAULT_TIMEOUT_MS 2000
#define PAC_DEFAULT_MEM_MAX (8u << 20)
#define PAC_DEFAULT_OUT_MAX 4096

/* DNS for the PAC helpers (called in the child). */
struct pac_dns {
	/*
	 * host's IPv4 address, dotted, into out, within timeout_ms: 0;
	 * -ENOENT: the name has no address (the script sees null);
	 * -ETIMEDOUT: no answer in time, -EAGAIN: the resolver gave up,
	 * other -errno: it failed (each ends the evaluation with PAC_E_DNS).
	 */
	int (*resolve)(void *ctx, const char *host, unsigned timeout_ms,
		       char *out, size_t len);
	/* this host's IPv4 address; 0 or -errno */
	int (*my_ip)(void *ctx, char *out, size_t len);
	void *ctx;
};

struct pac_opts {
	const struct pac_dns *dns;	/* NULL: the system resolver */
	int64_t (*now_ms)(void *ctx);	/* NULL: the real time (ms since epoch) */
	void *now_ctx;
	unsigned timeout_ms;		/* 0: PAC_DEFAULT_TIMEOUT_MS */
	size_t mem_max;			/* 0: PAC_DEFAULT_MEM_MAX */
	size_t out_max;			/* 0: PAC_DEFAULT_OUT_MAX */
};

enum pac_status {
	PAC_OK,
	PAC_E_SYNTAX,		/* the script does not compile */
	PAC_E_RUNTIME,		/* it threw (incl. calling what does not exist) */
	PAC_E_NOFUNC,		/* no FindProxyForURL function */
	PAC_E_RESULT,		/* the answer is not a string */
	PAC_E_TOO_LONG,		/* the answer is longer than out_max */
	PAC_E_NOMEM,		/* the memory cap was reached */
	PAC_E_TIMEOUT,		/* the time limit was reached */
	PAC_E_DNS,		/* a DNS lookup got no answer within its bound */
	PAC_E_CRASH,		/* the child died otherwise */
	PAC_E_SYSTEM,		/* fork/pipe failed */
};
const char *pac_status_name(enum pac_status s);

struct pac_error {
	enum pac_status status;
	char msg[256];
};

/*
 * Evaluate script (len bytes) for url and host; on success *out is the
 * answer (malloc'd, NUL-terminated) and 0 is returned.  Otherwise -1 with
 * err filled.  Blocks at most about timeout_ms.
 */
int pac_eval(const char *script, size_t len, const char *url,
	     const char *host, const struct pac_opts *o, char **out,
	     struct pac_error *err);

/* The same, for an event loop. */
struct pac_job;
/* Fork the evaluation.  Returns 0 and *job, or -errno. */
int pac_job_start(const char *script, size_t len, const char *url,
		  const char *host, const struct pac_opts *o,
		  struct pac_job **job);
/* Readable (or hung up) when there is something for pac_job_read(). */
int pac_job_fd(const struct pac_job *j);
/* Read what is there: -EAGAIN while the child runs, 0 when it is done. */
int pac_job_read(struct pac_job *j);
/* After pac_job_read() returned 0: like pac_eval()'s return. */
int pac_job_result(struct pac_job *j, char **out, struct pac_error *err);
/* Kill the child if it still runs, reap it, free. */
void pac_job_free(struct pac_job *j);

/*
 * shExpMatch: str matches the shell expression pat, where '*' is any run
 * of characters, '?' any one character and every other character itself
 * (no classes, no escapes), case-sensitively, over the whole string.
 */
bool pac_shexp_match(const char *str, const char *pat);

/* The helpers' JavaScript source (pac_js.c). */
extern const char pac_helpers_js[];

#endif /* ESOL_NET_PAC_H */
