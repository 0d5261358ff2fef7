// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * proto/jsonio: strict JSON reading and writing helpers for the protocol
 * codecs.  See jsonio.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/jsonio.h"

enum proto_err jio_fail(struct proto_error *err, enum proto_err code,
			const char *path, const char *fmt, ...)
{
	if (!err)
		return code;
	char detail[120];
	va_list ap;

	err->code = code;
	snprintf(err->field, sizeof(err->field), "%s", path ? path : "");
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	if (path && *path)
		snprintf(err->message, sizeof(err->message), "%.63s: %s", path, detail);
	else
		snprintf(err->message, sizeof(err->message), "%s", detail);
	return code;
}

/* Deepest nesting of objects/arrays in buf, scanning strings correctly. */
static bool depth_ok(const unsigned char *p, size_t len)
{
	int depth = 0;
	bool in_str = false, esc = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
			continue;
		}
		if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > PROTO_DEPTH_MAX)
				return false;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return true;
}

enum proto_err jio_load(const void *buf, size_t len, json_t **root, struct proto_error *err)
{
	json_error_t je;

	*root = NULL;
	if (len > PROTO_BODY_MAX)
		return jio_fail(err, PROTO_E_TOO_LARGE, "",
				"body of %zu bytes exceeds %d", len, PROTO_BODY_MAX);
	if (!buf || len == 0)
		return jio_fail(err, PROTO_E_SYNTAX, "", "empty body");
	if (!depth_ok(buf, len))
		return jio_fail(err, PROTO_E_TOO_DEEP, "",
				"nesting deeper than %d levels", PROTO_DEPTH_MAX);
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return jio_fail(err, PROTO_E_SYNTAX, "",
				"invalid JSON at byte %d: %s", je.position, je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return jio_fail(err, PROTO_E_TYPE, "", "top level is not an object");
	}
	*root = j;
	return PROTO_OK;
}

void jio_path(char dst[JIO_PATH_MAX], const char *parent, const char *key)
{
	if (parent && *parent)
		snprintf(dst, JIO_PATH_MAX, "%.31s.%.31s", parent, key);
	else
		snprintf(dst, JIO_PATH_MAX, "%.63s", key);
}

void jio_path_idx(char dst[JIO_PATH_MAX], const char *parent, size_t idx)
{
	snprintf(dst, JIO_PATH_MAX, "%.40s[%zu]", parent ? parent : "", idx);
}

/* Keys are shown escaped-ish: control bytes become '?', long keys truncated. */
static void safe_key(char *dst, size_t n, const char *key)
{
	size_t i = 0;

	for (; key[i] && i + 1 < n; i++) {
		unsigned char c = (unsigned char)key[i];
		dst[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	dst[i] = '\0';
}

enum proto_err jio_only(json_t *obj, const char *path, const char *const *allowed,
			struct proto_error *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		bool ok = false;

		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = true;
		if (!ok) {
			char k[32], p[JIO_PATH_MAX];

			safe_key(k, sizeof(k), key);
			jio_path(p, path, k);
			return jio_fail(err, PROTO_E_UNKNOWN_FIELD, p, "unknown field");
		}
	}
	return PROTO_OK;
}

static json_t *field(json_t *obj, const char *ppath, const char *key, bool *present,
		     char p[JIO_PATH_MAX], enum proto_err *e, struct proto_error *err)
{
	json_t *v = json_object_get(obj, key);

	jio_path(p, ppath, key);
	*e = PROTO_OK;
	if (present)
		*present = v != NULL;
	if (!v && !present)
		*e = jio_fail(err, PROTO_E_MISSING, p, "required field missing");
	return v;
}

enum proto_err jio_object(json_t *obj, const char *ppath, const char *key,
			  json_t **out, struct proto_error *err)
{
	char p[JIO_PATH_MAX];
	enum proto_err e;
	json_t *v = field(obj, ppath, key, NULL, p, &e, err);

	if (!v)
		return e;
	if (!json_is_object(v))
		return jio_fail(err, PROTO_E_TYPE, p, "must be an object");
	*out = v;
	return PROTO_OK;
}

enum proto_err jio_array(json_t *obj, const char *ppath, const char *key,
			 size_t max, json_t **out, struct proto_error *err)
{
	char p[JIO_PATH_MAX];
	enum proto_err e;
	json_t *v = field(obj, ppath, key, NULL, p, &e, err);

	if (!v)
		return e;
	if (!json_is_array(v))
		return jio_fail(err, PROTO_E_TYPE, p, "must be an array");
	if (json_array_size(v) > max)
		return jio_fail(err, PROTO_E_RANGE, p, "%zu entries, at most %zu allowed",
				json_array_size(v), max);
	*out = v;
	return PROTO_OK;
}

static bool in_set(unsigned char c, enum jio_charset cs)
{
	bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

	switch (cs) {
	case JIO_TEXT:
		return c >= 0x20 && c != 0x7f;
	case JIO_DEVICE_ID:
		return alnum || c == '.' || c == '_' || c == '-';
	case JIO_ID:
		return alnum || c == '.' || c == '_' || c == ':' || c == '-';
	case JIO_TZ:
		return alnum || c == '/' || c == '_' || c == '+' || c == '-';
	case JIO_ERRCODE:
		return (c >= 'a' && c <= 'z') || c == '_';
	}
	return false;
}

bool jio_valid(const char *s, size_t len, enum jio_charset cs)
{
	for (size_t i = 0; i < len; i++)
		if (!in_set((unsigned char)s[i], cs))
			return false;
	return true;
}

enum proto_err jio_str(json_t *obj, const char *ppath, const char *key,
		       enum jio_charset cs, size_t min, size_t max, char *dst,
		       bool *present, struct proto_error *err)
{
	char p[JIO_PATH_MAX];
	enum proto_err e;
	json_t *v = field(obj, ppath, key, present, p, &e, err);

	if (!v)
		return e;
	if (!json_is_string(v))
		return jio_fail(err, PROTO_E_TYPE, p, "must be a string");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);

	if (n < min || n > max)
		return jio_fail(err, PROTO_E_RANGE, p, "length %zu outside %zu..%zu", n, min, max);
	if (memchr(s, '\0', n))
		return jio_fail(err, PROTO_E_VALUE, p, "contains NUL");
	if (!jio_valid(s, n, cs))
		return jio_fail(err, PROTO_E_VALUE, p, "character not allowed");
	memcpy(dst, s, n);
	dst[n] = '\0';
	return PROTO_OK;
}

