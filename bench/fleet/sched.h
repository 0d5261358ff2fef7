/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * bench/fleet/sched: when in the (UTC) day each simulated device polls.
 * A device has a time zone (a weighted mix of where printers are:
 * Europe, the Americas, Asia, Oceania), an admin's poll time (03:00
 * local for most, any hour for a fifth) and its random spread (0..59
 * minutes), as esold computes them; all from the device's index, so a
 * run is repeatable.
 */
#ifndef ESOL_BENCH_FLEET_SCHED_H
#define ESOL_BENCH_FLEET_SCHED_H

#include <stdint.h>

struct sched_dev {
	uint32_t second;	/* of the UTC day, 0..86399 */
	uint8_t zone;		/* index into the zone table */
	uint8_t hour, minute;	/* the admin's local poll time */
	uint8_t spread_min;	/* the device's spread */
};

void sched_device(uint32_t idx, struct sched_dev *out);
const char *sched_zone_name(uint8_t zone);
/* A well-mixed 64-bit hash (splitmix64). */
uint64_t sched_hash(uint64_t x);

#endif /* ESOL_BENCH_FLEET_SCHED_H */
