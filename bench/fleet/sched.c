// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * bench/fleet/sched: the daily spread of a fleet over time zones (see
 * sched.h).  Offsets are standard time: the day simulated is in winter.
 */
#include "sched.h"

static const struct {
	const char *name;
	int offset_min;		/* east of UTC */
	int weight;		/* percent of the fleet */
} zones[] = {
	{ "Europe/Berlin", 60, 25 },	{ "Europe/London", 0, 10 },
	{ "America/New_York", -300, 15 }, { "America/Chicago", -360, 7 },
	{ "America/Los_Angeles", -480, 8 }, { "America/Sao_Paulo", -180, 3 },
	{ "Asia/Shanghai", 480, 12 },	{ "Asia/Tokyo", 540, 10 },
	{ "Asia/Kolkata", 330, 6 },	{ "Australia/Sydney", 660, 4 },
};

uint64_t sched_hash(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void sched_device(uint32_t idx, struct sched_dev *d)
{
	uint64_t h = sched_hash(idx);
	int pick = (int)(h % 100), z = 0, local;

	while (pick >= zones[z].weight) {
		pick -= zones[z].weight;
		z++;
	}
	h >>= 8;
	d->zone = (uint8_t)z;
	d->hour = (h % 5) == 0 ? (uint8_t)((h >> 3) % 24) : 3;
	d->minute = 0;
	d->spread_min = (uint8_t)((h >> 8) % 60);
	local = d->hour * 60 + d->minute + d->spread_min;
	d->second = (uint32_t)(((local - zones[z].offset_min) % 1440 + 1440) % 1440) * 60 +
		    (uint32_t)((h >> 16) % 60);
}

const char *sched_zone_name(uint8_t zone)
{
	return zone < sizeof(zones) / sizeof(zones[0]) ? zones[zone].name : "UTC";
}
