// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * esol-fleet: a fleet of simulated printers against esol-server, over
 * the real protocol (userspace/proto) and real TLS (libcurl multi, one
 * event loop), each device proving who it is with its own client
 * certificate from a fleet CA made for the run (bench/fleet/pki).
 *
 *   esol-fleet pki --dir D
 *       the fleet CA and a server certificate for 127.0.0.1 into D
 *   esol-fleet cert --dir D --label ID
 *       a device certificate for ID from D's CA, as D/ID.crt and D/ID.key
 *   esol-fleet day --dir D --url URL --devices N [--day-seconds S]
 *       [--conns C] [--fault FRACTION:COMMAND]... [--rss-pids F,F..]
 *       [--export-cmd CMD] [--backend NAME --instances K] [--json FILE]
 *       a compressed day: every device polls once at its time of day
 *       (sched.c: time zones, poll times, spread), sends the read the
 *       server asks for and its supplies report, and retries what fails
 *       (same read_id / report_id, backing off) until it is stored.
 *       Faults run as shell commands once FRACTION of the fleet has
 *       started (an instance killed, the database restarted).  At the
 *       end the ledger's CSV export (--export-cmd) is compared with what
 *       the devices were told: reads lost (acknowledged, not in the
 *       ledger) and duplicated (more than one per device and cycle).
 *   esol-fleet keepalive --dir D --url URL --path P --conns C --requests R
 *       [--json FILE --label NAME]
 *       C devices each send R polls over one kept-alive connection:
 *       requests per second, for esol-server behind its front and for a
 *       static reply from the front itself, same certificates.
 *
 * Prints its figures; --json writes them as one JSON object.
 */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/ssl.h>

#include "msgs.h"
#include "pki.h"
#include "proto/proto.h"
#include "sched.h"

#define MAX_FAULTS	8
#define RESP_MAX	8192
#define DRAIN_S		120	/* after the day: how long stragglers may retry */

enum step { ST_POLL, ST_READ, ST_SUPPLIES, ST_KEEPALIVE };

/* device flags */
#define D_READ_ACKED	0x01
#define D_SUPPLIES_ACK	0x02
#define D_DONE		0x04
#define D_REJECTED	0x08

struct fault {
	double at;		/* fraction of the fleet started */
	const char *cmd;
	bool fired;
	pid_t pid;
};

struct opts {
	const char *dir, *url, *path, *export_cmd, *json, *backend, *label, *rss_pids;
	const char *prefix;
	unsigned long devices;
	double day_s;
	unsigned int conns, requests, instances;
	struct fault faults[MAX_FAULTS];
	int nfaults;
};

struct xfer;

struct fleet {
	struct opts o;
	struct fleet_pki *pki;
	CURLM *multi;
	X509_STORE *ca;			/* the fleet CA, loaded once for every connection */
	uint8_t *flags;			/* per device */
	uint32_t *order;		/* device indexes by poll second */
	uint32_t *second;		/* per device: its poll second */
	struct xfer **waiting;		/* failed, to retry at their due time */
	unsigned int nwaiting;
	unsigned int inflight;
	unsigned long done;
	/* figures */
	uint64_t requests, ok, failed, rejected, stored, duplicates, sup_stored;
	double *lat;			/* ms, successful requests */
	size_t nlat, caplat;
	long peak_rss_kb;
	double t0;
	double first_lat_error_shown;
	int rejected_shown;
};

