/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * spool: the durable queue of messages waiting for the server's
 * confirmation -- meter reads (money: never lost, never counted twice)
 * and supplies reports.
 *
 * One file per message in the spool directory, named "m-<seq>" (meter
 * read) or "s-<seq>" (supplies report), <seq> 16 hex digits, increasing:
 * the order of arrival, which is also the order of spool_list().  A file
 * is written once: under ".tmp-<seq>", fsync()ed, renamed, the directory
 * fsync()ed.  It holds a 36-byte header (little-endian):
 *
 *    0  magic "ESPL"          4  version (u16, 1)   6  kind (u8)
 *    7  id length (u8)        8  seq (u64)         16  created (i64, Unix s)
 *   24  payload length (u32) 28  CRC-32 of the payload
 *   32  CRC-32 of bytes 0..31 and the id
 *
 * then the id, then the payload (the caller's bytes, e.g. the JSON body).
 * A file whose size, magic, version, kind, name or CRCs do not match is
 * corrupt (torn by a crash, bit rot): at spool_open() it is moved aside to
 * <dir>/corrupt/ (at most SPOOL_CORRUPT_KEEP files are kept there, then
 * further ones are deleted) and logged, never returned; leftover ".tmp-"
 * files (a crash before the rename) are deleted.
 *
 * Bounds: at most max_count messages and max_bytes bytes on disk.  When a
 * new message does not fit, the oldest supplies reports are dropped first
 * (logged: a newer report supersedes them anyway).  Meter reads are never
 * dropped: spool_put() of a message that cannot be made durable returns an
 * error and the caller must not send it:
 *   -ENOBUFS  the limits are reached with meter reads only (or the message
 *             could not fit even then);
 *   -ENOSPC, -EDQUOT, -EROFS, -EIO ...  the file system refused (on a
 *             full disk, supplies reports are dropped to make room first).
 *
 * spool_remove() is for when the server confirmed (stored or duplicate).
 * Removals are not followed by a directory fsync (fewer flash writes): a
 * message that reappears after a power cut is sent again and the server
 * answers "duplicate" (ids are idempotent).  spool_clear() does fsync.
 *
 * Not thread-safe (one owner: the event loop).  Logs what it decides on
 * its own (drops, corrupt files); returns every error to the caller.
 */
#ifndef ESOL_CORE_SPOOL_H
#define ESOL_CORE_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SPOOL_ID_MAX		64		/* [A-Za-z0-9._:-]{1,64} */
#define SPOOL_PAYLOAD_MAX	(1u << 20)	/* 1 MiB */
#define SPOOL_HEADER_SIZE	36
#define SPOOL_CORRUPT_DIR	"corrupt"
#define SPOOL_CORRUPT_KEEP	16
#define SPOOL_MIN_BYTES		4096u

enum spool_kind {
	SPOOL_METER_READ = 1,
	SPOOL_SUPPLIES = 2,
};

struct spool_limits {
	uint32_t max_count;	/* >= 1 */
	uint64_t max_bytes;	/* >= SPOOL_MIN_BYTES, file sizes on disk */
};

/* One pending message (metadata; spool_get() reads the payload). */
struct spool_entry {
	uint64_t seq;
	enum spool_kind kind;
	char id[SPOOL_ID_MAX + 1];
	uint32_t len;		/* payload bytes */
	uint64_t file_bytes;	/* on disk */
	int64_t created;	/* Unix s given to spool_put (informational) */
};

/*
 * Optional I/O hook, to inject write/fsync failures in tests.  Each
 * behaves like write(2)/fsync(2): -1 with errno set on failure.
 */
struct spool_io {
	ssize_t (*write)(void *arg, int fd, const void *buf, size_t len);
	int (*fsync)(void *arg, int fd);
	void *arg;
};

/* What spool_open() found. */
struct spool_recovery {
	unsigned int loaded;		/* complete messages */
	unsigned int torn_removed;	/* temp files deleted */
	unsigned int corrupt;		/* files moved aside (or deleted) */
	unsigned int dropped;		/* supplies reports over the limits */
	unsigned int unknown;		/* other files, left alone */
};

struct spool;

/*
 * Open (creating the directory, mode 0700, if missing) and recover the
 * spool in dir.  io may be NULL; rec may be NULL.  Returns 0 or -errno
 * (-EINVAL for bad limits).
 */
int spool_open(const char *dir, const struct spool_limits *lim,
	       const struct spool_io *io, struct spool **out,
	       struct spool_recovery *rec);
void spool_close(struct spool *sp);

/*
 * Store a message durably; on success it is in the spool, on error it is
 * not (see above).  id must be unique in the spool (-EEXIST).  created is
 * only recorded.  len 1..SPOOL_PAYLOAD_MAX (-EMSGSIZE).  -EOVERFLOW when
 * the sequence numbers are used up (a name found on disk carried the
 * largest but one; a name with the largest is not a spool file).
 */
int spool_put(struct spool *sp, enum spool_kind kind, const char *id,
	      const void *payload, size_t len, int64_t created);

/*
 * Read a message's payload (malloc'd, NUL-terminated for convenience;
 * *len excludes the NUL), checking it again.  -ENOENT if unknown;
 * -EBADMSG if it went corrupt on disk (then it is moved aside and gone).
 */
int spool_get(struct spool *sp, const char *id, void **payload, size_t *len);

/* The server confirmed: delete the message.  0, -ENOENT or -errno. */
int spool_remove(struct spool *sp, const char *id);

/* Delete every message (esolctl spool clear).  Returns how many, or -errno. */
int spool_clear(struct spool *sp);

/* Pending messages, oldest first; valid until the next change. */
const struct spool_entry *spool_list(const struct spool *sp, size_t *n);
/* The entry with this id, or NULL. */
const struct spool_entry *spool_find(const struct spool *sp, const char *id);
/* The oldest message of a kind, or NULL. */
const struct spool_entry *spool_oldest(const struct spool *sp, enum spool_kind kind);
size_t spool_count(const struct spool *sp);
uint64_t spool_bytes(const struct spool *sp);

/*
 * New limits (config reload): drops the oldest supplies reports while over
 * them; meter reads stay even over the limits.  -EINVAL for bad limits.
 */
int spool_set_limits(struct spool *sp, const struct spool_limits *lim);

/* true if id is a valid message id. */
bool spool_id_valid(const char *id);
/* "meter_read" / "supplies". */
const char *spool_kind_name(enum spool_kind kind);

#endif /* ESOL_CORE_SPOOL_H */
