// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * printeng-stat: show a print engine's meters and supplies - the field
 * technician's tool.
 *
 *   printeng-stat [--root DIR] [--json] [--watch] [--source SRC] [DEVICE]
 *
 * DEVICE is N or printengN; without it every device is shown (--watch
 * needs one device: the only one, or the one named).  --json prints one
 * JSON object per line (see tools/statfmt.h).  --watch prints the
 * snapshot, then each change (text: what changed; JSON: the new snapshot,
 * and the netlink events as {"event":...} objects) until interrupted; it
 * waits on the chrdev's poll(), or on the netlink events when there is no
 * chrdev.  --source takes snapshots from one place only: auto (default),
 * ioctl, read, sysfs, genl.  --root points at a tree shaped like / (tests).
 *
 * Exit status: 0 success, 1 failure, 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "common/version.h"
#include "lib/libprinteng.h"
#include "tools/statfmt.h"

#define PROG "printeng-stat"

struct opts {
	const char *root;
	bool json;
	bool watch;
	enum printeng_source source;
	bool have_device;
	unsigned int device;
};

/* Everything one run uses. */
struct stat_run {
	struct opts o;
	struct printeng_ctx *ctx;
	struct printeng_nl *nl;		/* --source genl, or events */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--root DIR] [--json] [--watch] [--source SRC] [DEVICE]\n"
		"  DEVICE        N or printengN (default: every device)\n"
		"  --json        one JSON object per line\n"
		"  --watch       print each change until interrupted\n"
		"  --source SRC  auto, ioctl, read, sysfs or genl\n"
		"  --root DIR    read DIR/sys and DIR/dev instead of /sys and /dev\n"
		"  --version     print the version\n");
}

static int parse_device(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	if (!strncmp(s, "printeng", 8))
		s += 8;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 1000000)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int parse_source(const char *s, enum printeng_source *out)
{
	static const enum printeng_source all[] = {
		PRINTENG_SRC_AUTO, PRINTENG_SRC_IOCTL, PRINTENG_SRC_READ,
		PRINTENG_SRC_SYSFS, PRINTENG_SRC_GENL,
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!strcmp(s, printeng_source_name(all[i]))) {
			*out = all[i];
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", no_argument, NULL, 'w' },
		{ "source", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "r:jws:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->root = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'w':
			o->watch = true;
			break;
		case 's':
			if (parse_source(optarg, &o->source)) {
				fprintf(stderr, PROG ": unknown source \"%s\"\n",
					optarg);
				return -1;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			esol_print_version(PROG);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		if (parse_device(argv[optind], &o->device)) {
			fprintf(stderr, PROG ": \"%s\" is not a device (N or printengN)\n",
				argv[optind]);
			return -1;
		}
		o->have_device = true;
		optind++;
	}
	if (optind < argc) {
		usage(stderr);
		return -1;
	}
	if (o->source == PRINTENG_SRC_GENL && o->root &&
	    strcmp(o->root, "/")) {
		fprintf(stderr, PROG ": --source genl reads the kernel; it has no --root\n");
		return -1;
	}
	return 0;
}

/* Report a library error: what failed, errno text, the library's detail. */
static int fail(const struct stat_run *r, int err, const char *what)
{
	const char *detail = printeng_ctx_error(r->ctx);

	fprintf(stderr, PROG ": %s: %s%s%s\n", what, strerror(-err),
		*detail ? ": " : "", detail);
	return 1;
}

static int print_snap(const struct stat_run *r, const struct printeng_snap *s)
{
	json_t *j;

	if (!r->o.json) {
		statfmt_text(stdout, s);
		return 0;
	}
	j = statfmt_json(s);
	if (!j || json_dumpf(j, stdout, JSON_COMPACT) || putchar('\n') == EOF) {
		json_decref(j);
		fprintf(stderr, PROG ": cannot write JSON\n");
		return 1;
	}
	json_decref(j);
	return 0;
}

/* Open the netlink family when needed (genl source, or --watch without a
 * chrdev); events only for --watch. */
static int need_nl(struct stat_run *r, bool events)
{
	int ret;

	if (r->nl)
		return 0;
	if (r->o.root && strcmp(r->o.root, "/"))
		return -EOPNOTSUPP;
	ret = printeng_nl_open(r->ctx, events ? PRINTENG_NL_EVENTS : 0, &r->nl);
	return ret;
}

static int take(struct stat_run *r, struct printeng_dev *dev,
		unsigned int index, struct printeng_snap *s)
{
	if (r->o.source == PRINTENG_SRC_GENL)
		return printeng_nl_get(r->nl, index, s);
	return printeng_snapshot_from(dev, r->o.source, s);
}

static int show_one(struct stat_run *r, unsigned int index)
{
	struct printeng_dev *dev = NULL;
	struct printeng_snap s;
	char what[32];
	int ret;

	snprintf(what, sizeof(what), "printeng%u", index);
	if (r->o.source != PRINTENG_SRC_GENL) {
		ret = printeng_open(r->ctx, index, &dev);
		if (ret)
			return fail(r, ret, what);
	}
	ret = take(r, dev, index, &s);
	printeng_close(dev);
	if (ret)
		return fail(r, ret, what);
	return print_snap(r, &s);
}

/* ---- --watch ---- */

struct watch {
	struct stat_run *r;
	unsigned int index;
	bool changed;
	bool removed;
	int err;
};

static int on_event(const struct printeng_event *ev, void *arg)
{
	struct watch *w = arg;
	json_t *j;

	if (ev->index != w->index)
		return 0;
	if (ev->type == PRINTENG_EVENT_REMOVED)
		w->removed = true;
	else
		w->changed = true;
	if (ev->type != PRINTENG_EVENT_SUPPLY)
		return 0;		/* the snapshot diff shows meters */
	if (!w->r->o.json) {
		statfmt_event_text(stdout, ev);
		return 0;
	}
	j = statfmt_event_json(ev);
	if (!j || json_dumpf(j, stdout, JSON_COMPACT) || putchar('\n') == EOF)
		w->err = -EIO;
	json_decref(j);
	return 0;
}

static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int watch_device(struct stat_run *r, unsigned int index)
{
	struct printeng_snap prev, cur;
	struct printeng_dev *dev = NULL;
	struct watch w = { .r = r, .index = index };
	struct pollfd pfd[2];
	char what[32];
	int ret, sfd, rc = 1;
	bool use_chrdev;

	snprintf(what, sizeof(what), "printeng%u", index);
	if (r->o.source != PRINTENG_SRC_GENL) {
		ret = printeng_open(r->ctx, index, &dev);
		if (ret)
			return fail(r, ret, what);
	}
	use_chrdev = dev && printeng_dev_has_chrdev(dev) &&
		     r->o.source != PRINTENG_SRC_SYSFS;
	if (!use_chrdev) {
		ret = need_nl(r, true);
		if (ret == -EOPNOTSUPP) {
			fprintf(stderr, PROG ": %s: cannot watch: no character device, and netlink has no --root\n",
				what);
			goto out;
		}
		if (ret) {
			rc = fail(r, ret, "cannot watch without a character device");
			goto out;
		}
	}
	/* Subscribed before the first snapshot: no change is missed. */
	ret = take(r, dev, index, &prev);
	if (ret) {
		rc = fail(r, ret, what);
		goto out;
	}
	if (print_snap(r, &prev))
		goto out;
	fflush(stdout);

	sfd = signal_fd();
	if (sfd < 0) {
		fprintf(stderr, PROG ": signalfd: %s\n", strerror(-sfd));
		goto out;
	}
	pfd[0].fd = use_chrdev ? printeng_fd(dev) : printeng_nl_fd(r->nl);
	pfd[0].events = POLLIN;
	pfd[1].fd = sfd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": poll: %s\n", strerror(errno));
			break;
		}
		if (pfd[1].revents) {
			rc = 0;		/* SIGINT or SIGTERM */
			break;
		}
		if (!pfd[0].revents)
			continue;
		if (use_chrdev && r->o.source != PRINTENG_SRC_READ) {
			/* Consumes the chrdev's POLLIN (a read() source does
			 * that itself). */
			ret = printeng_wait(dev, 0);
			if (ret == 0)
				continue;
			if (ret == -ENODEV) {
				fprintf(stderr, PROG ": %s: removed\n", what);
				break;
			}
			if (ret < 0) {
				rc = fail(r, ret, what);
				break;
			}
		} else if (!use_chrdev) {
			w.changed = false;
			ret = printeng_nl_events(r->nl, on_event, &w);
			if (ret == -ENOBUFS)
				w.changed = true;	/* events lost: resync */
			else if (ret < 0) {
				rc = fail(r, ret, "netlink events");
				break;
			}
			if (w.err) {
				fprintf(stderr, PROG ": cannot write JSON\n");
				break;
			}
			if (w.removed) {
				fprintf(stderr, PROG ": %s: removed\n", what);
				break;
			}
			if (!w.changed)
				continue;
		}
		ret = take(r, dev, index, &cur);
		if (ret == -EAGAIN && r->o.source == PRINTENG_SRC_READ)
			continue;	/* nothing new since the last read() */
		if (ret == -ENODEV) {
			fprintf(stderr, PROG ": %s: removed\n", what);
			break;
		}
		if (ret) {
			rc = fail(r, ret, what);
			break;
		}
		if (cur.generation == prev.generation &&
		    printeng_snap_same(&prev, &cur))
			continue;
		if (r->o.json) {
			if (print_snap(r, &cur))
				break;
		} else {
			statfmt_diff(stdout, &prev, &cur);
		}
		fflush(stdout);
		prev = cur;
	}
	close(sfd);