struct xfer {
	struct fleet *f;
	uint32_t dev;
	CURL *easy;
	enum step step;
	char id[PROTO_DEVICE_ID_MAX + 1];
	X509 *cert;
	EVP_PKEY *key;
	char pin[128];
	struct curl_slist *hdrs;
	char *body;
	size_t blen;
	char resp[RESP_MAX];
	size_t rlen;
	char request_id[PROTO_ID_MAX + 1];
	bool supplies;
	unsigned int tries;
	double due;			/* waiting: when to retry */
	unsigned int left;		/* keepalive: requests still to send */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_lat(struct fleet *f, double ms)
{
	if (f->nlat == f->caplat) {
		size_t n = f->caplat ? f->caplat * 2 : 65536;
		double *p = realloc(f->lat, n * sizeof(*p));

		if (!p)
			return;
		f->lat = p;
		f->caplat = n;
	}
	f->lat[f->nlat++] = ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

static size_t on_body(char *p, size_t sz, size_t n, void *arg)
{
	struct xfer *x = arg;
	size_t len = sz * n;

	if (x->rlen + len >= RESP_MAX)
		len = RESP_MAX - 1 - x->rlen;
	memcpy(x->resp + x->rlen, p, len);
	x->rlen += len;
	return sz * n;
}

/* ---- the device's messages ---- */

static void dev_id(const struct fleet *f, uint32_t idx, char *out)
{
	snprintf(out, PROTO_DEVICE_ID_MAX + 1, "%s%07" PRIu32, f->o.prefix, idx);
}

/* The next message's body into x (the previous one freed). */
#define BODY(x, call)							\
	({								\
		free((x)->body);					\
		(x)->body = NULL;					\
		call;							\
	})

/* ---- transfers ---- */

static const char *step_path(const struct xfer *x)
{
	switch (x->step) {
	case ST_POLL:
		return PROTO_PATH_POLL;
	case ST_READ:
		return PROTO_PATH_METER_READS;
	case ST_SUPPLIES:
		return PROTO_PATH_SUPPLIES;
	default:
		return x->f->o.path;
	}
}

static int send_step(struct xfer *x)
{
	char url[4096];

	snprintf(url, sizeof(url), "%s%s", x->f->o.url, step_path(x));
	x->rlen = 0;
	curl_easy_setopt(x->easy, CURLOPT_URL, url);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->body);
	curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, (long)x->blen);
	if (curl_multi_add_handle(x->f->multi, x->easy) != CURLM_OK)
		return -EIO;
	return 0;
}

static void xfer_free(struct xfer *x)
{
	if (!x)
		return;
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->hdrs);
	X509_free(x->cert);
	EVP_PKEY_free(x->key);
	free(x->body);
	free(x);
}

/*
 * libcurl made the connection's SSL_CTX: the fleet CA to verify the
 * server with (libcurl verifies the chain and the host name as always;
 * the CA comes parsed instead of from a file on every connection), and
 * the device's certificate and key.
 */
static CURLcode use_device_cert(CURL *easy, void *ssl_ctx, void *arg)
{
	struct xfer *x = arg;

	(void)easy;
	SSL_CTX_set1_cert_store(ssl_ctx, x->f->ca);
	if (SSL_CTX_use_certificate(ssl_ctx, x->cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ssl_ctx, x->key) != 1)
		return CURLE_SSL_CERTPROBLEM;
	return CURLE_OK;
}

static struct xfer *xfer_new(struct fleet *f, uint32_t dev, enum step step)
{
	struct xfer *x = calloc(1, sizeof(*x));

	if (!x)
		return NULL;
	x->f = f;
	x->dev = dev;
	x->step = step;
	dev_id(f, dev, x->id);
	if (pki_issue_x509(f->pki, x->id, &x->cert, &x->key))
		goto bad;
	/*
	 * The server's key pinned, and the device named in the pin list (an
	 * entry no key hashes to): libcurl matches kept-alive connections on
	 * the TLS options it knows, and a certificate set by the SSL_CTX
	 * callback is not one of them, so without it a device could be lent
	 * another device's connection (and identity).
	 */
	snprintf(x->pin, sizeof(x->pin), "%s;sha256//device:%s", pki_server_pin(f->pki), x->id);
	x->easy = curl_easy_init();
	x->hdrs = curl_slist_append(NULL, "Content-Type: " PROTO_CONTENT_TYPE);
	x->hdrs = curl_slist_append(x->hdrs, "Expect:");
	if (!x->easy || !x->hdrs)
		goto bad;
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->hdrs);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_CAINFO, NULL);
	curl_easy_setopt(x->easy, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(x->easy, CURLOPT_PINNEDPUBLICKEY, x->pin);
	curl_easy_setopt(x->easy, CURLOPT_SSL_CTX_FUNCTION, use_device_cert);
	curl_easy_setopt(x->easy, CURLOPT_SSL_CTX_DATA, x);
	curl_easy_setopt(x->easy, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT, 10L);
	return x;
bad:
	xfer_free(x);
	return NULL;
}

