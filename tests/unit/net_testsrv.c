// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * net_testsrv: a real HTTP(S) server, the test PKI and tinyproxy for the
 * network layer's tests (see net_testsrv.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "ckrun.h"
#include "net_testsrv.h"

#define BIG (100 * 1024)

struct conn {
	size_t got;
	size_t sent;		/* for callback bodies */
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status,
			     const char *body, const char *h1, const char *v1)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	MHD_add_response_header(r, "Content-Type", "application/json");
	if (h1)
		MHD_add_response_header(r, h1, v1);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static ssize_t big_chunked_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	if (pos >= BIG)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (max > BIG - pos)
		max = BIG - pos;
	memset(buf, 'b', max);
	return (ssize_t)max;
}

/* 100 bytes, then block (thread per connection) until the server stops. */
static ssize_t stall_cb(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct tsrv *s = cls;
	struct pollfd p = { .fd = s->stop_pipe[0], .events = POLLIN };

	if (pos < 100) {
		size_t n = max < 100 - pos ? max : 100 - pos;

		memset(buf, 's', n);
		return (ssize_t)n;
	}
	poll(&p, 1, 20000);
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void whoami(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	const gnutls_datum_t *peers;
	unsigned int n = 0, status = 1;
	gnutls_x509_crt_t crt;
	size_t cnlen = len;

	snprintf(out, len, "none");
	if (!ci || !ci->tls_session)
		return;
	peers = gnutls_certificate_get_peers((gnutls_session_t)ci->tls_session, &n);
	if (!peers || n == 0)
		return;
	if (gnutls_certificate_verify_peers2((gnutls_session_t)ci->tls_session, &status) < 0 ||
	    status != 0) {
		snprintf(out, len, "unverified");
		return;
	}
	if (gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, out,
					  &cnlen) == 0)
		out[cnlen] = '\0';
	gnutls_x509_crt_deinit(crt);
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version,
			       const char *upload, size_t *upload_size, void **con_cls)
{
	struct tsrv *s = cls;
	struct conn *cn = *con_cls;
	struct MHD_Response *r;
	enum MHD_Result rc;
	char body[256];
	const char *ua;

	(void)method;
	(void)version;
	(void)upload;
	if (!cn) {
		cn = calloc(1, sizeof(*cn));
		if (!cn)
			return MHD_NO;
		*con_cls = cn;
		return MHD_YES;
	}
	if (*upload_size) {
		cn->got += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	__atomic_add_fetch(&s->hits_total, 1, __ATOMIC_SEQ_CST);
	s->last_body_len = cn->got;
	ua = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "User-Agent");
	snprintf(s->last_ua, sizeof(s->last_ua), "%s", ua ? ua : "");

	if (!strcmp(url, "/v1/poll"))
		__atomic_add_fetch(&s->hits_poll, 1, __ATOMIC_SEQ_CST);
	if (!strcmp(url, "/v1/poll") && s->poll_status) {
		__atomic_add_fetch(&s->hits_v1, 1, __ATOMIC_SEQ_CST);
		return reply(c, s->poll_status, s->poll_reply ? s->poll_reply : "",
			     s->poll_hdr, s->poll_hdr_value);
	}
	if (s->ovr_path && !strcmp(url, s->ovr_path)) {
		__atomic_add_fetch(&s->hits_ovr, 1, __ATOMIC_SEQ_CST);
		return reply(c, s->ovr_status, s->ovr_reply ? s->ovr_reply : "", NULL, NULL);
	}
	if (!strncmp(url, "/v1/", 4)) {
		__atomic_add_fetch(&s->hits_v1, 1, __ATOMIC_SEQ_CST);
		snprintf(body, sizeof(body), "{\"ok\":true,\"got\":%zu}", cn->got);
		return reply(c, 200, body, NULL, NULL);
	}
	if (!strcmp(url, "/busy"))
		return reply(c, 503, "{\"error\":\"busy\"}", "Retry-After", "120");
	if (!strcmp(url, "/busy-date")) {
		char date[64];
		time_t t = time(NULL) + 3600;
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
		return reply(c, 503, "{\"error\":\"busy\"}", "Retry-After", date);
	}
	if (!strcmp(url, "/ratelimit"))
		return reply(c, 429, "{\"error\":\"slow down\"}", NULL, NULL);
	if (!strncmp(url, "/status/", 8)) {
		unsigned st = (unsigned)strtoul(url + 8, NULL, 10);

		snprintf(body, sizeof(body), "{\"status\":%u}", st);
		return reply(c, st, body, NULL, NULL);
	}
	if (!strcmp(url, "/big")) {
		char *big = malloc(BIG);

		if (!big)
			return MHD_NO;
		memset(big, 'B', BIG);
		r = MHD_create_response_from_buffer(BIG, big, MHD_RESPMEM_MUST_FREE);
		rc = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return rc;
	}
	if (!strcmp(url, "/big-chunked")) {
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, big_chunked_cb,
						      NULL, NULL);
		rc = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return rc;
	}
	if (!strcmp(url, "/stall")) {
		__atomic_add_fetch(&s->hits_stall, 1, __ATOMIC_SEQ_CST);
		r = MHD_create_response_from_callback(1000, 100, stall_cb, s, NULL);
		rc = MHD_queue_response(c, 200, r);
		MHD_destroy_response(r);
		return rc;
	}
	if (!strcmp(url, "/redirect")) {
		char loc[128];

		snprintf(loc, sizeof(loc), "https://localhost:%u/v1/poll", s->port);
		return reply(c, 302, "{}", "Location", loc);
	}
	if (!strcmp(url, "/whoami")) {
		char cnbuf[128];

		whoami(c, cnbuf, sizeof(cnbuf));
		return reply(c, 200, cnbuf, NULL, NULL);
	}
	if (!strcmp(url, "/wpad.dat")) {
		__atomic_add_fetch(&s->hits_wpad, 1, __ATOMIC_SEQ_CST);
		if (!s->pac)
			return reply(c, 404, "no pac", NULL, NULL);
		return reply(c, 200, s->pac, "Content-Type", "application/x-ns-proxy-autoconfig");
	}
	return reply(c, 404, "{\"error\":\"no such path\"}", NULL, NULL);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

