// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_sysfs: every sysfs file of a printeng device against a chrdev
 * snapshot taken at the same generation; starting meter values; a custom
 * supplies table and meter set (absent meters have no file and no bit,
 * one directory per supply and no more).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kt.h"

/* Everything sysfs says about one device, read file by file. */
struct sysfs_view {
	char serial[128], model[128], engine_fw[128], controller_fw[128];
	uint64_t generation, refused;
	bool has_meter[__PRINTENG_METER_COUNT];
	uint64_t meter[__PRINTENG_METER_COUNT];
	struct {
		char type[64], unit[64], colorant[64], description[128];
		char state[32];
		int64_t level, max_capacity;
		uint64_t replaced;
		int err;
	} supply[PRINTENG_SUPPLIES_MAX];
	unsigned int num_dirs;
	int err;
};

static void read_view(int idx, unsigned int nsup, struct sysfs_view *v)
{
	char attr[64];
	unsigned int i;
	int r = 0;

	memset(v, 0, sizeof(*v));
	r |= pe_sysfs(idx, "serial", v->serial, sizeof(v->serial)) < 0;
	r |= pe_sysfs(idx, "model", v->model, sizeof(v->model)) < 0;
	r |= pe_sysfs(idx, "engine_fw", v->engine_fw, sizeof(v->engine_fw)) < 0;
	r |= pe_sysfs(idx, "controller_fw", v->controller_fw,
		      sizeof(v->controller_fw)) < 0;
	r |= pe_sysfs_u64(idx, "refused_updates", &v->refused) != 0;
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		v->has_meter[i] = !pe_sysfs_u64(idx, pe_meter_names[i],
						&v->meter[i]);
	for (i = 0; i < nsup && i < PRINTENG_SUPPLIES_MAX; i++) {
		int e = 0;

#define SUP(f, buf) (snprintf(attr, sizeof(attr), "supply%u/" f, i), \
		     pe_sysfs(idx, attr, buf, sizeof(buf)) < 0)
		e |= SUP("type", v->supply[i].type);
		e |= SUP("unit", v->supply[i].unit);
		e |= SUP("colorant", v->supply[i].colorant);
		e |= SUP("description", v->supply[i].description);
		e |= SUP("state", v->supply[i].state);
#undef SUP
		snprintf(attr, sizeof(attr), "supply%u/level", i);
		e |= pe_sysfs_s64(idx, attr, &v->supply[i].level) != 0;
		snprintf(attr, sizeof(attr), "supply%u/max_capacity", i);
		e |= pe_sysfs_s64(idx, attr, &v->supply[i].max_capacity) != 0;
		snprintf(attr, sizeof(attr), "supply%u/replaced", i);
		e |= pe_sysfs_u64(idx, attr, &v->supply[i].replaced) != 0;
		v->supply[i].err = e;
	}
	v->err = r;
}

/*
 * Read generation, every file, a snapshot, and the generation again, until
 * the three generations agree (nothing changes the engine here, so the
 * first try should do).
 */
static bool consistent_read(int idx, int fd, struct sysfs_view *v,
			    struct printeng_snapshot *s)
{
	uint64_t g1, g2;
	int tries;

	for (tries = 0; tries < 10; tries++) {
		g1 = pe_generation(idx);
		memset(s, 0, sizeof(*s));
		if (pe_snap(fd, s))
			return false;
		read_view(idx, s->num_supplies, v);
		g2 = pe_generation(idx);
		v->generation = g2;
		if (g1 && g1 == g2 && s->generation == g1)
			return true;
	}
	return false;
}

static unsigned int count_supply_dirs(int idx, unsigned int nsup, bool *extra)
{
	char path[128];
	struct dirent *de;
	unsigned int n = 0, k;
	DIR *d;

	*extra = false;
	snprintf(path, sizeof(path), PE_CLASS "/printeng%d", idx);
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "supply", 6))
			continue;
		if (sscanf(de->d_name, "supply%u", &k) == 1 && k < nsup &&
		    de->d_type == DT_DIR)
			n++;
		else
			*extra = true;
	}
	closedir(d);
	return n;
}

