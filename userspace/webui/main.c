// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * esol-webui: the administrator's web page of esol on the device.
 *
 * Reads its configuration (webui/wconf.h), makes its self-signed HTTPS
 * certificate on first start when none is configured, serves the pages
 * (webui/app.h) and waits for SIGTERM/SIGINT.  It stays in the
 * foreground (the init script or systemd runs it as a service).
 * --set-password reads a new administrator password from stdin (one
 * line) and saves its hash, for provisioning and for a forgotten one.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/version.h"
#include "webui/app.h"
#include "webui/passwd.h"
#include "webui/tlscert.h"
#include "webui/wconf.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: esol-webui [-c FILE] [--syslog] [--set-password]\n"
"\n"
"The administrator's web page of esol: status, settings and what left the\n"
"device, talking to esold through its control socket.\n"
"\n"
"  -c, --config FILE   configuration (default %s)\n"
"      --syslog        log to syslog instead of stderr\n"
"      --set-password  read a new administrator password from stdin and exit\n"
"  -V, --version\n"
"  -h, --help\n", WCONF_DEFAULT_PATH);
}

static int set_password(const struct webui_config *cfg)
{
	char pw[PW_MAX_LEN + 3], line[PW_LINE_MAX], msg[160];
	size_t n;
	int r;

	if (!fgets(pw, sizeof(pw), stdin)) {
		fprintf(stderr, "esol-webui: no password on stdin\n");
		return 2;
	}
	n = strlen(pw);
	if (n && pw[n - 1] == '\n')
		pw[--n] = '\0';
	if (pw_policy(pw, pw, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "esol-webui: %s\n", msg);
		return 2;
	}
	r = pw_hash(pw, PW_ITER_DEFAULT, line);
	memset(pw, 0, sizeof(pw));
	if (r == 0)
		r = pw_file_write(cfg->password_file, line);
	if (r < 0) {
		fprintf(stderr, "esol-webui: cannot save %s: %s\n", cfg->password_file,
			strerror(-r));
		return 1;
	}
	printf("esol-webui: administrator password saved in %s\n", cfg->password_file);
	return 0;
}

/* The certificate and key as PEM text (made on first start if not configured). */
static int load_tls(const struct webui_config *cfg, char **cert, char **key)
{
	char cpath[PATH_MAX], kpath[PATH_MAX], err[512];
	int made = 0, r;

	if (cfg->cert_file[0]) {
		snprintf(cpath, sizeof(cpath), "%s", cfg->cert_file);
		snprintf(kpath, sizeof(kpath), "%s", cfg->key_file);
	} else {
		snprintf(cpath, sizeof(cpath), "%s/tls.crt", cfg->state_dir);
		snprintf(kpath, sizeof(kpath), "%s/tls.key", cfg->state_dir);
		r = tlscert_ensure(cpath, kpath, &made, err, sizeof(err));
		if (r < 0) {
			log_err("self-signed certificate: %s", err);
			return r;
		}
		if (made)
			log_notice("made a self-signed certificate: %s", cpath);
	}
	r = tlscert_read_pem(cpath, cert);
	if (r == 0) {
		r = tlscert_read_pem(kpath, key);
		if (r < 0) {
			free(*cert);
			*cert = NULL;
		}
	}
	if (r < 0)
		log_err("cannot read %s / %s: %s", cpath, kpath, strerror(-r));
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "syslog", no_argument, NULL, 's' },
		{ "set-password", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = WCONF_DEFAULT_PATH;
	bool use_syslog = false, setpw = false;
	struct webui_config cfg;
	char msg[512], *cert = NULL, *key = NULL;
	struct app *app = NULL;
	sigset_t set;
	int c, sig, r;

	while ((c = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config = optarg;
			break;
		case 's':
			use_syslog = true;
			break;
		case 'p':
			setpw = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			esol_print_version("esol-webui");
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	wconf_defaults(&cfg);
	log_init("esol-webui", use_syslog ? LOG_SINK_SYSLOG : LOG_SINK_STDERR, LOG_INFO);
	r = wconf_load(config, &cfg, msg, sizeof(msg));
	if (r < 0) {
		log_err("%s", msg);
		return 1;
	}
	log_set_level(cfg.log_level);
	if (setpw)
		return set_password(&cfg);

	/* Signals are taken with sigwait; libmicrohttpd's thread inherits the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cfg.tls && load_tls(&cfg, &cert, &key) < 0)
		return 1;
	r = app_start(&cfg, cert, key, &app, msg, sizeof(msg));
	if (r < 0) {
		log_err("%s", msg);
		free(cert);
		free(key);
		return 1;
	}
	log_notice("serving %s://%s (esold at %s)", cfg.tls ? "https" : "http", cfg.listen,
		   cfg.socket);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("SIGHUP: nothing to reload (esol-webui keeps no settings of esold's)");
			continue;
		}
		break;
	}
	log_notice("stopping (signal %d)", sig);
	app_stop(app);
	if (key)
		memset(key, 0, strlen(key));
	free(cert);
	free(key);
	return 0;
}
