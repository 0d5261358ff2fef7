/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * libprinteng: the userspace side of the printeng kernel ABI.
 *
 * The only userspace code that knows the ABI of printeng.ko.  It lists the
 * print engines, takes consistent snapshots of their meters and supplies
 * (chrdev /dev/printeng<N>; sysfs /sys/class/printeng/printeng<N>/ when the
 * chrdev is absent), waits for changes (poll), and receives the generic
 * netlink "events" of family "printeng" (libnl-genl-3).  It also holds the
 * name tables (meter id <-> name, supply type/unit/state <-> name) that the
 * tools and the agent share.
 *
 * Conventions:
 * - Every function that can fail returns a negative errno; nothing is
 *   printed, nothing exits.  The context keeps a one-line explanation of
 *   the last error (printeng_ctx_error()) for the caller to log.
 * - All paths are under the context's root ("/" normally), so tests can
 *   point the library at a directory tree shaped like /sys and /dev.
 * - A context and everything opened from it are used by one thread at a
 *   time.  There is no global state.
 *
 * Errors common to the snapshot functions:
 *   -ENOENT    a required file or the device is missing
 *   -ENODEV    the device went away (unplugged / unregistered)
 *   -EINVAL    a sysfs file's content is malformed (not a number, an
 *              unknown name, control characters or bad UTF-8)
 *   -ERANGE    a number is out of range (e.g. a level below -3)
 *   -EOVERFLOW a string longer than the ABI allows, too many supplies
 *   -EAGAIN    sysfs: the generation kept changing for every retry
 *   -EPROTO    the kernel returned data that breaks the ABI
 */
#ifndef LIBPRINTENG_H
#define LIBPRINTENG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/printeng.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nlmsghdr;
struct printeng_ctx;
struct printeng_dev;
struct printeng_nl;

/* ---- context ------------------------------------------------------- */

/* Retries of a sysfs snapshot whose generation changed while reading. */
#define PRINTENG_SYSFS_RETRIES_DEFAULT	8

/*
 * New context.  @root: directory that stands for "/" (NULL or "/" for the
 * real system).  Returns 0 or -ENOMEM / -EINVAL (empty or too long root).
 */
int printeng_ctx_new(const char *root, struct printeng_ctx **out);
void printeng_ctx_free(struct printeng_ctx *ctx);
/* Number of retries of the sysfs snapshot (0: read once, never retry). */
void printeng_ctx_set_sysfs_retries(struct printeng_ctx *ctx,
				    unsigned int retries);
/* What the last failing call of this context found, or "" after success. */
const char *printeng_ctx_error(const struct printeng_ctx *ctx);

/* ---- name tables ----------------------------------------------------- */

/*
 * Names as the kernel spells them in sysfs (and the esol wire protocol):
 * meters "impressions_total"...; types "toner", "waste_toner", "opc"...;
 * units "percent"...; states "ok", "low", "empty", "missing".
 * The *_name() functions return NULL for a value with no name; the
 * *_from_name() functions return 0 and set *out, or -EINVAL.
 */
const char *printeng_meter_name(unsigned int id);
int printeng_meter_from_name(const char *name, unsigned int *out);
const char *printeng_supply_type_name(uint32_t type);
int printeng_supply_type_from_name(const char *name, uint32_t *out);
const char *printeng_supply_unit_name(uint32_t unit);
int printeng_supply_unit_from_name(const char *name, uint32_t *out);
const char *printeng_supply_state_name(uint32_t state);
int printeng_supply_state_from_name(const char *name, uint32_t *out);
/* RFC 3805 special level names: "other", "unknown", "some_remaining";
 * NULL for an ordinary level (>= 0) or an invalid one (< -3). */
const char *printeng_level_special_name(int32_t level);

/* ---- snapshots --------------------------------------------------------- */

/* Where a snapshot came from. */
enum printeng_source {
	PRINTENG_SRC_AUTO = 0,	/* printeng_snapshot_from(): the best there is */
	PRINTENG_SRC_IOCTL,	/* PRINTENG_IOC_GET_SNAPSHOT on the chrdev */
	PRINTENG_SRC_READ,	/* read() on the chrdev */
	PRINTENG_SRC_SYSFS,	/* the sysfs files, bracketed by generation */
	PRINTENG_SRC_GENL,	/* generic netlink PRINTENG_CMD_GET */
};
/* "ioctl", "read", "sysfs", "genl" ("auto" for AUTO); NULL if unknown. */
const char *printeng_source_name(enum printeng_source src);

