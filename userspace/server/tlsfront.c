// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/tlsfront: GnuTLS termination with session tickets (one per
 * connection) in front of libmicrohttpd (see tlsfront.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "common/log.h"
#include "server/tlsfront.h"

#define HANDSHAKE_TIMEOUT_MS	10000
#define IDLE_TIMEOUT_MS		60000
#define RELAY_BUF		16384
#define LINGER_MS		2000
/*
 * TLS 1.3, or TLS 1.2 with ECDHE and AEAD suites only (Mozilla's
 * "intermediate" profile without DHE), in the server's order of preference.
 * Groups: X25519 first (GnuTLS's NORMAL puts P-256 first), as esold's
 * ClientHello and most clients' carry their one key share for it: a
 * group the share does not match costs a HelloRetryRequest, a second
 * ClientHello and a round trip; an X25519 share is 32 bytes where P-256's
 * is 65, in the ClientHello and the ServerHello of every new connection.
 */
#define PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:" \
			"-CIPHER-ALL:+CHACHA20-POLY1305:+AES-128-GCM:+AES-256-GCM:" \
			"-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:+ECDHE-RSA:" \
			"-GROUP-ALL:+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:" \
			"%SERVER_PRECEDENCE"

struct slot {
	bool used;
	int fd;				/* HTTP-side socket (as MHD knows it) */
	uint64_t id;
	struct tlsfront_peer peer;
};

struct tlsfront {
	struct tlsfront_config cfg;
	gnutls_certificate_credentials_t cred;
	gnutls_priority_t prio;
	gnutls_datum_t ticket_key;
	int stop_fd;			/* eventfd: readable once stopping */
	pthread_t acceptor;
	bool acceptor_running;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	int active;			/* relay threads alive */
	uint64_t next_id;
	struct slot slots[TLSFRONT_MAX_CONN];
};

struct conn {
	struct tlsfront *f;
	int fd;				/* TCP socket to the client */
	struct sockaddr_storage addr;
	socklen_t addrlen;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for fd to be ready (events) or stop; 1 ready, 0 timeout, -1 stop/error. */
static int wait_fd(struct tlsfront *f, int fd, short events, int timeout_ms)
{
	struct pollfd p[2] = { { .fd = fd, .events = events }, { .fd = f->stop_fd, .events = POLLIN } };
	int n;

	do
		n = poll(p, 2, timeout_ms);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (p[1].revents & POLLIN))
		return -1;
	return n == 0 ? 0 : 1;
}

static int tls_send_all(struct tlsfront *f, gnutls_session_t s, int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = gnutls_record_send(s, buf, n);

		if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED) {
			if (wait_fd(f, fd, POLLOUT, IDLE_TIMEOUT_MS) <= 0)
				return -1;
			continue;
		}
		if (w < 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static int plain_write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static struct slot *slot_add(struct tlsfront *f, int fd, const struct tlsfront_peer *peer,
			     uint64_t *id)
{
	struct slot *s = NULL;

	pthread_mutex_lock(&f->lock);
	/* a stale entry for a reused fd number goes first */
	for (int i = 0; i < TLSFRONT_MAX_CONN; i++)
		if (f->slots[i].used && f->slots[i].fd == fd)
			f->slots[i].used = false;
	for (int i = 0; i < TLSFRONT_MAX_CONN && !s; i++)
		if (!f->slots[i].used)
			s = &f->slots[i];
	if (s) {
		s->used = true;
		s->fd = fd;
		s->id = *id = ++f->next_id;
		s->peer = *peer;
	}
	pthread_mutex_unlock(&f->lock);
	return s;
}

static void slot_remove(struct tlsfront *f, int fd, uint64_t id)
{
	pthread_mutex_lock(&f->lock);
	for (int i = 0; i < TLSFRONT_MAX_CONN; i++)
		if (f->slots[i].used && f->slots[i].fd == fd && f->slots[i].id == id)
			f->slots[i].used = false;
	pthread_mutex_unlock(&f->lock);
}

int tlsfront_peer(struct tlsfront *f, int fd, struct tlsfront_peer *out)
{
	int r = -ENOENT;

	pthread_mutex_lock(&f->lock);
	for (int i = 0; i < TLSFRONT_MAX_CONN; i++) {
		if (f->slots[i].used && f->slots[i].fd == fd) {
			*out = f->slots[i].peer;
			r = 0;
		}
	}
	pthread_mutex_unlock(&f->lock);
	return r;
}

/*
 * The TCP socket is corked from the handshake to the first reply, so
 * what the device receives travels in as few segments as it can: the
 * server's flight (GnuTLS writes ServerHello and the encrypted rest in
 * two sends) in one, the session ticket with the first reply in one.
 * Each segment saved is also an ACK saved, about 100 bytes on the wire
 * for every new connection of a device.  Whenever the server waits for
 * the device, what is corked goes out first.
 */
static void cork(int fd, int on)
{
	setsockopt(fd, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
}

static int handshake(struct tlsfront *f, gnutls_session_t s, int fd)
{
	int64_t deadline = now_ms() + HANDSHAKE_TIMEOUT_MS;
	int rc;

	cork(fd, 1);
	while ((rc = gnutls_handshake(s)) < 0) {
		if (gnutls_error_is_fatal(rc))
			return rc;
		int left = (int)(deadline - now_ms());
		bool in = gnutls_record_get_direction(s) == 0;

		if (in) {	/* the device's turn: our flight goes now */
			cork(fd, 0);
			cork(fd, 1);
		}
		if (left <= 0 || wait_fd(f, fd, in ? POLLIN : POLLOUT, left) <= 0)
			return GNUTLS_E_TIMEDOUT;
	}
	return 0;
}

/*
 * TLS 1.3: one session ticket after the handshake (GnuTLS sends two of
 * about 680 bytes each by default; the device keeps one session, and each
 * connection gives it a fresh ticket).  TLS 1.2 sent its ticket in the
 * handshake.
 */
static int send_ticket(struct tlsfront *f, gnutls_session_t s, int fd)
{
	int64_t deadline = now_ms() + HANDSHAKE_TIMEOUT_MS;
	int rc;

	if (gnutls_protocol_get_version(s) != GNUTLS_TLS1_3)
		return 0;
	while ((rc = gnutls_session_ticket_send(s, 1, 0)) < 0) {
		if (gnutls_error_is_fatal(rc))
			return rc;
		int left = (int)(deadline - now_ms());

		if (left <= 0 || wait_fd(f, fd, POLLOUT, left) <= 0)
			return GNUTLS_E_TIMEDOUT;
	}
	return 0;
}

/*
 * Close gracefully: say goodbye, stop sending, and read (and drop) what
 * the client still sends for a moment, so that the kernel does not
 * answer its unread bytes with a reset that destroys our last reply.
 */
static void linger_close(struct tlsfront *f, gnutls_session_t s, int tls_fd, bool client_eof,
			 char *buf)
{
	int64_t until = now_ms() + LINGER_MS;

	gnutls_bye(s, GNUTLS_SHUT_WR);
	shutdown(tls_fd, SHUT_WR);
	while (!client_eof) {
		int left = (int)(until - now_ms());

		if (left <= 0 || wait_fd(f, tls_fd, POLLIN, left) <= 0)
			break;
		ssize_t r = recv(tls_fd, buf, RELAY_BUF, 0);

		if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
			break;
	}
}

/* Move bytes both ways until either side closes, the link idles, or we stop. */
static void relay(struct tlsfront *f, gnutls_session_t s, int tls_fd, int plain)
{
	char *buf = malloc(RELAY_BUF);
	bool client_eof = false, corked = true;	/* see cork() */

	if (!buf)
		return;
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = client_eof ? -1 : tls_fd, .events = POLLIN },
			{ .fd = plain, .events = POLLIN },
			{ .fd = f->stop_fd, .events = POLLIN },
		};
		int n = 0;

		if (client_eof || gnutls_record_check_pending(s) == 0) {
			n = poll(p, 3, IDLE_TIMEOUT_MS);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0 || (p[2].revents & POLLIN))
				break;
		} else {
			p[0].revents = POLLIN;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = gnutls_record_recv(s, buf, RELAY_BUF);

			if (r > 0) {
				if (plain_write_all(plain, buf, (size_t)r))
					break;
			} else if (r == 0 || r == GNUTLS_E_PREMATURE_TERMINATION) {
				client_eof = true;
				shutdown(plain, SHUT_WR);
			} else if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED) {
				break;
			}
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r = recv(plain, buf, RELAY_BUF, 0);

			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {	/* the HTTP side closed: so do we */
				linger_close(f, s, tls_fd, client_eof, buf);
				break;
			}
			if (tls_send_all(f, s, tls_fd, buf, (size_t)r))
				break;
			if (corked) {	/* the ticket and the first reply go together */
				cork(tls_fd, 0);
				corked = false;
			}
		}
	}
	free(buf);
}

