// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_server_http: esol-server driven for real over HTTPS on loopback.
 * Each test starts the server in-process on an ephemeral port with a
 * throw-away PKI (scripts/mkpki.sh) and talks to it with libcurl:
 * routing and limits, the exchange (poll, read stored once, supplies),
 * fault injection, client-certificate authentication, capture, and the
 * ledger listings.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <jansson.h>

#include "common/log.h"
#include "proto/proto.h"
#include "server/cli.h"
#include "server/idtag.h"
#include "server/server.h"

static char pki[256];		/* made once in main() */
static char tmpdir[256];
static char dbpath[300], capdir[300], faultfile[300], nowfile[300];
static struct server *srv;
static uint16_t port;

struct opts {
	const char *client_ca;
	const char *fault;
	bool capture;
	int64_t now;
	bool now_file;
};

static void start(const struct opts *o)
{
	struct server_opts so;
	char err[512];

	memset(&so, 0, sizeof(so));
	so.listen = "127.0.0.1:0";
	so.listen_fd = -1;
	static char cert[300], key[300], ca[300];
	snprintf(cert, sizeof(cert), "%s/server.crt", pki);
	snprintf(key, sizeof(key), "%s/server.key", pki);
	snprintf(ca, sizeof(ca), "%s/%s", pki, o->client_ca ? o->client_ca : "");
	so.cert = cert;
	so.key = key;
	so.client_ca = o->client_ca ? ca : NULL;
	so.db = dbpath;
	so.defaults.cycle_day = 1;
	so.defaults.supplies_enabled = true;
	so.defaults.supplies_interval_s = 86400;
	so.fault.count = -1;
	if (o->fault)
		ck_assert_int_eq(fault_parse(o->fault, &so.fault, err, sizeof(err)), 0);
	so.fault_file = faultfile;
	so.capture_dir = o->capture ? capdir : NULL;
	so.fixed_now = o->now ? o->now : INT64_C(1793497632);	/* 2026-11-01T01:47:12Z */
	so.now_file = o->now_file ? nowfile : NULL;
	ck_assert_msg(server_start(&so, &srv, err, sizeof(err)) == 0, "%s", err);
	port = server_port(srv);
	ck_assert_uint_gt(port, 0);
}

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/esol-test-http-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof(dbpath), "%s/ledger.db", tmpdir);
	snprintf(capdir, sizeof(capdir), "%s/capture", tmpdir);
	snprintf(faultfile, sizeof(faultfile), "%s/fault", tmpdir);
	snprintf(nowfile, sizeof(nowfile), "%s/now", tmpdir);
	srv = NULL;
}

