// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * proto: encoders and strict decoders of every esol protocol message
 * (docs/protocol.md).  Each encoder builds the JSON with jansson, then
 * runs the matching decoder over its own output, so a struct that breaks
 * a protocol rule is refused (PROTO_E_INVALID, naming the field) instead
 * of being sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/jsonio.h"
#include "proto/proto.h"

#define SZ(a) sizeof(a)

/* Run the decoder over freshly encoded bytes; on failure free and refuse. */
#define VERIFY(decoder, type, out, out_len, err)				\
	do {									\
		type *chk_ = malloc(sizeof(*chk_));				\
		enum proto_err e_;						\
		if (!chk_) {							\
			free(*(out));						\
			*(out) = NULL;						\
			return jio_fail(err, PROTO_E_NOMEM, "", "out of memory"); \
		}								\
		e_ = decoder(*(out), *(out_len), chk_, err);			\
		free(chk_);							\
		if (e_) {							\
			free(*(out));						\
			*(out) = NULL;						\
			*(out_len) = 0;						\
			if (err)						\
				(err)->code = PROTO_E_INVALID;			\
			return PROTO_E_INVALID;					\
		}								\
	} while (0)

#define TRY(expr)					\
	do {						\
		enum proto_err t_ = (expr);		\
		if (t_)					\
			return t_;			\
	} while (0)

/* ------------------------------------------------------------------ */
/* POST /v1/poll request                                              */

static const char *const poll_keys[] = { "device", "config", "state", NULL };
static const char *const brief_keys[] = { "device", "state", "identity_tag", NULL };
static const char *const brief_device_keys[] = { "device_id", NULL };
static const char *const device_keys[] = { "device_id", "model", "engine_fw",
					   "controller_fw", "agent_version", NULL };
static const char *const config_keys[] = { "enabled", "poll_time", "timezone",
					   "spread_minutes", "proxy_mode", NULL };
static const char *const state_keys[] = { "supplies_enabled", "supplies_interval_s",
					  "spool_pending", "last_poll", NULL };

static enum proto_err dec_identity(json_t *d, struct proto_identity *m, struct proto_error *err)
{
	TRY(jio_only(d, "device", device_keys, err));
	TRY(jio_str(d, "device", "device_id", JIO_DEVICE_ID, 1, PROTO_DEVICE_ID_MAX,
		    m->device_id, NULL, err));
	TRY(jio_str(d, "device", "model", JIO_TEXT, 1, PROTO_MODEL_MAX, m->model, NULL, err));
	TRY(jio_str(d, "device", "engine_fw", JIO_TEXT, 0, PROTO_FW_MAX, m->engine_fw, NULL, err));
	TRY(jio_str(d, "device", "controller_fw", JIO_TEXT, 0, PROTO_FW_MAX,
		    m->controller_fw, NULL, err));
	TRY(jio_str(d, "device", "agent_version", JIO_TEXT, 1, PROTO_AGENT_VERSION_MAX,
		    m->agent_version, NULL, err));
	return PROTO_OK;
}

static enum proto_err dec_config(json_t *c, struct proto_config *m, struct proto_error *err)
{
	char hm[6];
	int64_t i;
	int e;

	TRY(jio_only(c, "config", config_keys, err));
	/* Not sent any more (a device that polls participates); if present, true. */
	m->enabled = true;
	if (json_object_get(c, "enabled")) {
		TRY(jio_bool(c, "config", "enabled", &m->enabled, err));
		if (!m->enabled)
			return jio_fail(err, PROTO_E_VALUE, "config.enabled",
					"false: a device that is off does not poll");
	}
	TRY(jio_str(c, "config", "poll_time", JIO_TEXT, 5, 5, hm, NULL, err));
	if (hm[0] < '0' || hm[0] > '2' || hm[1] < '0' || hm[1] > '9' || hm[2] != ':' ||
	    hm[3] < '0' || hm[3] > '5' || hm[4] < '0' || hm[4] > '9' ||
	    (hm[0] - '0') * 10 + (hm[1] - '0') > 23)
		return jio_fail(err, PROTO_E_VALUE, "config.poll_time", "not a time HH:MM (00:00..23:59)");
	m->poll_hour = (uint8_t)((hm[0] - '0') * 10 + (hm[1] - '0'));
	m->poll_minute = (uint8_t)((hm[3] - '0') * 10 + (hm[4] - '0'));
	TRY(jio_str(c, "config", "timezone", JIO_TZ, 1, PROTO_TIMEZONE_MAX, m->timezone, NULL, err));
	TRY(jio_int(c, "config", "spread_minutes", 0, PROTO_SPREAD_MAX, &i, NULL, err));
	m->spread_minutes = (uint32_t)i;
	TRY(jio_enum(c, "config", "proxy_mode", proto_proxy_mode_from_name, &e, err));
	m->proxy_mode = (enum proto_proxy_mode)e;
	return PROTO_OK;
}

