// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_irqsupply: supply updates from hard IRQ while meters are added and
 * snapshots are taken.  The in-kernel API allows printeng_supply_set()
 * from any context, including a hard IRQ that interrupted a
 * printeng_meters_add() on the same CPU, as an engine driver's "page
 * done" interrupt does.  The simulator's stress timer prints from hard
 * IRQ, and each print lowers the toner level (toner_pages=100, so every
 * impression is 1%), so its handler calls printeng_supply_set() on almost
 * every tick; a thread keeps replacing the toner so it never runs out;
 * kthreads print on every CPU and reader threads take snapshots without
 * pause.  Nothing may deadlock: a watchdog thread reports a stall (if the
 * kernel still schedules it at all).
 *
 * KT_IRQSUPPLY="THREADS SHEETS IRQ_SHEETS" overrides the load (default
 * "2 200000 20000": the kthreads print for as long as the timer does).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kt.h"

#define ENG "irqsup_a"

static atomic_bool stop;
static atomic_ulong snaps, replaces;

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

static void *reader_fn(void *arg)
{
	struct printeng_snapshot s;
	int idx = *(int *)arg >> 8, cpu = *(int *)arg & 0xff;
	int fd;

	pin(cpu);
	fd = pe_open(idx, O_RDONLY);
	while (fd >= 0 && !atomic_load(&stop))
		if (!pe_snap(fd, &s))
			atomic_fetch_add(&snaps, 1);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void *replacer_fn(void *arg)
{
	(void)arg;
	pin(1);
	while (!atomic_load(&stop)) {
		if (!sim_cmd(ENG, "supply", "0 replace"))
			atomic_fetch_add(&replaces, 1);
		kt_msleep(2);
	}
	return NULL;
}

/*
 * Move the simulator's stress kthreads ("printeng_sim/N") to CPU 0, where
 * the stress timer fires, so that its interrupts land in their adds.
 */
static void *pinner_fn(void *arg)
{
	int *moved = arg;
	double end = kt_now() + 2.0;

	while (!atomic_load(&stop) && kt_now() < end) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		while (d && (de = readdir(d))) {
			char path[64], comm[64];
			cpu_set_t set;
			int pid = atoi(de->d_name);

			if (pid <= 0)
				continue;
			snprintf(path, sizeof(path), "/proc/%d/comm", pid);
			if (kt_read_file(path, comm, sizeof(comm)) < 0 ||
			    strncmp(comm, "printeng_sim/", 13))
				continue;
			CPU_ZERO(&set);
			CPU_SET(0, &set);
			if (!sched_setaffinity(pid, sizeof(set), &set))
				(*moved)++;
		}
		if (d)
			closedir(d);
		kt_msleep(1);
	}
	return NULL;
}

/* Report progress; say so if nothing moves for a while. */
static void *watchdog_fn(void *arg)
{
	unsigned long last = 0, now;
	int still = 0;

	(void)arg;
	while (!atomic_load(&stop)) {
		kt_msleep(1000);
		now = atomic_load(&snaps);
		if (now == last && ++still == 10) {
			printf("# watchdog: no snapshot for 10 s: the readers are stuck\n");
			fflush(stdout);
		}
		if (now != last)
			still = 0;
		last = now;
	}
	return NULL;
}

/*
 * The inline printeng_meter_add() from kthreads on CPU 0 and from the
 * hard-IRQ timer that interrupts them there: an interrupt that lands
 * between an add's read of its share and its write must not lose either
 * add.  Every one is counted: the meter ends exactly at start + adds.
 */
static void single_meter_nested(unsigned int threads, unsigned int adds,
				unsigned int irq)
{
	const uint64_t start = 1000;
	uint64_t v = 0;
	pthread_t pn;
	int idx, r, moved = 0;
	double t0, dt;

	idx = sim_add(ENG, "supplies= start=impressions_large:1000");
	if (!kt_ok(idx >= 0, "add an engine for single-meter adds"))
		return;
	atomic_store(&stop, false);
	pthread_create(&pn, NULL, pinner_fn, &moved);
	kt_msleep(50);
	pin(0);
	t0 = kt_now();
	r = sim_cmd(ENG, "stress", "%u %u %u meter=impressions_large", threads,
		    adds, irq);
	dt = kt_now() - t0;
	atomic_store(&stop, true);
	pthread_join(pn, NULL);
	kt_diag("stress kthreads moved to CPU 0: %d times", moved);
	kt_ret(r, 0, "single-meter adds from %u kthreads and hard IRQ on one CPU (%.2f s)",
	       threads, dt);
	kt_ret(pe_sysfs_u64(idx, "impressions_large", &v), 0,
	       "read impressions_large");
	kt_eq_u64(v, start + (uint64_t)threads * adds + irq,
		  "no single-meter add lost to a nested interrupt");
	kt_ret(sim_del(ENG), 0, "del " ENG);
}