static void teardown(void)
{
	char cmd[400];

	server_stop(srv);
	srv = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- a small libcurl client ---- */

struct resp {
	CURLcode rc;
	int tls_resumed;		/* -1 unknown, 0 full handshake, 1 resumed */
	int tickets;			/* TLS 1.3 NewSessionTicket messages received */
	long status;
	char body[PROTO_BODY_MAX + 1];
	size_t len;
	char retry_after[32];
	char allow[32];
	char content_type[64];
};

struct req {
	const char *method;		/* default POST */
	const char *path;
	const void *body;
	size_t len;
	const char *content_type;	/* default application/json; "" for none */
	const char *cert;		/* client cert basename in pki, or NULL */
	long timeout_ms;		/* default 10 s */
	bool chunked;
	const char *host;		/* default localhost */
	CURLSH *share;			/* share TLS sessions across requests */
};

static __thread CURL *tl_easy;	/* the transfer in progress on this thread */

static void note_resumed(struct resp *r)
{
	struct curl_tlssessioninfo *info = NULL;

	if (r->tls_resumed >= 0 || !tl_easy)
		return;
	if (curl_easy_getinfo(tl_easy, CURLINFO_TLS_SSL_PTR, &info) == CURLE_OK && info &&
	    info->backend == CURLSSLBACKEND_OPENSSL && info->internals)
		r->tls_resumed = SSL_session_reused((SSL *)info->internals) ? 1 : 0;
}

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct resp *r = arg;
	size_t len = sz * n;

	note_resumed(r);
	if (r->len + len > PROTO_BODY_MAX)
		return 0;
	memcpy(r->body + r->len, p, len);
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

static void header_value(const char *line, size_t len, const char *name, char *dst, size_t n)
{
	size_t nl = strlen(name);

	if (len > nl + 1 && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
		const char *v = line + nl + 1;
		size_t vl = len - nl - 1;

		while (vl && (*v == ' '))
			v++, vl--;
		while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n'))
			vl--;
		snprintf(dst, n, "%.*s", (int)vl, v);
	}
}

static size_t on_header(char *p, size_t sz, size_t n, void *arg)
{
	struct resp *r = arg;

	header_value(p, sz * n, "Retry-After", r->retry_after, sizeof(r->retry_after));
	header_value(p, sz * n, "Allow", r->allow, sizeof(r->allow));
	header_value(p, sz * n, "Content-Type", r->content_type, sizeof(r->content_type));
	return sz * n;
}

struct chunk_src {
	const char *p;
	size_t left;
};

static size_t on_read(char *buf, size_t sz, size_t n, void *arg)
{
	struct chunk_src *s = arg;
	size_t len = sz * n < s->left ? sz * n : s->left;

	if (len > 1000)
		len = 1000;
	memcpy(buf, s->p, len);
	s->p += len;
	s->left -= len;
	return len;
}

/* Count the session tickets a connection receives (OpenSSL's message callback). */
static void count_tickets(int write_p, int version, int content_type, const void *buf,
			  size_t len, SSL *ssl, void *arg)
{
	(void)version;
	(void)ssl;
	if (!write_p && content_type == SSL3_RT_HANDSHAKE && len > 0 &&
	    ((const unsigned char *)buf)[0] == SSL3_MT_NEWSESSION_TICKET)
		(*(int *)arg)++;
}

static CURLcode tickets_ctx(CURL *c, void *sslctx, void *arg)
{
	(void)c;
	SSL_CTX_set_msg_callback(sslctx, count_tickets);
	SSL_CTX_set_msg_callback_arg(sslctx, arg);
	return CURLE_OK;
}

static void do_req(const struct req *q, struct resp *r)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char url[256], ct[128], file[300], key[300], ca[300];
	struct chunk_src src = { q->body, q->len };

	memset(r, 0, sizeof(*r));
	r->tls_resumed = -1;
	ck_assert_ptr_nonnull(c);
	tl_easy = c;
	curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, tickets_ctx);
	curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, &r->tickets);
	if (q->share) {
		curl_easy_setopt(c, CURLOPT_SHARE, q->share);
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	}
	snprintf(url, sizeof(url), "https://%s:%u%s", q->host ? q->host : "localhost", port, q->path);
	snprintf(ca, sizeof(ca), "%s/ca.crt", pki);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, q->timeout_ms ? q->timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	if (q->cert) {
		snprintf(file, sizeof(file), "%s/%s.crt", pki, q->cert);
		snprintf(key, sizeof(key), "%s/%s.key", pki, q->cert);
		curl_easy_setopt(c, CURLOPT_SSLCERT, file);
		curl_easy_setopt(c, CURLOPT_SSLKEY, key);
	}
	if (!q->content_type || q->content_type[0]) {
		snprintf(ct, sizeof(ct), "Content-Type: %s",
			 q->content_type ? q->content_type : "application/json");
		h = curl_slist_append(h, ct);
	} else {
		h = curl_slist_append(h, "Content-Type:");
	}
	h = curl_slist_append(h, "Expect:");
	if (q->method && strcmp(q->method, "POST") != 0) {
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
	} else if (q->chunked) {
		h = curl_slist_append(h, "Transfer-Encoding: chunked");
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, &src);
	} else {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body ? q->body : "");
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)q->len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	r->rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(h);
	tl_easy = NULL;
	curl_easy_cleanup(c);
}

static void post(const char *path, const char *body, struct resp *r)
{
	struct req q = { .path = path, .body = body, .len = strlen(body) };

	do_req(&q, r);
	ck_assert_msg(r->rc == CURLE_OK, "POST %s: %s", path, curl_easy_strerror(r->rc));
}

static void post_cert(const char *path, const char *body, const char *cert, struct resp *r)
{
	struct req q = { .path = path, .body = body, .len = strlen(body), .cert = cert };

	do_req(&q, r);
}

/* The reply is a protocol error body with this code. */
static void expect_error(const struct resp *r, long status, const char *code)
{
	struct proto_error_reply e;
	struct proto_error perr;

	ck_assert_msg(r->status == status, "status %ld, want %ld: %s", r->status, status, r->body);
	ck_assert_msg(proto_decode_error(r->body, r->len, &e, &perr) == PROTO_OK, "%s: %s",
		      r->body, perr.message);
	ck_assert_str_eq(e.error, code);
	ck_assert_str_eq(r->content_type, "application/json");
}

static char *poll_body(const char *dev)
{
	struct proto_poll_req p;
	char *out;
	size_t n;

	memset(&p, 0, sizeof(p));
	snprintf(p.device.device_id, sizeof(p.device.device_id), "%s", dev);
	strcpy(p.device.model, "Sim 3000");
	strcpy(p.device.agent_version, "0.1");
	p.config.enabled = true;
	strcpy(p.config.timezone, "UTC");
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, NULL), PROTO_OK);
	return out;
}

