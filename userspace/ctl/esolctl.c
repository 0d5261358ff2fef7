// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * esolctl: command-line client of esold's control socket.
 *
 * Sends one request (ctl/ctlproto.h), waits for the reply with a timeout
 * and prints it as text, or as the reply's JSON data with --json.
 * Exit codes: 0 done; 1 esold refused or failed the request; 2 usage
 * error; 3 esold cannot be reached or answered garbage.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/escape.h"
#include "common/version.h"
#include "ctl/ctlproto.h"

enum { EXIT_REFUSED = 1, EXIT_USAGE = 2, EXIT_UNREACHABLE = 3 };

struct opts {
	const char *socket;
	bool json;
	int timeout_ms;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: esolctl [-s SOCKET] [--json] [-t SECONDS] COMMAND [ARGS]\n"
"\n"
"commands:\n"
"  status                 agent state: participation, next poll, last result,\n"
"                         supplies, spool, proxy, last error\n"
"  poll-now               poll the Communication Server now\n"
"  set KEY VALUE [KEY VALUE]...\n"
"                         change settings (up to %d, together) and save them\n"
"                         to the config file; KEY: section.name or enabled,\n"
"                         poll_time, timezone, spread_minutes, proxy,\n"
"                         proxy_host, proxy_port, pac_url, log_level... (the\n"
"                         server, paths and certificates: root only)\n"
"  enable | disable       same as set enabled true|false\n"
"  log [N]                the last N transmission-log records (default %d)\n"
"  spool list             messages waiting to be sent\n"
"  spool clear            delete every waiting message\n"
"  reload                 re-read the config file\n"
"  proxy-credentials set USER\n"
"                         the manual proxy's user name and password, kept in\n"
"                         esold's own file; the password is read from stdin\n"
"                         (a prompt without echo on a terminal), never argv\n"
"  proxy-credentials clear\n"
"                         remove them\n"
"\n"
"options:\n"
"  -s, --socket PATH      control socket (default $ESOL_CTL_SOCKET or %s)\n"
"  -j, --json             print the reply's data as JSON\n"
"  -t, --timeout SECONDS  give up waiting for esold after this long (default 10)\n"
"  -V, --version\n"
"  -h, --help\n",
		CTL_SET_MAX, CTL_LOG_COUNT_DEFAULT, CTL_DEFAULT_SOCKET);
}

/* Remaining ms until deadline (CLOCK_MONOTONIC ms). */
static int remaining_ms(int64_t deadline)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	return deadline > now ? (int)(deadline - now) : 0;
}

static int64_t deadline_after(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + ms;
}

/* Send line, read one reply line into *reply (malloc'd). Exit code or 0. */
static int exchange(const struct opts *o, const char *line, char **reply)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(line), off = 0, cap = 4096, have = 0;
	int64_t deadline = deadline_after(o->timeout_ms);
	struct pollfd pfd;
	char *buf;
	int fd;

	if (strlen(o->socket) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "esolctl: socket path too long: %s\n", o->socket);
		return EXIT_USAGE;
	}
	strcpy(sa.sun_path, o->socket);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "esolctl: cannot reach esold at %s: %s\n",
			o->socket, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_UNREACHABLE;
	}
	while (off < len) {
		ssize_t n = send(fd, line + off, len - off, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/*
			 * esold may have answered and closed already (busy,
			 * timeout): its reply is what to show, not EPIPE.
			 */
			if (errno == EPIPE || errno == ECONNRESET)
				break;
			fprintf(stderr, "esolctl: sending to esold: %s\n", strerror(errno));
			close(fd);
			return EXIT_UNREACHABLE;
		}
		off += (size_t)n;
	}
	/* One request: esold sees its end with it and needs no wait for it. */
	shutdown(fd, SHUT_WR);
	buf = malloc(cap);
	if (!buf) {
		close(fd);
		fprintf(stderr, "esolctl: out of memory\n");
		return EXIT_UNREACHABLE;
	}
	for (;;) {
		ssize_t n;
		int r;

		if (have && memchr(buf, '\n', have))
			break;
		pfd.fd = fd;
		pfd.events = POLLIN;
		r = poll(&pfd, 1, remaining_ms(deadline));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "esolctl: no reply from esold within %d s\n",
				o->timeout_ms / 1000);
			goto fail;
		}
		if (have + 1 >= cap) {
			char *nb;

			if (cap >= CTL_REPLY_MAX) {
				fprintf(stderr, "esolctl: reply longer than %d bytes\n",
					CTL_REPLY_MAX);
				goto fail;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				fprintf(stderr, "esolctl: out of memory\n");
				goto fail;
			}
			buf = nb;
			cap *= 2;
		}
		n = recv(fd, buf + have, cap - have - 1, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (off < len)
				fprintf(stderr, "esolctl: esold closed the connection before "
					"the request was sent, without a reply\n");
			else
				fprintf(stderr, "esolctl: esold closed the connection without "
					"a reply\n");
			goto fail;
		}
		have += (size_t)n;
	}
	buf[have] = '\0';
	close(fd);
	*reply = buf;
	return 0;
