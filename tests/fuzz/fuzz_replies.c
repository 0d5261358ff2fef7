// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: what a server (or anything answering in its place:
 * a captive portal, a proxy) sends back to esold.  The same bytes go to
 * every decoder of a reply body (proto_decode_poll_reply, _read_ack,
 * _supplies_ack, _error) and, as a Retry-After header value, to both of
 * its parsers (net_parse_retry_after, which the transport uses, and
 * proto_parse_retry_after); a poll reply that decodes then goes where
 * esold sends it (exchange.c's poll_done, without the network): the
 * supplies action to the assistant (supplies_apply_server), a read
 * request to meter_build_read over a snapshot.
 * Properties: no crash, no leak, no undefined behaviour; a refusal names
 * a known error and its message is terminated; a body that decodes
 * encodes (the server's encoder) to a body that decodes to the same
 * struct; the assistant ends off or on with a protocol interval; a read
 * request gives a meter read that encodes, for that request, under an id
 * the spool takes; a Retry-After delay is within its cap.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/meter.h"
#include "agent/supplies.h"
#include "core/spool.h"
#include "net/netres.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed "now" for the HTTP-date form: 2026-11-01T00:00:00Z. */
#define NOW 1793491200

static void check_err(enum proto_err e, const struct proto_error *err)
{
	if (e == PROTO_OK)
		return;
	if (e >= __PROTO_E_COUNT || err->code != e || !proto_err_name(e) ||
	    !memchr(err->field, '\0', sizeof(err->field)) ||
	    !memchr(err->message, '\0', sizeof(err->message)))
		abort();
}

/* What esold does next with a poll reply (exchange.c's poll_done): the
 * supplies action to its assistant, and a read request to a meter read
 * built from a snapshot, encoded and spooled under its read_id. */
static void agent_side(const struct proto_poll_reply *m)
{
	struct printeng_snap snap;
	struct supplies_asst sup;
	struct proto_meter_read rd;
	struct proto_error err;
	char msg[256], *out;
	size_t len;

	supplies_init(&sup, false, 0, 0);
	if (m->has_supplies)
		supplies_apply_server(&sup, m->supplies_enabled, m->supplies_interval_s);
	if (sup.enabled ? sup.interval_s < PROTO_SUPPLIES_INTERVAL_MIN ||
			  sup.interval_s > PROTO_SUPPLIES_INTERVAL_MAX : sup.interval_s != 0)
		abort();
	if (!m->read_meters)
		return;
	memset(&snap, 0, sizeof(snap));
	snap.generation = 9187;
	snap.real_ns = (uint64_t)NOW * 1000000000u + 5;
	strcpy(snap.serial, "SIM0001");
	strcpy(snap.model, "esol Sim 3000");
	strcpy(snap.engine_fw, "E1.2.3");
	strcpy(snap.controller_fw, "C4.5.6");
	snap.meter_mask = 1u << PRINTENG_METER_IMPRESSIONS_TOTAL;
	snap.meters[PRINTENG_METER_IMPRESSIONS_TOTAL] = 123456;
	if (meter_build_read(&snap, m, &rd, msg, sizeof(msg)) != 0) {
		fprintf(stderr, "meter read refused: %s\n", msg);
		abort();
	}
	if (proto_encode_meter_read(&rd, &out, &len, &err) != PROTO_OK) {
		fprintf(stderr, "meter read not encoded: %s\n", err.message);
		abort();
	}
	free(out);
	if (!spool_id_valid(rd.read_id) || strcmp(rd.request_id, m->request_id))
		abort();
}

static void poll_reply(const uint8_t *data, size_t size)
{
	struct proto_poll_reply m, again;
	struct proto_error err;
	enum proto_err e = proto_decode_poll_reply(data, size, &m, &err);
	char *out;
	size_t len;

	check_err(e, &err);
	if (e != PROTO_OK)
		return;
	if (proto_encode_poll_reply(&m, &out, &len, &err) != PROTO_OK)
		abort();
	if (proto_decode_poll_reply(out, len, &again, &err) != PROTO_OK ||
	    memcmp(&m, &again, sizeof(m)) != 0)
		abort();
	free(out);
	agent_side(&m);
}

static void ack(const uint8_t *data, size_t size, bool supplies)
{
	struct proto_ack m, again;
	struct proto_error err;
	enum proto_err e;
	char *out;
	size_t len;

	e = supplies ? proto_decode_supplies_ack(data, size, &m, &err)
		     : proto_decode_read_ack(data, size, &m, &err);
	check_err(e, &err);
	if (e != PROTO_OK)
		return;
	e = supplies ? proto_encode_supplies_ack(&m, &out, &len, &err)
		     : proto_encode_read_ack(&m, &out, &len, &err);
	if (e != PROTO_OK)
		abort();
	e = supplies ? proto_decode_supplies_ack(out, len, &again, &err)
		     : proto_decode_read_ack(out, len, &again, &err);
	if (e != PROTO_OK || memcmp(&m, &again, sizeof(m)) != 0)
		abort();
	free(out);
}

static void error_reply(const uint8_t *data, size_t size)
{
	struct proto_error_reply m, again;
	struct proto_error err;
	enum proto_err e = proto_decode_error(data, size, &m, &err);
	char *out;
	size_t len;

	check_err(e, &err);
	if (e != PROTO_OK)
		return;
	if (proto_encode_error(&m, &out, &len, &err) != PROTO_OK)
		abort();
	if (proto_decode_error(out, len, &again, &err) != PROTO_OK ||
	    memcmp(&m, &again, sizeof(m)) != 0)
		abort();
	free(out);
}

static void retry_after(const uint8_t *data, size_t size)
{
	char *v;
	long s;
	uint32_t secs;

	if (size > 256)
		return;	/* libcurl keeps header lines far shorter than bodies */
	v = malloc(size + 1);
	if (!v)
		abort();
	memcpy(v, data, size);
	v[size] = '\0';
	s = net_parse_retry_after(v, NOW);
	if (s < -1 || s > 7 * 86400)
		abort();
	if (proto_parse_retry_after(v, NOW, &secs) == PROTO_OK && secs > PROTO_RETRY_AFTER_MAX)
		abort();
	free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	poll_reply(data, size);
	ack(data, size, false);
	ack(data, size, true);
	error_reply(data, size);
	retry_after(data, size);
	return 0;
}
