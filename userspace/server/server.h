/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/server: esol-server assembled: reads the certificate files,
 * opens the ledger connections, sets up fault injection and capture,
 * starts the HTTP side (embedded HTTPS, or plain HTTP behind a front);
 * and takes it all down again.
 */
#ifndef ESOL_SERVER_SERVER_H
#define ESOL_SERVER_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/fault.h"
#include "server/ledger.h"

struct server_opts {
	const char *listen;		/* "ADDR:PORT" or "unix:PATH", used when listen_fd < 0 */
	int listen_fd;
	bool behind_front;		/* plain HTTP behind a TLS front (see http.h) */
	bool front_client_cert;		/* behind a front: require its verified certificate */
	unsigned int threads;		/* behind a front: HTTP workers and ledger connections */
	int poll_flush_ms;		/* behind a front: poll bookkeeping written behind every
					 * this many ms; 0 off; < 0 the default (200) */
	long poll_cache;		/* behind a front, PostgreSQL, poll_flush_ms != 0: poll
					 * decisions kept for this many devices; 0 off; < 0
					 * the default (65536) */
	const char *cert;		/* embedded: PEM files */
	const char *key;
	const char *client_ca;		/* embedded: NULL, no client authentication */
	const char *db;			/* SQLite file or PostgreSQL (see ledger.h) */
	struct ledger_defaults defaults;
	struct fault_spec fault;
	const char *fault_file;		/* NULL: none */
	const char *capture_dir;	/* NULL: no capture */
	int64_t fixed_now;		/* 0: real clock */
	const char *now_file;		/* NULL: none (see handlers_now) */
};

struct server;

/* Read a whole (small, <= 1 MiB) file into a NUL-terminated buffer; len may be NULL. */
int server_read_file(const char *path, char **out, size_t *len, char *err, size_t errlen);

/*
 * Check everything server_start needs that can be checked without
 * starting (files readable, certificate and key matching, ledger opens,
 * capture directory usable), so a daemon can fail before it detaches.
 */
int server_check(const struct server_opts *o, char *err, size_t errlen);

int server_start(const struct server_opts *o, struct server **out, char *err, size_t errlen);
uint16_t server_port(const struct server *s);
void server_stop(struct server *s);

#endif /* ESOL_SERVER_SERVER_H */
