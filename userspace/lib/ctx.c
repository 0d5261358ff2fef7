// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * ctx: the libprinteng context: the root prefix every path is built under,
 * options, and the explanation of the last error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/internal.h"

int printeng_ctx_new(const char *root, struct printeng_ctx **out)
{
	struct printeng_ctx *ctx;
	size_t len;

	*out = NULL;
	if (!root)
		root = "/";
	len = strlen(root);
	if (!len)
		return -EINVAL;
	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len == 1 && root[0] == '/')
		len = 0;
	/* Room for the longest path built under it. */
	if (len >= PATH_MAX - 128)
		return -ENAMETOOLONG;
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	memcpy(ctx->root, root, len);
	ctx->root[len] = '\0';
	ctx->sysfs_retries = PRINTENG_SYSFS_RETRIES_DEFAULT;
	*out = ctx;
	return 0;
}

void printeng_ctx_free(struct printeng_ctx *ctx)
{
	free(ctx);
}

void printeng_ctx_set_sysfs_retries(struct printeng_ctx *ctx,
				    unsigned int retries)
{
	ctx->sysfs_retries = retries;
}

const char *printeng_ctx_error(const struct printeng_ctx *ctx)
{
	return ctx->err;
}

void pel_set_error(struct printeng_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
}

void pel_clear_error(struct printeng_ctx *ctx)
{
	ctx->err[0] = '\0';
}

int pel_path(const struct printeng_ctx *ctx, char *buf, size_t len,
	     const char *fmt, ...)
{
	size_t rl = strlen(ctx->root);
	va_list ap;
	int n;

	if (rl >= len)
		return -ENAMETOOLONG;
	memcpy(buf, ctx->root, rl);
	va_start(ap, fmt);
	n = vsnprintf(buf + rl, len - rl, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len - rl)
		return -ENAMETOOLONG;
	return 0;
}