/* Compare one device's sysfs files with a snapshot and its info. */
static void check_device(const char *what, int idx)
{
	struct printeng_snapshot s;
	struct printeng_info info;
	struct sysfs_view v;
	unsigned int i;
	bool extra;
	int fd;

	fd = pe_open(idx, O_RDONLY);
	if (!kt_success(fd, "%s: open /dev/printeng%d", what, idx))
		return;
	kt_ok(consistent_read(idx, fd, &v, &s),
	      "%s: sysfs read at one generation with a snapshot", what);
	kt_ok(!v.err, "%s: identity files and refused_updates readable", what);
	kt_success(pe_info(fd, &info), "%s: GET_INFO", what);
	kt_eq_u64(info.index, idx, "%s: info.index", what);
	kt_eq_str(v.serial, info.serial, "%s: serial matches info", what);
	kt_eq_str(v.model, info.model, "%s: model matches info", what);
	kt_eq_str(v.engine_fw, info.engine_fw, "%s: engine_fw matches info",
		  what);
	kt_eq_str(v.controller_fw, info.controller_fw,
		  "%s: controller_fw matches info", what);
	kt_eq_u64(info.meter_mask, s.meter_mask, "%s: info.meter_mask", what);
	kt_eq_u64(info.num_supplies, s.num_supplies, "%s: info.num_supplies",
		  what);
	kt_eq_u64(v.generation, s.generation, "%s: generation", what);
	kt_eq_u64(v.refused, 0, "%s: refused_updates", what);

	for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
		bool present = s.meter_mask & (1ULL << i);

		kt_ok(v.has_meter[i] == present, "%s: %s file %s", what,
		      pe_meter_names[i], present ? "present" : "absent");
		if (present)
			kt_eq_u64(v.meter[i], s.meters[i], "%s: %s value", what,
				  pe_meter_names[i]);
		else
			kt_eq_u64(s.meters[i], 0, "%s: absent %s is 0 in snapshot",
				  what, pe_meter_names[i]);
	}
	kt_eq_u64(s.meter_mask >> __PRINTENG_METER_COUNT, 0,
		  "%s: no meter_mask bit past the defined meters", what);

	for (i = 0; i < s.num_supplies && i < PRINTENG_SUPPLIES_MAX; i++) {
		const struct printeng_supply *p = &s.supplies[i];

		kt_ok(!v.supply[i].err, "%s: supply%u files readable", what, i);
		kt_eq_str(v.supply[i].type, pe_type_name(p->type),
			  "%s: supply%u/type", what, i);
		kt_eq_str(v.supply[i].unit, pe_unit_name(p->unit),
			  "%s: supply%u/unit", what, i);
		kt_eq_str(v.supply[i].colorant, p->colorant,
			  "%s: supply%u/colorant", what, i);
		kt_eq_str(v.supply[i].description, p->description,
			  "%s: supply%u/description", what, i);
		kt_eq_s64(v.supply[i].level, p->level, "%s: supply%u/level",
			  what, i);
		kt_eq_s64(v.supply[i].max_capacity, p->max_capacity,
			  "%s: supply%u/max_capacity", what, i);
		kt_eq_str(v.supply[i].state, pe_state_name(p->state),
			  "%s: supply%u/state", what, i);
		kt_eq_u64(v.supply[i].replaced, p->replaced,
			  "%s: supply%u/replaced", what, i);
	}
	kt_eq_u64(count_supply_dirs(idx, s.num_supplies, &extra),
		  s.num_supplies, "%s: one supply<K>/ directory per supply",
		  what);
	kt_ok(!extra, "%s: no supply directory beyond num_supplies", what);
	close(fd);
}

