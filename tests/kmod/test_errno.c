// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_errno: the uapi layout, and every error path of /dev/printeng<N>
 * and of the simulator's control files: short buffers, bad pointers,
 * unknown ioctls, struct sizes, write, seek, mmap, garbage commands; and
 * that nothing the kernel copies out leaks stale bytes.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kt.h"

/* The ABI, checked at build time: sizes, offsets, ioctl numbers. */
static_assert(sizeof(struct printeng_supply) == 88, "supply size");
static_assert(offsetof(struct printeng_supply, type) == 0, "type");
static_assert(offsetof(struct printeng_supply, unit) == 4, "unit");
static_assert(offsetof(struct printeng_supply, level) == 8, "level");
static_assert(offsetof(struct printeng_supply, max_capacity) == 12, "max");
static_assert(offsetof(struct printeng_supply, state) == 16, "state");
static_assert(offsetof(struct printeng_supply, replaced) == 20, "replaced");
static_assert(offsetof(struct printeng_supply, colorant) == 24, "colorant");
static_assert(offsetof(struct printeng_supply, description) == 40, "desc");
static_assert(sizeof(struct printeng_snapshot) == PRINTENG_SNAPSHOT_SIZE_VER0,
	      "snapshot size");
static_assert(PRINTENG_SNAPSHOT_SIZE_VER0 == 1704, "snapshot VER0");
static_assert(offsetof(struct printeng_snapshot, size) == 0, "size");
static_assert(offsetof(struct printeng_snapshot, num_supplies) == 4, "nsup");
static_assert(offsetof(struct printeng_snapshot, generation) == 8, "gen");
static_assert(offsetof(struct printeng_snapshot, mono_ns) == 16, "mono");
static_assert(offsetof(struct printeng_snapshot, real_ns) == 24, "real");
static_assert(offsetof(struct printeng_snapshot, meter_mask) == 32, "mask");
static_assert(offsetof(struct printeng_snapshot, meters) == 40, "meters");
static_assert(offsetof(struct printeng_snapshot, supplies) == 296, "sup");
static_assert(sizeof(struct printeng_info) == PRINTENG_INFO_SIZE_VER0,
	      "info size");
static_assert(PRINTENG_INFO_SIZE_VER0 == 184, "info VER0");
static_assert(offsetof(struct printeng_info, index) == 4, "index");
static_assert(offsetof(struct printeng_info, meter_mask) == 8, "mask");
static_assert(offsetof(struct printeng_info, num_supplies) == 16, "nsup");
static_assert(offsetof(struct printeng_info, reserved) == 20, "reserved");
static_assert(offsetof(struct printeng_info, serial) == 24, "serial");
static_assert(offsetof(struct printeng_info, model) == 56, "model");
static_assert(offsetof(struct printeng_info, engine_fw) == 120, "efw");
static_assert(offsetof(struct printeng_info, controller_fw) == 152, "cfw");
static_assert(PRINTENG_IOC_GET_INFO == 0xC0B8E501u, "GET_INFO number");
static_assert(PRINTENG_IOC_GET_SNAPSHOT == 0xC6A8E502u, "GET_SNAPSHOT number");
static_assert(PRINTENG_METER_SHEETS_DUPLEX == 6 && __PRINTENG_METER_COUNT == 7,
	      "meter ids");
static_assert(PRINTENG_METERS_MAX == 32 && PRINTENG_SUPPLIES_MAX == 16,
	      "table sizes");

#define ENG "errno_a"

/* read(2) without the fortify checks, to pass bad pointers on purpose. */
static long raw_read(int fd, unsigned long addr, size_t len)
{
	return syscall(SYS_read, fd, addr, len);
}

static bool all_bytes(const void *p, size_t len, unsigned char v)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i] != v)
			return false;
	return true;
}

/* Bytes of a NUL-terminated char array past its terminator are zero. */
static bool str_padded(const char *s, size_t len)
{
	size_t n = strnlen(s, len);

	return n < len && all_bytes(s + n, len - n, 0);
}

