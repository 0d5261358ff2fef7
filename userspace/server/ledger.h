/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/ledger: the Communication Server's ledger, on SQLite (the
 * default, one file) or PostgreSQL (several servers over one database),
 * through server/db.
 *
 * Tables: devices (identity, last configuration and agent state, billing
 * day, supplies policy), requests (read_meters requests issued, one per
 * device and billing cycle), reads (meter reads, unique per device and
 * read_id), supplies_reports and supplies (unique per device and
 * report_id).  A repeat of a stored read or report with the same
 * content is reported as a duplicate and changes nothing; one with
 * different content is a conflict and changes nothing; the database's
 * unique constraints enforce it, also between servers.  Meters are u64
 * and are kept as decimal TEXT (neither database has unsigned 64-bit).
 *
 * One connection: not thread-safe, one caller at a time (server/pool
 * hands connections to threads).  Functions return 0 or a negative
 * errno (-ENOENT, -EINVAL, -ENOSPC for a full disk, -EBUSY "try again
 * later", -EIO for other database errors, with ledger_errmsg() telling
 * what failed).  Nothing here logs.
 */
#ifndef ESOL_SERVER_LEDGER_H
#define ESOL_SERVER_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/proto.h"
#include "server/cycle.h"

struct ledger;

/*
 * PostgreSQL: the channel on which a transaction that stores a read or
 * changes a device's policy announces the device id (NOTIFY, at commit),
 * for the servers' poll caches (server/pollcache).
 */
#define LEDGER_DEVICE_CHANNEL "esol_device"

struct ledger_defaults {
	int cycle_day;			/* 1..28 */
	bool supplies_enabled;
	uint32_t supplies_interval_s;	/* PROTO_SUPPLIES_INTERVAL_MIN..MAX */
};

struct ledger_device {
	struct proto_identity id;
	bool has_poll;			/* false: known only from a read/report */
	struct proto_config config;	/* as last reported */
	struct proto_agent_state state;	/* as last reported */
	int cycle_day;
	bool supplies_enabled;		/* policy */
	uint32_t supplies_interval_s;	/* policy */
	int64_t first_seen;
	int64_t last_poll;		/* 0: never polled */
	uint64_t polls;
};

enum ledger_store_result { LEDGER_STORED, LEDGER_DUPLICATE, LEDGER_CONFLICT };

/*
 * Open (creating or migrating the schema); on failure err says why.
 * target: an SQLite file, or PostgreSQL as a postgresql:// URI or
 * "pg:" and libpq key=value pairs.
 */
int ledger_open(const char *target, struct ledger **out, char *err, size_t errlen);
bool ledger_is_postgres(const struct ledger *l);
/* What the last failing call on l failed at. */
const char *ledger_errmsg(const struct ledger *l);
void ledger_close(struct ledger *l);

/* Transactions (SQLite: BEGIN IMMEDIATE); calls nest by counting. */
int ledger_begin(struct ledger *l);
int ledger_commit(struct ledger *l);
void ledger_rollback(struct ledger *l);

/* A device's billing and supplies policy. */
struct ledger_policy {
	int cycle_day;
	bool supplies_enabled;
	uint32_t supplies_interval_s;
};

/*
 * Record a poll: create the device with the defaults if new, update the
 * rest; and return the device's policy (pol may be NULL).  One statement.
 */
int ledger_poll(struct ledger *l, const struct proto_poll_req *req, int64_t now,
		const struct ledger_defaults *def, struct ledger_policy *pol);
/*
 * A whole poll, in one transaction (on PostgreSQL one statement): record
 * it, find the device's billing cycle now, and unless a read for that
 * cycle is stored, issue its request (candidate, or the one issued
 * before by any server) and say the read is due.
 */
struct ledger_poll_decision {
	struct ledger_policy policy;
	char cycle[CYCLE_LABEL_LEN + 1];
	bool read_due;
	char request_id[PROTO_ID_MAX + 1];	/* when read_due */
	/* the identity on file's tag, "": none; set by the peek, and by policy_decide after a decide */
	char tag[PROTO_TAG_LEN + 1];
};
int ledger_poll_decide(struct ledger *l, const struct proto_poll_req *req, int64_t now,
		       const struct ledger_defaults *def, const char *candidate,
		       struct ledger_poll_decision *out);
