/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/capture: keep every request body the server receives, byte for
 * byte, one file per request (DIR/NNNNNN-<endpoint>.body), so a test can
 * check everything a device ever sent against the protocol's data
 * allowlist.  Files are written under a temporary name and renamed.
 * Numbering continues after the highest number already in DIR.
 * Thread-safe.
 */
#ifndef ESOL_SERVER_CAPTURE_H
#define ESOL_SERVER_CAPTURE_H

#include <pthread.h>
#include <stddef.h>

struct capture {
	pthread_mutex_t lock;
	char *dir;
	unsigned long next;
};

/* Create DIR if needed.  Returns 0 or a negative errno. */
int capture_init(struct capture *c, const char *dir);
void capture_destroy(struct capture *c);
/* Store one body received on url.  Returns 0 or a negative errno. */
int capture_store(struct capture *c, const char *url, const void *body, size_t len);

#endif /* ESOL_SERVER_CAPTURE_H */