/* The major of "printeng" in /proc/devices, or -1. */
static int proc_major(void)
{
	char buf[8192], name[64], *p;
	int major;

	if (kt_read_file("/proc/devices", buf, sizeof(buf)) < 0)
		return -1;
	for (p = strtok(buf, "\n"); p; p = strtok(NULL, "\n"))
		if (sscanf(p, "%d %63s", &major, name) == 2 &&
		    !strcmp(name, "printeng"))
			return major;
	return -1;
}

/* dev_t of the node, the sysfs "dev" file, /proc/devices; the parent. */
static void check_devnum(int idx, const struct stat *st)
{
	char dev[32], want[32], link[256], path[128];
	ssize_t n;

	snprintf(want, sizeof(want), "%u:%u", major(st->st_rdev),
		 minor(st->st_rdev));
	pe_sysfs(idx, "dev", dev, sizeof(dev));
	kt_eq_str(dev, want, "sysfs dev matches the node's device number");
	kt_eq_u64(minor(st->st_rdev), idx, "minor = N of printeng<N>");
	kt_eq_s64(major(st->st_rdev), proc_major(),
		  "major = \"printeng\" in /proc/devices");
	snprintf(path, sizeof(path), PE_CLASS "/printeng%d/device", idx);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	kt_ok(n > 0 && strstr(link, "printeng-sim."),
	      "parent is the simulator's platform device (%s)", link);
}

/* Every file under the device is read-only for everyone. */
static void check_modes(int idx)
{
	static const char *const files[] = {
		"serial", "model", "engine_fw", "controller_fw", "generation",
		"refused_updates", "impressions_total", "sheets_duplex",
		"supply0/type", "supply0/level", "supply0/state",
		"supply0/replaced", "supply0/description",
	};
	char path[256];
	struct stat st;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), PE_CLASS "/printeng%d/%s", idx,
			 files[i]);
		if (stat(path, &st) || (st.st_mode & 07777) != 0444) {
			kt_why("%s mode %o", files[i], st.st_mode & 07777);
			ok = false;
			break;
		}
	}
	kt_ok(ok, "sysfs files are mode 0444");
	snprintf(path, sizeof(path), PE_CLASS "/printeng%d/generation", idx);
	kt_ret(kt_write_file(path, "5"), -EACCES,
	       "opening a sysfs file for writing fails, even for root");
	snprintf(path, sizeof(path), "/dev/printeng%d", idx);
	kt_ok(!stat(path, &st) && S_ISCHR(st.st_mode) &&
	      (st.st_mode & 0777) == 0444, "/dev/printeng%d is a 0444 chrdev",
	      idx);
	check_devnum(idx, &st);
}

