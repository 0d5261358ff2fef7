/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/allowlist: check request bodies against the protocol's data
 * allowlist (the block between <!-- allowlist:begin --> and
 * <!-- allowlist:end --> in docs/protocol.md: lines "ENDPOINT FIELD.PATH",
 * "[]" standing for any array element).  Independent of the protocol
 * decoders on purpose: it walks whatever JSON it is given, so it also
 * catches a field a lenient decoder would let through.
 */
#ifndef ESOL_SERVER_ALLOWLIST_H
#define ESOL_SERVER_ALLOWLIST_H

#include <stddef.h>
#include <stdio.h>

struct allowlist;

/* Parse the allowlist out of a document (e.g. docs/protocol.md). */
int allowlist_load(const char *doc, struct allowlist **out, char *err, size_t errlen);
void allowlist_free(struct allowlist *a);

/*
 * Check one body sent to endpoint ("/v1/poll").  Every field path in it
 * must be allowed for that endpoint (or lead to allowed ones).  Writes
 * one line per violation to report (may be NULL); returns the number of
 * violations (a body that is not a JSON object counts as one).
 */
int allowlist_check(const struct allowlist *a, const char *endpoint, const void *body,
		    size_t len, const char *name, FILE *report);

/*
 * Check every DIR/NNNNNN-<endpoint>.body written by --capture.  Returns
 * the number of violations, or a negative errno; *files counts the bodies.
 */
int allowlist_check_dir(const struct allowlist *a, const char *dir, FILE *report, int *files);

#endif /* ESOL_SERVER_ALLOWLIST_H */
