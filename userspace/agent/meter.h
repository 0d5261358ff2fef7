/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * meter: the Meter Assistant's messages and decisions.
 *
 * At each poll the agent sends identity, firmware versions, a summary of
 * its configuration and its own state (meter_build_poll).  When the reply
 * carries read_meters, the agent takes a snapshot and builds the read
 * (meter_build_read) with a read_id derived from the device id, the
 * server's request_id and billing cycle (agent/ids.h), so the same
 * request always yields the same read_id: spooled (fsync) before the
 * first send, removed only on the server's "stored" or "duplicate".
 * Pure functions: no I/O, no clock, no logging.
 */
#ifndef ESOL_AGENT_METER_H
#define ESOL_AGENT_METER_H

#include <stddef.h>

#include "lib/libprinteng.h"
#include "proto/proto.h"

/*
 * Identity of the device from a snapshot.  -EINVAL (msg says which
 * field) when the engine's serial is not a valid protocol device id or a
 * string is too long for the protocol.
 */
int meter_identity(const struct printeng_snap *snap, const char *agent_version,
		   struct proto_identity *out, char *msg, size_t msg_size);

/* The poll request.  cfg and st are already in protocol form. */
int meter_build_poll(const struct printeng_snap *snap, const char *agent_version,
		     const struct proto_config *cfg,
		     const struct proto_agent_state *st,
		     struct proto_poll_req *out, char *msg, size_t msg_size);

/*
 * The read the server asked for (reply->read_meters must be set).
 * taken_at: Unix s the snapshot was taken.  -EINVAL with msg when the
 * snapshot has no meter the protocol knows, or ids are invalid.
 */
int meter_build_read(const struct printeng_snap *snap,
		     const struct proto_poll_reply *reply,
		     struct proto_meter_read *out, char *msg, size_t msg_size);

/*
 * The supplies report of a snapshot.  report_id: made once by the
 * caller (ids_report_id).  Supplies beyond PROTO_SUPPLIES_MAX are left
 * out (the kernel allows at most PRINTENG_SUPPLIES_MAX, fewer).
 */
int meter_build_supplies(const struct printeng_snap *snap, const char *report_id,
			 enum proto_supplies_trigger trigger,
			 struct proto_supplies_report *out, char *msg, size_t msg_size);

/* Supply states of a snapshot as enum proto_supply_state bytes; returns n. */
unsigned int meter_supply_states(const struct printeng_snap *snap, uint8_t *states,
				 unsigned int max);

#endif /* ESOL_AGENT_METER_H */
