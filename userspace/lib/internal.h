/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * libprinteng internals shared by its modules (not installed): the context,
 * error reporting, path building, value validation, the sysfs reader, the
 * chrdev helpers, the netlink decoders' detailed form and the event reader.
 * Internal symbols are prefixed pel_ and are not exported by the shared
 * library.
 */
#ifndef LIBPRINTENG_INTERNAL_H
#define LIBPRINTENG_INTERNAL_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/libprinteng.h"

#define PEL_FMT(a, b) __attribute__((format(printf, a, b)))

struct printeng_ctx {
	char root[PATH_MAX];		/* "" for "/", else no trailing '/' */
	unsigned int sysfs_retries;
	char err[512];			/* explanation of the last error */
};

/*
 * Record why a call failed and yield @err (a negative errno).  A macro over
 * a formatter that returns nothing, so that the value is plain to see (the
 * static analyzers do not follow a variadic function's return value).
 */
void pel_set_error(struct printeng_ctx *ctx, const char *fmt, ...) PEL_FMT(2, 3);
#define pel_fail(ctx, err, ...)	(pel_set_error((ctx), __VA_ARGS__), (err))
void pel_clear_error(struct printeng_ctx *ctx);

/* <root><fmt...> into buf; -ENAMETOOLONG when it does not fit. */
int pel_path(const struct printeng_ctx *ctx, char *buf, size_t len,
	     const char *fmt, ...) PEL_FMT(4, 5);

/* ---- values (valid.c) ---- */

/* Strict decimal parsers: digits only (and a leading '-' for signed), no
 * spaces, no leading '+'; 0, -EINVAL (malformed) or -ERANGE. */
int pel_parse_u64(const char *s, uint64_t *out);
int pel_parse_u32(const char *s, uint32_t *out);
int pel_parse_s32(const char *s, int32_t *out);
/* Level or capacity: >= 0, or -1/-2/-3; 0, -EINVAL or -ERANGE. */
int pel_parse_level(const char *s, int32_t *out);
/* Is @s (NUL-terminated) valid UTF-8 with no control characters? */
bool pel_text_ok(const char *s);
/* Copy a string field into dst[dstlen]: 0, -EOVERFLOW (too long) or
 * -EINVAL (not pel_text_ok). */
int pel_copy_text(char *dst, size_t dstlen, const char *src);
/* A NUL-padded fixed-size kernel field to dst[len]: 0 or -EPROTO (no NUL,
 * or not pel_text_ok). */
int pel_copy_field(char *dst, const char *src, size_t len);
/* A kernel supply value is in range (state known, level valid). */
bool pel_supply_ok(const struct printeng_supply_entry *s);
uint64_t pel_clock_ns(int clock);

/* ---- sysfs (sysfs.c) ---- */

/* Read one sysfs value into buf (one trailing newline stripped). */
int pel_sysfs_read(struct printeng_ctx *ctx, const char *path, char *buf,
		   size_t len);
/* Identity files (serial, model, engine_fw, controller_fw) of @dir. */
int pel_sysfs_identity(struct printeng_ctx *ctx, const char *dir,
		       struct printeng_snap *out);
/* Which file a generation was read from (a replaced file is another). */
struct pel_sysfs_id {
	uint64_t dev, ino;
	int64_t ctime_s;
	long ctime_ns;
};
/*
 * A handle's last sysfs snapshot and the generation file it came with,
 * kept open (gen_fd) so that asking again whether it is the same costs a
 * stat() of the path and a pread(), not an open and a close besides.
 */
struct pel_sysfs_cache {
	bool valid;
	int gen_fd;			/* that generation file, or -1 */
	struct pel_sysfs_id gen_id;
	struct printeng_snap snap;
};
struct pel_sysfs_cache *pel_sysfs_cache_new(void);
void pel_sysfs_cache_free(struct pel_sysfs_cache *cache);
/*
 * A whole snapshot from sysfs directory @dir, bracketed by generation; with
 * @cache, the cached one again (timestamps of now) while the generation
 * file is the same and unchanged, and a new read is cached.
 */
int pel_sysfs_snapshot(struct printeng_ctx *ctx, const char *dir,
		       unsigned int index, struct pel_sysfs_cache *cache,
		       struct printeng_snap *out);

/* ---- netlink (genl_decode.c, genl.c) ---- */

int pel_decode_event(const struct nlmsghdr *nlh, size_t len,
		     struct printeng_event *ev, const char **why);
int pel_decode_device(const struct nlmsghdr *nlh, size_t len,
		      struct printeng_snap *out, const char **why);

/*
 * Read every datagram waiting on netlink socket @fd (non-blocking) and hand
 * the messages of type @family to @fn as events.  @kernel_only: drop
 * datagrams not sent by the kernel (port id 0).  See printeng_nl_events().
 */
int pel_nl_read_events(struct printeng_ctx *ctx, int fd, uint16_t family,
		       bool kernel_only, printeng_event_fn fn, void *arg);

#endif /* LIBPRINTENG_INTERNAL_H */
