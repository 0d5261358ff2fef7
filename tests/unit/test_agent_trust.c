// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_agent_trust: the whole agent (agent_new() with a config file, its
 * loop, the real transport against a real HTTPS server on loopback) where
 * the outside world is hostile or the disk fails (issue 12, sections 2
 * and 3):
 *
 *  - text from outside is data: a server header carrying a terminal
 *    escape (the Location of a redirect), a server error message with a
 *    bidirectional override, a PAC script whose error holds a newline and
 *    an OSC title sequence -- none reaches the status, the transmission
 *    log or a log line raw: each arrives escaped, on one line;
 *  - a message the server confirmed but the spool cannot remove is not
 *    sent again (no resend storm), the error is clear, and it is removed
 *    once the spool works again;
 *  - the server cannot make the device poll often: its "poll again
 *    after" has a floor and a daily budget, a failed poll is retried no
 *    sooner than the floor.
 *
 * The agent's log (stderr) is captured to a file and read back.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ckrun.h"
#include "agent/agent_cfg.h"
#include "agent/agent_priv.h"
#include "agent/exchange.h"
#include "agent/limits.h"
#include "common/escape.h"
#include "common/log.h"
#include "core/spool.h"
#include "fixtures/sysfs/pe_tree.h"
#include "net_testsrv.h"
#include "proto/proto.h"

static struct tsrv srv, plain;
static struct pe_tree tree;
static char dir[64], conf_path[128], log_path[128];
static struct agent *ag;
static int saved_stderr = -1;

static void setup(void)
{
	struct tsrv_opts o = {
		.tls = true, .cert = tsrv_pki_file("server.crt"),
		.key = tsrv_pki_file("server.key"),
	};
	int fd;

	strcpy(dir, "/tmp/test_agent_trust.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf_path, sizeof(conf_path), "%s/esold.conf", dir);
	snprintf(log_path, sizeof(log_path), "%s/stderr.log", dir);
	ck_assert_int_eq(pe_tree_init(&tree), 0);
	memset(&srv, 0, sizeof(srv));
	memset(&plain, 0, sizeof(plain));
	ck_assert_int_eq(tsrv_start(&srv, &o), 0);
	/* The agent's log lines, as an administrator would read them. */
	fflush(stderr);
	saved_stderr = dup(2);
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, 2), 0);
	close(fd);
	log_init("test_agent_trust", LOG_SINK_STDERR, LOG_DEBUG);
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	ag = NULL;
}

static void teardown(void)
{
	char cmd[160];

	agent_free(ag);
	ag = NULL;
	tsrv_stop(&srv);
	if (plain.d)
		tsrv_stop(&plain);
	pe_tree_cleanup(&tree);
	fflush(stderr);
	if (saved_stderr >= 0) {
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* An hour of day 12 h from now (UTC): no slot falls within the test. */
static int far_hour(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_hour + 12) % 24;
}

static void write_conf(const char *extra)
{
	FILE *f = fopen(conf_path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "[agent]\nenabled = true\nlog_level = debug\nstate_dir = %s\n"
		"[server]\nurl = https://127.0.0.1:%u\nca_file = %s\n"
		"[schedule]\npoll_time = %02d:00\ntime_zone = UTC\nspread_minutes = 60\n"
		"[spool]\ndir = %s/spool\n[txlog]\npath = %s/txlog\n"
		"[control]\nsocket = %s/ctl.sock\ngroup =\n%s",
		dir, srv.port, tsrv_pki_file("ca.crt"), far_hour(), dir, dir, dir,
		extra ? extra : "");
	ck_assert_int_eq(fclose(f), 0);
}

static void start_agent(void)
{
	struct agent_opts o = { .config = conf_path, .root = tree.root, .verbose = true };

	ck_assert_int_eq(pe_tree_add_device(&tree, 0, NULL), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "serial", "ESOL-0001"), 0);
	ck_assert_int_eq(agent_new(&o, &ag), 0);
}

#define RUN_UNTIL(cond)							\
	do {								\
		while (!(cond))						\
			ck_assert_int_ge(loop_run_once(&ag->loop, 100), 0); \
	} while (0)

/* Run the loop for ms milliseconds. */
static void run_for(int ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if ((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 >= ms)
			return;
		ck_assert_int_ge(loop_run_once(&ag->loop, 50), 0);
	}
}

static json_t *ctl(enum ctl_cmd cmd)
{
	struct ctl_request req = { .cmd = cmd };
	struct control_peer root = { .pid = getpid(), .uid = 0, .admin = true };
	enum ctl_status st = CTL_OK;
	char msg[256] = "";
	json_t *j = agent_ctl_handle(ag, &req, &root, &st, msg, sizeof(msg));

	ck_assert_msg(st == CTL_OK, "%s: %s", ctl_cmd_name(cmd), msg);
	return j;
}

static void poll_now(void)
{
	json_decref(ctl(CTL_CMD_POLL_NOW));
}

/* Every string in j is clean (nothing left to escape). */
static void assert_clean(const json_t *j, const char *where)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		ck_assert_msg(esc_is_clean(json_string_value(j)), "%s: raw: %s", where,
			      json_string_value(j));
	} else if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v)
			assert_clean(v, k);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			assert_clean(v, where);
	}
}

