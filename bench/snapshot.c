// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * bench/snapshot: one chrdev snapshot (PRINTENG_IOC_GET_SNAPSHOT, and
 * read()) against reading the same values from sysfs, file by file.
 * Runs in the test VM with an engine of printeng_sim; prints its figures.
 *
 * usage: bench_snapshot [DEVICE_INDEX [ITERATIONS]]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/printeng.h>

static const char *const meter_files[] = {
	"impressions_total", "impressions_mono", "impressions_color",
	"impressions_duplex", "impressions_large", "sheets_total",
	"sheets_duplex",
};

static const char *const supply_files[] = {
	"type", "unit", "colorant", "description", "level", "max_capacity",
	"state", "replaced",
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* All the values a snapshot holds, from sysfs; returns files read. */
static int sysfs_snapshot(const char *dir, unsigned int nsupplies)
{
	char path[256], buf[128];
	unsigned int i, k;
	int files = 0;

	snprintf(path, sizeof(path), "%s/generation", dir);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	files++;
	for (i = 0; i < sizeof(meter_files) / sizeof(meter_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, meter_files[i]);
		if (read_file(path, buf, sizeof(buf)))
			return -1;
		files++;
	}
	for (k = 0; k < nsupplies; k++)
		for (i = 0; i < sizeof(supply_files) / sizeof(supply_files[0]); i++) {
			snprintf(path, sizeof(path), "%s/supply%u/%s", dir, k,
				 supply_files[i]);
			if (read_file(path, buf, sizeof(buf)))
				return -1;
			files++;
		}
	snprintf(path, sizeof(path), "%s/generation", dir);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	return files + 1;
}

int main(int argc, char **argv)
{
	unsigned int index = argc > 1 ? (unsigned int)atoi(argv[1]) : 0;
	unsigned int iters = argc > 2 ? (unsigned int)atoi(argv[2]) : 2000;
	struct printeng_snapshot snap;
	uint64_t t0, t_ioctl, t_read, t_sysfs;
	char dev[64], dir[96];
	unsigned int i;
	int fd, files = 0;

	snprintf(dev, sizeof(dev), "/dev/printeng%u", index);
	snprintf(dir, sizeof(dir), "/sys/class/printeng/printeng%u", index);
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "bench_snapshot: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	memset(&snap, 0, sizeof(snap));
	snap.size = sizeof(snap);
	if (ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &snap)) {
		perror("bench_snapshot: PRINTENG_IOC_GET_SNAPSHOT");
		return 1;
	}

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		snap.size = sizeof(snap);
		if (ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &snap))
			return 1;
	}
	t_ioctl = now_ns() - t0;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		/* read() blocks unless the generation changed: reopen-free
		 * measurement with the first read after each open. */
		int f = open(dev, O_RDONLY | O_CLOEXEC);

		if (f < 0 || read(f, &snap, sizeof(snap)) != sizeof(snap))
			return 1;
		close(f);
	}
	t_read = now_ns() - t0;

	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		files = sysfs_snapshot(dir, snap.num_supplies);
		if (files < 0)
			return 1;
	}
	t_sysfs = now_ns() - t0;

	printf("BENCH snapshot: %u meters, %u supplies, %d sysfs files per snapshot, %u iterations\n",
	       (unsigned int)__builtin_popcountll(snap.meter_mask),
	       snap.num_supplies, files, iters);
	printf("BENCH snapshot: ioctl %.2f us, open+read+close %.2f us, sysfs %.2f us\n",
	       t_ioctl / 1000.0 / iters, t_read / 1000.0 / iters,
	       t_sysfs / 1000.0 / iters);
	printf("BENCH snapshot: sysfs/ioctl ratio %.1fx, sysfs/(open+read) ratio %.1fx (target >= 20x)\n",
	       (double)t_sysfs / (double)t_ioctl, (double)t_sysfs / (double)t_read);
	close(fd);
	return 0;
}
