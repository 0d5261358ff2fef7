// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * A program outside the esol tree, built only with what `make install-dev`
 * installs (pkg-config --cflags --libs libprinteng): it lists the engines
 * under ROOT (a directory standing in for /, default /) and names the
 * meters the library knows.  Used by tests/install/check-install.sh.
 */
#include <stdio.h>

#include <libprinteng.h>

int main(int argc, char **argv)
{
	struct printeng_ctx *ctx;
	unsigned int idx[8];
	int n, r;

	r = printeng_ctx_new(argc > 1 ? argv[1] : NULL, &ctx);
	if (r < 0) {
		fprintf(stderr, "consumer: printeng_ctx_new: %d\n", r);
		return 1;
	}
	n = printeng_list(ctx, idx, sizeof(idx) / sizeof(idx[0]));
	if (n < 0) {
		fprintf(stderr, "consumer: printeng_list: %s\n", printeng_ctx_error(ctx));
		printeng_ctx_free(ctx);
		return 1;
	}
	printf("engines: %d\n", n);
	printf("meter 0: %s\n", printeng_meter_name(PRINTENG_METER_IMPRESSIONS_TOTAL));
	printeng_ctx_free(ctx);
	return 0;
}
