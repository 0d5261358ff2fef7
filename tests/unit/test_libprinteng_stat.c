// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of printeng-stat: its text and JSON formats (JSON parsed back
 * with jansson), and the printeng-stat program itself run on fake sysfs
 * trees (exit status, stdout, stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>
#include <jansson.h>

#include "ckrun.h"
#include "lib/libprinteng.h"
#include "tools/statfmt.h"
#include "fixtures/sysfs/pe_tree.h"

static struct pe_tree tree;
static struct printeng_snap expect0;

static void setup_tree(void)
{
	ck_assert_int_eq(pe_tree_init(&tree), 0);
	ck_assert_int_eq(pe_tree_add_device(&tree, 0, &expect0), 0);
	expect0.source = PRINTENG_SRC_SYSFS;
	expect0.real_ns = 1795000000123456789ull;	/* 2026-11-18T11:06:40.123Z */
	expect0.mono_ns = 42;
}

static void teardown_tree(void)
{
	pe_tree_cleanup(&tree);
}

/* ---- formats ---- */

static const char *jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_string(v), "\"%s\" is not a string", key);
	return json_string_value(v);
}

static json_int_t jint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "\"%s\" is not an integer", key);
	return json_integer_value(v);
}

/* Check a parsed snapshot object against @e, every field. */
static void check_snap_json(json_t *o, const struct printeng_snap *e,
			    bool times)
{
	json_t *meters, *sup, *s;
	char num[32];
	unsigned int i;

	ck_assert(json_is_object(o));
	ck_assert_str_eq(jstr(o, "device"), "printeng0");
	ck_assert_int_eq(jint(o, "index"), e->index);
	ck_assert_str_eq(jstr(o, "source"), printeng_source_name(e->source));
	snprintf(num, sizeof(num), "%llu", (unsigned long long)e->generation);
	ck_assert_str_eq(jstr(o, "generation"), num);
	if (times) {
		ck_assert_str_eq(jstr(o, "time"), "2026-11-18T11:06:40.123Z");
		ck_assert_str_eq(jstr(o, "real_ns"), "1795000000123456789");
		ck_assert_str_eq(jstr(o, "mono_ns"), "42");
	} else {
		ck_assert_uint_eq(strlen(jstr(o, "time")), 24);
		jstr(o, "real_ns");
		jstr(o, "mono_ns");
	}
	ck_assert_str_eq(jstr(o, "serial"), e->serial);
	ck_assert_str_eq(jstr(o, "model"), e->model);
	ck_assert_str_eq(jstr(o, "engine_fw"), e->engine_fw);
	ck_assert_str_eq(jstr(o, "controller_fw"), e->controller_fw);

	meters = json_object_get(o, "meters");
	ck_assert(json_is_object(meters));
	ck_assert_uint_eq(json_object_size(meters), __PRINTENG_METER_COUNT);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)e->meters[i]);
		ck_assert_str_eq(jstr(meters, printeng_meter_name(i)), num);
	}

	sup = json_object_get(o, "supplies");
	ck_assert(json_is_array(sup));
	ck_assert_uint_eq(json_array_size(sup), e->num_supplies);
	for (i = 0; i < e->num_supplies; i++) {
		const struct printeng_supply_entry *x = &e->supplies[i];

		s = json_array_get(sup, i);
		ck_assert_int_eq(jint(s, "index"), i);
		ck_assert_str_eq(jstr(s, "type"), printeng_supply_type_name(x->type));
		ck_assert_str_eq(jstr(s, "unit"), printeng_supply_unit_name(x->unit));
		ck_assert_str_eq(jstr(s, "colorant"), x->colorant);
		ck_assert_str_eq(jstr(s, "description"), x->description);
		ck_assert_int_eq(jint(s, "level"), x->level);
		ck_assert_int_eq(jint(s, "max_capacity"), x->max_capacity);
		ck_assert_str_eq(jstr(s, "state"), printeng_supply_state_name(x->state));
		ck_assert_int_eq(jint(s, "replaced"), x->replaced);
		ck_assert_uint_eq(json_object_size(s), 9);
	}
	ck_assert_uint_eq(json_object_size(o), 13);
}

START_TEST(test_json_roundtrip)
{
	json_error_t err;
	json_t *j, *back;
	char *text;

	j = statfmt_json(&expect0);
	ck_assert_ptr_nonnull(j);
	text = json_dumps(j, JSON_COMPACT);
	ck_assert_ptr_nonnull(text);
	json_decref(j);
	back = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	ck_assert_msg(back != NULL, "%s: %s", text, err.text);
	check_snap_json(back, &expect0, true);
	/* The specials stay numbers: -3 some remaining, -2 unknown, -1 other. */
	ck_assert_int_eq(jint(json_array_get(json_object_get(back, "supplies"), 3),
			      "level"), -3);
	ck_assert_int_eq(jint(json_array_get(json_object_get(back, "supplies"), 4),
			      "max_capacity"), -1);
	json_decref(back);
	free(text);
}
END_TEST