int main(void)
{
	static const uint64_t start[__PRINTENG_METER_COUNT] = {
		1000000, 600000, 400000, 200000, 5000, 900000, 100000,
	};
	struct printeng_snapshot s;
	struct kt_meters want;
	char opts[512];
	int idx, fd, r;
	unsigned int i;

	kt_init("test_sysfs");
	kt_setup();

	/* 1. The default table, identity and start values. */
	snprintf(opts, sizeof(opts),
		 "serial=SN-KT-0001 model=KT-Model-9 engine_fw=E-2.7.1 controller_fw=C-9.0 start=%s:%" PRIu64 ",%s:%" PRIu64
		 ",%s:%" PRIu64 ",%s:%" PRIu64 ",%s:%" PRIu64 ",%s:%" PRIu64
		 ",%s:%" PRIu64,
		 pe_meter_names[0], start[0], pe_meter_names[1], start[1],
		 pe_meter_names[2], start[2], pe_meter_names[3], start[3],
		 pe_meter_names[4], start[4], pe_meter_names[5], start[5],
		 pe_meter_names[6], start[6]);
	idx = sim_add("sysfs_a", opts);
	if (!kt_ok(idx >= 0, "add an engine with identity and start= values"))
		kt_bail("cannot create an engine (%d)", idx);
	kt_diag("sysfs_a is printeng%d", idx);

	fd = pe_open(idx, O_RDONLY);
	r = fd < 0 ? fd : pe_snap(fd, &s);
	kt_ret(r, 0, "snapshot of a new engine");
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		kt_eq_u64(s.meters[i], start[i], "start value of %s",
			  pe_meter_names[i]);
	kt_eq_u64(s.meter_mask, (1ULL << __PRINTENG_METER_COUNT) - 1,
		  "default engine has every meter");
	kt_eq_u64(s.num_supplies, 8, "default engine has 8 supplies");
	check_device("default", idx);

	/* 2. After printing and supply changes, still the same. */
	memcpy(want.v, start, sizeof(want.v));
	kt_ret(sim_cmd("sysfs_a", "print", "3 color duplex large"), 0,
	       "print 3 colour duplex large sheets");
	kt_count_print(&want, 3, true, true, true);
	kt_ret(sim_cmd("sysfs_a", "print", "5 mono"), 0, "print 5 mono sheets");
	kt_count_print(&want, 5, false, false, false);
	kt_ret(sim_cmd("sysfs_a", "supply", "1 level 7"), 0,
	       "supply1 level 7 (low)");
	kt_ret(sim_cmd("sysfs_a", "supply", "2 missing"), 0, "supply2 missing");
	kt_ret(sim_cmd("sysfs_a", "supply", "3 replace 80"), 0,
	       "supply3 replaced");
	kt_ret(sim_cmd("sysfs_a", "supply", "4 level 0"), 0,
	       "supply4 level 0 (empty)");
	r = fd < 0 ? fd : pe_snap(fd, &s);
	kt_ret(r, 0, "snapshot after printing");
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		kt_eq_u64(s.meters[i], want.v[i], "%s counts the printed pages",
			  pe_meter_names[i]);
	kt_eq_str(pe_state_name(s.supplies[1].state), "low", "supply1 low");
	kt_eq_str(pe_state_name(s.supplies[2].state), "missing",
		  "supply2 missing");
	kt_eq_u64(s.supplies[3].replaced, 1, "supply3 replaced once");
	kt_eq_str(pe_state_name(s.supplies[4].state), "empty", "supply4 empty");
	check_device("changed", idx);
	check_modes(idx);
	if (fd >= 0)
		close(fd);

	/* 3. A custom supplies table and meter set. */
	idx = sim_add("sysfs_b",
		      "supplies=toner:black,fuser,staples,ink:cyan meters=impressions_total,sheets_total,impressions_large start=impressions_total:42,sheets_total:21,impressions_mono:7");
	if (kt_ok(idx >= 0, "add an engine with supplies= and meters=")) {
		char path[256];

		fd = pe_open(idx, O_RDONLY);
		r = fd < 0 ? fd : pe_snap(fd, &s);
		kt_ret(r, 0, "snapshot of the custom engine");
		kt_eq_u64(s.meter_mask,
			  (1ULL << PRINTENG_METER_IMPRESSIONS_TOTAL) |
			  (1ULL << PRINTENG_METER_SHEETS_TOTAL) |
			  (1ULL << PRINTENG_METER_IMPRESSIONS_LARGE),
			  "meter_mask has exactly the chosen meters");
		kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 42,
			  "start impressions_total");
		kt_eq_u64(s.meters[PRINTENG_METER_SHEETS_TOTAL], 21,
			  "start sheets_total");
		kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_MONO], 0,
			  "start value of an absent meter is ignored");
		kt_eq_u64(s.num_supplies, 4, "four supplies");
		kt_eq_str(pe_type_name(s.supplies[0].type), "toner",
			  "supply0 toner");
		kt_eq_str(s.supplies[0].colorant, "black", "supply0 black");
		kt_eq_str(pe_type_name(s.supplies[1].type), "fuser",
			  "supply1 fuser");
		kt_eq_str(s.supplies[1].colorant, "", "supply1 no colorant");
		kt_eq_str(pe_type_name(s.supplies[2].type), "staples",
			  "supply2 staples");
		kt_eq_str(pe_type_name(s.supplies[3].type), "ink",
			  "supply3 ink");
		kt_eq_str(s.supplies[3].description, "cyan ink",
			  "supply3 description");
		snprintf(path, sizeof(path), PE_CLASS "/printeng%d/impressions_mono",
			 idx);
		kt_ok(!kt_exists(path) && errno == ENOENT,
		      "no sysfs file for an absent meter");
		snprintf(path, sizeof(path), PE_CLASS "/printeng%d/supply4", idx);
		kt_ok(!kt_exists(path), "no supply4 directory");
		kt_ret(sim_cmd("sysfs_b", "print", "10 color duplex"), 0,
		       "print on the custom engine");
		r = fd < 0 ? fd : pe_snap(fd, &s);
		kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 62,
			  "impressions_total counted");
		kt_eq_u64(s.meters[PRINTENG_METER_SHEETS_TOTAL], 31,
			  "sheets_total counted");
		kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_COLOR], 0,
			  "absent impressions_color stays 0");
		check_device("custom", idx);
		if (fd >= 0)
			close(fd);
	}

	/* 4. The largest table: 16 supplies; 17 is refused. */
	idx = sim_add("sysfs_c",
		      "supplies=toner:black,toner:cyan,toner:magenta,toner:yellow,drum:black,drum:cyan,drum:magenta,drum:yellow,developer,fuser,waste_toner,transfer,cleaner_unit,staples,opc,ink:black meters=sheets_total");
	if (kt_ok(idx >= 0, "add an engine with 16 supplies")) {
		fd = pe_open(idx, O_RDONLY);
		r = fd < 0 ? fd : pe_snap(fd, &s);
		kt_ret(r, 0, "snapshot of the 16-supply engine");
		kt_eq_u64(s.num_supplies, 16, "16 supplies");
		check_device("16 supplies", idx);
		if (fd >= 0)
			close(fd);
	}
	kt_ret(sim_add("sysfs_d",
		       "supplies=toner,toner,toner,toner,toner,toner,toner,toner,toner,toner,toner,toner,toner,toner,toner,toner,toner"),
	       -E2BIG, "17 supplies refused");
	idx = sim_add("sysfs_e", "supplies= meters=impressions_total");
	if (kt_ok(idx >= 0, "add an engine without supplies")) {
		bool extra;

		kt_eq_u64(count_supply_dirs(idx, 0, &extra), 0,
			  "no supply directory");
		check_device("no supplies", idx);
	}

	/* longest identity strings; a colorant longer than the ABI allows */
	idx = sim_add("sysfs_f",
		      "serial=S234567890123456789012345678901 model=M23456789012345678901234567890123456789012345678901234567890123 engine_fw=E234567890123456789012345678901 controller_fw=C234567890123456789012345678901 supplies=toner:abcdefghijklmnopqrstu,transfer_unit:abcdefghijklmno");
	if (kt_ok(idx >= 0, "add an engine with the longest strings")) {
		fd = pe_open(idx, O_RDONLY);
		r = fd < 0 ? fd : pe_snap(fd, &s);
		kt_ret(r, 0, "snapshot");
		kt_eq_str(s.supplies[0].colorant, "abcdefghijklmno",
			  "a long colorant is cut to 15 characters");
		kt_eq_str(s.supplies[1].description,
			  "abcdefghijklmno transfer_unit", "description");
		check_device("longest strings", idx);
		if (fd >= 0)
			close(fd);
		kt_ret(sim_del("sysfs_f"), 0, "del sysfs_f");
	}
	kt_ret(sim_add("sysfs_g", "serial=S2345678901234567890123456789012"),
	       -E2BIG, "a 32-character serial is refused by the simulator");

	kt_ret(sim_del("sysfs_a"), 0, "del sysfs_a");
	kt_ret(sim_del("sysfs_b"), 0, "del sysfs_b");
	kt_ret(sim_del("sysfs_c"), 0, "del sysfs_c");
	kt_ret(sim_del("sysfs_e"), 0, "del sysfs_e");
	return kt_done();
}