static char *read_body(const char *dev, const char *read_id, const char *request_id,
		       uint64_t total)
{
	struct proto_meter_read r;
	char *out;
	size_t n;

	memset(&r, 0, sizeof(r));
	snprintf(r.device_id, sizeof(r.device_id), "%s", dev);
	snprintf(r.read_id, sizeof(r.read_id), "%s", read_id);
	snprintf(r.request_id, sizeof(r.request_id), "%s", request_id);
	r.generation = 42;
	r.taken_at = INT64_C(1793497632);
	r.meter_mask = 1u << PROTO_METER_IMPRESSIONS_TOTAL;
	r.meters[PROTO_METER_IMPRESSIONS_TOTAL] = total;
	ck_assert_int_eq(proto_encode_meter_read(&r, &out, &n, NULL), PROTO_OK);
	return out;
}

static char *supplies_body(const char *dev, const char *report_id, int level)
{
	static struct proto_supplies_report rp;
	char *out;
	size_t n;

	memset(&rp, 0, sizeof(rp));
	snprintf(rp.device_id, sizeof(rp.device_id), "%s", dev);
	snprintf(rp.report_id, sizeof(rp.report_id), "%s", report_id);
	rp.trigger = PROTO_TRIGGER_INTERVAL;
	rp.taken_at = INT64_C(1793497632);
	rp.n_supplies = 1;
	rp.supplies[0] = (struct proto_supply){ .index = 1, .type = PROTO_SUPPLY_TONER,
		.colorant = "black", .level = level, .max_capacity = 100,
		.unit = PROTO_UNIT_PERCENT, .state = PROTO_STATE_OK };
	ck_assert_int_eq(proto_encode_supplies(&rp, &out, &n, NULL), PROTO_OK);
	return out;
}

static void do_poll(const char *dev, struct proto_poll_reply *rep)
{
	struct resp *r = malloc(sizeof(*r));
	char *b = poll_body(dev);
	struct proto_error perr;

	post(PROTO_PATH_POLL, b, r);
	ck_assert_msg(r->status == 200, "%ld %s", r->status, r->body);
	ck_assert_msg(proto_decode_poll_reply(r->body, r->len, rep, &perr) == PROTO_OK, "%s",
		      perr.message);
	free(b);
	free(r);
}

static int count_reads_cb(const struct ledger_read_row *row, void *arg)
{
	(void)row;
	(*(int *)arg)++;
	return 0;
}

static int count_devices_cb(const struct ledger_device *d, void *arg)
{
	(void)d;
	++*(int *)arg;
	return 0;
}

