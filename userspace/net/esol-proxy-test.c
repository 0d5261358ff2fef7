// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * esol-proxy-test: for field engineers.  Shows how esold would reach a URL
 * from this device: where the proxy decision came from (manual, the
 * environment, a PAC file, WPAD), the candidate list, and what happened
 * with each candidate tried, through the very transport esold uses.
 *
 *   esol-proxy-test https://server.example.com/
 *   esol-proxy-test https://server.example.com/ --pac ./wpad.dat
 *   esol-proxy-test https://server.example.com/ --pac-url http://wpad/wpad.dat
 *   esol-proxy-test https://server.example.com/ --proxy proxy:3128
 *
 * Exit status: 0 when the server answered over HTTPS (any HTTP status),
 * 1 when it could not be reached, 2 on a usage or configuration error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/version.h"
#include "common/log.h"
#include "net/netsync.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: esol-proxy-test URL [options]\n"
"\n"
"Proxy (default: auto - the environment, then WPAD/PAC):\n"
"  --pac FILE            evaluate this PAC file (no fetch)\n"
"  --pac-url URL         fetch the PAC from URL (http or https)\n"
"  --no-wpad             in auto mode, do not look for wpad.<domain>\n"
"  --no-env              ignore https_proxy/all_proxy/no_proxy\n"
"  --proxy HOST:PORT     a manual proxy\n"
"  --proxy-user USER     its user; the password is read from the\n"
"                        ESOL_PROXY_PASSWORD environment variable\n"
"  --direct              no proxy at all\n"
"TLS:\n"
"  --ca FILE             CA bundle (default: the system's)\n"
"  --pin sha256//...     public-key pin\n"
"  --cert FILE --key FILE  client certificate and key\n"
"Other:\n"
"  --post JSON           POST this body instead of a GET\n"
"  --timeout SECONDS     per attempt (default 30)\n"
"  --connect-to H:P:H2:P2  like curl's --connect-to\n"
"  -v, --verbose         log the decision steps\n"
"  -V, --version\n"
"  -h, --help\n");
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t n;

		if (len + 4096 + 1 > cap) {
			char *p;

			cap = cap ? cap * 2 : 8192;
			if (cap > (1u << 20) + 8192) {
				errno = EFBIG;
				goto fail;
			}
			p = realloc(buf, cap);
			if (!p)
				goto fail;
			buf = p;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
		if (n < 4096)
			break;
	}
	if (ferror(f))
		goto fail;
	buf[len] = '\0';
	fclose(f);
	return buf;
fail:
	free(buf);
	fclose(f);
	return NULL;
}

/* Split "https://host[:port]/path?q" into the server part and the path. */
static int split_url(const char *url, char **server, char **path)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *p = NULL, *q = NULL;
	int r = -EINVAL;

	if (!u)
		return -ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &p, 0) != CURLUE_OK)
		goto out;
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_QUERY, &q, 0);
	/* (asprintf leaves its pointer undefined when it fails) */
	if (asprintf(server, "%s://%s%s%s", scheme, host, port ? ":" : "",
		     port ? port : "") < 0) {
		*server = NULL;
		goto out;
	}
	if (asprintf(path, "%s%s%s", p, q ? "?" : "", q ? q : "") < 0) {
		/* The caller frees *server too: it must not see it twice. */
		free(*server);
		*server = NULL;
		*path = NULL;
		goto out;
	}
	r = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(p);
	curl_free(q);
	curl_url_cleanup(u);
	return r;
}