fail:
	free(buf);
	close(fd);
	return EXIT_UNREACHABLE;
}

/* ---- human-readable output ---- */

/*
 * Every string esold passes on may hold text from outside (a server's
 * reply, a PAC error, a proxy): escaped before it reaches the terminal.
 */
#define SHOW_MAX	8192

static void put_escaped(const char *s, size_t len, FILE *f)
{
	static char out[SHOW_MAX];

	fputs(esc_buf(out, sizeof(out), s, len), f);
}

static void put_str(const char *s, FILE *f)
{
	put_escaped(s, s ? strlen(s) : 0, f);
}

static void print_scalar(const json_t *v)
{
	if (json_is_string(v))
		put_escaped(json_string_value(v), json_string_length(v), stdout);
	else if (json_is_integer(v))
		printf("%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		printf("%g", json_real_value(v));
	else if (json_is_true(v))
		fputs("yes", stdout);
	else if (json_is_false(v))
		fputs("no", stdout);
	else if (json_is_null(v))
		fputs("-", stdout);
	else {
		char *s = json_dumps(v, JSON_COMPACT);

		put_str(s ? s : "?", stdout);
		free(s);
	}
}

/* key: value lines, nested objects flattened as "a.b". */
static void print_flat(const char *prefix, const json_t *obj, int width)
{
	const char *key;
	json_t *v;
	char name[128];

	json_object_foreach((json_t *)obj, key, v) {
		snprintf(name, sizeof(name), "%s%s%s", prefix, *prefix ? "." : "", key);
		if (json_is_object(v)) {
			print_flat(name, v, width);
			continue;
		}
		esc_inplace(name, sizeof(name));
		printf("%-*s ", width, name);
		print_scalar(v);
		putchar('\n');
	}
}

static void print_log(const json_t *data)
{
	const json_t *recs = json_object_get(data, "records");
	size_t i;
	json_t *r;

	if (!json_is_array(recs) || json_array_size(recs) == 0) {
		puts("no transmission-log records");
		return;
	}
	json_array_foreach(recs, i, r) {
		const char *key;
		json_t *v;

		if (!json_is_object(r))
			continue;
		if (i)
			putchar('\n');
		json_object_foreach(r, key, v) {
			char k[64];

			printf("%-10s ", esc_str(k, sizeof(k), key));
			print_scalar(v);
			putchar('\n');
		}
	}
}

static void print_spool(const json_t *data)
{
	const json_t *entries = json_object_get(data, "entries");
	size_t i;
	json_t *e;

	if (!json_is_array(entries) || json_array_size(entries) == 0) {
		puts("spool is empty");
		return;
	}
	json_array_foreach(entries, i, e) {
		const char *key;
		json_t *v;
		bool first = true;

		if (!json_is_object(e))
			continue;
		json_object_foreach(e, key, v) {
			char k[64];

			printf("%s%s=", first ? "" : "  ", esc_str(k, sizeof(k), key));
			print_scalar(v);
			first = false;
		}
		putchar('\n');
	}
}

static void print_human(enum ctl_cmd cmd, const json_t *data)
{
	const json_t *m;

	switch (cmd) {
	case CTL_CMD_LOG:
		print_log(data);
		return;
	case CTL_CMD_SPOOL_LIST:
		print_spool(data);
		return;
	case CTL_CMD_STATUS:
		print_flat("", data, 24);
		return;
	default:
		m = json_object_get(data, "message");
		if (json_is_string(m)) {
			print_scalar(m);
			putchar('\n');
		}
		else
			print_flat("", data, 16);
		return;
	}
}

/* One line from f into buf (its newline, LF or CRLF, removed); false at EOF or too long. */
static bool read_line(FILE *f, char *buf, size_t size)
{
	size_t n;

	if (!fgets(buf, (int)size, f))
		return false;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (!feof(f))
		return false;	/* longer than the buffer */
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return true;
}

/* Prompt on stderr and read a line from the terminal on stdin, echo off. */
static bool read_hidden(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	bool ok;

	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) < 0)
		return false;
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) < 0)
		return false;
	ok = read_line(stdin, buf, size);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return ok;
}

