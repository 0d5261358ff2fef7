// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/pgwatch: PostgreSQL's announcements of changed devices, into
 * the poll cache (see pgwatch.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "common/log.h"
#include "server/pgwatch.h"

#define RETRY_MS 1000
/*
 * A connection quiet this long is asked a question, and one that does not
 * answer within PROBE_MS is taken for lost (a peer gone without a word on
 * a network): a poll cache is never believed on a silent connection for
 * longer than IDLE_MS + PROBE_MS.
 */
#define IDLE_MS 5000
#define PROBE_MS 2000

struct pgwatch {
	char *conninfo;
	struct pollcache *pc;
	pthread_t thread;
	int stop_pipe[2];	/* written once by pgwatch_stop */
};

/* Wait up to ms for fd (-1: none) or the stop pipe: -1 stopping, 1 fd readable, 0 neither. */
static int wait_fd(struct pgwatch *w, int fd, int ms)
{
	struct pollfd p[2] = { { .fd = w->stop_pipe[0], .events = POLLIN },
			       { .fd = fd, .events = POLLIN } };

	if (poll(p, fd >= 0 ? 2 : 1, ms) < 0)
		return 0;
	if (p[0].revents)
		return -1;
	return fd >= 0 && p[1].revents ? 1 : 0;
}

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/*
 * Connected and listening: forget each announced device until the
 * connection fails or goes silent.  Returns true when stopping.
 */
static bool hear(struct pgwatch *w, PGconn *c)
{
	bool asked = false;	/* a probe is out */
	PGnotify *n;

	for (;;) {
		int ready = wait_fd(w, PQsocket(c), asked ? PROBE_MS : IDLE_MS);

		if (ready < 0)
			return true;
		if (ready == 0) {
			if (asked || !PQsendQuery(c, "SELECT 1"))
				return false;	/* no answer: taken for lost */
			asked = true;
			continue;
		}
		if (!PQconsumeInput(c) || PQstatus(c) != CONNECTION_OK)
			return false;
		while (asked && !PQisBusy(c)) {
			PGresult *res = PQgetResult(c);

			if (!res) {
				asked = false;	/* answered */
				break;
			}
			if (PQresultStatus(res) != PGRES_TUPLES_OK) {
				PQclear(res);
				return false;
			}
			PQclear(res);
		}
		while ((n = PQnotifies(c)) != NULL) {
			pollcache_forget(w->pc, n->extra);
			PQfreemem(n);
		}
	}
}

static void *watch(void *arg)
{
	struct pgwatch *w = arg;
	bool lost_said = false;

	for (;;) {
		PGconn *c = PQconnectdb(w->conninfo);
		PGresult *res = NULL;
		bool ok = c && PQstatus(c) == CONNECTION_OK;

		if (ok) {
			PQsetNoticeProcessor(c, quiet, NULL);
			res = PQexec(c, "LISTEN " LEDGER_DEVICE_CHANNEL);
			ok = PQresultStatus(res) == PGRES_COMMAND_OK;
			PQclear(res);
		}
		if (ok) {
			/* from now on every change is heard: what was kept before may be stale */
			pollcache_listening(w->pc, true);
			if (lost_said)
				log_notice("poll cache: hearing the database's changes again");
			lost_said = false;
			if (hear(w, c)) {
				PQfinish(c);
				break;
			}
			pollcache_listening(w->pc, false);
		}
		if (!lost_said) {
			char why[256];

			snprintf(why, sizeof(why), "%s", c ? PQerrorMessage(c) : "out of memory");
			why[strcspn(why, "\n")] = '\0';
			log_warn("poll cache: not hearing the database's changes (%s); polls go to"
				 " the database until it is back", why[0] ? why : "connection lost");
		}
		lost_said = true;
		PQfinish(c);
		if (wait_fd(w, -1, RETRY_MS) < 0)
			break;
	}
	pollcache_listening(w->pc, false);
	return NULL;
}

int pgwatch_start(const char *target, struct pollcache *pc, struct pgwatch **out, char *err,
		  size_t errlen)
{
	struct pgwatch *w = calloc(1, sizeof(*w));
	int r;

	*out = NULL;
	if (!w || !(w->conninfo = strdup(!strncmp(target, "pg:", 3) ? target + 3 : target))) {
		free(w);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->pc = pc;
	if (pipe2(w->stop_pipe, O_CLOEXEC) != 0) {
		r = -errno;
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto bad;
	}
	r = -pthread_create(&w->thread, NULL, watch, w);
	if (r) {
		snprintf(err, errlen, "poll cache thread: %s", strerror(-r));
		close(w->stop_pipe[0]);
		close(w->stop_pipe[1]);
		goto bad;
	}
	*out = w;
	return 0;
bad:
	free(w->conninfo);
	free(w);
	return r;
}

void pgwatch_stop(struct pgwatch *w)
{
	if (!w)
		return;
	if (write(w->stop_pipe[1], "x", 1) != 1)
		log_err("poll cache: cannot stop its thread: %s", strerror(errno));
	pthread_join(w->thread, NULL);
	close(w->stop_pipe[0]);
	close(w->stop_pipe[1]);
	free(w->conninfo);
	free(w);
}