/* One entry of the supplies table; strings are NUL-terminated. */
struct printeng_supply_entry {
	uint32_t type;		/* enum printeng_supply_type */
	uint32_t unit;		/* enum printeng_supply_unit */
	int32_t level;		/* or PRINTENG_LEVEL_* (-1, -2, -3) */
	int32_t max_capacity;	/* or PRINTENG_LEVEL_* (-1, -2, -3) */
	uint32_t state;		/* enum printeng_supply_state */
	uint32_t replaced;	/* replacements since registration */
	char colorant[PRINTENG_COLORANT_LEN];	/* "" when none */
	char description[PRINTENG_DESCRIPTION_LEN];
};

/*
 * One consistent snapshot of a device: identity, meters, supplies, all at
 * one generation.  Timestamps: IOCTL/READ carry the kernel's; SYSFS takes
 * both clocks when the closing generation read matched; GENL carries the
 * kernel's CLOCK_REALTIME and the library's CLOCK_MONOTONIC at receipt.
 */
struct printeng_snap {
	unsigned int index;		/* N of printeng<N> */
	enum printeng_source source;
	uint64_t generation;
	uint64_t mono_ns;		/* CLOCK_MONOTONIC, ns */
	uint64_t real_ns;		/* CLOCK_REALTIME, ns */
	char serial[PRINTENG_SERIAL_LEN];
	char model[PRINTENG_MODEL_LEN];
	char engine_fw[PRINTENG_FIRMWARE_LEN];
	char controller_fw[PRINTENG_FIRMWARE_LEN];
	uint64_t meter_mask;		/* bit N: meter id N exists */
	uint64_t meters[PRINTENG_METERS_MAX];	/* by id; 0 when absent */
	unsigned int num_supplies;
	struct printeng_supply_entry supplies[PRINTENG_SUPPLIES_MAX];
};

static inline bool printeng_snap_has_meter(const struct printeng_snap *s,
					   unsigned int id)
{
	return id < PRINTENG_METERS_MAX && (s->meter_mask >> id) & 1;
}

/* True when @a and @b hold the same device state: index, generation,
 * identity, meters and supplies (not the source or the timestamps). */
bool printeng_snap_same(const struct printeng_snap *a,
			const struct printeng_snap *b);

/* ---- devices ------------------------------------------------------------- */

/*
 * Indexes N of the devices printeng<N> in <root>/sys/class/printeng, in
 * ascending order: fills up to @max entries of @out and returns how many
 * there are (which may be more than @max).  -ENOENT when the class
 * directory is missing (printeng.ko not loaded).
 */
int printeng_list(struct printeng_ctx *ctx, unsigned int *out, size_t max);

/*
 * Open printeng<N>.  Uses <root>/dev/printeng<N> when it exists (and checks
 * it is the character device that sysfs names in its "dev" file), else the
 * sysfs files only.  Reads the identity once.  -ENOENT: no such device;
 * -ENXIO: /dev/printeng<N> is not that device's character device; -EACCES
 * and others from open(2).
 */
int printeng_open(struct printeng_ctx *ctx, unsigned int index,
		  struct printeng_dev **out);
void printeng_close(struct printeng_dev *dev);
unsigned int printeng_dev_index(const struct printeng_dev *dev);
/* True when the device is read through its chrdev, false for sysfs only. */
bool printeng_dev_has_chrdev(const struct printeng_dev *dev);

/*
 * Take a consistent snapshot into @out.  With the chrdev: a non-blocking
 * read() when the generation changed since this handle's last read (that
 * also clears the chrdev's POLLIN), else PRINTENG_IOC_GET_SNAPSHOT.
 * Without: sysfs, generation read before and after every other file,
 * retried until both agree.  -ENODEV once the device is gone.
 */
int printeng_snapshot(struct printeng_dev *dev, struct printeng_snap *out);
/*
 * Same from one given source: IOCTL, READ (-EAGAIN when the generation
 * did not change since this handle's last read()), SYSFS (allowed with a
 * chrdev too), or AUTO (= printeng_snapshot()).  IOCTL/READ without a
 * chrdev: -EOPNOTSUPP.
 */
int printeng_snapshot_from(struct printeng_dev *dev, enum printeng_source src,
			   struct printeng_snap *out);

/*
 * The chrdev's file descriptor, for the caller's poll/epoll: POLLIN when
 * the generation may have changed (printeng_snapshot() clears it), POLLERR
 * and POLLHUP once the device is gone (remove the fd then).  The library
 * owns it.  -EOPNOTSUPP without a chrdev (sysfs cannot signal changes: use
 * the netlink events instead).
 */
