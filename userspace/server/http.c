// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/http: HTTPS front end on libmicrohttpd (see http.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "common/log.h"
#include "server/http.h"
#include "server/tlsauth.h"
#include "server/tlsfront.h"
#include "server/workq.h"

/* A body this much over the limit is not read any further: the connection is dropped. */
#define DISCARD_MAX	(1024 * 1024)
/* The longest a "stall" holds a connection when the server is not stopped. */
#define STALL_MAX_S	600
/*
 * Behind a front: connections at once (the front's kept-alive upstream
 * connections and a margin), and how long an idle one is kept.  The
 * front's own upstream keep-alive timeout must be shorter.
 */
#define HTTP_FRONT_MAX_CONN	1024
#define HTTP_FRONT_IDLE_S	120

struct http_server {
	struct MHD_Daemon *daemon;
	struct tlsfront *front;
	struct workq *work;		/* behind a front: whatever may wait */
	struct http_config cfg;
	int fd;
	uint16_t port;
	pthread_mutex_t stop_lock;	/* protects stopping, suspended */
	pthread_cond_t stop_cond;
	bool stopping;
	unsigned int suspended;		/* connections handed to s->work */
};

/* A reply decided, to be queued by the connection's own thread. */
struct outcome {
	int status;			/* 0: close without a reply */
	char *body;			/* malloc'd */
	size_t len;
	uint32_t retry_after;
	bool allow_post;
};

struct req {
	enum endpoint ep;
	char *buf;
	size_t len;
	size_t discarded;
	bool too_large;
	bool answered;		/* a reply was queued before the body was read */
	int err_status;		/* a check before the body failed: answer this */
	const char *err_code;
	const char *err_msg;
	struct tlsfront_peer tls;
	/* behind a front, a request that may wait is decided by a worker */
	struct workq_item job;
	struct http_server *s;
	struct MHD_Connection *c;
	const char *method, *url;
	struct fault_spec fault;
	bool queued, decided;
	struct outcome out;
};

static const char garbage[] = "<html><body>502 Bad Gateway\x01\xff</body>";

static int bind_unix(const char *path, int *fd, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int s, r;

	if (!*path || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "unix socket path '%s': empty or too long", path);
		return -EINVAL;
	}
	strcpy(sa.sun_path, path);
	/* a socket left by a killed server is replaced; any other file is not */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a socket", path);
			return -EEXIST;
		}
		unlink(path);
	}
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		r = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return r;
	}
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) != 0 || chmod(path, 0666) != 0 ||
	    listen(s, 1024) != 0) {
		r = -errno;
		snprintf(err, errlen, "bind %s: %s", path, strerror(errno));
		close(s);
		return r;
	}
	*fd = s;
	return 0;
}

bool http_front_listen_ok(const char *addr)
{
	if (!strncmp(addr, "unix:", 5))
		return true;
	return !strncmp(addr, "127.", 4) || !strncmp(addr, "[::1]:", 6);
}

int http_bind(const char *addr, int *fd, char *err, size_t errlen)
{
	char host[128];
	const char *colon, *port, *h;
	size_t hl;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int s, one = 1, rc;

	if (!addr || !*addr) {
		snprintf(err, errlen, "no listen address");
		return -EINVAL;
	}
	if (!strncmp(addr, "unix:", 5))
		return bind_unix(addr + 5, fd, err, errlen);
	if (addr[0] == '[') {
		const char *close = strchr(addr, ']');

		if (!close || close[1] != ':') {
			snprintf(err, errlen, "listen address '%s': want [IPV6]:PORT", addr);
			return -EINVAL;
		}
		h = addr + 1;
		hl = (size_t)(close - h);
		port = close + 2;
	} else {
		colon = strrchr(addr, ':');
		if (!colon || strchr(addr, ':') != colon) {
			snprintf(err, errlen, "listen address '%s': want ADDR:PORT", addr);
			return -EINVAL;
		}
		h = addr;
		hl = (size_t)(colon - addr);
		port = colon + 1;
	}
	if (hl == 0 || hl >= sizeof(host) || !*port) {
		snprintf(err, errlen, "listen address '%s': want ADDR:PORT", addr);
		return -EINVAL;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	rc = getaddrinfo(host, port, &hints, &ai);
	if (rc) {
		snprintf(err, errlen, "listen address '%s': %s (a numeric address is required)",
			 addr, gai_strerror(rc));
		return -EINVAL;
	}
	s = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		rc = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		freeaddrinfo(ai);
		return rc;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(s, ai->ai_addr, ai->ai_addrlen) != 0 || listen(s, 1024) != 0) {
		rc = -errno;
		snprintf(err, errlen, "bind %s: %s", addr, strerror(errno));
		close(s);
		freeaddrinfo(ai);
		return rc;
	}
	freeaddrinfo(ai);
	*fd = s;
	return 0;
}

