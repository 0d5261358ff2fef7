/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * fsutil: the durable-file primitives esold's core modules share.
 *
 * A file is made durable by writing it under a temporary name in the same
 * directory, fsync()ing it, rename()ing it over its final name and
 * fsync()ing the directory, so that after a crash or power loss either the
 * old or the new content is there, never a mix.  All functions return 0 or
 * a negative errno and log nothing: the caller knows what the file is for.
 */
#ifndef ESOL_CORE_FSUTIL_H
#define ESOL_CORE_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>

/* write() all of buf, retrying on EINTR and short writes. */
int fsu_write_all(int fd, const void *buf, size_t len);

/* fsync() the directory dir (so a rename or unlink in it is durable). */
int fsu_fsync_dir(const char *dir);

/* The directory part of path ("." when path has no '/'), into out. */
int fsu_dirname(const char *path, char *out, size_t outlen);

/*
 * Replace path with buf atomically and durably (temp file in the same
 * directory, fsync, rename, directory fsync).  The new file gets `mode`.
 * On error the old file is untouched and the temp file removed.
 */
int fsu_write_atomic(const char *path, const void *buf, size_t len, mode_t mode);

/*
 * Remove what a crash in the middle of fsu_write_atomic(path, ...) left:
 * the temporary files ".<name of path>.XXXXXX" beside path (nothing else).
 * Returns how many were removed, or a negative errno (the first failure;
 * the others are still tried).
 */
int fsu_remove_stale_temps(const char *path);

#endif /* ESOL_CORE_FSUTIL_H */