START_TEST(test_json_extremes)
{
	struct printeng_snap s = expect0;
	json_t *j, *m;

	s.meters[0] = UINT64_MAX;
	s.meter_mask = 1 | (1ull << 20);
	s.meters[20] = 9;
	s.num_supplies = 0;
	s.supplies[0].type = 77;	/* a type the library has no name for */
	j = statfmt_json(&s);
	ck_assert_ptr_nonnull(j);
	m = json_object_get(j, "meters");
	ck_assert_str_eq(jstr(m, "impressions_total"), "18446744073709551615");
	ck_assert_str_eq(jstr(m, "meter_20"), "9");
	ck_assert_uint_eq(json_object_size(m), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "supplies")), 0);
	json_decref(j);

	s = expect0;
	s.supplies[0].type = 77;
	s.supplies[0].unit = 0;
	j = statfmt_json(&s);
	ck_assert_str_eq(jstr(json_array_get(json_object_get(j, "supplies"), 0),
			      "type"), "unknown");
	ck_assert_str_eq(jstr(json_array_get(json_object_get(j, "supplies"), 0),
			      "unit"), "unknown");
	json_decref(j);
}
END_TEST

START_TEST(test_event_json)
{
	struct printeng_event ev;
	json_t *j, *s;

	memset(&ev, 0, sizeof(ev));
	ev.type = PRINTENG_EVENT_SUPPLY;
	ev.index = 3;
	ev.generation = 99;
	ev.supply_index = 1;
	ev.old_state = PRINTENG_STATE_OK;
	ev.supply = expect0.supplies[1];
	j = statfmt_event_json(&ev);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(jstr(j, "event"), "supply");
	ck_assert_str_eq(jstr(j, "device"), "printeng3");
	ck_assert_str_eq(jstr(j, "generation"), "99");
	ck_assert_str_eq(jstr(j, "old_state"), "ok");
	s = json_object_get(j, "supply");
	ck_assert_int_eq(jint(s, "index"), 1);
	ck_assert_str_eq(jstr(s, "state"), "low");
	ck_assert_str_eq(jstr(s, "colorant"), "cyan");
	json_decref(j);

	ev.type = PRINTENG_EVENT_METERS;
	ev.meter_mask = 3;
	ev.meters[1] = 12;
	ev.real_ns = expect0.real_ns;
	j = statfmt_event_json(&ev);
	ck_assert_str_eq(jstr(j, "event"), "meters");
	ck_assert_str_eq(jstr(j, "time"), "2026-11-18T11:06:40.123Z");
	ck_assert_str_eq(jstr(json_object_get(j, "meters"), "impressions_mono"), "12");
	ck_assert_uint_eq(json_object_size(json_object_get(j, "meters")), 2);
	ck_assert_ptr_null(json_object_get(j, "supply"));
	json_decref(j);

	ev.type = PRINTENG_EVENT_REMOVED;
	j = statfmt_event_json(&ev);
	ck_assert_str_eq(jstr(j, "event"), "removed");
	ck_assert_uint_eq(json_object_size(j), 3);
	json_decref(j);
}
END_TEST

START_TEST(test_level_text)
{
	struct printeng_supply_entry s = { .unit = PRINTENG_UNIT_PERCENT };
	char b[64];

	s.level = 80;
	s.max_capacity = 100;
	statfmt_level(b, sizeof(b), &s);
	ck_assert_str_eq(b, "80%");
	s.unit = PRINTENG_UNIT_IMPRESSIONS;
	s.level = 1200;
	s.max_capacity = 5000;
	statfmt_level(b, sizeof(b), &s);
	ck_assert_str_eq(b, "1200 of 5000 impressions");
	s.max_capacity = PRINTENG_LEVEL_UNKNOWN;
	statfmt_level(b, sizeof(b), &s);
	ck_assert_str_eq(b, "1200 impressions");
	s.level = PRINTENG_LEVEL_SOME_REMAINING;
	statfmt_level(b, sizeof(b), &s);
	ck_assert_str_eq(b, "some remaining");
	s.level = PRINTENG_LEVEL_UNKNOWN;
	statfmt_level(b, sizeof(b), &s);
	ck_assert_str_eq(b, "unknown");
	s.level = PRINTENG_LEVEL_OTHER;
	statfmt_level(b, sizeof(b), &s);
	ck_assert_str_eq(b, "other");
	s.level = -9;
	statfmt_level(b, sizeof(b), &s);
	ck_assert_str_eq(b, "invalid (-9)");
	statfmt_time(b, sizeof(b), 0);
	ck_assert_str_eq(b, "1970-01-01T00:00:00.000Z");
}
END_TEST

