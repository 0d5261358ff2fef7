/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/idtag: the identity tag of a device's identity and configuration
 * (docs/protocol.md, "Brief polls"): the first 8 bytes of the SHA-256 of
 * proto_identity_canon()'s text, in hex.  A brief poll names the tag of
 * what the device last reported; the server compares it with the tag of
 * what it has on file.
 */
#ifndef ESOL_SERVER_IDTAG_H
#define ESOL_SERVER_IDTAG_H

#include "proto/proto.h"

/* 0, or -EINVAL (a field too long for the text) / -EIO (hashing failed). */
int idtag_of(const struct proto_identity *id, const struct proto_config *c,
	     char tag[PROTO_TAG_LEN + 1]);

#endif /* ESOL_SERVER_IDTAG_H */