static enum proto_err dec_state(json_t *s, struct proto_agent_state *m, struct proto_error *err)
{
	bool present;
	int64_t i;

	TRY(jio_only(s, "state", state_keys, err));
	/* Absent: the default (false, 0, 0), which the device leaves out. */
	if (json_object_get(s, "supplies_enabled"))
		TRY(jio_bool(s, "state", "supplies_enabled", &m->supplies_enabled, err));
	i = 0;
	TRY(jio_int(s, "state", "supplies_interval_s", 0, PROTO_SUPPLIES_INTERVAL_MAX, &i, &present,
		    err));
	m->supplies_interval_s = (uint32_t)i;
	if (m->supplies_enabled && i < PROTO_SUPPLIES_INTERVAL_MIN)
		return jio_fail(err, PROTO_E_RANGE, "state.supplies_interval_s",
				"%lld outside %d..%d while enabled", (long long)i,
				PROTO_SUPPLIES_INTERVAL_MIN, PROTO_SUPPLIES_INTERVAL_MAX);
	if (!m->supplies_enabled && i != 0)
		return jio_fail(err, PROTO_E_RANGE, "state.supplies_interval_s",
				"must be 0 while supplies are disabled");
	i = 0;
	TRY(jio_int(s, "state", "spool_pending", 0, PROTO_SPOOL_PENDING_MAX, &i, &present, err));
	m->spool_pending = (uint32_t)i;
	TRY(jio_time(s, "state", "last_poll", &m->last_poll, &m->has_last_poll, err));
	return PROTO_OK;
}

/* A brief poll: the tag, and of the identity only device_id. */
static enum proto_err dec_brief(json_t *root, struct proto_poll_req *m, struct proto_error *err)
{
	json_t *d;

	TRY(jio_str(root, "", "identity_tag", JIO_ID, PROTO_TAG_LEN, PROTO_TAG_LEN,
		    m->identity_tag, NULL, err));
	if (!proto_valid_tag(m->identity_tag))
		return jio_fail(err, PROTO_E_VALUE, "identity_tag",
				"not %d lower-case hex digits", PROTO_TAG_LEN);
	if (json_object_get(root, "config"))
		return jio_fail(err, PROTO_E_UNKNOWN_FIELD, "config",
				"not sent with identity_tag (a brief poll)");
	TRY(jio_only(root, "", brief_keys, err));
	TRY(jio_object(root, "", "device", &d, err));
	if (json_object_size(d) > 1 && json_object_get(d, "device_id"))
		return jio_fail(err, PROTO_E_UNKNOWN_FIELD, "device",
				"only device_id is sent with identity_tag (a brief poll)");
	TRY(jio_only(d, "device", brief_device_keys, err));
	return jio_str(d, "device", "device_id", JIO_DEVICE_ID, 1, PROTO_DEVICE_ID_MAX,
		       m->device.device_id, NULL, err);
}

enum proto_err proto_decode_poll_req(const void *buf, size_t len,
				     struct proto_poll_req *m, struct proto_error *err)
{
	json_t *root, *d, *c, *s;
	enum proto_err e;

