// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_libprinteng: libprinteng against the real printeng.ko, in the test
 * VM, with an engine of printeng_sim.  TAP output (tests/kmod/kt.h); exit
 * status non-zero when a check failed.
 *
 * - the chrdev snapshot (read and ioctl), the sysfs snapshot and the
 *   generic netlink GET (and dump) agree at one generation;
 * - printeng_wait() wakes on a print; the chrdev's POLLIN is cleared by
 *   printeng_snapshot();
 * - a SUPPLY_NTF event arrives through the library when toner goes low;
 * - a receive-buffer overflow is reported as -ENOBUFS and a dump resyncs;
 * - removal: -ENODEV everywhere, POLLHUP, a REMOVED_NTF event.
 *
 * Time limits below only bound how long a failing check waits.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kmod/kt.h"
#include "lib/libprinteng.h"

#define SIM		"libtest0"
#define SERIAL		"LIBTEST0001"
#define LIMIT_MS	10000

static struct printeng_ctx *ctx;

static void why_lib(int ret)
{
	kt_why("%d (%s): %s", ret, strerror(ret < 0 ? -ret : ret),
	       printeng_ctx_error(ctx));
}

static bool lib_ok(int ret, const char *name)
{
	if (ret < 0)
		why_lib(ret);
	return kt_ok(ret >= 0, "%s", name);
}

/* ---- name tables agree with the kernel's spelling (kt's copy) ---- */

static void test_names(void)
{
	static const uint32_t types[] = { 1, 2, 3, 4, 5, 9, 10, 15, 18, 20, 21, 32 };
	static const uint32_t units[] = { 1, 2, 7, 8, 18, 19 };
	bool ok = true;
	unsigned int i;

	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		ok &= !strcmp(printeng_meter_name(i), pe_meter_names[i]);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		ok &= !strcmp(printeng_supply_type_name(types[i]),
			      pe_type_name(types[i]));
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		ok &= !strcmp(printeng_supply_unit_name(units[i]),
			      pe_unit_name(units[i]));
	for (i = 0; i < __PRINTENG_STATE_COUNT; i++)
		ok &= !strcmp(printeng_supply_state_name(i), pe_state_name(i));
	kt_ok(ok, "name tables match the kernel's names");
}

/* ---- four ways to one snapshot ---- */

struct find {
	unsigned int index;
	struct printeng_snap snap;
	bool found;
	int count;
};

static int find_dev(const struct printeng_snap *s, void *arg)
{
	struct find *f = arg;

	f->count++;
	if (s->index == f->index) {
		f->snap = *s;
		f->found = true;
	}
	return 0;
}

static void test_agree(unsigned int idx, struct printeng_nl *nl)
{
	struct printeng_snap rd, io, sy, gn;
	struct printeng_dev *dev;
	struct find f = { .index = idx };
	int attempt, r1 = -1, r2 = -1, r3 = -1, r4 = -1;
	bool same_gen = false;

	for (attempt = 0; attempt < 5 && !same_gen; attempt++) {
		/* A fresh handle: its first read() returns at once. */
		if (printeng_open(ctx, idx, &dev))
			break;
		r1 = printeng_snapshot_from(dev, PRINTENG_SRC_READ, &rd);
		r2 = printeng_snapshot_from(dev, PRINTENG_SRC_IOCTL, &io);
		r3 = printeng_snapshot_from(dev, PRINTENG_SRC_SYSFS, &sy);
		r4 = printeng_nl_get(nl, idx, &gn);
		printeng_close(dev);
		same_gen = !r1 && !r2 && !r3 && !r4 &&
			   rd.generation == io.generation &&
			   io.generation == sy.generation &&
			   sy.generation == gn.generation;
	}
	kt_ok(!r1 && rd.source == PRINTENG_SRC_READ, "chrdev read() snapshot");
	kt_ok(!r2 && io.source == PRINTENG_SRC_IOCTL, "chrdev ioctl snapshot");
	if (r3)
		why_lib(r3);
	kt_ok(!r3 && sy.source == PRINTENG_SRC_SYSFS, "sysfs snapshot");
	if (r4)
		why_lib(r4);
	kt_ok(!r4 && gn.source == PRINTENG_SRC_GENL, "genl GET snapshot");
	if (!kt_ok(same_gen, "all four at one generation"))
		return;
	kt_diag("generation %" PRIu64 ", %u supplies, meters %#" PRIx64,
		io.generation, io.num_supplies, io.meter_mask);
	kt_ok(printeng_snap_same(&rd, &io), "read() == ioctl");
	kt_ok(printeng_snap_same(&io, &sy), "ioctl == sysfs");
	kt_ok(printeng_snap_same(&io, &gn), "ioctl == genl GET");
	kt_eq_str(io.serial, SERIAL, "identity: serial");
	kt_ok(io.meter_mask == (1u << __PRINTENG_METER_COUNT) - 1,
	      "every meter present");
	kt_ok(io.num_supplies > 0 && io.supplies[0].type == PRINTENG_SUPPLY_TONER,
	      "supply 0 is a toner");
	kt_ok(io.real_ns && io.mono_ns && gn.real_ns, "timestamps set");

	kt_ok(printeng_nl_dump(nl, find_dev, &f) >= 1 && f.found,
	      "genl dump lists the device");
	if (f.found && f.snap.generation == io.generation)
		kt_ok(printeng_snap_same(&f.snap, &io), "genl dump == ioctl");
	else
		kt_skip("generation moved", "genl dump == ioctl");
}

