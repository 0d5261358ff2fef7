// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * kt: TAP output and printeng_sim control for the guest tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kt.h"

static int kt_count;
static int kt_fail;
static char kt_reason[512];
static const char *kt_prog = "kt";

void kt_init(const char *prog)
{
	kt_prog = prog;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# %s\n", prog);
}

void kt_why(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kt_reason, sizeof(kt_reason), fmt, ap);
	va_end(ap);
}

static bool kt_vok(bool cond, const char *fmt, va_list ap)
{
	char name[512];

	vsnprintf(name, sizeof(name), fmt, ap);
	kt_count++;
	if (cond) {
		printf("ok %d - %s\n", kt_count, name);
	} else {
		kt_fail++;
		if (kt_reason[0])
			printf("not ok %d - %s # %s\n", kt_count, name,
			       kt_reason);
		else
			printf("not ok %d - %s\n", kt_count, name);
	}
	kt_reason[0] = '\0';
	return cond;
}

bool kt_ok(bool cond, const char *fmt, ...)
{
	va_list ap;
	bool r;

	va_start(ap, fmt);
	r = kt_vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

bool kt_errno(long ret, int err, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	bool r;

	if (ret != -1)
		kt_why("expected %s, got %ld", strerrorname_np(err), ret);
	else if (saved != err)
		kt_why("expected %s, got %s", strerrorname_np(err),
		       strerrorname_np(saved) ?: "?");
	va_start(ap, fmt);
	r = kt_vok(ret == -1 && saved == err, fmt, ap);
	va_end(ap);
	return r;
}

bool kt_success(long ret, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	bool r;

	if (ret < 0)
		kt_why("returned %ld (%s)", ret, strerror(saved));
	va_start(ap, fmt);
	r = kt_vok(ret >= 0, fmt, ap);
	va_end(ap);
	return r;
}

bool kt_ret(int got, int want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	if (got != want)
		kt_why("expected %d (%s), got %d (%s)", want,
		       want < 0 ? strerrorname_np(-want) : "ok", got,
		       got < 0 ? strerrorname_np(-got) ?: "?" : "ok");
	va_start(ap, fmt);
	r = kt_vok(got == want, fmt, ap);
	va_end(ap);
	return r;
}

bool kt_eq_u64(uint64_t got, uint64_t want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	if (got != want)
		kt_why("got %" PRIu64 ", want %" PRIu64, got, want);
	va_start(ap, fmt);
	r = kt_vok(got == want, fmt, ap);
	va_end(ap);
	return r;
}

bool kt_eq_s64(int64_t got, int64_t want, const char *fmt, ...)
{
	va_list ap;
	bool r;

	if (got != want)
		kt_why("got %" PRId64 ", want %" PRId64, got, want);
	va_start(ap, fmt);
	r = kt_vok(got == want, fmt, ap);
	va_end(ap);
	return r;
}

bool kt_eq_str(const char *got, const char *want, const char *fmt, ...)
{
	bool eq = got && want && !strcmp(got, want);
	va_list ap;
	bool r;

	if (!eq)
		kt_why("got \"%s\", want \"%s\"", got ?: "(null)",
		       want ?: "(null)");
	va_start(ap, fmt);
	r = kt_vok(eq, fmt, ap);
	va_end(ap);
	return r;
}

void kt_skip(const char *reason, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	kt_count++;
	printf("ok %d - %s # SKIP %s\n", kt_count, name, reason);
}

void kt_diag(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("# %s\n", line);
}

void kt_bail(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("Bail out! %s: %s\n", kt_prog, line);
	exit(1);
}

int kt_done(void)
{
	printf("1..%d\n", kt_count);
	printf("# %s: %d passed, %d failed\n", kt_prog, kt_count - kt_fail,
	       kt_fail);
	fflush(stdout);
	return kt_fail || !kt_count ? 1 : 0;
}

int kt_failed(void)
{
	return kt_fail;
}

double kt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void kt_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int kt_write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, s, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

int kt_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

bool kt_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

void kt_setup(void)
{
	if (!kt_exists("/sys/kernel/debug/printeng_sim"))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	if (!kt_exists(SIM_CONTROL))
		kt_bail("%s missing: printeng_sim not loaded?", SIM_CONTROL);
	if (!kt_exists(PE_CLASS))
		kt_bail("%s missing: printeng not loaded?", PE_CLASS);
}

static int sim_vwrite(const char *path, const char *fmt, va_list ap)
{
	char cmd[1024];

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	return kt_write_file(path, cmd);
}

int sim_ctl(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = sim_vwrite(SIM_CONTROL, fmt, ap);
	va_end(ap);
	return r;
}

int sim_add(const char *name, const char *opts)
{
	int r;

	r = sim_ctl("add %s %s", name, opts ?: "");
	if (r)
		return r;
	return sim_index(name);
}

int sim_del(const char *name)
{
	return sim_ctl("del %s", name);
}

int sim_cmd(const char *name, const char *file, const char *fmt, ...)
{
	char path[256];
	va_list ap;
	int r;

	snprintf(path, sizeof(path), SIM_DIR "/%s/%s", name, file);
	va_start(ap, fmt);
	r = sim_vwrite(path, fmt, ap);
	va_end(ap);
	return r;
}

int sim_index(const char *name)
{
	char path[256], buf[64];
	int r, idx;

	snprintf(path, sizeof(path), SIM_DIR "/%s/info", name);
	r = kt_read_file(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (sscanf(buf, "printeng%d", &idx) != 1)
		return -EINVAL;
	return idx;
}

int pe_open(int idx, int flags)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/printeng%d", idx);
	fd = open(path, flags | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int pe_snap(int fd, struct printeng_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return ioctl(fd, PRINTENG_IOC_GET_SNAPSHOT, s) ? -errno : 0;
}

int pe_info(int fd, struct printeng_info *i)
{
	memset(i, 0, sizeof(*i));
	i->size = sizeof(*i);
	return ioctl(fd, PRINTENG_IOC_GET_INFO, i) ? -errno : 0;
}

int pe_sysfs(int idx, const char *attr, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), PE_CLASS "/printeng%d/%s", idx, attr);
	return kt_read_file(path, buf, len);
}

int pe_sysfs_u64(int idx, const char *attr, uint64_t *v)
{
	char buf[64], *end;
	int r;

	r = pe_sysfs(idx, attr, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno || end == buf || *end || buf[0] == '-')
		return -EINVAL;
	return 0;
}

int pe_sysfs_s64(int idx, const char *attr, int64_t *v)
{
	char buf[64], *end;
	int r;

	r = pe_sysfs(idx, attr, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	*v = strtoll(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

uint64_t pe_generation(int idx)
{
	uint64_t g;

	return pe_sysfs_u64(idx, "generation", &g) ? 0 : g;
}

const char *const pe_meter_names[__PRINTENG_METER_COUNT] = {
	[PRINTENG_METER_IMPRESSIONS_TOTAL]	= "impressions_total",
	[PRINTENG_METER_IMPRESSIONS_MONO]	= "impressions_mono",
	[PRINTENG_METER_IMPRESSIONS_COLOR]	= "impressions_color",
	[PRINTENG_METER_IMPRESSIONS_DUPLEX]	= "impressions_duplex",
	[PRINTENG_METER_IMPRESSIONS_LARGE]	= "impressions_large",
	[PRINTENG_METER_SHEETS_TOTAL]		= "sheets_total",
	[PRINTENG_METER_SHEETS_DUPLEX]		= "sheets_duplex",
};

/* As documented in docs/ABI/testing/sysfs-class-printeng. */
const char *pe_type_name(uint32_t type)
{
	switch (type) {
	case PRINTENG_SUPPLY_OTHER:		return "other";
	case PRINTENG_SUPPLY_TONER:		return "toner";
	case PRINTENG_SUPPLY_WASTE_TONER:	return "waste_toner";
	case PRINTENG_SUPPLY_INK:		return "ink";
	case PRINTENG_SUPPLY_OPC:		return "opc";
	case PRINTENG_SUPPLY_DEVELOPER:		return "developer";
	case PRINTENG_SUPPLY_FUSER:		return "fuser";
	case PRINTENG_SUPPLY_CLEANER_UNIT:	return "cleaner_unit";
	case PRINTENG_SUPPLY_TRANSFER_UNIT:	return "transfer_unit";
	case PRINTENG_SUPPLY_TONER_CARTRIDGE:	return "toner_cartridge";
	case PRINTENG_SUPPLY_STAPLES:		return "staples";
	default:				return "unknown";
	}
}

const char *pe_unit_name(uint32_t unit)
{
	switch (unit) {
	case PRINTENG_UNIT_OTHER:		return "other";
	case PRINTENG_UNIT_IMPRESSIONS:		return "impressions";
	case PRINTENG_UNIT_SHEETS:		return "sheets";
	case PRINTENG_UNIT_ITEMS:		return "items";
	case PRINTENG_UNIT_PERCENT:		return "percent";
	default:				return "unknown";
	}
}

const char *pe_state_name(uint32_t state)
{
	static const char *const names[__PRINTENG_STATE_COUNT] = {
		"ok", "low", "empty", "missing",
	};

	return state < __PRINTENG_STATE_COUNT ? names[state] : "unknown";
}

void kt_count_print(struct kt_meters *m, unsigned int sheets, bool color,
		    bool duplex, bool large)
{
	uint64_t ips = duplex ? 2 : 1;

	m->v[PRINTENG_METER_IMPRESSIONS_TOTAL] += ips * sheets;
	m->v[color ? PRINTENG_METER_IMPRESSIONS_COLOR :
		     PRINTENG_METER_IMPRESSIONS_MONO] += ips * sheets;
	if (duplex) {
		m->v[PRINTENG_METER_IMPRESSIONS_DUPLEX] += ips * sheets;
		m->v[PRINTENG_METER_SHEETS_DUPLEX] += sheets;
	}
	if (large)
		m->v[PRINTENG_METER_IMPRESSIONS_LARGE] += ips * sheets;
	m->v[PRINTENG_METER_SHEETS_TOTAL] += sheets;
}
