// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of libprinteng on the host: name tables, the context, device
 * listing and opening, and the sysfs snapshot over fake sysfs trees made
 * in a temporary directory (every field, the RFC 3805 specials, missing
 * files, garbage values, and a generation that changes mid-read, driven
 * deterministically through a FIFO).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "lib/libprinteng.h"
#include "fixtures/sysfs/pe_tree.h"

/* ---- name tables ---- */

/* The names exactly as kmod/printeng-core.c prints them. */
static const char *const kernel_meters[] = {
	"impressions_total", "impressions_mono", "impressions_color",
	"impressions_duplex", "impressions_large", "sheets_total",
	"sheets_duplex",
};

static const struct {
	uint32_t value;
	const char *name;
} kernel_types[] = {
	{ 1, "other" }, { 2, "unknown" }, { 3, "toner" }, { 4, "waste_toner" },
	{ 5, "ink" }, { 9, "opc" }, { 10, "developer" }, { 15, "fuser" },
	{ 18, "cleaner_unit" }, { 20, "transfer_unit" },
	{ 21, "toner_cartridge" }, { 32, "staples" },
}, kernel_units[] = {
	{ 1, "other" }, { 2, "unknown" }, { 7, "impressions" }, { 8, "sheets" },
	{ 18, "items" }, { 19, "percent" },
}, kernel_states[] = {
	{ 0, "ok" }, { 1, "low" }, { 2, "empty" }, { 3, "missing" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_meter_names)
{
	unsigned int i, id;

	ck_assert_uint_eq(N(kernel_meters), __PRINTENG_METER_COUNT);
	for (i = 0; i < N(kernel_meters); i++) {
		ck_assert_str_eq(printeng_meter_name(i), kernel_meters[i]);
		id = 99;
		ck_assert_int_eq(printeng_meter_from_name(kernel_meters[i], &id), 0);
		ck_assert_uint_eq(id, i);
	}
	ck_assert_ptr_null(printeng_meter_name(__PRINTENG_METER_COUNT));
	ck_assert_ptr_null(printeng_meter_name(PRINTENG_METERS_MAX));
	ck_assert_int_eq(printeng_meter_from_name("impressions", &id), -EINVAL);
	ck_assert_int_eq(printeng_meter_from_name("Impressions_total", &id), -EINVAL);
	ck_assert_int_eq(printeng_meter_from_name("", &id), -EINVAL);
	ck_assert_int_eq(printeng_meter_from_name(NULL, &id), -EINVAL);
}
END_TEST

START_TEST(test_supply_names)
{
	uint32_t v;
	unsigned int i;

	for (i = 0; i < N(kernel_types); i++) {
		ck_assert_str_eq(printeng_supply_type_name(kernel_types[i].value),
				 kernel_types[i].name);
		ck_assert_int_eq(printeng_supply_type_from_name(kernel_types[i].name, &v), 0);
		ck_assert_uint_eq(v, kernel_types[i].value);
	}
	for (i = 0; i < N(kernel_units); i++) {
		ck_assert_str_eq(printeng_supply_unit_name(kernel_units[i].value),
				 kernel_units[i].name);
		ck_assert_int_eq(printeng_supply_unit_from_name(kernel_units[i].name, &v), 0);
		ck_assert_uint_eq(v, kernel_units[i].value);
	}
	for (i = 0; i < N(kernel_states); i++) {
		ck_assert_str_eq(printeng_supply_state_name(kernel_states[i].value),
				 kernel_states[i].name);
		ck_assert_int_eq(printeng_supply_state_from_name(kernel_states[i].name, &v), 0);
		ck_assert_uint_eq(v, kernel_states[i].value);
	}
	ck_assert_ptr_null(printeng_supply_type_name(0));
	ck_assert_ptr_null(printeng_supply_type_name(6));
	ck_assert_ptr_null(printeng_supply_unit_name(3));
	ck_assert_ptr_null(printeng_supply_state_name(__PRINTENG_STATE_COUNT));
	ck_assert_int_eq(printeng_supply_type_from_name("drum", &v), -EINVAL);
	ck_assert_int_eq(printeng_supply_type_from_name("Toner", &v), -EINVAL);
	ck_assert_int_eq(printeng_supply_unit_from_name("litres", &v), -EINVAL);
	ck_assert_int_eq(printeng_supply_state_from_name("LOW", &v), -EINVAL);
	ck_assert_int_eq(printeng_supply_state_from_name(NULL, &v), -EINVAL);

	ck_assert_str_eq(printeng_level_special_name(-1), "other");
	ck_assert_str_eq(printeng_level_special_name(-2), "unknown");
	ck_assert_str_eq(printeng_level_special_name(-3), "some_remaining");
	ck_assert_ptr_null(printeng_level_special_name(0));
	ck_assert_ptr_null(printeng_level_special_name(-4));

	ck_assert_str_eq(printeng_source_name(PRINTENG_SRC_IOCTL), "ioctl");
	ck_assert_str_eq(printeng_source_name(PRINTENG_SRC_READ), "read");
	ck_assert_str_eq(printeng_source_name(PRINTENG_SRC_SYSFS), "sysfs");
	ck_assert_str_eq(printeng_source_name(PRINTENG_SRC_GENL), "genl");
	ck_assert_ptr_null(printeng_source_name((enum printeng_source)42));
	ck_assert_str_eq(printeng_event_name(PRINTENG_EVENT_SUPPLY), "supply");
	ck_assert_str_eq(printeng_event_name(PRINTENG_EVENT_METERS), "meters");
	ck_assert_str_eq(printeng_event_name(PRINTENG_EVENT_REMOVED), "removed");
	ck_assert_ptr_null(printeng_event_name((enum printeng_event_type)0));
}
END_TEST

/* ---- context ---- */

START_TEST(test_ctx_root)
{
	struct printeng_ctx *ctx;
	char *longroot;

	ck_assert_int_eq(printeng_ctx_new("", &ctx), -EINVAL);
	ck_assert_ptr_null(ctx);
	longroot = malloc(PATH_MAX);
	ck_assert_ptr_nonnull(longroot);
	memset(longroot, 'a', PATH_MAX - 1);
	longroot[PATH_MAX - 1] = '\0';
	ck_assert_int_eq(printeng_ctx_new(longroot, &ctx), -ENAMETOOLONG);
	free(longroot);

	/* "/" and NULL are the real system: the class path is absolute. */
	ck_assert_int_eq(printeng_ctx_new("/", &ctx), 0);
	ck_assert_str_eq(printeng_ctx_error(ctx), "");
	printeng_ctx_free(ctx);
	ck_assert_int_eq(printeng_ctx_new(NULL, &ctx), 0);
	printeng_ctx_free(ctx);
}
END_TEST

/* ---- fixtures ---- */

static struct pe_tree tree;
static struct printeng_ctx *ctx;
static struct printeng_snap expect0;

static void setup_tree(void)
{
	ck_assert_int_eq(pe_tree_init(&tree), 0);
	ck_assert_int_eq(pe_tree_add_device(&tree, 0, &expect0), 0);
	expect0.source = PRINTENG_SRC_SYSFS;
	ck_assert_int_eq(printeng_ctx_new(tree.root, &ctx), 0);
}

static void teardown_tree(void)
{
	printeng_ctx_free(ctx);
	ctx = NULL;
	pe_tree_cleanup(&tree);
}

/* A snapshot of printeng0 through a fresh handle. */
static int snap0(struct printeng_snap *s)
{
	struct printeng_dev *dev;
	int ret;

	ret = printeng_open(ctx, 0, &dev);
	if (ret)
		return ret;
	ret = printeng_snapshot(dev, s);
	printeng_close(dev);
	return ret;
}

static void assert_error_mentions(const char *what)
{
	const char *e = printeng_ctx_error(ctx);

	ck_assert_msg(strstr(e, what), "error \"%s\" does not mention \"%s\"",
		      e, what);
}

/* ---- listing ---- */

START_TEST(test_list_missing_class)
{
	unsigned int idx[4];

	pe_tree_rm(&tree, "sys");
	ck_assert_int_eq(printeng_list(ctx, idx, 4), -ENOENT);
	assert_error_mentions("not loaded");
}
END_TEST

START_TEST(test_list_sorted)
{
	unsigned int idx[8] = { 0 };

	ck_assert_int_eq(pe_tree_add_device(&tree, 10, NULL), 0);
	ck_assert_int_eq(pe_tree_add_device(&tree, 2, NULL), 0);
	/* Not devices: no number, leading zero, other names. */
	ck_assert_int_eq(pe_tree_mkdir(&tree, "sys/class/printeng/printeng"), 0);
	ck_assert_int_eq(pe_tree_mkdir(&tree, "sys/class/printeng/printeng01"), 0);
	ck_assert_int_eq(pe_tree_mkdir(&tree, "sys/class/printeng/printengx"), 0);
	ck_assert_int_eq(pe_tree_mkdir(&tree, "sys/class/printeng/lp0"), 0);

	ck_assert_int_eq(printeng_list(ctx, idx, 8), 3);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert_uint_eq(idx[1], 2);
	ck_assert_uint_eq(idx[2], 10);

	/* Room for fewer: the count is still the total. */
	memset(idx, 0xff, sizeof(idx));
	ck_assert_int_eq(printeng_list(ctx, idx, 2), 3);
	ck_assert_uint_eq(idx[0], 0);
	ck_assert_uint_eq(idx[1], 2);
	ck_assert_uint_eq(idx[2], 0xffffffffu);
	ck_assert_int_eq(printeng_list(ctx, NULL, 0), 3);
}
END_TEST

START_TEST(test_list_empty)
{
	unsigned int idx[2];

	pe_tree_rm(&tree, "sys");
	ck_assert_int_eq(pe_tree_mkdir(&tree, "sys/class/printeng"), 0);
	ck_assert_int_eq(printeng_list(ctx, idx, 2), 0);
}
END_TEST

/* ---- opening ---- */

START_TEST(test_open_missing)
{
	struct printeng_dev *dev = (struct printeng_dev *)1;

	ck_assert_int_eq(printeng_open(ctx, 3, &dev), -ENOENT);
	ck_assert_ptr_null(dev);
	assert_error_mentions("printeng3: no such device");
}
END_TEST

START_TEST(test_open_sysfs_only)
{
	struct printeng_snap s;
	struct printeng_dev *dev;

	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	ck_assert_uint_eq(printeng_dev_index(dev), 0);
	ck_assert(!printeng_dev_has_chrdev(dev));
	ck_assert_int_eq(printeng_fd(dev), -EOPNOTSUPP);
	ck_assert_int_eq(printeng_wait(dev, 0), -EOPNOTSUPP);
	ck_assert_int_eq(printeng_snapshot_from(dev, PRINTENG_SRC_IOCTL, &s),
			 -EOPNOTSUPP);
	ck_assert_int_eq(printeng_snapshot_from(dev, PRINTENG_SRC_READ, &s),
			 -EOPNOTSUPP);
	ck_assert_int_eq(printeng_snapshot_from(dev, PRINTENG_SRC_GENL, &s),
			 -EINVAL);
	ck_assert_int_eq(printeng_snapshot_from(dev, PRINTENG_SRC_SYSFS, &s), 0);
	ck_assert(printeng_snap_same(&s, &expect0));
	printeng_close(dev);
	printeng_close(NULL);
}
END_TEST

START_TEST(test_open_devnode_not_chrdev)
{
	struct printeng_dev *dev;

	ck_assert_int_eq(pe_tree_put(&tree, "dev/printeng0", "not a device\n"), 0);
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), -ENXIO);
	assert_error_mentions("not a character device");
}
END_TEST

