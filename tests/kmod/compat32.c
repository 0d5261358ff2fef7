// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * compat32: the chrdev ABI from a 32-bit (i386) process, through the
 * kernel's compat ioctl path.  Built with -m32 (gcc-multilib) and run by
 * test_compat32, which carries it inside.
 *
 * The uapi structures must have the same layout on i386 (where __u64 is
 * 4-byte aligned inside structures) as on x86_64: checked at build time.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kt.h"

static_assert(sizeof(struct printeng_supply) == 88, "supply size");
static_assert(sizeof(struct printeng_snapshot) == PRINTENG_SNAPSHOT_SIZE_VER0,
	      "snapshot size");
static_assert(offsetof(struct printeng_snapshot, generation) == 8, "gen");
static_assert(offsetof(struct printeng_snapshot, meters) == 40, "meters");
static_assert(offsetof(struct printeng_snapshot, supplies) == 296, "sup");
static_assert(sizeof(struct printeng_info) == PRINTENG_INFO_SIZE_VER0,
	      "info size");
static_assert(offsetof(struct printeng_info, meter_mask) == 8, "mask");
static_assert(offsetof(struct printeng_info, serial) == 24, "serial");
static_assert(PRINTENG_IOC_GET_INFO == 0xC0B8E501u, "GET_INFO number");
static_assert(PRINTENG_IOC_GET_SNAPSHOT == 0xC6A8E502u, "GET_SNAPSHOT number");

#define ENG "compat_a"

int main(void)
{
	struct printeng_snapshot s, r;
	struct printeng_info info;
	uint64_t v;
	unsigned int i;
	int idx, fd;
	bool same = true;

	kt_init("test_compat32 (i386)");
	kt_ok(true, "running as a 32-bit process; layout checked at build time");
	kt_setup();
	idx = sim_add(ENG, "serial=C32-1 supplies=toner:black,fuser start=impressions_total:4294967296,impressions_mono:4294967296");
	if (!kt_ok(idx >= 0, "add an engine"))
		kt_bail("cannot create an engine (%d)", idx);
	kt_ret(sim_cmd(ENG, "print", "3 duplex"), 0, "print");

	fd = pe_open(idx, O_RDONLY);
	kt_success(fd, "open /dev/printeng%d", idx);
	kt_ret(pe_info(fd, &info), 0, "GET_INFO (compat ioctl)");
	kt_eq_u64(info.size, sizeof(info), "info.size");
	kt_eq_str(info.serial, "C32-1", "info.serial");
	kt_eq_u64(info.index, idx, "info.index");
	kt_eq_u64(info.num_supplies, 2, "info.num_supplies");
	kt_ret(pe_snap(fd, &s), 0, "GET_SNAPSHOT (compat ioctl)");
	kt_eq_u64(s.size, sizeof(s), "snapshot.size");
	kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 4294967302ull,
		  "a meter above 2^32 arrives whole");
	kt_eq_u64(s.num_supplies, 2, "num_supplies");
	kt_eq_str(s.supplies[1].description, "fuser", "supply1 description");
	kt_eq_s64(read(fd, &r, sizeof(r)), sizeof(r), "read() a snapshot");
	kt_eq_u64(r.generation, s.generation, "read and ioctl agree");
	for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
		if (pe_sysfs_u64(idx, pe_meter_names[i], &v) || v != s.meters[i])
			same = false;
	}
	kt_ok(same, "every meter matches sysfs");

	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, NULL), EFAULT,
		 "compat GET_SNAPSHOT to NULL: EFAULT");
	kt_errno(ioctl(fd, _IOWR('x', 2, struct printeng_snapshot), &s), ENOTTY,
		 "compat unknown ioctl: ENOTTY");
	s.size = PRINTENG_SNAPSHOT_SIZE_VER0 - 1;
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &s), EINVAL,
		 "compat size below VER0: EINVAL");
	kt_errno(lseek(fd, 0, SEEK_SET), ESPIPE, "compat lseek: ESPIPE");
	close(fd);

	kt_ret(sim_del(ENG), 0, "del " ENG);
	return kt_done();
}
