/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * proto: the esol wire protocol (JSON over HTTPS), both directions.
 *
 * One C struct per message, an encoder producing compact JSON and a
 * strict decoder for each.  The device encodes the three requests and
 * decodes the replies; the server does the reverse.  docs/protocol.md is
 * the normative description; this module implements exactly it:
 *
 *   POST /v1/poll         struct proto_poll_req      -> struct proto_poll_reply
 *   POST /v1/meter-reads  struct proto_meter_read    -> struct proto_ack
 *   POST /v1/supplies     struct proto_supplies_report -> struct proto_ack
 *   any error (4xx/5xx)   struct proto_error_reply
 *
 * Decoders take raw bytes (not necessarily NUL-terminated) so a fuzz
 * harness can call them directly.  They reject: bodies over
 * PROTO_BODY_MAX, nesting deeper than PROTO_DEPTH_MAX, invalid UTF-8,
 * NUL or control characters in strings, duplicate keys, unknown or
 * missing fields, wrong types, reals, and every out-of-range value.
 * Encoders validate the struct with the same rules first, so nothing
 * the decoder would refuse is ever sent.
 *
 * Every function returns PROTO_OK (0) or a positive enum proto_err, and
 * on error fills the optional struct proto_error with the field path
 * ("supplies[2].level") and a human-readable message.  Nothing here
 * logs, allocates global state, or exits.
 *
 * Unsigned 64-bit values (meters, generation) travel as decimal strings
 * ("0".."18446744073709551615"), because JSON implementations (jansson
 * included) hold integers as signed 64-bit or as doubles.  Times travel
 * as RFC 3339 UTC strings "YYYY-MM-DDTHH:MM:SSZ" and are held here as
 * int64_t seconds since the Unix epoch.
 */
#ifndef ESOL_PROTO_PROTO_H
#define ESOL_PROTO_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits (see docs/protocol.md). String maxima are in bytes, no NUL. */
#define PROTO_BODY_MAX			(64 * 1024)
#define PROTO_DEPTH_MAX			8
#define PROTO_DEVICE_ID_MAX		31	/* [A-Za-z0-9._-] */
#define PROTO_MODEL_MAX			63	/* printable UTF-8 */
#define PROTO_FW_MAX			31	/* printable UTF-8 */
#define PROTO_AGENT_VERSION_MAX		31	/* printable UTF-8 */
#define PROTO_TIMEZONE_MAX		63	/* [A-Za-z0-9/_+-] */
#define PROTO_ID_MAX			64	/* read/report/request id: [A-Za-z0-9._:-] */
#define PROTO_COLORANT_MAX		15	/* printable UTF-8, may be "" */
#define PROTO_DESCRIPTION_MAX		47	/* printable UTF-8, may be "" */
#define PROTO_ERROR_CODE_MAX		31	/* [a-z_] */
#define PROTO_ERROR_MESSAGE_MAX		255	/* printable UTF-8 */
#define PROTO_SUPPLIES_MAX		32	/* entries per report */
#define PROTO_SUPPLY_INDEX_MAX		65535
#define PROTO_ACTIONS_MAX		8
#define PROTO_SPREAD_MAX		720	/* minutes */
#define PROTO_SPOOL_PENDING_MAX		1000000
#define PROTO_SUPPLIES_INTERVAL_MIN	300	/* s */
#define PROTO_SUPPLIES_INTERVAL_MAX	604800	/* s, one week */
#define PROTO_RETRY_AFTER_MAX		86400	/* s; also the cap for Retry-After */
#define PROTO_BILLING_CYCLE_LEN		7	/* "YYYY-MM" */
/* Times: 2000-01-01T00:00:00Z .. 9999-12-31T23:59:59Z */
#define PROTO_TIME_MIN			INT64_C(946684800)
#define PROTO_TIME_MAX			INT64_C(253402300799)

/* URL paths. */
#define PROTO_PATH_POLL			"/v1/poll"
#define PROTO_PATH_METER_READS		"/v1/meter-reads"
#define PROTO_PATH_SUPPLIES		"/v1/supplies"
#define PROTO_CONTENT_TYPE		"application/json"

