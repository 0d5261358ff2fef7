// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * slowdns: a delaying DNS server and a private resolver world for tests
 * (see slowdns.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "slowdns.h"

#define MAX_PENDING 64
#define PKT_MAX 512

struct pending {
	int64_t due;
	struct sockaddr_in to;
	size_t len;
	unsigned char pkt[PKT_MAX];
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int fail(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t len, const char *fmt, ...)
{
	int e = errno ? errno : EINVAL;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	n = strlen(msg);
	snprintf(msg + n, len - n, ": %s", strerror(e));
	return -e;
}

/* The question's name (lower case, dotted) and where the question ends. */
static int question(const unsigned char *p, size_t len, char *name, size_t nlen,
		    size_t *end, unsigned *qtype)
{
	size_t i = 12, o = 0;

	if (len < 12 || p[4] != 0 || p[5] != 1)
		return -1;
	while (i < len && p[i]) {
		size_t l = p[i++];

		if (l > 63 || i + l > len || o + l + 2 > nlen)
			return -1;
		if (o)
			name[o++] = '.';
		for (size_t k = 0; k < l; k++) {
			unsigned char ch = p[i + k];

			name[o++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
		}
		i += l;
	}
	if (i + 5 > len)
		return -1;
	name[o] = '\0';
	*qtype = (unsigned)p[i + 1] << 8 | p[i + 2];
	*end = i + 5;
	return 0;
}

/* The answer to the query in p (len bytes) into out: its length, or 0. */
static size_t answer(const unsigned char *p, size_t len, const struct slowdns_rule *rules,
		     size_t n, volatile unsigned *queries, int log_fd, unsigned char *out,
		     unsigned *delay)
{
	char name[256];
	size_t qend, o;
	unsigned qtype;
	const struct slowdns_rule *r = NULL;
	size_t ri = n;
	struct in_addr a;

	if (question(p, len, name, sizeof(name), &qend, &qtype) < 0 || qend > PKT_MAX - 16)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(rules[i].name, name)) {
			r = &rules[i];
			ri = i;
			break;
		}
	if (queries)
		queries[r ? ri : SLOWDNS_MAX_RULES]++;
	if (log_fd >= 0) {
		char line[260];
		int l = snprintf(line, sizeof(line), "%s\n", name);

		if (write(log_fd, line, (size_t)l) < 0)
			log_fd = -1;
	}
	memcpy(out, p, qend);
	out[2] = (unsigned char)(0x80 | (p[2] & 0x79));	/* QR, opcode, RD */
	out[3] = 0x80;					/* RA, NOERROR */
	memset(out + 6, 0, 6);				/* AN, NS, AR */
	*delay = r ? r->delay_ms : 0;
	o = qend;
	if (!r || !r->ip) {
		out[3] |= 3;				/* NXDOMAIN */
	} else if (qtype == 1 && inet_pton(AF_INET, r->ip, &a) == 1) {
		static const unsigned char rr[] = {
			0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
		};

		out[7] = 1;
		memcpy(out + o, rr, sizeof(rr));
		o += sizeof(rr);
		memcpy(out + o, &a, 4);
		o += 4;
	}
	return o;
}

void slowdns_serve(int fd, const struct slowdns_rule *rules, size_t n,
		   volatile unsigned *queries, int log_fd)
{
	static struct pending q[MAX_PENDING];
	size_t nq = 0;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int64_t now = mono_ms(), wait = -1;

		for (size_t i = 0; i < nq;) {
			if (q[i].due <= now) {
				sendto(fd, q[i].pkt, q[i].len, 0, (struct sockaddr *)&q[i].to,
				       sizeof(q[i].to));
				q[i] = q[--nq];
				continue;
			}
			if (wait < 0 || q[i].due - now < wait)
				wait = q[i].due - now;
			i++;
		}
		if (poll(&pfd, 1, (int)wait) > 0) {
			unsigned char in[PKT_MAX];
			struct sockaddr_in from;
			socklen_t flen = sizeof(from);
			ssize_t got = recvfrom(fd, in, sizeof(in), 0, (struct sockaddr *)&from, &flen);
			unsigned delay = 0;

			if (got <= 0 || nq == MAX_PENDING)
				continue;
			q[nq].len = answer(in, (size_t)got, rules, n, queries, log_fd,
					   q[nq].pkt, &delay);
			if (!q[nq].len)
				continue;
			q[nq].to = from;
			q[nq].due = mono_ms() + delay;
			nq++;
		}
	}
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t w;

	if (fd < 0)
		return -1;
	w = write(fd, text, strlen(text));
	close(fd);
	return w == (ssize_t)strlen(text) ? 0 : -1;
}

static int enter_namespaces(char *msg, size_t len)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	char map[64];

	if (unshare(CLONE_NEWNS | CLONE_NEWNET) == 0)
		return 0;
	if (errno != EPERM)
		return fail(msg, len, "unshare(mount, net)");
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) < 0)
		return fail(msg, len, "unshare(user, mount, net): neither root nor user namespaces");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (write_file("/proc/self/setgroups", "deny\n") < 0 ||
	    write_file("/proc/self/uid_map", map) < 0)
		return fail(msg, len, "uid_map");
	snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		return fail(msg, len, "gid_map");
	return 0;
}

