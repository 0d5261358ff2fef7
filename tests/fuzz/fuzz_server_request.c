// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: the server's request handling, in process.  The
 * input is up to 4 requests separated by a 0xff byte, handled in turn by
 * one ledger.  A request's first byte picks the endpoint (& 3: 0 poll, 1 meter-reads, 2 supplies,
 * 3 an unknown path) and whether a client certificate's CN is checked
 * (& 4: CN "SIM0001"); the rest is the request body.  It goes first to
 * the endpoint's decoder (proto_decode_poll_req / _meter_read /
 * _supplies), then to handlers_handle() over a SQLite ledger in memory
 * (pool_open(":memory:"), fresh for each input), at a fixed server time.
 * Properties: no crash, leak or undefined behaviour; a body that decodes
 * encodes (the device's encoder) to one that decodes to the same struct;
 * the reply is 200 with the endpoint's reply body, or 4xx/503 with an
 * error body (never 500: the ledger in memory does not fail); the same
 * request again gives the same answer, as "duplicate" for a stored read
 * or report (never counted twice) and the same read request for a poll.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "server/handlers.h"
#include "server/pool.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 2026-11-01T00:00:00Z */
#define NOW 1793491200

static void roundtrip(enum endpoint ep, const uint8_t *b, size_t n)
{
	static union {
		struct proto_poll_req p;
		struct proto_meter_read m;
		struct proto_supplies_report s;
	} u, v;
	struct proto_error err;
	enum proto_err e;
	char *out = NULL;
	size_t len;

	switch (ep) {
	case EP_POLL:
		if (proto_decode_poll_req(b, n, &u.p, &err) != PROTO_OK)
			return;
		if (proto_encode_poll_req(&u.p, &out, &len, &err) != PROTO_OK)
			abort();
		e = proto_decode_poll_req(out, len, &v.p, &err);
		if (e != PROTO_OK || memcmp(&u.p, &v.p, sizeof(u.p)))
			abort();
		break;
	case EP_METER_READS:
		if (proto_decode_meter_read(b, n, &u.m, &err) != PROTO_OK)
			return;
		if (proto_encode_meter_read(&u.m, &out, &len, &err) != PROTO_OK)
			abort();
		e = proto_decode_meter_read(out, len, &v.m, &err);
		if (e != PROTO_OK || memcmp(&u.m, &v.m, sizeof(u.m)))
			abort();
		break;
	case EP_SUPPLIES:
		if (proto_decode_supplies(b, n, &u.s, &err) != PROTO_OK)
			return;
		if (proto_encode_supplies(&u.s, &out, &len, &err) != PROTO_OK)
			abort();
		e = proto_decode_supplies(out, len, &v.s, &err);
		if (e != PROTO_OK || memcmp(&u.s, &v.s, sizeof(u.s)))
			abort();
		break;
	default:
		return;
	}
	free(out);
}

/* The reply's body is what its status promises; returns the ack status
 * (or -1 when not an ack). */
static int check_reply(enum endpoint ep, const struct hreply *r, struct proto_poll_reply *poll)
{
	struct proto_error_reply er;
	struct proto_ack a;

	if (!r->body || !memchr(r->note, '\0', sizeof(r->note)))
		abort();
	if (r->status != 200) {
		if (r->status < 400 || r->status > 599 || r->status == 500)
			abort();
		if (proto_decode_error(r->body, r->len, &er, NULL) != PROTO_OK)
			abort();
		return -1;
	}
	switch (ep) {
	case EP_POLL:
		if (proto_decode_poll_reply(r->body, r->len, poll, NULL) != PROTO_OK ||
		    poll->server_time != NOW)
			abort();
		return -1;
	case EP_METER_READS:
		if (proto_decode_read_ack(r->body, r->len, &a, NULL) != PROTO_OK)
			abort();
		return (int)a.status;
	case EP_SUPPLIES:
		if (proto_decode_supplies_ack(r->body, r->len, &a, NULL) != PROTO_OK)
			abort();
		return (int)a.status;
	default:
		abort();
	}
}

/* One request, and the same again. */
static void one(struct handlers *h, const uint8_t *data, size_t size)
{
	static const enum endpoint eps[] = { EP_POLL, EP_METER_READS, EP_SUPPLIES, EP_UNKNOWN };
	struct hreply r1, r2;
	struct proto_poll_reply p1, p2;
	const char *cn;
	enum endpoint ep;
	int a1, a2;

	if (size < 1)
		return;
	ep = eps[data[0] & 3];
	cn = data[0] & 4 ? "SIM0001" : NULL;
	data++;
	size--;

	roundtrip(ep, data, size);

	handlers_handle(h, ep, data, size, cn, &r1);
	a1 = check_reply(ep, &r1, &p1);
	handlers_handle(h, ep, data, size, cn, &r2);
	a2 = check_reply(ep, &r2, &p2);
	if (r1.status != r2.status)
		abort();
	if (a1 >= 0 && a2 != PROTO_ACK_DUPLICATE)
		abort();	/* a read or report stored twice */
	if (ep == EP_POLL && r1.status == 200 &&
	    (p1.read_meters != p2.read_meters || strcmp(p1.request_id, p2.request_id) ||
	     strcmp(p1.billing_cycle, p2.billing_cycle)))
		abort();	/* the same poll, another answer */
	hreply_free(&r1);
	hreply_free(&r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ledger_defaults def = { 1, true, 86400 };
	static bool once;
	struct ledger_pool *pool;
	struct handlers h;
	char err[256];
	unsigned int n = 0;

	if (!once) {
		log_init("fuzz_server_request", LOG_SINK_STDERR, LOG_CRIT);
		once = true;
	}
	if (pool_open(":memory:", 1, &pool, err, sizeof(err)) != 0)
		abort();
	handlers_init(&h, pool, &def, NOW, NULL);
	/* up to 4 requests, separated by a 0xff byte (never in valid UTF-8) */
	while (n++ < 4) {
		const uint8_t *sep = memchr(data, 0xff, size);
		size_t len = sep ? (size_t)(sep - data) : size;

		one(&h, data, len);
		if (!sep)
			break;
		data += len + 1;
		size -= len + 1;
	}
	handlers_destroy(&h);
	pool_close(pool);
	return 0;
}
