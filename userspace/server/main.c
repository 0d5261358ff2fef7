// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * esol-server: the reference Communication Server, and its ledger CLI.
 *
 *   esol-server [serve] --cert F --key F --db PATH [options]
 *   esol-server serve --behind-front --listen unix:PATH --db postgresql://... [options]
 *   esol-server export --db PATH --cycle YYYY-MM [--out FILE]
 *   esol-server list-devices|list-reads|list-supplies --db PATH [--device ID] [--json]
 *   esol-server set-device --db PATH --device ID [--cycle-day N]
 *               [--supplies on|off] [--supplies-interval S]
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/version.h"
#include "common/log.h"
#include "proto/proto.h"
#include "server/allowlist.h"
#include "server/cli.h"
#include "server/cycle.h"
#include "server/export.h"
#include "server/http.h"
#include "server/ledger.h"
#include "server/server.h"

#define DEFAULT_LISTEN "127.0.0.1:8443"
#define DEFAULT_INTERVAL 86400

struct args {
	const char *cmd;
	struct server_opts so;
	const char *device;
	const char *port_file;
	const char *pid_file;
	const char *allowlist;
	const char *cycle;		/* export */
	const char *out;		/* export: NULL, stdout */
	bool foreground;
	bool json;
	int log_level;
	int cycle_day;			/* 0: not given */
	int supplies;			/* -1: not given */
	uint32_t interval;		/* 0: not given */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: esol-server [serve] --cert FILE --key FILE --db DB [options]\n"
		"       esol-server serve --behind-front --listen unix:PATH|127.0.0.1:PORT --db DB [options]\n"
		"       esol-server export --db DB --cycle YYYY-MM [--out FILE]\n"
		"                  (the cycle's meter reads as CSV, for billing)\n"
		"       esol-server list-devices|list-reads|list-supplies --db PATH [--device ID] [--json]\n"
		"       esol-server set-device --db PATH --device ID [--cycle-day N]\n"
		"                  [--supplies on|off] [--supplies-interval SECONDS]\n"
		"       esol-server check-capture --capture DIR --allowlist docs/protocol.md\n"
		"                  (every captured body against the protocol's data allowlist)\n"
		"\n"
		"serve options:\n"
		"  --listen ADDR:PORT       numeric address to bind (default " DEFAULT_LISTEN ");\n"
		"                           behind a front also unix:PATH\n"
		"  --behind-front           plain HTTP for a TLS front (nginx) on unix:PATH or the\n"
		"                           loopback; the front's X-Esol-Client-* headers are believed\n"
		"  --front-client-cert required|none  behind a front: require the device certificate\n"
		"                           the front verified (default required)\n"
		"  --threads N              behind a front: HTTP workers and database connections\n"
		"                           (default 4)\n"
		"  --poll-flush-ms MS       behind a front: a poll that makes no request is answered\n"
		"                           without writing; its bookkeeping (last poll, reported\n"
		"                           configuration) is written every MS ms (default 200; 0:\n"
		"                           write every poll before its reply)\n"
		"  --poll-cache N           behind a front on PostgreSQL, with --poll-flush-ms:\n"
		"                           keep the poll decisions of up to N devices in memory,\n"
		"                           forgotten when the database announces a change\n"
		"                           (default 65536; 0: every poll asks the database)\n"
		"  --cert FILE --key FILE   server certificate chain and key (PEM)\n"
		"  --client-ca FILE         require device client certificates from this CA;\n"
		"                           the certificate CN must equal the device_id\n"
		"  --db DB                  SQLite ledger file (created if missing), or PostgreSQL:\n"
		"                           postgresql://... or pg:'libpq key=value ...'\n"
		"  --cycle-day N            billing day of month for new devices, 1..28 (default 1)\n"
		"  --supplies on|off        Supplies Assistant for new devices (default on)\n"
		"  --supplies-interval S    its interval, %d..%d s (default %d)\n"
		"  --fault SPEC             inject faults: MODE[:ARG][@PATH][*COUNT], MODE one of\n"
		"                           none 500 503[:s] 429[:s] slow[:ms] stall garbage drop lost-reply\n"
		"  --fault-file PATH        admin file whose first line replaces --fault while it exists\n"
		"  --capture DIR            store every request body received in DIR\n"
		"  --now TIME               fixed server time (RFC 3339 UTC or Unix seconds; tests);\n"
		"                           also from $ESOL_SERVER_NOW\n"
		"  --now-file PATH          while PATH exists, its first line (a time) is the server\n"
		"                           time; re-read on every request (tests move the clock)\n"
		"  --port-file PATH         write the bound port here (useful with port 0)\n"
		"  --pid-file PATH          write the process id here\n"
		"  --foreground             do not detach; log to stderr\n"
		"  --log-level LEVEL        error|warning|notice|info|debug (default info)\n",
		PROTO_SUPPLIES_INTERVAL_MIN, PROTO_SUPPLIES_INTERVAL_MAX, DEFAULT_INTERVAL);
}

