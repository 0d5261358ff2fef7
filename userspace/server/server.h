/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * server/server: esol-server assembled: reads the certificate files,
 * opens the ledger, sets up fault injection and capture, starts the
 * HTTPS front end; and takes it all down again.
 */
#ifndef ESOL_SERVER_SERVER_H
#define ESOL_SERVER_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "server/fault.h"
#include "server/ledger.h"

struct server_opts {
	const char *listen;		/* "ADDR:PORT", used when listen_fd < 0 */
	int listen_fd;
	const char *cert;		/* PEM files */
	const char *key;
	const char *client_ca;		/* NULL: no client authentication */
	const char *db;
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
