// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* server/idtag: the identity tag, hashed with GnuTLS (see idtag.h). */
#include <errno.h>

#include <gnutls/crypto.h>

#include "server/idtag.h"

int idtag_of(const struct proto_identity *id, const struct proto_config *c,
	     char tag[PROTO_TAG_LEN + 1])
{
	unsigned char md[32];
	char canon[PROTO_CANON_MAX];
	size_t n = proto_identity_canon(id, c, canon, sizeof(canon));

	tag[0] = '\0';
	if (!n)
		return -EINVAL;
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, canon, n, md) < 0)
		return -EIO;
	proto_hex(md, PROTO_TAG_LEN / 2, tag);
	return 0;
}