static bool parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static bool parse_time(const char *s, int64_t *t)
{
	long v;

	if (proto_time_parse(s, t) == PROTO_OK)
		return true;
	if (parse_int(s, (long)PROTO_TIME_MIN, (long)PROTO_TIME_MAX, &v)) {
		*t = v;
		return true;
	}
	return false;
}

static bool parse_onoff(const char *s, int *out)
{
	if (!strcmp(s, "on") || !strcmp(s, "true") || !strcmp(s, "1"))
		*out = 1;
	else if (!strcmp(s, "off") || !strcmp(s, "false") || !strcmp(s, "0"))
		*out = 0;
	else
		return false;
	return true;
}

enum { O_LISTEN = 256, O_CERT, O_KEY, O_CLIENT_CA, O_DB, O_CYCLE_DAY, O_SUPPLIES,
       O_INTERVAL, O_FAULT, O_FAULT_FILE, O_CAPTURE, O_NOW, O_PORT_FILE, O_PID_FILE,
       O_FOREGROUND, O_LOG_LEVEL, O_DEVICE, O_JSON, O_HELP, O_VERSION, O_ALLOWLIST, O_NOW_FILE,
       O_BEHIND_FRONT, O_FRONT_CERT, O_THREADS, O_CYCLE, O_OUT, O_POLL_FLUSH, O_POLL_CACHE };