enum proto_err {
	PROTO_OK = 0,
	PROTO_E_NOMEM,		/* allocation failed */
	PROTO_E_TOO_LARGE,	/* body over PROTO_BODY_MAX (HTTP 413) */
	PROTO_E_SYNTAX,		/* not JSON, bad UTF-8, trailing data, dup key */
	PROTO_E_TOO_DEEP,	/* nesting over PROTO_DEPTH_MAX */
	PROTO_E_TYPE,		/* a field has the wrong JSON type */
	PROTO_E_MISSING,	/* a required field is absent */
	PROTO_E_UNKNOWN_FIELD,	/* a field not in the protocol */
	PROTO_E_RANGE,		/* a number or length out of its limits */
	PROTO_E_VALUE,		/* bad format or not one of the allowed values */
	PROTO_E_DUPLICATE,	/* a repeated entry (action type, supply index) */
	PROTO_E_INVALID,	/* encoder: the struct breaks a rule */
	__PROTO_E_COUNT
};

struct proto_error {
	enum proto_err code;
	char field[64];		/* path of the offending field, "" for the body */
	char message[192];	/* "supplies[2].level: -4 outside -3..2147483647" */
};

/* Stable short name of an error ("unknown_field"), used as the wire error code. */
const char *proto_err_name(enum proto_err code);
/* The HTTP status a server answers for a request that failed to decode. */
int proto_err_http_status(enum proto_err code);

/* ---- common parts ---- */

/* Meter ids equal enum printeng_meter_id in <linux/printeng.h>. */
enum proto_meter {
	PROTO_METER_IMPRESSIONS_TOTAL = 0,
	PROTO_METER_IMPRESSIONS_MONO,
	PROTO_METER_IMPRESSIONS_COLOR,
	PROTO_METER_IMPRESSIONS_DUPLEX,
	PROTO_METER_IMPRESSIONS_LARGE,
	PROTO_METER_SHEETS_TOTAL,
	PROTO_METER_SHEETS_DUPLEX,
	PROTO_METER_COUNT
};
const char *proto_meter_name(enum proto_meter id);	/* NULL if out of range */
int proto_meter_from_name(const char *name);		/* id, or -1 */

enum proto_proxy_mode { PROTO_PROXY_NONE, PROTO_PROXY_MANUAL, PROTO_PROXY_AUTO };

enum proto_supply_type {
	PROTO_SUPPLY_TONER, PROTO_SUPPLY_WASTE_TONER, PROTO_SUPPLY_INK,
	PROTO_SUPPLY_OPC, PROTO_SUPPLY_DEVELOPER, PROTO_SUPPLY_FUSER,
	PROTO_SUPPLY_CLEANER_UNIT, PROTO_SUPPLY_TRANSFER_UNIT,
	PROTO_SUPPLY_TONER_CARTRIDGE, PROTO_SUPPLY_STAPLES,
	PROTO_SUPPLY_OTHER, PROTO_SUPPLY_UNKNOWN,
	PROTO_SUPPLY_TYPE_COUNT
};
enum proto_supply_unit {
	PROTO_UNIT_PERCENT, PROTO_UNIT_IMPRESSIONS, PROTO_UNIT_SHEETS,
	PROTO_UNIT_ITEMS, PROTO_UNIT_OTHER, PROTO_UNIT_UNKNOWN,
	PROTO_UNIT_COUNT
};
/* Same order and values as enum printeng_supply_state. */
enum proto_supply_state {
	PROTO_STATE_OK, PROTO_STATE_LOW, PROTO_STATE_EMPTY, PROTO_STATE_MISSING,
	PROTO_STATE_COUNT
};
enum proto_supplies_trigger {
	PROTO_TRIGGER_INTERVAL,	/* the interval the server set elapsed */
	PROTO_TRIGGER_EVENT,	/* a supply turned low/empty/missing */
	PROTO_TRIGGER_ENABLED,	/* first report after the server enabled it */
	PROTO_TRIGGER_COUNT
};

/* Wire names; NULL if out of range.  _from_name return the value or -1. */
const char *proto_proxy_mode_name(enum proto_proxy_mode m);
int proto_proxy_mode_from_name(const char *s);
const char *proto_supply_type_name(enum proto_supply_type t);
int proto_supply_type_from_name(const char *s);
const char *proto_supply_unit_name(enum proto_supply_unit u);
int proto_supply_unit_from_name(const char *s);
const char *proto_supply_state_name(enum proto_supply_state s);
int proto_supply_state_from_name(const char *s);
const char *proto_trigger_name(enum proto_supplies_trigger t);
int proto_trigger_from_name(const char *s);

/* Map RFC 3805 / <linux/printeng.h> numbers; unknown numbers map to OTHER. */
enum proto_supply_type proto_supply_type_from_printeng(uint32_t type);
enum proto_supply_unit proto_supply_unit_from_printeng(uint32_t unit);