/* Every byte the snapshot does not use is zero. */
static bool snap_clean(const struct printeng_snapshot *s, const char **what)
{
	unsigned int i;

	for (i = 0; i < PRINTENG_METERS_MAX; i++)
		if (!(s->meter_mask & (1ULL << i)) && s->meters[i]) {
			*what = "an unused meter";
			return false;
		}
	if (s->num_supplies > PRINTENG_SUPPLIES_MAX) {
		*what = "num_supplies";
		return false;
	}
	for (i = 0; i < s->num_supplies; i++)
		if (!str_padded(s->supplies[i].colorant, PRINTENG_COLORANT_LEN) ||
		    !str_padded(s->supplies[i].description,
				PRINTENG_DESCRIPTION_LEN)) {
			*what = "string padding in a used supply";
			return false;
		}
	if (!all_bytes(&s->supplies[s->num_supplies],
		       (PRINTENG_SUPPLIES_MAX - s->num_supplies) *
		       sizeof(s->supplies[0]), 0)) {
		*what = "an unused supply entry";
		return false;
	}
	return true;
}

static void check_snapshot_leaks(int idx)
{
	struct printeng_snapshot s;
	struct printeng_info info;
	const char *what = "";
	int fd;

	fd = pe_open(idx, O_RDONLY);
	if (!kt_success(fd, "open for the info-leak checks"))
		return;
	memset(&s, 0xAA, sizeof(s));
	s.size = sizeof(s);
	kt_success(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &s),
		   "GET_SNAPSHOT into a 0xAA-filled buffer");
	kt_eq_u64(s.num_supplies, 3, "the engine has 3 supplies");
	kt_eq_u64(s.meter_mask, 0x21, "the engine has 2 meters");
	kt_why("%s is not zero", what);
	kt_ok(snap_clean(&s, &what), "ioctl snapshot: unused bytes are zero");

	memset(&s, 0xAA, sizeof(s));
	kt_eq_s64(read(fd, &s, sizeof(s)), sizeof(s),
		  "read() into a 0xAA-filled buffer");
	kt_why("%s is not zero", what);
	kt_ok(snap_clean(&s, &what), "read snapshot: unused bytes are zero");

	memset(&info, 0xAA, sizeof(info));
	info.size = sizeof(info);
	kt_success(ioctl(fd, PRINTENG_IOC_GET_INFO, &info),
		   "GET_INFO into a 0xAA-filled buffer");
	kt_ok(info.reserved == 0 &&
	      str_padded(info.serial, sizeof(info.serial)) &&
	      str_padded(info.model, sizeof(info.model)) &&
	      str_padded(info.engine_fw, sizeof(info.engine_fw)) &&
	      str_padded(info.controller_fw, sizeof(info.controller_fw)),
	      "info: reserved and string padding are zero");
	close(fd);
}

static void check_read_errors(int idx)
{
	struct printeng_snapshot s;
	unsigned char *big;
	int fd;

	fd = pe_open(idx, O_RDONLY | O_NONBLOCK);
	if (!kt_success(fd, "open O_NONBLOCK"))
		return;
	kt_errno(read(fd, &s, sizeof(s) - 1), EINVAL,
		 "read with a buffer one byte short: EINVAL");
	kt_errno(read(fd, &s, 1), EINVAL, "read of 1 byte: EINVAL");
	kt_errno(read(fd, &s, 0), EINVAL, "read of 0 bytes: EINVAL");
	kt_errno(raw_read(fd, 0, sizeof(s)), EFAULT, "read into NULL: EFAULT");
	kt_errno(raw_read(fd, 1, sizeof(s)), EFAULT,
		 "read into address 1: EFAULT");
	kt_errno(raw_read(fd, 0xffffffff81000000ul, sizeof(s)), EFAULT,
		 "read into a kernel address: EFAULT");
	/* A failed read does not consume the pending change. */
	kt_eq_s64(read(fd, &s, sizeof(s)), sizeof(s),
		  "after failed reads the first snapshot is still there");
	kt_errno(read(fd, &s, sizeof(s)), EAGAIN, "then EAGAIN");
	close(fd);

	/* A buffer bigger than the snapshot: filled up to sizeof only. */
	big = malloc(sizeof(s) + 256);
	fd = pe_open(idx, O_RDONLY | O_NONBLOCK);
	memset(big, 0xAA, sizeof(s) + 256);
	kt_eq_s64(read(fd, big, sizeof(s) + 256), sizeof(s),
		  "read with a bigger buffer returns sizeof(snapshot)");
	kt_ok(all_bytes(big + sizeof(s), 256, 0xAA),
	      "bytes past the snapshot are untouched");
	kt_ok(((struct printeng_snapshot *)big)->size == sizeof(s),
	      "read snapshot says its size");
	free(big);
	close(fd);
}

