/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * txlog: the transmission log the admin reads with `esolctl log` --
 * exactly what was sent, when, where, through which proxy, and what the
 * server answered.
 *
 * One record per exchange, one line of compact JSON per record (jansson:
 * every string is escaped, so a newline or a quote in the data cannot
 * break or forge a line), appended with a single write() on an O_APPEND
 * descriptor:
 *
 *   {"time":"2026-11-24T08:02:00Z","endpoint":"/v1/poll","proxy":"DIRECT",
 *    "bytes_sent":312,"bytes_received":95,"status":200,"result":"ok",
 *    "sent":"{...exact request body...}","received":"{...reply body...}"}
 *
 * "proxy" and "received" are omitted when absent; "status" is 0 when no
 * HTTP answer came.  A body that is not valid UTF-8 is stored as
 * "sent_hex"/"received_hex" instead.  The file is bounded: when a record
 * would take it over half of max_bytes, it is renamed to "<path>.1"
 * (replacing the previous one) and a new file is started, so the two
 * together stay under max_bytes.  A record larger than half of max_bytes
 * has its bodies cut and "truncated":true.  The log is not fsync()ed:
 * it is a diagnostic, not data, and flash writes are kept down.
 *
 * A crash can leave a torn last line; the reader skips lines that are not
 * a JSON object, and txlog_open() ends a torn line before appending.
 */
#ifndef ESOL_CORE_TXLOG_H
#define ESOL_CORE_TXLOG_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define TXLOG_MIN_BYTES		(16u * 1024)
#define TXLOG_READ_MAX		(4u << 20)	/* bytes read per file by the reader */

struct txlog_record {
	int64_t time;			/* Unix s; written as UTC */
	const char *endpoint;		/* "/v1/poll", or the URL */
	const char *proxy;		/* the proxy used ("DIRECT", "http://h:p"), or NULL */
	uint64_t bytes_sent;		/* as counted by the transport */
	uint64_t bytes_received;
	const char *sent;		/* exact request body */
	size_t sent_len;
	const char *received;		/* reply body, or NULL */
	size_t received_len;
	int status;			/* HTTP status, 0 if none */
	const char *result;		/* "ok", "duplicate", "timeout", ... */
};

struct txlog;

/*
 * Open (creating, mode 0640) the log at path, bounded to max_bytes
 * (>= TXLOG_MIN_BYTES) for path and path.1 together.  0 or -errno.
 */
int txlog_open(const char *path, uint64_t max_bytes, struct txlog **out);
void txlog_close(struct txlog *l);

/* Append one record.  0 or -errno (the caller logs; the exchange stands). */
int txlog_append(struct txlog *l, const struct txlog_record *r);

/*
 * The last n records of the log at path (path.1 then path), oldest first,
 * as a JSON array of objects (*out, to json_decref).  Lines that do not
 * parse as a JSON object are skipped and counted in *skipped (may be
 * NULL).  A missing log is an empty array.  0 or -errno.
 */
int txlog_read_last(const char *path, size_t n, json_t **out, size_t *skipped);

#endif /* ESOL_CORE_TXLOG_H */
