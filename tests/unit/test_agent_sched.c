// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_agent_sched: the whole agent -- agent_new() with a config file, a
 * sysfs-shaped tree, its real epoll loop and timerfds, the real transport
 * against a real HTTPS server on loopback -- and when it polls:
 *
 *  - never before the print engine's serial number is known (it sets the
 *    per-device spread), and on the schedule made with that serial as
 *    soon as the engine shows up;
 *  - every poll attempt is the last poll: a failed one is retried by the
 *    back-off, not by the schedule; state.json records the first attempt
 *    of a schedule slot when it ends, and not the retries of the same slot
 *    (no flash write a poll);
 *  - the poll's config summary names the system's zone when none is set;
 *  - "clock" (only with ESOL_TEST_SET_CLOCK=1 as root, since it sets the
 *    wall clock: tests/e2e/e2e_clock_step.sh runs it in a VM): the wall
 *    clock stepped forward over the poll time gives exactly one poll, and
 *    stepped back over it no second one.  The loop's CLOCK_REALTIME
 *    timerfd (TFD_TIMER_CANCEL_ON_SET) reports ECANCELED and the agent
 *    recomputes.  (libfaketime cannot drive this: it translates a timerfd's
 *    deadline once, when armed, and the kernel never hears of a faked
 *    step, so no ECANCELED comes; see docs/agent.md.)
 *
 * Nothing here waits on a timed condition: the loop runs until the state
 * looked for is reached (the Check timeout catches a hang).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "agent/agent_cfg.h"
#include "agent/agent_priv.h"
#include "agent/exchange.h"
#include "common/log.h"
#include "core/schedule.h"
#include "core/tz.h"
#include "fixtures/sysfs/pe_tree.h"
#include "net_testsrv.h"
#include "proto/proto.h"

static struct tsrv srv;
static struct pe_tree tree;
static char dir[64];
static char conf_path[128];
static struct agent *ag;