static void check_ioctl_errors(int idx)
{
	const long pg = sysconf(_SC_PAGESIZE);
	struct printeng_snapshot s;
	struct printeng_info info;
	unsigned char *buf, *map;
	int fd;

	fd = pe_open(idx, O_RDONLY);
	if (!kt_success(fd, "open for the ioctl checks"))
		return;
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, NULL), EFAULT,
		 "GET_SNAPSHOT to NULL: EFAULT");
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, (void *)1), EFAULT,
		 "GET_SNAPSHOT to address 1: EFAULT");
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, 0xffffffff81000000ul),
		 EFAULT, "GET_SNAPSHOT to a kernel address: EFAULT");
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_INFO, NULL), EFAULT,
		 "GET_INFO to NULL: EFAULT");

	/* size readable, the rest of the struct in a PROT_NONE page */
	map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map != MAP_FAILED) {
		mprotect(map + pg, pg, PROT_NONE);
		*(__u32 *)(map + pg - 8) = sizeof(s);
		kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, map + pg - 8),
			 EFAULT, "GET_SNAPSHOT straddling a PROT_NONE page: EFAULT");
		*(__u32 *)(map + pg - 8) = sizeof(info);
		kt_errno(ioctl(fd, PRINTENG_IOC_GET_INFO, map + pg - 8),
			 EFAULT, "GET_INFO straddling a PROT_NONE page: EFAULT");
		/* readable but not writable */
		*(__u32 *)map = sizeof(s);
		mprotect(map, pg, PROT_READ);
		kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, map), EFAULT,
			 "GET_SNAPSHOT into a read-only page: EFAULT");
		munmap(map, 2 * pg);
	}

	/* unknown commands */
	kt_errno(ioctl(fd, _IOWR('x', 0x02, struct printeng_snapshot), &s),
		 ENOTTY, "wrong type byte: ENOTTY");
	kt_errno(ioctl(fd, _IOWR(PRINTENG_IOC_MAGIC, 0x03,
				 struct printeng_snapshot), &s),
		 ENOTTY, "unknown nr 3: ENOTTY");
	kt_errno(ioctl(fd, _IOWR(PRINTENG_IOC_MAGIC, 0x00,
				 struct printeng_snapshot), &s),
		 ENOTTY, "unknown nr 0: ENOTTY");
	kt_errno(ioctl(fd, _IOWR(PRINTENG_IOC_MAGIC, 0xff, int), &s),
		 ENOTTY, "unknown nr 0xff: ENOTTY");
	kt_errno(ioctl(fd, _IOR(PRINTENG_IOC_MAGIC, 0x02,
				struct printeng_snapshot), &s),
		 ENOTTY, "GET_SNAPSHOT nr with _IOR direction: ENOTTY");
	kt_errno(ioctl(fd, _IO(PRINTENG_IOC_MAGIC, 0x01), &s), ENOTTY,
		 "GET_INFO nr with _IO direction: ENOTTY");
	kt_errno(ioctl(fd, 0x5401 /* TCGETS */, &s), ENOTTY,
		 "TCGETS: ENOTTY");

	/* the size field */
	memset(&s, 0, sizeof(s));
	s.size = PRINTENG_SNAPSHOT_SIZE_VER0 - 1;
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &s), EINVAL,
		 "snapshot size VER0-1: EINVAL");
	s.size = 0;
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &s), EINVAL,
		 "snapshot size 0: EINVAL");
	s.size = 8;
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &s), EINVAL,
		 "snapshot size 8: EINVAL");
	s.size = PRINTENG_SNAPSHOT_SIZE_VER0;
	kt_success(ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, &s),
		   "snapshot size VER0 accepted");
	kt_eq_u64(s.size, sizeof(s), "size written back");
	kt_ok(s.generation > 0 && s.num_supplies == 3,
	      "snapshot filled at size VER0");

	memset(&info, 0, sizeof(info));
	info.size = PRINTENG_INFO_SIZE_VER0 - 1;
	kt_errno(ioctl(fd, PRINTENG_IOC_GET_INFO, &info), EINVAL,
		 "info size VER0-1: EINVAL");
	info.size = 0xffffffffu;
	kt_success(ioctl(fd, PRINTENG_IOC_GET_INFO, &info),
		   "info size 0xffffffff accepted (filled up to sizeof)");
	kt_eq_u64(info.size, sizeof(info), "info size written back");

	/* a newer, bigger caller struct: filled up to sizeof, rest untouched */
	buf = malloc(sizeof(s) + 512);
	memset(buf, 0xAA, sizeof(s) + 512);
	*(__u32 *)buf = sizeof(s) + 512;
	kt_success(ioctl(fd, _IOWR(PRINTENG_IOC_MAGIC, 0x02,
				   char[sizeof(s) + 512]), buf),
		   "GET_SNAPSHOT with a bigger struct (and its size in cmd)");
	kt_eq_u64(*(__u32 *)buf, sizeof(s), "bigger struct: size = sizeof");
	kt_ok(((struct printeng_snapshot *)buf)->num_supplies == 3 &&
	      ((struct printeng_snapshot *)buf)->generation > 0,
	      "bigger struct: filled");
	kt_ok(all_bytes(buf + sizeof(s), 512, 0xAA),
	      "bigger struct: bytes past sizeof untouched");
	memset(buf, 0xAA, sizeof(info) + 64);
	*(__u32 *)buf = sizeof(info) + 64;
	kt_success(ioctl(fd, PRINTENG_IOC_GET_INFO, buf),
		   "GET_INFO with a bigger size");
	kt_eq_u64(*(__u32 *)buf, sizeof(info), "bigger info: size = sizeof");
	kt_ok(all_bytes(buf + sizeof(info), 64, 0xAA),
	      "bigger info: bytes past sizeof untouched");
	free(buf);
	close(fd);
}

