// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_monotonic: meters never go backwards.  A "meters" write with a
 * lower value is refused whole with ERANGE, changes nothing, counts in
 * refused_updates, and the kernel logs it once per device however many
 * refusals follow; a wrap (overflow) is refused the same way; higher and
 * equal values are accepted.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

#define ENG "mono_a"
#define ENG2 "mono_b"

/* /dev/kmsg, positioned at the end when opened. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Count the records logged since kmsg_open() that contain both strings. */
static int kmsg_count(int fd, const char *a, const char *b)
{
	char rec[8192];
	ssize_t n;
	int count = 0;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0) {
			if (errno == EPIPE)	/* overwritten records: go on */
				continue;
			break;
		}
		rec[n] = '\0';
		if (strstr(rec, a) && strstr(rec, b))
			count++;
	}
	return count;
}

static int ncpu;

/* Print N duplex mono sheets from a child pinned to each CPU in turn. */
static void print_on_each_cpu(int n)
{
	int cpu, status;
	pid_t pid;

	for (cpu = 0; cpu < ncpu; cpu++) {
		pid = fork();
		if (pid == 0) {
			cpu_set_t set;

			CPU_ZERO(&set);
			CPU_SET(cpu, &set);
			if (sched_setaffinity(0, sizeof(set), &set))
				_exit(2);
			_exit(sim_cmd(ENG, "print", "%d duplex", n) ? 1 : 0);
		}
		waitpid(pid, &status, 0);
		kt_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "print %d duplex sheets on CPU %d", n, cpu);
	}
}

static bool same_meters(const struct printeng_snapshot *a,
			const struct printeng_snapshot *b)
{
	return !memcmp(a->meters, b->meters, sizeof(a->meters));
}