	memset(m, 0, sizeof(*m));
	TRY(jio_load(buf, len, &root, err));
	if (json_object_get(root, "identity_tag")) {
		e = dec_brief(root, m, err);
	} else if (!(e = jio_only(root, "", poll_keys, err)) &&
		   !(e = jio_object(root, "", "device", &d, err)) &&
		   !(e = dec_identity(d, &m->device, err)) &&
		   !(e = jio_object(root, "", "config", &c, err))) {
		e = dec_config(c, &m->config, err);
	}
	if (!e && !(e = jio_object(root, "", "state", &s, err)))
		e = dec_state(s, &m->state, err);
	json_decref(root);
	return e;
}

/* The full poll's device and config objects, after device_id. */
static void enc_identity_config(struct jio_builder *b, json_t *root, json_t *d,
				const struct proto_poll_req *m)
{
	json_t *c = jb_new_object(b);
	char hm[8];

	jb_set(b, d, "model", jb_str(b, "device.model", m->device.model, SZ(m->device.model)));
	jb_set(b, d, "engine_fw", jb_str(b, "device.engine_fw", m->device.engine_fw,
					  SZ(m->device.engine_fw)));
	jb_set(b, d, "controller_fw", jb_str(b, "device.controller_fw", m->device.controller_fw,
					      SZ(m->device.controller_fw)));
	jb_set(b, d, "agent_version", jb_str(b, "device.agent_version", m->device.agent_version,
					      SZ(m->device.agent_version)));
	jb_set(b, root, "device", d);

	/* config.enabled is not sent: a device that polls participates. */
	snprintf(hm, sizeof(hm), "%02u:%02u", m->config.poll_hour % 100u,
		 m->config.poll_minute % 100u);
	jb_set(b, c, "poll_time", jb_str(b, "config.poll_time", hm, sizeof(hm)));
	jb_set(b, c, "timezone", jb_str(b, "config.timezone", m->config.timezone,
					 SZ(m->config.timezone)));
	jb_set(b, c, "spread_minutes", jb_int(b, m->config.spread_minutes));
	jb_set(b, c, "proxy_mode", jb_name(b, "config.proxy_mode",
					   proto_proxy_mode_name(m->config.proxy_mode)));
	jb_set(b, root, "config", c);
}

enum proto_err proto_encode_poll_req(const struct proto_poll_req *m,
				     char **out, size_t *out_len, struct proto_error *err)
{
	struct jio_builder b = { .err = err };
	json_t *root, *d, *s;

	if (!m->identity_tag[0] && !m->config.enabled)
		return jio_fail(err, PROTO_E_VALUE, "config.enabled",
				"false: a device that is off does not poll");
	root = jb_new_object(&b);
	d = jb_new_object(&b);
	s = jb_new_object(&b);

	jb_set(&b, d, "device_id", jb_str(&b, "device.device_id", m->device.device_id,
					   SZ(m->device.device_id)));
	if (m->identity_tag[0]) {
		/* brief: the rest of the identity and the configuration are the tag's */
		jb_set(&b, root, "device", d);
		jb_set(&b, root, "identity_tag", jb_str(&b, "identity_tag", m->identity_tag,
							 SZ(m->identity_tag)));
	} else {
		enc_identity_config(&b, root, d, m);
	}

	/* The state's defaults (off, 0, nothing pending) are left out. */
	if (m->state.supplies_enabled)
		jb_set(&b, s, "supplies_enabled", json_boolean(true));
	if (m->state.supplies_interval_s)
		jb_set(&b, s, "supplies_interval_s", jb_int(&b, m->state.supplies_interval_s));
	if (m->state.spool_pending)
		jb_set(&b, s, "spool_pending", jb_int(&b, m->state.spool_pending));
	if (m->state.has_last_poll)
		jb_set(&b, s, "last_poll", jb_time(&b, "state.last_poll", m->state.last_poll));
	jb_set(&b, root, "state", s);

	TRY(jb_finish(&b, root, out, out_len));
	VERIFY(proto_decode_poll_req, struct proto_poll_req, out, out_len, err);
	return PROTO_OK;
}