START_TEST(test_open_devnode_wrong_chrdev)
{
	char path[PATH_MAX];
	struct printeng_dev *dev;

	/* A real character device (1:3), but sysfs says printeng0 is 250:0. */
	ck_assert_int_eq(pe_tree_mkdir(&tree, "dev"), 0);
	ck_assert_int_eq(symlink("/dev/null", pe_tree_path(&tree, path,
							   "dev/printeng0")), 0);
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), -ENXIO);
	assert_error_mentions("stale device node");
}
END_TEST

START_TEST(test_open_devnode_not_printeng)
{
	char path[PATH_MAX];
	struct printeng_dev *dev;
	struct stat st;

	/* The node and sysfs agree, but the device is not a printeng one:
	 * GET_INFO fails with ENOTTY. */
	ck_assert_int_eq(stat("/dev/null", &st), 0);
	snprintf(path, sizeof(path), "%u:%u\n", major(st.st_rdev),
		 minor(st.st_rdev));
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "dev", path), 0);
	ck_assert_int_eq(pe_tree_mkdir(&tree, "dev"), 0);
	ck_assert_int_eq(symlink("/dev/null", pe_tree_path(&tree, path,
							   "dev/printeng0")), 0);
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), -ENOTTY);
	assert_error_mentions("not a printeng device");

	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "dev", "1-3\n"), 0);
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), -EINVAL);
	assert_error_mentions("not MAJOR:MINOR");
}
END_TEST