static const struct option longopts[] = {
	{ "listen", required_argument, NULL, O_LISTEN },
	{ "cert", required_argument, NULL, O_CERT },
	{ "key", required_argument, NULL, O_KEY },
	{ "client-ca", required_argument, NULL, O_CLIENT_CA },
	{ "db", required_argument, NULL, O_DB },
	{ "cycle-day", required_argument, NULL, O_CYCLE_DAY },
	{ "supplies", required_argument, NULL, O_SUPPLIES },
	{ "supplies-interval", required_argument, NULL, O_INTERVAL },
	{ "fault", required_argument, NULL, O_FAULT },
	{ "fault-file", required_argument, NULL, O_FAULT_FILE },
	{ "capture", required_argument, NULL, O_CAPTURE },
	{ "now", required_argument, NULL, O_NOW },
	{ "now-file", required_argument, NULL, O_NOW_FILE },
	{ "port-file", required_argument, NULL, O_PORT_FILE },
	{ "pid-file", required_argument, NULL, O_PID_FILE },
	{ "foreground", no_argument, NULL, O_FOREGROUND },
	{ "log-level", required_argument, NULL, O_LOG_LEVEL },
	{ "device", required_argument, NULL, O_DEVICE },
	{ "json", no_argument, NULL, O_JSON },
	{ "allowlist", required_argument, NULL, O_ALLOWLIST },
	{ "behind-front", no_argument, NULL, O_BEHIND_FRONT },
	{ "front-client-cert", required_argument, NULL, O_FRONT_CERT },
	{ "threads", required_argument, NULL, O_THREADS },
	{ "poll-flush-ms", required_argument, NULL, O_POLL_FLUSH },
	{ "poll-cache", required_argument, NULL, O_POLL_CACHE },
	{ "cycle", required_argument, NULL, O_CYCLE },
	{ "out", required_argument, NULL, O_OUT },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* Returns 0 to go on, 1 to exit successfully, 2 on a usage error. */
static int parse_args(int argc, char **argv, struct args *a)
{
	const char *env_now = getenv("ESOL_SERVER_NOW");
	char err[256];
	long v;
	int c;

	memset(a, 0, sizeof(*a));
	a->cmd = "serve";
	a->so.listen = DEFAULT_LISTEN;
	a->so.listen_fd = -1;
	a->so.front_client_cert = true;
	a->so.poll_flush_ms = -1;
	a->so.poll_cache = -1;
	a->so.fault.count = -1;
	a->supplies = -1;
	a->log_level = LOG_INFO;
	if (argc > 1 && argv[1][0] != '-') {
		a->cmd = argv[1];
		argv++;
		argc--;
	}
	if (env_now && *env_now && !parse_time(env_now, &a->so.fixed_now)) {
		fprintf(stderr, "esol-server: ESOL_SERVER_NOW '%s' is not a time\n", env_now);
		return 2;
	}
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_LISTEN: a->so.listen = optarg; break;
		case O_CERT: a->so.cert = optarg; break;
		case O_KEY: a->so.key = optarg; break;
		case O_CLIENT_CA: a->so.client_ca = optarg; break;
		case O_DB: a->so.db = optarg; break;
		case O_CYCLE_DAY:
			if (!parse_int(optarg, CYCLE_DAY_MIN, CYCLE_DAY_MAX, &v)) {
				fprintf(stderr, "esol-server: --cycle-day must be 1..28\n");
				return 2;
			}
			a->cycle_day = (int)v;
			break;
		case O_SUPPLIES:
			if (!parse_onoff(optarg, &a->supplies)) {
				fprintf(stderr, "esol-server: --supplies must be on or off\n");
				return 2;
			}
			break;
		case O_INTERVAL:
			if (!parse_int(optarg, PROTO_SUPPLIES_INTERVAL_MIN,
				       PROTO_SUPPLIES_INTERVAL_MAX, &v)) {
				fprintf(stderr, "esol-server: --supplies-interval must be %d..%d\n",
					PROTO_SUPPLIES_INTERVAL_MIN, PROTO_SUPPLIES_INTERVAL_MAX);
				return 2;
			}
			a->interval = (uint32_t)v;
			break;
		case O_FAULT:
			if (fault_parse(optarg, &a->so.fault, err, sizeof(err))) {
				fprintf(stderr, "esol-server: --fault: %s\n", err);
				return 2;
			}
			break;
		case O_FAULT_FILE: a->so.fault_file = optarg; break;
		case O_CAPTURE: a->so.capture_dir = optarg; break;
		case O_NOW:
			if (!parse_time(optarg, &a->so.fixed_now)) {
				fprintf(stderr, "esol-server: --now '%s' is not a time\n", optarg);
				return 2;
			}
			break;
		case O_NOW_FILE: a->so.now_file = optarg; break;
		case O_PORT_FILE: a->port_file = optarg; break;
		case O_PID_FILE: a->pid_file = optarg; break;
		case O_FOREGROUND: a->foreground = true; break;
		case O_LOG_LEVEL:
			a->log_level = log_level_from_name(optarg);
			if (a->log_level < 0) {
				fprintf(stderr, "esol-server: unknown log level '%s'\n", optarg);
				return 2;
			}
			break;
		case O_DEVICE: a->device = optarg; break;
		case O_JSON: a->json = true; break;
		case O_ALLOWLIST: a->allowlist = optarg; break;
		case O_BEHIND_FRONT: a->so.behind_front = true; break;
		case O_FRONT_CERT:
			if (!strcmp(optarg, "required")) {
				a->so.front_client_cert = true;
			} else if (!strcmp(optarg, "none")) {
				a->so.front_client_cert = false;
			} else {
				fprintf(stderr, "esol-server: --front-client-cert must be required"
					" or none\n");
				return 2;
			}
			break;
		case O_THREADS:
			if (!parse_int(optarg, 1, 256, &v)) {
				fprintf(stderr, "esol-server: --threads must be 1..256\n");
				return 2;
			}
			a->so.threads = (unsigned int)v;
			break;
		case O_POLL_FLUSH:
			if (!parse_int(optarg, 0, 60000, &v)) {
				fprintf(stderr, "esol-server: --poll-flush-ms must be 0..60000\n");
				return 2;
			}
			a->so.poll_flush_ms = (int)v;
			break;
		case O_POLL_CACHE:
			if (!parse_int(optarg, 0, 16777216, &v)) {
				fprintf(stderr, "esol-server: --poll-cache must be 0..16777216\n");
				return 2;
			}
			a->so.poll_cache = v;
			break;
		case O_CYCLE:
			if (!export_cycle_valid(optarg)) {
				fprintf(stderr, "esol-server: --cycle must be YYYY-MM\n");
				return 2;
			}
			a->cycle = optarg;
			break;
		case O_OUT: a->out = optarg; break;
		case O_HELP: usage(stdout); return 1;
		case O_VERSION: esol_print_version("esol-server"); return 1;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "esol-server: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!strcmp(a->cmd, "check-capture")) {
		if (!a->so.capture_dir || !a->allowlist) {
			fprintf(stderr, "esol-server: check-capture needs --capture DIR and"
				" --allowlist FILE\n");
			return 2;
		}
	} else if (!a->so.db) {
		fprintf(stderr, "esol-server: --db PATH is required\n");
		return 2;
	}
	if (a->device && !proto_valid_device_id(a->device)) {
		fprintf(stderr, "esol-server: --device '%s' is not a device id\n", a->device);
		return 2;
	}
	a->so.defaults.cycle_day = a->cycle_day ? a->cycle_day : 1;
	a->so.defaults.supplies_enabled = a->supplies != 0;
	a->so.defaults.supplies_interval_s = a->interval ? a->interval : DEFAULT_INTERVAL;
	return 0;
}

