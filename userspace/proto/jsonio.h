/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * proto/jsonio: strict JSON reading and writing for the protocol codecs
 * (internal to userspace/proto).  Reading: bounded size and depth,
 * duplicate keys refused, every field checked for type, range, length
 * and charset, each failure reported once with the field's path.
 * Writing: jansson values built from C strings that are checked to be
 * terminated inside their arrays and valid UTF-8.
 */
#ifndef ESOL_PROTO_JSONIO_H
#define ESOL_PROTO_JSONIO_H

#include <jansson.h>

#include "proto/proto.h"

#define JIO_PATH_MAX 64

enum jio_charset {
	JIO_TEXT,	/* printable UTF-8: no C0 controls, no DEL */
	JIO_DEVICE_ID,	/* [A-Za-z0-9._-] */
	JIO_ID,		/* [A-Za-z0-9._:-] */
	JIO_TZ,		/* [A-Za-z0-9/_+-] */
	JIO_ERRCODE,	/* [a-z_] */
};

enum proto_err jio_fail(struct proto_error *err, enum proto_err code,
			const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Parse a body: size, depth, syntax, duplicate keys; top level must be an object. */
enum proto_err jio_load(const void *buf, size_t len, json_t **root, struct proto_error *err);

void jio_path(char dst[JIO_PATH_MAX], const char *parent, const char *key);
void jio_path_idx(char dst[JIO_PATH_MAX], const char *parent, size_t idx);

/* Fail with UNKNOWN_FIELD on a key not in the NULL-terminated list. */
enum proto_err jio_only(json_t *obj, const char *path, const char *const *allowed,
			struct proto_error *err);

/*
 * Field readers.  present == NULL: the field is required; otherwise
 * *present tells whether it was there (absent is not an error).
 */
enum proto_err jio_object(json_t *obj, const char *ppath, const char *key,
			  json_t **out, struct proto_error *err);
enum proto_err jio_array(json_t *obj, const char *ppath, const char *key,
			 size_t max, json_t **out, struct proto_error *err);
enum proto_err jio_str(json_t *obj, const char *ppath, const char *key,
		       enum jio_charset cs, size_t min, size_t max, char *dst,
		       bool *present, struct proto_error *err);
enum proto_err jio_int(json_t *obj, const char *ppath, const char *key,
		       int64_t min, int64_t max, int64_t *out,
		       bool *present, struct proto_error *err);
enum proto_err jio_bool(json_t *obj, const char *ppath, const char *key,
			bool *out, struct proto_error *err);
enum proto_err jio_u64(json_t *obj, const char *ppath, const char *key,
		       uint64_t *out, struct proto_error *err);
enum proto_err jio_time(json_t *obj, const char *ppath, const char *key,
			int64_t *out, bool *present, struct proto_error *err);
/* A string that from_name maps to a value >= 0. */
enum proto_err jio_enum(json_t *obj, const char *ppath, const char *key,
			int (*from_name)(const char *), int *out, struct proto_error *err);

/* Value checks on their own (for values not read through the helpers). */
bool jio_valid(const char *s, size_t len, enum jio_charset cs);
bool jio_u64_parse(const char *s, uint64_t *out);

/* Writing.  A builder remembers the first failure. */
struct jio_builder {
	enum proto_err code;
	struct proto_error *err;
};

/* obj[key] = val; a NULL val (failed construction) marks the builder failed. */
void jb_set(struct jio_builder *b, json_t *obj, const char *key, json_t *val);
/* A string from a char array of cap bytes: must be NUL-terminated and UTF-8. */
json_t *jb_str(struct jio_builder *b, const char *field, const char *s, size_t cap);
/* A wire name from a table lookup (NULL name: value out of range). */
json_t *jb_name(struct jio_builder *b, const char *field, const char *name);
json_t *jb_u64(struct jio_builder *b, uint64_t v);
json_t *jb_time(struct jio_builder *b, const char *field, int64_t t);
json_t *jb_int(struct jio_builder *b, int64_t v);
json_t *jb_new_object(struct jio_builder *b);
json_t *jb_new_array(struct jio_builder *b);
void jb_append(struct jio_builder *b, json_t *arr, json_t *val);

/* Dump root (stolen) compactly into *out; PROTO_E_TOO_LARGE over the limit. */
enum proto_err jb_finish(struct jio_builder *b, json_t *root, char **out, size_t *out_len);

#endif /* ESOL_PROTO_JSONIO_H */