/* Reads (or devices) in the ledger, looked at through a second connection. */
static int ledger_count(bool devices)
{
	struct ledger *l;
	char err[256];
	int n = 0;

	ck_assert_msg(ledger_open(dbpath, &l, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(devices ? ledger_each_device(l, count_devices_cb, &n)
				 : ledger_each_read(l, NULL, count_reads_cb, &n), 0);
	ledger_close(l);
	return n;
}

static int ledger_reads(void)
{
	return ledger_count(false);
}

static int ledger_devices(void)
{
	return ledger_count(true);
}

static struct resp R;	/* one reply at a time; big, so not on the stack */

/* ---- routing and limits ---- */

START_TEST(http_routing)
{
	struct req q = { .path = "/v1/poll" };
	char *b = poll_body("SIM0001");

	start(&(struct opts){ 0 });
	q.method = "GET";
	do_req(&q, &R);
	expect_error(&R, 405, "method_not_allowed");
	ck_assert_str_eq(R.allow, "POST");
	q.method = "PUT";
	q.body = b;
	q.len = strlen(b);
	do_req(&q, &R);
	expect_error(&R, 405, "method_not_allowed");
	q.method = NULL;
	q.path = "/v1/polls";
	do_req(&q, &R);
	expect_error(&R, 404, "not_found");
	q.path = "/v1/poll";
	q.content_type = "text/plain";
	do_req(&q, &R);
	expect_error(&R, 415, "unsupported_media_type");
	q.content_type = "application/jsonx";
	do_req(&q, &R);
	expect_error(&R, 415, "unsupported_media_type");
	q.content_type = "";
	do_req(&q, &R);
	expect_error(&R, 415, "unsupported_media_type");
	q.content_type = "application/json; charset=utf-8";
	do_req(&q, &R);
	ck_assert_int_eq(R.status, 200);
	/* by IP address too (the certificate has it) */
	q.host = "127.0.0.1";
	do_req(&q, &R);
	ck_assert_int_eq(R.status, 200);
	free(b);
}
END_TEST

START_TEST(http_bad_bodies)
{
	start(&(struct opts){ 0 });
	post(PROTO_PATH_POLL, "{\"hostname\":\"printer.local\"}", &R);
	expect_error(&R, 400, "unknown_field");
	post(PROTO_PATH_POLL, "{", &R);
	expect_error(&R, 400, "syntax");
	post(PROTO_PATH_POLL, "", &R);
	expect_error(&R, 400, "syntax");
	post(PROTO_PATH_METER_READS, "{\"device_id\":\"D\",\"device_id\":\"D\"}", &R);
	expect_error(&R, 400, "syntax");

	char *b = read_body("SIM0001", "r1", "q1", 5);
	char *p = strstr(b, "\"meters\":{");

	ck_assert_ptr_nonnull(p);
	/* an extra meter nobody defined */
	char *bad = malloc(strlen(b) + 64);
	sprintf(bad, "%.*s\"meters\":{\"secret\":\"1\",%s", (int)(p - b), b, p + 10);
	post(PROTO_PATH_METER_READS, bad, &R);
	expect_error(&R, 400, "unknown_field");
	ck_assert_ptr_nonnull(strstr(R.body, "meters.secret"));
	free(bad);
	free(b);
	ck_assert_int_eq(ledger_reads(), 0);
}
END_TEST

START_TEST(http_too_large)
{
	size_t n = PROTO_BODY_MAX + 1;
	char *big = malloc(n);
	struct req q = { .path = PROTO_PATH_POLL, .body = big, .len = n };

	start(&(struct opts){ .capture = true });
	memset(big, ' ', n);
	big[0] = '{';
	big[n - 1] = '}';
	do_req(&q, &R);
	ck_assert_int_eq(R.rc, CURLE_OK);
	expect_error(&R, 413, "too_large");
	/* without a Content-Length (chunked), the server counts */
	q.chunked = true;
	do_req(&q, &R);
	ck_assert_int_eq(R.rc, CURLE_OK);
	expect_error(&R, 413, "too_large");
	/* exactly the limit is read, and judged on content */
	q.chunked = false;
	q.len = PROTO_BODY_MAX;
	big[q.len - 1] = '}';
	do_req(&q, &R);
	expect_error(&R, 400, "missing");
	q.chunked = true;
	do_req(&q, &R);
	expect_error(&R, 400, "missing");
	free(big);
}
END_TEST

/* ---- the exchange ---- */

START_TEST(http_exchange)
{
	struct proto_poll_reply rep, rep2;
	struct proto_ack ack;
	struct proto_error perr;
	char *b;

	start(&(struct opts){ 0 });
	do_poll("SIM0001", &rep);
	ck_assert(rep.read_meters);
	ck_assert_str_eq(rep.billing_cycle, "2026-11");
	ck_assert(rep.has_supplies && rep.supplies_enabled);
	ck_assert_int_eq(rep.server_time, INT64_C(1793497632));
	do_poll("SIM0001", &rep2);
	ck_assert_str_eq(rep2.request_id, rep.request_id);

	b = read_body("SIM0001", "SIM0001-r-1", rep.request_id, 123456);
	post(PROTO_PATH_METER_READS, b, &R);
	ck_assert_int_eq(R.status, 200);
	ck_assert_int_eq(proto_decode_read_ack(R.body, R.len, &ack, &perr), PROTO_OK);
	ck_assert_int_eq(ack.status, PROTO_ACK_STORED);
	ck_assert_str_eq(ack.id, "SIM0001-r-1");
	/* the retry of the same read: duplicate, stored once */
	post(PROTO_PATH_METER_READS, b, &R);
	ck_assert_int_eq(R.status, 200);
	ck_assert_int_eq(proto_decode_read_ack(R.body, R.len, &ack, &perr), PROTO_OK);
	ck_assert_int_eq(ack.status, PROTO_ACK_DUPLICATE);
	free(b);
	/* the same read_id with other numbers: conflict */
	b = read_body("SIM0001", "SIM0001-r-1", rep.request_id, 999);
	post(PROTO_PATH_METER_READS, b, &R);
	expect_error(&R, 409, "conflict");
	free(b);
	ck_assert_int_eq(ledger_reads(), 1);

	/* the cycle is done: no more read_meters */
	do_poll("SIM0001", &rep2);
	ck_assert(!rep2.read_meters);

	b = supplies_body("SIM0001", "SIM0001-s-1", 40);
	post(PROTO_PATH_SUPPLIES, b, &R);
	ck_assert_int_eq(R.status, 200);
	ck_assert_int_eq(proto_decode_supplies_ack(R.body, R.len, &ack, &perr), PROTO_OK);
	ck_assert_int_eq(ack.status, PROTO_ACK_STORED);
	post(PROTO_PATH_SUPPLIES, b, &R);
	ck_assert_int_eq(proto_decode_supplies_ack(R.body, R.len, &ack, &perr), PROTO_OK);
	ck_assert_int_eq(ack.status, PROTO_ACK_DUPLICATE);
	free(b);
}
END_TEST

/* Brief polls over HTTP: 409 identity_unknown until the full poll, then answered. */
START_TEST(http_brief_poll)
{
	static const char brief[] = "{\"device\":{\"device_id\":\"SIM0001\"},"
		"\"identity_tag\":\"%s\",\"state\":{}}";
	struct proto_poll_req p;
	struct proto_poll_reply rep, rep2;
	char tag[PROTO_TAG_LEN + 1], b[256];
	char *full = poll_body("SIM0001");

	ck_assert_int_eq(proto_decode_poll_req(full, strlen(full), &p, NULL), PROTO_OK);
	ck_assert_int_eq(idtag_of(&p.device, &p.config, tag), 0);
	snprintf(b, sizeof(b), brief, tag);
	start(&(struct opts){ 0 });
	post(PROTO_PATH_POLL, b, &R);
	expect_error(&R, 409, "identity_unknown");
	ck_assert_int_eq(ledger_devices(), 0);
	do_poll("SIM0001", &rep);
	post(PROTO_PATH_POLL, b, &R);
	ck_assert_msg(R.status == 200, "%ld %s", R.status, R.body);
	ck_assert_int_eq(proto_decode_poll_reply(R.body, R.len, &rep2, NULL), PROTO_OK);
	ck_assert(rep2.read_meters);
	ck_assert_str_eq(rep2.request_id, rep.request_id);
	snprintf(b, sizeof(b), brief, "0123456789abcdef");
	post(PROTO_PATH_POLL, b, &R);
	expect_error(&R, 409, "identity_unknown");
	free(full);
}
END_TEST

/* Many clients at once, each sending every read: each stored exactly once. */
struct client_arg {
	int bad;
};

static void *client_thread(void *arg)
{
	struct client_arg *a = arg;
	struct resp *r = malloc(sizeof(*r));

	for (int k = 0; k < 10; k++) {
		char id[32];
		char *b;

		snprintf(id, sizeof(id), "rd-%d", k);
		b = read_body("SIM0001", id, "rq", 100 + (uint64_t)k);
		struct req q = { .path = PROTO_PATH_METER_READS, .body = b, .len = strlen(b) };

		do_req(&q, r);
		a->bad += r->rc != CURLE_OK || r->status != 200;
		free(b);
	}
	free(r);
	return NULL;
}

START_TEST(http_parallel_duplicates)
{
	enum { N = 6 };
	pthread_t th[N];
	struct client_arg args[N];

	start(&(struct opts){ 0 });
	for (int i = 0; i < N; i++) {
		args[i].bad = 0;
		ck_assert_int_eq(pthread_create(&th[i], NULL, client_thread, &args[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(args[i].bad, 0);
	}
	ck_assert_int_eq(ledger_reads(), 10);
}
END_TEST

/* ---- faults ---- */

START_TEST(fault_500_503_429)
{
	char *b = poll_body("SIM0001");

	start(&(struct opts){ .fault = "503:120*1" });
	post(PROTO_PATH_POLL, b, &R);
	expect_error(&R, 503, "busy");
	ck_assert_str_eq(R.retry_after, "120");
	post(PROTO_PATH_POLL, b, &R);
	ck_assert_int_eq(R.status, 200);

	FILE *f = fopen(faultfile, "w");
	fputs("429:7@/v1/poll\n", f);
	fclose(f);
	post(PROTO_PATH_POLL, b, &R);
	expect_error(&R, 429, "busy");
	ck_assert_str_eq(R.retry_after, "7");
	f = fopen(faultfile, "w");
	fputs("500*2", f);
	fclose(f);
	post(PROTO_PATH_POLL, b, &R);
	expect_error(&R, 500, "internal");
	ck_assert_str_eq(R.retry_after, "");
	post(PROTO_PATH_SUPPLIES, b, &R);
	expect_error(&R, 500, "internal");
	post(PROTO_PATH_POLL, b, &R);
	ck_assert_int_eq(R.status, 200);
	free(b);
}
END_TEST

START_TEST(fault_garbage)
{
	char *b = poll_body("SIM0001");
	struct proto_poll_reply rep;

	start(&(struct opts){ .fault = "garbage" });
	post(PROTO_PATH_POLL, b, &R);
	ck_assert_int_eq(R.status, 200);
	ck_assert_int_ne(proto_decode_poll_reply(R.body, R.len, &rep, NULL), PROTO_OK);
	free(b);
}
END_TEST

START_TEST(fault_drop_and_lost_reply)
{
	char *b = read_body("SIM0001", "rd-lost", "rq", 1);
	struct req q = { .path = PROTO_PATH_METER_READS, .body = b, .len = strlen(b) };
	struct proto_ack ack;

	start(&(struct opts){ .fault = "drop*1" });
	do_req(&q, &R);
	ck_assert_int_ne(R.rc, CURLE_OK);
	ck_assert_int_eq(ledger_reads(), 0);	/* dropped before processing */

	FILE *f = fopen(faultfile, "w");
	fputs("lost-reply@/v1/meter-reads*1", f);
	fclose(f);
	do_req(&q, &R);
	ck_assert_int_ne(R.rc, CURLE_OK);
	ck_assert_int_eq(ledger_reads(), 1);	/* stored, but the device never heard */
	/* the device's retry is recognised */
	post(PROTO_PATH_METER_READS, b, &R);
	ck_assert_int_eq(R.status, 200);
	ck_assert_int_eq(proto_decode_read_ack(R.body, R.len, &ack, NULL), PROTO_OK);
	ck_assert_int_eq(ack.status, PROTO_ACK_DUPLICATE);
	ck_assert_int_eq(ledger_reads(), 1);
	free(b);
}
END_TEST

START_TEST(fault_slow_and_stall)
{
	char *b = poll_body("SIM0001");
	struct req q = { .path = PROTO_PATH_POLL, .body = b, .len = strlen(b) };

	start(&(struct opts){ .fault = "slow:300*1" });
	do_req(&q, &R);
	ck_assert_int_eq(R.rc, CURLE_OK);
	ck_assert_int_eq(R.status, 200);

	FILE *f = fopen(faultfile, "w");
	fputs("stall", f);
	fclose(f);
	q.timeout_ms = 800;
	do_req(&q, &R);
	ck_assert_int_eq(R.rc, CURLE_OPERATION_TIMEDOUT);
	/* stopping the server (teardown) does not wait for the stall to end */
	free(b);
}
END_TEST

/* ---- client certificates ---- */

START_TEST(client_cert_auth)
{
	char *b1 = poll_body("SIM0001"), *b2 = poll_body("SIM0002");

	start(&(struct opts){ .client_ca = "ca.crt" });
	post_cert(PROTO_PATH_POLL, b1, NULL, &R);
	ck_assert_int_eq(R.rc, CURLE_OK);
	expect_error(&R, 401, "unauthorized");
	post_cert(PROTO_PATH_POLL, b1, "device", &R);
	ck_assert_int_eq(R.rc, CURLE_OK);
	ck_assert_int_eq(R.status, 200);
	/* the certificate of SIM0001 cannot speak for SIM0002 */
	post_cert(PROTO_PATH_POLL, b2, "device", &R);
	expect_error(&R, 403, "forbidden");
	post_cert(PROTO_PATH_POLL, b2, "device-other", &R);
	ck_assert_int_eq(R.status, 200);
	/* a certificate from a CA the server does not trust */
	post_cert(PROTO_PATH_POLL, b1, "device-unknownca", &R);
	ck_assert(R.rc != CURLE_OK || R.status == 401);
	if (R.rc == CURLE_OK)
		expect_error(&R, 401, "unauthorized");
	/* a server certificate is not a client certificate */
	post_cert(PROTO_PATH_POLL, b1, "server", &R);
	ck_assert(R.rc != CURLE_OK || R.status == 401);
	char *rd = read_body("SIM0002", "x", "y", 1);
	post_cert(PROTO_PATH_METER_READS, rd, "device", &R);
	expect_error(&R, 403, "forbidden");
	ck_assert_int_eq(ledger_reads(), 0);
	free(rd);
	free(b1);
	free(b2);
}
END_TEST

/* ---- capture ---- */

START_TEST(capture_bodies)
{
	char *b = poll_body("SIM0001");
	char path[400], buf[4096];
	FILE *f;
	size_t n;

	start(&(struct opts){ .capture = true, .fault = "503*1" });
	post(PROTO_PATH_POLL, b, &R);		/* captured even when a fault answers */
	post(PROTO_PATH_POLL, b, &R);
	post(PROTO_PATH_METER_READS, "{\"bad\":1}", &R);
	snprintf(path, sizeof(path), "%s/000002-poll.body", capdir);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	ck_assert_uint_eq(n, strlen(b));
	ck_assert_mem_eq(buf, b, n);
	snprintf(path, sizeof(path), "%s/000001-poll.body", capdir);
	ck_assert_int_eq(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/000003-meter-reads.body", capdir);
	ck_assert_int_eq(access(path, R_OK), 0);
	free(b);
}
END_TEST

/* ---- ledger listings after a real exchange ---- */

START_TEST(cli_listings)
{
	struct proto_poll_reply rep;
	char *b, *out = NULL;
	size_t outlen = 0;
	FILE *f;
	json_t *j;
	json_error_t je;
	struct ledger *l;
	char err[256];

	start(&(struct opts){ 0 });
	do_poll("SIM0001", &rep);
	b = read_body("SIM0001", "rd-1", rep.request_id, UINT64_MAX);
	post(PROTO_PATH_METER_READS, b, &R);
	free(b);
	b = supplies_body("SIM0001", "s-1", -3);
	post(PROTO_PATH_SUPPLIES, b, &R);
	free(b);

	ck_assert_int_eq(ledger_open(dbpath, &l, err, sizeof(err)), 0);
	f = open_memstream(&out, &outlen);
	ck_assert_int_eq(cli_list_reads(l, NULL, f, true), 0);
	fclose(f);
	j = json_loads(out, 0, &je);
	ck_assert_msg(j != NULL, "%s", out);
	ck_assert_int_eq(json_array_size(j), 1);
	json_t *r0 = json_array_get(j, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r0, "read_id")), "rd-1");
	ck_assert_str_eq(json_string_value(json_object_get(r0, "cycle")), "2026-11");
	ck_assert(json_is_true(json_object_get(r0, "request_known")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(r0, "meters"),
							   "impressions_total")),
			 "18446744073709551615");
	json_decref(j);
	free(out);

	f = open_memstream(&out, &outlen);
	ck_assert_int_eq(cli_list_devices(l, f, true), 0);
	fclose(f);
	j = json_loads(out, 0, &je);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "device_id")),
			 "SIM0001");
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(j, 0), "polls")), 1);
	json_decref(j);
	free(out);

	f = open_memstream(&out, &outlen);
	ck_assert_int_eq(cli_list_supplies(l, "SIM0001", f, true), 0);
	fclose(f);
	j = json_loads(out, 0, &je);
	ck_assert_ptr_nonnull(j);
	json_t *s0 = json_array_get(json_object_get(json_array_get(j, 0), "supplies"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(s0, "level")), -3);
	json_decref(j);
	free(out);

	f = open_memstream(&out, &outlen);
	ck_assert_int_eq(cli_list_reads(l, "SIM0001", f, false), 0);
	ck_assert_int_eq(cli_list_supplies(l, "NOBODY", f, false), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(out, "impressions_total=18446744073709551615"));
	ck_assert_ptr_nonnull(strstr(out, "(none)"));
	free(out);
	ledger_close(l);
}
END_TEST

