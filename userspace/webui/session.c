// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* session: login sessions with CSRF tokens; see session.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "webui/session.h"

struct session {
	bool used;
	char sid[SESSION_TOKEN_LEN + 1];
	char csrf[SESSION_TOKEN_LEN + 1];
	int64_t created, last_used;
};

struct session_store {
	pthread_mutex_t lock;
	unsigned int max;
	int64_t idle_s, absolute_s;
	struct session *s;
};

int session_store_new(unsigned int max, int64_t idle_s, int64_t absolute_s,
		      struct session_store **out)
{
	struct session_store *st;

	if (max == 0 || idle_s <= 0 || absolute_s <= 0)
		return -EINVAL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->s = calloc(max, sizeof(*st->s));
	if (!st->s) {
		free(st);
		return -ENOMEM;
	}
	pthread_mutex_init(&st->lock, NULL);
	st->max = max;
	st->idle_s = idle_s;
	st->absolute_s = absolute_s;
	*out = st;
	return 0;
}

void session_store_free(struct session_store *st)
{
	if (!st)
		return;
	OPENSSL_cleanse(st->s, st->max * sizeof(*st->s));
	free(st->s);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

static int random_hex(char out[SESSION_TOKEN_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[SESSION_TOKEN_LEN / 2];
	size_t i;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return -EIO;
	for (i = 0; i < sizeof(raw); i++) {
		out[2 * i] = hex[raw[i] >> 4];
		out[2 * i + 1] = hex[raw[i] & 15];
	}
	out[SESSION_TOKEN_LEN] = '\0';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

static bool expired(const struct session_store *st, const struct session *s, int64_t now)
{
	return now - s->last_used >= st->idle_s || now - s->created >= st->absolute_s;
}

/* Constant-time comparison of a token of the right length. */
static bool token_eq(const char *a, const char *b)
{
	return strlen(b) == SESSION_TOKEN_LEN &&
	       CRYPTO_memcmp(a, b, SESSION_TOKEN_LEN) == 0;
}

/* The live session with id sid (lock held), or NULL; expired ones are cleared. */
static struct session *find(struct session_store *st, const char *sid, int64_t now)
{
	struct session *hit = NULL;
	unsigned int i;

	if (!sid)
		return NULL;
	for (i = 0; i < st->max; i++) {
		struct session *s = &st->s[i];

		if (!s->used)
			continue;
		if (expired(st, s, now)) {
			OPENSSL_cleanse(s, sizeof(*s));
			s->used = false;
			continue;
		}
		/* Every slot is compared: the time does not say which matched. */
		if (token_eq(s->sid, sid))
			hit = s;
	}
	return hit;
}

int session_create(struct session_store *st, int64_t now,
		   char sid[SESSION_TOKEN_LEN + 1], char csrf[SESSION_TOKEN_LEN + 1])
{
	struct session *slot = NULL;
	unsigned int i;

	if (random_hex(sid) < 0 || random_hex(csrf) < 0)
		return -EIO;
	pthread_mutex_lock(&st->lock);
	find(st, NULL, now);
	for (i = 0; i < st->max; i++) {
		struct session *s = &st->s[i];

		if (s->used && expired(st, s, now))
			s->used = false;
		if (!s->used) {
			slot = s;
			break;
		}
		if (!slot || s->last_used < slot->last_used)
			slot = s;
	}
	if (!slot) {	/* max is never 0 (session_store_new) */
		pthread_mutex_unlock(&st->lock);
		return -EINVAL;
	}
	memset(slot, 0, sizeof(*slot));
	slot->used = true;
	memcpy(slot->sid, sid, SESSION_TOKEN_LEN + 1);
	memcpy(slot->csrf, csrf, SESSION_TOKEN_LEN + 1);
	slot->created = slot->last_used = now;
	pthread_mutex_unlock(&st->lock);
	return 0;
}

int session_check(struct session_store *st, const char *sid, int64_t now,
		  char csrf[SESSION_TOKEN_LEN + 1])
{
	struct session *s;
	int r = -ENOENT;

	pthread_mutex_lock(&st->lock);
	s = find(st, sid, now);
	if (s) {
		s->last_used = now;
		if (csrf)
			memcpy(csrf, s->csrf, SESSION_TOKEN_LEN + 1);
		r = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return r;
}

bool session_csrf_ok(struct session_store *st, const char *sid,
		     const char *token, int64_t now)
{
	struct session *s;
	bool ok = false;

	if (!token)
		return false;
	pthread_mutex_lock(&st->lock);
	s = find(st, sid, now);
	if (s)
		ok = token_eq(s->csrf, token);
	pthread_mutex_unlock(&st->lock);
	return ok;
}

void session_destroy(struct session_store *st, const char *sid)
{
	unsigned int i;

	if (!sid)
		return;
	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->max; i++) {
		struct session *s = &st->s[i];

		if (s->used && token_eq(s->sid, sid)) {
			OPENSSL_cleanse(s, sizeof(*s));
			s->used = false;
		}
	}
	pthread_mutex_unlock(&st->lock);
}

unsigned int session_count(struct session_store *st, int64_t now)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&st->lock);
	find(st, NULL, now);
	for (i = 0; i < st->max; i++)
		n += st->s[i].used;
	pthread_mutex_unlock(&st->lock);
	return n;
}