static void check_write_seek(int idx)
{
	struct printeng_snapshot s;
	char buf[16] = "x";
	void *m;
	int fd;

	fd = pe_open(idx, O_RDONLY);
	kt_errno(write(fd, buf, 1), EBADF, "write on O_RDONLY: EBADF");
	kt_errno(lseek(fd, 0, SEEK_SET), ESPIPE, "lseek SEEK_SET: ESPIPE");
	kt_errno(lseek(fd, 10, SEEK_CUR), ESPIPE, "lseek SEEK_CUR: ESPIPE");
	kt_errno(lseek(fd, 0, SEEK_END), ESPIPE, "lseek SEEK_END: ESPIPE");
	kt_errno(pread(fd, &s, sizeof(s), 0), ESPIPE, "pread: ESPIPE");
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	kt_errno(m == MAP_FAILED ? -1 : 0, ENODEV, "mmap: ENODEV");
	if (m != MAP_FAILED)
		munmap(m, 4096);
	close(fd);

	/* root may open it for writing (0444 does not stop root) */
	fd = pe_open(idx, O_RDWR);
	if (fd >= 0) {
		kt_errno(write(fd, buf, 1), EINVAL, "write on O_RDWR: EINVAL");
		kt_errno(write(fd, buf, 0), EINVAL, "write of 0 bytes: EINVAL");
		kt_errno(pwrite(fd, buf, 1, 0), ESPIPE, "pwrite: ESPIPE");
		kt_eq_s64(read(fd, &s, sizeof(s)), sizeof(s),
			  "read on O_RDWR works");
		close(fd);
	} else {
		kt_skip("cannot open O_RDWR", "write on O_RDWR");
	}
	fd = pe_open(idx, O_WRONLY);
	if (fd >= 0) {
		kt_errno(read(fd, &s, sizeof(s)), EBADF,
			 "read on O_WRONLY: EBADF");
		close(fd);
	}
}