static void device_done(struct xfer *x, uint8_t flag)
{
	struct fleet *f = x->f;

	f->flags[x->dev] |= D_DONE | flag;
	f->done++;
	f->inflight--;
	xfer_free(x);
}

static void retry_later(struct xfer *x)
{
	struct fleet *f = x->f;
	double backoff = 0.2 * (double)(1u << (x->tries < 5 ? x->tries : 5));

	x->tries++;
	/* jitter: 50..150 % */
	backoff *= 0.5 + (double)(sched_hash(x->dev * 31u + x->tries) % 1000) / 1000.0;
	x->due = now_s() + backoff;
	f->waiting[f->nwaiting++] = x;
}

static void reject(struct xfer *x, long code, const char *why)
{
	struct fleet *f = x->f;

	f->rejected++;
	if (f->rejected_shown++ < 5)
		fprintf(stderr, "esol-fleet: %s %s: HTTP %ld %s: %.*s\n", x->id, step_path(x), code,
			why, (int)(x->rlen < 300 ? x->rlen : 300), x->resp);
	device_done(x, D_REJECTED);
}

/* A 200 reply: on to the device's next message. */
static void advance(struct xfer *x)
{
	struct fleet *f = x->f;
	int64_t t = (int64_t)time(NULL);

	x->tries = 0;
	switch (x->step) {
	case ST_POLL: {
		struct proto_poll_reply rep;

		if (proto_decode_poll_reply(x->resp, x->rlen, &rep, NULL)) {
			reject(x, 200, "poll reply does not decode");
			return;
		}
		/* no supplies action: the device keeps what it runs */
		x->supplies = rep.has_supplies ? rep.supplies_enabled : MSG_SUPPLIES_ON;
		if (rep.read_meters) {
			snprintf(x->request_id, sizeof(x->request_id), "%s", rep.request_id);
			x->step = ST_READ;
			if (BODY(x, msg_read(x->dev, x->id, x->request_id, t, &x->body, &x->blen)) == 0 && send_step(x) == 0)
				return;
		} else if (x->supplies) {
			x->step = ST_SUPPLIES;
			if (BODY(x, msg_supplies(x->dev, x->id, t, &x->body, &x->blen)) == 0 && send_step(x) == 0)
				return;
		} else {
			device_done(x, 0);
			return;
		}
		reject(x, 0, "cannot make the next message");
		return;
	}
	case ST_READ: {
		struct proto_ack a;

		if (proto_decode_read_ack(x->resp, x->rlen, &a, NULL)) {
			reject(x, 200, "read ack does not decode");
			return;
		}
		f->flags[x->dev] |= D_READ_ACKED;
		if (a.status == PROTO_ACK_STORED)
			f->stored++;
		else
			f->duplicates++;
		if (x->supplies) {
			x->step = ST_SUPPLIES;
			if (BODY(x, msg_supplies(x->dev, x->id, t, &x->body, &x->blen)) == 0 && send_step(x) == 0)
				return;
			reject(x, 0, "cannot make the supplies report");
			return;
		}
		device_done(x, 0);
		return;
	}
	case ST_SUPPLIES:
		f->sup_stored++;
		device_done(x, D_SUPPLIES_ACK);
		return;
	case ST_KEEPALIVE:
		if (--x->left == 0) {
			device_done(x, 0);
			return;
		}
		/* the first answered: the identity is on file, the next polls are brief */
		if (x->left + 1 == f->o.requests &&
		    BODY(x, msg_poll(x->dev, x->id, true, &x->body, &x->blen))) {
			reject(x, 0, "cannot make the brief poll");
			return;
		}
		if (send_step(x) != 0)
			device_done(x, 0);
		return;
	}
}

