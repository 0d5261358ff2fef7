// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * main: esold's entry point.  Parses the command line, sets up logging,
 * optionally detaches (the parent exits only once the child is ready, so
 * an init script knows start-up succeeded), runs the agent, and tells
 * systemd READY/STOPPING.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "common/version.h"
#include "agent/agent.h"
#include "common/log.h"


static void usage(FILE *f)
{
	fprintf(f,
"usage: esold [-c CONFIG] [-f] [-s] [-p PIDFILE] [--root DIR] [-v]\n"
"\n"
"  -c, --config FILE   configuration (default %s)\n"
"  -f, --foreground    do not detach; log to stderr unless --syslog\n"
"  -s, --syslog        log to syslog (journald) even in the foreground\n"
"  -p, --pidfile FILE  write the pid there once ready (when detaching)\n"
"  -r, --root DIR      read the print engine from a sysfs-shaped tree under\n"
"                      DIR instead of / (host tests)\n"
"  -v, --verbose       log at debug level, whatever the config says\n"
"  -V, --version\n"
"  -h, --help\n",
		AGENT_DEFAULT_CONFIG);
}

static int write_pidfile(const char *path)
{
	char tmp[4096], buf[32];
	int fd, n;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)n) != n || close(fd) < 0 || rename(tmp, path) < 0) {
		int r = -errno;

		unlink(tmp);
		return r;
	}
	return 0;
}

/*
 * Fork; the parent waits on a pipe for the child's one-byte verdict and
 * exits with it.  Returns the write end in the child.
 */
static int detach(void)
{
	int p[2];
	pid_t pid;
	char c = 1;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			c = 1;
		_exit(c);
	}
	close(p[0]);
	if (setsid() < 0)
		return -errno;
	if (chdir("/") < 0)
		return -errno;
	return p[1];
}

static void report_ready(int fd, char verdict)
{
	if (fd < 0)
		return;
	(void)!write(fd, &verdict, 1);
	close(fd);
	/* stdin/out/err of a daemon: /dev/null */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "syslog", no_argument, NULL, 's' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct agent_opts o = { .config = AGENT_DEFAULT_CONFIG, .root = "" };
	const char *pidfile = NULL;
	bool foreground = false, use_syslog = false;
	struct agent *a;
	int c, r, ready_fd = -1;

	while ((c = getopt_long(argc, argv, "c:fsp:r:vVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			break;
		case 'f':
			foreground = true;
			break;
		case 's':
			use_syslog = true;
			break;
		case 'p':
			pidfile = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 'v':
			o.verbose = true;
			break;
		case 'V':
			esol_print_version("esold");
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!foreground)
		use_syslog = true;
	log_init("esold", use_syslog ? LOG_SINK_SYSLOG : LOG_SINK_STDERR,
		 o.verbose ? LOG_DEBUG : LOG_INFO);
	/* Writes to a closed socket return EPIPE instead of killing us. */
	signal(SIGPIPE, SIG_IGN);
	umask(027);

	if (!foreground) {
		ready_fd = detach();
		if (ready_fd < 0) {
			log_err("cannot detach: %s", strerror(-ready_fd));
			return 1;
		}
	}
	r = agent_new(&o, &a);
	if (r < 0) {
		/* agent_new logged why. */
		sd_notifyf(0, "STATUS=start-up failed: %s\nERRNO=%d", strerror(-r), -r);
		report_ready(ready_fd, 1);
		return 1;
	}
	if (pidfile) {
		r = write_pidfile(pidfile);
		if (r < 0)
			log_warn("cannot write pid file %s: %s", pidfile, strerror(-r));
	}
	report_ready(ready_fd, 0);
	sd_notify(0, "READY=1\nSTATUS=running");
	log_info("esold %s started (pid %d)", ESOL_VERSION, (int)getpid());

	r = agent_run(a);

	sd_notify(0, "STOPPING=1");
	agent_free(a);
	if (pidfile)
		unlink(pidfile);
	log_info("esold stopped");
	return r < 0 ? 1 : 0;
}
