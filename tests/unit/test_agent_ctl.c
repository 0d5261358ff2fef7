// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_agent_ctl: the manual proxy's credentials set over the control
 * socket (proxy-credentials-set / -clear), on the whole agent (agent_new()
 * with a config file, its control handler called with a peer as
 * control.c gives it):
 *
 *  - an operator (a member of the socket's group, not root) may set and
 *    clear them, but not proxy.credentials_file (root's); bad input is
 *    refused with a message naming the field, and changes nothing;
 *  - the file is esold's own (state_dir/proxy-credentials), mode 0600,
 *    owned by esold's user, written atomically (no temporary file left;
 *    a write that fails leaves the old file and the running credentials);
 *  - the password is in no reply, no status and no log line; the change
 *    is logged with the uid;
 *  - root's proxy.credentials_file wins over esold's own file;
 *  - an own file that cannot be used (mode changed by hand) means no
 *    credentials, with the reason in the status: esold still starts;
 *  - a peer of the read-only socket (control.read_socket) reads the
 *    status, the log and the spool list, and is refused every change.
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
#include <unistd.h>

#include "ckrun.h"
#include "agent/agent_cfg.h"
#include "agent/agent_priv.h"
#include "common/log.h"
#include "core/credstore.h"
#include "fixtures/sysfs/pe_tree.h"

#define SECRET	"Sw0rdf1sh-never-shown"

static struct pe_tree tree;
static char dir[64], conf_path[128], log_path[128], own_path[160];
static struct agent *ag;
static int saved_stderr = -1;

static const struct control_peer operator = { .pid = 4321, .uid = 4242, .gid = 4242 };
static const struct control_peer root = { .pid = 1234, .uid = 0, .admin = true };
static const struct control_peer reader = { .pid = 5151, .uid = 5151, .gid = 5151,
					    .read_only = true };

static void setup(void)
{
	int fd;

	strcpy(dir, "/tmp/test_agent_ctl.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf_path, sizeof(conf_path), "%s/esold.conf", dir);
	snprintf(log_path, sizeof(log_path), "%s/stderr.log", dir);
	snprintf(own_path, sizeof(own_path), "%s/%s", dir, CREDSTORE_NAME);
	ck_assert_int_eq(pe_tree_init(&tree), 0);
	ck_assert_int_eq(pe_tree_add_device(&tree, 0, NULL), 0);
	ck_assert_int_eq(pe_tree_dev_put(&tree, 0, "serial", "ESOL-0001"), 0);
	fflush(stderr);
	saved_stderr = dup(2);
	fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(dup2(fd, 2), 0);
	close(fd);
	log_init("test_agent_ctl", LOG_SINK_STDERR, LOG_DEBUG);
	ag = NULL;
}

static void teardown(void)
{
	char cmd[160];

	agent_free(ag);
	ag = NULL;
	pe_tree_cleanup(&tree);
	fflush(stderr);
	if (saved_stderr >= 0) {
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
	snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* No server (participation off): the proxy is all there is to change. */
static void write_conf(const char *proxy)
{
	FILE *f = fopen(conf_path, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "[agent]\nenabled = false\nlog_level = debug\nstate_dir = %s\n"
		"[spool]\ndir = %s/spool\n[txlog]\npath = %s/txlog\n"
		"[control]\nsocket = %s/ctl.sock\ngroup =\n"
		"[proxy]\n%s", dir, dir, dir, dir,
		proxy ? proxy : "mode = manual\nhost = proxy.example\nport = 3128\n");
	ck_assert_int_eq(fclose(f), 0);
}

static void start_agent(void)
{
	struct agent_opts o = { .config = conf_path, .root = tree.root, .verbose = true };

	ck_assert_int_eq(agent_new(&o, &ag), 0);
}

/* One request as the peer; returns the status, the reply text in out. */
static enum ctl_status call(const struct control_peer *peer, struct ctl_request *req,
			    char *out, size_t outlen)
{
	enum ctl_status st = CTL_OK;
	char msg[256] = "";
	json_t *j = agent_ctl_handle(ag, req, peer, &st, msg, sizeof(msg));
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;

	snprintf(out, outlen, "%s", st == CTL_OK ? (s ? s : "") : msg);
	free(s);
	json_decref(j);
	ctl_request_wipe(req);
	return st;
}

static enum ctl_status set_creds(const struct control_peer *peer, const char *user,
				 const char *password, char *out, size_t outlen)
{
	struct ctl_request req = { .cmd = CTL_CMD_PROXY_CREDS_SET };

	snprintf(req.user, sizeof(req.user), "%s", user);
	snprintf(req.password, sizeof(req.password), "%s", password);
	return call(peer, &req, out, outlen);
}

static enum ctl_status clear_creds(const struct control_peer *peer, char *out, size_t outlen)
{
	struct ctl_request req = { .cmd = CTL_CMD_PROXY_CREDS_CLEAR };

	return call(peer, &req, out, outlen);
}

/* esolctl status, as JSON text. */
static char *status_text(void)
{
	struct ctl_request req = { .cmd = CTL_CMD_STATUS };
	enum ctl_status st = CTL_OK;
	char msg[256];
	json_t *j = agent_ctl_handle(ag, &req, &operator, &st, msg, sizeof(msg));
	char *s;

	ck_assert_int_eq(st, CTL_OK);
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* status.proxy.<key> as a string ("" for null). */
static void proxy_field(const char *key, char *out, size_t outlen)
{
	char *s = status_text();
	json_t *j = json_loads(s, 0, NULL), *v;

	v = json_object_get(json_object_get(j, "proxy"), key);
	snprintf(out, outlen, "%s", json_is_string(v) ? json_string_value(v) : "");
	json_decref(j);
	free(s);
}

static void assert_no_secret_anywhere(const char *secret)
{
	char *s = status_text();

	ck_assert_msg(!strstr(s, secret), "the password is in the status: %s", s);
	free(s);
	fflush(stderr);
	s = ck_slurp(log_path);
	ck_assert_msg(!strstr(s, secret), "the password is in a log line");
	free(s);
}

/* Only the files esold keeps: no temporary file left in the state dir. */
static void assert_no_temp_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		ck_assert_msg(strncmp(e->d_name, "." CREDSTORE_NAME, strlen(CREDSTORE_NAME) + 1),
			      "a temporary file is left: %s", e->d_name);
	closedir(d);
}

START_TEST(t_operator_sets_and_clears)
{
	char out[512], v[256], *s;
	struct stat st;

	write_conf(NULL);
	start_agent();
	proxy_field("credentials", v, sizeof(v));
	ck_assert_str_eq(v, "not set");
	proxy_field("host", v, sizeof(v));
	ck_assert_str_eq(v, "proxy.example");

	umask(0);	/* the file's mode does not depend on the umask */
	ck_assert_msg(set_creds(&operator, "alice", SECRET, out, sizeof(out)) == CTL_OK,
		      "%s", out);
	umask(022);
	ck_assert_msg(strstr(out, "proxy credentials saved (user alice)"), "%s", out);
	ck_assert_msg(!strstr(out, SECRET), "the reply holds the password");
	ck_assert_int_eq(stat(own_path, &st), 0);
	ck_assert_msg((st.st_mode & 07777) == 0600, "mode %o", st.st_mode & 07777);
	ck_assert_uint_eq(st.st_uid, geteuid());
	s = ck_slurp(own_path);
	ck_assert_str_eq(s, "alice:" SECRET "\n");
	free(s);
	assert_no_temp_files();
	proxy_field("credentials", v, sizeof(v));
	ck_assert_str_eq(v, "set");
	proxy_field("user", v, sizeof(v));
	ck_assert_str_eq(v, "alice");
	proxy_field("credentials_from", v, sizeof(v));
	ck_assert_str_eq(v, "esold");
	{
		struct net_config nc;

		agent_cfg_net(ag->cfg, &nc);
		ck_assert_str_eq(nc.proxy.user, "alice");
		ck_assert_str_eq(nc.proxy.password, SECRET);
	}
	fflush(stderr);
	s = ck_slurp(log_path);
	ck_assert_msg(strstr(s, "control: uid 4242 pid 4321 set the proxy credentials: user alice"),
		      "the change is not logged with the uid");
	free(s);
	assert_no_secret_anywhere(SECRET);

	/* A reload reads the same file. */
	{
		char msg[256];

		ck_assert_int_eq(agent_reload(ag, msg, sizeof(msg)), 0);
	}
	proxy_field("user", v, sizeof(v));
	ck_assert_str_eq(v, "alice");

	ck_assert_int_eq(clear_creds(&operator, out, sizeof(out)), CTL_OK);
	ck_assert_msg(strstr(out, "proxy credentials cleared"), "%s", out);
	ck_assert_int_eq(access(own_path, F_OK), -1);
	proxy_field("credentials", v, sizeof(v));
	ck_assert_str_eq(v, "not set");
	/* Clearing what is not there is no error. */
	ck_assert_int_eq(clear_creds(&operator, out, sizeof(out)), CTL_OK);
	fflush(stderr);
	s = ck_slurp(log_path);
	ck_assert(strstr(s, "control: uid 4242 pid 4321 cleared the proxy credentials"));
	free(s);
}
END_TEST

START_TEST(t_bad_input_refused)
{
	static const struct {
		const char *user, *password, *want;
	} bad[] = {
		{ "al:ice", SECRET, "user: must not contain ':'" },
		{ "", SECRET, "user: must not be empty" },
		{ "alice", "", "password: must not be empty" },
		{ "al\x1b[2Jice", SECRET, "user: has a control character" },
		{ "alice", "Sw0rd\nfish-never-shown", "password: has a control character" },
		{ "alice", "Sw0rd\xc2\x85" "fish-never-shown", "password: has a control character" },
		{ "alice", "Sw0rd\xff" "fish-never-shown", "password: has a control character" },
		{ "a\xe2\x80\xaeice", SECRET, "user: has a control character" },
	};
	char out[512], longer[CREDSTORE_FIELD_MAX + 2], *before;
	size_t i;

	write_conf(NULL);
	start_agent();
	ck_assert_int_eq(set_creds(&operator, "bob", SECRET, out, sizeof(out)), CTL_OK);
	before = ck_slurp(own_path);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum ctl_status st = set_creds(&operator, bad[i].user, bad[i].password, out,
					       sizeof(out));
		char *now = ck_slurp(own_path);

		ck_assert_msg(st == CTL_E_INVALID_VALUE, "%zu: accepted", i);
		ck_assert_msg(strncmp(out, bad[i].want, strlen(bad[i].want)) == 0,
			      "%zu: '%s' is not '%s...'", i, out, bad[i].want);
		ck_assert_msg(!strstr(out, "fish"), "%zu: the message quotes the password", i);
		ck_assert_str_eq(now, before);
		free(now);
	}
	memset(longer, 'u', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	ck_assert_int_eq(set_creds(&operator, longer, SECRET, out, sizeof(out)),
			 CTL_E_INVALID_VALUE);
	ck_assert_str_eq(out, "user: is longer than 127 bytes");
	ck_assert_int_eq(set_creds(&operator, "bob", longer, out, sizeof(out)),
			 CTL_E_INVALID_VALUE);
	ck_assert_str_eq(out, "password: is longer than 127 bytes");
	/* 127 bytes is fine. */
	longer[CREDSTORE_FIELD_MAX] = '\0';
	ck_assert_int_eq(set_creds(&operator, longer, longer, out, sizeof(out)), CTL_OK);
	ck_assert_int_eq(set_creds(&operator, "bob", SECRET, out, sizeof(out)), CTL_OK);
	free(before);
	assert_no_secret_anywhere("fish-never-shown");
}
END_TEST

/* The operator may set esold's own file, never root's path setting. */
START_TEST(t_roles)
{
	struct ctl_request req = { .cmd = CTL_CMD_SET };
	char out[512], *conf0, *conf1;

	write_conf(NULL);
	start_agent();
	conf0 = ck_slurp(conf_path);
	strcpy(req.key, "proxy.credentials_file");
	snprintf(req.value, sizeof(req.value), "%s/x.creds", dir);
	ck_assert_int_eq(call(&operator, &req, out, sizeof(out)), CTL_E_PERMISSION);
	ck_assert_msg(strstr(out, "only root may do this"), "%s", out);
	conf1 = ck_slurp(conf_path);
	ck_assert_str_eq(conf0, conf1);
	free(conf1);
	free(conf0);
	ck_assert_int_eq(set_creds(&operator, "carol", SECRET, out, sizeof(out)), CTL_OK);
	ck_assert_int_eq(set_creds(&root, "dave", SECRET, out, sizeof(out)), CTL_OK);
	ck_assert_int_eq(clear_creds(&root, out, sizeof(out)), CTL_OK);
}
END_TEST

/* A write that fails keeps the old file and the running credentials. */
START_TEST(t_failed_write_changes_nothing)
{
	char out[512], v[256];

	write_conf(NULL);
	start_agent();
	ck_assert_int_eq(set_creds(&operator, "erin", SECRET, out, sizeof(out)), CTL_OK);
	/* The file's place is taken by a directory: rename() cannot replace it. */
	ck_assert_int_eq(unlink(own_path), 0);
	ck_assert_int_eq(mkdir(own_path, 0700), 0);
	ck_assert_int_eq(set_creds(&operator, "frank", SECRET, out, sizeof(out)), CTL_E_FAILED);
	ck_assert_msg(strstr(out, "cannot write"), "%s", out);
	assert_no_temp_files();
	proxy_field("user", v, sizeof(v));
	ck_assert_str_eq(v, "erin");
	ck_assert_int_eq(clear_creds(&operator, out, sizeof(out)), CTL_E_FAILED);
	proxy_field("user", v, sizeof(v));
	ck_assert_str_eq(v, "erin");
	assert_no_secret_anywhere(SECRET);
}
END_TEST

/* Root's proxy.credentials_file wins over esold's own file. */
START_TEST(t_root_file_wins)
{
	char proxy[512], rootfile[160], out[512], v[256];
	struct net_config nc;
	FILE *f;

	snprintf(rootfile, sizeof(rootfile), "%s/root.creds", dir);
	f = fopen(rootfile, "w");
	ck_assert_ptr_nonnull(f);
	fputs("rootuser:rootpass\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(rootfile, 0600), 0);
	snprintf(proxy, sizeof(proxy), "mode = manual\nhost = proxy.example\nport = 3128\n"
		 "credentials_file = %s\n", rootfile);
	write_conf(proxy);
	start_agent();
	ck_assert_int_eq(set_creds(&operator, "grace", SECRET, out, sizeof(out)), CTL_OK);
	ck_assert_msg(strstr(out, "proxy.credentials_file (set by root) wins"), "%s", out);
	proxy_field("user", v, sizeof(v));
	ck_assert_str_eq(v, "rootuser");
	proxy_field("credentials_from", v, sizeof(v));
	ck_assert_str_eq(v, "proxy.credentials_file");
	agent_cfg_net(ag->cfg, &nc);
	ck_assert_str_eq(nc.proxy.user, "rootuser");
	/* Without root's file, esold's own are used. */
	{
		struct ctl_request req = { .cmd = CTL_CMD_SET };

		strcpy(req.key, "proxy.credentials_file");
		ck_assert_int_eq(call(&root, &req, out, sizeof(out)), CTL_OK);
	}
	proxy_field("user", v, sizeof(v));
	ck_assert_str_eq(v, "grace");
	agent_cfg_net(ag->cfg, &nc);
	ck_assert_str_eq(nc.proxy.user, "grace");
}
END_TEST

/* An own file made unusable by hand: no credentials, the reason shown. */
START_TEST(t_unusable_own_file)
{
	char v[256];
	int fd;

	fd = open(own_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "heidi:" SECRET "\n", strlen("heidi:" SECRET "\n")),
			 (ssize_t)strlen("heidi:" SECRET "\n"));
	close(fd);
	ck_assert_int_eq(chmod(own_path, 0644), 0);
	write_conf(NULL);
	start_agent();
	proxy_field("credentials", v, sizeof(v));
	ck_assert_str_eq(v, "not set");
	proxy_field("credentials_error", v, sizeof(v));
	ck_assert_msg(strstr(v, "mode 0644 gives access to group or others"), "%s", v);
	assert_no_secret_anywhere(SECRET);
}
END_TEST

/* A temporary file left by a cut inside a save is gone at the next start. */
START_TEST(t_stale_temp_removed)
{
	char tmp[200], other[200], v[256];
	struct stat st;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/.%s.Ab12Cd", dir, CREDSTORE_NAME);
	snprintf(other, sizeof(other), "%s/.%s.keep", dir, CREDSTORE_NAME);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "ivan:" SECRET "\n", strlen("ivan:" SECRET "\n")),
			 (ssize_t)strlen("ivan:" SECRET "\n"));
	close(fd);
	fd = open(other, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	write_conf(NULL);
	start_agent();
	ck_assert_int_eq(stat(tmp, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	/* only the names mkostemp() makes: another dot file stays */
	ck_assert_int_eq(stat(other, &st), 0);
	proxy_field("credentials", v, sizeof(v));
	ck_assert_str_eq(v, "not set");
}
END_TEST

/* The read-only socket's peer: reads, and is refused every change. */
START_TEST(t_reader)
{
	static const enum ctl_cmd reads[] = { CTL_CMD_STATUS, CTL_CMD_LOG, CTL_CMD_SPOOL_LIST };
	static const enum ctl_cmd changes[] = {
		CTL_CMD_POLL_NOW, CTL_CMD_SET, CTL_CMD_SPOOL_CLEAR, CTL_CMD_RELOAD,
		CTL_CMD_PROXY_CREDS_SET, CTL_CMD_PROXY_CREDS_CLEAR,
	};
	char out[512], *conf0, *conf1, *log;
	size_t i;

	write_conf(NULL);
	start_agent();
	ck_assert_int_eq(set_creds(&operator, "erin", SECRET, out, sizeof(out)), CTL_OK);
	conf0 = ck_slurp(conf_path);
	for (i = 0; i < sizeof(reads) / sizeof(reads[0]); i++) {
		struct ctl_request req = { .cmd = reads[i], .count = 5 };

		ck_assert_msg(call(&reader, &req, out, sizeof(out)) == CTL_OK, "%s: %s",
			      ctl_cmd_name(reads[i]), out);
	}
	for (i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		struct ctl_request req = { .cmd = changes[i] };

		strcpy(req.key, "agent.log_level");
		strcpy(req.value, "error");
		strcpy(req.user, "mallory");
		strcpy(req.password, "x");
		ck_assert_int_eq(call(&reader, &req, out, sizeof(out)), CTL_E_PERMISSION);
		ck_assert_msg(strstr(out, "this is the read-only socket"), "%s", out);
	}
	conf1 = ck_slurp(conf_path);
	ck_assert_str_eq(conf0, conf1);
	free(conf1);
	free(conf0);
	ck_assert_int_eq(access(own_path, F_OK), 0);	/* clear was refused */
	fflush(stderr);
	log = ck_slurp(log_path);
	ck_assert_msg(strstr(log, "uid 5151 pid 5151: set refused: read-only socket"),
		      "the refusal is not logged with the uid");
	free(log);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("agent_ctl");
	TCase *tc = tcase_create("proxy_credentials");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_operator_sets_and_clears);
	tcase_add_test(tc, t_bad_input_refused);
	tcase_add_test(tc, t_roles);
	tcase_add_test(tc, t_failed_write_changes_nothing);
	tcase_add_test(tc, t_root_file_wins);
	tcase_add_test(tc, t_unusable_own_file);
	tcase_add_test(tc, t_stale_temp_removed);
	tcase_add_test(tc, t_reader);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(suite());
}
