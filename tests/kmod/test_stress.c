// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_stress: consistent snapshots under concurrent updates.  The
 * simulator's "stress" file prints from several kthreads and a hard-IRQ
 * hrtimer at once, while reader threads take snapshots (ioctl and read)
 * and read sysfs.  Every snapshot is checked: impressions_total =
 * impressions_mono + impressions_color, impressions_duplex =
 * 2 * sheets_duplex, impressions_total = sheets_total + sheets_duplex,
 * sheets_total >= sheets_duplex, each supply's state matches its level,
 * nothing decreases, the generation only grows.  At the end the meters
 * equal exactly what was printed.  A last round makes only single-meter
 * adds (printeng_meter_add(), the inline hot path) to impressions_large,
 * from the kthreads and the timer at once, under the same checks.
 *
 * KT_STRESS="THREADS SHEETS IRQ_SHEETS" overrides the load (default
 * "4 20000 5000").
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kt.h"

#define ENG "stress_a"
#define NSUP 4

enum reader_kind { R_IOCTL, R_READ, R_SYSFS };

struct reader {
	pthread_t th;
	int cpu;
	enum reader_kind kind;
	int idx;
	unsigned long checked;	/* snapshots (or sysfs rounds) checked */
	unsigned long changes;	/* ... that saw a new generation */
	unsigned long during;	/* ... taken while the stress ran */
	uint64_t gen_first, gen_last;	/* generations seen while it ran */
	unsigned long errors;
	char first_error[256];
};