enum proto_err jio_int(json_t *obj, const char *ppath, const char *key,
		       int64_t min, int64_t max, int64_t *out,
		       bool *present, struct proto_error *err)
{
	char p[JIO_PATH_MAX];
	enum proto_err e;
	json_t *v = field(obj, ppath, key, present, p, &e, err);

	if (!v)
		return e;
	if (!json_is_integer(v))
		return jio_fail(err, PROTO_E_TYPE, p, "must be an integer");
	json_int_t i = json_integer_value(v);

	if (i < min || i > max)
		return jio_fail(err, PROTO_E_RANGE, p, "%lld outside %" PRId64 "..%" PRId64,
				(long long)i, min, max);
	*out = i;
	return PROTO_OK;
}

enum proto_err jio_bool(json_t *obj, const char *ppath, const char *key,
			bool *out, struct proto_error *err)
{
	char p[JIO_PATH_MAX];
	enum proto_err e;
	json_t *v = field(obj, ppath, key, NULL, p, &e, err);

	if (!v)
		return e;
	if (!json_is_boolean(v))
		return jio_fail(err, PROTO_E_TYPE, p, "must be true or false");
	*out = json_is_true(v);
	return PROTO_OK;
}

bool jio_u64_parse(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	uint64_t v = 0;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned int d = (unsigned int)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

enum proto_err jio_u64(json_t *obj, const char *ppath, const char *key,
		       uint64_t *out, struct proto_error *err)
{
	char p[JIO_PATH_MAX];
	enum proto_err e;
	json_t *v = field(obj, ppath, key, NULL, p, &e, err);

	if (!v)
		return e;
	if (!json_is_string(v))
		return jio_fail(err, PROTO_E_TYPE, p, "must be a decimal string");
	const char *s = json_string_value(v);

	if (json_string_length(v) > 20 || strlen(s) != json_string_length(v) ||
	    !jio_u64_parse(s, out))
		return jio_fail(err, PROTO_E_VALUE, p,
				"not an unsigned 64-bit decimal (\"0\"..\"18446744073709551615\")");
	return PROTO_OK;
}

enum proto_err jio_time(json_t *obj, const char *ppath, const char *key,
			int64_t *out, bool *present, struct proto_error *err)
{
	char p[JIO_PATH_MAX];
	enum proto_err e;
	json_t *v = field(obj, ppath, key, present, p, &e, err);

	if (!v)
		return e;
	if (!json_is_string(v))
		return jio_fail(err, PROTO_E_TYPE, p, "must be a string");
	const char *s = json_string_value(v);

	if (strlen(s) != json_string_length(v))
		return jio_fail(err, PROTO_E_VALUE, p, "contains NUL");
	e = proto_time_parse(s, out);
	if (e == PROTO_E_RANGE)
		return jio_fail(err, e, p, "time outside 2000-01-01..9999-12-31");
	if (e)
		return jio_fail(err, e, p, "not a time of the form YYYY-MM-DDTHH:MM:SSZ");
	return PROTO_OK;
}

enum proto_err jio_enum(json_t *obj, const char *ppath, const char *key,
			int (*from_name)(const char *), int *out, struct proto_error *err)
{
	char p[JIO_PATH_MAX];
	enum proto_err e;
	json_t *v = field(obj, ppath, key, NULL, p, &e, err);

	if (!v)
		return e;
	if (!json_is_string(v))
		return jio_fail(err, PROTO_E_TYPE, p, "must be a string");
	const char *s = json_string_value(v);
	int r = strlen(s) == json_string_length(v) ? from_name(s) : -1;

	if (r < 0)
		return jio_fail(err, PROTO_E_VALUE, p, "not one of the allowed values");
	*out = r;
	return PROTO_OK;
}

/* ---- public validators ---- */

bool proto_valid_device_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= PROTO_DEVICE_ID_MAX && jio_valid(s, n, JIO_DEVICE_ID);
}