static void check_sim_garbage(int idx)
{
	static const char *const ctl[] = {
		"", "\n", "bogus", "add", "del", "add bad/name",
		"add toolongname_0123456789012345678901",
		"add g1 supplies=nonsense", "add g1 supplies=toner:black,bogus",
		"add g1 meters=bogus", "add g1 start=nope",
		"add g1 start=impressions_total:abc",
		"add g1 start=impressions_total", "add g1 foo=bar",
		"add g1 nokey", "add g1 toner_pages=0", "add g1 toner_pages=x",
		"del " ENG " extra",
	};
	static const char *const print[] = {
		"", "abc", "5 sideways", "-1", "5 mono bogus", "1 duplex 2",
	};
	static const char *const supply[] = {
		"", "0", "3 level 5", "99 level 5", "0 level 101", "0 level -1",
		"0 level x", "0 state bogus", "0 frobnicate", "0 replace 101",
		"0 missing now", "0 level 5 extra", "x level 5",
	};
	static const char *const meters[] = {
		"nosuch=5", "impressions_total", "impressions_total=abc",
		"impressions_mono=5", "=5",
	};
	static const char *const stress[] = {
		"", "0 10", "17 10", "x", "1", "1 x", "1 10 x",
		"1 10 meter=nosuch", "1 10 meter=", "1 10 5 6",
		"1 10 meter=impressions_total 5",
		"1 10 meter=impressions_total meter=impressions_mono",
	};
	char longcmd[700];
	uint64_t g0, g1;
	unsigned int i;
	bool ok;

	g0 = pe_generation(idx);
	for (i = 0, ok = true; i < sizeof(ctl) / sizeof(ctl[0]); i++) {
		int r = sim_ctl("%s", ctl[i]);

		if (r != -EINVAL) {
			kt_why("\"%s\" -> %d", ctl[i], r);
			ok = false;
			break;
		}
	}
	kt_ok(ok, "control garbage: EINVAL for each of %zu commands",
	      sizeof(ctl) / sizeof(ctl[0]));
	kt_ok(!kt_exists(SIM_DIR "/g1") && !kt_exists(SIM_DIR "/bad"),
	      "no engine was created by garbage");
	memset(longcmd, 'a', sizeof(longcmd) - 1);
	longcmd[sizeof(longcmd) - 1] = '\0';
	memcpy(longcmd, "add g2 ", 7);
	kt_ret(sim_ctl("%s", longcmd), -EINVAL, "control: 699-byte command");
	kt_ret(sim_ctl("del nosuchengine"), -ENOENT, "del unknown: ENOENT");
	kt_ret(sim_ctl("add " ENG), -EEXIST, "add an existing name: EEXIST");
	kt_ret(kt_write_file(SIM_CONTROL, ""), -EINVAL,
	       "control: empty write");

	for (i = 0, ok = true; i < sizeof(print) / sizeof(print[0]); i++) {
		int r = sim_cmd(ENG, "print", "%s", print[i]);

		if (r != -EINVAL) {
			kt_why("\"%s\" -> %d", print[i], r);
			ok = false;
			break;
		}
	}
	kt_ok(ok, "print garbage: EINVAL");
	i = sim_cmd(ENG, "print", "99999999999");
	kt_ok(i == (unsigned int)-ERANGE || i == (unsigned int)-EINVAL,
	      "print of an out-of-range count fails");
	for (i = 0, ok = true; i < sizeof(supply) / sizeof(supply[0]); i++) {
		int r = sim_cmd(ENG, "supply", "%s", supply[i]);

		if (r != -EINVAL) {
			kt_why("\"%s\" -> %d", supply[i], r);
			ok = false;
			break;
		}
	}
	kt_ok(ok, "supply garbage: EINVAL");
	for (i = 0, ok = true; i < sizeof(meters) / sizeof(meters[0]); i++) {
		int r = sim_cmd(ENG, "meters", "%s", meters[i]);

		if (r != -EINVAL) {
			kt_why("\"%s\" -> %d", meters[i], r);
			ok = false;
			break;
		}
	}
	kt_ok(ok, "meters garbage: EINVAL");
	for (i = 0, ok = true; i < sizeof(stress) / sizeof(stress[0]); i++) {
		int r = sim_cmd(ENG, "stress", "%s", stress[i]);

		if (r != -EINVAL) {
			kt_why("\"%s\" -> %d", stress[i], r);
			ok = false;
			break;
		}
	}
	kt_ok(ok, "stress garbage: EINVAL");
	g1 = pe_generation(idx);
	kt_eq_u64(g1, g0, "no garbage changed the engine");
	kt_ret(sim_cmd(ENG, "print", "1"), 0, "a valid print still works");
	kt_eq_u64(pe_generation(idx), g0 + 1, "and bumps the generation");
}

