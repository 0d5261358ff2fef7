// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* engine: one libprinteng snapshot of the first engine; see engine.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "webui/engine.h"

int engine_read(const char *root, struct printeng_snap *out, char *err, size_t errlen)
{
	struct printeng_ctx *ctx = NULL;
	struct printeng_dev *dev = NULL;
	unsigned int idx;
	int r;

	r = printeng_ctx_new(root, &ctx);
	if (r < 0) {
		snprintf(err, errlen, "libprinteng: %s", strerror(-r));
		return r;
	}
	r = printeng_list(ctx, &idx, 1);
	if (r == 0)
		r = -ENOENT;
	if (r < 0) {
		snprintf(err, errlen, "no print engine found (%s)", strerror(-r));
		goto out;
	}
	r = printeng_open(ctx, idx, &dev);
	if (r < 0) {
		snprintf(err, errlen, "printeng%u: %s", idx, printeng_ctx_error(ctx));
		goto out;
	}
	r = printeng_snapshot(dev, out);
	if (r < 0)
		snprintf(err, errlen, "printeng%u: %s", idx, printeng_ctx_error(ctx));
	printeng_close(dev);
out:
	printeng_ctx_free(ctx);
	return r < 0 ? r : 0;
}
