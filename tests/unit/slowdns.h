/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * slowdns: a real DNS server for tests, with configurable delays, and a
 * private world in which the system resolver (glibc, getaddrinfo) asks it.
 *
 * slowdns_world() moves the calling process (a Check test: each runs in
 * its own fork) into new network and mount namespaces (as root; otherwise
 * in a user namespace too): a loopback of its own, and its own files
 * bind-mounted over /etc/resolv.conf ("nameserver 127.0.0.1" plus the
 * options given) and /etc/nsswitch.conf ("hosts: files dns").  The host's
 * files and network are not touched.  Then it forks the server on
 * 127.0.0.1:53 (UDP), which answers each A query for a listed name with
 * its address after its delay, a listed name without address (ip NULL)
 * with NXDOMAIN after its delay, and every other name with NXDOMAIN at
 * once; other query types for a listed name get an empty NOERROR.
 * Queries are counted per rule in memory shared with the caller.
 */
#ifndef ESOL_TESTS_SLOWDNS_H
#define ESOL_TESTS_SLOWDNS_H

#include <stddef.h>
#include <sys/types.h>

#define SLOWDNS_MAX_RULES 8

struct slowdns_rule {
	const char *name;	/* compared case-insensitively, no trailing dot */
	const char *ip;		/* dotted IPv4, or NULL: NXDOMAIN */
	unsigned delay_ms;
};

struct slowdns {
	pid_t pid;
	volatile unsigned *queries;	/* [SLOWDNS_MAX_RULES + 1]: the last is "other" */
	char dir[64];			/* the world's files */
};

/*
 * resolv_options: the "options" line of the world's resolv.conf (e.g.
 * "timeout:5 attempts:1"), or NULL.  Returns 0, or -errno with why in msg.
 */
int slowdns_world(struct slowdns *w, const struct slowdns_rule *rules, size_t n,
		  const char *resolv_options, char *msg, size_t msglen);

/*
 * The server alone (slowdns_world forks it; tests/e2e/slowdns_main.c runs
 * it as a program): answer on fd, a bound UDP socket, for ever; count
 * each query in queries (NULL: no count) and write its name and a
 * newline to log_fd (-1: none).
 */
void slowdns_serve(int fd, const struct slowdns_rule *rules, size_t n,
		   volatile unsigned *queries, int log_fd) __attribute__((noreturn));

/* Stop the server, remove the files. */
void slowdns_end(struct slowdns *w);

#endif /* ESOL_TESTS_SLOWDNS_H */