/* ---- waiting ---- */

struct waiter {
	struct printeng_dev *dev;
	int ret;
};

static void *wait_main(void *arg)
{
	struct waiter *w = arg;

	w->ret = printeng_wait(w->dev, LIMIT_MS);
	return NULL;
}

static void test_wait(unsigned int idx)
{
	struct printeng_snap before, after;
	struct pollfd pfd;
	struct printeng_dev *dev;
	struct waiter w;
	pthread_t th;
	int ret;

	if (!lib_ok(printeng_open(ctx, idx, &dev), "open for waiting"))
		return;
	kt_ok(printeng_dev_has_chrdev(dev), "has its chrdev");
	lib_ok(printeng_snapshot(dev, &before), "snapshot before printing");
	/* Nothing new: the handle's last read() again, without an ioctl. */
	lib_ok(printeng_snapshot(dev, &after), "snapshot, nothing printed");
	kt_ok(after.source == PRINTENG_SRC_READ && printeng_snap_same(&before, &after) &&
	      after.mono_ns >= before.mono_ns, "the same snapshot, from the last read(), taken now");
	kt_ret(printeng_wait(dev, 0), 0, "no change: wait(0) times out");
	pfd.fd = printeng_fd(dev);
	pfd.events = POLLIN;
	kt_ok(pfd.fd >= 0 && poll(&pfd, 1, 0) == 0, "no change: no POLLIN");

	/* A thread blocks in printeng_wait(); the engine prints. */
	w.dev = dev;
	w.ret = -1000;
	if (pthread_create(&th, NULL, wait_main, &w)) {
		kt_bail("pthread_create");
	}
	kt_msleep(50);
	kt_ret(sim_cmd(SIM, "print", "10 mono simplex"), 0, "print 10 mono pages");
	pthread_join(th, NULL);
	kt_ret(w.ret, 1, "wait woke on the print");

	ret = printeng_snapshot(dev, &after);
	lib_ok(ret, "snapshot after printing");
	kt_ok(after.generation > before.generation, "generation grew");
	kt_eq_u64(after.meters[PRINTENG_METER_IMPRESSIONS_TOTAL] -
		  before.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 10,
		  "impressions_total +10");
	kt_eq_u64(after.meters[PRINTENG_METER_IMPRESSIONS_MONO] -
		  before.meters[PRINTENG_METER_IMPRESSIONS_MONO], 10,
		  "impressions_mono +10");
	kt_eq_u64(after.meters[PRINTENG_METER_IMPRESSIONS_COLOR] -
		  before.meters[PRINTENG_METER_IMPRESSIONS_COLOR], 0,
		  "impressions_color +0");
	kt_eq_u64(after.meters[PRINTENG_METER_SHEETS_TOTAL] -
		  before.meters[PRINTENG_METER_SHEETS_TOTAL], 10,
		  "sheets_total +10");

	/* The caller's epoll path: POLLIN on a change, cleared by a snapshot. */
	kt_ret(sim_cmd(SIM, "print", "1 color duplex"), 0, "print 1 colour sheet");
	kt_ok(poll(&pfd, 1, LIMIT_MS) == 1 && (pfd.revents & POLLIN),
	      "POLLIN after the print");
	lib_ok(printeng_snapshot(dev, &after), "snapshot on POLLIN");
	kt_ok(poll(&pfd, 1, 0) == 0, "snapshot cleared POLLIN");
	kt_ret(printeng_wait(dev, 0), 0, "and wait(0) sees nothing new");
	printeng_close(dev);
}

