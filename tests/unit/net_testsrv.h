/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * net_testsrv: the real HTTP(S) server the network layer's tests talk to
 * (libmicrohttpd with GnuTLS, on loopback, a thread per connection), plus
 * the test PKI (scripts/mkpki.sh) and a real tinyproxy for proxy tests.
 *
 * Routes:
 *   POST/GET /v1/...      200 {"ok":true,"got":N} (N: request body bytes)
 *   POST /v1/poll         as /v1/..., or when poll_status is set that
 *                         status with poll_reply as the body and the
 *                         header poll_hdr, if set (counted in hits_poll
 *                         either way)
 *   ovr_path              when set: ovr_status with ovr_reply (hits_ovr)
 *   /busy                 503, Retry-After: 120
 *   /busy-date            503, Retry-After: an HTTP-date 1 h ahead
 *   /ratelimit            429 without Retry-After
 *   /status/NNN           that status, a small JSON body
 *   /big                  100 KiB with a Content-Length
 *   /big-chunked          100 KiB chunked (no length known up front)
 *   /stall                200, 100 bytes of body, then nothing until stop
 *   /redirect             302 to /v1/poll on the same server
 *   /whoami               the verified client certificate's CN, or "none"
 *   /wpad.dat             srv->pac (404 when NULL)
 * Every request is counted (srv->hits, by path prefix bucket below).
 */
#ifndef ESOL_TESTS_NET_TESTSRV_H
#define ESOL_TESTS_NET_TESTSRV_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct MHD_Daemon;

struct tsrv_opts {
	bool tls;
	const char *cert, *key;		/* PEM files (tls) */
	const char *client_ca;		/* PEM file: ask for client certificates */
	const char *priorities;		/* GnuTLS priority string, NULL: default */
	unsigned idle_timeout_s;	/* close a connection idle this long (0: never) */
};

struct tsrv {
	struct MHD_Daemon *d;
	unsigned port;
	int stop_pipe[2];
	const char *pac;		/* served at /wpad.dat */
	unsigned poll_status;		/* 0: /v1/poll is like any /v1/ path */
	const char *poll_reply;		/* its body ("" if NULL) */
	const char *poll_hdr, *poll_hdr_value;	/* one more header on it, or NULL */
	const char *ovr_path;		/* another path answered with: */
	unsigned ovr_status;
	const char *ovr_reply;
	char *pem[3];			/* cert, key, client CA: live as long as d */
	/* counters (updated by server threads) */
	volatile int hits_total, hits_v1, hits_wpad, hits_stall, hits_poll, hits_ovr;
	volatile size_t last_body_len;
	char last_ua[128];
};

/* Start on 127.0.0.1, an ephemeral port.  Returns 0 or -1. */
int tsrv_start(struct tsrv *s, const struct tsrv_opts *o);
void tsrv_stop(struct tsrv *s);

/*
 * Make the test PKI in a fresh temporary directory (once per process), or
 * use the one $ESOL_TEST_PKI names (made beforehand by scripts/mkpki.sh:
 * where there is no openssl, e.g. in a test VM).  tsrv_pki_is_ours() says
 * whether it was made here (and is the caller's to remove).
 */
const char *tsrv_pki(void);
bool tsrv_pki_is_ours(void);
/*
 * main() of a suite that uses the test PKI: made before the suite runs,
 * removed after it when it was made here; the exit status.
 */
int tsrv_run(Suite *s);
/* "<pki>/<name>" in a static buffer (one of a few rotating). */
const char *tsrv_pki_file(const char *name);

/* A real tinyproxy on 127.0.0.1; user NULL: no Basic auth. */
struct tproxy {
	pid_t pid;
	unsigned port;
	char dir[256];
};
/* Returns 0, or -1 when tinyproxy is not installed or does not start. */
int tproxy_start(struct tproxy *p, const char *user, const char *password);
void tproxy_stop(struct tproxy *p);
/* How many CONNECTs tinyproxy logged so far. */
int tproxy_connects(const struct tproxy *p);

/* A TCP port on 127.0.0.1 with nothing listening (bound, then closed). */
unsigned tsrv_dead_port(void);

#endif /* ESOL_TESTS_NET_TESTSRV_H */