/* ---- TLS ---- */

/* A device's second connection resumes its TLS session (and keeps its identity). */
START_TEST(tls_resumption)
{
	char *b = poll_body("SIM0001");
	struct req q = { .path = PROTO_PATH_POLL, .body = b, .len = strlen(b), .cert = "device" };
	CURLSH *sh = curl_share_init();

	start(&(struct opts){ .client_ca = "ca.crt" });
	curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	q.share = sh;
	do_req(&q, &R);
	ck_assert_int_eq(R.rc, CURLE_OK);
	ck_assert_int_eq(R.status, 200);
	ck_assert_int_eq(R.tls_resumed, 0);
	/* one ticket per connection (GnuTLS's default is two of ~690 bytes) */
	ck_assert_int_eq(R.tickets, 1);
	for (int i = 0; i < 3; i++) {
		do_req(&q, &R);
		ck_assert_int_eq(R.rc, CURLE_OK);
		ck_assert_int_eq(R.status, 200);
		ck_assert_int_eq(R.tls_resumed, 1);
		ck_assert_int_eq(R.tickets, 1);
	}
	/* a resumed session of SIM0001 still cannot speak for SIM0002 */
	char *b2 = poll_body("SIM0002");
	q.body = b2;
	q.len = strlen(b2);
	do_req(&q, &R);
	ck_assert_int_eq(R.tls_resumed, 1);
	expect_error(&R, 403, "forbidden");
	curl_share_cleanup(sh);
	free(b2);
	free(b);
}
END_TEST

