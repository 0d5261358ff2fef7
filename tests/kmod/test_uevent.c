// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_uevent: KOBJ_CHANGE uevents of printeng<N>, as a udev rule sees
 * them on the NETLINK_KOBJECT_UEVENT socket: one per supply state change
 * or replacement, with PRINTENG_SUPPLY, _TYPE, _COLORANT, _STATE,
 * _OLD_STATE, _LEVEL and _REPLACED; none for a level change within a
 * band or for printing.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kt.h"

#define ENG "uev_a"

struct uevent {
	char action[32];
	char devpath[256];
	char subsystem[32];
	char env[2048];		/* "KEY=VALUE\0..." as received */
	size_t envlen;
};

static int uev_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = 1,		/* kernel uevents */
	};
	int sz = 4 << 20;
	int fd;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_KOBJECT_UEVENT);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -errno;
	}
	return fd;
}

static const char *uev_get(const struct uevent *u, const char *key)
{
	size_t klen = strlen(key);
	const char *p = u->env;

	while (p < u->env + u->envlen) {
		if (!strncmp(p, key, klen) && p[klen] == '=')
			return p + klen + 1;
		p += strlen(p) + 1;
	}
	return NULL;
}

/* Receive one uevent within @ms; false on time-out. */
static bool uev_recv(int fd, struct uevent *u, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];
	const char *v;
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return false;
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	memset(u, 0, sizeof(*u));
	/* "action@devpath\0KEY=VALUE\0..." */
	n -= strlen(buf) + 1;
	if (n < 0)
		n = 0;
	if ((size_t)n > sizeof(u->env))
		n = sizeof(u->env);
	memcpy(u->env, buf + strlen(buf) + 1, n);
	u->envlen = n;
	if ((v = uev_get(u, "ACTION")))
		snprintf(u->action, sizeof(u->action), "%s", v);
	if ((v = uev_get(u, "DEVPATH")))
		snprintf(u->devpath, sizeof(u->devpath), "%s", v);
	if ((v = uev_get(u, "SUBSYSTEM")))
		snprintf(u->subsystem, sizeof(u->subsystem), "%s", v);
	return true;
}

static bool is_ours(const struct uevent *u, const char *dev)
{
	const char *base = strrchr(u->devpath, '/');

	return !strcmp(u->subsystem, "printeng") && base && !strcmp(base + 1, dev);
}

/* Wait for a uevent of @dev with @action; false on time-out. */
static bool uev_wait(int fd, const char *dev, const char *action,
		     struct uevent *u, int ms)
{
	double end = kt_now() + ms / 1000.0;

	while (kt_now() < end) {
		int left = (int)((end - kt_now()) * 1000) + 1;

		if (!uev_recv(fd, u, left))
			return false;
		if (is_ours(u, dev) && !strcmp(u->action, action))
			return true;
	}
	return false;
}

/* Count uevents of @dev arriving within @ms. */
static int uev_count(int fd, const char *dev, int ms)
{
	double end = kt_now() + ms / 1000.0;
	struct uevent u;
	int n = 0;

	while (kt_now() < end) {
		int left = (int)((end - kt_now()) * 1000) + 1;

		if (!uev_recv(fd, &u, left))
			break;
		n += is_ours(&u, dev);
	}
	return n;
}