/* The captured log: no raw control byte but newlines; contains want (escaped). */
static void assert_log(const char *want)
{
	char *s;
	size_t i;

	fflush(stderr);
	s = ck_slurp(log_path);
	for (i = 0; s[i]; i++)
		ck_assert_msg((unsigned char)s[i] >= 0x20 || s[i] == '\n',
			      "raw byte 0x%02x in a log line", (unsigned char)s[i]);
	ck_assert_msg(strstr(s, want), "the log lacks '%s': ...%s", want,
		      strlen(s) > 1500 ? s + strlen(s) - 1500 : s);
	free(s);
}

/* The last transmission-log record, its strings clean; returns its result. */
static char *last_txlog_result(void)
{
	char path[160], *s, *last, *res;
	json_t *rec;

	snprintf(path, sizeof(path), "%s/txlog", dir);
	s = ck_slurp(path);
	ck_assert_ptr_nonnull(strchr(s, '\n'));
	s[strlen(s) - 1] = '\0';
	last = strrchr(s, '\n');
	last = last ? last + 1 : s;
	rec = json_loads(last, 0, NULL);
	ck_assert_ptr_nonnull(rec);
	ck_assert(esc_is_clean(json_string_value(json_object_get(rec, "result"))));
	res = strdup(json_string_value(json_object_get(rec, "result")));
	json_decref(rec);
	free(s);
	return res;
}

/* ---- text from outside ---- */

START_TEST(t_server_header)
{
	const char *err;
	char *res;
	json_t *st;

	srv.poll_status = 302;
	srv.poll_reply = "{}";
	srv.poll_hdr = "Location";
	srv.poll_hdr_value = "https://evil.example/\x1b]0;pwned\x07\x1b[2Jx";
	write_conf(NULL);
	start_agent();
	poll_now();
	RUN_UNTIL(ag->in_backoff);
	ck_assert_int_eq(srv.hits_poll, 1);

	st = ctl(CTL_CMD_STATUS);
	assert_clean(st, "status");
	err = json_string_value(json_object_get(st, "last_error"));
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, "evil.example/\\x1b]0;pwned\\x07\\x1b[2Jx"), "%s", err);
	json_decref(st);
	res = last_txlog_result();
	ck_assert_msg(strstr(res, "\\x1b]0;pwned"), "%s", res);
	free(res);
	assert_log("\\x1b]0;pwned\\x07");
}
END_TEST

START_TEST(t_server_error_message)
{
	const char *err;
	json_t *st;

	srv.poll_status = 400;
	srv.poll_reply = "{\"error\":\"value\",\"message\":\"look: \\u202egnp.exe\"}";
	write_conf(NULL);
	start_agent();
	poll_now();
	RUN_UNTIL(ag->in_backoff);
	st = ctl(CTL_CMD_STATUS);
	assert_clean(st, "status");
	err = json_string_value(json_object_get(st, "last_poll_result"));
	ck_assert_msg(err && strstr(err, "look: \\u{202E}gnp.exe"), "%s", err ? err : "null");
	json_decref(st);
	free(last_txlog_result());
	assert_log("\\u{202E}gnp.exe");
}
END_TEST

START_TEST(t_pac_error)
{
	struct tsrv_opts po = { .tls = false };
	char extra[256], *s, *line;
	json_t *st;

	ck_assert_int_eq(tsrv_start(&plain, &po), 0);
	plain.pac = "function FindProxyForURL(url, host) {\n"
		    "  throw new Error('line1\\nline2 \\x1b]0;pwned\\x07 end');\n}\n";
	srv.poll_status = 200;
	srv.poll_reply = "{\"server_time\":\"2026-01-01T00:00:00Z\",\"actions\":[]}";
	snprintf(extra, sizeof(extra), "[proxy]\nmode = auto\npac_url = http://127.0.0.1:%u/wpad.dat\n",
		 plain.port);
	write_conf(extra);
	start_agent();
	poll_now();
	RUN_UNTIL(ag->polls == 1 || ag->in_backoff);
	ck_assert_int_ge(plain.hits_wpad, 1);
	/* The PAC's error, escaped, on the one line that says what happened. */
	assert_log("line1\\nline2 \\x1b]0;pwned\\x07 end");
	fflush(stderr);
	s = ck_slurp(log_path);
	line = strstr(s, "line1\\nline2");
	ck_assert_ptr_nonnull(line);
	while (line > s && line[-1] != '\n')
		line--;
	ck_assert_msg(strncmp(strchr(line, ':') ? line : "", "test_agent_trust:", 17) == 0,
		      "the PAC error starts no log line of its own: %.120s", line);
	free(s);
	st = ctl(CTL_CMD_STATUS);
	assert_clean(st, "status");
	json_decref(st);
}
END_TEST

/* ---- a spool that cannot remove ---- */