static void on_done(struct fleet *f, CURLMsg *m)
{
	struct xfer *x = NULL;
	long code = 0;
	curl_off_t us = 0;

	curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
	curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(m->easy_handle, CURLINFO_TOTAL_TIME_T, &us);
	curl_multi_remove_handle(f->multi, m->easy_handle);
	f->requests++;
	if (m->data.result == CURLE_OK && code == 200) {
		f->ok++;
		add_lat(f, (double)us / 1000.0);
		advance(x);
		return;
	}
	if (m->data.result != CURLE_OK || code >= 500 || code == 429 || code == 0) {
		/* the device keeps it in its spool and tries again */
		f->failed++;
		retry_later(x);
		return;
	}
	reject(x, code, "refused");
}

static int start_device(struct fleet *f, uint32_t dev, enum step step)
{
	struct xfer *x = xfer_new(f, dev, step);

	if (!x)
		return -ENOMEM;
	f->inflight++;
	if (step == ST_KEEPALIVE)
		x->left = f->o.requests;
	if (BODY(x, msg_poll(x->dev, x->id, false, &x->body, &x->blen)) || send_step(x)) {
		reject(x, 0, "cannot start");
		return -EIO;
	}
	return 0;
}

static void run_faults(struct fleet *f, double started)
{
	for (int i = 0; i < f->o.nfaults; i++) {
		struct fault *ft = &f->o.faults[i];

		if (ft->fired || started < ft->at)
			continue;
		ft->fired = true;
		fprintf(stderr, "esol-fleet: fault at %.0f%% of the fleet: %s\n", ft->at * 100,
			ft->cmd);
		ft->pid = fork();
		if (ft->pid == 0) {
			execl("/bin/sh", "sh", "-c", ft->cmd, (char *)NULL);
			_exit(127);
		}
	}
}

static long rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fp = fopen(path, "re");
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(fp);
	return kb;
}

/* The sum of the servers' resident memory now (their pid files, comma-separated). */
static void sample_rss(struct fleet *f)
{
	char *list, *save = NULL;
	long sum = 0;

	if (!f->o.rss_pids)
		return;
	list = strdup(f->o.rss_pids);
	for (char *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		FILE *fp = fopen(p, "re");
		int pid = 0;

		if (fp) {
			if (fscanf(fp, "%d", &pid) == 1 && pid > 0)
				sum += rss_kb(pid);
			fclose(fp);
		}
	}
	free(list);
	if (sum > f->peak_rss_kb)
		f->peak_rss_kb = sum;
}

static void retry_due(struct fleet *f, double now, double *next)
{
	for (unsigned int i = 0; i < f->nwaiting;) {
		struct xfer *x = f->waiting[i];

		/* waiting[0..nwaiting) are filled by retry_later() */
		assert(x);
		if (x->due <= now) {
			f->waiting[i] = f->waiting[--f->nwaiting];
			if (send_step(x))
				reject(x, 0, "cannot resend");
			continue;
		}
		if (x->due < *next)
			*next = x->due;
		i++;
	}
}

static int cmp_second(const void *a, const void *b, void *arg)
{
	const uint32_t *sec = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return sec[x] < sec[y] ? -1 : sec[x] > sec[y] ? 1 : (x > y) - (x < y);
}