size_t proto_identity_canon(const struct proto_identity *id, const struct proto_config *c,
			    char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s\n%s\n%s\n%s\n%s\n%02u:%02u\n%s\n%u\n%s\n",
			 id->device_id, id->model, id->engine_fw, id->controller_fw,
			 id->agent_version, c->poll_hour % 100u, c->poll_minute % 100u,
			 c->timezone, c->spread_minutes,
			 proto_proxy_mode_name(c->proxy_mode) ? proto_proxy_mode_name(c->proxy_mode) : "");

	return n < 0 || (size_t)n >= size ? 0 : (size_t)n;
}

void proto_hex(const void *bytes, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = bytes;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

/* ------------------------------------------------------------------ */
/* POST /v1/poll reply                                                */

static const char *const reply_keys[] = { "server_time", "actions", "retry_after_s", NULL };
static const char *const act_read_keys[] = { "type", "request_id", "billing_cycle", NULL };
static const char *const act_supplies_keys[] = { "type", "enabled", "interval_s", NULL };

static enum proto_err dec_action(json_t *a, const char *p, struct proto_poll_reply *m,
				 bool *seen_read, bool *seen_supplies, struct proto_error *err)
{
	char type[32];
	char tp[JIO_PATH_MAX];

	if (!json_is_object(a))
		return jio_fail(err, PROTO_E_TYPE, p, "must be an object");
	TRY(jio_str(a, p, "type", JIO_TEXT, 1, sizeof(type) - 1, type, NULL, err));
	jio_path(tp, p, "type");
	if (strcmp(type, "read_meters") == 0) {
		if (*seen_read)
			return jio_fail(err, PROTO_E_DUPLICATE, tp, "second read_meters action");
		*seen_read = true;
		TRY(jio_only(a, p, act_read_keys, err));
		TRY(jio_str(a, p, "request_id", JIO_ID, 1, PROTO_ID_MAX, m->request_id, NULL, err));
		TRY(jio_str(a, p, "billing_cycle", JIO_TEXT, PROTO_BILLING_CYCLE_LEN,
			    PROTO_BILLING_CYCLE_LEN, m->billing_cycle, NULL, err));
		if (!proto_valid_billing_cycle(m->billing_cycle)) {
			jio_path(tp, p, "billing_cycle");
			return jio_fail(err, PROTO_E_VALUE, tp, "not a billing cycle YYYY-MM");
		}
		m->read_meters = true;
	} else if (strcmp(type, "supplies") == 0) {
		bool present;
		int64_t i;

		if (*seen_supplies)
			return jio_fail(err, PROTO_E_DUPLICATE, tp, "second supplies action");
		*seen_supplies = true;
		TRY(jio_only(a, p, act_supplies_keys, err));
		TRY(jio_bool(a, p, "enabled", &m->supplies_enabled, err));
		TRY(jio_int(a, p, "interval_s", PROTO_SUPPLIES_INTERVAL_MIN,
			    PROTO_SUPPLIES_INTERVAL_MAX, &i, &present, err));
		jio_path(tp, p, "interval_s");
		if (m->supplies_enabled && !present)
			return jio_fail(err, PROTO_E_MISSING, tp, "required when enabled");
		if (!m->supplies_enabled && present)
			return jio_fail(err, PROTO_E_UNKNOWN_FIELD, tp, "not allowed when disabled");
		m->supplies_interval_s = present ? (uint32_t)i : 0;
		m->has_supplies = true;
	} else {
		return jio_fail(err, PROTO_E_VALUE, tp, "unknown action type");
	}
	return PROTO_OK;
}

enum proto_err proto_decode_poll_reply(const void *buf, size_t len,
				       struct proto_poll_reply *m, struct proto_error *err)
{
	json_t *root, *acts;
	bool seen_read = false, seen_supplies = false, present;
	enum proto_err e;
	int64_t i = 0;

	memset(m, 0, sizeof(*m));
	TRY(jio_load(buf, len, &root, err));
	if (!(e = jio_only(root, "", reply_keys, err)) &&
	    !(e = jio_time(root, "", "server_time", &m->server_time, NULL, err)) &&
	    !(e = jio_array(root, "", "actions", PROTO_ACTIONS_MAX, &acts, err))) {
		for (size_t k = 0; k < json_array_size(acts) && !e; k++) {
			char p[JIO_PATH_MAX];

			jio_path_idx(p, "actions", k);
			e = dec_action(json_array_get(acts, k), p, m, &seen_read,
				       &seen_supplies, err);
		}
		if (!e)
			e = jio_int(root, "", "retry_after_s", 1, PROTO_RETRY_AFTER_MAX, &i,
				    &present, err);
		m->retry_after_s = (uint32_t)i;
	}
	json_decref(root);
	return e;
}

enum proto_err proto_encode_poll_reply(const struct proto_poll_reply *m,
				       char **out, size_t *out_len, struct proto_error *err)
{
	struct jio_builder b = { .err = err };
	json_t *root = jb_new_object(&b), *acts = jb_new_array(&b);

	jb_set(&b, root, "server_time", jb_time(&b, "server_time", m->server_time));
	if (m->read_meters) {
		json_t *a = jb_new_object(&b);

		jb_set(&b, a, "type", jb_name(&b, "type", "read_meters"));
		jb_set(&b, a, "request_id", jb_str(&b, "request_id", m->request_id,
						    SZ(m->request_id)));
		jb_set(&b, a, "billing_cycle", jb_str(&b, "billing_cycle", m->billing_cycle,
						       SZ(m->billing_cycle)));
		jb_append(&b, acts, a);
	}
	if (m->has_supplies) {
		json_t *a = jb_new_object(&b);

		jb_set(&b, a, "type", jb_name(&b, "type", "supplies"));
		jb_set(&b, a, "enabled", json_boolean(m->supplies_enabled));
		if (m->supplies_enabled)
			jb_set(&b, a, "interval_s", jb_int(&b, m->supplies_interval_s));
		jb_append(&b, acts, a);
	}
	jb_set(&b, root, "actions", acts);
	if (m->retry_after_s)
		jb_set(&b, root, "retry_after_s", jb_int(&b, m->retry_after_s));

	TRY(jb_finish(&b, root, out, out_len));
	VERIFY(proto_decode_poll_reply, struct proto_poll_reply, out, out_len, err);
	return PROTO_OK;
}

/* ------------------------------------------------------------------ */
/* POST /v1/meter-reads                                               */

static const char *const read_keys[] = { "device_id", "read_id", "request_id",
					 "generation", "taken_at", "meters", NULL };

enum proto_err proto_decode_meter_read(const void *buf, size_t len,
				       struct proto_meter_read *m, struct proto_error *err)
{
	json_t *root, *meters;
	enum proto_err e;

	memset(m, 0, sizeof(*m));
	TRY(jio_load(buf, len, &root, err));
	if ((e = jio_only(root, "", read_keys, err)) ||
	    (e = jio_str(root, "", "device_id", JIO_DEVICE_ID, 1, PROTO_DEVICE_ID_MAX,
			 m->device_id, NULL, err)) ||
	    (e = jio_str(root, "", "read_id", JIO_ID, 1, PROTO_ID_MAX, m->read_id, NULL, err)) ||
	    (e = jio_str(root, "", "request_id", JIO_ID, 1, PROTO_ID_MAX, m->request_id,
			 NULL, err)) ||
	    (e = jio_u64(root, "", "generation", &m->generation, err)) ||
	    (e = jio_time(root, "", "taken_at", &m->taken_at, NULL, err)) ||
	    (e = jio_object(root, "", "meters", &meters, err)))
		goto out;

	const char *key;
	json_t *v;

	json_object_foreach(meters, key, v) {
		int id = proto_meter_from_name(key);

		if (id < 0) {
			e = jio_only(meters, "meters", (const char *const[]){ NULL }, err);
			goto out;
		}
		e = jio_u64(meters, "meters", key, &m->meters[id], err);
		if (e)
			goto out;
		m->meter_mask |= 1u << id;
	}
	if (!m->meter_mask)
		e = jio_fail(err, PROTO_E_RANGE, "meters", "at least one meter required");
out:
	json_decref(root);
	return e;
}

enum proto_err proto_encode_meter_read(const struct proto_meter_read *m,
				       char **out, size_t *out_len, struct proto_error *err)
{
	struct jio_builder b = { .err = err };
	json_t *root, *meters;

	if (m->meter_mask >> PROTO_METER_COUNT)
		return jio_fail(err, PROTO_E_INVALID, "meters", "meter_mask has unknown meters");
	root = jb_new_object(&b);
	meters = jb_new_object(&b);
	jb_set(&b, root, "device_id", jb_str(&b, "device_id", m->device_id, SZ(m->device_id)));
	jb_set(&b, root, "read_id", jb_str(&b, "read_id", m->read_id, SZ(m->read_id)));
	jb_set(&b, root, "request_id", jb_str(&b, "request_id", m->request_id, SZ(m->request_id)));
	jb_set(&b, root, "generation", jb_u64(&b, m->generation));
	jb_set(&b, root, "taken_at", jb_time(&b, "taken_at", m->taken_at));
	for (int id = 0; id < PROTO_METER_COUNT; id++)
		if (m->meter_mask & (1u << id))
			jb_set(&b, meters, proto_meter_name((enum proto_meter)id),
			       jb_u64(&b, m->meters[id]));
	jb_set(&b, root, "meters", meters);

	TRY(jb_finish(&b, root, out, out_len));
	VERIFY(proto_decode_meter_read, struct proto_meter_read, out, out_len, err);
	return PROTO_OK;
}

/* ------------------------------------------------------------------ */
/* POST /v1/supplies                                                  */

static const char *const supplies_keys[] = { "device_id", "report_id", "trigger",
					     "generation", "taken_at", "supplies", NULL };
static const char *const supply_keys[] = { "index", "type", "colorant", "description",
					   "level", "max_capacity", "unit", "state",
					   "replaced", NULL };

static enum proto_err dec_supply(json_t *s, const char *p, struct proto_supply *m,
				 struct proto_error *err)
{
	int64_t i;
	int e;

	if (!json_is_object(s))
		return jio_fail(err, PROTO_E_TYPE, p, "must be an object");
	TRY(jio_only(s, p, supply_keys, err));
	TRY(jio_int(s, p, "index", 0, PROTO_SUPPLY_INDEX_MAX, &i, NULL, err));
	m->index = (uint32_t)i;
	TRY(jio_enum(s, p, "type", proto_supply_type_from_name, &e, err));
	m->type = (enum proto_supply_type)e;
	TRY(jio_str(s, p, "colorant", JIO_TEXT, 0, PROTO_COLORANT_MAX, m->colorant, NULL, err));
	TRY(jio_str(s, p, "description", JIO_TEXT, 0, PROTO_DESCRIPTION_MAX, m->description,
		    NULL, err));
	TRY(jio_int(s, p, "level", PROTO_LEVEL_SOME_REMAINING, INT32_MAX, &i, NULL, err));
	m->level = (int32_t)i;
	TRY(jio_int(s, p, "max_capacity", PROTO_LEVEL_SOME_REMAINING, INT32_MAX, &i, NULL, err));
	m->max_capacity = (int32_t)i;
	TRY(jio_enum(s, p, "unit", proto_supply_unit_from_name, &e, err));
	m->unit = (enum proto_supply_unit)e;
	TRY(jio_enum(s, p, "state", proto_supply_state_from_name, &e, err));
	m->state = (enum proto_supply_state)e;
	TRY(jio_int(s, p, "replaced", 0, UINT32_MAX, &i, NULL, err));
	m->replaced = (uint32_t)i;
	return PROTO_OK;
}

enum proto_err proto_decode_supplies(const void *buf, size_t len,
				     struct proto_supplies_report *m, struct proto_error *err)
{
	json_t *root, *arr;
	enum proto_err e;
	int trig;

	memset(m, 0, sizeof(*m));
	TRY(jio_load(buf, len, &root, err));
	if ((e = jio_only(root, "", supplies_keys, err)) ||
	    (e = jio_str(root, "", "device_id", JIO_DEVICE_ID, 1, PROTO_DEVICE_ID_MAX,
			 m->device_id, NULL, err)) ||
	    (e = jio_str(root, "", "report_id", JIO_ID, 1, PROTO_ID_MAX, m->report_id,
			 NULL, err)) ||
	    (e = jio_enum(root, "", "trigger", proto_trigger_from_name, &trig, err)) ||
	    (e = jio_u64(root, "", "generation", &m->generation, err)) ||
	    (e = jio_time(root, "", "taken_at", &m->taken_at, NULL, err)) ||
	    (e = jio_array(root, "", "supplies", PROTO_SUPPLIES_MAX, &arr, err)))
		goto out;
	m->trigger = (enum proto_supplies_trigger)trig;
	for (size_t k = 0; k < json_array_size(arr); k++) {
		char p[JIO_PATH_MAX];

		jio_path_idx(p, "supplies", k);
		e = dec_supply(json_array_get(arr, k), p, &m->supplies[k], err);
		if (e)
			goto out;
		for (size_t j = 0; j < k; j++) {
			if (m->supplies[j].index == m->supplies[k].index) {
				char ip[JIO_PATH_MAX];

				jio_path(ip, p, "index");
				e = jio_fail(err, PROTO_E_DUPLICATE, ip,
					     "index %u also used by supplies[%zu]",
					     m->supplies[k].index, j);
				goto out;
			}
		}
		m->n_supplies = (unsigned int)k + 1;
	}
out:
	json_decref(root);
	return e;
}

enum proto_err proto_encode_supplies(const struct proto_supplies_report *m,
				     char **out, size_t *out_len, struct proto_error *err)
{
	struct jio_builder b = { .err = err };
	json_t *root, *arr;

	if (m->n_supplies > PROTO_SUPPLIES_MAX)
		return jio_fail(err, PROTO_E_INVALID, "supplies", "%u entries, at most %d",
				m->n_supplies, PROTO_SUPPLIES_MAX);
	root = jb_new_object(&b);
	arr = jb_new_array(&b);
	jb_set(&b, root, "device_id", jb_str(&b, "device_id", m->device_id, SZ(m->device_id)));
	jb_set(&b, root, "report_id", jb_str(&b, "report_id", m->report_id, SZ(m->report_id)));
	jb_set(&b, root, "trigger", jb_name(&b, "trigger", proto_trigger_name(m->trigger)));
	jb_set(&b, root, "generation", jb_u64(&b, m->generation));
	jb_set(&b, root, "taken_at", jb_time(&b, "taken_at", m->taken_at));
	for (unsigned int k = 0; k < m->n_supplies; k++) {
		const struct proto_supply *s = &m->supplies[k];
		json_t *o = jb_new_object(&b);
		char p[JIO_PATH_MAX], f[JIO_PATH_MAX];

		jio_path_idx(p, "supplies", k);
		jb_set(&b, o, "index", jb_int(&b, s->index));
		jio_path(f, p, "type");
		jb_set(&b, o, "type", jb_name(&b, f, proto_supply_type_name(s->type)));
		jio_path(f, p, "colorant");
		jb_set(&b, o, "colorant", jb_str(&b, f, s->colorant, SZ(s->colorant)));
		jio_path(f, p, "description");
		jb_set(&b, o, "description", jb_str(&b, f, s->description, SZ(s->description)));
		jb_set(&b, o, "level", jb_int(&b, s->level));
		jb_set(&b, o, "max_capacity", jb_int(&b, s->max_capacity));
		jio_path(f, p, "unit");
		jb_set(&b, o, "unit", jb_name(&b, f, proto_supply_unit_name(s->unit)));
		jio_path(f, p, "state");
		jb_set(&b, o, "state", jb_name(&b, f, proto_supply_state_name(s->state)));
		jb_set(&b, o, "replaced", jb_int(&b, s->replaced));
		jb_append(&b, arr, o);
	}
	jb_set(&b, root, "supplies", arr);

	TRY(jb_finish(&b, root, out, out_len));
	VERIFY(proto_decode_supplies, struct proto_supplies_report, out, out_len, err);
	return PROTO_OK;
}

/* ------------------------------------------------------------------ */
/* acks                                                               */

static int ack_status_from_name(const char *s)
{
	if (strcmp(s, "stored") == 0)
		return PROTO_ACK_STORED;
	if (strcmp(s, "duplicate") == 0)
		return PROTO_ACK_DUPLICATE;
	return -1;
}

static enum proto_err dec_ack(const void *buf, size_t len, const char *idkey,
			      struct proto_ack *m, struct proto_error *err)
{
	const char *const keys[] = { "status", idkey, NULL };
	json_t *root;
	enum proto_err e;
	int st = 0;

	memset(m, 0, sizeof(*m));
	TRY(jio_load(buf, len, &root, err));
	if (!(e = jio_only(root, "", keys, err)) &&
	    !(e = jio_enum(root, "", "status", ack_status_from_name, &st, err)))
		e = jio_str(root, "", idkey, JIO_ID, 1, PROTO_ID_MAX, m->id, NULL, err);
	m->status = (enum proto_ack_status)st;
	json_decref(root);
	return e;
}

static enum proto_err enc_ack(const struct proto_ack *m, const char *idkey,
			      char **out, size_t *out_len, struct proto_error *err)
{
	struct jio_builder b = { .err = err };
	json_t *root = jb_new_object(&b);
	const char *st = m->status == PROTO_ACK_STORED ? "stored" :
			 m->status == PROTO_ACK_DUPLICATE ? "duplicate" : NULL;

	jb_set(&b, root, "status", jb_name(&b, "status", st));
	jb_set(&b, root, idkey, jb_str(&b, idkey, m->id, SZ(m->id)));
	return jb_finish(&b, root, out, out_len);
}

enum proto_err proto_decode_read_ack(const void *buf, size_t len,
				     struct proto_ack *m, struct proto_error *err)
{
	return dec_ack(buf, len, "read_id", m, err);
}

enum proto_err proto_decode_supplies_ack(const void *buf, size_t len,
					 struct proto_ack *m, struct proto_error *err)
{
	return dec_ack(buf, len, "report_id", m, err);
}

enum proto_err proto_encode_read_ack(const struct proto_ack *m,
				     char **out, size_t *out_len, struct proto_error *err)
{
	TRY(enc_ack(m, "read_id", out, out_len, err));
	VERIFY(proto_decode_read_ack, struct proto_ack, out, out_len, err);
	return PROTO_OK;
}

enum proto_err proto_encode_supplies_ack(const struct proto_ack *m,
					 char **out, size_t *out_len, struct proto_error *err)
{
	TRY(enc_ack(m, "report_id", out, out_len, err));
	VERIFY(proto_decode_supplies_ack, struct proto_ack, out, out_len, err);
	return PROTO_OK;
}

/* ------------------------------------------------------------------ */
/* error replies                                                      */

static const char *const error_keys[] = { "error", "message", NULL };

enum proto_err proto_decode_error(const void *buf, size_t len,
				  struct proto_error_reply *m, struct proto_error *err)
{
	json_t *root;
	enum proto_err e;

	memset(m, 0, sizeof(*m));
	TRY(jio_load(buf, len, &root, err));
	if (!(e = jio_only(root, "", error_keys, err)) &&
	    !(e = jio_str(root, "", "error", JIO_ERRCODE, 1, PROTO_ERROR_CODE_MAX, m->error,
			  NULL, err)))
		e = jio_str(root, "", "message", JIO_TEXT, 0, PROTO_ERROR_MESSAGE_MAX,
			    m->message, NULL, err);
	json_decref(root);
	return e;
}

enum proto_err proto_encode_error(const struct proto_error_reply *m,
				  char **out, size_t *out_len, struct proto_error *err)
{
	struct jio_builder b = { .err = err };
	json_t *root = jb_new_object(&b);

	jb_set(&b, root, "error", jb_str(&b, "error", m->error, SZ(m->error)));
	jb_set(&b, root, "message", jb_str(&b, "message", m->message, SZ(m->message)));
	TRY(jb_finish(&b, root, out, out_len));
	VERIFY(proto_decode_error, struct proto_error_reply, out, out_len, err);
	return PROTO_OK;
}