/* Clients that never finish a handshake or a request do not hold up a stop. */
START_TEST(tls_stop_with_idle_clients)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fds[3];
	char *b = poll_body("SIM0001");

	start(&(struct opts){ .fault = "stall" });
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < 3; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		ck_assert_int_ge(fds[i], 0);
		ck_assert_int_eq(connect(fds[i], (struct sockaddr *)&a, sizeof(a)), 0);
	}
	ck_assert_int_eq(write(fds[1], "\x16\x03\x01", 3), 3);	/* half a ClientHello */
	/* and one real client whose request stalls in the server */
	struct req q = { .path = PROTO_PATH_POLL, .body = b, .len = strlen(b), .timeout_ms = 500 };
	do_req(&q, &R);
	ck_assert_int_eq(R.rc, CURLE_OPERATION_TIMEDOUT);
	server_stop(srv);	/* returns: the test would time out otherwise */
	srv = NULL;
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	free(b);
}
END_TEST

/* ---- configuration errors ---- */

START_TEST(config_errors)
{
	struct server_opts so;
	struct server *s2 = NULL;
	char err[512], cert[300], key[300], wrongkey[300];

	snprintf(cert, sizeof(cert), "%s/server.crt", pki);
	snprintf(key, sizeof(key), "%s/server.key", pki);
	snprintf(wrongkey, sizeof(wrongkey), "%s/device.key", pki);
	memset(&so, 0, sizeof(so));
	so.listen = "127.0.0.1:0";
	so.listen_fd = -1;
	so.cert = cert;
	so.key = key;
	so.db = dbpath;
	so.defaults = (struct ledger_defaults){ 1, true, 86400 };
	so.fault.count = -1;
	ck_assert_msg(server_check(&so, err, sizeof(err)) == 0, "%s", err);

	so.key = wrongkey;
	ck_assert_int_ne(server_check(&so, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "do not match"));
	ck_assert_int_ne(server_start(&so, &s2, err, sizeof(err)), 0);
	ck_assert_ptr_null(s2);
	so.key = key;

	so.client_ca = key;	/* not a certificate */
	ck_assert_int_ne(server_check(&so, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "client CA"));
	so.client_ca = NULL;

	so.cert = "/nonexistent/server.crt";
	ck_assert_int_ne(server_check(&so, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/server.crt"));
	so.cert = cert;

	static const char *const bad_listen[] = { "localhost:0", "127.0.0.1", "127.0.0.1:x",
		"[::1:0", "10.255.255.1:0", "" };
	for (size_t i = 0; i < sizeof(bad_listen) / sizeof(bad_listen[0]); i++) {
		so.listen = bad_listen[i];
		err[0] = '\0';
		ck_assert_msg(server_start(&so, &s2, err, sizeof(err)) != 0, "%s", bad_listen[i]);
		ck_assert(err[0]);
	}
	/* IPv6 loopback works when the host has it */
	so.listen = "[::1]:0";
	if (server_start(&so, &s2, err, sizeof(err)) == 0) {
		ck_assert_uint_gt(server_port(s2), 0);
		server_stop(s2);
	}
}
END_TEST

/* ---- the test clock ---- */

static void set_now(const char *t)
{
	FILE *f = fopen(nowfile, "w");

	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", t);
	fclose(f);
}

START_TEST(now_file_moves_cycles)
{
	struct proto_poll_reply rep;
	char *b;

	start(&(struct opts){ .now_file = true });
	do_poll("SIM0001", &rep);		/* no file: the fixed time */
	ck_assert_str_eq(rep.billing_cycle, "2026-11");
	b = read_body("SIM0001", "rd-nov", rep.request_id, 1);
	post(PROTO_PATH_METER_READS, b, &R);
	ck_assert_int_eq(R.status, 200);
	free(b);
	set_now("2026-11-30T23:59:59Z");
	do_poll("SIM0001", &rep);
	ck_assert(!rep.read_meters);
	ck_assert_int_eq(rep.server_time, INT64_C(1796083199));
	set_now("1796083200");			/* 2026-12-01T00:00:00Z, as Unix seconds */
	do_poll("SIM0001", &rep);
	ck_assert(rep.read_meters);
	ck_assert_str_eq(rep.billing_cycle, "2026-12");
	set_now("next tuesday");		/* not a time: back to the fixed clock */
	do_poll("SIM0001", &rep);
	ck_assert_int_eq(rep.server_time, INT64_C(1793497632));
	ck_assert(!rep.read_meters);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("server_http");
	TCase *tc = tcase_create("http");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, http_routing);
	tcase_add_test(tc, http_bad_bodies);
	tcase_add_test(tc, http_too_large);
	tcase_add_test(tc, http_exchange);
	tcase_add_test(tc, http_brief_poll);
	tcase_add_test(tc, http_parallel_duplicates);
	tcase_add_test(tc, fault_500_503_429);
	tcase_add_test(tc, fault_garbage);
	tcase_add_test(tc, fault_drop_and_lost_reply);
	tcase_add_test(tc, fault_slow_and_stall);
	tcase_add_test(tc, client_cert_auth);
	tcase_add_test(tc, capture_bodies);
	tcase_add_test(tc, cli_listings);
	tcase_add_test(tc, tls_resumption);
	tcase_add_test(tc, tls_stop_with_idle_clients);
	tcase_add_test(tc, config_errors);
	tcase_add_test(tc, now_file_moves_cycles);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	const char *src = getenv("ESOL_SRCDIR");
	char cmd[700];
	SRunner *sr;
	int failed;

	log_init("test_server_http", LOG_SINK_STDERR, LOG_WARNING);
	snprintf(pki, sizeof(pki), "/tmp/esol-test-pki-XXXXXX");
	if (!mkdtemp(pki)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "%s/scripts/mkpki.sh '%s' SIM0001 SIM0002",
		 src ? src : ".", pki);
	if (system(cmd) != 0) {
		fprintf(stderr, "test_server_http: %s failed (run from the source tree"
			" or set ESOL_SRCDIR)\n", cmd);
		return 1;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	sr = srunner_create(suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", pki);
	if (system(cmd) != 0)
		failed++;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