START_TEST(test_open_bad_identity)
{
	struct printeng_dev *dev;

	ck_assert_int_eq(pe_tree_dev_rm(&tree, 0, "serial"), 0);
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), -ENOENT);
	assert_error_mentions("/serial: missing");
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "serial", "\n"), 0);
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), -EINVAL);
	assert_error_mentions("/serial: empty");
}
END_TEST

/* ---- sysfs snapshot ---- */

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

START_TEST(test_snapshot_every_field)
{
	struct printeng_snap s;
	uint64_t before, after;
	unsigned int i;

	/*
	 * The same clock the library reads (time() is the coarse clock, which
	 * can lag CLOCK_REALTIME by a tick across a second boundary).
	 */
	before = realtime_ns();
	ck_assert_int_eq(snap0(&s), 0);
	after = realtime_ns();
	ck_assert_str_eq(printeng_ctx_error(ctx), "");

	ck_assert_uint_eq(s.index, 0);
	ck_assert_int_eq(s.source, PRINTENG_SRC_SYSFS);
	ck_assert_uint_eq(s.generation, PE_TREE_GENERATION);
	ck_assert(s.real_ns >= before && s.real_ns <= after);
	ck_assert_uint_ne(s.mono_ns, 0);
	ck_assert_str_eq(s.serial, "SIM0");
	ck_assert_str_eq(s.model, "esol Simulated Printer 5000");
	ck_assert_str_eq(s.engine_fw, "E1.2.3");
	ck_assert_str_eq(s.controller_fw, "C4.5.6-rc1");
	ck_assert_uint_eq(s.meter_mask, (1u << __PRINTENG_METER_COUNT) - 1);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		ck_assert_uint_eq(s.meters[i], expect0.meters[i]);
	for (; i < PRINTENG_METERS_MAX; i++)
		ck_assert_uint_eq(s.meters[i], 0);
	ck_assert_uint_eq(s.num_supplies, PE_TREE_SUPPLIES);

	ck_assert_uint_eq(s.supplies[0].type, PRINTENG_SUPPLY_TONER);
	ck_assert_uint_eq(s.supplies[0].unit, PRINTENG_UNIT_PERCENT);
	ck_assert_str_eq(s.supplies[0].colorant, "black");
	ck_assert_str_eq(s.supplies[0].description, "Black toner");
	ck_assert_int_eq(s.supplies[0].level, 80);
	ck_assert_int_eq(s.supplies[0].max_capacity, 100);
	ck_assert_uint_eq(s.supplies[0].state, PRINTENG_STATE_OK);
	ck_assert_uint_eq(s.supplies[0].replaced, 0);

	ck_assert_str_eq(s.supplies[1].description, "Cyan toner \xe2\x80\x93 2k");
	ck_assert_uint_eq(s.supplies[1].state, PRINTENG_STATE_LOW);
	ck_assert_uint_eq(s.supplies[1].replaced, 1);

	ck_assert_uint_eq(s.supplies[2].type, PRINTENG_SUPPLY_OPC);
	ck_assert_uint_eq(s.supplies[2].unit, PRINTENG_UNIT_IMPRESSIONS);
	ck_assert_int_eq(s.supplies[2].level, 12000);
	ck_assert_int_eq(s.supplies[2].max_capacity, 20000);

	/* RFC 3805 specials and an empty colorant. */
	ck_assert_uint_eq(s.supplies[3].type, PRINTENG_SUPPLY_FUSER);
	ck_assert_uint_eq(s.supplies[3].unit, PRINTENG_UNIT_OTHER);
	ck_assert_str_eq(s.supplies[3].colorant, "");
	ck_assert_int_eq(s.supplies[3].level, PRINTENG_LEVEL_SOME_REMAINING);
	ck_assert_int_eq(s.supplies[3].max_capacity, PRINTENG_LEVEL_UNKNOWN);
	ck_assert_uint_eq(s.supplies[3].replaced, 2);
	ck_assert_uint_eq(s.supplies[4].type, PRINTENG_SUPPLY_WASTE_TONER);
	ck_assert_uint_eq(s.supplies[4].unit, PRINTENG_UNIT_UNKNOWN);
	ck_assert_int_eq(s.supplies[4].level, PRINTENG_LEVEL_UNKNOWN);
	ck_assert_int_eq(s.supplies[4].max_capacity, PRINTENG_LEVEL_OTHER);
	ck_assert_uint_eq(s.supplies[4].state, PRINTENG_STATE_MISSING);

	ck_assert(printeng_snap_same(&s, &expect0));
}
END_TEST

