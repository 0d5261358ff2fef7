/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * session: the administrator's login sessions, in memory, each with its
 * own CSRF token.
 *
 * A session id and its CSRF token are 32 random bytes each (OpenSSL's
 * RAND_bytes) as 64 hex characters; ids and tokens are compared in
 * constant time.  A session ends at logout, after idle_s without a
 * request, or absolute_s after the login, whichever is first; when the
 * table is full the least recently used session makes room.  Times are
 * passed in (seconds on CLOCK_MONOTONIC) so tests drive the clock.  The
 * store has its own lock: libmicrohttpd's worker threads share it.
 */
#ifndef ESOL_WEBUI_SESSION_H
#define ESOL_WEBUI_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#define SESSION_TOKEN_LEN	64	/* hex characters */

struct session_store;

/* 0 or -ENOMEM / -EINVAL. */
int session_store_new(unsigned int max, int64_t idle_s, int64_t absolute_s,
		      struct session_store **out);
void session_store_free(struct session_store *st);

/* A new session: its id and CSRF token.  0 or -EIO (no randomness). */
int session_create(struct session_store *st, int64_t now,
		   char sid[SESSION_TOKEN_LEN + 1], char csrf[SESSION_TOKEN_LEN + 1]);
/*
 * Is sid a live session?  0 (its idle timer restarts and csrf, when not
 * NULL, gets its token) or -ENOENT (unknown, logged out or expired).
 */
int session_check(struct session_store *st, const char *sid, int64_t now,
		  char csrf[SESSION_TOKEN_LEN + 1]);
/* Does token match sid's CSRF token (sid live)? */
bool session_csrf_ok(struct session_store *st, const char *sid,
		     const char *token, int64_t now);
/* Ends sid (logout); unknown ids are ignored. */
void session_destroy(struct session_store *st, const char *sid);
/* Live sessions, for tests and the log. */
unsigned int session_count(struct session_store *st, int64_t now);

#endif /* ESOL_WEBUI_SESSION_H */