static int write_number_file(const char *path, long v)
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fprintf(f, "%ld\n", v);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		int r = -errno;

		unlink(tmp);
		return r;
	}
	return 0;
}

static int serve(struct args *a)
{
	struct server *srv;
	char err[512];
	sigset_t set;
	int sig, r;

	if (!a->so.behind_front && (!a->so.cert || !a->so.key)) {
		fprintf(stderr, "esol-server: --cert and --key are required"
			" (or --behind-front)\n");
		return 2;
	}
	log_init("esol-server", a->foreground ? LOG_SINK_STDERR : LOG_SINK_SYSLOG, a->log_level);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (!a->foreground) {
		/* Find every error while stderr is still there, then detach. */
		r = server_check(&a->so, err, sizeof(err));
		if (!r)
			r = http_bind(a->so.listen, &a->so.listen_fd, err, sizeof(err));
		if (r) {
			fprintf(stderr, "esol-server: %s\n", err);
			return 1;
		}
		/* keep the working directory: relative paths stay meaningful */
		if (daemon(1, 0) != 0) {
			fprintf(stderr, "esol-server: daemon: %s\n", strerror(errno));
			return 1;
		}
	}
	r = server_start(&a->so, &srv, err, sizeof(err));
	if (r) {
		log_err("%s", err);
		return 1;
	}
	if (a->port_file && (r = write_number_file(a->port_file, server_port(srv))))
		log_err("--port-file %s: %s", a->port_file, strerror(-r));
	if (a->pid_file && (r = write_number_file(a->pid_file, (long)getpid())))
		log_err("--pid-file %s: %s", a->pid_file, strerror(-r));
	{
		char fdesc[128];

		fault_describe(&a->so.fault, fdesc, sizeof(fdesc));
		log_notice("listening on %s port %u (%s); ledger %s; client certificates %s;"
			   " fault %s%s", a->so.listen, server_port(srv),
			   a->so.behind_front ? "plain HTTP behind a TLS front" : "HTTPS",
			   strncmp(a->so.db, "postgres", 8) && strncmp(a->so.db, "pg:", 3) ?
			   a->so.db : "PostgreSQL",
			   (a->so.behind_front ? a->so.front_client_cert : a->so.client_ca != NULL) ?
			   "required" : "not required", fdesc,
			   a->so.fixed_now || a->so.now_file ? "; test clock" : "");
	}
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP: nothing to reload (the fault file is read on change)");
			continue;
		}
		break;
	}
	log_notice("stopping (signal %d)", sig);
	server_stop(srv);
	if (a->pid_file)
		unlink(a->pid_file);
	return 0;
}