START_TEST(test_snapshot_limits)
{
	char colorant[PRINTENG_COLORANT_LEN + 1], model[PRINTENG_MODEL_LEN + 1];
	struct printeng_snap s;

	/* The largest values the ABI allows are read back exactly. */
	memset(colorant, 'c', PRINTENG_COLORANT_LEN - 1);
	strcpy(colorant + PRINTENG_COLORANT_LEN - 1, "\n");
	memset(model, 'm', PRINTENG_MODEL_LEN - 1);
	strcpy(model + PRINTENG_MODEL_LEN - 1, "\n");
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "impressions_total",
					 "18446744073709551615\n"), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "generation", "0\n"), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "supply0/level",
					 "2147483647\n"), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "supply0/replaced",
					 "4294967295\n"), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "supply0/colorant",
					 colorant), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "model", model), 0);
	/* A value without its newline is still one value. */
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "sheets_total", "7"), 0);

	ck_assert_int_eq(snap0(&s), 0);
	ck_assert_uint_eq(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], UINT64_MAX);
	ck_assert_uint_eq(s.meters[PRINTENG_METER_SHEETS_TOTAL], 7);
	ck_assert_uint_eq(s.generation, 0);
	ck_assert_int_eq(s.supplies[0].level, INT32_MAX);
	ck_assert_uint_eq(s.supplies[0].replaced, UINT32_MAX);
	ck_assert_uint_eq(strlen(s.supplies[0].colorant), PRINTENG_COLORANT_LEN - 1);
	ck_assert_uint_eq(strlen(s.model), PRINTENG_MODEL_LEN - 1);
}
END_TEST

START_TEST(test_snapshot_meter_subset)
{
	struct printeng_snap s;

	/* An engine without colour and large-media meters. */
	ck_assert_int_eq(pe_tree_dev_rm(&tree, 0, "impressions_color"), 0);
	ck_assert_int_eq(pe_tree_dev_rm(&tree, 0, "impressions_large"), 0);
	ck_assert_int_eq(snap0(&s), 0);
	ck_assert(printeng_snap_has_meter(&s, PRINTENG_METER_IMPRESSIONS_TOTAL));
	ck_assert(!printeng_snap_has_meter(&s, PRINTENG_METER_IMPRESSIONS_COLOR));
	ck_assert(!printeng_snap_has_meter(&s, PRINTENG_METER_IMPRESSIONS_LARGE));
	ck_assert(!printeng_snap_has_meter(&s, PRINTENG_METERS_MAX));
	ck_assert_uint_eq(s.meters[PRINTENG_METER_IMPRESSIONS_COLOR], 0);
	ck_assert_uint_eq(s.meter_mask, 0x7fu & ~(1u << 2) & ~(1u << 4));
	ck_assert_uint_eq(s.meters[PRINTENG_METER_SHEETS_DUPLEX],
			  expect0.meters[PRINTENG_METER_SHEETS_DUPLEX]);
}
END_TEST

START_TEST(test_snapshot_no_supplies)
{
	struct printeng_snap s;
	unsigned int k;
	char d[16];

	for (k = 0; k < PE_TREE_SUPPLIES; k++) {
		snprintf(d, sizeof(d), "supply%u", k);
		ck_assert_int_eq(pe_tree_dev_rm(&tree, 0, d), 0);
	}
	/* Names that only look like supply directories are not supplies. */
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "supply01/type", "toner\n"), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "supplyx/type", "toner\n"), 0);
	ck_assert_int_eq(snap0(&s), 0);
	ck_assert_uint_eq(s.num_supplies, 0);
}
END_TEST

/* One bad file: what is written, and the error the snapshot must give. */
struct garbage {
	const char *file;
	const char *content;
	int err;
	const char *mention;
};

