/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * zones: the time zones the device knows, for the settings page's list:
 * the zone names of the tz database's zone1970.tab (else zone.tab) in
 * tz_dir, plus UTC, sorted.  esold checks the chosen one again.
 */
#ifndef ESOL_WEBUI_ZONES_H
#define ESOL_WEBUI_ZONES_H

#include <stddef.h>

/* Olson names are short (the longest in tzdata is 32 bytes). */
#define ZONE_NAME_MAX	64

struct zone_list {
	char (*name)[ZONE_NAME_MAX];	/* n names, sorted; one allocation */
	size_t n;
};

/* 0, or -errno (no table in tz_dir: -ENOENT). */
int zones_load(const char *tz_dir, struct zone_list *out);
void zones_free(struct zone_list *z);

#endif /* ESOL_WEBUI_ZONES_H */