/* Text written by @fn into a string (caller frees). */
static char *capture_text(const struct printeng_snap *a,
			  const struct printeng_snap *b, int *lines)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	if (b)
		*lines = statfmt_diff(f, a, b);
	else
		statfmt_text(f, a);
	fclose(f);
	return buf;
}

static void assert_has(const char *text, const char *want)
{
	ck_assert_msg(strstr(text, want), "\"%s\" not in:\n%s", want, text);
}

START_TEST(test_text)
{
	char *t = capture_text(&expect0, NULL, NULL);

	assert_has(t, "printeng0: serial SIM0, model \"esol Simulated Printer 5000\"\n");
	assert_has(t, "engine firmware:     E1.2.3\n");
	assert_has(t, "controller firmware: C4.5.6-rc1\n");
	assert_has(t, "generation:          17 (2026-11-18T11:06:40.123Z, via sysfs)\n");
	assert_has(t, "    impressions_total    1000000012345\n");
	assert_has(t, "    sheets_duplex        7000000012351\n");
	assert_has(t, "toner           black    80%");
	assert_has(t, "opc             black    12000 of 20000 impressions");
	assert_has(t, "fuser           -        some remaining");
	assert_has(t, "waste_toner     -        unknown                  missing");
	assert_has(t, "Cyan toner \xe2\x80\x93 2k\n");
	free(t);
}
END_TEST

START_TEST(test_diff)
{
	struct printeng_snap b = expect0;
	int lines = -1;
	char *t;

	b.real_ns++;
	t = capture_text(&expect0, &b, &lines);
	ck_assert_int_eq(lines, 0);
	free(t);

	b.generation = 18;
	b.meters[PRINTENG_METER_IMPRESSIONS_TOTAL] += 10;
	b.supplies[0].level = 9;
	b.supplies[0].state = PRINTENG_STATE_LOW;
	b.supplies[2].replaced = 1;
	b.meter_mask &= ~(1ull << PRINTENG_METER_SHEETS_DUPLEX);
	t = capture_text(&expect0, &b, &lines);
	ck_assert_int_eq(lines, 4);
	assert_has(t, "printeng0: generation 18 at ");
	assert_has(t, "  impressions_total: 1000000012345 -> 1000000012355 (+10)\n");
	assert_has(t, "  sheets_duplex: gone\n");
	assert_has(t, "  supply 0 (toner black): level 80% -> 9%, state ok -> low\n");
	assert_has(t, "  supply 2 (opc black): replaced 0 -> 1\n");
	free(t);
}
END_TEST

/* ---- the program ---- */

struct run {
	int status;		/* exit status, or -1 when killed */
	char *out, *err;
};

/* Run printeng-stat (next to this test: ../../bin/) with argv. */
static void run_stat(struct run *r, ...)
{
	char self[PATH_MAX], prog[PATH_MAX + 32], out[PATH_MAX], err[PATH_MAX];
	const char *argv[16];
	ssize_t n;
	va_list ap;
	pid_t pid;
	int i = 1, st, fd;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(prog, sizeof(prog), "%s/../../bin/printeng-stat", self);
	argv[0] = prog;
	va_start(ap, r);
	while (i < 15 && (argv[i] = va_arg(ap, const char *)))
		i++;
	va_end(ap);
	argv[i] = NULL;
	pe_tree_path(&tree, out, "stdout");
	pe_tree_path(&tree, err, "stderr");

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		execv(prog, (char *const *)argv);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->out = ck_slurp(out);
	r->err = ck_slurp(err);
	ck_assert_msg(r->status != 127, "cannot run %s", prog);
}

static void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

START_TEST(test_prog_json)
{
	json_error_t jerr;
	struct run r;
	json_t *j;

	run_stat(&r, "--root", tree.root, "--json", "0", NULL);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.err, "");
	/* One object, one line. */
	ck_assert_ptr_eq(strchr(r.out, '\n'), r.out + strlen(r.out) - 1);
	j = json_loads(r.out, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(j != NULL, "%s: %s", r.out, jerr.text);
	check_snap_json(j, &expect0, false);
	json_decref(j);
	run_free(&r);

	/* "printeng0" names the same device; --source sysfs is the same here. */
	run_stat(&r, "--root", tree.root, "--json", "--source", "sysfs",
		 "printeng0", NULL);
	ck_assert_int_eq(r.status, 0);
	j = json_loads(r.out, 0, &jerr);
	ck_assert_ptr_nonnull(j);
	check_snap_json(j, &expect0, false);
	json_decref(j);
	run_free(&r);
}
END_TEST