static const struct garbage garbage[] = {
	{ "impressions_total", "abc\n", -EINVAL, "not an unsigned decimal" },
	{ "impressions_total", "-1\n", -EINVAL, "\"-1\"" },
	{ "impressions_total", " 5\n", -EINVAL, "not an unsigned" },
	{ "impressions_total", "+5\n", -EINVAL, "not an unsigned" },
	{ "impressions_total", "5 \n", -EINVAL, "not an unsigned" },
	{ "impressions_total", "0x10\n", -EINVAL, "not an unsigned" },
	{ "impressions_total", "007\n", -EINVAL, "not an unsigned" },
	{ "impressions_total", "18446744073709551616\n", -ERANGE, "beyond 64 bits" },
	{ "impressions_total", "", -EINVAL, "empty file" },
	{ "impressions_total", "\n", -EINVAL, "\"\"" },
	{ "impressions_total", "5\n6\n", -EINVAL, "more than one line" },
	{ "impressions_total", "5\n\n", -EINVAL, "more than one line" },
	{ "sheets_duplex", "1\0002\n", -EINVAL, "" },
	{ "generation", "x\n", -EINVAL, "generation" },
	{ "generation", "-17\n", -EINVAL, "generation" },
	{ "supply0/level", "-4\n", -ERANGE, "out of range" },
	{ "supply0/level", "2147483648\n", -ERANGE, "out of range" },
	{ "supply0/level", "-2147483649\n", -ERANGE, "out of range" },
	{ "supply0/level", "1.5\n", -EINVAL, "not a decimal" },
	{ "supply0/level", "-0\n", -EINVAL, "not a decimal" },
	{ "supply0/level", "--1\n", -EINVAL, "not a decimal" },
	{ "supply0/level", "-\n", -EINVAL, "not a decimal" },
	{ "supply2/max_capacity", "-5\n", -ERANGE, "supply2/max_capacity" },
	{ "supply0/type", "drum\n", -EINVAL, "unknown type \"drum\"" },
	{ "supply0/type", "3\n", -EINVAL, "unknown type" },
	{ "supply1/unit", "litres\n", -EINVAL, "supply1/unit: unknown unit" },
	{ "supply0/state", "LOW\n", -EINVAL, "unknown state" },
	{ "supply0/replaced", "4294967296\n", -ERANGE, "beyond 32 bits" },
	{ "supply0/replaced", "-1\n", -EINVAL, "supply0/replaced" },
	{ "supply0/colorant", "0123456789abcdef\n", -EOVERFLOW, "16 bytes, at most 15" },
	{ "supply0/description", "Black\001toner\n", -EINVAL, "control characters" },
	{ "supply0/description", "Black\ttoner\n", -EINVAL, "control characters" },
	{ "supply0/description", "Noir \xff\n", -EINVAL, "invalid UTF-8" },
	{ "supply0/description", "over\xc0\xaflong\n", -EINVAL, "invalid UTF-8" },
	{ "supply0/description", "surrogate \xed\xa0\x80\n", -EINVAL, "invalid UTF-8" },
	{ "supply0/description", "cut \xe2\x80\n", -EINVAL, "invalid UTF-8" },
	{ "model", "0123456789012345678901234567890123456789012345678901234567890123\n",
	  -EOVERFLOW, "64 bytes, at most 63" },
	{ "engine_fw", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
		       "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
		       "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789\n",
	  -EOVERFLOW, "longer than 255 bytes" },
};

START_TEST(test_snapshot_garbage)
{
	const struct garbage *g = &garbage[_i];
	struct printeng_snap s;
	struct printeng_dev *dev;
	char path[PATH_MAX];
	size_t len = strlen(g->content);
	int fd, ret;

	/* Opened on the good tree; the value then goes bad. */
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	if (!strcmp(g->file, "sheets_duplex")) {
		/* Embedded NUL: write the bytes themselves. */
		len = 4;
		fd = open(pe_tree_dev_path(&tree, 0, g->file, path),
			  O_WRONLY | O_TRUNC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, g->content, len), (ssize_t)len);
		close(fd);
	} else {
		ck_assert_int_eq(pe_tree_dev_put(&tree, 0, g->file, g->content), 0);
	}
	memset(&s, 0xa5, sizeof(s));
	ret = printeng_snapshot(dev, &s);
	ck_assert_msg(ret == g->err, "%s = \"%s\": got %d (%s), want %d",
		      g->file, g->content, ret, printeng_ctx_error(ctx), g->err);
	assert_error_mentions(g->file);
	assert_error_mentions(g->mention);
	/* Nothing half-read was handed out. */
	ck_assert_uint_eq(s.generation, 0xa5a5a5a5a5a5a5a5ull);
	printeng_close(dev);
}
END_TEST

START_TEST(test_snapshot_missing_files)
{
	static const char *const required[] = {
		"generation", "serial", "model", "engine_fw", "controller_fw",
		"supply0/type", "supply0/unit", "supply0/colorant",
		"supply0/description", "supply0/level", "supply0/max_capacity",
		"supply1/state", "supply4/replaced",
	};
	struct printeng_snap s;
	struct printeng_dev *dev;
	char want[64];
	unsigned int i;

	for (i = 0; i < N(required); i++) {
		pe_tree_cleanup(&tree);
		ck_assert_int_eq(pe_tree_init(&tree), 0);
		ck_assert_int_eq(pe_tree_add_device(&tree, 0, NULL), 0);
		printeng_ctx_free(ctx);
		ck_assert_int_eq(printeng_ctx_new(tree.root, &ctx), 0);

		ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
		ck_assert_int_eq(pe_tree_dev_rm(&tree, 0, required[i]), 0);
		ck_assert_int_eq(printeng_snapshot(dev, &s), -ENOENT);
		snprintf(want, sizeof(want), "%s: missing", required[i]);
		assert_error_mentions(want);
		printeng_close(dev);
	}
}
END_TEST