/*
 * The password, never from argv (any user sees it in /proc): the first
 * line of stdin, or on a terminal typed twice without echo.
 */
static int read_password(char *pw, size_t size)
{
	char again[CTL_CRED_MAX + 2];
	bool same;

	if (!isatty(STDIN_FILENO)) {
		if (!read_line(stdin, pw, size)) {
			fprintf(stderr, "esolctl: no password on stdin (one line of at most "
				"%d bytes)\n", CTL_CRED_MAX);
			return EXIT_USAGE;
		}
		return 0;
	}
	if (!read_hidden("Proxy password: ", pw, size) ||
	    !read_hidden("Proxy password again: ", again, sizeof(again))) {
		fprintf(stderr, "esolctl: no password read (at most %d bytes)\n", CTL_CRED_MAX);
		explicit_bzero(again, sizeof(again));
		return EXIT_USAGE;
	}
	same = strcmp(pw, again) == 0;
	explicit_bzero(again, sizeof(again));
	if (!same) {
		fprintf(stderr, "esolctl: the two passwords differ; nothing changed\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* Parse the command words into req; exit code (EXIT_USAGE) or 0. */
static int parse_command(int argc, char **argv, struct ctl_request *req)
{
	const char *cmd;

	memset(req, 0, sizeof(*req));
	req->count = CTL_LOG_COUNT_DEFAULT;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[0];
	if (strcmp(cmd, "status") == 0 && argc == 1) {
		req->cmd = CTL_CMD_STATUS;
	} else if (strcmp(cmd, "poll-now") == 0 && argc == 1) {
		req->cmd = CTL_CMD_POLL_NOW;
	} else if (strcmp(cmd, "reload") == 0 && argc == 1) {
		req->cmd = CTL_CMD_RELOAD;
	} else if ((strcmp(cmd, "enable") == 0 || strcmp(cmd, "disable") == 0) &&
		   argc == 1) {
		req->cmd = CTL_CMD_SET;
		strcpy(req->key, "enabled");
		strcpy(req->value, cmd[0] == 'e' ? "true" : "false");
	} else if (strcmp(cmd, "set") == 0 && argc >= 3 && argc % 2 == 1 &&
		   argc <= 1 + 2 * CTL_SET_MAX) {
		int i;

		req->cmd = CTL_CMD_SET;
		for (i = 1; i < argc; i += 2)
			if (strlen(argv[i]) > CTL_KEY_MAX || strlen(argv[i + 1]) > CTL_VALUE_MAX) {
				fprintf(stderr, "esolctl: key or value too long\n");
				return EXIT_USAGE;
			}
		strcpy(req->key, argv[1]);
		strcpy(req->value, argv[2]);
		for (i = 3; i < argc; i += 2) {
			strcpy(req->also[req->n_also].key, argv[i]);
			strcpy(req->also[req->n_also].value, argv[i + 1]);
			req->n_also++;
		}
	} else if (strcmp(cmd, "log") == 0 && argc <= 2) {
		req->cmd = CTL_CMD_LOG;
		if (argc == 2) {
			char *end;
			long n;

			errno = 0;
			n = strtol(argv[1], &end, 10);
			if (errno || *end || end == argv[1] || n < 1 ||
			    n > CTL_LOG_COUNT_MAX) {
				fprintf(stderr, "esolctl: log count must be 1..%d\n",
					CTL_LOG_COUNT_MAX);
				return EXIT_USAGE;
			}
			req->count = (unsigned int)n;
		}
	} else if (strcmp(cmd, "spool") == 0 && argc == 2 &&
		   strcmp(argv[1], "list") == 0) {
		req->cmd = CTL_CMD_SPOOL_LIST;
	} else if (strcmp(cmd, "spool") == 0 && argc == 2 &&
		   strcmp(argv[1], "clear") == 0) {
		req->cmd = CTL_CMD_SPOOL_CLEAR;
	} else if (strcmp(cmd, "proxy-credentials") == 0 && argc == 3 &&
		   strcmp(argv[1], "set") == 0) {
		char pw[CTL_CRED_MAX + 2];
		int r;

		if (strlen(argv[2]) > CTL_CRED_MAX) {
			fprintf(stderr, "esolctl: user name longer than %d bytes\n", CTL_CRED_MAX);
			return EXIT_USAGE;
		}
		req->cmd = CTL_CMD_PROXY_CREDS_SET;
		strcpy(req->user, argv[2]);
		r = read_password(pw, sizeof(pw));
		if (r == 0 && strlen(pw) > CTL_CRED_MAX) {
			fprintf(stderr, "esolctl: password longer than %d bytes\n", CTL_CRED_MAX);
			r = EXIT_USAGE;
		}
		if (r == 0)
			strcpy(req->password, pw);
		explicit_bzero(pw, sizeof(pw));
		return r;
	} else if (strcmp(cmd, "proxy-credentials") == 0 && argc == 2 &&
		   strcmp(argv[1], "clear") == 0) {
		req->cmd = CTL_CMD_PROXY_CREDS_CLEAR;
	} else {
		fprintf(stderr, "esolctl: unknown command or wrong arguments: %s\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = { .timeout_ms = 10000 };
	struct ctl_request req;
	char error[64], msg[512];
	char *line, *reply = NULL;
	json_t *data = NULL;
	int c, ok, r;

	o.socket = getenv("ESOL_CTL_SOCKET");
	if (!o.socket || !*o.socket)
		o.socket = CTL_DEFAULT_SOCKET;
	while ((c = getopt_long(argc, argv, "+s:jt:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o.socket = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 't': {
			char *end;
			long s = strtol(optarg, &end, 10);

			if (*end || end == optarg || s < 1 || s > 3600) {
				fprintf(stderr, "esolctl: timeout must be 1..3600 seconds\n");
				return EXIT_USAGE;
			}
			o.timeout_ms = (int)s * 1000;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			esol_print_version("esolctl");
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	r = parse_command(argc - optind, argv + optind, &req);
	if (r)
		return r;
	line = ctl_encode_request(&req);
	ctl_request_wipe(&req);
	if (!line) {
		fprintf(stderr, "esolctl: cannot encode the request (%s)\n",
			req.cmd == CTL_CMD_PROXY_CREDS_SET ? "the user name and password must "
			"be UTF-8" : "out of memory");
		return EXIT_USAGE;
	}
	r = exchange(&o, line, &reply);
	explicit_bzero(line, strlen(line));
	free(line);
	if (r)
		return r;
	if (ctl_parse_reply(reply, strlen(reply), &ok, &data, error, sizeof(error),
			    msg, sizeof(msg)) < 0) {
		fputs("esolctl: bad reply from esold: ", stderr);
		put_str(msg, stderr);
		fputc('\n', stderr);
		free(reply);
		return EXIT_UNREACHABLE;
	}
	free(reply);
	if (!ok) {
		/* esold's own words, escaped like everything it passes on. */
		fputs("esolctl: ", stderr);
		put_str(error, stderr);
		fputs(": ", stderr);
		put_str(msg, stderr);
		fputc('\n', stderr);
		return EXIT_REFUSED;
	}
	if (o.json) {
		/* ASCII only: a control or bidi character arrives as \uXXXX. */
		char *s = json_dumps(data, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENSURE_ASCII);

		if (s)
			puts(s);
		free(s);
	} else {
		print_human(req.cmd, data);
	}
	json_decref(data);
	return 0;
}
