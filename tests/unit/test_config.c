// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of config (esold.conf) and creds (the proxy credentials
 * file), on real files: every key, defaults, one error message per kind of
 * mistake naming the line and the key, the running config kept on error,
 * atomic save and load round trip, "set" that writes only on a real change,
 * the credentials file's permission checks, and the example esold.conf
 * shipped with the init files.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "ckrun.h"
#include "common/escape.h"
#include "core/config.h"
#include "core/creds.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/test_config.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/esold.conf", dir);
}

static void teardown(void)
{
	char cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_file_n(const char *p, const char *text, size_t n, mode_t mode)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static void write_conf(const char *text)
{
	write_file_n(path, text, strlen(text), 0644);
}

static const char *FULL =
	"# esold test configuration\n"
	"; another comment\n"
	"[agent]\n"
	"enabled = true\n"
	"log_level = debug\n"
	"state_dir = /var/lib/esol-test\n"
	"\n"
	"[server]\n"
	"url = https://cs.example.com:8443/esol\n"
	"ca_file = /etc/esol/ca.pem\n"
	"pin = sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=;"
	"sha256//t62CeU2tQiqkexU74Gxa2eg7fRbEgoChTociMee9wno=\n"
	"client_cert = /etc/esol/device.crt\n"
	"client_key = /etc/esol/device.key\n"
	"\n"
	"[schedule]\n"
	"poll_time = 02:30\n"
	"time_zone = Europe/Paris\n"
	"spread_minutes = 45\n"
	"\n"
	"[proxy]\n"
	"mode = manual\n"
	"host = proxy.corp.example\n"
	"port = 3128\n"
	"credentials_file = /etc/esol/proxy.creds\n"
	"pac_url = http://wpad.corp.example/wpad.dat\n"
	"\n"
	"[spool]\n"
	"dir = /var/lib/esol-test/spool\n"
	"max_count = 500\n"
	"max_bytes = 8M\n"
	"\n"
	"[txlog]\n"
	"path = /var/log/esol/tx.jsonl\n"
	"max_bytes = 512K\n"
	"\n"
	"[control]\n"
	"socket = /run/esol/ctl.sock\n"
	"group = esoladm\n";

START_TEST(test_full_file)
{
	struct esol_config c;
	char err[512] = "";

	write_conf(FULL);
	ck_assert_msg(config_load(path, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert(c.enabled);
	ck_assert_int_eq(c.log_level, LOG_DEBUG);
	ck_assert_str_eq(c.state_dir, "/var/lib/esol-test");
	ck_assert_str_eq(c.server_url, "https://cs.example.com:8443/esol");
	ck_assert_str_eq(c.ca_file, "/etc/esol/ca.pem");
	ck_assert_str_eq(c.pin, "sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=;"
		       "sha256//t62CeU2tQiqkexU74Gxa2eg7fRbEgoChTociMee9wno=");
	ck_assert_str_eq(c.client_cert, "/etc/esol/device.crt");
	ck_assert_str_eq(c.client_key, "/etc/esol/device.key");
	ck_assert_int_eq(c.poll_time.hour, 2);
	ck_assert_int_eq(c.poll_time.minute, 30);
	ck_assert_str_eq(c.time_zone, "Europe/Paris");
	ck_assert_uint_eq(c.spread_minutes, 45);
	ck_assert_int_eq(c.proxy_mode, ESOL_PROXY_MANUAL);
	ck_assert_str_eq(c.proxy_host, "proxy.corp.example");
	ck_assert_uint_eq(c.proxy_port, 3128);
	ck_assert_str_eq(c.proxy_credentials_file, "/etc/esol/proxy.creds");
	ck_assert_str_eq(c.pac_url, "http://wpad.corp.example/wpad.dat");
	ck_assert_str_eq(c.spool_dir, "/var/lib/esol-test/spool");
	ck_assert_uint_eq(c.spool_max_count, 500);
	ck_assert_uint_eq(c.spool_max_bytes, 8 * 1024 * 1024);
	ck_assert_str_eq(c.txlog_path, "/var/log/esol/tx.jsonl");
	ck_assert_uint_eq(c.txlog_max_bytes, 512 * 1024);
	ck_assert_str_eq(c.control_socket, "/run/esol/ctl.sock");
	ck_assert_str_eq(c.control_group, "esoladm");
	ck_assert_int_eq(config_validate(&c, err, sizeof(err)), 0);
	config_free(&c);
}
END_TEST

START_TEST(test_empty_file_is_defaults)
{
	struct esol_config c, d;
	char err[512];

	write_conf("# nothing\n\n[agent]\n");
	ck_assert_int_eq(config_load(path, &c, err, sizeof(err)), 0);
	config_defaults(&d);
	ck_assert(config_equal(&c, &d));
	ck_assert(!c.enabled);
	ck_assert_int_eq(c.log_level, LOG_INFO);
	ck_assert_int_eq(c.poll_time.hour, 3);
	ck_assert_uint_eq(c.spread_minutes, 60);
	ck_assert_int_eq(c.proxy_mode, ESOL_PROXY_NONE);
	ck_assert_str_eq(c.time_zone, "");
	ck_assert_int_eq(config_validate(&d, err, sizeof(err)), 0);
}
END_TEST

START_TEST(test_lenient_syntax)
{
	struct esol_config c;
	char err[512] = "";

	/* BOM, CRLF, indentation, inline comments, blanks around '=', case */
	write_conf("\xef\xbb\xbf[agent]\r\n"
		   "   enabled=YES ; participation on\r\n"
		   "\tlog_level =   Warning   \r\n"
		   "  # indented comment\r\n"
		   "[ server ]\r\n"
		   "url = https://cs.example.com/v1;x=1\r\n"
		   "[schedule]\r\n"
		   "\t\tpoll_time = 23:59\r\n"
		   "spread_minutes = 0\r\n"
		   "time_zone =\r\n");
	ck_assert_msg(config_load(path, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert(c.enabled);
	ck_assert_int_eq(c.log_level, LOG_WARNING);
	ck_assert_str_eq(c.server_url, "https://cs.example.com/v1;x=1");
	ck_assert_int_eq(c.poll_time.hour, 23);
	ck_assert_int_eq(c.poll_time.minute, 59);
	ck_assert_uint_eq(c.spread_minutes, 0);
	ck_assert_str_eq(c.time_zone, "");
}
END_TEST

struct bad_case {
	const char *text;
	const char *msg;	/* expected, after "<path>:" */
};

#define EN "[agent]\nenabled = false\n"

static const struct bad_case bad_cases[] = {
	/* the example from the issue */
	{ "[agent]\nenabled = true\n[server]\nurl = https://a.example\n[schedule]\n"
	  "spread_minutes = 5\n# comment\n\n\n\n\npoll_time = 25:00\n",
	  "12: poll_time: '25:00' is not HH:MM" },
	{ "[schedule]\npoll_time = 7:00\n", "2: poll_time: '7:00' is not HH:MM" },
	{ "[schedule]\npoll_time = 07:60\n", "2: poll_time: '07:60' is not HH:MM" },
	{ "[schedule]\npoll_time = 07:00:00\n", "2: poll_time: '07:00:00' is not HH:MM" },
	{ "[schedule]\npoll_time = 24:00\n", "2: poll_time: '24:00' is not HH:MM" },
	{ "[schedule]\npoll_time =\n", "2: poll_time: a value is required" },
	{ "[schedule]\ntime_zone = Mars/Olympus_Mons\n",
	  "2: time_zone: 'Mars/Olympus_Mons' is not a time zone known to this system "
	  "(/usr/share/zoneinfo)" },
	{ "[schedule]\ntime_zone = ../../etc/passwd\n",
	  "2: time_zone: '../../etc/passwd' is not a time zone name (like Europe/Paris)" },
	{ "[schedule]\nspread_minutes = 721\n", "2: spread_minutes: '721' is out of range (0..720)" },
	{ "[schedule]\nspread_minutes = -1\n", "2: spread_minutes: '-1' is not a whole number" },
	{ "[schedule]\nspread_minutes = 1e3\n", "2: spread_minutes: '1e3' is not a whole number" },
	{ "[schedule]\nspread_minutes = 99999999999999999999999\n",
	  "2: spread_minutes: '99999999999999999999999' is out of range (0..720)" },
	{ "[server]\nurl = http://cs.example.com\n",
	  "2: url: 'http://cs.example.com' is not an https:// URL (the agent only talks to "
	  "the server over HTTPS)" },
	{ "[server]\nurl = HTTP://cs.example.com\n",
	  "2: url: 'HTTP://cs.example.com' is not an https:// URL (the agent only talks to "
	  "the server over HTTPS)" },
	{ "[server]\nurl = cs.example.com\n", "2: url: 'cs.example.com' is not a valid URL" },
	{ "[server]\nurl = https://user:pw@cs.example.com/\n",
	  "2: url: 'https://user:pw@cs.example.com/': user names and passwords do not "
	  "belong in the URL" },
	{ "[server]\nurl = https://cs.example.com/#frag\n",
	  "2: url: 'https://cs.example.com/#frag': a URL fragment ('#') is not allowed" },
	{ "[server]\nurl = https://cs.exa mple.com/\n",
	  "2: url: 'https://cs.exa mple.com/' is not a URL (it contains a space)" },
	{ "[server]\nurl = https://cs.example.com/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaa\n", "2: url: longer than 160 bytes" },
	{ "[server]\nca_file = etc/ca.pem\n", "2: ca_file: 'etc/ca.pem' is not an absolute path" },
	{ "[server]\npin = sha256//abc\n",
	  "2: pin: 'sha256//abc' is not sha256//<base64 of 32 bytes>[;sha256//...] (as curl "
	  "--pinnedpubkey takes)" },
	{ "[server]\npin = sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=;\n",
	  "2: pin: 'sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwE=;' is not sha256//"
	  "<base64 of 32 bytes>[;sha256//...] (as curl --pinnedpubkey takes)" },
	{ "[server]\npin = sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwF=\n",
	  "2: pin: 'sha256//YhKJKSzoTt2b5FP18fvpHo7fJYqQCjAa3HWY3tvRMwF=' is not sha256//"
	  "<base64 of 32 bytes>[;sha256//...] (as curl --pinnedpubkey takes)" },
	{ "[server]\npin = /etc/esol/server.pub\n",
	  "2: pin: '/etc/esol/server.pub' is not sha256//<base64 of 32 bytes>[;sha256//...] "
	  "(as curl --pinnedpubkey takes)" },
	{ "[server]\nclient_cert = /etc/esol/c.crt\n",
	  "2: client_cert: client_cert and client_key go together" },
	{ "[agent]\nenabled = true\n", "2: enabled: participation needs the server: set "
	  "[server] url first (as root: esolctl set server.url https://HOST/PATH)" },
	{ "[agent]\nenabled = maybe\n", "2: enabled: 'maybe' is not a boolean (true or false)" },
	{ "[agent]\nlog_level = loud\n",
	  "2: log_level: 'loud' is not one of error, warning, notice, info, debug" },
	{ "[agent]\nstate_dir =\n", "2: state_dir: a value is required" },
	{ "[proxy]\nmode = direct\n", "2: mode: 'direct' is not one of none, manual, auto" },
	{ "[proxy]\nmode = manual\nhost = proxy.lan\n",
	  "2: mode: 'manual' needs host and port in [proxy]" },
	{ "[proxy]\nhost = bad host!\n", "2: host: 'bad host!' is not a host name or IP address" },
	{ "[proxy]\nhost = -bad.example\n",
	  "2: host: '-bad.example' is not a host name or IP address" },
	{ "[proxy]\nport = 0\n", "2: port: '0' is out of range (1..65535)" },
	{ "[proxy]\nport = 70000\n", "2: port: '70000' is out of range (1..65535)" },
	{ "[proxy]\ncredentials_file = proxy.creds\n",
	  "2: credentials_file: 'proxy.creds' is not an absolute path" },
	{ "[proxy]\npac_url = ftp://wpad/wpad.dat\n",
	  "2: pac_url: 'ftp://wpad/wpad.dat' is not an http:// or https:// URL" },
	{ "[spool]\nmax_bytes = 1K\n", "2: max_bytes: '1K' is out of range (16384..1073741824)" },
	{ "[spool]\nmax_bytes = 4X\n",
	  "2: max_bytes: '4X' is not a size in bytes (a whole number, optionally followed by "
	  "K, M or G)" },
	{ "[spool]\nmax_bytes = 99999999999G\n",
	  "2: max_bytes: '99999999999G' is out of range (16384..1073741824)" },
	{ "[spool]\nmax_count = 0\n", "2: max_count: '0' is out of range (1..100000)" },
	{ "[txlog]\nmax_bytes = 2G\n", "2: max_bytes: '2G' is out of range (16384..1073741824)" },
	{ "[control]\nsocket = /run/esol/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.sock\n",
	  "2: socket: longer than 107 bytes" },
	{ "[control]\ngroup = Bad Group\n", "2: group: 'Bad Group' is not a group name" },
	/* structure */
	{ EN "[agent]\nenabled = true\n", "4: enabled: set twice (first on line 2)" },
	{ EN "colour = blue\n", "3: unknown key 'colour' in [agent]" },
	{ EN "[extras]\n", "3: unknown section [extras]" },
	{ EN "[Agent]\nenabled = true\n", "3: unknown section [Agent]" },
	{ "enabled = true\n[agent]\n", "1: 'enabled' is outside any [section]" },
	{ EN "this line has no equals sign\n",
	  "3: syntax error: expected 'key = value', '[section]' or a comment" },
	{ EN "[agent\n", "3: syntax error: expected 'key = value', '[section]' or a comment" },
	{ EN "[server]\n# a long comment aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	  "4: the line is longer than 197 characters" },
	/* the first error wins, whichever kind it is */
	{ "[agent]\nenabled = maybe\nno equals\n",
	  "2: enabled: 'maybe' is not a boolean (true or false)" },
	{ "[agent]\nno equals\nenabled = maybe\n",
	  "2: syntax error: expected 'key = value', '[section]' or a comment" },
};

START_TEST(test_bad_files)
{
	const struct bad_case *c = &bad_cases[_i];
	struct esol_config before, c2;
	char err[512], want[640];

	memset(&before, 0x5a, sizeof(before));
	c2 = before;
	write_conf(c->text);
	ck_assert_int_eq(config_load(path, &c2, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:%s", path, c->msg);
	ck_assert_str_eq(err, want);
	/* the running configuration is kept */
	ck_assert_mem_eq(&c2, &before, sizeof(before));
}
END_TEST

/* A value or a name with a terminal escape is quoted escaped in the error. */
START_TEST(test_errors_escape_what_they_quote)
{
	static const char *const files[] = {
		"[agent]\nenabled = \x1b]0;pwned\x07\n",
		"[agent]\ncolo\x1b[31mur = 1\n",
		"[sched\x1b[2Jule]\npoll_time = 03:00\n",
		"[schedule]\ntime_zone = Europe/\xe2\x80\xaeParis\n",
	};
	struct esol_config c;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		write_conf(files[i]);
		ck_assert_int_eq(config_load(path, &c, err, sizeof(err)), -EINVAL);
		ck_assert_msg(esc_is_clean(err), "raw in: %s", err);
		ck_assert_msg(strstr(err, "\\x1b") || strstr(err, "\\u{202E}"), "%s", err);
	}
}
END_TEST

START_TEST(test_nul_and_huge_files)
{
	struct esol_config c;
	char err[512], want[640];
	char *big;
	size_t i;

	write_file_n(path, "[agent]\nenabled = tr\0ue\n", 24, 0644);
	ck_assert_int_eq(config_load(path, &c, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:2: the line contains a NUL byte", path);
	ck_assert_str_eq(err, want);

	big = malloc(CONFIG_FILE_MAX + 100);
	for (i = 0; i < CONFIG_FILE_MAX + 99; i++)
		big[i] = (i % 50 == 49) ? '\n' : '#';
	big[CONFIG_FILE_MAX + 99] = '\0';
	write_conf(big);
	free(big);
	ck_assert_int_eq(config_load(path, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "the file is larger than 65536 bytes"));

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(config_load(path, &c, err, sizeof(err)), -ENOENT);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or directory", path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_save_load_roundtrip)
{
	struct esol_config a, b;
	struct stat st;
	char err[512];
	char *text;

	write_conf(FULL);
	ck_assert_int_eq(chmod(path, 0640), 0);
	ck_assert_int_eq(config_load(path, &a, err, sizeof(err)), 0);
	ck_assert_int_eq(config_save_atomic(path, &a), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);		/* mode kept */
	ck_assert_msg(config_load(path, &b, err, sizeof(err)) == 0, "%s", err);
	ck_assert(config_equal(&a, &b));
	text = ck_slurp(path);
	ck_assert_ptr_nonnull(strstr(text, "[schedule]\npoll_time = 02:30\n"));
	ck_assert_ptr_nonnull(strstr(text, "max_bytes = 8M\n"));
	ck_assert_ptr_nonnull(strstr(text, "max_bytes = 512K\n"));
	free(text);

	/* defaults, with empty optional values, round trip too */
	config_defaults(&a);
	ck_assert_int_eq(config_save_atomic(path, &a), 0);
	ck_assert_int_eq(config_load(path, &b, err, sizeof(err)), 0);
	ck_assert(config_equal(&a, &b));
	b.spool_max_bytes = 100000;	/* not a multiple of 1K */
	ck_assert_int_eq(config_save_atomic(path, &b), 0);
	ck_assert_int_eq(config_load(path, &a, err, sizeof(err)), 0);
	ck_assert_uint_eq(a.spool_max_bytes, 100000);
	/* nothing but the file in the directory: the temp file was renamed */
	{
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "test $(ls -A '%s' | wc -l) -eq 1", dir);
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

START_TEST(test_save_fails_cleanly)
{
	struct esol_config a;
	char sub[160];

	config_defaults(&a);
	snprintf(sub, sizeof(sub), "%s/missing/esold.conf", dir);
	ck_assert_int_eq(config_save_atomic(sub, &a), -ENOENT);
}
END_TEST

START_TEST(test_set_writes_only_on_change)
{
	struct config_change ch[3];
	struct esol_config out;
	struct stat st1, st2;
	bool changed;
	char err[512], want[640];

	write_conf(FULL);
	ck_assert_int_eq(stat(path, &st1), 0);
	/* the same value: nothing written (same inode: no rename happened) */
	ch[0] = (struct config_change){ "schedule.poll_time", "02:30" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), 0);
	ck_assert(!changed);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);
	ck_assert_int_eq(out.poll_time.hour, 2);
	/* same value spelled differently: still no change */
	ch[0] = (struct config_change){ "agent.enabled", "yes" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), 0);
	ck_assert(!changed);

	/* a real change: written atomically (a new inode) and returned */
	ch[0] = (struct config_change){ "schedule.poll_time", "14:05" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), 0);
	ck_assert(changed);
	ck_assert_int_eq(out.poll_time.hour, 14);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_uint_ne(st1.st_ino, st2.st_ino);
	ck_assert_int_eq(config_load(path, &out, err, sizeof(err)), 0);
	ck_assert_int_eq(out.poll_time.minute, 5);
	ck_assert_str_eq(out.time_zone, "Europe/Paris");	/* the rest kept */

	/* a bad value: refused, file untouched */
	st1 = st2;
	ch[0] = (struct config_change){ "schedule.poll_time", "25:00" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "schedule.poll_time: '25:00' is not HH:MM");
	ck_assert(!changed);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_uint_eq(st1.st_ino, st2.st_ino);

	ch[0] = (struct config_change){ "schedule.colour", "blue" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown key 'schedule.colour' (use section.key, e.g. "
			 "schedule.poll_time)");
	ch[0] = (struct config_change){ "poll_time", "10:00" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), -EINVAL);
	/* values that would not read back the same */
	ch[0] = (struct config_change){ "server.ca_file", "/etc/a ;b" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "server.ca_file: contains ' ;', which starts a comment in the file");
	ch[0] = (struct config_change){ "server.ca_file", "/etc/a\nb" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), -EINVAL);
	ch[0] = (struct config_change){ "server.ca_file", " /etc/a" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), -EINVAL);

	/* several keys at once: proxy none -> manual needs host and port together */
	ch[0] = (struct config_change){ "proxy.mode", "none" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), 0);
	ck_assert(changed);
	ch[0] = (struct config_change){ "proxy.host", "" };
	ch[1] = (struct config_change){ "proxy.port", "" };
	ck_assert_int_eq(config_set(path, ch, 2, &out, &changed, err, sizeof(err)), 0);
	ch[0] = (struct config_change){ "proxy.mode", "manual" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "proxy.mode: 'manual' needs host and port in [proxy]");
	ch[1] = (struct config_change){ "proxy.host", "10.0.0.8" };
	ch[2] = (struct config_change){ "proxy.port", "8080" };
	ck_assert_int_eq(config_set(path, ch, 3, &out, &changed, err, sizeof(err)), 0);
	ck_assert(changed);
	ck_assert_int_eq(config_load(path, &out, err, sizeof(err)), 0);
	ck_assert_int_eq(out.proxy_mode, ESOL_PROXY_MANUAL);
	ck_assert_str_eq(out.proxy_host, "10.0.0.8");
	ck_assert_uint_eq(out.proxy_port, 8080);
	/* participation off, then on */
	ch[0] = (struct config_change){ "agent.enabled", "false" };
	ck_assert_int_eq(config_set(path, ch, 1, &out, &changed, err, sizeof(err)), 0);
	ck_assert(changed && !out.enabled);
	ck_assert_int_eq(config_load(path, &out, err, sizeof(err)), 0);
	ck_assert(!out.enabled);
	(void)want;
}
END_TEST

START_TEST(test_set_refuses_broken_file)
{
	struct config_change ch = { "agent.enabled", "false" };
	struct esol_config out;
	bool changed = true;
	char err[512], want[640];
	char *text;

	write_conf("[agent]\nenabled = maybe\n");
	ck_assert_int_eq(config_set(path, &ch, 1, &out, &changed, err, sizeof(err)), -EINVAL);
	ck_assert(!changed);
	snprintf(want, sizeof(want), "not changed: %s:2: enabled: 'maybe' is not a boolean "
		 "(true or false)", path);
	ck_assert_str_eq(err, want);
	text = ck_slurp(path);
	ck_assert_str_eq(text, "[agent]\nenabled = maybe\n");
	free(text);

	/* a missing file starts from the defaults */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(config_set(path, &ch, 1, &out, &changed, err, sizeof(err)), 0);
	ck_assert(!changed);		/* false is the default: nothing to write */
	ck_assert_int_eq(access(path, F_OK), -1);
	ch.key = "schedule.spread_minutes";
	ch.value = "10";
	ck_assert_int_eq(config_set(path, &ch, 1, &out, &changed, err, sizeof(err)), 0);
	ck_assert(changed);
	ck_assert_int_eq(config_load(path, &out, err, sizeof(err)), 0);
	ck_assert_uint_eq(out.spread_minutes, 10);
}
END_TEST

START_TEST(test_get_and_names)
{
	struct esol_config c;
	char v[64];

	config_defaults(&c);
	ck_assert_int_eq(config_get(&c, "schedule.poll_time", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "03:00");
	ck_assert_int_eq(config_get(&c, "spool.max_bytes", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "4M");
	ck_assert_int_eq(config_get(&c, "proxy.port", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(config_get(&c, "agent.log_level", v, sizeof(v)), 0);
	ck_assert_str_eq(v, "info");
	ck_assert_int_eq(config_get(&c, "nope.key", v, sizeof(v)), -ENOENT);
	ck_assert_int_eq(config_get(&c, "enabled", v, sizeof(v)), -ENOENT);
	ck_assert_str_eq(config_proxy_mode_name(ESOL_PROXY_AUTO), "auto");
	ck_assert_str_eq(config_proxy_mode_name((enum esol_proxy_mode)9), "unknown");
}
END_TEST

START_TEST(test_validate_direct)
{
	struct esol_config c;
	char err[256];

	config_defaults(&c);
	c.enabled = true;
	ck_assert_int_eq(config_validate(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "agent.enabled: participation needs the server: set [server] "
			 "url first (as root: esolctl set server.url https://HOST/PATH)");
	strcpy(c.server_url, "https://cs.example.com");
	ck_assert_int_eq(config_validate(&c, err, sizeof(err)), 0);
	strcpy(c.client_key, "/k");
	ck_assert_int_eq(config_validate(&c, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "server.client_key: client_cert and client_key go together");
}
END_TEST

/* ---- creds ---- */

static char cpath[160];

static void creds_file(const char *text, mode_t mode)
{
	snprintf(cpath, sizeof(cpath), "%s/proxy.creds", dir);
	write_file_n(cpath, text, strlen(text), mode);
}

START_TEST(test_creds_ok)
{
	struct proxy_creds c;
	char err[256] = "";

	creds_file("alice:s3cr:et with spaces\n", 0600);
	ck_assert_msg(creds_load(cpath, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(c.user, "alice");
	ck_assert_str_eq(c.password, "s3cr:et with spaces");
	creds_file("bob:pw\r\n", 0400);
	ck_assert_int_eq(creds_load(cpath, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.password, "pw");
	creds_file("carol:", 0600);
	ck_assert_int_eq(creds_load(cpath, &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.user, "carol");
	ck_assert_str_eq(c.password, "");
	creds_clear(&c);
	ck_assert_str_eq(c.user, "");
}
END_TEST

START_TEST(test_creds_mode_refused)
{
	static const mode_t modes[] = { 0640, 0604, 0660, 0644, 0610, 0601, 0620 };
	struct proxy_creds c;
	char err[256], want[320];
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		creds_file("alice:secret\n", modes[i]);
		memset(&c, 'x', sizeof(c));
		ck_assert_int_eq(creds_load(cpath, &c, err, sizeof(err)), -EPERM);
		snprintf(want, sizeof(want), "%s: mode %04o gives access to group or others; "
			 "it must be 0600 or 0400", cpath, (unsigned int)modes[i]);
		ck_assert_str_eq(err, want);
		/* nothing of the secret was read */
		ck_assert_str_eq(c.user, "");
		ck_assert_str_eq(c.password, "");
	}
}
END_TEST

START_TEST(test_creds_owner_refused)
{
	struct proxy_creds c;
	char err[256];

	creds_file("alice:secret\n", 0600);
	ck_assert_int_eq(chown(cpath, 4321, 4321), 0);
	ck_assert_int_eq(creds_load(cpath, &c, err, sizeof(err)), -EPERM);
	ck_assert_ptr_nonnull(strstr(err, "owned by uid 4321"));
}
END_TEST

START_TEST(test_creds_bad_format)
{
	static const char *const bad[] = {
		"", "\n", "alice\n", ":secret\n", "alice:secret\nbob:x\n", "al\tice:secret\n",
		"alice:sec\x01ret\n",
	};
	struct proxy_creds c;
	char err[256], big[CREDS_FILE_MAX + 10];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		creds_file(bad[i], 0600);
		ck_assert_msg(creds_load(cpath, &c, err, sizeof(err)) == -EBADMSG, "case %zu", i);
		ck_assert_ptr_nonnull(strstr(err, cpath));
	}
	write_file_n(cpath, "alice:se\0cret\n", 14, 0600);
	ck_assert_int_eq(creds_load(cpath, &c, err, sizeof(err)), -EBADMSG);
	memset(big, 'a', sizeof(big) - 1);
	big[5] = ':';
	big[sizeof(big) - 1] = '\0';
	creds_file(big, 0600);
	ck_assert_int_eq(creds_load(cpath, &c, err, sizeof(err)), -EFBIG);
	ck_assert_int_eq(creds_load(dir, &c, err, sizeof(err)), -EINVAL);
	snprintf(cpath, sizeof(cpath), "%s/none", dir);
	ck_assert_int_eq(creds_load(cpath, &c, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
}
END_TEST

/*
 * "section.key" of every "key = value" line of an INI file, in order,
 * joined with ','; comments and blank lines skipped.
 */
static void keys_of(const char *file, char *out, size_t n)
{
	char line[256], sect[64] = "";
	FILE *f = fopen(file, "r");

	ck_assert_msg(f != NULL, "%s: %m", file);
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t"), *eq;
		size_t k;

		if (*p == '#' || *p == ';' || *p == '\n' || *p == '\0')
			continue;
		if (*p == '[') {
			ck_assert_int_eq(sscanf(p, "[%63[^]]]", sect), 1);
			continue;
		}
		eq = strchr(p, '=');
		ck_assert_ptr_nonnull(eq);
		for (k = (size_t)(eq - p); k && (p[k - 1] == ' ' || p[k - 1] == '\t'); k--)
			;
		ck_assert_uint_lt(strlen(out) + strlen(sect) + k + 3, n);
		if (out[0])
			strcat(out, ",");
		strcat(out, sect);
		strcat(out, ".");
		strncat(out, p, k);
	}
	fclose(f);
}

/*
 * The example shipped in userspace/agent/init/esold.conf loads and
 * validates, sets every key there is (the list is the one config_save
 * writes, i.e. the code's own), in the canonical order, and its values
 * are the code's defaults, every one.
 */
START_TEST(test_shipped_example)
{
	const char *src = getenv("ESOL_SRCDIR");
	char example[512], err[512] = "", want[2048], got[2048];
	struct esol_config c, def;

	snprintf(example, sizeof(example), "%s/userspace/agent/init/esold.conf",
		 src ? src : ".");
	ck_assert_msg(config_load(example, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(config_validate(&c, err, sizeof(err)) == 0, "%s", err);

	config_defaults(&def);
	ck_assert_int_eq(config_save_atomic(path, &def), 0);
	keys_of(path, want, sizeof(want));
	keys_of(example, got, sizeof(got));
	ck_assert_str_eq(got, want);

	/* Every value, the control group included, is the code's default. */
	ck_assert(config_equal(&c, &def));
	config_free(&c);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc;

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_full_file);
	tcase_add_test(tc, test_empty_file_is_defaults);
	tcase_add_test(tc, test_lenient_syntax);
	tcase_add_loop_test(tc, test_bad_files, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
	tcase_add_test(tc, test_nul_and_huge_files);
	tcase_add_test(tc, test_errors_escape_what_they_quote);
	tcase_add_test(tc, test_save_load_roundtrip);
	tcase_add_test(tc, test_save_fails_cleanly);
	tcase_add_test(tc, test_set_writes_only_on_change);
	tcase_add_test(tc, test_set_refuses_broken_file);
	tcase_add_test(tc, test_get_and_names);
	tcase_add_test(tc, test_validate_direct);
	tcase_add_test(tc, test_shipped_example);
	suite_add_tcase(s, tc);

	tc = tcase_create("creds");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_creds_ok);
	tcase_add_test(tc, test_creds_mode_refused);
	if (geteuid() == 0)	/* giving the file to someone else needs root */
		tcase_add_test(tc, test_creds_owner_refused);
	tcase_add_test(tc, test_creds_bad_format);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(suite());
}