START_TEST(test_snapshot_supply_dirs)
{
	struct printeng_snap s;
	char d[32];
	unsigned int k;

	/* A gap: supply0, 1, 3, 4 (no 2). */
	ck_assert_int_eq(pe_tree_dev_rm(&tree, 0, "supply2"), 0);
	ck_assert_int_eq(snap0(&s), -EINVAL);
	assert_error_mentions("not numbered 0..3");

	/* Seventeen supplies: one more than the ABI holds. */
	pe_tree_cleanup(&tree);
	ck_assert_int_eq(pe_tree_init(&tree), 0);
	ck_assert_int_eq(pe_tree_add_device(&tree, 0, NULL), 0);
	printeng_ctx_free(ctx);
	ck_assert_int_eq(printeng_ctx_new(tree.root, &ctx), 0);
	for (k = PE_TREE_SUPPLIES; k <= PRINTENG_SUPPLIES_MAX; k++) {
		snprintf(d, sizeof(d), "supply%u/type", k);
		ck_assert_int_eq(pe_tree_dev_put(&tree, 0, d, "toner\n"), 0);
	}
	ck_assert_int_eq(snap0(&s), -EOVERFLOW);
	assert_error_mentions("more than 16 supplies");

	/* Exactly sixteen is fine once each has all its files. */
	ck_assert_int_eq(pe_tree_dev_rm(&tree, 0, "supply16"), 0);
	ck_assert_int_eq(snap0(&s), -ENOENT);
	assert_error_mentions("supply5/unit: missing");
}
END_TEST

START_TEST(test_snapshot_device_gone)
{
	struct printeng_snap s;
	struct printeng_dev *dev;
	char rel[PATH_MAX];

	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	ck_assert_int_eq(pe_tree_rm(&tree, pe_tree_dev_rel(0, rel, sizeof(rel))), 0);
	ck_assert_int_eq(pe_tree_rm(&tree, "sys/class/printeng/printeng0"), 0);
	ck_assert_int_eq(printeng_snapshot(dev, &s), -ENODEV);
	assert_error_mentions("printeng0: device gone");
	printeng_close(dev);
}
END_TEST

START_TEST(test_snapshot_other_engine)
{
	struct printeng_snap s;
	struct printeng_dev *dev;

	/* printeng0 was unregistered and another engine took its number. */
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "serial", "OTHER1\n"), 0);
	ck_assert_int_eq(printeng_snapshot(dev, &s), -ENODEV);
	assert_error_mentions("another engine");
	printeng_close(dev);
}
END_TEST

/* ---- a generation that changes during the read ---- */

/*
 * supply0/description is a FIFO served by a thread, one "round" per open:
 * in the first @bump rounds the thread rewrites impressions_total and the
 * generation while the library is between its two reads of generation,
 * exactly as a print would.  The thread waits (inotify) for the library to
 * close the FIFO before serving the next round, so every round is one
 * complete read of the file.
 */
struct changer {
	struct pe_tree *tree;
	char fifo[PATH_MAX];
	unsigned int bump;		/* rounds that change the device */
	unsigned int rounds;		/* rounds served */
	atomic_int done;
	int inotify;
};

static void *changer_main(void *arg)
{
	struct changer *c = arg;
	char v[64], ev[4096];
	int fd;

	for (;;) {
		fd = open(c->fifo, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || c->done) {
			if (fd >= 0)
				close(fd);
			break;
		}
		if (c->rounds < c->bump) {
			snprintf(v, sizeof(v), "%u\n", 5000 + c->rounds);
			pe_tree_dev_put(c->tree, 0, "impressions_total", v);
			snprintf(v, sizeof(v), "%u\n",
				 PE_TREE_GENERATION + 1 + c->rounds);
			pe_tree_dev_put(c->tree, 0, "generation", v);
		}
		c->rounds++;
		if (write(fd, "Black toner\n", 12) != 12)
			break;
		close(fd);
		/* Until the reader closed its end. */
		if (read(c->inotify, ev, sizeof(ev)) <= 0 || c->done)
			break;
	}
	return NULL;
}

static void changer_start(struct changer *c, pthread_t *th, unsigned int bump)
{
	memset(c, 0, sizeof(*c));
	c->tree = &tree;
	c->bump = bump;
	pe_tree_dev_path(&tree, 0, "supply0/description", c->fifo);
	ck_assert_int_eq(unlink(c->fifo), 0);
	ck_assert_int_eq(mkfifo(c->fifo, 0644), 0);
	c->inotify = inotify_init1(IN_CLOEXEC);
	ck_assert_int_ge(c->inotify, 0);
	ck_assert_int_ge(inotify_add_watch(c->inotify, c->fifo,
					   IN_CLOSE_NOWRITE), 0);
	ck_assert_int_eq(pthread_create(th, NULL, changer_main, c), 0);
}

