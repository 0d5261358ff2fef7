// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_server_allowlist: the data-allowlist check of captured bodies,
 * against the real docs/protocol.md: every field the protocol encoders
 * can produce is on the list (the doc and the code agree), and anything
 * else is caught.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ckrun.h"
#include "proto/proto.h"
#include "server/allowlist.h"
#include "server/capture.h"
#include "server/server.h"

static struct allowlist *al;

static void load(void)
{
	const char *src = getenv("ESOL_SRCDIR");
	char path[512], err[256], *doc;

	snprintf(path, sizeof(path), "%s/docs/protocol.md", src ? src : ".");
	ck_assert_msg(server_read_file(path, &doc, NULL, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(allowlist_load(doc, &al, err, sizeof(err)) == 0, "%s", err);
	free(doc);
}

static void unload(void)
{
	allowlist_free(al);
	al = NULL;
}

static int check(const char *ep, const char *body)
{
	return allowlist_check(al, ep, body, strlen(body), "test", stderr);
}

/* Bodies with every optional field and every array filled. */
START_TEST(encoders_within_allowlist)
{
	struct proto_poll_req p;
	struct proto_meter_read r;
	static struct proto_supplies_report s;
	char *out;
	size_t n;

	memset(&p, 0, sizeof(p));
	strcpy(p.device.device_id, "SIM0001");
	strcpy(p.device.model, "M");
	strcpy(p.device.engine_fw, "E");
	strcpy(p.device.controller_fw, "C");
	strcpy(p.device.agent_version, "1");
	strcpy(p.config.timezone, "UTC");
	p.config.enabled = true;	/* a poll is never sent with it false */
	p.state.supplies_enabled = true;
	p.state.supplies_interval_s = 3600;
	p.state.has_last_poll = true;
	p.state.last_poll = 1793497632;
	ck_assert_int_eq(proto_encode_poll_req(&p, &out, &n, NULL), PROTO_OK);
	ck_assert_int_eq(allowlist_check(al, PROTO_PATH_POLL, out, n, "poll", stderr), 0);
	/* the same body is not allowed at another endpoint */
	ck_assert_int_gt(allowlist_check(al, PROTO_PATH_SUPPLIES, out, n, "poll", NULL), 0);
	free(out);

	memset(&r, 0, sizeof(r));
	strcpy(r.device_id, "SIM0001");
	strcpy(r.read_id, "r");
	strcpy(r.request_id, "q");
	r.taken_at = 1793497632;
	r.meter_mask = (1u << PROTO_METER_COUNT) - 1;
	ck_assert_int_eq(proto_encode_meter_read(&r, &out, &n, NULL), PROTO_OK);
	ck_assert_int_eq(allowlist_check(al, PROTO_PATH_METER_READS, out, n, "read", stderr), 0);
	free(out);

	memset(&s, 0, sizeof(s));
	strcpy(s.device_id, "SIM0001");
	strcpy(s.report_id, "s");
	s.taken_at = 1793497632;
	s.n_supplies = PROTO_SUPPLIES_MAX;
	for (unsigned int i = 0; i < s.n_supplies; i++) {
		s.supplies[i].index = i;
		strcpy(s.supplies[i].colorant, "cyan");
		strcpy(s.supplies[i].description, "Cyan toner");
	}
	ck_assert_int_eq(proto_encode_supplies(&s, &out, &n, NULL), PROTO_OK);
	ck_assert_int_eq(allowlist_check(al, PROTO_PATH_SUPPLIES, out, n, "supplies", stderr), 0);
	free(out);
}
END_TEST

START_TEST(violations_caught)
{
	ck_assert_int_eq(check(PROTO_PATH_POLL, "{\"device\":{\"device_id\":\"x\"}}"), 0);
	ck_assert_int_eq(check(PROTO_PATH_POLL, "{\"device\":{\"hostname\":\"x\"}}"), 1);
	ck_assert_int_eq(check(PROTO_PATH_POLL, "{\"ip\":\"10.0.0.1\",\"mac\":\"x\"}"), 2);
	ck_assert_int_eq(check(PROTO_PATH_POLL, "{\"config\":{\"proxy_mode\":\"manual\","
			       "\"proxy_host\":\"p\",\"proxy_password\":\"secret\"}}"), 2);
	/* a container where a value is allowed, a value where a container is */
	ck_assert_int_eq(check(PROTO_PATH_POLL, "{\"device\":{\"model\":{\"user\":\"bob\"}}}"), 1);
	ck_assert_int_eq(check(PROTO_PATH_POLL, "{\"device\":\"SIM0001\"}"), 1);
	ck_assert_int_eq(check(PROTO_PATH_SUPPLIES, "{\"supplies\":[{\"index\":1},"
			       "{\"index\":2,\"job_name\":\"payroll.pdf\"}]}"), 1);
	ck_assert_int_eq(check(PROTO_PATH_SUPPLIES, "{\"supplies\":[\"free text\"]}"), 1);
	ck_assert_int_eq(check(PROTO_PATH_METER_READS, "{\"meters\":{\"pages_by_user\":\"1\"}}"), 1);
	ck_assert_int_eq(check("other", "{\"anything\":1}"), 1);
	ck_assert_int_eq(check(PROTO_PATH_POLL, "not json"), 1);
	ck_assert_int_eq(check(PROTO_PATH_POLL, "[1,2]"), 1);
	ck_assert_int_eq(allowlist_check(al, PROTO_PATH_POLL, "{}\0{\"x\":1}", 10, "nul", NULL), 1);
}
END_TEST

START_TEST(capture_dir_checked)
{
	char dir[] = "/tmp/esol-test-allow-XXXXXX", cmd[128];
	struct capture c;
	int files, bad;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(capture_init(&c, dir), 0);
	ck_assert_int_eq(capture_store(&c, PROTO_PATH_POLL, "{\"state\":{\"spool_pending\":1}}", 29), 0);
	ck_assert_int_eq(capture_store(&c, PROTO_PATH_METER_READS, "{\"read_id\":\"r\"}", 15), 0);
	bad = allowlist_check_dir(al, dir, stderr, &files);
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(files, 2);
	ck_assert_int_eq(capture_store(&c, PROTO_PATH_SUPPLIES, "{\"serial\":\"x\"}", 14), 0);
	bad = allowlist_check_dir(al, dir, NULL, &files);
	ck_assert_int_eq(bad, 1);
	ck_assert_int_eq(files, 3);
	capture_destroy(&c);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_lt(allowlist_check_dir(al, "/nonexistent", NULL, &files), 0);
}
END_TEST

START_TEST(bad_documents)
{
	struct allowlist *a;
	char err[256];

	ck_assert_int_ne(allowlist_load("no markers here", &a, err, sizeof(err)), 0);
	ck_assert_int_ne(allowlist_load("<!-- allowlist:begin -->\n```\n```\n<!-- allowlist:end -->",
					&a, err, sizeof(err)), 0);
	ck_assert_int_eq(allowlist_load("<!-- allowlist:begin -->\n/v1/poll a.b\n<!-- allowlist:end -->",
					&a, err, sizeof(err)), 0);
	ck_assert_int_eq(allowlist_check(a, "/v1/poll", "{\"a\":{\"b\":1}}", 13, "x", NULL), 0);
	allowlist_free(a);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("server_allowlist");
	TCase *tc = tcase_create("allowlist");

	tcase_add_checked_fixture(tc, load, unload);
	tcase_add_test(tc, encoders_within_allowlist);
	tcase_add_test(tc, violations_caught);
	tcase_add_test(tc, capture_dir_checked);
	tcase_add_test(tc, bad_documents);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ck_run(suite());
}