static void setup(void)
{
	struct tsrv_opts o = {
		.tls = true, .cert = tsrv_pki_file("server.crt"),
		.key = tsrv_pki_file("server.key"),
	};

	strcpy(dir, "/tmp/test_agent_sched.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf_path, sizeof(conf_path), "%s/esold.conf", dir);
	ck_assert_int_eq(pe_tree_init(&tree), 0);
	memset(&srv, 0, sizeof(srv));
	ck_assert_int_eq(tsrv_start(&srv, &o), 0);
	log_init("test_agent_sched", LOG_SINK_STDERR, LOG_WARNING);
	ag = NULL;
}

static void teardown(void)
{
	char cmd[160];

	agent_free(ag);
	ag = NULL;
	tsrv_stop(&srv);
	pe_tree_cleanup(&tree);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* esold.conf for the test server; poll at HH:MM in zone ("": the system's). */
static void write_conf_tz(int hour, int minute, unsigned spread_minutes, const char *zone)
{
	FILE *f = fopen(conf_path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "[agent]\nenabled = true\nlog_level = warning\nstate_dir = %s\n"
		"[server]\nurl = https://127.0.0.1:%u\nca_file = %s\n"
		"[schedule]\npoll_time = %02d:%02d\ntime_zone = %s\nspread_minutes = %u\n"
		"[spool]\ndir = %s/spool\n[txlog]\npath = %s/txlog\n"
		"[control]\nsocket = %s/ctl.sock\ngroup =\n",
		dir, srv.port, tsrv_pki_file("ca.crt"), hour, minute, zone, spread_minutes,
		dir, dir, dir);
	ck_assert_int_eq(fclose(f), 0);
}

static void write_conf(int hour, int minute, unsigned spread_minutes)
{
	write_conf_tz(hour, minute, spread_minutes, "UTC");
}

/* The agent's state file as if it last polled at last_poll. */
static void write_state(int64_t last_poll)
{
	struct agent_state st;

	agent_state_defaults(&st);
	st.last_poll = last_poll;
	ck_assert_int_eq(agent_state_save(dir, &st), 0);
}

static void start_agent(void)
{
	struct agent_opts o = { .config = conf_path, .root = tree.root };

	ck_assert_int_eq(agent_new(&o, &ag), 0);
}

/* Run the agent's loop until cond holds (the Check timeout bounds it). */
#define RUN_UNTIL(cond)							\
	do {								\
		while (!(cond))						\
			ck_assert_int_ge(loop_run_once(&ag->loop, 100), 0); \
	} while (0)

static void add_engine(const char *serial)
{
	ck_assert_int_eq(pe_tree_add_device(&tree, 0, NULL), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "serial", serial), 0);
}

/* A valid poll reply asking for nothing. */
static void server_answers_polls(void)
{
	static char body[128];
	char now[PROTO_TIME_LEN + 1];

	proto_time_format(time(NULL), now);
	snprintf(body, sizeof(body), "{\"server_time\":\"%s\",\"actions\":[]}", now);
	srv.poll_reply = body;
	srv.poll_status = 200;
}

/* An hour of day 12 h from now (UTC): no slot falls within the test. */
static int far_hour(void)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return (tm.tm_hour + 12) % 24;
}

/* esolctl poll-now, as the control socket hands it to the agent. */
static json_t *poll_now(enum ctl_status *st, char *msg, size_t msg_size)
{
	struct ctl_request req = { .cmd = CTL_CMD_POLL_NOW };
	struct control_peer peer = { .pid = getpid() };

	*st = CTL_OK;
	return agent_ctl_handle(ag, &req, &peer, st, msg, msg_size);
}

/* ---- identity ---- */

START_TEST(t_no_schedule_before_identity)
{
	int64_t polled = time(NULL) - 60, next = 0;
	bool due = true;

	write_conf(far_hour(), 0, 720);
	write_state(polled);
	/* no print engine yet */
	start_agent();
	ck_assert_str_eq(ag->dev_serial, "");
	ck_assert(!ag->t_poll.armed);
	ck_assert_int_eq(ag->next_poll, 0);
	ck_assert(ag->t_identity.armed);
	ck_assert_int_eq(agent_cfg_schedule(ag->cfg, "", time(NULL), polled, &due, &next),
			 -EAGAIN);

	/* The engine shows up: the agent reads its serial and schedules by it. */
	add_engine("ESOL-7741");
	RUN_UNTIL(ag->t_poll.armed);
	ck_assert_str_eq(ag->dev_serial, "ESOL-7741");
	ck_assert(!ag->t_identity.armed);
	ck_assert_int_eq(agent_cfg_schedule(ag->cfg, "ESOL-7741", time(NULL), polled,
					    &due, &next), 0);
	ck_assert(!due);
	ck_assert_int_eq(ag->next_poll, next);
	ck_assert_int_eq(srv.hits_poll, 0);
}
END_TEST

START_TEST(t_poll_now_without_engine_sends_nothing)
{
	enum ctl_status st;
	char msg[128];
	json_t *j;

	write_conf(far_hour(), 0, 60);
	write_state(0);		/* never polled: due at once, were it known */
	start_agent();
	j = poll_now(&st, msg, sizeof(msg));
	/* the administrator is told it failed, and why */
	ck_assert_ptr_null(j);
	ck_assert_int_eq(st, CTL_E_FAILED);
	ck_assert_str_eq(msg, "the poll did not start: print engine unavailable");
	ck_assert_int_eq(ag->job.kind, JOB_NONE);
	ck_assert(!ag->t_poll.armed);
	ck_assert_int_eq(ag->st.last_poll, 0);
	ck_assert_int_eq(srv.hits_poll, 0);
}
END_TEST

/* The "message" of a control reply. */
static const char *reply_message(json_t *j)
{
	ck_assert_ptr_nonnull(j);
	return json_string_value(json_object_get(j, "message"));
}

/*
 * poll-now says what it did: a poll started, or the one under way already
 * answers it (and no second poll follows), or the poll waits for the
 * spooled messages, which go first.
 */
START_TEST(t_poll_now_says_what_it_did)
{
	enum ctl_status st;
	char msg[256];
	json_t *j;

	server_answers_polls();
	write_conf(far_hour(), 0, 60);
	write_state(time(NULL) - 60);
	add_engine("ESOL-0002");
	start_agent();

	j = poll_now(&st, msg, sizeof(msg));
	ck_assert_int_eq(st, CTL_OK);
	ck_assert_str_eq(reply_message(j), "poll started");
	json_decref(j);
	ck_assert_int_eq(ag->job.kind, JOB_POLL);
	/* asked again while it runs: that poll is the answer */
	j = poll_now(&st, msg, sizeof(msg));
	ck_assert_int_eq(st, CTL_OK);
	ck_assert_str_eq(reply_message(j), "a poll is already under way");
	json_decref(j);
	RUN_UNTIL(ag->polls == 1);
	RUN_UNTIL(ag->job.kind == JOB_NONE);
	ck_assert(!ag->poll_due);
	ck_assert_int_eq(srv.hits_poll, 1);

	/* A spooled message is waiting: it goes first, the poll after it. */
	ck_assert_int_eq(exchange_take_supplies(ag, PROTO_TRIGGER_EVENT), 0);
	ck_assert_int_eq(exchange_spool_count(ag), 1);
	j = poll_now(&st, msg, sizeof(msg));
	ck_assert_int_eq(st, CTL_OK);
	ck_assert_str_eq(reply_message(j), "poll queued after the spooled messages");
	json_decref(j);
	ck_assert_int_eq(ag->job.kind, JOB_SUPPLIES);
	ck_assert(ag->poll_due);
	ck_assert_int_eq(srv.hits_poll, 1);
}
END_TEST

/* ---- attempts ---- */

START_TEST(t_every_attempt_is_recorded)
{
	enum ctl_status st;
	struct agent_state disk;
	int64_t polled = time(NULL) - 3 * 86400, t0, next = 0, first;
	char spath[128];
	struct stat sb;
	ino_t ino;
	size_t full_len;
	bool due = true;
	char msg[256];
	json_t *j;

	srv.poll_status = 500;
	srv.poll_reply = "{\"error\":\"internal\",\"message\":\"injected\"}";
	write_conf(far_hour(), 0, 60);
	write_state(polled);
	add_engine("ESOL-0001");
	start_agent();

	t0 = time(NULL);
	j = poll_now(&st, msg, sizeof(msg));
	json_decref(j);
	ck_assert_int_eq(st, CTL_OK);
	RUN_UNTIL(ag->in_backoff);
	ck_assert_int_eq(srv.hits_poll, 1);
	/* the attempt is the last poll, on disk too (the disk's was days old) */
	ck_assert_int_ge(ag->st.last_poll, t0);
	ck_assert_int_eq(agent_state_load(dir, &disk, msg, sizeof(msg)), 0);
	ck_assert_int_eq(disk.last_poll, ag->st.last_poll);
	ck_assert_int_eq(disk.last_poll_ok, 0);
	first = disk.last_poll;
	snprintf(spath, sizeof(spath), "%s/%s", dir, AGENT_STATE_FILE);
	ck_assert_int_eq(stat(spath, &sb), 0);
	ino = sb.st_ino;	/* a rewrite renames a new file over it */
	/* the schedule counts the day as polled; the back-off will retry */
	ck_assert_int_eq(agent_cfg_schedule(ag->cfg, ag->dev_serial, time(NULL),
					    ag->st.last_poll, &due, &next), 0);
	ck_assert(!due);
	ck_assert(ag->poll_due);
	ck_assert(ag->t_retry.armed);

	/* The back-off's retry (made due now) polls again and is recorded. */
	server_answers_polls();
	ck_assert_int_eq(loop_timer_after_ms(&ag->t_retry, 0), 0);
	RUN_UNTIL(ag->polls == 1);
	ck_assert_int_eq(srv.hits_poll, 2);
	ck_assert(!ag->poll_due);
	ck_assert(!ag->in_backoff);
	ck_assert_int_gt(ag->st.last_poll_ok, 0);
	ck_assert_int_ge(ag->st.last_poll, t0);
	/*
	 * The first answered poll records its identity tag, once (the next
	 * polls are brief); the disk still counts the slot as polled, so a
	 * restart would not poll again.
	 */
	ck_assert_int_eq(agent_state_load(dir, &disk, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(strlen(disk.identity_tag), PROTO_TAG_LEN);
	ck_assert_str_eq(disk.identity_tag, ag->st.identity_tag);
	ck_assert_int_ge(disk.last_poll, first);
	ck_assert_int_eq(agent_cfg_schedule(ag->cfg, ag->dev_serial, time(NULL),
					    disk.last_poll, &due, &next), 0);
	ck_assert(!due);
	first = disk.last_poll;
	full_len = srv.last_body_len;
	ck_assert_int_eq(stat(spath, &sb), 0);
	ino = sb.st_ino;

	/* Another poll of the same slot (brief) writes nothing. */
	j = poll_now(&st, msg, sizeof(msg));
	json_decref(j);
	ck_assert_int_eq(st, CTL_OK);
	RUN_UNTIL(ag->polls == 2);
	ck_assert_int_eq(srv.hits_poll, 3);
	ck_assert_uint_lt(srv.last_body_len, full_len);
	ck_assert_int_eq(agent_state_load(dir, &disk, msg, sizeof(msg)), 0);
	ck_assert_int_eq(disk.last_poll, first);
	ck_assert_int_eq(stat(spath, &sb), 0);
	ck_assert_uint_eq(sb.st_ino, ino);
}
END_TEST

/* ---- the configuration summary ---- */

START_TEST(t_proto_zone_is_the_systems)
{
	char zone[TZ_NAME_MAX + 1];
	struct proto_config pc;

	write_conf_tz(far_hour(), 0, 60, "");
	add_engine("ESOL-0002");
	ck_assert_int_eq(setenv("TZ", ":America/New_York", 1), 0);
	start_agent();
	ck_assert_str_eq(agent_cfg_timezone(ag->cfg, zone), "America/New_York");
	agent_cfg_proto(ag->cfg, &pc);
	ck_assert_str_eq(pc.timezone, "America/New_York");
	ck_assert_int_eq(setenv("TZ", "Asia/Tokyo", 1), 0);
	agent_cfg_proto(ag->cfg, &pc);
	ck_assert_str_eq(pc.timezone, "Asia/Tokyo");
	unsetenv("TZ");
}
END_TEST

/* ---- wall-clock steps (sets the clock: VM only) ---- */

static struct timespec saved_real, saved_mono;

static void clock_setup(void)
{
	clock_gettime(CLOCK_REALTIME, &saved_real);
	clock_gettime(CLOCK_MONOTONIC, &saved_mono);
	setup();
}

/* Put the wall clock back where it would be had it not been touched. */
static void clock_teardown(void)
{
	struct timespec mono, real = saved_real;

	teardown();
	clock_gettime(CLOCK_MONOTONIC, &mono);
	real.tv_sec += mono.tv_sec - saved_mono.tv_sec;
	clock_settime(CLOCK_REALTIME, &real);
}

static void set_clock(time_t t)
{
	struct timespec ts = { .tv_sec = t };

	ck_assert_msg(clock_settime(CLOCK_REALTIME, &ts) == 0, "clock_settime: %m");
}

/* A serial whose catch-up delay is at most 2 s (catch-ups wait 1..301 s). */
static const char *quick_serial(void)
{
	static char id[32];
	struct schedule s;

	for (int i = 0; i < 100000; i++) {
		snprintf(id, sizeof(id), "CLK%05d", i);
		ck_assert_int_eq(schedule_init(&s, "UTC", 3, 0, 0, id), 0);
		if (s.catchup_s <= 2)
			return id;
	}
	ck_abort_msg("no serial with a short catch-up");
	return NULL;
}

/*
 * Let the agent handle a clock set: the kernel makes the poll timerfd
 * readable at once (ECANCELED to read); run the loop until it is not.
 */
static void settle(void)
{
	struct pollfd p = { .fd = ag->t_poll.w.fd, .events = POLLIN };

	while (poll(&p, 1, 0) > 0)
		ck_assert_int_ge(loop_run_once(&ag->loop, 0), 0);
}

START_TEST(t_clock_step_over_the_poll_time)
{
	time_t day = (time(NULL) / 86400 + 1) * 86400;	/* tomorrow 00:00 UTC */
	time_t slot = day + 3 * 3600, tomorrow = slot + 86400;
	const char *serial = quick_serial();

	server_answers_polls();
	write_conf(3, 0, 0);
	write_state(slot - 86400 + 10);		/* polled yesterday */
	add_engine(serial);
	set_clock(slot - 60);			/* 02:59 */
	start_agent();
	ck_assert_int_eq(ag->next_poll, slot);
	ck_assert(ag->t_poll.cancel_on_set);

	/* Forward over 03:00 to 03:30: one catch-up poll, soon. */
	set_clock(slot + 1800);
	RUN_UNTIL(srv.hits_poll == 1 && ag->polls == 1);
	ck_assert_int_ge(ag->st.last_poll, slot + 1800);
	ck_assert_int_eq(ag->next_poll, tomorrow);
	ck_assert_int_eq(ag->t_poll.due.tv_sec, tomorrow);

	/* Back to 02:59:58, before the slot already polled: no second poll. */
	set_clock(slot - 2);
	settle();
	ck_assert_int_eq(ag->next_poll, tomorrow);
	ck_assert_int_eq(ag->t_poll.due.tv_sec, tomorrow);
	ck_assert(!ag->poll_due);
	/* and over the slot again: still none */
	set_clock(slot + 5);
	settle();
	ck_assert_int_eq(ag->next_poll, tomorrow);
	ck_assert_int_eq(ag->job.kind, JOB_NONE);
	ck_assert_int_eq(srv.hits_poll, 1);
	ck_assert_int_eq(ag->polls, 1);
}
END_TEST

START_TEST(t_clock_step_back_before_a_poll)
{
	time_t day = (time(NULL) / 86400 + 1) * 86400;
	time_t slot = day + 3 * 3600;
	const char *serial = quick_serial();

	/* At 03:10 the poll is due (yesterday's was the last): set back to 02:00. */
	server_answers_polls();
	write_conf(3, 0, 0);
	write_state(slot - 86400 + 10);
	add_engine(serial);
	set_clock(slot - 3600);
	start_agent();
	ck_assert_int_eq(ag->next_poll, slot);
	set_clock(slot - 3);
	settle();			/* recomputed: the same slot */
	ck_assert_int_eq(ag->next_poll, slot);
	ck_assert_int_eq(srv.hits_poll, 0);
	/* the slot comes by itself: exactly one poll */
	RUN_UNTIL(ag->polls == 1);
	ck_assert_int_eq(srv.hits_poll, 1);
	ck_assert_int_eq(ag->next_poll, slot + 86400);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("agent_sched");
	TCase *tc;
	const char *set_clock_ok = getenv("ESOL_TEST_SET_CLOCK");

	tc = tcase_create("identity");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_no_schedule_before_identity);
	tcase_add_test(tc, t_poll_now_without_engine_sends_nothing);
	tcase_add_test(tc, t_poll_now_says_what_it_did);
	suite_add_tcase(s, tc);

	tc = tcase_create("attempts");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_every_attempt_is_recorded);
	tcase_add_test(tc, t_proto_zone_is_the_systems);
	suite_add_tcase(s, tc);

	if (geteuid() == 0 && set_clock_ok && strcmp(set_clock_ok, "1") == 0) {
		tc = tcase_create("clock");
		tcase_set_timeout(tc, 60);
		tcase_add_checked_fixture(tc, clock_setup, clock_teardown);
		tcase_add_test(tc, t_clock_step_over_the_poll_time);
		tcase_add_test(tc, t_clock_step_back_before_a_poll);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	return tsrv_run(suite());
}
