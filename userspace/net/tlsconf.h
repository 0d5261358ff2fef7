/* SPDX-License-Identifier: MIT */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * tlsconf: the transport's TLS material -- the CA store (ca_file), the
 * client certificate with its chain, and its key -- read and parsed once,
 * when the transport is made, and handed to every new connection through
 * libcurl's CURLOPT_SSL_CTX_FUNCTION.  Without it libcurl opens and parses
 * the three PEM files for every connection it opens.
 *
 * Files changed on disk are seen at the next reconfiguration (a new
 * transport), as every other setting.  Connections through an HTTPS proxy
 * keep libcurl's file-based set-up (the callback would also see the TLS
 * to the proxy, which must not get the device's certificate or the
 * server's CA).
 */
#ifndef ESOL_NET_TLSCONF_H
#define ESOL_NET_TLSCONF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The TLS policy of every connection esold makes (to the server, to an
 * HTTPS proxy, for a PAC file over https): TLS 1.3 (its three AEAD
 * suites), or TLS 1.2 with ECDHE key exchange and AEAD suites only --
 * Mozilla's "intermediate" profile without its DHE suites, so stricter.
 * No CBC, no SHA-1 MAC, no static RSA key exchange.  docs/protocol.md.
 */
#define NET_TLS12_CIPHERS \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define NET_TLS13_CIPHERS \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
/*
 * Key-exchange groups, the first one the group of the ClientHello's one
 * key share.  X25519 first: 32 bytes of key share where P-256 has 65, in
 * the ClientHello and the ServerHello of every new connection, and
 * esol-server (server/tlsfront.c) and OpenSSL servers (nginx) choose it.
 * A server that prefers another group the device also offers answers
 * with a HelloRetryRequest (GnuTLS's NORMAL priorities put P-256 first):
 * one more round trip and a second ClientHello, with the session ticket
 * again, about 1.2 KB on every new connection.
 */
#define NET_TLS_GROUPS "X25519:P-256:P-384"

#include <curl/curl.h>

struct net_tlsconf;

/*
 * Read and parse ca_file (NULL: the system's CAs, left to libcurl and its
 * CA cache), client_cert and client_key (both or neither).  Returns 0 and
 * *out; -ENOMEM; or -EINVAL with a message naming the file in err, and
 * *out still set: it gives libcurl the files (net_tlsconf_apply() as if
 * parsed were false), so every request fails as libcurl reports it.
 */
int net_tlsconf_new(const char *ca_file, const char *client_cert,
		    const char *client_key, struct net_tlsconf **out,
		    char *err, size_t errlen);
void net_tlsconf_free(struct net_tlsconf *tc);

/*
 * Set h up for the next connection: with the parsed material (parsed =
 * true), or with the files as libcurl reads them (false: for an HTTPS
 * proxy).  Returns 0 or -EINVAL (libcurl refused an option).
 */
int net_tlsconf_apply(const struct net_tlsconf *tc, CURL *h, bool parsed);

#endif /* ESOL_NET_TLSCONF_H */