/*
 * An unprivileged process (uid/gid 65534, no capabilities) reads the
 * device and sysfs, but cannot open the device for writing nor touch the
 * simulator.  Run in a child; its results come back through a pipe.
 */
static void check_unprivileged(int idx)
{
	struct printeng_snapshot s;
	char path[128], buf[64];
	int pfd[2], res[5], status, fd;
	pid_t pid;

	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(2);
		fd = pe_open(idx, O_RDONLY);
		res[0] = fd < 0 ? fd : pe_snap(fd, &s);
		res[1] = fd < 0 ? fd : (read(fd, &s, sizeof(s)) == sizeof(s) ? 0 : -errno);
		if (fd >= 0)
			close(fd);
		res[2] = pe_open(idx, O_RDWR);
		if (res[2] >= 0)
			close(res[2]);
		snprintf(path, sizeof(path), "supply0/level");
		res[3] = pe_sysfs(idx, path, buf, sizeof(buf));
		res[4] = kt_write_file(SIM_CONTROL, "add unpriv");
		if (write(pfd[1], res, sizeof(res)) != sizeof(res))
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	memset(res, 0x7f, sizeof(res));
	if (read(pfd[0], res, sizeof(res)) != sizeof(res))
		kt_why("child failed");
	close(pfd[0]);
	waitpid(pid, &status, 0);
	kt_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "a child drops to uid 65534");
	kt_ret(res[0], 0, "unprivileged: open O_RDONLY and GET_SNAPSHOT");
	kt_ret(res[1], 0, "unprivileged: read a snapshot");
	kt_ret(res[2], -EACCES, "unprivileged: open O_RDWR: EACCES");
	kt_ok(res[3] > 0, "unprivileged: sysfs is readable");
	kt_ok(res[4] == -EACCES || res[4] == -EPERM,
	      "unprivileged: simulator control refused (%d)", res[4]);
	kt_ok(!kt_exists(SIM_DIR "/unpriv"), "no engine created");
}

int main(void)
{
	int idx;

	kt_init("test_errno");
	kt_setup();

	idx = sim_add(ENG, "supplies=toner:black,fuser,staples meters=impressions_total,sheets_total serial=ERR-1");
	if (!kt_ok(idx >= 0, "add an engine with 3 supplies and 2 meters"))
		kt_bail("cannot create an engine (%d)", idx);
	kt_ok(true, "uapi layout checked by static_assert at build time");

	check_snapshot_leaks(idx);
	check_read_errors(idx);
	check_ioctl_errors(idx);
	check_write_seek(idx);
	check_sim_garbage(idx);
	check_unprivileged(idx);

	kt_ret(sim_del(ENG), 0, "del " ENG);
	return kt_done();
}
