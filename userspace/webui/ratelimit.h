/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * ratelimit: how many wrong passwords the login page takes.
 *
 * Per client address, at most max_failures failed logins in a window of
 * window_s seconds; past that, the address must wait for the window to
 * end (a success does not lift it early).  Over all addresses together,
 * at most 4 * max_failures per window: many addresses cannot make up
 * for one.  A fixed table (RL_ADDRS entries); when full, the entry with the
 * oldest window is reused (the total still counts it).  Times are
 * passed in (seconds, CLOCK_MONOTONIC).  Has its own lock.
 */
#ifndef ESOL_WEBUI_RATELIMIT_H
#define ESOL_WEBUI_RATELIMIT_H

#include <stdint.h>

#define RL_ADDRS	64
#define RL_ADDR_MAX	63	/* characters of an address */

struct ratelimit;

int ratelimit_new(unsigned int max_failures, int64_t window_s, struct ratelimit **out);
void ratelimit_free(struct ratelimit *rl);
/* 0: addr may try now; else the seconds it must wait. */
int64_t ratelimit_wait(struct ratelimit *rl, const char *addr, int64_t now);
/* A failed attempt from addr. */
void ratelimit_failed(struct ratelimit *rl, const char *addr, int64_t now);

#endif /* ESOL_WEBUI_RATELIMIT_H */