out:
	printeng_close(dev);
	return rc;
}

/* The devices to show; returns how many (>= 0) or -1 after a message. */
static int devices(struct stat_run *r, unsigned int *out, size_t max)
{
	int n;

	if (r->o.have_device) {
		out[0] = r->o.device;
		return 1;
	}
	n = printeng_list(r->ctx, out, max);
	if (n < 0) {
		fail(r, n, "cannot list devices");
		return -1;
	}
	if (n == 0) {
		fprintf(stderr, PROG ": no printeng devices\n");
		return -1;
	}
	return n < (int)max ? n : (int)max;
}

int main(int argc, char **argv)
{
	struct stat_run r = { .ctx = NULL };
	unsigned int idx[256];
	int n, i, ret, rc = 0;

	if (parse_args(argc, argv, &r.o))
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = printeng_ctx_new(r.o.root, &r.ctx);
	if (ret) {
		fprintf(stderr, PROG ": --root %s: %s\n", r.o.root ? r.o.root : "/",
			strerror(-ret));
		return 1;
	}
	if (r.o.source == PRINTENG_SRC_GENL) {
		ret = need_nl(&r, r.o.watch);
		if (ret) {
			rc = fail(&r, ret, "netlink");
			goto out;
		}
	}
	n = devices(&r, idx, sizeof(idx) / sizeof(idx[0]));
	if (n < 0) {
		rc = 1;
		goto out;
	}
	if (r.o.watch) {
		if (n > 1) {
			fprintf(stderr, PROG ": --watch: %d devices, name one\n", n);
			rc = 2;
			goto out;
		}
		rc = watch_device(&r, idx[0]);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (show_one(&r, idx[i]))
			rc = 1;
	}
out:
	printeng_nl_close(r.nl);
	printeng_ctx_free(r.ctx);
	return rc;
}
