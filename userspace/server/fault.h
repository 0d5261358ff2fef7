/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/fault: fault injection for tests.  A fault spec is
 *
 *     MODE[:ARG][@PATH][*COUNT]
 *
 * MODE: none | 500 | 503[:RETRY_AFTER_S] | 429[:RETRY_AFTER_S] |
 *       slow[:MS] (answer normally after MS ms) | stall (never answer;
 *       hold the connection until the client gives up or the server
 *       stops) | garbage (200 with a body that is not JSON) |
 *       drop (close the connection without an answer, nothing stored) |
 *       lost-reply (process and store, then close without an answer).
 * @PATH limits the fault to one endpoint ("@/v1/meter-reads");
 * *COUNT limits it to the next COUNT matching requests.
 *
 * The spec comes from --fault and may be replaced at run time through
 * an admin file (--fault-file): whenever the file changes, its first line
 * becomes the spec; when it disappears the --fault spec is back.
 * Thread-safe.
 */
#ifndef ESOL_SERVER_FAULT_H
#define ESOL_SERVER_FAULT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

enum fault_mode {
	FAULT_NONE,
	FAULT_500,
	FAULT_503,
	FAULT_429,
	FAULT_SLOW,
	FAULT_STALL,
	FAULT_GARBAGE,
	FAULT_DROP,
	FAULT_LOST_REPLY,
};

struct fault_spec {
	enum fault_mode mode;
	uint32_t arg;		/* Retry-After seconds (503/429) or delay ms (slow) */
	char path[64];		/* "" for every endpoint */
	int count;		/* matching requests left; -1 unlimited */
};

/* Parse a spec; on error returns -EINVAL and err says why. */
int fault_parse(const char *s, struct fault_spec *out, char *err, size_t errlen);
/* Human-readable spec, for logs. */
void fault_describe(const struct fault_spec *f, char *buf, size_t n);

struct fault_state {
	pthread_mutex_t lock;
	struct fault_spec base;		/* from the command line */
	struct fault_spec cur;
	char *file;			/* admin file or NULL */
	bool file_active;
	struct timespec file_mtime;
	ino_t file_ino;
	off_t file_size;
};

int fault_state_init(struct fault_state *st, const struct fault_spec *base, const char *file);
void fault_state_destroy(struct fault_state *st);

/*
 * The fault to apply to one request on `path` (FAULT_NONE if none);
 * consumes one from a counted spec.  Returns 0; 1 when the admin file
 * was (re)read and msg describes the new spec; -EINVAL when the admin
 * file is invalid (msg says why, the previous spec stays).
 */
int fault_take(struct fault_state *st, const char *path, struct fault_spec *out,
	       char *msg, size_t msglen);

#endif /* ESOL_SERVER_FAULT_H */
