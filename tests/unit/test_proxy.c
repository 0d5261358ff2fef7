// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_proxy: proxy selection - the text forms (PAC answers, proxy URLs),
 * no_proxy matching, WPAD domain walking, and the whole decision against
 * real servers: a TLS server, an HTTP server serving PAC files, and a real
 * tinyproxy (with and without Basic auth) whose log proves the route.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "net/netsync.h"
#include "net/noproxy.h"
#include "net/proxy.h"
#include "net/wpad.h"
#include "net_testsrv.h"

/* ---- text forms ---- */

START_TEST(t_parse_pac)
{
	struct net_proxy_list l;
	char err[256];

	ck_assert_int_eq(net_proxy_parse_pac("PROXY a.example:3128; SOCKS b:1080; DIRECT", &l,
					     err, sizeof(err)), 3);
	ck_assert_int_eq(l.c[0].type, NET_PROXY_HTTP);
	ck_assert_str_eq(l.c[0].host, "a.example");
	ck_assert_uint_eq(l.c[0].port, 3128);
	ck_assert_int_eq(l.c[1].type, NET_PROXY_SOCKS4);
	ck_assert_int_eq(l.c[2].type, NET_PROXY_DIRECT);
	ck_assert_str_eq(err, "");

	/* empty: DIRECT, as browsers do */
	ck_assert_int_eq(net_proxy_parse_pac("", &l, err, sizeof(err)), 1);
	ck_assert_int_eq(l.c[0].type, NET_PROXY_DIRECT);
	ck_assert_int_eq(net_proxy_parse_pac(" ; ;", &l, err, sizeof(err)), 1);
	ck_assert_int_eq(l.c[0].type, NET_PROXY_DIRECT);

	/* case, IPv6, default ports, the other keywords */
	ck_assert_int_eq(net_proxy_parse_pac("proxy [::1]:8080;https h;SOCKS5 s;HTTP x", &l,
					     err, sizeof(err)), 4);
	ck_assert_str_eq(l.c[0].host, "::1");
	ck_assert_uint_eq(l.c[0].port, 8080);
	ck_assert_int_eq(l.c[1].type, NET_PROXY_HTTPS);
	ck_assert_uint_eq(l.c[1].port, 443);
	ck_assert_int_eq(l.c[2].type, NET_PROXY_SOCKS5);
	ck_assert_uint_eq(l.c[2].port, 1080);
	ck_assert_uint_eq(l.c[3].port, 80);

	/* bad entries are skipped and named; the good ones kept */
	ck_assert_int_eq(net_proxy_parse_pac("FOO bar; PROXY; PROXY h:99999; PROXY a b:1; "
					     "DIRECT x; PROXY ::1:80; PROXY ok:1", &l, err,
					     sizeof(err)), 1);
	ck_assert_str_eq(l.c[0].host, "ok");
	ck_assert_msg(strstr(err, "unknown entry 'FOO bar'"), "%s", err);
	ck_assert_msg(strstr(err, "bad entry 'PROXY h:99999'"), "%s", err);
	ck_assert_int_eq(net_proxy_parse_pac("garbage", &l, err, sizeof(err)), 0);
	ck_assert_int_eq(net_proxy_parse_pac("PROXY a/b:1", &l, NULL, 0), 0);
	/* a bracketed literal is an IPv6 address, its zone id not empty
	 * (fuzz_proxy: "[::1%]" was taken, and libcurl refuses it) */
	ck_assert_int_eq(net_proxy_parse_pac("PROXY [::1%]:808", &l, NULL, 0), 0);
	ck_assert_int_eq(net_proxy_parse_pac("PROXY [1:2]:80", &l, NULL, 0), 0);
	ck_assert_int_eq(net_proxy_parse_pac("PROXY a%b:80", &l, NULL, 0), 0);
	ck_assert_int_eq(net_proxy_parse_pac("PROXY [fe80::1%eth0]:3128", &l, NULL, 0), 1);
	ck_assert_str_eq(l.c[0].host, "fe80::1%eth0");
	/* libcurl takes zone ids of at most 15 characters (IFNAMSIZ - 1) */
	ck_assert_int_eq(net_proxy_parse_pac("PROXY [::%abcdefghijklmnop]:8", &l, NULL, 0), 0);
	ck_assert_int_eq(net_proxy_parse_pac("PROXY [::%abcdefghijklmno]:8", &l, NULL, 0), 1);

	/* at most NET_MAX_CANDS */
	ck_assert_int_eq(net_proxy_parse_pac("DIRECT;DIRECT;DIRECT;DIRECT;DIRECT;DIRECT;"
					     "DIRECT;DIRECT;DIRECT;DIRECT", &l, err,
					     sizeof(err)), NET_MAX_CANDS);
}
END_TEST