/* Stop the thread wherever it waits (open, or inotify) and join it. */
static void changer_stop(struct changer *c, pthread_t th)
{
	int fd;

	c->done = 1;
	for (;;) {
		fd = open(c->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		if (pthread_tryjoin_np(th, NULL) == 0)
			break;
		sched_yield();
	}
	close(c->inotify);
}

START_TEST(test_generation_retry)
{
	struct printeng_snap s;
	struct printeng_dev *dev;
	struct changer c;
	pthread_t th;
	int ret;

	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	changer_start(&c, &th, 1);
	ret = printeng_snapshot(dev, &s);
	changer_stop(&c, th);
	ck_assert_msg(ret == 0, "%d: %s", ret, printeng_ctx_error(ctx));
	/* The first read was torn (old meter, new generation): read again. */
	ck_assert_uint_eq(c.rounds, 2);
	ck_assert_uint_eq(s.generation, PE_TREE_GENERATION + 1);
	ck_assert_uint_eq(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 5000);
	ck_assert_str_eq(s.supplies[0].description, "Black toner");
	printeng_close(dev);
}
END_TEST

START_TEST(test_generation_retries_bounded)
{
	struct printeng_snap s;
	struct printeng_dev *dev;
	struct changer c;
	pthread_t th;
	int ret;

	printeng_ctx_set_sysfs_retries(ctx, 3);
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	changer_start(&c, &th, 1000);
	memset(&s, 0, sizeof(s));
	ret = printeng_snapshot(dev, &s);
	changer_stop(&c, th);
	ck_assert_int_eq(ret, -EAGAIN);
	ck_assert_uint_eq(c.rounds, 4);
	assert_error_mentions("changed during each of 4 reads");
	ck_assert_uint_eq(s.generation, 0);
	printeng_close(dev);
}
END_TEST

START_TEST(test_generation_no_retry)
{
	struct printeng_snap s;
	struct printeng_dev *dev;
	struct changer c;
	pthread_t th;
	int ret;

	printeng_ctx_set_sysfs_retries(ctx, 0);
	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	changer_start(&c, &th, 1);
	ret = printeng_snapshot(dev, &s);
	changer_stop(&c, th);
	ck_assert_int_eq(ret, -EAGAIN);
	ck_assert_uint_eq(c.rounds, 1);
	/* The device has settled: the next snapshot succeeds at once. */
	changer_start(&c, &th, 0);
	ret = printeng_snapshot(dev, &s);
	changer_stop(&c, th);
	ck_assert_int_eq(ret, 0);
	ck_assert_uint_eq(c.rounds, 1);
	ck_assert_uint_eq(s.generation, PE_TREE_GENERATION + 1);
	printeng_close(dev);
}
END_TEST

/* ---- the handle's last sysfs snapshot ---- */

/* Rewrite a file in place (same inode), as a stale value would look. */
static void overwrite(unsigned int index, const char *file, const char *v)
{
	char path[PATH_MAX];
	int fd;

	pe_tree_dev_path(&tree, index, file, path);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, v, strlen(v)), (ssize_t)strlen(v));
	close(fd);
}

START_TEST(test_sysfs_same_generation_cached)
{
	struct printeng_snap a, b;
	struct printeng_dev *dev;
	char gen[32];

	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	ck_assert_int_eq(printeng_snapshot(dev, &a), 0);
	/*
	 * A value changed without a new generation is not an accepted change:
	 * the handle gives its last snapshot again (one file read), taken now.
	 */
	overwrite(0, "impressions_total", "999999\n");
	ck_assert_int_eq(printeng_snapshot(dev, &b), 0);
	ck_assert(printeng_snap_same(&a, &b));
	ck_assert_uint_eq(b.meters[PRINTENG_METER_IMPRESSIONS_TOTAL],
			  expect0.meters[PRINTENG_METER_IMPRESSIONS_TOTAL]);
	ck_assert_uint_ge(b.mono_ns, a.mono_ns);
	ck_assert_uint_ge(b.real_ns, a.real_ns);
	/* The generation bumped in place: everything is read again. */
	snprintf(gen, sizeof(gen), "%llu\n", (unsigned long long)PE_TREE_GENERATION + 1);
	overwrite(0, "generation", gen);
	ck_assert_int_eq(printeng_snapshot(dev, &b), 0);
	ck_assert_uint_eq(b.generation, PE_TREE_GENERATION + 1);
	ck_assert_uint_eq(b.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 999999);
	printeng_close(dev);
}
END_TEST

START_TEST(test_sysfs_new_generation_file_read_again)
{
	struct printeng_snap a, b;
	struct printeng_dev *dev;
	char gen[32];

	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	ck_assert_int_eq(printeng_snapshot(dev, &a), 0);
	/*
	 * The same generation in another file (an engine registered again
	 * starts over, a tree rebuilt): not the snapshot the handle holds.
	 */
	overwrite(0, "impressions_total", "777\n");
	snprintf(gen, sizeof(gen), "%llu\n", (unsigned long long)PE_TREE_GENERATION);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "generation", gen), 0);
	ck_assert_int_eq(printeng_snapshot(dev, &b), 0);
	ck_assert_uint_eq(b.generation, PE_TREE_GENERATION);
	ck_assert_uint_eq(b.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 777);
	/* A bad value read again is refused, not hidden by the last snapshot. */
	overwrite(0, "impressions_total", "x\n");
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "generation", gen), 0);
	ck_assert_int_eq(printeng_snapshot(dev, &b), -EINVAL);
	printeng_close(dev);
}
END_TEST

/* Open descriptors of this process. */
static int open_fds(void)
{
	char path[64];
	int fd, n = 0;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (access(path, F_OK) == 0)
			n++;
	}
	return n;
}

