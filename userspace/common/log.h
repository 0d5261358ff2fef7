/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * log: the one place userspace esol programs write diagnostics.
 *
 * Messages go to syslog (hence journald) when the program runs as a
 * daemon, or to stderr otherwise.  A message is logged once, by the code
 * that can act on the error; lower layers return errors instead.
 * The sink and level are process-wide configuration set once at start-up,
 * not program state.
 */
#ifndef ESOL_COMMON_LOG_H
#define ESOL_COMMON_LOG_H

#include <stdarg.h>
#include <syslog.h>

enum log_sink {
	LOG_SINK_STDERR,
	LOG_SINK_SYSLOG,
};

/* ident: program name; level: LOG_ERR..LOG_DEBUG (syslog levels). */
void log_init(const char *ident, enum log_sink sink, int level);
/* In a forked child (called by fork() itself, pthread_atfork): syslog
 * lines name the child's pid. */
void log_forked(void);
void log_set_level(int level);
int log_get_level(void);
/* "error", "warning", "notice", "info", "debug" -> syslog level, or -1. */
int log_level_from_name(const char *name);
const char *log_level_name(int level);

void log_msg(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_vmsg(int level, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

#define log_err(...)	log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...)	log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...)	log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...)	log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...)	log_msg(LOG_DEBUG, __VA_ARGS__)

#endif /* ESOL_COMMON_LOG_H */