/* The event loop: start devices when due, retry, run faults, until all are done. */
static void loop(struct fleet *f, unsigned long n, bool keepalive)
{
	unsigned long next = 0;
	double last_rss = 0, day_end, last_progress;
	unsigned long last_done = 0;

	f->t0 = now_s();
	day_end = f->t0 + (keepalive ? 0 : f->o.day_s);
	last_progress = f->t0;
	while (f->done < n) {
		double now = now_s(), wake = now + 0.05;
		double vsec = (now - f->t0) * 86400.0 / (f->o.day_s > 0 ? f->o.day_s : 1);
		int running, nq, ms;
		CURLMsg *m;

		while (next < n && f->inflight < f->o.conns &&
		       (keepalive || f->o.day_s <= 0 || f->second[f->order[next]] <= vsec)) {
			start_device(f, keepalive ? (uint32_t)next : f->order[next],
				     keepalive ? ST_KEEPALIVE : ST_POLL);
			next++;
		}
		if (next < n && !keepalive && f->o.day_s > 0 && f->inflight < f->o.conns) {
			double due = f->t0 + f->second[f->order[next]] * f->o.day_s / 86400.0;

			if (due < wake)
				wake = due;
		}
		run_faults(f, (double)next / (double)n);
		retry_due(f, now, &wake);
		curl_multi_perform(f->multi, &running);
		while ((m = curl_multi_info_read(f->multi, &nq)))
			if (m->msg == CURLMSG_DONE)
				on_done(f, m);
		if (now - last_rss > 0.5) {
			sample_rss(f);
			last_rss = now;
		}
		if (f->done != last_done) {
			last_done = f->done;
			last_progress = now;
		}
		if (next >= n && now > day_end && now - last_progress > DRAIN_S) {
			fprintf(stderr, "esol-fleet: %lu devices still unfinished after %d s"
				" without progress; stopping\n", n - f->done, DRAIN_S);
			break;
		}
		ms = (int)((wake - now_s()) * 1000);
		curl_multi_poll(f->multi, NULL, 0, ms < 0 ? 0 : ms > 50 ? 50 : ms, NULL);
	}
}

/* Compare the devices' acknowledgements with the ledger's export. */
static int check_ledger(struct fleet *f, uint64_t *lost, uint64_t *dup, uint64_t *rows)
{
	FILE *p = popen(f->o.export_cmd, "r");
	size_t plen = strlen(f->o.prefix);
	uint8_t *count = calloc(f->o.devices, 1);
	char line[1024];
	bool header = true;

	*lost = *dup = *rows = 0;
	if (!p || !count) {
		free(count);
		if (p)
			pclose(p);
		return -EIO;
	}
	while (fgets(line, sizeof(line), p)) {
		unsigned long idx;

		if (header) {
			header = false;
			continue;
		}
		(*rows)++;
		if (strncmp(line, f->o.prefix, plen) != 0)
			continue;
		idx = strtoul(line + plen, NULL, 10);
		if (idx < f->o.devices && count[idx] < 255)
			count[idx]++;
	}
	if (pclose(p) != 0) {
		free(count);
		fprintf(stderr, "esol-fleet: the export command failed\n");
		return -EIO;
	}
	for (unsigned long i = 0; i < f->o.devices; i++) {
		if ((f->flags[i] & D_READ_ACKED) && count[i] == 0)
			(*lost)++;
		if (count[i] > 1)
			*dup += count[i] - 1u;
	}
	free(count);
	return 0;
}