int printeng_fd(const struct printeng_dev *dev);

/*
 * Wait until the generation differs from that of this handle's last
 * snapshot, at most @timeout_ms (-1: no limit).  Returns 1 (changed; take
 * a snapshot), 0 (timed out), -ENODEV (gone), -EINTR (a signal),
 * -EOPNOTSUPP (no chrdev).
 */
int printeng_wait(struct printeng_dev *dev, int timeout_ms);

/* ---- generic netlink ------------------------------------------------------ */

enum printeng_event_type {
	PRINTENG_EVENT_SUPPLY = 1,	/* PRINTENG_CMD_SUPPLY_NTF */
	PRINTENG_EVENT_METERS,		/* PRINTENG_CMD_METERS_NTF */
	PRINTENG_EVENT_REMOVED,		/* PRINTENG_CMD_REMOVED_NTF */
};
/* "supply", "meters", "removed"; NULL if unknown. */
const char *printeng_event_name(enum printeng_event_type type);

/* One decoded event.  Fields not carried by its type are zero. */
struct printeng_event {
	enum printeng_event_type type;
	unsigned int index;		/* N of printeng<N> */
	uint64_t generation;		/* SUPPLY, METERS */
	uint64_t real_ns;		/* METERS: CLOCK_REALTIME ns */
	uint64_t meter_mask;		/* METERS */
	uint64_t meters[PRINTENG_METERS_MAX];	/* METERS, by id */
	unsigned int supply_index;	/* SUPPLY */
	uint32_t old_state;		/* SUPPLY: enum printeng_supply_state */
	struct printeng_supply_entry supply;	/* SUPPLY: its new values */
};

/* printeng_nl_open() flags. */
#define PRINTENG_NL_EVENTS	0x1	/* subscribe to the "events" group */

/*
 * Open the generic netlink family "printeng": a request socket for GET and,
 * with PRINTENG_NL_EVENTS, a non-blocking event socket subscribed to the
 * "events" group.  -ENOENT when the family is not registered (printeng.ko
 * not loaded); others from socket(2) / libnl.
 */
int printeng_nl_open(struct printeng_ctx *ctx, unsigned int flags,
		     struct printeng_nl **out);
void printeng_nl_close(struct printeng_nl *nl);

/* The event socket's fd for the caller's poll/epoll, or -EOPNOTSUPP when
 * opened without PRINTENG_NL_EVENTS.  The library owns it. */
int printeng_nl_fd(const struct printeng_nl *nl);

/* Receive buffer of the event socket, in bytes (the kernel may double it). */
int printeng_nl_set_rcvbuf(struct printeng_nl *nl, int bytes);

/*
 * Callback of printeng_nl_events(): return 0 to go on, anything else to
 * stop (printeng_nl_events() then returns that value).
 */
typedef int (*printeng_event_fn)(const struct printeng_event *ev, void *arg);

/*
 * Read every event waiting on the event socket (never blocks) and hand
 * each to @fn.  Returns the number of events handled, or:
 *   -ENOBUFS  events were lost (the socket overflowed): resynchronise
 *             with printeng_nl_dump() or a snapshot; the socket works on
 *   -EBADMSG  a message of the family did not decode (it is consumed)
 *   @fn's non-zero return, or another -errno.
 */
int printeng_nl_events(struct printeng_nl *nl, printeng_event_fn fn,
		       void *arg);

/* PRINTENG_CMD_GET for one device.  -ENODEV: no such device. */
int printeng_nl_get(struct printeng_nl *nl, unsigned int index,
		    struct printeng_snap *out);

/* Callback of printeng_nl_dump(): 0 to go on, non-zero to stop. */
typedef int (*printeng_snap_fn)(const struct printeng_snap *snap, void *arg);
/* PRINTENG_CMD_GET dump: every device; returns how many, or -errno. */
int printeng_nl_dump(struct printeng_nl *nl, printeng_snap_fn fn, void *arg);

/*
 * Decoders of one generic netlink message of the family (netlink header,
 * genetlink header, attributes) of @len bytes; they do not check
 * nlmsg_type (the family id is dynamic).  0, or -EBADMSG (malformed,
 * truncated, missing attribute) / -EPROTO (not that command, a value out
 * of range).  Exposed for tests and fuzzing.
 */
int printeng_decode_event(const struct nlmsghdr *nlh, size_t len,
			  struct printeng_event *ev);
int printeng_decode_device(const struct nlmsghdr *nlh, size_t len,
			   struct printeng_snap *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBPRINTENG_H */