static void *conn_thread(void *arg)
{
	struct conn *c = arg;
	struct tlsfront *f = c->f;
	gnutls_session_t s = NULL;
	struct tlsfront_peer peer;
	int sv[2] = { -1, -1 };
	uint64_t id = 0;
	int rc;

	memset(&peer, 0, sizeof(peer));
	peer.auth = TLSAUTH_NO_CERT;
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	/* Tickets: one per connection, sent by send_ticket(), not GnuTLS's two. */
	if (gnutls_init(&s, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL |
			    GNUTLS_NO_AUTO_SEND_TICKET) < 0)
		goto out;
	gnutls_priority_set(s, f->prio);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, f->cred);
	if (f->cfg.client_ca_pem)
		gnutls_certificate_server_set_request(s, GNUTLS_CERT_REQUEST);
	gnutls_session_ticket_enable_server(s, &f->ticket_key);
	gnutls_transport_set_int(s, c->fd);
	rc = handshake(f, s, c->fd);
	if (rc < 0) {
		log_debug("TLS handshake failed: %s", gnutls_strerror(rc));
		goto out;
	}
	rc = send_ticket(f, s, c->fd);
	if (rc < 0) {
		log_debug("TLS session ticket not sent: %s", gnutls_strerror(rc));
		goto out;
	}
	peer.resumed = gnutls_session_is_resumed(s) != 0;
	snprintf(peer.version, sizeof(peer.version), "%s",
		 gnutls_protocol_get_name(gnutls_protocol_get_version(s)) ?: "?");
	if (f->cfg.client_ca_pem)
		peer.auth = tlsauth_client(s, peer.cn, peer.why, sizeof(peer.why));
	else
		snprintf(peer.why, sizeof(peer.why), "client certificates not configured");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		goto out;
	if (!slot_add(f, sv[1], &peer, &id)) {
		log_warn("too many connections; closing one");
		goto out;
	}
	/* MHD owns (and closes) sv[1] from here, even on failure */
	if (MHD_add_connection(f->cfg.daemon, sv[1], (const struct sockaddr *)&c->addr,
			       c->addrlen) != MHD_YES) {
		int fd = sv[1];

		sv[1] = -1;
		slot_remove(f, fd, id);
		goto out;
	}
	int http_fd = sv[1];

	sv[1] = -1;
	relay(f, s, c->fd, sv[0]);
	slot_remove(f, http_fd, id);