/* Wait up to ms (or until the server stops).  Returns true if stopping. */
static bool wait_or_stop(struct http_server *s, uint64_t ms)
{
	struct timespec until;
	bool stopping;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->stop_lock);
	while (!s->stopping &&
	       pthread_cond_timedwait(&s->stop_cond, &s->stop_lock, &until) != ETIMEDOUT)
		;
	stopping = s->stopping;
	pthread_mutex_unlock(&s->stop_lock);
	return stopping;
}

static void peer_name(struct MHD_Connection *c, char *buf, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, n, "?");
	if (!sa)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, buf,
			  (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  buf, (socklen_t)n);
}

static void log_request(struct MHD_Connection *c, const char *method, const char *url,
			const struct req *r, int status, size_t out_len, const char *device,
			const char *note)
{
	char peer[INET6_ADDRSTRLEN + 1];

	peer_name(c, peer, sizeof(peer));
	log_info("%s %s %.80s -> %d in=%zu out=%zu tls=%s%s device=%s %s", peer, method, url,
		 status, r->len + r->discarded, out_len, r->tls.version[0] ? r->tls.version : "?",
		 r->tls.resumed ? "/resumed" : "", device && *device ? device : "-",
		 note ? note : "");
}

/* Queue a reply (takes body).  status 0 means: close without a reply. */
static enum MHD_Result send_reply(struct MHD_Connection *c, int status, char *body, size_t len,
				  uint32_t retry_after, bool allow_post)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char ra[16];

	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, PROTO_CONTENT_TYPE);
	if (allow_post)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "POST");
	if (retry_after) {
		snprintf(ra, sizeof(ra), "%u", retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	ret = MHD_queue_response(c, (unsigned int)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, const char *method, const char *url,
				  struct req *r, int status, const char *code, const char *msg)
{
	struct hreply h = { 0 };

	hreply_error(&h, status, code, "%s", msg);
	log_request(c, method, url, r, status, h.len, NULL, h.note);
	return send_reply(c, status, h.body, h.len, 0, status == 405);
}

/* An outcome from a handler's reply (takes its body). */
static void outcome_of(struct outcome *o, struct hreply *h, bool allow_post)
{
	o->status = h->status;
	o->body = h->body;
	o->len = h->len;
	o->retry_after = h->retry_after;
	o->allow_post = allow_post;
	h->body = NULL;
}

/* An error outcome, logged. */
static void outcome_error(struct MHD_Connection *c, const char *method, const char *url,
			  struct req *r, int status, const char *code, const char *msg,
			  struct outcome *o)
{
	struct hreply h = { 0 };

	hreply_error(&h, status, code, "%s", msg);
	log_request(c, method, url, r, status, h.len, NULL, h.note);
	outcome_of(o, &h, status == 405);
}

static enum MHD_Result deliver(struct MHD_Connection *c, struct outcome *o)
{
	if (o->status == 0 || !o->body) {
		free(o->body);
		return MHD_NO;
	}
	return send_reply(c, o->status, o->body, o->len, o->retry_after, o->allow_post);
}

/*
 * Checks made before the body is read.  A failed check is answered once
 * the body has been read and thrown away (answering while the client is
 * still sending makes its TCP stack drop the answer); only a body
 * announced as larger than DISCARD_MAX is answered at once.
 * Returns true if a reply was queued now.
 */
static bool check_head(struct MHD_Connection *c, const char *method, const char *url,
		       struct req *r, enum MHD_Result *ret)
{
	const char *ct, *cl;
	unsigned long long len = 0;

	cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl)
		len = strtoull(cl, NULL, 10);
	r->ep = handlers_route(url);
	ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (r->ep == EP_UNKNOWN) {
		r->err_status = 404;
		r->err_code = "not_found";
		r->err_msg = "no such endpoint";
	} else if (strcmp(method, MHD_HTTP_METHOD_POST) != 0) {
		r->err_status = 405;
		r->err_code = "method_not_allowed";
		r->err_msg = "use POST";
	} else if (!ct || strncasecmp(ct, PROTO_CONTENT_TYPE, strlen(PROTO_CONTENT_TYPE)) != 0 ||
		   (ct[strlen(PROTO_CONTENT_TYPE)] != '\0' &&
		    ct[strlen(PROTO_CONTENT_TYPE)] != ';' &&
		    ct[strlen(PROTO_CONTENT_TYPE)] != ' ')) {
		r->err_status = 415;
		r->err_code = "unsupported_media_type";
		r->err_msg = "Content-Type must be application/json";
	} else if (len > PROTO_BODY_MAX) {
		r->err_status = 413;
		r->err_code = "too_large";
		r->err_msg = "body over 65536 bytes";
	}
	if (r->err_status && len > DISCARD_MAX) {
		*ret = send_error(c, method, url, r, r->err_status, r->err_code, r->err_msg);
		return true;
	}
	return false;
}

/* The fault this request gets (taken once: counts are consumed). */
static void take_fault(struct http_server *s, const char *url, struct fault_spec *f)
{
	char msg[256];
	int fr = fault_take(s->cfg.fault, url, f, msg, sizeof(msg));

	if (fr > 0)
		log_notice("%s", msg);
	else if (fr < 0)
		log_warn("%s", msg);
}

/* Decide the reply to a whole request, logged; may wait (database, injected delays). */
static void decide(struct http_server *s, struct MHD_Connection *c, const char *method,
		   const char *url, struct req *r, struct outcome *o)
{
	struct hreply h = { 0 };
	const struct fault_spec *f = &r->fault;
	char auth_cn[TLSAUTH_CN_MAX + 1];
	const char *cn = NULL;

	memset(o, 0, sizeof(*o));
	if (s->cfg.capture && !r->too_large) {
		int e = capture_store(s->cfg.capture, url, r->buf ? r->buf : "", r->len);

		if (e)
			log_err("capture: cannot store a request body: %s", strerror(-e));
	}
	if (r->too_large) {
		outcome_error(c, method, url, r, 413, "too_large", "body over 65536 bytes", o);
		return;
	}
	switch (f->mode) {
	case FAULT_DROP:
		log_request(c, method, url, r, 0, 0, NULL, "fault: connection dropped");
		return;
	case FAULT_STALL:
		log_request(c, method, url, r, 0, 0, NULL, "fault: stalling");
		wait_or_stop(s, (uint64_t)STALL_MAX_S * 1000);
		return;
	case FAULT_500:
		outcome_error(c, method, url, r, 500, "internal", "injected fault", o);
		return;
	case FAULT_503:
	case FAULT_429:
		hreply_error(&h, f->mode == FAULT_503 ? 503 : 429, "busy", "try again later");
		h.retry_after = f->arg;
		log_request(c, method, url, r, h.status, h.len, NULL, "fault: busy");
		outcome_of(o, &h, false);
		return;
	case FAULT_GARBAGE:
		o->body = malloc(sizeof(garbage) - 1);
		if (!o->body)
			return;
		memcpy(o->body, garbage, sizeof(garbage) - 1);
		o->len = sizeof(garbage) - 1;
		o->status = 200;
		log_request(c, method, url, r, 200, o->len, NULL, "fault: garbage");
		return;
	case FAULT_SLOW:
		if (wait_or_stop(s, f->arg))
			return;
		break;
	default:
		break;
	}

	if (s->cfg.require_client_cert) {
		if (r->tls.auth != TLSAUTH_OK) {
			hreply_error(&h, 401, "unauthorized", "a valid client certificate is required");
			log_request(c, method, url, r, 401, h.len, NULL, r->tls.why);
			outcome_of(o, &h, false);
			return;
		}
		snprintf(auth_cn, sizeof(auth_cn), "%s", r->tls.cn);
		cn = auth_cn;
	}

	handlers_handle(s->cfg.handlers, r->ep, r->buf ? r->buf : "", r->len, cn, &h);
	if (f->mode == FAULT_LOST_REPLY) {
		log_request(c, method, url, r, h.status, 0, h.device_id,
			    "fault: reply dropped after processing");
		log_info("  (processed: %s)", h.note);
		hreply_free(&h);
		return;
	}
	log_request(c, method, url, r, h.status, h.len, h.device_id, h.note);
	outcome_of(o, &h, false);
}

/* A worker: decide, then hand the connection back to its thread to deliver. */
static void work(void *arg, struct workq_item *job)
{
	struct http_server *s = arg;
	struct req *r = (struct req *)(void *)((char *)job - offsetof(struct req, job));

	decide(s, r->c, r->method, r->url, r, &r->out);
	r->decided = true;
	MHD_resume_connection(r->c);
	pthread_mutex_lock(&s->stop_lock);
	s->suspended--;
	pthread_cond_broadcast(&s->stop_cond);
	pthread_mutex_unlock(&s->stop_lock);
}

/*
 * The body is whole: answer.  Behind a front the connection's thread
 * serves many connections, so it answers only what needs no waiting (a
 * poll the poll cache decides) and hands the rest to a worker, the
 * connection suspended until the worker has decided.
 */
static enum MHD_Result finish(struct http_server *s, struct MHD_Connection *c,
			      const char *method, const char *url, struct req *r)
{
	struct outcome o;
	struct hreply h;
	bool hand_over;

	take_fault(s, url, &r->fault);
	if (s->work) {
		if (r->fault.mode == FAULT_NONE && !s->cfg.capture && !r->too_large &&
		    (!s->cfg.require_client_cert || r->tls.auth == TLSAUTH_OK) &&
		    handlers_try_kept(s->cfg.handlers, r->ep, r->buf ? r->buf : "", r->len,
				      s->cfg.require_client_cert ? r->tls.cn : NULL, &h)) {
			log_request(c, method, url, r, h.status, h.len, h.device_id, h.note);
			outcome_of(&o, &h, false);
			return deliver(c, &o);
		}
		pthread_mutex_lock(&s->stop_lock);
		hand_over = !s->stopping;	/* stopping: no connection is left suspended */
		if (hand_over)
			s->suspended++;
		pthread_mutex_unlock(&s->stop_lock);
		if (hand_over) {
			r->s = s;
			r->c = c;
			r->method = method;
			r->url = url;
			r->queued = true;
			MHD_suspend_connection(c);
			workq_push(s->work, &r->job);
			return MHD_YES;
		}
	}
	decide(s, c, method, url, r, &o);
	return deliver(c, &o);
}

/*
 * Behind a front: the TLS facts as the front reports them.  The front
 * sets these headers on every request (replacing any the client sent),
 * and nothing but the front reaches this listener.
 */
static void front_peer(struct MHD_Connection *c, struct tlsfront_peer *p)
{
	const char *verify = MHD_lookup_connection_value(c, MHD_HEADER_KIND, HTTP_FRONT_VERIFY);
	const char *cn = MHD_lookup_connection_value(c, MHD_HEADER_KIND, HTTP_FRONT_CN);
	const char *tls = MHD_lookup_connection_value(c, MHD_HEADER_KIND, HTTP_FRONT_TLS);

	memset(p, 0, sizeof(*p));
	if (tls) {
		size_t n = strcspn(tls, " ");

		snprintf(p->version, sizeof(p->version), "%.*s", (int)(n < 15 ? n : 15), tls);
		p->resumed = tls[n] == ' ' && tls[n + 1] == 'r';
	}
	if (!verify || !*verify || !strcmp(verify, "NONE")) {
		p->auth = TLSAUTH_NO_CERT;
		snprintf(p->why, sizeof(p->why), "front: no client certificate");
	} else if (strcmp(verify, "SUCCESS") != 0) {
		p->auth = TLSAUTH_UNTRUSTED;
		snprintf(p->why, sizeof(p->why), "front: %.150s", verify);
	} else if (!cn || !*cn || strlen(cn) > TLSAUTH_CN_MAX) {
		p->auth = TLSAUTH_BAD_CN;
		snprintf(p->why, sizeof(p->why), "front: verified certificate without a usable CN");
	} else {
		p->auth = TLSAUTH_OK;
		snprintf(p->cn, sizeof(p->cn), "%s", cn);
	}
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct http_server *s = cls;
	struct req *r = *con_cls;
	enum MHD_Result ret;

	(void)version;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		*con_cls = r;
		if (s->cfg.behind_front) {
			front_peer(c, &r->tls);
		} else {
			const union MHD_ConnectionInfo *ci =
				MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);

			if (!ci || tlsfront_peer(s->front, ci->connect_fd, &r->tls) != 0) {
				r->tls.auth = TLSAUTH_NO_CERT;
				snprintf(r->tls.why, sizeof(r->tls.why), "connection not known to TLS");
			}
		}
		if (check_head(c, method, url, r, &ret)) {
			r->answered = true;
			return ret;
		}
		return MHD_YES;
	}
	if (r->queued) {
		/* resumed: the worker has decided */
		r->queued = false;
		return deliver(c, &r->out);
	}
	if (r->answered) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (r->err_status || r->too_large || r->len + n > PROTO_BODY_MAX) {
			if (!r->err_status)
				r->too_large = true;
			r->discarded += n;
			return r->discarded > DISCARD_MAX ? MHD_NO : MHD_YES;
		}
		if (!r->buf) {
			r->buf = malloc(PROTO_BODY_MAX);
			if (!r->buf)
				return MHD_NO;
		}
		memcpy(r->buf + r->len, upload_data, n);
		r->len += n;
		return MHD_YES;
	}
	r->answered = true;
	if (r->err_status)
		return send_error(c, method, url, r, r->err_status, r->err_code, r->err_msg);
	return finish(s, c, method, url, r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (r) {
		free(r->buf);
		free(r);
		*con_cls = NULL;
	}
}