/* RFC 3805 special values of level and max_capacity. */
#define PROTO_LEVEL_OTHER		(-1)
#define PROTO_LEVEL_UNKNOWN		(-2)
#define PROTO_LEVEL_SOME_REMAINING	(-3)

/* ---- POST /v1/poll ---- */

struct proto_identity {
	char device_id[PROTO_DEVICE_ID_MAX + 1];
	char model[PROTO_MODEL_MAX + 1];
	char engine_fw[PROTO_FW_MAX + 1];
	char controller_fw[PROTO_FW_MAX + 1];
	char agent_version[PROTO_AGENT_VERSION_MAX + 1];
};

struct proto_config {
	bool enabled;
	uint8_t poll_hour;		/* 0..23 ("HH:MM" on the wire) */
	uint8_t poll_minute;		/* 0..59 */
	char timezone[PROTO_TIMEZONE_MAX + 1];	/* IANA name, e.g. "Europe/Berlin" */
	uint32_t spread_minutes;	/* 0..PROTO_SPREAD_MAX */
	enum proto_proxy_mode proxy_mode;
};

struct proto_agent_state {
	bool supplies_enabled;
	uint32_t supplies_interval_s;	/* 0 when disabled, else MIN..MAX */
	uint32_t spool_pending;		/* messages waiting in the spool */
	bool has_last_poll;
	int64_t last_poll;		/* last successful poll, Unix s */
};

/*
 * A brief poll (identity_tag != ""): the device says its identity and
 * configuration are those of the tag, and sends only device.device_id of
 * them (device and config otherwise unset); the server answers 409
 * identity_unknown when what it has on file has another tag.
 */
#define PROTO_TAG_LEN			16	/* hex digits of an identity tag */
#define PROTO_ERR_IDENTITY_UNKNOWN	"identity_unknown"
#define PROTO_HTTP_IDENTITY_UNKNOWN	409

struct proto_poll_req {
	struct proto_identity device;
	struct proto_config config;
	struct proto_agent_state state;
	char identity_tag[PROTO_TAG_LEN + 1];	/* "": a full poll */
};

struct proto_poll_reply {
	int64_t server_time;		/* Unix s, the server's clock */
	/* action "read_meters" */
	bool read_meters;
	char request_id[PROTO_ID_MAX + 1];
	char billing_cycle[PROTO_BILLING_CYCLE_LEN + 1];	/* "YYYY-MM" */
	/* action "supplies" (absent: no change) */
	bool has_supplies;
	bool supplies_enabled;
	uint32_t supplies_interval_s;	/* MIN..MAX when enabled, else 0 */
	/* poll again after this many seconds; 0: absent (daily schedule) */
	uint32_t retry_after_s;		/* 1..PROTO_RETRY_AFTER_MAX */
};

/* ---- POST /v1/meter-reads ---- */

struct proto_meter_read {
	char device_id[PROTO_DEVICE_ID_MAX + 1];
	char read_id[PROTO_ID_MAX + 1];		/* device-made, same across retries */
	char request_id[PROTO_ID_MAX + 1];	/* the server's, from read_meters */
	uint64_t generation;
	int64_t taken_at;			/* Unix s */
	uint32_t meter_mask;			/* bit N: meters[N] present; != 0 */
	uint64_t meters[PROTO_METER_COUNT];
};

/* ---- POST /v1/supplies ---- */

struct proto_supply {
	uint32_t index;				/* 0..PROTO_SUPPLY_INDEX_MAX, unique */
	enum proto_supply_type type;
	char colorant[PROTO_COLORANT_MAX + 1];
	char description[PROTO_DESCRIPTION_MAX + 1];
	int32_t level;				/* >= -3 */
	int32_t max_capacity;			/* >= -3 */
	enum proto_supply_unit unit;
	enum proto_supply_state state;
	uint32_t replaced;
};

struct proto_supplies_report {
	char device_id[PROTO_DEVICE_ID_MAX + 1];
	char report_id[PROTO_ID_MAX + 1];	/* device-made, same across retries */
	enum proto_supplies_trigger trigger;
	uint64_t generation;
	int64_t taken_at;			/* Unix s */
	unsigned int n_supplies;		/* 0..PROTO_SUPPLIES_MAX */
	struct proto_supply supplies[PROTO_SUPPLIES_MAX];
};

/* ---- replies to meter-reads and supplies ---- */

enum proto_ack_status { PROTO_ACK_STORED, PROTO_ACK_DUPLICATE };

struct proto_ack {
	enum proto_ack_status status;
	char id[PROTO_ID_MAX + 1];	/* read_id or report_id, echoed */
};