out:
	if (s)
		gnutls_deinit(s);
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	close(c->fd);
	free(c);
	pthread_mutex_lock(&f->lock);
	if (--f->active == 0)
		pthread_cond_broadcast(&f->idle);
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

static void *accept_thread(void *arg)
{
	struct tlsfront *f = arg;

	for (;;) {
		struct conn *c;
		pthread_t t;
		pthread_attr_t attr;
		int fd;

		if (wait_fd(f, f->cfg.listen_fd, POLLIN, -1) < 0)
			break;
		c = calloc(1, sizeof(*c));
		if (!c)
			continue;
		c->addrlen = sizeof(c->addr);
		fd = accept4(f->cfg.listen_fd, (struct sockaddr *)&c->addr, &c->addrlen,
			     SOCK_CLOEXEC);
		if (fd < 0) {
			free(c);
			if (errno == EMFILE || errno == ENFILE)
				usleep(100000);
			continue;
		}
		c->fd = fd;
		c->f = f;
		pthread_mutex_lock(&f->lock);
		if (f->active >= TLSFRONT_MAX_CONN) {
			pthread_mutex_unlock(&f->lock);
			log_warn("connection limit (%d) reached; refusing a connection",
				 TLSFRONT_MAX_CONN);
			close(fd);
			free(c);
			continue;
		}
		f->active++;
		pthread_mutex_unlock(&f->lock);
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &attr, conn_thread, c) != 0) {
			close(fd);
			free(c);
			pthread_mutex_lock(&f->lock);
			if (--f->active == 0)
				pthread_cond_broadcast(&f->idle);
			pthread_mutex_unlock(&f->lock);
		}
		pthread_attr_destroy(&attr);
	}
	return NULL;
}