__attribute__((format(printf, 2, 0)))
static void mhd_logger(void *cls, const char *fmt, va_list ap)
{
	char buf[512];
	size_t n;

	(void)cls;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	log_debug("microhttpd: %s", buf);
}

static void note_port(struct http_server *s)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl = sizeof(ss);

	if (getsockname(s->fd, (struct sockaddr *)&ss, &sl) != 0)
		return;
	if (ss.ss_family == AF_INET6)
		s->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else if (ss.ss_family == AF_INET)
		s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/*
 * Behind a front: libmicrohttpd accepts on the socket itself and serves
 * every connection from one epoll thread; what may wait goes to the
 * workers (finish()).  One thread, not a pool: a kept-alive poll then
 * costs one wake-up of one thread, and several arrive per wake-up.
 */
static struct MHD_Daemon *start_pool(struct http_server *s)
{
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
				MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO,
				0, NULL, NULL, on_request, s,
				MHD_OPTION_LISTEN_SOCKET, s->fd,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_FRONT_MAX_CONN,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_FRONT_IDLE_S,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_END);
}

/* Embedded: tlsfront hands each decrypted connection to libmicrohttpd. */
static struct MHD_Daemon *start_relayed(struct http_server *s)
{
	return MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_USE_NO_LISTEN_SOCKET |
				MHD_USE_ITC,
				0, NULL, NULL, on_request, s,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned int)TLSFRONT_MAX_CONN,
				MHD_OPTION_CONNECTION_TIMEOUT, 30u,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
				MHD_OPTION_END);
}

