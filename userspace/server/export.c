// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/export: one billing cycle's meter reads as CSV (see export.h).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "server/export.h"

struct exporter {
	FILE *out;
	long rows;
};

/* A text field, quoted (RFC 4180) when it holds a comma, a quote or a line break. */
static void field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void time_field(FILE *f, int64_t t)
{
	char b[PROTO_TIME_LEN + 1];

	if (proto_time_format(t, b) == PROTO_OK)
		fputs(b, f);
}

static int row_cb(const struct ledger_export_row *r, void *arg)
{
	struct exporter *e = arg;
	FILE *f = e->out;

	field(f, r->device_id);
	fputc(',', f);
	field(f, r->cycle);
	fputc(',', f);
	field(f, r->read_id);
	fputc(',', f);
	field(f, r->request_id);
	fprintf(f, ",%d,%" PRIu64 ",", r->request_known ? 1 : 0, r->generation);
	time_field(f, r->taken_at);
	fputc(',', f);
	time_field(f, r->received_at);
	for (int i = 0; i < PROTO_METER_COUNT; i++) {
		fputc(',', f);
		if (r->meter_mask & (1u << i))
			fprintf(f, "%" PRIu64, r->meters[i]);
	}
	fputs("\r\n", f);
	e->rows++;
	return ferror(f) ? -EIO : 0;
}

bool export_cycle_valid(const char *c)
{
	return strlen(c) == 7 && isdigit((unsigned char)c[0]) && isdigit((unsigned char)c[1]) &&
	       isdigit((unsigned char)c[2]) && isdigit((unsigned char)c[3]) && c[4] == '-' &&
	       ((c[5] == '0' && c[6] >= '1' && c[6] <= '9') ||
		(c[5] == '1' && c[6] >= '0' && c[6] <= '2'));
}

long export_cycle_csv(struct ledger *l, const char *cycle, FILE *out)
{
	struct exporter e = { out, 0 };
	int r;

	if (!export_cycle_valid(cycle))
		return -EINVAL;
	fputs("device_id,cycle,read_id,request_id,request_known,generation,taken_at,received_at",
	      out);
	for (int i = 0; i < PROTO_METER_COUNT; i++)
		fprintf(out, ",%s", proto_meter_name((enum proto_meter)i));
	fputs("\r\n", out);
	r = ledger_each_cycle_read(l, cycle, row_cb, &e);
	if (r)
		return r < 0 ? r : -EIO;
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return e.rows;
}
