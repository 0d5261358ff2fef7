/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * ids: the device-made ids of meter reads and supplies reports.
 *
 * A meter read's read_id is derived from the device id, the server's
 * request_id and billing cycle (SHA-256, 128 bits in hex): should the
 * agent die after the server asked for a read but before the read was
 * spooled, the server's repeated request yields the same read_id, and
 * the server stores the read once.  Once spooled, a read keeps its id
 * in the spool across every retry and restart.
 *
 * A supplies report's report_id is 128 random bits (getrandom), made
 * once when the report is spooled.
 *
 * The identity tag of a poll (docs/protocol.md, "Brief polls") names its
 * identity and configuration, so that a poll whose tag the server has on
 * file can leave them out.  They seldom change, so the caller may keep a
 * memo of the last tag made: an unchanged identity is then compared, not
 * hashed again (a SHA-256 through OpenSSL's EVP layer fetches the digest
 * from its provider every time: the dearest step of a brief poll's
 * encoding).
 */
#ifndef ESOL_AGENT_IDS_H
#define ESOL_AGENT_IDS_H

#include "proto/proto.h"

#define IDS_READ_PREFIX		"r-"
#define IDS_REPORT_PREFIX	"s-"

/* Returns 0, or -EINVAL for arguments the protocol would refuse. */
int ids_read_id(const char *device_id, const char *request_id,
		const char *billing_cycle, char out[PROTO_ID_MAX + 1]);
/* Returns 0 or -errno from getrandom. */
int ids_report_id(char out[PROTO_ID_MAX + 1]);
/* The last tag made and the canonical text it was made of (zeroed: none). */
struct ids_tag_memo {
	size_t len;
	char canon[PROTO_CANON_MAX];
	char tag[PROTO_TAG_LEN + 1];
};

/*
 * The tag of req's device and config; 0, or -EINVAL / -EIO.  memo, when
 * not NULL, is consulted and updated (a failure leaves it empty).
 */
int ids_identity_tag(struct ids_tag_memo *memo, const struct proto_poll_req *req,
		     char tag[PROTO_TAG_LEN + 1]);

#endif /* ESOL_AGENT_IDS_H */
