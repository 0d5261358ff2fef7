/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * app: esol-webui's HTTP side on libmicrohttpd: the routes, the login
 * and first-use flow, the session cookie and CSRF checks, the security
 * headers of every answer, and the settings forms turned into "set"
 * requests to esold.
 *
 * libmicrohttpd serves from one internal thread (MHD_USE_INTERNAL_POLLING_THREAD):
 * pages are small, one administrator uses them, and the time-zone
 * conversion of core/tz needs a single thread.  The connection test
 * waits for esold's poll (at most APP_TEST_WAIT_S) in that thread.
 */
#ifndef ESOL_WEBUI_APP_H
#define ESOL_WEBUI_APP_H

#include <stddef.h>

#include "webui/wconf.h"

#define APP_TEST_WAIT_S		30
#define APP_LOGIN_FAILURES	5	/* per address per window */
#define APP_LOGIN_WINDOW_S	300
#define APP_SESSIONS_MAX	8
#define APP_COOKIE		"esol_sid"

struct app;

/* cfg must outlive the app.  cert_pem/key_pem: NULL without TLS. */
int app_start(const struct webui_config *cfg, const char *cert_pem, const char *key_pem,
	      struct app **out, char *err, size_t errlen);
void app_stop(struct app *app);

/* The stylesheet /style.css serves (style.c). */
extern const char webui_style_css[];

#endif /* ESOL_WEBUI_APP_H */
