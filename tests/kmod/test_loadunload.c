// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_loadunload: the modules load and unload cleanly, 100 times, with
 * an engine created and its chrdev opened and closed each time; printeng
 * cannot be removed while printeng_sim uses it or while a file of a
 * (deleted) engine is still open, and can once it is closed; removing
 * printeng_sim with an engine and an open file is safe.  Leaves both
 * modules loaded.
 *
 * The .ko files are looked up in $ESOL_MODDIR (set by tests/vm/run-guest.sh),
 * /lib/modules/esol/extra, /lib/modules/$(uname -r)/extra or /modules.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kt.h"

#define ITERATIONS 100

static char pe_ko[1024], sim_ko[1024];

static bool find_modules(void)
{
	struct utsname u;
	char dirs[4][200];
	const char *env = getenv("ESOL_MODDIR");
	unsigned int i, n = 0;

	if (env && *env)
		snprintf(dirs[n++], sizeof(dirs[0]), "%s", env);
	snprintf(dirs[n++], sizeof(dirs[0]), "/lib/modules/esol/extra");
	uname(&u);
	snprintf(dirs[n++], sizeof(dirs[0]), "/lib/modules/%s/extra", u.release);
	snprintf(dirs[n++], sizeof(dirs[0]), "/modules");
	for (i = 0; i < n; i++) {
		snprintf(pe_ko, sizeof(pe_ko), "%s/printeng.ko", dirs[i]);
		snprintf(sim_ko, sizeof(sim_ko), "%s/printeng_sim.ko", dirs[i]);
		if (kt_exists(pe_ko) && kt_exists(sim_ko))
			return true;
	}
	return false;
}

static bool loaded(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return kt_exists(path);
}

/* finit_module(); 0 or -errno. */
static int load(const char *path)
{
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = syscall(SYS_finit_module, fd, "", 0);
	r = r ? -errno : 0;
	close(fd);
	return r;
}

