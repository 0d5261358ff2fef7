/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * engine: the print engine's meters and supplies for the status page,
 * read-only through libprinteng (the same snapshot printeng-stat shows;
 * /dev/printeng0 is world-readable, sysfs otherwise).  esold's status
 * does not carry them.
 */
#ifndef ESOL_WEBUI_ENGINE_H
#define ESOL_WEBUI_ENGINE_H

#include <stddef.h>

#include "lib/libprinteng.h"

/* The first engine's snapshot under root ("/" on a device).  0 or -errno with why. */
int engine_read(const char *root, struct printeng_snap *out, char *err, size_t errlen);

#endif /* ESOL_WEBUI_ENGINE_H */
