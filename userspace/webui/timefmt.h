/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * timefmt: esold's RFC 3339 UTC times ("2026-12-07T03:00:00Z") as the
 * administrator reads them: in the poll's time zone, e.g.
 * "Mon 7 Dec 2026, 04:00 CET".  Uses core/tz (which switches the
 * process's TZ): call it only from the one thread that serves pages.
 */
#ifndef ESOL_WEBUI_TIMEFMT_H
#define ESOL_WEBUI_TIMEFMT_H

#include <stddef.h>

/* 0, or -EINVAL when t is not an RFC 3339 UTC time (out then holds t). */
int timefmt_local(const char *t, const char *zone, char *out, size_t outlen);
/* A duration in seconds as "2 h 5 min", "40 s", "3 days". */
void timefmt_duration(long long s, char *out, size_t outlen);

#endif /* ESOL_WEBUI_TIMEFMT_H */
