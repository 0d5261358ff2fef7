// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/allowlist: the data-minimisation check of captured request
 * bodies (see allowlist.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "proto/proto.h"
#include "server/allowlist.h"
#include "server/server.h"

#define BEGIN_MARK "<!-- allowlist:begin -->"
#define END_MARK "<!-- allowlist:end -->"
#define PATH_MAX_LEN 256

struct entry {
	char endpoint[64];
	char path[PATH_MAX_LEN];
};

struct allowlist {
	struct entry *e;
	size_t n;
};

void allowlist_free(struct allowlist *a)
{
	if (a) {
		free(a->e);
		free(a);
	}
}

int allowlist_load(const char *doc, struct allowlist **out, char *err, size_t errlen)
{
	const char *b = strstr(doc, BEGIN_MARK), *e = b ? strstr(b, END_MARK) : NULL;
	struct allowlist *a;
	size_t cap = 0;

	*out = NULL;
	if (!b || !e) {
		snprintf(err, errlen, "no allowlist block (" BEGIN_MARK " ... " END_MARK ")");
		return -EINVAL;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	for (const char *p = b + strlen(BEGIN_MARK); p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		char line[400], ep[64], path[PATH_MAX_LEN];

		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (line[0] == '/' && sscanf(line, "%63s %255s", ep, path) == 2) {
				if (a->n == cap) {
					cap = cap ? cap * 2 : 64;
					struct entry *ne = realloc(a->e, cap * sizeof(*ne));

					if (!ne) {
						allowlist_free(a);
						return -ENOMEM;
					}
					a->e = ne;
				}
				snprintf(a->e[a->n].endpoint, sizeof(a->e[a->n].endpoint), "%s", ep);
				snprintf(a->e[a->n].path, sizeof(a->e[a->n].path), "%s", path);
				a->n++;
			}
		}
		p = nl ? nl + 1 : e;
	}
	if (a->n == 0) {
		snprintf(err, errlen, "the allowlist block is empty");
		allowlist_free(a);
		return -EINVAL;
	}
	*out = a;
	return 0;
}

/* 2: allowed exactly, 1: a prefix of an allowed path, 0: not allowed. */
static int allowed(const struct allowlist *a, const char *endpoint, const char *path)
{
	size_t pl = strlen(path);
	int best = 0;

	for (size_t i = 0; i < a->n; i++) {
		if (strcmp(a->e[i].endpoint, endpoint) != 0)
			continue;
		if (strcmp(a->e[i].path, path) == 0)
			return 2;
		if (strncmp(a->e[i].path, path, pl) == 0 &&
		    (a->e[i].path[pl] == '.' || a->e[i].path[pl] == '['))
			best = 1;
	}
	return best;
}

struct walk {
	const struct allowlist *a;
	const char *endpoint;
	const char *name;
	FILE *report;
	int bad;
};

static void violation(struct walk *w, const char *path, const char *why)
{
	w->bad++;
	if (w->report)
		fprintf(w->report, "%s: %s %s: %s\n", w->name, w->endpoint, path, why);
}

static void walk(struct walk *w, json_t *v, const char *path)
{
	char sub[PATH_MAX_LEN];
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, key, child) {
			int r;

			if (snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", key) >=
			    (int)sizeof(sub)) {
				violation(w, path, "field path too long");
				continue;
			}
			r = allowed(w->a, w->endpoint, sub);
			if (r == 0) {
				violation(w, sub, "not in the allowlist");
				continue;
			}
			if (r == 2 && (json_is_object(child) || json_is_array(child)) &&
			    json_object_size(child) + json_array_size(child) > 0) {
				/* an allowed leaf must be a value, not a container */
				violation(w, sub, "allowed as a value, sent as a container");
				continue;
			}
			walk(w, child, sub);
		}
	} else if (json_is_array(v)) {
		if (snprintf(sub, sizeof(sub), "%s[]", path) >= (int)sizeof(sub)) {
			violation(w, path, "field path too long");
			return;
		}
		json_array_foreach(v, i, child) {
			if (json_is_object(child) || json_is_array(child)) {
				walk(w, child, sub);
			} else if (allowed(w->a, w->endpoint, sub) != 2) {
				violation(w, sub, "array values not in the allowlist");
				break;
			}
		}
	} else if (*path && allowed(w->a, w->endpoint, path) != 2) {
		violation(w, path, "a value where the allowlist has a container");
	}
}

int allowlist_check(const struct allowlist *a, const char *endpoint, const void *body,
		    size_t len, const char *name, FILE *report)
{
	struct walk w = { a, endpoint, name ? name : "body", report, 0 };
	json_error_t je;
	json_t *root = json_loadb(body, len, 0, &je);

	if (!root || !json_is_object(root)) {
		violation(&w, "", root ? "not a JSON object" : "not JSON");
		json_decref(root);
		return w.bad;
	}
	walk(&w, root, "");
	json_decref(root);
	return w.bad;
}

static const char *endpoint_of(const char *fname)
{
	const char *dash = strchr(fname, '-');
	size_t n;

	if (!dash)
		return NULL;
	dash++;
	n = strlen(dash);
	if (n < 6 || strcmp(dash + n - 5, ".body") != 0)
		return NULL;
	if (!strncmp(dash, "poll.", 5))
		return PROTO_PATH_POLL;
	if (!strncmp(dash, "meter-reads.", 12))
		return PROTO_PATH_METER_READS;
	if (!strncmp(dash, "supplies.", 9))
		return PROTO_PATH_SUPPLIES;
	return "other";
}

int allowlist_check_dir(const struct allowlist *a, const char *dir, FILE *report, int *files)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int bad = 0;

	*files = 0;
	if (!d)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		const char *ep = endpoint_of(de->d_name);
		char path[4096], err[256];
		char *body;
		size_t len;

		if (!ep)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (server_read_file(path, &body, &len, err, sizeof(err)) != 0) {
			if (report)
				fprintf(report, "%s\n", err);
			bad++;
			continue;
		}
		(*files)++;
		bad += allowlist_check(a, ep, body, len, de->d_name, report);
		free(body);
	}
	closedir(d);
	return bad;
}