/*
 * The same decision without writing, when none has to be written: 0 when
 * the device is known and its cycle has a request or a read already
 * (out filled), -ENOENT when the poll needs ledger_poll_decide.
 */
int ledger_poll_peek(struct ledger *l, const char *device_id, int64_t now,
		     struct ledger_poll_decision *out);

/* Polls decided by ledger_poll_peek, written later in one transaction. */
struct ledger_poll_book {
	struct proto_poll_req req;	/* the newest poll */
	int64_t last;			/* its time */
	uint32_t polls;			/* polls since the last booking */
	char cycle[CYCLE_LABEL_LEN + 1];	/* the cycle's request was sent again ... */
	uint32_t resent;		/* ... this many times (0: not) */
};
int ledger_book_polls(struct ledger *l, const struct ledger_poll_book *b, size_t n);
int ledger_record_poll(struct ledger *l, const struct proto_poll_req *req, int64_t now,
		       const struct ledger_defaults *def);
/* Create a device row with the defaults if there is none. */
int ledger_ensure_device(struct ledger *l, const char *device_id, int64_t now,
			 const struct ledger_defaults *def);
int ledger_get_device(struct ledger *l, const char *device_id, struct ledger_device *out);
/* Change a device's policy: cycle_day 0, supplies_enabled -1, interval 0 keep the value. */
int ledger_set_policy(struct ledger *l, const char *device_id, int cycle_day,
		      int supplies_enabled, uint32_t supplies_interval_s);

/* Reads counted for the cycle (fulfilling its request, or received in it). */
int ledger_cycle_reads(struct ledger *l, const char *device_id, const char *cycle);
/* The request issued for the cycle: 0 and its id, or -ENOENT. */
int ledger_request_get(struct ledger *l, const char *device_id, const char *cycle,
		       char request_id[PROTO_ID_MAX + 1]);
/*
 * Record that the cycle's request is sent now: candidate becomes the
 * request unless the cycle has one already (made by this or another
 * server); request_id is the one stored, which is the one to send.
 */
int ledger_request_issue(struct ledger *l, const char *device_id, const char *cycle,
			 const char *candidate, int64_t now, char request_id[PROTO_ID_MAX + 1]);
/* The same, without asking which request is stored. */
int ledger_request_sent(struct ledger *l, const char *device_id, const char *cycle,
			const char *request_id, int64_t now);

/* Store a read / report once (idempotent by read_id / report_id). */
int ledger_store_read(struct ledger *l, const struct proto_meter_read *r, int64_t now,
		      const struct ledger_defaults *def, enum ledger_store_result *res);
int ledger_store_supplies(struct ledger *l, const struct proto_supplies_report *r,
			  int64_t now, const struct ledger_defaults *def,
			  enum ledger_store_result *res);

/* Listing, oldest first; device_id NULL: all devices.  A callback's non-zero return stops. */
struct ledger_read_row {
	struct proto_meter_read read;
	char cycle[CYCLE_LABEL_LEN + 1];
	bool request_known;		/* request_id was issued by this server */
	int64_t received_at;
};
struct ledger_supplies_row {
	struct proto_supplies_report report;
	int64_t received_at;
};
int ledger_each_device(struct ledger *l,
		       int (*cb)(const struct ledger_device *, void *), void *arg);
int ledger_each_read(struct ledger *l, const char *device_id,
		     int (*cb)(const struct ledger_read_row *, void *), void *arg);
int ledger_each_supplies(struct ledger *l, const char *device_id,
			 int (*cb)(const struct ledger_supplies_row *, void *), void *arg);

/* The billing export: every read of a cycle, by device then time taken. */
struct ledger_export_row {
	char device_id[PROTO_DEVICE_ID_MAX + 1];
	char cycle[CYCLE_LABEL_LEN + 1];
	char read_id[PROTO_ID_MAX + 1];
	char request_id[PROTO_ID_MAX + 1];
	bool request_known;
	uint64_t generation;
	int64_t taken_at;
	int64_t received_at;
	uint32_t meter_mask;
	uint64_t meters[PROTO_METER_COUNT];
};
int ledger_each_cycle_read(struct ledger *l, const char *cycle,
			   int (*cb)(const struct ledger_export_row *, void *), void *arg);

#endif /* ESOL_SERVER_LEDGER_H */
