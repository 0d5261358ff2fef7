// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* ids: read_id, report_id and the identity tag; see ids.h. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/evp.h>

#include "agent/ids.h"

int ids_read_id(const char *device_id, const char *request_id,
		const char *billing_cycle, char out[PROTO_ID_MAX + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	int ok;

	if (!proto_valid_device_id(device_id) || !proto_valid_id(request_id) ||
	    !proto_valid_billing_cycle(billing_cycle))
		return -EINVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	/* NUL separators: no two different triples hash the same input. */
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, "esol-read-id\0", 13) &&
	     EVP_DigestUpdate(ctx, device_id, strlen(device_id) + 1) &&
	     EVP_DigestUpdate(ctx, request_id, strlen(request_id) + 1) &&
	     EVP_DigestUpdate(ctx, billing_cycle, strlen(billing_cycle) + 1) &&
	     EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok || mdlen < 16)
		return -EIO;
	strcpy(out, IDS_READ_PREFIX);
	proto_hex(md, 16, out + strlen(IDS_READ_PREFIX));
	return 0;
}

int ids_report_id(char out[PROTO_ID_MAX + 1])
{
	unsigned char b[16];
	size_t got = 0;

	while (got < sizeof(b)) {
		ssize_t n = getrandom(b + got, sizeof(b) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	strcpy(out, IDS_REPORT_PREFIX);
	proto_hex(b, sizeof(b), out + strlen(IDS_REPORT_PREFIX));
	return 0;
}

int ids_identity_tag(struct ids_tag_memo *memo, const struct proto_poll_req *req,
		     char tag[PROTO_TAG_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char canon[PROTO_CANON_MAX];
	size_t n = proto_identity_canon(&req->device, &req->config, canon, sizeof(canon));

	if (!n)
		return -EINVAL;
	if (memo && memo->len == n && memcmp(memo->canon, canon, n) == 0) {
		memcpy(tag, memo->tag, PROTO_TAG_LEN + 1);
		return 0;
	}
	if (memo)
		memo->len = 0;
	if (!EVP_Digest(canon, n, md, &mdlen, EVP_sha256(), NULL) || mdlen < PROTO_TAG_LEN / 2)
		return -EIO;
	proto_hex(md, PROTO_TAG_LEN / 2, tag);
	if (memo) {
		memcpy(memo->canon, canon, n);
		memcpy(memo->tag, tag, PROTO_TAG_LEN + 1);
		memo->len = n;
	}
	return 0;
}