START_TEST(t_spool_remove_fails)
{
	static const char body[] = "{\"read\":\"test\"}";
	struct spool_limits lim = { .max_count = 16, .max_bytes = 1 << 20 };
	char sdir[128], path[400], name[256] = "";
	struct spool_recovery rec;
	struct spool *sp;
	struct dirent *de;
	DIR *d;
	json_t *st;

	/* A meter read waiting in the spool, which the server confirms. */
	snprintf(sdir, sizeof(sdir), "%s/spool", dir);
	ck_assert_int_eq(spool_open(sdir, &lim, NULL, &sp, &rec), 0);
	ck_assert_int_eq(spool_put(sp, SPOOL_METER_READ, "r-trust-1", body, sizeof(body) - 1,
				   time(NULL)), 0);
	spool_close(sp);
	srv.ovr_path = PROTO_PATH_METER_READS;
	srv.ovr_status = 200;
	srv.ovr_reply = "{\"status\":\"stored\",\"read_id\":\"r-trust-1\"}";
	write_conf(NULL);
	start_agent();
	/* The read is in flight (its bytes read): its file becomes unremovable. */
	ck_assert_int_eq(ag->job.kind, JOB_READ);
	d = opendir(sdir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strcmp(de->d_name, "corrupt") != 0)
			snprintf(name, sizeof(name), "%s", de->d_name);
	closedir(d);
	ck_assert(name[0]);
	snprintf(path, sizeof(path), "%s/%s", sdir, name);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);	/* unlink() of it: EISDIR */
	snprintf(path, sizeof(path), "%s/%s/keep", sdir, name);
	ck_assert_int_eq(close(open(path, O_WRONLY | O_CREAT, 0600)), 0);

	RUN_UNTIL(ag->n_confirmed == 1);
	ck_assert_int_eq(srv.hits_ovr, 1);
	/* Not sent again, however long the loop runs (the back-off fires too). */
	ck_assert_int_eq(loop_timer_after_ms(&ag->t_retry, 0), 0);
	run_for(1500);
	ck_assert_int_eq(srv.hits_ovr, 1);
	st = ctl(CTL_CMD_STATUS);
	ck_assert_msg(strstr(json_string_value(json_object_get(st, "last_error")),
			     "cannot remove confirmed"), "%s",
		      json_string_value(json_object_get(st, "last_error")));
	json_decref(st);
	st = ctl(CTL_CMD_SPOOL_LIST);
	ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(st, "entries"), 0),
					       "confirmed")));
	json_decref(st);
	assert_log("it is not sent again");

	/* The spool works again: removed at the next chance, still not sent. */
	ck_assert_int_eq(unlink(path), 0);
	snprintf(path, sizeof(path), "%s/%s", sdir, name);
	ck_assert_int_eq(rmdir(path), 0);
	srv.poll_status = 200;
	srv.poll_reply = "{\"server_time\":\"2026-01-01T00:00:00Z\",\"actions\":[]}";
	poll_now();
	RUN_UNTIL(ag->n_confirmed == 0 && ag->polls == 1);
	ck_assert_int_eq(exchange_spool_count(ag), 0);
	ck_assert_int_eq(srv.hits_ovr, 1);
}
END_TEST

/* ---- the server cannot make the device poll often ---- */

START_TEST(t_repoll_floor_and_budget)
{
	json_t *st;
	int i;

	srv.poll_status = 200;
	srv.poll_reply = "{\"server_time\":\"2026-01-01T00:00:00Z\",\"actions\":[],"
			 "\"retry_after_s\":1}";
	write_conf(NULL);
	start_agent();
	poll_now();
	RUN_UNTIL(ag->polls == 1);
	st = ctl(CTL_CMD_STATUS);
	ck_assert_int_ge(json_integer_value(json_object_get(st, "repoll_in_s")),
			 AGENT_POLL_MIN_INTERVAL_S - 5);
	json_decref(st);
	/* The administrator may poll at will; the server's extra polls run out. */
	for (i = 2; i <= AGENT_REPOLLS_PER_DAY + 3; i++) {
		poll_now();
		RUN_UNTIL(ag->polls == (uint64_t)i);
	}
	ck_assert_int_eq(ag->repolls, AGENT_REPOLLS_PER_DAY);
	assert_log("extra polls of the day");
}
END_TEST

START_TEST(t_failed_poll_retry_floor)
{
	srv.poll_status = 503;
	srv.poll_reply = "{\"error\":\"busy\",\"message\":\"later\"}";
	srv.poll_hdr = "Retry-After";
	srv.poll_hdr_value = "1";
	write_conf(NULL);
	start_agent();
	poll_now();
	RUN_UNTIL(ag->in_backoff);
	ck_assert_int_ge(loop_timer_remaining_ms(&ag->t_retry),
			 (AGENT_POLL_MIN_INTERVAL_S - 5) * 1000);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("agent_trust");
	TCase *tc;

	tc = tcase_create("outside_text");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_server_header);
	tcase_add_test(tc, t_server_error_message);
	tcase_add_test(tc, t_pac_error);
	suite_add_tcase(s, tc);

	tc = tcase_create("floors");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_spool_remove_fails);
	tcase_add_test(tc, t_repoll_floor_and_budget);
	tcase_add_test(tc, t_failed_poll_retry_floor);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tsrv_run(suite());
}
