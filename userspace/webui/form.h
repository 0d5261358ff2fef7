/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * form: strict decoding of an application/x-www-form-urlencoded body
 * (what an HTML form POSTs), and of the cookie header's one value we use.
 *
 * Hand-written rather than libmicrohttpd's streaming post processor: the
 * bodies are small and bounded (FORM_BODY_MAX), and the strict rules
 * below (refuse a name given twice, a field not expected, a bad %-escape,
 * a control character, invalid UTF-8) are simpler to state and to test
 * over one buffer.
 */
#ifndef ESOL_WEBUI_FORM_H
#define ESOL_WEBUI_FORM_H

#include <stddef.h>

#define FORM_BODY_MAX		8192	/* bytes */
#define FORM_FIELDS_MAX		16
#define FORM_VALUE_MAX		1023	/* bytes, decoded (the control socket's limit) */

struct form_field {
	char *name;
	char *value;
};

struct form {
	struct form_field f[FORM_FIELDS_MAX];
	size_t n;
	char *store;		/* the decoded text, one allocation */
};

/*
 * Decode body[0..len).  Only the names in allowed (NULL-terminated) are
 * accepted.  0, or -EINVAL / -E2BIG / -ENOMEM with a message for the
 * user in err.  Values may be empty; newlines and other control
 * characters are refused.
 */
int form_parse(const char *body, size_t len, const char *const *allowed,
	       struct form *out, char *err, size_t errlen);
/* The value of name, or NULL when the form does not have it. */
const char *form_get(const struct form *f, const char *name);
void form_free(struct form *f);

/*
 * The value of cookie name in a Cookie header ("a=1; b=2"), copied into
 * out; -ENOENT when absent, -E2BIG when longer than out.
 */
int cookie_get(const char *header, const char *name, char *out, size_t outlen);

#endif /* ESOL_WEBUI_FORM_H */
