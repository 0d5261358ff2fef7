// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* log: syslog or stderr sink (one write a line) with a level filter; see log.h. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/log.h"

/* A stderr line longer than this is cut, and ends with "...". */
#define LOG_LINE_MAX 2048

/*
 * Process-wide logging configuration (like openlog()'s own state): set once
 * by log_init(), read by every message.  Not program state.
 */
static struct {
	enum log_sink sink;
	int level;
	const char *ident;
	char syslog_ident[64];	/* "ident[pid]", what openlog() keeps */
	bool atfork;		/* log_forked() registered for fork()'s child */
} log_cfg = { LOG_SINK_STDERR, LOG_INFO, "esol", "", false };

static const char *const level_names[] = {
	[LOG_EMERG] = "emerg", [LOG_ALERT] = "alert", [LOG_CRIT] = "crit",
	[LOG_ERR] = "error", [LOG_WARNING] = "warning",
	[LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

/*
 * The pid goes into the ident once: LOG_PID makes glibc ask getpid() for
 * every message.  The message on the wire is the same ("ident[pid]: ").
 */
static void syslog_open(void)
{
	snprintf(log_cfg.syslog_ident, sizeof(log_cfg.syslog_ident), "%s[%ld]",
		 log_cfg.ident, (long)getpid());
	openlog(log_cfg.syslog_ident, LOG_NDELAY, LOG_DAEMON);
}

void log_init(const char *ident, enum log_sink sink, int level)
{
	log_cfg.ident = ident;
	log_cfg.sink = sink;
	log_cfg.level = level;
	if (sink != LOG_SINK_SYSLOG)
		return;
	syslog_open();
	/* a daemon() or fork() after this: the child logs its own pid */
	if (!log_cfg.atfork && pthread_atfork(NULL, NULL, log_forked) == 0)
		log_cfg.atfork = true;
}

void log_forked(void)
{
	if (log_cfg.sink != LOG_SINK_SYSLOG)
		return;
	closelog();
	syslog_open();
}

void log_set_level(int level)
{
	if (level >= LOG_EMERG && level <= LOG_DEBUG)
		log_cfg.level = level;
}

int log_get_level(void)
{
	return log_cfg.level;
}

int log_level_from_name(const char *name)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcasecmp(name, level_names[i]) == 0)
			return (int)i;
	if (strcasecmp(name, "err") == 0)
		return LOG_ERR;
	if (strcasecmp(name, "warn") == 0)
		return LOG_WARNING;
	return -1;
}

const char *log_level_name(int level)
{
	if (level < LOG_EMERG || level > LOG_DEBUG)
		return "unknown";
	return level_names[level];
}

/*
 * One line to stderr in one write(): never interleaved with another
 * writer's line, and one system call a message.
 */
static void log_write_line(const char *ident, const char *lvl, const char *fmt,
			   va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t len, off = 0;
	int n;

	n = snprintf(line, sizeof(line), "%s: %s: ", ident, lvl);
	len = n < 0 ? 0 : (size_t)n;
	if (len < sizeof(line) - 1) {
		n = vsnprintf(line + len, sizeof(line) - len, fmt, ap);
		if (n > 0)
			len += (size_t)n;
	}
	if (len > sizeof(line) - 2) {	/* cut: room for "...\n" */
		len = sizeof(line) - 5;
		memcpy(line + len, "...", 3);
		len += 3;
	}
	line[len++] = '\n';
	while (off < len) {
		ssize_t w = write(STDERR_FILENO, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;	/* nowhere to report it */
		off += (size_t)w;
	}
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
	if (level > log_cfg.level)
		return;
	if (log_cfg.sink == LOG_SINK_SYSLOG) {
		vsyslog(level, fmt, ap);
		return;
	}
	log_write_line(log_cfg.ident, level_names[level], fmt, ap);
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}