/* Load the credentials; 0 or -EINVAL with err set. */
static int load_creds(gnutls_certificate_credentials_t *cred, const char *cert_pem,
		      const char *key_pem, const char *client_ca_pem, char *err, size_t errlen)
{
	gnutls_datum_t cert = { (unsigned char *)cert_pem, (unsigned int)strlen(cert_pem) };
	gnutls_datum_t key = { (unsigned char *)key_pem, (unsigned int)strlen(key_pem) };
	int rc;

	*cred = NULL;
	rc = gnutls_certificate_allocate_credentials(cred);
	if (rc >= 0)
		rc = gnutls_certificate_set_x509_key_mem(*cred, &cert, &key, GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		snprintf(err, errlen, "server certificate/key: %s", gnutls_strerror(rc));
		goto bad;
	}
	if (client_ca_pem) {
		gnutls_datum_t ca = { (unsigned char *)client_ca_pem,
				      (unsigned int)strlen(client_ca_pem) };

		rc = gnutls_certificate_set_x509_trust_mem(*cred, &ca, GNUTLS_X509_FMT_PEM);
		if (rc <= 0) {
			snprintf(err, errlen, "client CA: %s",
				 rc < 0 ? gnutls_strerror(rc) : "no certificate in it");
			goto bad;
		}
	}
	return 0;
bad:
	if (*cred)
		gnutls_certificate_free_credentials(*cred);
	*cred = NULL;
	return -EINVAL;
}

int tlsfront_check(const char *cert_pem, const char *key_pem, const char *client_ca_pem,
		   char *err, size_t errlen)
{
	gnutls_certificate_credentials_t cred;
	int r = load_creds(&cred, cert_pem, key_pem, client_ca_pem, err, errlen);

	if (!r)
		gnutls_certificate_free_credentials(cred);
	return r;
}

int tlsfront_start(const struct tlsfront_config *cfg, struct tlsfront **out,
		   char *err, size_t errlen)
{
	struct tlsfront *f = calloc(1, sizeof(*f));
	int rc;

	*out = NULL;
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	f->cfg = *cfg;
	f->stop_fd = -1;
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->idle, NULL);
	if (load_creds(&f->cred, cfg->cert_pem, cfg->key_pem, cfg->client_ca_pem, err, errlen))
		goto bad;
	rc = gnutls_priority_init(&f->prio, PRIORITIES, NULL);
	if (rc >= 0)
		rc = gnutls_session_ticket_key_generate(&f->ticket_key);
	if (rc < 0) {
		snprintf(err, errlen, "TLS setup: %s", gnutls_strerror(rc));
		goto bad;
	}
	f->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (f->stop_fd < 0) {
		snprintf(err, errlen, "eventfd: %s", strerror(errno));
		goto bad;
	}
	if (pthread_create(&f->acceptor, NULL, accept_thread, f) != 0) {
		snprintf(err, errlen, "cannot start the accept thread");
		goto bad;
	}
	f->acceptor_running = true;
	*out = f;
	return 0;
bad:
	f->cfg.listen_fd = -1;	/* still the caller's */
	tlsfront_free(f);
	return -EINVAL;
}

void tlsfront_shutdown(struct tlsfront *f)
{
	uint64_t one = 1;

	if (!f || f->stop_fd < 0)
		return;
	if (write(f->stop_fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		log_err("tlsfront: cannot signal stop: %s", strerror(errno));
	if (f->acceptor_running) {
		pthread_join(f->acceptor, NULL);
		f->acceptor_running = false;
	}
}

void tlsfront_free(struct tlsfront *f)
{
	if (!f)
		return;
	tlsfront_shutdown(f);
	pthread_mutex_lock(&f->lock);
	while (f->active > 0)
		pthread_cond_wait(&f->idle, &f->lock);
	pthread_mutex_unlock(&f->lock);
	if (f->stop_fd >= 0)
		close(f->stop_fd);
	if (f->cfg.listen_fd >= 0)
		close(f->cfg.listen_fd);
	if (f->ticket_key.data) {
		gnutls_memset(f->ticket_key.data, 0, f->ticket_key.size);
		gnutls_free(f->ticket_key.data);
	}
	if (f->prio)
		gnutls_priority_deinit(f->prio);
	if (f->cred)
		gnutls_certificate_free_credentials(f->cred);
	pthread_cond_destroy(&f->idle);
	pthread_mutex_destroy(&f->lock);
	free(f);
}