bool proto_valid_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= PROTO_ID_MAX && jio_valid(s, n, JIO_ID);
}

bool proto_valid_tag(const char *s)
{
	return s && strlen(s) == PROTO_TAG_LEN && strspn(s, "0123456789abcdef") == PROTO_TAG_LEN;
}

bool proto_valid_billing_cycle(const char *s)
{
	if (!s || strlen(s) != PROTO_BILLING_CYCLE_LEN || s[4] != '-')
		return false;
	for (int i = 0; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	int m = (s[5] - '0') * 10 + (s[6] - '0');

	return y >= 2000 && m >= 1 && m <= 12;
}

/* ---- writing ---- */

static json_t *jb_check(struct jio_builder *b, json_t *v)
{
	if (!v && b->code == PROTO_OK)
		b->code = jio_fail(b->err, PROTO_E_NOMEM, "", "out of memory");
	return v;
}

void jb_set(struct jio_builder *b, json_t *obj, const char *key, json_t *val)
{
	if (!val || !obj) {
		json_decref(val);
		if (b->code == PROTO_OK)
			b->code = jio_fail(b->err, PROTO_E_NOMEM, key, "out of memory");
		return;
	}
	if (json_object_set_new(obj, key, val) && b->code == PROTO_OK)
		b->code = jio_fail(b->err, PROTO_E_NOMEM, key, "out of memory");
}

void jb_append(struct jio_builder *b, json_t *arr, json_t *val)
{
	if (!val || !arr) {
		json_decref(val);
		if (b->code == PROTO_OK)
			b->code = jio_fail(b->err, PROTO_E_NOMEM, "", "out of memory");
		return;
	}
	if (json_array_append_new(arr, val) && b->code == PROTO_OK)
		b->code = jio_fail(b->err, PROTO_E_NOMEM, "", "out of memory");
}

json_t *jb_str(struct jio_builder *b, const char *fieldname, const char *s, size_t cap)
{
	if (b->code)
		return NULL;
	if (!s || !memchr(s, '\0', cap)) {
		b->code = jio_fail(b->err, PROTO_E_INVALID, fieldname, "string not terminated");
		return NULL;
	}
	json_t *v = json_string(s);

	if (!v)
		b->code = jio_fail(b->err, PROTO_E_INVALID, fieldname, "not valid UTF-8");
	return v;
}

json_t *jb_name(struct jio_builder *b, const char *fieldname, const char *name)
{
	if (b->code)
		return NULL;
	if (!name) {
		b->code = jio_fail(b->err, PROTO_E_INVALID, fieldname, "value out of range");
		return NULL;
	}
	return jb_check(b, json_string(name));
}

json_t *jb_u64(struct jio_builder *b, uint64_t v)
{
	char s[24];

	if (b->code)
		return NULL;
	snprintf(s, sizeof(s), "%" PRIu64, v);
	return jb_check(b, json_string(s));
}

json_t *jb_time(struct jio_builder *b, const char *fieldname, int64_t t)
{
	char s[PROTO_TIME_LEN + 1];

	if (b->code)
		return NULL;
	if (proto_time_format(t, s)) {
		b->code = jio_fail(b->err, PROTO_E_INVALID, fieldname,
				   "time %lld outside 2000..9999", (long long)t);
		return NULL;
	}
	return jb_check(b, json_string(s));
}

json_t *jb_int(struct jio_builder *b, int64_t v)
{
	if (b->code)
		return NULL;
	return jb_check(b, json_integer(v));
}

json_t *jb_new_object(struct jio_builder *b)
{
	return jb_check(b, json_object());
}

json_t *jb_new_array(struct jio_builder *b)
{
	return jb_check(b, json_array());
}

enum proto_err jb_finish(struct jio_builder *b, json_t *root, char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (b->code) {
		json_decref(root);
		return b->code;
	}
	char *s = json_dumps(root, JSON_COMPACT);

	json_decref(root);
	if (!s)
		return jio_fail(b->err, PROTO_E_NOMEM, "", "out of memory");
	size_t n = strlen(s);

	if (n > PROTO_BODY_MAX) {
		free(s);
		return jio_fail(b->err, PROTO_E_TOO_LARGE, "",
				"encoded body of %zu bytes exceeds %d", n, PROTO_BODY_MAX);
	}
	*out = s;
	*out_len = n;
	return PROTO_OK;
}