int main(void)
{
	struct printeng_snapshot s0, s;
	char devname[32];
	uint64_t refused, v;
	int idx, idx2, fd, kfd, r, i;

	kt_init("test_monotonic");
	kt_setup();
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	kfd = kmsg_open();
	if (kfd < 0)
		kt_diag("no /dev/kmsg: %s", strerror(errno));

	idx = sim_add(ENG, "start=impressions_total:1000,impressions_mono:800,impressions_color:200,sheets_total:900,sheets_duplex:100,impressions_duplex:200");
	if (!kt_ok(idx >= 0, "add an engine with start values"))
		kt_bail("cannot create an engine (%d)", idx);
	snprintf(devname, sizeof(devname), "printeng%d:", idx);
	fd = pe_open(idx, O_RDONLY);
	kt_ret(pe_snap(fd, &s0), 0, "snapshot");

	/* a lower value: refused, nothing changes */
	kt_ret(sim_cmd(ENG, "meters", "impressions_total=999"), -ERANGE,
	       "impressions_total 1000 -> 999: ERANGE");
	kt_ret(pe_snap(fd, &s), 0, "snapshot after the refusal");
	kt_eq_u64(s.generation, s0.generation, "generation unchanged");
	kt_ok(same_meters(&s, &s0), "meters unchanged");
	kt_ret(pe_sysfs_u64(idx, "refused_updates", &refused), 0,
	       "read refused_updates");
	kt_eq_u64(refused, 1, "refused_updates = 1");
	kt_ret(pe_sysfs_u64(idx, "impressions_total", &v), 0,
	       "read impressions_total from sysfs");
	kt_eq_u64(v, 1000, "sysfs impressions_total still 1000");

	/* a mixed update (one up, one down) is refused whole */
	kt_ret(sim_cmd(ENG, "meters", "sheets_total=5000 impressions_mono=0"),
	       -ERANGE, "one meter up and one down: ERANGE");
	kt_ret(pe_snap(fd, &s), 0, "snapshot");
	kt_eq_u64(s.meters[PRINTENG_METER_SHEETS_TOTAL], 900,
		  "the meter that would have gone up is unchanged too");
	kt_ok(same_meters(&s, &s0) && s.generation == s0.generation,
	      "nothing applied");

	/* several more refusals */
	for (i = 0, r = 0; i < 8; i++)
		if (sim_cmd(ENG, "meters", "impressions_total=%d", i) != -ERANGE)
			r++;
	kt_eq_u64(r, 0, "8 more lower values: each ERANGE");
	pe_sysfs_u64(idx, "refused_updates", &refused);
	kt_eq_u64(refused, 10, "refused_updates = 10");

	/* higher and equal values are accepted */
	kt_ret(sim_cmd(ENG, "meters", "impressions_total=2000 impressions_mono=1800"),
	       0, "higher values accepted");
	kt_ret(pe_snap(fd, &s), 0, "snapshot");
	kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 2000,
		  "impressions_total = 2000");
	kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_MONO], 1800,
		  "impressions_mono = 1800");
	kt_eq_u64(s.meters[PRINTENG_METER_SHEETS_TOTAL], 900,
		  "meters not named keep their value");
	kt_ok(s.generation > s0.generation, "generation grew");
	kt_ret(sim_cmd(ENG, "meters", "impressions_total=2000"), 0,
	       "an equal value is accepted");
	pe_sysfs_u64(idx, "refused_updates", &refused);
	kt_eq_u64(refused, 10, "refused_updates still 10");
	kt_ret(sim_cmd(ENG, "meters", "impressions_total=1999"), -ERANGE,
	       "and now 1999 is refused");

	/* prints from every CPU add on top of an absolute value, exactly */
	print_on_each_cpu(2);
	kt_ret(pe_snap(fd, &s), 0, "snapshot after prints from every CPU");
	kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 2000 + 4 * ncpu,
		  "impressions_total = 2000 + 2 duplex sheets per CPU");
	kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_MONO], 1800 + 4 * ncpu,
		  "impressions_mono = 1800 + 4 per CPU");
	kt_eq_u64(s.meters[PRINTENG_METER_SHEETS_DUPLEX], 100 + 2 * ncpu,
		  "sheets_duplex = 100 + 2 per CPU");
	kt_ret(sim_cmd(ENG, "meters", "sheets_duplex=%d", 100 + 2 * ncpu - 1),
	       -ERANGE, "setting sheets_duplex one below: ERANGE");
	kt_ret(sim_cmd(ENG, "meters", "sheets_duplex=%d impressions_duplex=%d",
		       1000, 2000), 0, "setting sheets_duplex 1000, impressions_duplex 2000");
	print_on_each_cpu(3);
	kt_ret(pe_snap(fd, &s), 0, "snapshot");
	kt_eq_u64(s.meters[PRINTENG_METER_SHEETS_DUPLEX], 1000 + 3 * ncpu,
		  "sheets_duplex = 1000 + 3 per CPU");
	kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_DUPLEX], 2000 + 6 * ncpu,
		  "impressions_duplex = 2000 + 6 per CPU");
	kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 2000 + 10 * ncpu,
		  "impressions_total = 2000 + 10 per CPU");
	pe_sysfs_u64(idx, "impressions_total", &v);
	kt_eq_u64(v, 2000 + 10 * ncpu, "sysfs agrees");

	/* a wrap is refused too (EOVERFLOW from the add path) */
	kt_ret(sim_cmd(ENG, "meters", "impressions_total=18446744073709551615"),
	       0, "impressions_total = 2^64-1");
	kt_ret(pe_snap(fd, &s0), 0, "snapshot");
	kt_ret(sim_cmd(ENG, "print", "1"), -EOVERFLOW,
	       "printing a page would wrap impressions_total: EOVERFLOW");
	kt_ret(pe_snap(fd, &s), 0, "snapshot");
	kt_ok(same_meters(&s, &s0) && s.generation == s0.generation,
	      "the whole page was refused (no meter moved)");
	pe_sysfs_u64(idx, "refused_updates", &refused);
	kt_eq_u64(refused, 13, "refused_updates = 13");
	kt_ret(pe_sysfs_u64(idx, "impressions_total", &v), 0,
	       "sysfs reads the largest value");
	kt_eq_u64(v, UINT64_MAX, "sysfs impressions_total = 2^64-1");

	/* logged once for the device */
	if (kfd >= 0) {
		int n = kmsg_count(kfd, devname, "refused");

		kt_diag("kernel log lines about refusals for %s %d", devname, n);
		kt_eq_u64(n, 1, "13 refusals logged once");
	} else {
		kt_skip("no /dev/kmsg", "refusals logged once");
	}

	/* a second device logs its own first refusal, once */
	idx2 = sim_add(ENG2, "meters=sheets_total start=sheets_total:10");
	if (kt_ok(idx2 >= 0, "add a second engine")) {
		char devname2[32];

		snprintf(devname2, sizeof(devname2), "printeng%d:", idx2);
		for (i = 0; i < 3; i++)
			kt_ret(sim_cmd(ENG2, "meters", "sheets_total=%d", i), -ERANGE,
			       "second engine: lower sheets_total %d refused", i);
		kt_ret(sim_cmd(ENG2, "meters", "impressions_total=5"), -EINVAL,
		       "second engine: setting an absent meter: EINVAL");
		pe_sysfs_u64(idx2, "refused_updates", &refused);
		kt_eq_u64(refused, 3, "second engine: refused_updates = 3 (EINVAL not counted)");
		if (kfd >= 0)
			kt_eq_u64(kmsg_count(kfd, devname2, "refused"), 1,
				  "second engine: logged once");
		kt_ret(sim_del(ENG2), 0, "del " ENG2);
	}
	if (kfd >= 0)
		kt_eq_u64(kmsg_count(kfd, devname, "refused"), 0,
			  "first engine: still no second log line");

	close(fd);
	kt_ret(sim_del(ENG), 0, "del " ENG);
	return kt_done();
}
