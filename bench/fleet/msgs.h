/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * bench/fleet/msgs: the three requests of simulated device idx (device id
 * id), as JSON bodies (malloc'd): its poll (identity, configuration from
 * bench/fleet/sched; brief: only device_id and their identity tag, as
 * docs/protocol.md's "Brief polls"), the meter read answering request_id (read_id made
 * from the request, so the same on every retry; meters from the index),
 * and its supplies report of the day of time t (report_id likewise).
 * Return 0 or -EINVAL / -ENOMEM.
 */
#ifndef ESOL_BENCH_FLEET_MSGS_H
#define ESOL_BENCH_FLEET_MSGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A simulated device runs the Supplies Assistant (its poll's state says so). */
#define MSG_SUPPLIES_ON		true
#define MSG_SUPPLIES_INTERVAL_S	86400

int msg_poll(uint32_t idx, const char *id, bool brief, char **body, size_t *len);
int msg_read(uint32_t idx, const char *id, const char *request_id, int64_t t, char **body,
	     size_t *len);
int msg_supplies(uint32_t idx, const char *id, int64_t t, char **body, size_t *len);

#endif /* ESOL_BENCH_FLEET_MSGS_H */
