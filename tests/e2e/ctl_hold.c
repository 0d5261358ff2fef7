// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * ctl_hold: a control-socket client for the e2e tests that does what
 * esolctl never does: connect and hold the connection, sending nothing
 * (or one request), and report what esold says and when it hangs up.
 *
 *   ctl_hold SOCKET SECONDS [REQUEST-LINE]
 *
 * Prints every byte received, then "closed after N ms" when esold closed
 * the connection, or "open after N ms" when SECONDS passed first.  Exit 0,
 * or 3 when the socket cannot be reached.  Built by the test that uses it.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long start, end;
	char buf[4096];
	int fd;

	if (argc < 3 || strlen(argv[1]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: ctl_hold SOCKET SECONDS [REQUEST]\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "ctl_hold: %s: %s\n", argv[1], strerror(errno));
		return 3;
	}
	start = ms_now();
	end = start + atoi(argv[2]) * 1000LL;
	if (argc > 3) {
		size_t n = strlen(argv[3]);

		if (send(fd, argv[3], n, MSG_NOSIGNAL) != (ssize_t)n ||
		    send(fd, "\n", 1, MSG_NOSIGNAL) != 1)
			fprintf(stderr, "ctl_hold: send: %s\n", strerror(errno));
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long long left = end - ms_now();
		ssize_t n;

		if (left <= 0) {
			printf("open after %lld ms\n", ms_now() - start);
			break;
		}
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0) {
			printf("closed after %lld ms\n", ms_now() - start);
			break;
		}
		fwrite(buf, 1, (size_t)n, stdout);
		fflush(stdout);
	}
	close(fd);
	return 0;
}