static int admin(struct args *a)
{
	struct ledger *l;
	char err[512];
	int r;

	r = ledger_open(a->so.db, &l, err, sizeof(err));
	if (r) {
		fprintf(stderr, "esol-server: %s\n", err);
		return 1;
	}
	if (!strcmp(a->cmd, "list-devices")) {
		r = cli_list_devices(l, stdout, a->json);
	} else if (!strcmp(a->cmd, "list-reads")) {
		r = cli_list_reads(l, a->device, stdout, a->json);
	} else if (!strcmp(a->cmd, "list-supplies")) {
		r = cli_list_supplies(l, a->device, stdout, a->json);
	} else {	/* set-device */
		if (!a->device) {
			fprintf(stderr, "esol-server: set-device needs --device ID\n");
			ledger_close(l);
			return 2;
		}
		r = ledger_set_policy(l, a->device, a->cycle_day, a->supplies, a->interval);
	}
	if (r)
		fprintf(stderr, "esol-server: %s: %s\n", a->cmd,
			ledger_errmsg(l)[0] ? ledger_errmsg(l) : strerror(-r));
	ledger_close(l);
	return r ? 1 : 0;
}

static int export(struct args *a)
{
	struct ledger *l;
	char err[512];
	FILE *f = stdout;
	char tmp[4096];
	long n;

	if (!a->cycle) {
		fprintf(stderr, "esol-server: export needs --cycle YYYY-MM\n");
		return 2;
	}
	if (ledger_open(a->so.db, &l, err, sizeof(err))) {
		fprintf(stderr, "esol-server: %s\n", err);
		return 1;
	}
	/* a file appears whole or not at all */
	if (a->out) {
		snprintf(tmp, sizeof(tmp), "%s.tmp", a->out);
		f = fopen(tmp, "we");
		if (!f) {
			fprintf(stderr, "esol-server: %s: %s\n", tmp, strerror(errno));
			ledger_close(l);
			return 1;
		}
	}
	n = export_cycle_csv(l, a->cycle, f);
	if (n < 0)
		fprintf(stderr, "esol-server: export: %s\n",
			ledger_errmsg(l)[0] ? ledger_errmsg(l) : strerror((int)-n));
	if (a->out) {
		if (fclose(f) != 0 && n >= 0) {
			fprintf(stderr, "esol-server: %s: %s\n", tmp, strerror(errno));
			n = -EIO;
		}
		if (n >= 0 && rename(tmp, a->out) != 0) {
			fprintf(stderr, "esol-server: %s: %s\n", a->out, strerror(errno));
			n = -EIO;
		}
		if (n < 0)
			unlink(tmp);
		else
			fprintf(stderr, "esol-server: %ld reads of cycle %s in %s\n", n, a->cycle,
				a->out);
	}
	ledger_close(l);
	return n < 0 ? 1 : 0;
}

static int check_capture(struct args *a)
{
	struct allowlist *al;
	char err[512], *doc;
	int files = 0, bad;

	if (server_read_file(a->allowlist, &doc, NULL, err, sizeof(err)) ||
	    allowlist_load(doc, &al, err, sizeof(err))) {
		fprintf(stderr, "esol-server: %s: %s\n", a->allowlist, err);
		return 2;
	}
	free(doc);
	bad = allowlist_check_dir(al, a->so.capture_dir, stdout, &files);
	allowlist_free(al);
	if (bad < 0) {
		fprintf(stderr, "esol-server: %s: %s\n", a->so.capture_dir, strerror(-bad));
		return 2;
	}
	printf("%d bodies checked, %d outside the allowlist\n", files, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct args a;
	int r = parse_args(argc, argv, &a);

	if (r)
		return r == 1 ? 0 : 2;
	if (!strcmp(a.cmd, "serve"))
		return serve(&a);
	if (!strcmp(a.cmd, "check-capture"))
		return check_capture(&a);
	if (!strcmp(a.cmd, "export"))
		return export(&a);
	if (!strcmp(a.cmd, "list-devices") || !strcmp(a.cmd, "list-reads") ||
	    !strcmp(a.cmd, "list-supplies") || !strcmp(a.cmd, "set-device"))
		return admin(&a);
	fprintf(stderr, "esol-server: unknown command '%s'\n", a.cmd);
	usage(stderr);
	return 2;
}