START_TEST(t_parse_url)
{
	struct net_proxy_cand c;
	char err[256];

	ck_assert_int_eq(net_proxy_parse_url("http://u:p%40ss@proxy.example:3128", &c, err,
					     sizeof(err)), 0);
	ck_assert_int_eq(c.type, NET_PROXY_HTTP);
	ck_assert_str_eq(c.host, "proxy.example");
	ck_assert_uint_eq(c.port, 3128);
	ck_assert_str_eq(c.user, "u");
	ck_assert_str_eq(c.password, "p@ss");
	ck_assert_int_eq(net_proxy_parse_url("proxy:8080", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.type, NET_PROXY_HTTP);
	ck_assert_uint_eq(c.port, 8080);
	ck_assert_str_eq(c.user, "");
	ck_assert_int_eq(net_proxy_parse_url("proxy", &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.port, 1080);
	ck_assert_int_eq(net_proxy_parse_url("https://p", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.type, NET_PROXY_HTTPS);
	ck_assert_uint_eq(c.port, 443);
	ck_assert_int_eq(net_proxy_parse_url("socks5h://[::1]:1080", &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.type, NET_PROXY_SOCKS5);
	ck_assert_str_eq(c.host, "::1");
	ck_assert_int_eq(net_proxy_parse_url("http://proxy:3128/", &c, err, sizeof(err)), 0);
	/* an IPv6 zone id is kept (fuzz_proxy: libcurl gives it apart) */
	ck_assert_int_eq(net_proxy_parse_url("http://[fe80::1%25eth0]:3128", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "fe80::1%eth0");
	ck_assert_int_eq(net_proxy_parse_url("socks5h://[fe80::1%eth0]", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "fe80::1%eth0");
	ck_assert_int_eq(net_proxy_parse_url("http://[fe80::1%2525x]:1", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.host, "fe80::1%25x");

	ck_assert_int_eq(net_proxy_parse_url("ftp://x", &c, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "unsupported scheme"), "%s", err);
	ck_assert_int_eq(net_proxy_parse_url("http://p:3128/path", &c, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(net_proxy_parse_url("", &c, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(net_proxy_parse_url("http://p:0", &c, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(net_proxy_parse_url("p:70000", &c, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(net_proxy_parse_url("p :80", &c, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(net_proxy_parse_url("http://p\r\n:80", &c, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(t_format)
{
	struct net_proxy_cand c = { .type = NET_PROXY_HTTP, .host = "h", .port = 3128,
				    .user = "secret-user", .password = "secret" };
	struct net_proxy_list l = { .n = 2 };
	char buf[NET_PROXY_STR_MAX];

	net_proxy_cand_format(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "PROXY h:3128");
	ck_assert_int_eq(net_proxy_cand_curl(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "http://h:3128");	/* never the credentials */
	c.type = NET_PROXY_SOCKS4;
	snprintf(c.host, sizeof(c.host), "::1");
	net_proxy_cand_format(&c, buf, sizeof(buf));
	ck_assert_str_eq(buf, "SOCKS4 [::1]:3128");
	ck_assert_int_eq(net_proxy_cand_curl(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "socks4a://[::1]:3128");
	c.type = NET_PROXY_SOCKS5;
	ck_assert_int_eq(net_proxy_cand_curl(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "socks5h://[::1]:3128");
	/* a zone id goes to libcurl percent-encoded (RFC 6874), as it reads it */
	snprintf(c.host, sizeof(c.host), "fe80::1%%25x");
	ck_assert_int_eq(net_proxy_cand_curl(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "socks5h://[fe80::1%2525x]:3128");
	snprintf(c.host, sizeof(c.host), "::1");
	c.type = NET_PROXY_DIRECT;
	ck_assert_int_eq(net_proxy_cand_curl(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	l.c[0] = c;
	l.c[1] = (struct net_proxy_cand){ .type = NET_PROXY_HTTPS, .host = "p", .port = 443 };
	net_proxy_list_format(&l, buf, sizeof(buf));
	ck_assert_str_eq(buf, "DIRECT; HTTPS p:443");
	ck_assert_str_eq(net_proxy_source_name(NET_PSRC_PAC), "pac");
}
END_TEST

START_TEST(t_env_load)
{
	struct net_proxy_env e;

	unsetenv("https_proxy");
	unsetenv("all_proxy");
	unsetenv("no_proxy");
	setenv("HTTPS_PROXY", "http://upper:1", 1);
	setenv("ALL_PROXY", "socks5://all:2", 1);
	setenv("NO_PROXY", "localhost", 1);
	net_proxy_env_load(&e);
	ck_assert_str_eq(e.https_proxy, "http://upper:1");
	ck_assert_str_eq(e.all_proxy, "socks5://all:2");
	ck_assert_str_eq(e.no_proxy, "localhost");
	setenv("https_proxy", "http://lower:1", 1);
	setenv("no_proxy", "", 1);	/* empty: the other spelling */
	net_proxy_env_load(&e);
	ck_assert_str_eq(e.https_proxy, "http://lower:1");
	ck_assert_str_eq(e.no_proxy, "localhost");
	unsetenv("HTTPS_PROXY");
	unsetenv("ALL_PROXY");
	unsetenv("NO_PROXY");
	unsetenv("https_proxy");
	unsetenv("no_proxy");
	net_proxy_env_load(&e);
	ck_assert_ptr_null(e.https_proxy);
	ck_assert_ptr_null(e.all_proxy);
	ck_assert_ptr_null(e.no_proxy);
}
END_TEST

START_TEST(t_no_proxy)
{
	ck_assert(net_noproxy_match("*", "anything.example", 443));
	ck_assert(net_noproxy_match("example.com", "example.com", 443));
	ck_assert(net_noproxy_match("example.com", "www.example.com", 443));
	ck_assert(net_noproxy_match(".example.com", "www.example.com", 443));
	ck_assert(net_noproxy_match(".example.com", "example.com", 443));
	ck_assert(net_noproxy_match("*.example.com", "a.b.example.com", 443));
	ck_assert(!net_noproxy_match("example.com", "badexample.com", 443));
	ck_assert(!net_noproxy_match("ample.com", "example.com", 443));
	ck_assert(!net_noproxy_match("www.example.com", "example.com", 443));
	ck_assert(net_noproxy_match("EXAMPLE.com", "www.Example.COM", 443));
	ck_assert(net_noproxy_match("example.com.", "www.example.com", 443));
	ck_assert(net_noproxy_match("example.com", "www.example.com.", 443));
	/* lists: commas and/or blanks */
	ck_assert(net_noproxy_match("localhost, .corp ,example.org", "x.corp", 443));
	ck_assert(net_noproxy_match("localhost .corp\texample.org", "example.org", 443));
	ck_assert(!net_noproxy_match("localhost,.corp", "example.org", 443));
	ck_assert(!net_noproxy_match("", "example.org", 443));
	ck_assert(!net_noproxy_match(NULL, "example.org", 443));
	ck_assert(!net_noproxy_match(",,, ,", "example.org", 443));
	/* ports */
	ck_assert(net_noproxy_match("example.com:8443", "example.com", 8443));
	ck_assert(!net_noproxy_match("example.com:8443", "example.com", 443));
	ck_assert(net_noproxy_match("[::1]:8443", "::1", 8443));
	ck_assert(!net_noproxy_match("[::1]:8443", "::1", 443));
	/* IP literals, any spelling */
	ck_assert(net_noproxy_match("10.1.2.3", "10.1.2.3", 443));
	ck_assert(!net_noproxy_match("10.1.2.3", "10.1.2.30", 443));
	ck_assert(net_noproxy_match("::1", "[::1]", 443));
	ck_assert(net_noproxy_match("[0:0::1]", "::1", 443));
	ck_assert(!net_noproxy_match("1.2.3.4", "1.2.3.4.example.com", 443));
	/* CIDR */
	ck_assert(net_noproxy_match("10.0.0.0/8", "10.200.3.4", 443));
	ck_assert(!net_noproxy_match("10.0.0.0/8", "11.0.0.1", 443));
	ck_assert(net_noproxy_match("192.168.4.0/22", "192.168.7.255", 443));
	ck_assert(!net_noproxy_match("192.168.4.0/22", "192.168.8.0", 443));
	ck_assert(net_noproxy_match("0.0.0.0/0", "8.8.8.8", 443));
	ck_assert(net_noproxy_match("10.1.2.3/32", "10.1.2.3", 443));
	ck_assert(!net_noproxy_match("10.1.2.3/32", "10.1.2.4", 443));
	ck_assert(!net_noproxy_match("10.0.0.0/33", "10.0.0.1", 443));
	ck_assert(!net_noproxy_match("10.0.0.0/x", "10.0.0.1", 443));
	ck_assert(net_noproxy_match("fd00::/8", "fd12:3456::1", 443));
	ck_assert(net_noproxy_match("fd00::/8", "[fd12:3456::1]", 443));
	ck_assert(!net_noproxy_match("fd00::/8", "fe80::1", 443));
	ck_assert(!net_noproxy_match("fd00::/8", "10.0.0.1", 443));
	/* a CIDR never matches a name: no DNS lookups here */
	ck_assert(!net_noproxy_match("127.0.0.0/8", "localhost", 443));
}
END_TEST

/* ---- WPAD ---- */

static const char *write_tmp(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/esol-resolv.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(t_wpad_domain)
{
	char d[256];
	const char *p;

	p = write_tmp("# generated\nnameserver 10.0.0.1\nsearch a.example.com b.example.org\n");
	ck_assert_int_eq(net_wpad_domain(p, "host", d, sizeof(d)), 0);
	ck_assert_str_eq(d, "a.example.com");
	unlink(p);
	p = write_tmp("domain corp.example.com\nsearch X.Example.NET.\n");
	ck_assert_int_eq(net_wpad_domain(p, "host", d, sizeof(d)), 0);
	ck_assert_str_eq(d, "x.example.net");	/* the last one wins, lower case */
	unlink(p);
	p = write_tmp("search x.example.net\ndomain corp.example.com # comment\n");
	ck_assert_int_eq(net_wpad_domain(p, "host", d, sizeof(d)), 0);
	ck_assert_str_eq(d, "corp.example.com");
	unlink(p);
	/* nothing in resolv.conf: the host's FQDN */
	p = write_tmp("nameserver 10.0.0.1\nsearch .\n");
	ck_assert_int_eq(net_wpad_domain(p, "printer.office.example.com", d, sizeof(d)), 0);
	ck_assert_str_eq(d, "office.example.com");
	ck_assert_int_eq(net_wpad_domain(p, "printer", d, sizeof(d)), -ENOENT);
	ck_assert_int_eq(net_wpad_domain(p, "printer.", d, sizeof(d)), -ENOENT);
	unlink(p);
	p = write_tmp("search bad..domain\n");
	ck_assert_int_eq(net_wpad_domain(p, "printer", d, sizeof(d)), -ENOENT);
	unlink(p);
	ck_assert_int_eq(net_wpad_domain("/nonexistent/resolv.conf", "a.b.example", d,
					 sizeof(d)), 0);
	ck_assert_str_eq(d, "b.example");
}
END_TEST

START_TEST(t_wpad_urls)
{
	char u[NET_WPAD_MAX][NET_URL_MAX];

	ck_assert_int_eq(net_wpad_urls("a.b.example.com", u, NET_WPAD_MAX), 3);
	ck_assert_str_eq(u[0], "http://wpad.a.b.example.com/wpad.dat");
	ck_assert_str_eq(u[1], "http://wpad.b.example.com/wpad.dat");
	ck_assert_str_eq(u[2], "http://wpad.example.com/wpad.dat");
	/* never wpad.co.uk, never wpad.uk, never wpad.com */
	ck_assert_int_eq(net_wpad_urls("a.example.co.uk", u, NET_WPAD_MAX), 2);
	ck_assert_str_eq(u[1], "http://wpad.example.co.uk/wpad.dat");
	ck_assert_int_eq(net_wpad_urls("example.com", u, NET_WPAD_MAX), 1);
	ck_assert_int_eq(net_wpad_urls("com", u, NET_WPAD_MAX), 0);
	ck_assert_int_eq(net_wpad_urls("co.uk", u, NET_WPAD_MAX), 0);
	ck_assert_int_eq(net_wpad_urls("localdomain", u, NET_WPAD_MAX), 0);
	ck_assert_int_eq(net_wpad_urls("Corp.Example.COM.", u, NET_WPAD_MAX), 2);
	ck_assert_str_eq(u[0], "http://wpad.corp.example.com/wpad.dat");
	ck_assert_int_eq(net_wpad_urls("bad..name", u, NET_WPAD_MAX), 0);
	ck_assert_int_eq(net_wpad_urls("a.b.c.d.e.f.g.h.i.j.example.com", u, 4), 4);
	ck_assert_int_eq(net_wpad_urls("x.test.example", u, NET_WPAD_MAX), 2);
	ck_assert_str_eq(u[1], "http://wpad.test.example/wpad.dat");
}
END_TEST

/* ---- the decision, against real servers ---- */

static struct tsrv tls, web;
static struct tproxy tp;
static char url[128];
static char pac[1024];
static char connect_to_buf[2][128];
static const char *connect_to[3];

static void setup_servers(void)
{
	struct tsrv_opts o = { .tls = true, .cert = tsrv_pki_file("server.crt"),
			       .key = tsrv_pki_file("server.key") };
	struct tsrv_opts plain = { 0 };

	ck_assert_int_eq(tsrv_start(&tls, &o), 0);
	ck_assert_int_eq(tsrv_start(&web, &plain), 0);
	snprintf(url, sizeof(url), "https://localhost:%u", tls.port);
	web.pac = pac;
	tp.pid = 0;
}

static void teardown_servers(void)
{
	tsrv_stop(&tls);
	tsrv_stop(&web);
	tproxy_stop(&tp);
}

static void need_proxy(const char *user, const char *pw)
{
	ck_assert_msg(tproxy_start(&tp, user, pw) == 0,
		      "tinyproxy (Debian package tinyproxy) does not start");
}

static struct net_config cfg(enum net_proxy_mode mode)
{
	struct net_config c = {
		.server_url = url, .ca_file = tsrv_pki_file("ca.crt"),
		.connect_timeout_ms = 5000, .total_timeout_ms = 15000,
		.proxy.mode = mode, .proxy.no_wpad = true,
		.proxy.resolv_conf = "/nonexistent", .proxy.hostname = "printer",
	};
	return c;
}

static struct net_sync *sync_new(const struct net_config *c)
{
	struct net_sync *s;
	char err[256];

	ck_assert_msg(net_sync_new(c, &s, err, sizeof(err)) == 0, "%s", err);
	return s;
}

static void post(struct net_sync *s, struct net_result *r)
{
	struct net_request req = { .method = NET_POST, .path = "/v1/poll", .body = "{}",
				   .body_len = 2 };

	ck_assert_int_eq(net_sync_request(s, &req, r), 0);
}

static void once(const struct net_config *c, struct net_result *r)
{
	struct net_sync *s = sync_new(c);

	post(s, r);
	net_sync_free(s);
}

START_TEST(t_manual)
{
	struct net_config c = cfg(NET_PROXY_MODE_MANUAL);
	struct net_result r;
	char want[64];

	need_proxy(NULL, NULL);
	c.proxy.host = "127.0.0.1";
	c.proxy.port = tp.port;
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	snprintf(want, sizeof(want), "PROXY 127.0.0.1:%u", tp.port);
	ck_assert_str_eq(r.proxy_used, want);
	ck_assert_int_eq(r.proxy_source, NET_PSRC_MANUAL);
	ck_assert_int_eq(tproxy_connects(&tp), 1);
	ck_assert_int_eq(tls.hits_v1, 1);
}
END_TEST

START_TEST(t_manual_auth)
{
	struct net_config c = cfg(NET_PROXY_MODE_MANUAL);
	struct net_result r;

	need_proxy("alice", "s3cret");
	c.proxy.host = "127.0.0.1";
	c.proxy.port = tp.port;
	once(&c, &r);
	ck_assert_int_eq(r.status, NET_E_PROXY);	/* 407 */
	ck_assert(!r.retryable);
	ck_assert_msg(strstr(r.message, "407"), "%s", r.message);
	c.proxy.user = "alice";
	c.proxy.password = "wrong";
	once(&c, &r);
	ck_assert_int_eq(r.status, NET_E_PROXY);
	c.proxy.password = "s3cret";
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_int_eq(tls.hits_v1, 1);
	/* the result never carries the credentials */
	ck_assert_ptr_null(strstr(r.proxy_used, "alice"));
	ck_assert_str_eq(r.cands.c[0].user, "");
	ck_assert_str_eq(r.cands.c[0].password, "");
}
END_TEST

START_TEST(t_manual_dead)
{
	struct net_config c = cfg(NET_PROXY_MODE_MANUAL);
	struct net_result r;

	c.proxy.host = "127.0.0.1";
	c.proxy.port = tsrv_dead_port();
	once(&c, &r);
	ck_assert_int_eq(r.status, NET_E_PROXY);
	ck_assert(r.retryable);
	ck_assert_uint_eq(r.n_attempts, 1);	/* manual: no DIRECT behind it */
	ck_assert_int_eq(tls.hits_total, 0);
}
END_TEST

START_TEST(t_env)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	char env[64];

	need_proxy(NULL, NULL);
	snprintf(env, sizeof(env), "http://127.0.0.1:%u", tp.port);
	c.proxy.env.https_proxy = env;
	c.proxy.pac_url = "http://127.0.0.1:1/never-fetched.pac";
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_int_eq(r.proxy_source, NET_PSRC_ENV);
	ck_assert_int_eq(tproxy_connects(&tp), 1);

	/* no_proxy: DIRECT */
	c.proxy.env.no_proxy = "example.org, localhost";
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_str_eq(r.proxy_used, "DIRECT");
	ck_assert_int_eq(r.proxy_source, NET_PSRC_ENV);
	ck_assert_int_eq(tproxy_connects(&tp), 1);

	/* all_proxy when there is no https_proxy */
	c.proxy.env.no_proxy = NULL;
	c.proxy.env.https_proxy = NULL;
	c.proxy.env.all_proxy = env;
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_int_eq(tproxy_connects(&tp), 2);
	ck_assert_int_eq(tls.hits_v1, 3);
	ck_assert_int_eq(web.hits_total, 0);
}
END_TEST

static void set_pac_url(struct net_config *c)
{
	static char u[96];

	snprintf(u, sizeof(u), "http://127.0.0.1:%u/wpad.dat", web.port);
	c->proxy.pac_url = u;
}

START_TEST(t_pac_fallback_order)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	char want[64];
	unsigned dead = tsrv_dead_port();

	need_proxy(NULL, NULL);
	snprintf(pac, sizeof(pac),
		 "function FindProxyForURL(url, host) {\n"
		 "  if (url != 'https://localhost:%u/' || host != 'localhost') return 'PROXY bad:1';\n"
		 "  return 'PROXY 127.0.0.1:%u; PROXY 127.0.0.1:%u; DIRECT';\n}\n",
		 tls.port, dead, tp.port);
	set_pac_url(&c);
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_int_eq(r.proxy_source, NET_PSRC_PAC);
	ck_assert_uint_eq(r.cands.n, 3);
	ck_assert_uint_eq(r.n_attempts, 2);
	ck_assert_int_eq(r.attempts[0].status, NET_E_PROXY);
	ck_assert_int_eq(r.attempts[1].status, NET_OK);
	snprintf(want, sizeof(want), "PROXY 127.0.0.1:%u", tp.port);
	ck_assert_str_eq(r.proxy_used, want);
	ck_assert_msg(strstr(r.proxy_note, "/wpad.dat"), "%s", r.proxy_note);
	ck_assert_int_eq(tproxy_connects(&tp), 1);
	ck_assert_int_eq(web.hits_wpad, 1);
	ck_assert_int_eq(tls.hits_v1, 1);
}
END_TEST

START_TEST(t_pac_cache)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	struct net_sync *s;

	snprintf(pac, sizeof(pac), "function FindProxyForURL(u, h) { return 'DIRECT'; }");
	set_pac_url(&c);
	s = sync_new(&c);
	post(s, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	post(s, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_int_eq(r.proxy_source, NET_PSRC_PAC);
	ck_assert_int_eq(web.hits_wpad, 1);	/* fetched once */
	net_transport_flush_proxy_cache(net_sync_transport(s));
	post(s, &r);
	ck_assert_int_eq(web.hits_wpad, 2);
	net_sync_free(s);

	c.proxy.pac_ttl_s = -1;			/* no cache */
	s = sync_new(&c);
	post(s, &r);
	post(s, &r);
	ck_assert_int_eq(web.hits_wpad, 4);
	net_sync_free(s);
	ck_assert_int_eq(tls.hits_v1, 5);
}
END_TEST

START_TEST(t_pac_all_failed_refetch)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	struct net_sync *s;

	snprintf(pac, sizeof(pac), "function FindProxyForURL(u, h) { return 'PROXY 127.0.0.1:%u'; }",
		 tsrv_dead_port());
	set_pac_url(&c);
	s = sync_new(&c);
	post(s, &r);
	ck_assert_int_eq(r.status, NET_E_PROXY);
	post(s, &r);
	/* every route failed: the next request asks again */
	ck_assert_int_eq(web.hits_wpad, 2);
	net_sync_free(s);
}
END_TEST

/* A broken or hostile PAC: a clear note, and DIRECT. */
static void expect_pac_fallback(const char *script, const char *note_part, long tmo)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;

	snprintf(pac, sizeof(pac), "%s", script);
	set_pac_url(&c);
	c.proxy.pac.timeout_ms = (unsigned)tmo;
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_str_eq(r.proxy_used, "DIRECT");
	ck_assert_int_eq(r.proxy_source, NET_PSRC_DEFAULT);
	ck_assert_msg(strstr(r.proxy_note, note_part), "'%s' lacks '%s'", r.proxy_note,
		      note_part);
}

/* A resolver that never answers in time (the real one is tested against a
 * slow name server in test_pac). */
static int dns_times_out(void *ctx, const char *host, unsigned timeout_ms, char *out,
			 size_t len)
{
	(void)ctx;
	(void)host;
	(void)timeout_ms;
	(void)out;
	(void)len;
	return -ETIMEDOUT;
}

/* A PAC whose lookup got no answer: not DIRECT, not cached, retryable. */
START_TEST(t_pac_dns_timeout_not_direct)
{
	static const struct pac_dns slow = { dns_times_out, NULL, NULL };
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	struct net_sync *s;

	snprintf(pac, sizeof(pac), "function FindProxyForURL(u, h) {\n"
		 "  return isInNet(h, '10.0.0.0', '255.0.0.0') ? 'DIRECT' : 'PROXY 127.0.0.1:1';\n}\n");
	set_pac_url(&c);
	c.proxy.pac.dns = &slow;
	s = sync_new(&c);
	post(s, &r);
	ck_assert_int_eq(r.status, NET_E_DNS);
	ck_assert(r.retryable);
	ck_assert_int_eq(r.proxy_source, NET_PSRC_PAC);
	ck_assert_uint_eq(r.n_attempts, 0);
	ck_assert_msg(strstr(r.message, "DNS lookup of localhost timed out after"), "%s", r.message);
	ck_assert_msg(strstr(r.proxy_note, "/wpad.dat: DNS lookup of localhost"), "%s", r.proxy_note);
	post(s, &r);
	ck_assert_int_eq(r.status, NET_E_DNS);
	ck_assert_int_eq(web.hits_wpad, 2);	/* not cached: fetched again */
	ck_assert_int_eq(tls.hits_v1, 0);	/* nothing went DIRECT */
	net_sync_free(s);
}
END_TEST

START_TEST(t_pac_broken)
{
	expect_pac_fallback("function FindProxyForURL(u, h) { return 'DIRECT' ", "syntax error", 0);
	expect_pac_fallback("function FindProxyForURL(u, h) { for (;;) {} }", "time limit", 300);
	expect_pac_fallback("function FindProxyForURL(u, h) { return require('fs'); }",
			    "script error", 0);
	expect_pac_fallback("function FindProxyForURL(u, h) { return 'NONSENSE here'; }",
			    "no usable entry", 0);
	expect_pac_fallback("var x = 1;", "no FindProxyForURL", 0);
	ck_assert_int_eq(tls.hits_v1, 5);
}
END_TEST

START_TEST(t_pac_fetch_failures)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	char u[96];

	web.pac = NULL;			/* 404 */
	set_pac_url(&c);
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_str_eq(r.proxy_used, "DIRECT");
	ck_assert_msg(strstr(r.proxy_note, "HTTP 404"), "%s", r.proxy_note);

	web.pac = pac;			/* too large */
	memset(pac, ' ', sizeof(pac) - 1);
	pac[sizeof(pac) - 1] = '\0';
	c.proxy.pac_max_size = 100;
	once(&c, &r);
	ck_assert_str_eq(r.proxy_used, "DIRECT");
	ck_assert_msg(strstr(r.proxy_note, "larger than 100"), "%s", r.proxy_note);

	snprintf(u, sizeof(u), "http://127.0.0.1:%u/wpad.dat", tsrv_dead_port());
	c.proxy.pac_url = u;		/* nobody there */
	once(&c, &r);
	ck_assert_str_eq(r.proxy_used, "DIRECT");
	ck_assert_msg(strstr(r.proxy_note, "cannot fetch the PAC"), "%s", r.proxy_note);
	ck_assert_int_eq(tls.hits_v1, 3);
}
END_TEST

START_TEST(t_wpad_discovery)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	const char *resolv = write_tmp("search a.test.example\n");
	char want[64];

	need_proxy(NULL, NULL);
	snprintf(pac, sizeof(pac), "function FindProxyForURL(u, h) { return 'PROXY 127.0.0.1:%u'; }",
		 tp.port);
	/* wpad.a.test.example answers nothing; wpad.test.example has the PAC */
	snprintf(connect_to_buf[0], sizeof(connect_to_buf[0]),
		 "wpad.a.test.example:80:127.0.0.1:%u", tsrv_dead_port());
	snprintf(connect_to_buf[1], sizeof(connect_to_buf[1]),
		 "wpad.test.example:80:127.0.0.1:%u", web.port);
	connect_to[0] = connect_to_buf[0];
	connect_to[1] = connect_to_buf[1];
	connect_to[2] = NULL;
	c.connect_to = connect_to;
	c.proxy.no_wpad = false;
	c.proxy.resolv_conf = resolv;
	once(&c, &r);
	unlink(resolv);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_int_eq(r.proxy_source, NET_PSRC_PAC);
	ck_assert_msg(strstr(r.proxy_note, "http://wpad.test.example/wpad.dat"), "%s",
		      r.proxy_note);
	snprintf(want, sizeof(want), "PROXY 127.0.0.1:%u", tp.port);
	ck_assert_str_eq(r.proxy_used, want);
	ck_assert_int_eq(web.hits_wpad, 1);
	ck_assert_int_eq(tproxy_connects(&tp), 1);
}
END_TEST

START_TEST(t_wpad_nothing)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	const char *resolv = write_tmp("search test.example\n");

	snprintf(connect_to_buf[0], sizeof(connect_to_buf[0]),
		 "wpad.test.example:80:127.0.0.1:%u", tsrv_dead_port());
	connect_to[0] = connect_to_buf[0];
	connect_to[1] = NULL;
	c.connect_to = connect_to;
	c.proxy.no_wpad = false;
	c.proxy.resolv_conf = resolv;
	once(&c, &r);
	unlink(resolv);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_str_eq(r.proxy_used, "DIRECT");
	ck_assert_int_eq(r.proxy_source, NET_PSRC_DEFAULT);
	ck_assert_msg(strstr(r.proxy_note, "no WPAD PAC found"), "%s", r.proxy_note);

	/* no domain at all: DIRECT without trying */
	c.proxy.resolv_conf = "/nonexistent";
	once(&c, &r);
	ck_assert_str_eq(r.proxy_used, "DIRECT");
	ck_assert_msg(strstr(r.proxy_note, "no DNS domain"), "%s", r.proxy_note);
}
END_TEST

START_TEST(t_inline_pac_and_none)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_result r;
	char script[200];

	need_proxy(NULL, NULL);
	snprintf(script, sizeof(script),
		 "function FindProxyForURL(u, h) { return 'PROXY 127.0.0.1:%u; DIRECT'; }",
		 tp.port);
	c.proxy.pac_script = script;
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_int_eq(r.proxy_source, NET_PSRC_PAC);
	ck_assert_int_eq(tproxy_connects(&tp), 1);

	/* mode none ignores the environment and every PAC setting */
	c.proxy.mode = NET_PROXY_MODE_NONE;
	c.proxy.env.https_proxy = "http://127.0.0.1:1";
	once(&c, &r);
	ck_assert_msg(r.status == NET_OK, "%s", r.message);
	ck_assert_str_eq(r.proxy_used, "DIRECT");
	ck_assert_int_eq(r.proxy_source, NET_PSRC_NONE);
	ck_assert_int_eq(tproxy_connects(&tp), 1);
}
END_TEST

START_TEST(t_cancel_during_pac)
{
	struct net_config c = cfg(NET_PROXY_MODE_AUTO);
	struct net_request req = { .method = NET_GET, .path = "/v1/poll" };
	struct net_result r;
	struct net_sync *s;

	/* an evaluation that would run for 20 s: cancel kills it at once */
	c.proxy.pac_script = "function FindProxyForURL(u, h) { for (;;) {} }";
	c.proxy.pac.timeout_ms = 20000;
	s = sync_new(&c);
	ck_assert_int_eq(net_sync_start(s, &req, &r), 0);
	ck_assert_uint_eq(net_sync_watched(s), 1);	/* the child's pipe */
	ck_assert(net_transport_cancel(net_sync_transport(s)));
	ck_assert_uint_eq(net_sync_watched(s), 0);
	ck_assert(!net_sync_done(s));
	net_sync_free(s);
	ck_assert_int_eq(tls.hits_total, 0);
}
END_TEST

static Suite *proxy_suite(void)
{
	Suite *s = suite_create("proxy");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, t_parse_pac);
	tcase_add_test(tc, t_parse_url);
	tcase_add_test(tc, t_format);
	tcase_add_test(tc, t_env_load);
	tcase_add_test(tc, t_no_proxy);
	tcase_add_test(tc, t_wpad_domain);
	tcase_add_test(tc, t_wpad_urls);
	suite_add_tcase(s, tc);

	tc = tcase_create("route");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, setup_servers, teardown_servers);
	tcase_add_test(tc, t_manual);
	tcase_add_test(tc, t_manual_auth);
	tcase_add_test(tc, t_manual_dead);
	tcase_add_test(tc, t_env);
	tcase_add_test(tc, t_pac_fallback_order);
	tcase_add_test(tc, t_pac_cache);
	tcase_add_test(tc, t_pac_all_failed_refetch);
	tcase_add_test(tc, t_pac_broken);
	tcase_add_test(tc, t_pac_dns_timeout_not_direct);
	tcase_add_test(tc, t_pac_fetch_failures);
	tcase_add_test(tc, t_wpad_discovery);
	tcase_add_test(tc, t_wpad_nothing);
	tcase_add_test(tc, t_inline_pac_and_none);
	tcase_add_test(tc, t_cancel_during_pac);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(proxy_suite());
	int failed;
	char cmd[300];

	/* the route tests decide for themselves */
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	log_init("test_proxy", LOG_SINK_STDERR, LOG_ERR);
	tsrv_pki();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tsrv_pki());
	if (tsrv_pki_is_ours() && system(cmd) != 0)
		fprintf(stderr, "cannot remove the test PKI\n");
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
