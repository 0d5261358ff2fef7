// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* zones: zone names from the tz database's zone tables; see zones.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webui/zones.h"

#define ZONES_MAX	1000

static int add(struct zone_list *z, const char *name, size_t len)
{
	size_t i;

	if (len >= ZONE_NAME_MAX)
		return 0;		/* no such zone name; skipped */
	for (i = 0; i < z->n; i++)
		if (strlen(z->name[i]) == len && strncmp(z->name[i], name, len) == 0)
			return 0;
	if (z->n == ZONES_MAX)
		return -E2BIG;
	memcpy(z->name[z->n], name, len);
	z->name[z->n][len] = '\0';
	z->n++;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

int zones_load(const char *tz_dir, struct zone_list *out)
{
	static const char *const tables[] = { "zone1970.tab", "zone.tab" };
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0, i;
	FILE *f = NULL;
	int r = 0;

	memset(out, 0, sizeof(*out));
	/* Room for ZONES_MAX names at once: the tables hold a few hundred. */
	out->name = calloc(ZONES_MAX, sizeof(*out->name));
	if (!out->name)
		return -ENOMEM;
	for (i = 0; i < 2 && !f; i++) {
		snprintf(path, sizeof(path), "%s/%s", tz_dir, tables[i]);
		f = fopen(path, "re");
	}
	if (!f) {
		zones_free(out);
		return -ENOENT;
	}
	while (r == 0 && getline(&line, &cap, f) > 0) {
		/* codes<TAB>coordinates<TAB>TZ[<TAB>comments] */
		char *t1, *t2, *end;

		if (line[0] == '#')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2)
			continue;
		t2++;
		end = t2 + strcspn(t2, "\t\n");
		if (end > t2)
			r = add(out, t2, (size_t)(end - t2));
	}
	free(line);
	fclose(f);
	if (r == 0)
		r = add(out, "UTC", 3);
	if (r < 0) {
		zones_free(out);
		return r;
	}
	qsort(out->name, out->n, sizeof(*out->name), cmp);
	return 0;
}

void zones_free(struct zone_list *z)
{
	free(z->name);
	memset(z, 0, sizeof(*z));
}