/* ---- error replies (any 4xx/5xx) ---- */

struct proto_error_reply {
	char error[PROTO_ERROR_CODE_MAX + 1];		/* "unknown_field" */
	char message[PROTO_ERROR_MESSAGE_MAX + 1];
};

/*
 * Encoders: on PROTO_OK *out is a malloc'd NUL-terminated compact JSON
 * text of *out_len bytes (never more than PROTO_BODY_MAX); free() it.
 * err may be NULL.
 */
enum proto_err proto_encode_poll_req(const struct proto_poll_req *m,
				     char **out, size_t *out_len, struct proto_error *err);
enum proto_err proto_encode_poll_reply(const struct proto_poll_reply *m,
				       char **out, size_t *out_len, struct proto_error *err);
enum proto_err proto_encode_meter_read(const struct proto_meter_read *m,
				       char **out, size_t *out_len, struct proto_error *err);
enum proto_err proto_encode_supplies(const struct proto_supplies_report *m,
				     char **out, size_t *out_len, struct proto_error *err);
enum proto_err proto_encode_read_ack(const struct proto_ack *m,
				     char **out, size_t *out_len, struct proto_error *err);
enum proto_err proto_encode_supplies_ack(const struct proto_ack *m,
					 char **out, size_t *out_len, struct proto_error *err);
enum proto_err proto_encode_error(const struct proto_error_reply *m,
				  char **out, size_t *out_len, struct proto_error *err);

/*
 * Decoders: buf need not be NUL-terminated.  *m is zeroed first and is
 * fully valid only on PROTO_OK.  err may be NULL.
 */
enum proto_err proto_decode_poll_req(const void *buf, size_t len,
				     struct proto_poll_req *m, struct proto_error *err);
enum proto_err proto_decode_poll_reply(const void *buf, size_t len,
				       struct proto_poll_reply *m, struct proto_error *err);
enum proto_err proto_decode_meter_read(const void *buf, size_t len,
				       struct proto_meter_read *m, struct proto_error *err);
enum proto_err proto_decode_supplies(const void *buf, size_t len,
				     struct proto_supplies_report *m, struct proto_error *err);
enum proto_err proto_decode_read_ack(const void *buf, size_t len,
				     struct proto_ack *m, struct proto_error *err);
enum proto_err proto_decode_supplies_ack(const void *buf, size_t len,
					 struct proto_ack *m, struct proto_error *err);
enum proto_err proto_decode_error(const void *buf, size_t len,
				  struct proto_error_reply *m, struct proto_error *err);

/* ---- helpers shared by agent and server ---- */

/*
 * The text an identity tag is the hash of (docs/protocol.md, "Brief
 * polls"): device_id, model, engine_fw, controller_fw, agent_version,
 * poll_time "HH:MM", timezone, spread_minutes and proxy_mode, each
 * followed by '\n' (no field may hold one).  Writes at most size bytes
 * with a NUL; returns the text's length, or 0 when size is too small.
 * The tag is the first 8 bytes of the text's SHA-256 in lower-case hex:
 * the caller hashes with its own TLS library and calls proto_hex.
 */
#define PROTO_CANON_MAX		384
size_t proto_identity_canon(const struct proto_identity *id, const struct proto_config *c,
			    char *buf, size_t size);
/* n bytes as 2n lower-case hex digits and a NUL (out: 2n + 1 bytes). */
void proto_hex(const void *bytes, size_t n, char *out);

/* "YYYY-MM-DDTHH:MM:SSZ" <-> Unix seconds (UTC, no time zone involved). */
#define PROTO_TIME_LEN	20
enum proto_err proto_time_format(int64_t t, char buf[PROTO_TIME_LEN + 1]);
enum proto_err proto_time_parse(const char *s, int64_t *t);

/* Validators used by the codecs, exported for config checks. */
bool proto_valid_device_id(const char *s);
bool proto_valid_id(const char *s);		/* read_id, report_id, request_id */
bool proto_valid_billing_cycle(const char *s);	/* "YYYY-MM", 2000..9999 */
bool proto_valid_tag(const char *s);		/* PROTO_TAG_LEN lower-case hex digits */

/*
 * Parse an HTTP Retry-After value (delay-seconds or an HTTP-date, RFC 9110
 * 10.2.3) into seconds from now, capped to PROTO_RETRY_AFTER_MAX.
 * now: current Unix time, for the HTTP-date form.
 */
enum proto_err proto_parse_retry_after(const char *s, int64_t now, uint32_t *seconds);

#endif /* ESOL_PROTO_PROTO_H */