START_TEST(test_prog_all_devices)
{
	json_error_t jerr;
	struct run r;
	json_t *j;
	size_t off;

	ck_assert_int_eq(pe_tree_add_device(&tree, 3, NULL), 0);
	run_stat(&r, "--root", tree.root, "--json", NULL);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	/* JSON lines: printeng0, then printeng3. */
	j = json_loadb(r.out, strlen(r.out), JSON_DISABLE_EOF_CHECK, &jerr);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(jstr(j, "device"), "printeng0");
	off = jerr.position;
	json_decref(j);
	j = json_loads(r.out + off, 0, &jerr);
	ck_assert_msg(j != NULL, "%s", jerr.text);
	ck_assert_str_eq(jstr(j, "device"), "printeng3");
	ck_assert_str_eq(jstr(j, "serial"), "SIM3");
	json_decref(j);
	run_free(&r);

	run_stat(&r, "--root", tree.root, NULL);
	ck_assert_int_eq(r.status, 0);
	assert_has(r.out, "printeng0: serial SIM0");
	assert_has(r.out, "printeng3: serial SIM3");
	assert_has(r.out, "    impressions_mono     2000000012346\n");
	run_free(&r);
}
END_TEST

START_TEST(test_prog_errors)
{
	struct run r;

	run_stat(&r, "--root", tree.root, "7", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_has(r.err, "printeng-stat: printeng7: No such file or directory: printeng7: no such device");
	ck_assert_str_eq(r.out, "");
	run_free(&r);

	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "supply2/level", "lots\n"), 0);
	run_stat(&r, "--root", tree.root, "--json", "0", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_has(r.err, "supply2/level: \"lots\" is not a decimal number");
	ck_assert_str_eq(r.out, "");
	run_free(&r);

	run_stat(&r, "--root", tree.root, "--source", "ioctl", "0", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_has(r.err, "no character device");
	run_free(&r);

	run_stat(&r, "--root", tree.root, "--watch", "0", NULL);
	ck_assert_int_eq(r.status, 1);
	assert_has(r.err, "cannot watch");
	run_free(&r);

	ck_assert_int_eq(pe_tree_rm(&tree, "sys"), 0);
	run_stat(&r, "--root", tree.root, NULL);
	ck_assert_int_eq(r.status, 1);
	assert_has(r.err, "not loaded");
	run_free(&r);

	ck_assert_int_eq(pe_tree_mkdir(&tree, "sys/class/printeng"), 0);
	run_stat(&r, "--root", tree.root, NULL);
	ck_assert_int_eq(r.status, 1);
	assert_has(r.err, "no printeng devices");
	run_free(&r);
}
END_TEST

START_TEST(test_prog_usage)
{
	struct run r;

	run_stat(&r, "--bogus", NULL);
	ck_assert_int_eq(r.status, 2);
	assert_has(r.err, "usage: printeng-stat");
	run_free(&r);
	run_stat(&r, "--root", tree.root, "lp0", NULL);
	ck_assert_int_eq(r.status, 2);
	assert_has(r.err, "\"lp0\" is not a device");
	run_free(&r);
	run_stat(&r, "--root", tree.root, "0", "1", NULL);
	ck_assert_int_eq(r.status, 2);
	run_free(&r);
	run_stat(&r, "--source", "carrier-pigeon", NULL);
	ck_assert_int_eq(r.status, 2);
	assert_has(r.err, "unknown source");
	run_free(&r);
	run_stat(&r, "--root", tree.root, "--source", "genl", NULL);
	ck_assert_int_eq(r.status, 2);
	assert_has(r.err, "no --root");
	run_free(&r);
	run_stat(&r, "--help", NULL);
	ck_assert_int_eq(r.status, 0);
	assert_has(r.out, "usage: printeng-stat");
	run_free(&r);
}
END_TEST

static Suite *stat_suite(void)
{
	Suite *s = suite_create("printeng_stat");
	TCase *tc;

	tc = tcase_create("format");
	tcase_add_checked_fixture(tc, setup_tree, teardown_tree);
	tcase_add_test(tc, test_json_roundtrip);
	tcase_add_test(tc, test_json_extremes);
	tcase_add_test(tc, test_event_json);
	tcase_add_test(tc, test_level_text);
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_diff);
	suite_add_tcase(s, tc);

	tc = tcase_create("program");
	tcase_add_checked_fixture(tc, setup_tree, teardown_tree);
	tcase_add_test(tc, test_prog_json);
	tcase_add_test(tc, test_prog_all_devices);
	tcase_add_test(tc, test_prog_errors);
	tcase_add_test(tc, test_prog_usage);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(stat_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