static void usage(FILE *o)
{
	fprintf(o,
		"usage: esol-fleet pki --dir D\n"
		"       esol-fleet cert --dir D --label DEVICE_ID\n"
		"       esol-fleet day --dir D --url URL --devices N [--day-seconds S] [--conns C]\n"
		"                  [--fault FRACTION:COMMAND]... [--rss-pids PIDFILE,...]\n"
		"                  [--export-cmd CMD] [--backend NAME] [--instances K]\n"
		"                  [--prefix P] [--json FILE]\n"
		"       esol-fleet keepalive --dir D --url URL --path P --conns C --requests R\n"
		"                  [--label NAME] [--json FILE]\n");
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "dir", required_argument, NULL, 'd' }, { "url", required_argument, NULL, 'u' },
		{ "devices", required_argument, NULL, 'n' },
		{ "day-seconds", required_argument, NULL, 's' },
		{ "conns", required_argument, NULL, 'c' }, { "fault", required_argument, NULL, 'f' },
		{ "rss-pids", required_argument, NULL, 'r' },
		{ "export-cmd", required_argument, NULL, 'e' },
		{ "backend", required_argument, NULL, 'b' },
		{ "instances", required_argument, NULL, 'i' },
		{ "json", required_argument, NULL, 'j' }, { "path", required_argument, NULL, 'p' },
		{ "requests", required_argument, NULL, 'q' },
		{ "label", required_argument, NULL, 'l' }, { "prefix", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->day_s = 60;
	o->conns = 256;
	o->requests = 100;
	o->instances = 1;
	o->backend = "?";
	o->prefix = "FLT";
	o->path = PROTO_PATH_POLL;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->dir = optarg; break;
		case 'u': o->url = optarg; break;
		case 'n': o->devices = strtoul(optarg, NULL, 10); break;
		case 's': o->day_s = strtod(optarg, NULL); break;
		case 'c': o->conns = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'q': o->requests = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'i': o->instances = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'r': o->rss_pids = optarg; break;
		case 'e': o->export_cmd = optarg; break;
		case 'b': o->backend = optarg; break;
		case 'j': o->json = optarg; break;
		case 'p': o->path = optarg; break;
		case 'l': o->label = optarg; break;
		case 'x': o->prefix = optarg; break;
		case 'f': {
			char *colon = strchr(optarg, ':');

			if (!colon || o->nfaults == MAX_FAULTS) {
				fprintf(stderr, "esol-fleet: --fault FRACTION:COMMAND (at most %d)\n",
					MAX_FAULTS);
				return -1;
			}
			o->faults[o->nfaults].at = strtod(optarg, NULL);
			o->faults[o->nfaults++].cmd = colon + 1;
			break;
		}
		default:
			usage(stderr);
			return -1;
		}
	}
	if (!o->dir) {
		usage(stderr);
		return -1;
	}
	if (strlen(o->prefix) > 20 || o->conns == 0 || o->devices > 9999999) {
		fprintf(stderr, "esol-fleet: --prefix at most 20 characters, --conns > 0,"
			" --devices < 10^7\n");
		return -1;
	}
	return 0;
}

static int write_json(const char *path, json_t *o)
{
	char tmp[4096];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (json_dump_file(o, tmp, JSON_INDENT(2)) || rename(tmp, path)) {
		fprintf(stderr, "esol-fleet: cannot write %s\n", path);
		return -EIO;
	}
	return 0;
}

static int setup(struct fleet *f, unsigned long n)
{
	char err[512], path[4096];

	if (pki_load(f->o.dir, &f->pki, err, sizeof(err))) {
		fprintf(stderr, "esol-fleet: %s\n", err);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/ca.crt", f->o.dir);
	f->ca = X509_STORE_new();
	if (!f->ca || X509_STORE_load_file(f->ca, path) != 1) {
		fprintf(stderr, "esol-fleet: cannot load %s\n", path);
		return -1;
	}
	f->flags = calloc(n ? n : 1, 1);
	f->waiting = calloc(f->o.conns, sizeof(*f->waiting));
	f->multi = curl_multi_init();
	if (!f->flags || !f->waiting || !f->multi)
		return -1;
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)f->o.conns);
	curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS, (long)f->o.conns);
	return 0;
}

static void teardown(struct fleet *f)
{
	for (unsigned int i = 0; i < f->nwaiting; i++)
		xfer_free(f->waiting[i]);
	curl_multi_cleanup(f->multi);
	X509_STORE_free(f->ca);
	pki_free(f->pki);
	free(f->flags);
	free(f->order);
	free(f->second);
	free(f->waiting);
	free(f->lat);
	for (int i = 0; i < f->o.nfaults; i++)
		if (f->o.faults[i].pid > 0)
			waitpid(f->o.faults[i].pid, NULL, 0);
}

