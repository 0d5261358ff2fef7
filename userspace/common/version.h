/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * version: the one esol version number.  It lives in the top-level
 * VERSION file; the build passes it as ESOL_VERSION to every object (and
 * to the kernel modules as MODULE_VERSION, to the library's real name, the
 * pkg-config file and the man pages).  Every program answers --version
 * with esol_print_version().
 */
#ifndef ESOL_COMMON_VERSION_H
#define ESOL_COMMON_VERSION_H

#include <stdio.h>

#ifndef ESOL_VERSION
#error "ESOL_VERSION is set by the build from the top-level VERSION file"
#endif

/* "PROG (esol) VERSION" on stdout, as GNU programs print it. */
static inline void esol_print_version(const char *prog)
{
	printf("%s (esol) %s\n", prog, ESOL_VERSION);
}

#endif