static int loopback_up(char *msg, size_t len)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r = 0;

	if (s < 0)
		return fail(msg, len, "socket");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		r = fail(msg, len, "SIOCGIFFLAGS lo");
	ifr.ifr_flags |= IFF_UP;
	if (!r && ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		r = fail(msg, len, "SIOCSIFFLAGS lo");
	close(s);
	return r;
}

static int bind_file(const char *dir, const char *name, const char *text,
		     const char *over, char *msg, size_t len)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (write_file(path, text) < 0)
		return fail(msg, len, "write %s", path);
	if (mount(path, over, NULL, MS_BIND, NULL) < 0)
		return fail(msg, len, "bind-mount %s over %s", path, over);
	return 0;
}

int slowdns_world(struct slowdns *w, const struct slowdns_rule *rules, size_t n,
		  const char *resolv_options, char *msg, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	char resolv[256];
	int fd, r;

	memset(w, 0, sizeof(*w));
	msg[0] = '\0';
	errno = 0;
	if (n > SLOWDNS_MAX_RULES)
		return fail(msg, len, "too many rules");
	r = enter_namespaces(msg, len);
	if (r < 0)
		return r;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return fail(msg, len, "make / private");
	r = loopback_up(msg, len);
	if (r < 0)
		return r;
	snprintf(w->dir, sizeof(w->dir), "/tmp/esol-slowdns.XXXXXX");
	if (!mkdtemp(w->dir))
		return fail(msg, len, "mkdtemp");
	snprintf(resolv, sizeof(resolv), "nameserver 127.0.0.1\n%s%s%s",
		 resolv_options ? "options " : "", resolv_options ? resolv_options : "",
		 resolv_options ? "\n" : "");
	r = bind_file(w->dir, "resolv.conf", resolv, "/etc/resolv.conf", msg, len);
	if (r == 0)
		r = bind_file(w->dir, "nsswitch.conf", "hosts: files dns\n",
			      "/etc/nsswitch.conf", msg, len);
	if (r < 0)
		return r;
	w->queries = mmap(NULL, (SLOWDNS_MAX_RULES + 1) * sizeof(unsigned),
			  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (w->queries == MAP_FAILED) {
		w->queries = NULL;
		return fail(msg, len, "mmap");
	}
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail(msg, len, "bind 127.0.0.1:53");
	w->pid = fork();
	if (w->pid < 0)
		return fail(msg, len, "fork");
	if (w->pid == 0)
		slowdns_serve(fd, rules, n, w->queries, -1);
	close(fd);
	return 0;
}

void slowdns_end(struct slowdns *w)
{
	char path[128];

	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, NULL, 0);
		w->pid = 0;
	}
	if (w->dir[0]) {
		umount("/etc/resolv.conf");
		umount("/etc/nsswitch.conf");
		snprintf(path, sizeof(path), "%s/resolv.conf", w->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/nsswitch.conf", w->dir);
		unlink(path);
		rmdir(w->dir);
		w->dir[0] = '\0';
	}
	if (w->queries) {
		munmap((void *)w->queries, (SLOWDNS_MAX_RULES + 1) * sizeof(unsigned));
		w->queries = NULL;
	}
}