int tsrv_start(struct tsrv *s, const struct tsrv_opts *o)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	char *cert = NULL, *key = NULL, *ca = NULL;
	struct MHD_OptionItem opt[8];
	const union MHD_DaemonInfo *di;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int n = 0;

	memset(s, 0, sizeof(*s));
	if (pipe(s->stop_pipe) < 0)
		return -1;
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_SOCK_ADDR, 0, &sa };
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
					    (intptr_t)completed, NULL };
	if (o && o->tls) {
		flags |= MHD_USE_TLS;
		cert = slurp(o->cert);
		key = slurp(o->key);
		if (!cert || !key)
			goto fail;
		opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, cert };
		opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, key };
		if (o->client_ca) {
			ca = slurp(o->client_ca);
			if (!ca)
				goto fail;
			opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, ca };
		}
		if (o->priorities)
			opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_PRIORITIES, 0,
							    (void *)o->priorities };
	}
	if (o && o->idle_timeout_s)
		opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
						    (intptr_t)o->idle_timeout_s, NULL };
	opt[n++] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	s->d = MHD_start_daemon(flags, 0, NULL, NULL, handler, s,
				MHD_OPTION_ARRAY, opt, MHD_OPTION_END);
	if (!s->d)
		goto fail;
	s->pem[0] = cert;
	s->pem[1] = key;
	s->pem[2] = ca;
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	s->port = di ? di->port : 0;
	if (!s->port) {
		tsrv_stop(s);
		return -1;
	}
	return 0;
fail:
	free(cert);
	free(key);
	free(ca);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	s->d = NULL;
	return -1;
}