/* delete_module(); 0 or -errno. */
static int unload(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static bool proc_devices_has(const char *name)
{
	char buf[8192];

	if (kt_read_file("/proc/devices", buf, sizeof(buf)) < 0)
		return false;
	return strstr(buf, name) != NULL;
}

/* Unload both; true if gone. */
static bool unload_both(void)
{
	if (loaded("printeng_sim") && unload("printeng_sim"))
		return false;
	if (loaded("printeng") && unload("printeng"))
		return false;
	return !loaded("printeng_sim") && !loaded("printeng");
}

static bool load_both(void)
{
	if (!loaded("printeng") && load(pe_ko))
		return false;
	if (!loaded("printeng_sim") && load(sim_ko))
		return false;
	return kt_exists(SIM_CONTROL);
}

static void busy_cases(void)
{
	struct printeng_snapshot s;
	int idx, fd, r;

	/* printeng is in use by printeng_sim */
	r = unload("printeng");
	kt_ok(r == -EAGAIN || r == -EBUSY,
	      "rmmod printeng while printeng_sim is loaded: refused (%d)", r);
	kt_ok(loaded("printeng"), "printeng still loaded");

	/* an open file of a deleted engine pins printeng */
	idx = sim_add("lu_busy", "");
	if (!kt_ok(idx >= 0, "add an engine"))
		return;
	fd = pe_open(idx, O_RDONLY);
	kt_success(fd, "open /dev/printeng%d", idx);
	kt_ret(sim_del("lu_busy"), 0, "del the engine, file still open");
	kt_ret(unload("printeng_sim"), 0, "rmmod printeng_sim");
	r = unload("printeng");
	kt_ok(r == -EAGAIN || r == -EBUSY,
	      "rmmod printeng while a file is open: refused (%d)", r);
	kt_errno(read(fd, &s, sizeof(s)), ENODEV, "the open file reads ENODEV");
	kt_success(close(fd), "close it");
	kt_ret(unload("printeng"), 0, "rmmod printeng after the close");
	kt_ok(!proc_devices_has("printeng") && !kt_exists(PE_CLASS),
	      "chrdev region and class gone");

	/* removing printeng_sim removes its engines, files stay safe */
	kt_ok(load_both(), "insmod both again");
	idx = sim_add("lu_busy", "");
	fd = idx >= 0 ? pe_open(idx, O_RDONLY) : -1;
	kt_ok(fd >= 0 && pe_snap(fd, &s) == 0, "engine, open file, snapshot");
	kt_ret(unload("printeng_sim"), 0,
	       "rmmod printeng_sim with an engine and an open file");
	kt_ret(pe_snap(fd, &s), -ENODEV, "the file's snapshot: ENODEV");
	close(fd);
	kt_ret(unload("printeng"), 0, "rmmod printeng after the close");
}

int main(void)
{
	int fails[6] = { 0 };
	struct printeng_snapshot s;
	double t0;
	int i, idx, fd, r;

	kt_init("test_loadunload");
	if (!find_modules())
		kt_bail("printeng.ko and printeng_sim.ko not found ($ESOL_MODDIR)");
	kt_diag("modules: %s %s", pe_ko, sim_ko);
	if (!load_both())
		kt_bail("cannot load the modules");
	kt_setup();

	busy_cases();

	t0 = kt_now();
	for (i = 0; i < ITERATIONS; i++) {
		char name[32];

		snprintf(name, sizeof(name), "lu_%d", i);
		if (!load_both()) {
			fails[0]++;
			kt_diag("iteration %d: insmod failed", i);
			break;
		}
		idx = sim_add(name, i & 1 ? "supplies=toner:black meters=sheets_total" : "");
		if (idx < 0) {
			fails[1]++;
			kt_diag("iteration %d: add: %d", i, idx);
			unload_both();
			continue;
		}
		fd = pe_open(idx, O_RDONLY);
		if (fd < 0 || pe_snap(fd, &s) || sim_cmd(name, "print", "3")) {
			fails[2]++;
			kt_diag("iteration %d: open/snapshot/print failed", i);
		}
		if (fd >= 0)
			close(fd);
		/* every third engine is left for rmmod printeng_sim to remove */
		if (i % 3 && sim_del(name))
			fails[3]++;
		r = unload("printeng_sim");
		if (r) {
			fails[4]++;
			kt_diag("iteration %d: rmmod printeng_sim: %d", i, r);
		}
		r = unload("printeng");
		if (r || loaded("printeng") || kt_exists(PE_CLASS)) {
			fails[5]++;
			kt_diag("iteration %d: rmmod printeng: %d", i, r);
			break;
		}
	}
	kt_diag("%d load/unload cycles in %.1f s", i, kt_now() - t0);
	kt_eq_u64(i, ITERATIONS, "%d load/unload cycles completed", ITERATIONS);
	kt_eq_u64(fails[0], 0, "insmod printeng, printeng_sim every time");
	kt_eq_u64(fails[1], 0, "add an engine every time");
	kt_eq_u64(fails[2], 0, "open, snapshot, print, close every time");
	kt_eq_u64(fails[3], 0, "del the engine (2 of 3 times)");
	kt_eq_u64(fails[4], 0, "rmmod printeng_sim every time");
	kt_eq_u64(fails[5], 0, "rmmod printeng every time");
	kt_ok(!proc_devices_has("printeng") && !kt_exists(PE_CLASS) &&
	      !kt_exists(SIM_DIR),
	      "after unload: no chrdev region, class or debugfs directory left");

	/* leave the modules loaded, working */
	kt_ok(load_both(), "insmod both at the end");
	idx = sim_add("lu_end", "");
	fd = idx >= 0 ? pe_open(idx, O_RDONLY) : -1;
	kt_ok(fd >= 0 && pe_snap(fd, &s) == 0, "an engine works after reload");
	if (fd >= 0)
		close(fd);
	kt_ret(sim_del("lu_end"), 0, "del it");
	return kt_done();
}
