// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * slowdns: tests/unit/slowdns.c's DNS server as a program, for the
 * end-to-end tests (run it inside a private network namespace).
 *
 *   slowdns ADDR NAME=IP@MS|NAME=nx@MS...
 *
 * Serves UDP on ADDR:53: an A query for NAME gets IP (or NXDOMAIN for
 * "nx") after MS milliseconds; any other name gets NXDOMAIN at once.
 * Each query's name is written on a line of its own to stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "slowdns.h"

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct slowdns_rule rules[SLOWDNS_MAX_RULES];
	size_t n = 0;
	int fd;

	if (argc < 2 || argc - 2 > SLOWDNS_MAX_RULES ||
	    inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: slowdns ADDR NAME=IP@MS|NAME=nx@MS... (at most %d)\n",
			SLOWDNS_MAX_RULES);
		return 2;
	}
	for (int i = 2; i < argc; i++, n++) {
		char *eq = strchr(argv[i], '='), *at = strrchr(argv[i], '@'), *end;

		if (!eq || !at || at < eq) {
			fprintf(stderr, "slowdns: '%s' is not NAME=IP@MS\n", argv[i]);
			return 2;
		}
		*eq = *at = '\0';
		rules[n].name = argv[i];
		rules[n].ip = strcmp(eq + 1, "nx") ? eq + 1 : NULL;
		rules[n].delay_ms = (unsigned)strtoul(at + 1, &end, 10);
		if (*end || end == at + 1) {
			fprintf(stderr, "slowdns: '%s' is not a delay in ms\n", at + 1);
			return 2;
		}
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "slowdns: bind %s:53: %s\n", argv[1], strerror(errno));
		return 1;
	}
	fprintf(stderr, "slowdns: listening on %s:53\n", argv[1]);
	slowdns_serve(fd, rules, n, NULL, STDOUT_FILENO);
}
