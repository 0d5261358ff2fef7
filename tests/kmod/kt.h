/* SPDX-License-Identifier: GPL-2.0-only */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * kt: the small helper shared by the guest tests of printeng.ko.
 *
 * TAP output: every check prints "ok N - name" or
 * "not ok N - name # reason"; kt_done() prints the plan and a summary
 * line and returns the exit status (0 only if every check passed).
 *
 * Simulator control: engines are created and removed through
 * /sys/kernel/debug/printeng_sim/control, and driven through the files
 * of /sys/kernel/debug/printeng_sim/NAME/ (see kmod/printeng_sim.c).
 */
#ifndef KT_H
#define KT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/printeng.h>

#define KT_PRINTF(a, b) __attribute__((format(printf, a, b)))

#define SIM_DIR		"/sys/kernel/debug/printeng_sim"
#define SIM_CONTROL	SIM_DIR "/control"
#define PE_CLASS	"/sys/class/printeng"

/* --- TAP ---------------------------------------------------------- */

/* Start a test program: line-buffered output, a header comment. */
void kt_init(const char *prog);
/* Reason printed after "# " on the next failing check only. */
void kt_why(const char *fmt, ...) KT_PRINTF(1, 2);
/* One check; returns cond. */
bool kt_ok(bool cond, const char *fmt, ...) KT_PRINTF(2, 3);
/* One check expected to have failed with @err (ret == -1, errno). */
bool kt_errno(long ret, int err, const char *fmt, ...) KT_PRINTF(3, 4);
/* One check that a call returned >= 0 (prints errno otherwise). */
bool kt_success(long ret, const char *fmt, ...) KT_PRINTF(2, 3);
/* One check that a helper returning 0 or -errno returned @want. */
bool kt_ret(int got, int want, const char *fmt, ...) KT_PRINTF(3, 4);
bool kt_eq_u64(uint64_t got, uint64_t want, const char *fmt, ...) KT_PRINTF(3, 4);
bool kt_eq_s64(int64_t got, int64_t want, const char *fmt, ...) KT_PRINTF(3, 4);
bool kt_eq_str(const char *got, const char *want, const char *fmt, ...) KT_PRINTF(3, 4);
void kt_skip(const char *reason, const char *fmt, ...) KT_PRINTF(2, 3);
/* A "# " comment line. */
void kt_diag(const char *fmt, ...) KT_PRINTF(1, 2);
/* Stop at once: "Bail out!" and exit 1. */
void kt_bail(const char *fmt, ...) KT_PRINTF(1, 2) __attribute__((noreturn));
/* Plan and summary; returns the exit status. */
int kt_done(void);
/* Number of failed checks so far. */
int kt_failed(void);

/* --- time, files -------------------------------------------------- */

double kt_now(void);			/* CLOCK_MONOTONIC, seconds */
void kt_msleep(unsigned int ms);
/* Write @s in one write(); 0 or -errno. */
int kt_write_file(const char *path, const char *s);
/* Read up to len-1 bytes, NUL-terminate, strip one trailing newline;
 * returns the length or -errno.
 */
int kt_read_file(const char *path, char *buf, size_t len);
bool kt_exists(const char *path);

/* --- simulator ---------------------------------------------------- */

/* Mount debugfs if needed; bail out when printeng_sim is not loaded. */
void kt_setup(void);
/* Write a command to the control file; 0 or -errno. */
int sim_ctl(const char *fmt, ...) KT_PRINTF(1, 2);
/* "add NAME OPTS": the new engine's printeng index, or -errno. */
int sim_add(const char *name, const char *opts);
int sim_del(const char *name);
/* Write to /sys/kernel/debug/printeng_sim/NAME/FILE; 0 or -errno. */
int sim_cmd(const char *name, const char *file, const char *fmt, ...) KT_PRINTF(3, 4);
/* printeng index of an engine (from its info file), or -errno. */
int sim_index(const char *name);

/* --- printeng ----------------------------------------------------- */

int pe_open(int idx, int flags);		/* fd or -errno */
int pe_snap(int fd, struct printeng_snapshot *s);	/* 0 or -errno */
int pe_info(int fd, struct printeng_info *i);	/* 0 or -errno */
/* Read /sys/class/printeng/printeng<idx>/ATTR; length or -errno. */
int pe_sysfs(int idx, const char *attr, char *buf, size_t len);
/* Same, parsed as an unsigned decimal; 0 or -errno. */
int pe_sysfs_u64(int idx, const char *attr, uint64_t *v);
int pe_sysfs_s64(int idx, const char *attr, int64_t *v);
uint64_t pe_generation(int idx);	/* sysfs generation, or 0 on error */

/* Names as the kernel spells them in sysfs, uevents and netlink. */
extern const char *const pe_meter_names[__PRINTENG_METER_COUNT];
const char *pe_type_name(uint32_t type);
const char *pe_unit_name(uint32_t unit);
const char *pe_state_name(uint32_t state);

/* Meter values as the simulator prints them (see sim_print()). */
struct kt_meters {
	uint64_t v[__PRINTENG_METER_COUNT];
};
void kt_count_print(struct kt_meters *m, unsigned int sheets, bool color,
		    bool duplex, bool large);

#endif /* KT_H */