int main(int argc, char **argv)
{
	enum { O_PAC = 256, O_PAC_URL, O_NO_WPAD, O_NO_ENV, O_PROXY, O_PROXY_USER,
	       O_DIRECT, O_CA, O_PIN, O_CERT, O_KEY, O_POST, O_TIMEOUT, O_CONNECT_TO };
	static const struct option lo[] = {
		{ "pac", required_argument, NULL, O_PAC },
		{ "pac-url", required_argument, NULL, O_PAC_URL },
		{ "no-wpad", no_argument, NULL, O_NO_WPAD },
		{ "no-env", no_argument, NULL, O_NO_ENV },
		{ "proxy", required_argument, NULL, O_PROXY },
		{ "proxy-user", required_argument, NULL, O_PROXY_USER },
		{ "direct", no_argument, NULL, O_DIRECT },
		{ "ca", required_argument, NULL, O_CA },
		{ "pin", required_argument, NULL, O_PIN },
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "post", required_argument, NULL, O_POST },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "connect-to", required_argument, NULL, O_CONNECT_TO },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_config cfg = { 0 };
	struct net_request req = { .method = NET_GET };
	struct net_proxy_cand manual;
	struct net_result r;
	struct net_sync *s = NULL;
	const char *connect_to[2] = { NULL, NULL };
	char *pac_text = NULL, *server = NULL, *path = NULL;
	char err[300], list[1024];
	bool no_env = false;
	int opt, rc = 2;

	log_init("esol-proxy-test", LOG_SINK_STDERR, LOG_WARNING);
	cfg.proxy.mode = NET_PROXY_MODE_AUTO;
	cfg.total_timeout_ms = 30000;
	cfg.user_agent = "esol-proxy-test";
	while ((opt = getopt_long(argc, argv, "vhV", lo, NULL)) != -1) {
		switch (opt) {
		case O_PAC:
			free(pac_text);
			pac_text = read_file(optarg);
			if (!pac_text) {
				fprintf(stderr, "esol-proxy-test: %s: %s\n", optarg, strerror(errno));
				return 2;
			}
			cfg.proxy.pac_script = pac_text;
			break;
		case O_PAC_URL:	cfg.proxy.pac_url = optarg; break;
		case O_NO_WPAD:	cfg.proxy.no_wpad = true; break;
		case O_NO_ENV:	no_env = true; break;
		case O_PROXY:
			if (net_proxy_parse_url(optarg, &manual, err, sizeof(err)) < 0 ||
			    manual.type != NET_PROXY_HTTP) {
				fprintf(stderr, "esol-proxy-test: --proxy: %s\n",
					manual.type != NET_PROXY_HTTP ? "an HTTP proxy host:port" : err);
				return 2;
			}
			cfg.proxy.mode = NET_PROXY_MODE_MANUAL;
			cfg.proxy.host = manual.host;
			cfg.proxy.port = manual.port;
			if (manual.user[0]) {
				cfg.proxy.user = manual.user;
				cfg.proxy.password = manual.password;
			}
			break;
		case O_PROXY_USER:
			cfg.proxy.user = optarg;
			cfg.proxy.password = getenv("ESOL_PROXY_PASSWORD");
			break;
		case O_DIRECT:	cfg.proxy.mode = NET_PROXY_MODE_NONE; break;
		case O_CA:	cfg.ca_file = optarg; break;
		case O_PIN:	cfg.pin = optarg; break;
		case O_CERT:	cfg.client_cert = optarg; break;
		case O_KEY:	cfg.client_key = optarg; break;
		case O_POST:
			req.method = NET_POST;
			req.body = optarg;
			req.body_len = strlen(optarg);
			break;
		case O_TIMEOUT:
			cfg.total_timeout_ms = strtol(optarg, NULL, 10) * 1000;
			if (cfg.total_timeout_ms <= 0) {
				fprintf(stderr, "esol-proxy-test: --timeout: seconds, > 0\n");
				return 2;
			}
			break;
		case O_CONNECT_TO:	connect_to[0] = optarg; cfg.connect_to = connect_to; break;
		case 'v':	log_set_level(LOG_DEBUG); break;
		case 'h':	usage(stdout); return 0;
		case 'V':	esol_print_version("esol-proxy-test"); return 0;
		default:	usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		goto out;
	}
	if (!no_env)
		net_proxy_env_load(&cfg.proxy.env);
	if (split_url(argv[optind], &server, &path) < 0) {
		fprintf(stderr, "esol-proxy-test: '%s' is not a URL\n", argv[optind]);
		goto out;
	}
	cfg.server_url = server;
	req.path = path;
	if (net_sync_new(&cfg, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "esol-proxy-test: %s\n", err);
		goto out;
	}
	printf("url:        %s\n", argv[optind]);
	printf("proxy mode: %s\n", net_proxy_mode_name(cfg.proxy.mode));
	if (net_sync_request(s, &req, &r) < 0) {
		fprintf(stderr, "esol-proxy-test: cannot start the request\n");
		goto out;
	}
	net_proxy_list_format(&r.cands, list, sizeof(list));
	printf("decided by: %s%s%s\n", net_proxy_source_name(r.proxy_source),
	       r.proxy_note[0] ? ": " : "", r.proxy_note);
	printf("candidates: %s\n", list[0] ? list : "(none)");
	for (unsigned i = 0; i < r.n_attempts; i++)
		printf("attempt %u:  %-28s -> %s%s%s\n", i + 1, r.attempts[i].proxy,
		       net_status_name(r.attempts[i].status),
		       r.attempts[i].message[0] ? ": " : "", r.attempts[i].message);
	printf("used:       %s\n", r.proxy_used[0] ? r.proxy_used : "(none)");
	printf("result:     %s", net_status_name(r.status));
	if (r.http_status)
		printf(", HTTP %ld", r.http_status);
	if (r.retry_after_s >= 0)
		printf(", retry after %ld s", r.retry_after_s);
	printf("\nbytes:      %llu sent, %llu received\n",
	       (unsigned long long)r.bytes_sent, (unsigned long long)r.bytes_received);
	/* reached the server: it answered in HTTP over verified TLS */
	rc = r.http_status ? 0 : 1;
	if (rc)
		printf("message:    %s\n", r.message);
out:
	net_sync_free(s);
	free(server);
	free(path);
	free(pac_text);
	return rc;
}
