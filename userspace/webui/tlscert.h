/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * tlscert: the certificate esol-webui serves HTTPS with.  A configured
 * cert/key pair is used as it is; without one, a self-signed certificate
 * (ECDSA P-256, SHA-256, 10 years, the host name and localhost as names)
 * is made with OpenSSL on first start in the state directory and kept.
 */
#ifndef ESOL_WEBUI_TLSCERT_H
#define ESOL_WEBUI_TLSCERT_H

#include <stddef.h>

/*
 * Make cert_path and key_path (key mode 0600) unless both exist.  Sets
 * *made when it made them.  0 or -errno with why in err.
 */
int tlscert_ensure(const char *cert_path, const char *key_path, int *made,
		   char *err, size_t errlen);
/* A whole PEM file as a NUL-terminated malloc'd string.  0 or -errno. */
int tlscert_read_pem(const char *path, char **out);

#endif /* ESOL_WEBUI_TLSCERT_H */