/* ---- events ---- */

struct evwant {
	unsigned int index;
	enum printeng_event_type type;
	int supply;			/* -1: any */
	uint32_t state;			/* wanted new state (SUPPLY) */
	struct printeng_event got;
	bool found;
	unsigned int seen;
};

static int ev_match(const struct printeng_event *ev, void *arg)
{
	struct evwant *w = arg;

	w->seen++;
	if (w->found || ev->index != w->index || ev->type != w->type)
		return 0;
	if (ev->type == PRINTENG_EVENT_SUPPLY &&
	    ((w->supply >= 0 && ev->supply_index != (unsigned int)w->supply) ||
	     ev->supply.state != w->state))
		return 0;
	w->got = *ev;
	w->found = true;
	return 0;
}

/* Read events until @w is found or LIMIT_MS passed; the last error. */
static int wait_event(struct printeng_nl *nl, struct evwant *w)
{
	struct pollfd pfd = { .fd = printeng_nl_fd(nl), .events = POLLIN };
	double end = kt_now() + LIMIT_MS / 1000.0;
	int ret = 0;

	while (!w->found && kt_now() < end) {
		if (poll(&pfd, 1, 100) < 0)
			return -errno;
		ret = printeng_nl_events(nl, ev_match, w);
		if (ret < 0 && ret != -ENOBUFS)
			return ret;
	}
	return w->found ? 0 : (ret < 0 ? ret : -ETIMEDOUT);
}

static void drain(struct printeng_nl *nl)
{
	struct evwant w = { .index = ~0u };

	while (printeng_nl_events(nl, ev_match, &w) > 0)
		;
}

static void test_supply_event(unsigned int idx, struct printeng_nl *nl)
{
	struct evwant w = { .index = idx, .type = PRINTENG_EVENT_SUPPLY,
			    .supply = 0, .state = PRINTENG_STATE_LOW };
	struct printeng_snap s;
	struct printeng_dev *dev;
	uint64_t gen = 0;
	int ret;

	if (!printeng_open(ctx, idx, &dev)) {
		if (!printeng_snapshot(dev, &s))
			gen = s.generation;
		printeng_close(dev);
	}
	drain(nl);
	kt_ret(sim_cmd(SIM, "supply", "0 level 5"), 0, "toner 0 to 5%%");
	ret = wait_event(nl, &w);
	if (ret)
		why_lib(ret);
	if (!kt_ok(w.found, "SUPPLY_NTF for supply 0 arrived"))
		return;
	kt_eq_u64(w.got.old_state, PRINTENG_STATE_OK, "old state ok");
	kt_eq_u64(w.got.supply.state, PRINTENG_STATE_LOW, "new state low");
	kt_eq_s64(w.got.supply.level, 5, "level 5");
	kt_eq_u64(w.got.supply.type, PRINTENG_SUPPLY_TONER, "type toner");
	kt_ok(w.got.generation > gen, "event generation is newer");

	if (!printeng_open(ctx, idx, &dev)) {
		ret = printeng_snapshot(dev, &s);
		kt_ok(!ret && s.supplies[0].state == PRINTENG_STATE_LOW &&
		      s.supplies[0].level == 5, "snapshot shows toner 0 low at 5%%");
		ret = printeng_snapshot_from(dev, PRINTENG_SRC_SYSFS, &s);
		kt_ok(!ret && s.supplies[0].state == PRINTENG_STATE_LOW,
		      "sysfs shows toner 0 low");
		printeng_close(dev);
	}
}