START_TEST(test_sysfs_kept_generation_file)
{
	struct printeng_snap a, b;
	struct printeng_dev *dev;
	char gen[32];
	int fds, i;

	ck_assert_int_eq(printeng_open(ctx, 0, &dev), 0);
	ck_assert_int_eq(printeng_snapshot(dev, &a), 0);
	fds = open_fds();
	/*
	 * The handle keeps the generation file it read open.  Gone from its
	 * path, it answers no more for the engine, though still readable.
	 */
	ck_assert_int_eq(pe_tree_dev_rm(&tree, 0, "generation"), 0);
	ck_assert_int_lt(printeng_snapshot(dev, &b), 0);
	/* Back with the same generation and another value: read again. */
	overwrite(0, "impressions_total", "4242\n");
	snprintf(gen, sizeof(gen), "%llu\n", (unsigned long long)PE_TREE_GENERATION);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "generation", gen), 0);
	ck_assert_int_eq(printeng_snapshot(dev, &b), 0);
	ck_assert_uint_eq(b.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 4242);
	/*
	 * New generations, in place and in new files, each seen at once, and
	 * one descriptor kept, never more.
	 */
	for (i = 1; i <= 50; i++) {
		snprintf(gen, sizeof(gen), "%llu\n",
			 (unsigned long long)PE_TREE_GENERATION + (unsigned int)i);
		if (i % 2)
			overwrite(0, "generation", gen);
		else
			ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "generation", gen), 0);
		ck_assert_int_eq(printeng_snapshot(dev, &b), 0);
		ck_assert_uint_eq(b.generation, PE_TREE_GENERATION + (unsigned int)i);
		ck_assert_int_eq(printeng_snapshot(dev, &b), 0);
		ck_assert_uint_eq(b.generation, PE_TREE_GENERATION + (unsigned int)i);
	}
	ck_assert_int_eq(open_fds(), fds);
	printeng_close(dev);
	ck_assert_int_eq(open_fds(), fds - 1);
}
END_TEST

/* ---- comparison ---- */

START_TEST(test_snap_same)
{
	struct printeng_snap a = expect0, b = expect0;

	b.source = PRINTENG_SRC_IOCTL;
	b.real_ns = 1;
	b.mono_ns = 2;
	ck_assert(printeng_snap_same(&a, &b));
	b.generation++;
	ck_assert(!printeng_snap_same(&a, &b));
	b = expect0;
	b.meters[3]++;
	ck_assert(!printeng_snap_same(&a, &b));
	b = expect0;
	b.meters[20] = 5;	/* not in the mask: not compared */
	ck_assert(printeng_snap_same(&a, &b));
	b.meter_mask &= ~1ull;
	ck_assert(!printeng_snap_same(&a, &b));
	b = expect0;
	b.supplies[4].state = PRINTENG_STATE_OK;
	ck_assert(!printeng_snap_same(&a, &b));
	b = expect0;
	strcpy(b.supplies[2].description, "Drum");
	ck_assert(!printeng_snap_same(&a, &b));
	b = expect0;
	strcpy(b.controller_fw, "C9");
	ck_assert(!printeng_snap_same(&a, &b));
	b = expect0;
	b.num_supplies--;
	ck_assert(!printeng_snap_same(&a, &b));
}
END_TEST

static Suite *libprinteng_suite(void)
{
	Suite *s = suite_create("libprinteng");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_test(tc, test_meter_names);
	tcase_add_test(tc, test_supply_names);
	tcase_add_test(tc, test_ctx_root);
	suite_add_tcase(s, tc);

	tc = tcase_create("devices");
	tcase_add_checked_fixture(tc, setup_tree, teardown_tree);
	tcase_add_test(tc, test_list_missing_class);
	tcase_add_test(tc, test_list_sorted);
	tcase_add_test(tc, test_list_empty);
	tcase_add_test(tc, test_open_missing);
	tcase_add_test(tc, test_open_sysfs_only);
	tcase_add_test(tc, test_open_devnode_not_chrdev);
	tcase_add_test(tc, test_open_devnode_wrong_chrdev);
	tcase_add_test(tc, test_open_devnode_not_printeng);
	tcase_add_test(tc, test_open_bad_identity);
	suite_add_tcase(s, tc);

	tc = tcase_create("sysfs");
	tcase_add_checked_fixture(tc, setup_tree, teardown_tree);
	tcase_add_test(tc, test_snapshot_every_field);
	tcase_add_test(tc, test_snapshot_limits);
	tcase_add_test(tc, test_snapshot_meter_subset);
	tcase_add_test(tc, test_snapshot_no_supplies);
	tcase_add_loop_test(tc, test_snapshot_garbage, 0, (int)N(garbage));
	tcase_add_test(tc, test_snapshot_missing_files);
	tcase_add_test(tc, test_snapshot_supply_dirs);
	tcase_add_test(tc, test_snapshot_device_gone);
	tcase_add_test(tc, test_snapshot_other_engine);
	tcase_add_test(tc, test_snap_same);
	suite_add_tcase(s, tc);

	tc = tcase_create("generation");
	tcase_add_checked_fixture(tc, setup_tree, teardown_tree);
	tcase_add_test(tc, test_generation_retry);
	tcase_add_test(tc, test_generation_retries_bounded);
	tcase_add_test(tc, test_generation_no_retry);
	tcase_add_test(tc, test_sysfs_same_generation_cached);
	tcase_add_test(tc, test_sysfs_new_generation_file_read_again);
	tcase_add_test(tc, test_sysfs_kept_generation_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(libprinteng_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
