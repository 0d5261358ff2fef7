/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * statfmt: how printeng-stat shows snapshots and events: as text for a
 * person, as JSON (jansson) for a script, and as the list of what changed
 * between two snapshots (--watch).
 *
 * JSON of a snapshot (one object; 64-bit counters are decimal strings, as
 * on the esol wire, because JSON numbers cannot hold every u64):
 *   {"device":"printeng0","index":0,"source":"ioctl","generation":"42",
 *    "time":"2026-11-24T07:51:35.123Z","real_ns":"...","mono_ns":"...",
 *    "serial":"...","model":"...","engine_fw":"...","controller_fw":"...",
 *    "meters":{"impressions_total":"1234",...},
 *    "supplies":[{"index":0,"type":"toner","unit":"percent",
 *                 "colorant":"black","description":"...","level":80,
 *                 "max_capacity":100,"state":"ok","replaced":0},...]}
 * level and max_capacity keep the RFC 3805 specials -1/-2/-3.
 */
#ifndef ESOL_TOOLS_STATFMT_H
#define ESOL_TOOLS_STATFMT_H

#include <stdio.h>

#include <jansson.h>

#include "lib/libprinteng.h"

/* New JSON object for @s, or NULL when out of memory. */
json_t *statfmt_json(const struct printeng_snap *s);
/* New JSON object for an event: {"event":"supply","device":...}. */
json_t *statfmt_event_json(const struct printeng_event *ev);

/* The snapshot as text, several lines. */
void statfmt_text(FILE *f, const struct printeng_snap *s);
/* What changed from @old to @cur, as text; returns the lines printed
 * after the heading (0 when nothing but the timestamps changed). */
int statfmt_diff(FILE *f, const struct printeng_snap *old,
		 const struct printeng_snap *cur);
/* One line for an event. */
void statfmt_event_text(FILE *f, const struct printeng_event *ev);

/* A supply's level for people: "80%", "1200 of 5000 impressions",
 * "some remaining", "unknown"... */
void statfmt_level(char *buf, size_t len, const struct printeng_supply_entry *s);
/* CLOCK_REALTIME ns as "2026-11-24T07:51:35.123Z". */
void statfmt_time(char *buf, size_t len, uint64_t real_ns);
/* Meter id's name, "meter_<id>" for one the library does not know. */
const char *statfmt_meter_name(unsigned int id, char *buf, size_t len);

#endif /* ESOL_TOOLS_STATFMT_H */