/* Run the calling thread on @cpu only (mod the number of CPUs). */
static void pin(int cpu)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (n < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu % n, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static atomic_bool stop;
static atomic_bool running;	/* the stress write is in progress */

static void fail(struct reader *r, const char *fmt, ...) KT_PRINTF(2, 3);
static void fail(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	if (!r->errors++) {
		va_start(ap, fmt);
		vsnprintf(r->first_error, sizeof(r->first_error), fmt, ap);
		va_end(ap);
	}
}

static uint32_t state_for(int32_t level)
{
	if (level <= 0)
		return PRINTENG_STATE_EMPTY;
	if (level <= 10)
		return PRINTENG_STATE_LOW;
	return PRINTENG_STATE_OK;
}

/* The invariants of one snapshot, and against the previous one. */
static void check_snap(struct reader *r, const struct printeng_snapshot *s,
		       struct printeng_snapshot *prev)
{
	const __u64 *m = s->meters;
	unsigned int i;

	r->checked++;
	if (atomic_load(&running)) {
		r->during++;
		if (!r->gen_first)
			r->gen_first = s->generation;
		r->gen_last = s->generation;
	}
	if (m[PRINTENG_METER_IMPRESSIONS_TOTAL] !=
	    m[PRINTENG_METER_IMPRESSIONS_MONO] + m[PRINTENG_METER_IMPRESSIONS_COLOR])
		fail(r, "gen %llu: total %llu != mono %llu + color %llu",
		     s->generation, m[0], m[1], m[2]);
	if (m[PRINTENG_METER_IMPRESSIONS_DUPLEX] !=
	    2 * m[PRINTENG_METER_SHEETS_DUPLEX])
		fail(r, "gen %llu: impressions_duplex %llu != 2 * sheets_duplex %llu",
		     s->generation, m[3], m[6]);
	if (m[PRINTENG_METER_SHEETS_TOTAL] < m[PRINTENG_METER_SHEETS_DUPLEX])
		fail(r, "gen %llu: sheets_total %llu < sheets_duplex %llu",
		     s->generation, m[5], m[6]);
	if (m[PRINTENG_METER_IMPRESSIONS_TOTAL] !=
	    m[PRINTENG_METER_SHEETS_TOTAL] + m[PRINTENG_METER_SHEETS_DUPLEX])
		fail(r, "gen %llu: impressions_total %llu != sheets %llu + duplex sheets %llu",
		     s->generation, m[0], m[5], m[6]);
	if (m[PRINTENG_METER_IMPRESSIONS_LARGE] > m[PRINTENG_METER_IMPRESSIONS_TOTAL])
		fail(r, "gen %llu: large > total", s->generation);
	if (s->num_supplies != NSUP)
		fail(r, "num_supplies %u", s->num_supplies);
	for (i = 0; i < NSUP && i < s->num_supplies; i++)
		if (s->supplies[i].state != state_for(s->supplies[i].level))
			fail(r, "gen %llu: supply%u level %d with state %u",
			     s->generation, i, s->supplies[i].level,
			     s->supplies[i].state);
	if (prev->generation) {
		if (s->generation < prev->generation)
			fail(r, "generation went back %llu -> %llu",
			     prev->generation, s->generation);
		for (i = 0; i < __PRINTENG_METER_COUNT; i++)
			if (m[i] < prev->meters[i])
				fail(r, "%s went back %llu -> %llu",
				     pe_meter_names[i], prev->meters[i], m[i]);
		if (s->generation == prev->generation &&
		    memcmp(s->meters, prev->meters, sizeof(s->meters)))
			fail(r, "meters changed at the same generation %llu",
			     s->generation);
		if (s->generation != prev->generation)
			r->changes++;
	}
	*prev = *s;
}

static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	struct printeng_snapshot s, prev;
	uint64_t g, pg = 0, t, pt = 0, st, pst = 0;
	int fd = -1;

	memset(&prev, 0, sizeof(prev));
	pin(r->cpu);
	if (r->kind != R_SYSFS) {
		fd = pe_open(r->idx, O_RDONLY);
		if (fd < 0) {
			fail(r, "open: %s", strerror(-fd));
			return NULL;
		}
	}
	while (!atomic_load(&stop)) {
		switch (r->kind) {
		case R_IOCTL:
			if (pe_snap(fd, &s))
				fail(r, "GET_SNAPSHOT: %s", strerror(errno));
			else
				check_snap(r, &s, &prev);
			break;
		case R_READ: {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 50) <= 0)
				break;
			if (read(fd, &s, sizeof(s)) != (ssize_t)sizeof(s))
				fail(r, "read: %s", strerror(errno));
			else
				check_snap(r, &s, &prev);
			break;
		}
		case R_SYSFS:
			/* each file on its own only grows */
			if (pe_sysfs_u64(r->idx, "generation", &g) ||
			    pe_sysfs_u64(r->idx, "impressions_total", &t) ||
			    pe_sysfs_u64(r->idx, "sheets_total", &st)) {
				fail(r, "sysfs read failed");
				break;
			}
			r->checked++;
			r->during += atomic_load(&running);
			if (g < pg || t < pt || st < pst)
				fail(r, "sysfs went back: gen %" PRIu64 "->%" PRIu64
				     " total %" PRIu64 "->%" PRIu64, pg, g, pt, t);
			if (g != pg)
				r->changes++;
			pg = g;
			pt = t;
			pst = st;
			break;
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static const char *const kind_name[] = { "ioctl", "read", "sysfs" };

/*
 * One round: start the readers, run the stress write, stop the readers,
 * report.  @want accumulates what the simulator prints (see
 * sim_stress_thread() and sim_stress_irq() in kmod/printeng_sim.c); with
 * @meter (a meter id, or -1 for pages), each unit adds 1 to that meter.
 */
static void run_round(int idx, unsigned int threads, unsigned int sheets,
		      unsigned int irq, int meter, struct kt_meters *want)
{
	char cmd[128];
	static const enum reader_kind kinds[] = {
		R_IOCTL, R_IOCTL, R_READ, R_SYSFS,
	};
	struct reader readers[sizeof(kinds) / sizeof(kinds[0])];
	const unsigned int nr = sizeof(kinds) / sizeof(kinds[0]);
	unsigned long total = 0;
	unsigned int i, t;
	double t0, dt;
	int r;

	if (meter >= 0) {
		want->v[meter] += (uint64_t)threads * sheets + irq;
		snprintf(cmd, sizeof(cmd), "%u %u %u meter=%s", threads, sheets,
			 irq, pe_meter_names[meter]);
	} else {
		for (t = 0; t < threads; t++)
			for (i = 0; i < sheets; i++)
				kt_count_print(want, 1, i & 1, i & 2,
					       i % 7 == 0);
		for (i = irq; i > 0; i--)
			kt_count_print(want, 1, i & 1, false, false);
		snprintf(cmd, sizeof(cmd), "%u %u %u", threads, sheets, irq);
	}

	memset(readers, 0, sizeof(readers));
	atomic_store(&stop, false);
	for (i = 0; i < nr; i++) {
		readers[i].kind = kinds[i];
		readers[i].cpu = i;	/* spread over the CPUs */
		readers[i].idx = idx;
		pthread_create(&readers[i].th, NULL, reader_fn, &readers[i]);
	}
	kt_msleep(50);
	pin(0);		/* the stress timer fires on the writer's CPU */
	t0 = kt_now();
	atomic_store(&running, true);
	r = sim_cmd(ENG, "stress", "%s", cmd);
	atomic_store(&running, false);
	dt = kt_now() - t0;
	kt_msleep(100);
	atomic_store(&stop, true);
	for (i = 0; i < nr; i++)
		pthread_join(readers[i].th, NULL);
	kt_ret(r, 0, "stress \"%s\": %u kthreads + hard-IRQ timer (%.2f s)",
	       cmd, threads, dt);

	for (i = 0; i < nr; i++) {
		struct reader *rd = &readers[i];

		kt_diag("reader %u (%s): %lu checked (%lu during the stress, over generations %" PRIu64 "..%" PRIu64 "), %lu saw a new generation",
			i, kind_name[rd->kind], rd->checked, rd->during,
			rd->gen_first, rd->gen_last, rd->changes);
		if (rd->errors)
			kt_why("%lu errors, first: %s", rd->errors, rd->first_error);
		kt_ok(!rd->errors && rd->checked > 0,
		      "\"%s\" reader %u (%s): every snapshot consistent and monotonic",
		      cmd, i, kind_name[rd->kind]);
		kt_ok(rd->changes > 0 && rd->during > 0,
		      "\"%s\" reader %u (%s) saw the meters move during the stress",
		      cmd, i, kind_name[rd->kind]);
		if (rd->kind != R_SYSFS)
			total += rd->during;
	}
	kt_diag("%lu snapshots checked during %.2f s of stress", total, dt);
}

int main(void)
{
	static const uint64_t start[__PRINTENG_METER_COUNT] = {
		/* total = mono + color = sheets + duplex sheets */
		1000000, 600000, 400000, 200000, 1000, 900000, 100000,
	};
	unsigned int threads = 4, sheets = 20000, irq = 5000, i;
	struct printeng_snapshot s;
	struct kt_meters want;
	const char *env;
	char opts[512];
	int idx, fd;

	kt_init("test_stress");
	kt_setup();
	env = getenv("KT_STRESS");
	if (env && sscanf(env, "%u %u %u", &threads, &sheets, &irq) < 2)
		kt_bail("KT_STRESS=\"THREADS SHEETS [IRQ_SHEETS]\"");

	snprintf(opts, sizeof(opts),
		 "supplies=toner:black,toner:cyan,drum:black,fuser toner_pages=3000 start=impressions_total:%" PRIu64
		 ",impressions_mono:%" PRIu64 ",impressions_color:%" PRIu64
		 ",impressions_duplex:%" PRIu64 ",impressions_large:%" PRIu64
		 ",sheets_total:%" PRIu64 ",sheets_duplex:%" PRIu64,
		 start[0], start[1], start[2], start[3], start[4], start[5],
		 start[6]);
	idx = sim_add(ENG, opts);
	if (!kt_ok(idx >= 0, "add an engine"))
		kt_bail("cannot create an engine (%d)", idx);

	memcpy(want.v, start, sizeof(want.v));
	/* kthreads and the timer together, then mostly from hard IRQ */
	run_round(idx, threads, sheets, irq, -1, &want);
	run_round(idx, 1, sheets / 10, irq * 4, -1, &want);
	/* single-meter adds, the inline hot path, from threads and IRQ */
	run_round(idx, threads, sheets, irq, PRINTENG_METER_IMPRESSIONS_LARGE,
		  &want);

	fd = pe_open(idx, O_RDONLY);
	kt_ret(fd < 0 ? fd : pe_snap(fd, &s), 0, "final snapshot");
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		kt_eq_u64(s.meters[i], want.v[i], "final %s = start + printed",
			  pe_meter_names[i]);
	kt_diag("printed %" PRIu64 " impressions on %" PRIu64 " sheets",
		want.v[0] - start[0], want.v[5] - start[5]);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
		uint64_t v = 0;

		pe_sysfs_u64(idx, pe_meter_names[i], &v);
		if (v != s.meters[i])
			break;
	}
	kt_eq_u64(i, __PRINTENG_METER_COUNT, "sysfs agrees with the final snapshot");
	if (want.v[0] - start[0] >= 3000)
		kt_eq_str(pe_state_name(s.supplies[0].state), "empty",
			  "the black toner (3000 pages) ran out during the stress");
	if (fd >= 0)
		close(fd);

	kt_ret(sim_del(ENG), 0, "del " ENG);
	return kt_done();
}
