/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * syserr: the error of the system call that just failed, as the negative
 * errno esol's functions return.  Never 0, so that a failure can never
 * read as success (and the static analyzers, which do not know that a
 * failed call leaves errno positive, can see it).
 */
#ifndef ESOL_COMMON_SYSERR_H
#define ESOL_COMMON_SYSERR_H

#include <errno.h>

static inline int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

#endif