static void test_overflow(unsigned int idx, struct printeng_nl *nl)
{
	struct evwant w = { .index = ~0u };
	struct printeng_snap io;
	struct printeng_dev *dev;
	struct find f = { .index = idx };
	bool overflow = false;
	int i, ret;

	drain(nl);
	lib_ok(printeng_nl_set_rcvbuf(nl, 1), "tiny receive buffer");
	/* Each flip ok <-> low is one SUPPLY_NTF; nobody reads them. */
	for (i = 0; i < 200; i++) {
		sim_cmd(SIM, "supply", "0 level %d", i % 2 ? 5 : 50);
		kt_msleep(2);
	}
	for (i = 0; i < 1000; i++) {
		ret = printeng_nl_events(nl, ev_match, &w);
		if (ret == -ENOBUFS)
			overflow = true;
		else if (ret <= 0)
			break;
	}
	kt_diag("%u events read after the flood", w.seen);
	kt_ok(overflow, "overflow reported as -ENOBUFS");
	lib_ok(printeng_nl_set_rcvbuf(nl, 1 << 20), "receive buffer back");

	/* Resync: the dump has the current state. */
	ret = printeng_open(ctx, idx, &dev);
	if (!ret) {
		ret = printeng_snapshot_from(dev, PRINTENG_SRC_IOCTL, &io);
		printeng_close(dev);
	}
	kt_ok(!ret && printeng_nl_dump(nl, find_dev, &f) >= 1 && f.found &&
	      printeng_snap_same(&f.snap, &io), "resync by dump matches the chrdev");
	sim_cmd(SIM, "supply", "0 level 50");
	drain(nl);
}

static void test_removal(unsigned int idx, struct printeng_nl *nl)
{
	struct evwant w = { .index = idx, .type = PRINTENG_EVENT_REMOVED };
	struct printeng_snap s;
	struct printeng_dev *dev;
	struct pollfd pfd;
	int ret;

	if (!lib_ok(printeng_open(ctx, idx, &dev), "open before removal"))
		return;
	lib_ok(printeng_snapshot(dev, &s), "snapshot before removal");
	drain(nl);
	kt_ret(sim_del(SIM), 0, "remove the engine");

	pfd.fd = printeng_fd(dev);
	pfd.events = POLLIN;
	kt_ok(poll(&pfd, 1, LIMIT_MS) == 1 && (pfd.revents & (POLLERR | POLLHUP)),
	      "POLLERR/POLLHUP after removal");
	kt_ret(printeng_wait(dev, LIMIT_MS), -ENODEV, "wait: -ENODEV");
	kt_ret(printeng_snapshot(dev, &s), -ENODEV, "snapshot: -ENODEV");
	kt_ret(printeng_snapshot_from(dev, PRINTENG_SRC_SYSFS, &s), -ENODEV,
	       "sysfs snapshot: -ENODEV");
	printeng_close(dev);

	ret = wait_event(nl, &w);
	if (ret)
		why_lib(ret);
	kt_ok(w.found, "REMOVED_NTF arrived");
	kt_ret(printeng_nl_get(nl, idx, &s), -ENODEV, "genl GET: -ENODEV");
	kt_ret(printeng_open(ctx, idx, &dev), -ENOENT, "open: -ENOENT");
}

int main(void)
{
	struct printeng_nl *nl = NULL;
	unsigned int list[64];
	int idx, n, i, ret;
	bool listed = false;

	kt_init("test_libprinteng");
	kt_setup();
	test_names();
	sim_del(SIM);		/* left over from an earlier run */
	idx = sim_add(SIM, "serial=" SERIAL " model=esol-libtest");
	if (idx < 0)
		kt_bail("cannot add engine %s: %s", SIM, strerror(-idx));
	kt_diag("engine %s is printeng%d", SIM, idx);

	if (printeng_ctx_new(NULL, &ctx))
		kt_bail("printeng_ctx_new");
	n = printeng_list(ctx, list, 64);
	for (i = 0; i < n && i < 64; i++)
		listed |= list[i] == (unsigned int)idx;
	kt_ok(listed, "printeng_list() lists printeng%d", idx);

	ret = printeng_nl_open(ctx, PRINTENG_NL_EVENTS, &nl);
	if (!lib_ok(ret, "netlink: family resolved, events joined"))
		kt_bail("no netlink");
	kt_ok(printeng_nl_fd(nl) >= 0, "event fd");

	test_agree((unsigned int)idx, nl);
	test_wait((unsigned int)idx);
	test_supply_event((unsigned int)idx, nl);
	test_overflow((unsigned int)idx, nl);
	test_removal((unsigned int)idx, nl);

	printeng_nl_close(nl);
	printeng_ctx_free(ctx);
	return kt_done();
}