static int cmd_day(struct fleet *f)
{
	unsigned long n = f->o.devices;
	uint64_t lost = 0, dup = 0, rows = 0, unfinished = 0, rejected_dev = 0;
	double wall;
	json_t *o;
	int r = 0;

	if (!f->o.url || n == 0) {
		usage(stderr);
		return 2;
	}
	if (setup(f, n))
		return 1;
	f->order = malloc(n * sizeof(*f->order));
	f->second = malloc(n * sizeof(*f->second));
	if (!f->order || !f->second)
		return 1;
	for (uint32_t i = 0; i < n; i++) {
		struct sched_dev s;

		sched_device(i, &s);
		f->second[i] = s.second;
		f->order[i] = i;
	}
	qsort_r(f->order, n, sizeof(*f->order), cmp_second, f->second);
	loop(f, n, false);
	wall = now_s() - f->t0;
	for (unsigned long i = 0; i < n; i++) {
		if (!(f->flags[i] & D_DONE))
			unfinished++;
		if (f->flags[i] & D_REJECTED)
			rejected_dev++;
	}
	sample_rss(f);
	if (f->o.export_cmd && check_ledger(f, &lost, &dup, &rows))
		r = 1;
	qsort(f->lat, f->nlat, sizeof(*f->lat), cmp_double);
	printf("fleet day: backend %s, %u instance(s), %lu devices, day compressed to %.0f s\n",
	       f->o.backend, f->o.instances, n, f->o.day_s);
	printf("  wall %.1f s; requests %" PRIu64 " (ok %" PRIu64 ", failed and retried %" PRIu64
	       ", refused %" PRIu64 "); %.1f req/s\n", wall, f->requests, f->ok, f->failed,
	       f->rejected, (double)f->ok / wall);
	printf("  latency ms: min %.2f p50 %.2f p99 %.2f max %.2f\n", pct(f->lat, f->nlat, 0),
	       pct(f->lat, f->nlat, 0.5), pct(f->lat, f->nlat, 0.99), pct(f->lat, f->nlat, 1));
	printf("  reads: stored %" PRIu64 ", duplicate answers %" PRIu64 "; supplies stored %"
	       PRIu64 "; devices unfinished %" PRIu64 ", refused %" PRIu64 "\n", f->stored,
	       f->duplicates, f->sup_stored, unfinished, rejected_dev);
	if (f->o.export_cmd)
		printf("  ledger export: %" PRIu64 " rows; lost %" PRIu64 ", duplicated %" PRIu64 "\n",
		       rows, lost, dup);
	printf("  peak RSS of the servers: %ld kB\n", f->peak_rss_kb);
	o = json_pack("{s:s, s:i, s:I, s:I, s:f, s:f, s:f, s:I, s:I, s:I}",
		      "backend", f->o.backend, "instances", (int)f->o.instances,
		      "devices", (json_int_t)n, "requests", (json_int_t)f->requests,
		      "req_per_s", (double)f->ok / wall, "p50_ms", pct(f->lat, f->nlat, 0.5),
		      "p99_ms", pct(f->lat, f->nlat, 0.99), "peak_rss_kb", (json_int_t)f->peak_rss_kb,
		      "lost", (json_int_t)(f->o.export_cmd ? (json_int_t)lost : -1),
		      "duplicated", (json_int_t)(f->o.export_cmd ? (json_int_t)dup : -1));
	json_object_set_new(o, "wall_s", json_real(wall));
	json_object_set_new(o, "day_seconds", json_real(f->o.day_s));
	json_object_set_new(o, "failed_retried", json_integer((json_int_t)f->failed));
	json_object_set_new(o, "duplicate_answers", json_integer((json_int_t)f->duplicates));
	json_object_set_new(o, "unfinished", json_integer((json_int_t)unfinished));
	json_object_set_new(o, "refused", json_integer((json_int_t)rejected_dev));
	json_object_set_new(o, "faults", json_integer(f->o.nfaults));
	json_object_set_new(o, "ledger_rows", json_integer((json_int_t)rows));
	if (f->o.json && write_json(f->o.json, o))
		r = 1;
	json_decref(o);
	if (unfinished || rejected_dev || lost || dup)
		r = 1;
	return r;
}