void tsrv_stop(struct tsrv *s)
{
	if (!s->d)
		return;
	if (write(s->stop_pipe[1], "x", 1) < 0)
		perror("tsrv_stop");
	MHD_stop_daemon(s->d);
	s->d = NULL;
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	for (int i = 0; i < 3; i++) {
		free(s->pem[i]);
		s->pem[i] = NULL;
	}
}

/* ---- PKI ---- */

static char pki_dir[256];
static bool pki_ours;

bool tsrv_pki_is_ours(void)
{
	return pki_ours;
}

const char *tsrv_pki(void)
{
	char cmd[600];
	const char *src = getenv("ESOL_SRCDIR");

	if (pki_dir[0])
		return pki_dir;
	if (getenv("ESOL_TEST_PKI") && *getenv("ESOL_TEST_PKI")) {
		snprintf(pki_dir, sizeof(pki_dir), "%s", getenv("ESOL_TEST_PKI"));
		return pki_dir;
	}
	pki_ours = true;
	snprintf(pki_dir, sizeof(pki_dir), "/tmp/esol-nettest-pki.XXXXXX");
	if (!mkdtemp(pki_dir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(cmd, sizeof(cmd), "%s/scripts/mkpki.sh %s", src ? src : ".", pki_dir);
	if (system(cmd) != 0) {
		fprintf(stderr, "net_testsrv: %s failed\n", cmd);
		exit(2);
	}
	return pki_dir;
}

const char *tsrv_pki_file(const char *name)
{
	static char bufs[8][320];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", tsrv_pki(), name);
	return b;
}

/* ---- ports and tinyproxy ---- */

unsigned tsrv_dead_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	unsigned port = 0;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
		port = ntohs(sa.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static bool can_connect(unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok;

	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	ok = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

int tproxy_start(struct tproxy *p, const char *user, const char *password)
{
	char conf[320];
	FILE *f;

	memset(p, 0, sizeof(*p));
	if (access("/usr/bin/tinyproxy", X_OK) < 0)
		return -1;
	snprintf(p->dir, sizeof(p->dir), "/tmp/esol-nettest-proxy.XXXXXX");
	if (!mkdtemp(p->dir))
		return -1;
	p->port = tsrv_dead_port();
	snprintf(conf, sizeof(conf), "%s/tinyproxy.conf", p->dir);
	f = fopen(conf, "w");
	if (!f)
		return -1;
	fprintf(f, "Port %u\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\n"
		"LogFile \"%s/tinyproxy.log\"\nLogLevel Connect\nAllow 127.0.0.1\n",
		p->port, p->dir);
	if (user)
		fprintf(f, "BasicAuth %s %s\n", user, password);
	fclose(f);
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		/* a failed test exits without its teardown: do not outlive it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		execl("/usr/bin/tinyproxy", "tinyproxy", "-d", "-c", conf, (char *)NULL);
		_exit(127);
	}
	/* test set-up, not a timed assertion: wait until it listens */
	for (int i = 0; i < 500; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (can_connect(p->port))
			return 0;
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = 0;
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	tproxy_stop(p);
	return -1;
}

void tproxy_stop(struct tproxy *p)
{
	char cmd[300];

	if (p->pid > 0) {
		kill(p->pid, SIGTERM);
		waitpid(p->pid, NULL, 0);
		p->pid = 0;
	}
	if (p->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", p->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", p->dir);
		p->dir[0] = '\0';
	}
}

int tproxy_connects(const struct tproxy *p)
{
	char path[300], line[512];
	FILE *f;
	int n = 0;

	snprintf(path, sizeof(path), "%s/tinyproxy.log", p->dir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "): CONNECT "))
			n++;
	fclose(f);
	return n;
}

int tsrv_run(Suite *s)
{
	char cmd[300];
	int r;

	tsrv_pki();
	r = ck_run(s);
	if (tsrv_pki_is_ours()) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tsrv_pki());
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove the test PKI\n");
	}
	return r;
}