int main(void)
{
	unsigned int threads = 2, sheets = 200000, irq = 20000;
	int arg[2], idx, r, i;
	pthread_t rd[2], rep, wd, pn;
	int moved = 0;
	const char *env;
	double t0, dt;

	kt_init("test_irqsupply");
	kt_setup();
	env = getenv("KT_IRQSUPPLY");
	if (env && sscanf(env, "%u %u %u", &threads, &sheets, &irq) < 2)
		kt_bail("KT_IRQSUPPLY=\"THREADS SHEETS [IRQ_SHEETS]\"");
	idx = sim_add(ENG, "supplies=toner:black toner_pages=100");
	if (!kt_ok(idx >= 0, "add an engine whose toner lasts 100 pages"))
		kt_bail("cannot create an engine (%d)", idx);

	for (i = 0; i < 2; i++) {
		arg[i] = idx << 8 | 1;	/* readers on CPU 1 */
		pthread_create(&rd[i], NULL, reader_fn, &arg[i]);
	}
	pthread_create(&rep, NULL, replacer_fn, NULL);
	pthread_create(&wd, NULL, watchdog_fn, NULL);
	pthread_create(&pn, NULL, pinner_fn, &moved);
	kt_msleep(50);
	pin(0);
	t0 = kt_now();
	r = sim_cmd(ENG, "stress", "%u %u %u", threads, sheets, irq);
	dt = kt_now() - t0;
	atomic_store(&stop, true);
	pthread_join(rd[0], NULL);
	pthread_join(rd[1], NULL);
	pthread_join(rep, NULL);
	pthread_join(wd, NULL);
	pthread_join(pn, NULL);
	kt_diag("stress kthreads moved to CPU 0: %d times", moved);
	kt_ret(r, 0, "stress \"%u %u %u\" with supply updates from hard IRQ (%.2f s)",
	       threads, sheets, irq, dt);
	kt_diag("%lu snapshots, %lu toner replacements during the stress",
		atomic_load(&snaps), atomic_load(&replaces));
	kt_ok(atomic_load(&snaps) > 0 && atomic_load(&replaces) > 0,
	      "readers and the replacer made progress");
	kt_ret(sim_del(ENG), 0, "del " ENG);

	/*
	 * The same with printeng_refuse() (which takes the device lock)
	 * from hard IRQ: impressions_color is 16 below 2^64, so colour
	 * prints are refused while mono prints are added.
	 */
	idx = sim_add(ENG, "supplies= start=impressions_color:18446744073709551599");
	if (!kt_ok(idx >= 0, "add an engine with impressions_color near 2^64"))
		return kt_done();
	atomic_store(&stop, false);
	atomic_store(&snaps, 0);
	for (i = 0; i < 2; i++) {
		arg[i] = idx << 8 | 1;
		pthread_create(&rd[i], NULL, reader_fn, &arg[i]);
	}
	pthread_create(&wd, NULL, watchdog_fn, NULL);
	moved = 0;
	pthread_create(&pn, NULL, pinner_fn, &moved);
	kt_msleep(50);
	t0 = kt_now();
	r = sim_cmd(ENG, "stress", "%u %u %u", threads, sheets, irq);
	dt = kt_now() - t0;
	atomic_store(&stop, true);
	pthread_join(rd[0], NULL);
	pthread_join(rd[1], NULL);
	pthread_join(wd, NULL);
	pthread_join(pn, NULL);
	kt_diag("stress kthreads moved to CPU 0: %d times", moved);
	kt_ret(r, -EIO, "stress with refusals from hard IRQ ends, refusing colour (%.2f s)",
	       dt);
	kt_diag("%lu snapshots during the stress", atomic_load(&snaps));
	kt_ok(atomic_load(&snaps) > 0, "readers made progress");
	kt_ret(sim_del(ENG), 0, "del " ENG);

	single_meter_nested(threads, 5 * sheets, 3 * irq);
	return kt_done();
}