static void expect_change(int fd, const char *dev, const char *cmd,
			  const char *supply, const char *type,
			  const char *colorant, const char *state,
			  const char *old, const char *level,
			  const char *replaced)
{
	struct uevent u;

	kt_ret(sim_cmd(ENG, "supply", "%s", cmd), 0, "supply %s", cmd);
	if (!kt_ok(uev_wait(fd, dev, "change", &u, 3000),
		   "%s: a change uevent for %s", cmd, dev))
		return;
	kt_eq_str(uev_get(&u, "PRINTENG_SUPPLY"), supply,
		  "%s: PRINTENG_SUPPLY", cmd);
	kt_eq_str(uev_get(&u, "PRINTENG_SUPPLY_STATE"), state,
		  "%s: PRINTENG_SUPPLY_STATE", cmd);
	kt_eq_str(uev_get(&u, "PRINTENG_SUPPLY_OLD_STATE"), old,
		  "%s: PRINTENG_SUPPLY_OLD_STATE", cmd);
	kt_eq_str(uev_get(&u, "PRINTENG_SUPPLY_TYPE"), type,
		  "%s: PRINTENG_SUPPLY_TYPE", cmd);
	kt_eq_str(uev_get(&u, "PRINTENG_SUPPLY_COLORANT"), colorant,
		  "%s: PRINTENG_SUPPLY_COLORANT", cmd);
	kt_eq_str(uev_get(&u, "PRINTENG_SUPPLY_LEVEL"), level,
		  "%s: PRINTENG_SUPPLY_LEVEL", cmd);
	kt_eq_str(uev_get(&u, "PRINTENG_SUPPLY_REPLACED"), replaced,
		  "%s: PRINTENG_SUPPLY_REPLACED", cmd);
	kt_ok(uev_get(&u, "SEQNUM") && uev_get(&u, "DEVNAME"),
	      "%s: SEQNUM and DEVNAME present", cmd);
	kt_eq_u64(uev_count(fd, dev, 300), 0, "%s: only one uevent", cmd);
}

int main(void)
{
	struct uevent u;
	char dev[32];
	int fd, idx;

	kt_init("test_uevent");
	kt_setup();
	fd = uev_open();
	if (!kt_success(fd, "open a NETLINK_KOBJECT_UEVENT socket, group 1"))
		kt_bail("no uevent socket");

	idx = sim_add(ENG, "supplies=toner:black,fuser,toner:cyan");
	if (!kt_ok(idx >= 0, "add an engine"))
		kt_bail("cannot create an engine (%d)", idx);
	snprintf(dev, sizeof(dev), "printeng%d", idx);
	if (kt_ok(uev_wait(fd, dev, "add", &u, 3000), "an add uevent for %s",
		  dev)) {
		kt_eq_str(uev_get(&u, "DEVNAME"), dev, "add: DEVNAME");
		kt_ok(uev_get(&u, "MAJOR") && uev_get(&u, "MINOR"),
		      "add: MAJOR and MINOR");
	}
	uev_count(fd, dev, 200);	/* let the add settle */

	kt_ret(sim_cmd(ENG, "supply", "0 level 40"), 0, "toner 100 -> 40");
	kt_eq_u64(uev_count(fd, dev, 400), 0,
		  "no uevent for a level change within the ok band");
	expect_change(fd, dev, "0 level 5", "supply0", "toner", "black", "low",
		      "ok", "5", "0");
	kt_ret(sim_cmd(ENG, "supply", "0 level 2"), 0, "toner 5 -> 2");
	kt_eq_u64(uev_count(fd, dev, 400), 0,
		  "no uevent for a level change within the low band");
	expect_change(fd, dev, "0 level 0", "supply0", "toner", "black",
		      "empty", "low", "0", "0");
	expect_change(fd, dev, "0 replace", "supply0", "toner", "black", "ok",
		      "empty", "100", "1");
	expect_change(fd, dev, "0 replace 70", "supply0", "toner", "black", "ok",
		      "ok", "70", "2");
	expect_change(fd, dev, "1 level 10", "supply1", "fuser", "", "low",
		      "ok", "10", "0");
	expect_change(fd, dev, "2 missing", "supply2", "toner", "cyan",
		      "missing", "ok", "100", "0");

	/* printing wears the supplies but stays within bands: no uevent */
	kt_ret(sim_cmd(ENG, "print", "100 color"), 0, "print 100 colour sheets");
	kt_eq_u64(uev_count(fd, dev, 400), 0, "no uevent for printing");

	kt_ret(sim_del(ENG), 0, "del " ENG);
	kt_ok(uev_wait(fd, dev, "remove", &u, 3000), "a remove uevent for %s",
	      dev);
	close(fd);
	return kt_done();
}