int http_start(const struct http_config *cfg, struct http_server **out, char *err, size_t errlen)
{
	struct http_server *s = calloc(1, sizeof(*s));
	struct tlsfront_config tc;
	int r;

	*out = NULL;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->cfg = *cfg;
	s->fd = cfg->listen_fd;
	if (cfg->behind_front && cfg->listen_fd < 0 && !http_front_listen_ok(cfg->listen)) {
		snprintf(err, errlen, "behind a front, listen on unix:PATH or a loopback address"
			 " (not %s): the front's headers are believed", cfg->listen);
		free(s);
		return -EINVAL;
	}
	if (s->fd < 0) {
		r = http_bind(cfg->listen, &s->fd, err, errlen);
		if (r) {
			free(s);
			return r;
		}
	}
	pthread_mutex_init(&s->stop_lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&s->stop_cond, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (cfg->behind_front) {
		r = workq_start(cfg->threads ? cfg->threads : 4, work, s, &s->work);
		if (r) {
			snprintf(err, errlen, "worker threads: %s", strerror(-r));
			goto bad;
		}
	}
	s->daemon = cfg->behind_front ? start_pool(s) : start_relayed(s);
	if (!s->daemon) {
		snprintf(err, errlen, "cannot start the HTTP server");
		r = -EINVAL;
		goto bad;
	}
	if (!cfg->behind_front) {
		memset(&tc, 0, sizeof(tc));
		tc.listen_fd = s->fd;
		tc.cert_pem = cfg->cert_pem;
		tc.key_pem = cfg->key_pem;
		tc.client_ca_pem = cfg->client_ca_pem;
		tc.daemon = s->daemon;
		r = tlsfront_start(&tc, &s->front, err, errlen);
		if (r) {
			MHD_stop_daemon(s->daemon);
			goto bad;
		}
	}
	note_port(s);
	*out = s;
	return 0;
bad:
	workq_stop(s->work);
	if (cfg->listen_fd < 0)
		close(s->fd);
	pthread_cond_destroy(&s->stop_cond);
	pthread_mutex_destroy(&s->stop_lock);
	free(s);
	return r;
}

uint16_t http_port(const struct http_server *s)
{
	return s->port;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->stop_lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->stop_cond);
	/* libmicrohttpd must not be stopped with a connection suspended */
	while (s->suspended)
		pthread_cond_wait(&s->stop_cond, &s->stop_lock);
	pthread_mutex_unlock(&s->stop_lock);
	if (s->front) {
		tlsfront_shutdown(s->front);	/* no new connections; relays end */
		MHD_stop_daemon(s->daemon);
		tlsfront_free(s->front);	/* closes the listening socket */
	} else {
		/* take the listening socket back first: it is closed once, here */
		MHD_socket fd = MHD_quiesce_daemon(s->daemon);

		MHD_stop_daemon(s->daemon);
		workq_stop(s->work);
		if (fd != MHD_INVALID_SOCKET)
			close(fd);
		if (!strncmp(s->cfg.listen ? s->cfg.listen : "", "unix:", 5))
			unlink(s->cfg.listen + 5);
	}
	pthread_cond_destroy(&s->stop_cond);
	pthread_mutex_destroy(&s->stop_lock);
	free(s);
}