static int cmd_keepalive(struct fleet *f)
{
	unsigned long n = f->o.conns;
	double wall;
	json_t *o;
	int r = 0;

	if (!f->o.url) {
		usage(stderr);
		return 2;
	}
	f->o.devices = n;
	if (setup(f, n))
		return 1;
	loop(f, n, true);
	wall = now_s() - f->t0;
	qsort(f->lat, f->nlat, sizeof(*f->lat), cmp_double);
	printf("keep-alive %s: %lu connections x %u requests to %s: %" PRIu64 " ok, %" PRIu64
	       " failed, %" PRIu64 " refused in %.2f s: %.1f req/s; latency ms p50 %.2f p99 %.2f\n",
	       f->o.label ? f->o.label : "", n, f->o.requests, f->o.path, f->ok, f->failed,
	       f->rejected, wall, (double)f->ok / wall, pct(f->lat, f->nlat, 0.5),
	       pct(f->lat, f->nlat, 0.99));
	o = json_pack("{s:s, s:s, s:I, s:I, s:I, s:f, s:f, s:f}", "label",
		      f->o.label ? f->o.label : "", "path", f->o.path, "conns", (json_int_t)n,
		      "requests", (json_int_t)f->requests, "ok", (json_int_t)f->ok,
		      "req_per_s", (double)f->ok / wall, "p50_ms", pct(f->lat, f->nlat, 0.5),
		      "p99_ms", pct(f->lat, f->nlat, 0.99));
	if (f->o.json && write_json(f->o.json, o))
		r = 1;
	json_decref(o);
	return r || f->rejected || f->ok == 0;
}

static int write_file(const char *dir, const char *name, const char *ext, const char *data,
		      size_t len)
{
	char path[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
	fp = fopen(path, "we");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		fprintf(stderr, "esol-fleet: cannot write %s\n", path);
		return -EIO;
	}
	return 0;
}

static int cmd_cert(const struct opts *o)
{
	struct fleet_pki *p;
	char err[512], *cert, *key;
	size_t cl, kl;
	int r;

	if (!o->label || !proto_valid_device_id(o->label)) {
		fprintf(stderr, "esol-fleet: cert needs --label DEVICE_ID\n");
		return 2;
	}
	if (pki_load(o->dir, &p, err, sizeof(err))) {
		fprintf(stderr, "esol-fleet: %s\n", err);
		return 1;
	}
	r = pki_issue(p, o->label, &cert, &cl, &key, &kl);
	pki_free(p);
	if (r) {
		fprintf(stderr, "esol-fleet: cannot issue a certificate\n");
		return 1;
	}
	r = write_file(o->dir, o->label, "crt", cert, cl) || write_file(o->dir, o->label, "key", key, kl);
	free(cert);
	free(key);
	return r ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct fleet f;
	const char *cmd = argc > 1 ? argv[1] : "";
	int r;

	memset(&f, 0, sizeof(f));
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || parse(argc - 1, argv + 1, &f.o))
		return 2;
	if (!strcmp(cmd, "pki")) {
		char err[512];

		if (pki_create(f.o.dir, err, sizeof(err))) {
			fprintf(stderr, "esol-fleet: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (!strcmp(cmd, "cert"))
		return cmd_cert(&f.o);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (!strcmp(cmd, "day")) {
		r = cmd_day(&f);
	} else if (!strcmp(cmd, "keepalive")) {
		r = cmd_keepalive(&f);
	} else {
		usage(stderr);
		r = 2;
	}
	teardown(&f);
	curl_global_cleanup();
	return r;
}
