// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * Unit tests of webui/pages: what esold says is escaped wherever it lands,
 * every logged-in form carries the CSRF token, refused values are shown
 * next to their field, the transmission log shows the bytes sent.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "webui/pages.h"

#define TOKEN "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *render_status(const char *json, const struct printeng_snap *snap)
{
	struct page_ctx pc = { .csrf = TOKEN };
	json_t *st = json ? json_loads(json, 0, NULL) : NULL;
	struct hbuf b;
	char *out;

	hb_init(&b);
	page_status(&b, &pc, st, "no esold", snap, "engine gone");
	out = strdup(hb_finish(&b));
	hb_free(&b);
	json_decref(st);
	return out;
}

/* Occurrences of needle in hay. */
static int count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static const char hostile_status[] =
	"{\"enabled\":true,\"server\":\"https://x/<script>alert(1)</script>\","
	"\"poll_time\":\"03:00\",\"timezone\":\"UTC\",\"next_poll\":\"2026-12-07T03:00:00Z\","
	"\"last_poll\":null,\"last_poll_attempt\":\"2026-12-06T03:00:00Z\","
	"\"last_poll_result\":\"network: \\\"><img src=x onerror=alert(1)>\","
	"\"supplies\":{\"enabled\":true,\"interval_s\":3600,\"last_report\":null,\"next_in_s\":5},"
	"\"spool\":{\"count\":2,\"held\":0},\"proxy\":{\"mode\":\"manual\","
	"\"last_used\":\"http://p'q:3128\"},\"transfer\":null,\"retry_in_s\":null,"
	"\"last_error\":\"bad \\u001b]0;title\\u0007 header\",\"last_error_time\":\"2026-12-06T03:00:01Z\","
	"\"counters\":{\"polls\":1,\"reads_sent\":0,\"supplies_sent\":0}}";

START_TEST(test_status_escapes)
{
	char *html = render_status(hostile_status, NULL);

	ck_assert_ptr_nonnull(html);
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<img"));
	ck_assert_ptr_null(strstr(html, "\x1b"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "Failed: network: &quot;&gt;&lt;img"));
	ck_assert_ptr_nonnull(strstr(html, "http://p&#39;q:3128"));
	ck_assert_ptr_nonnull(strstr(html, "Mon 7 Dec 2026, 03:00 UTC"));
	ck_assert_ptr_nonnull(strstr(html, "engine gone"));
	/* the logout form has the token */
	ck_assert_ptr_nonnull(strstr(html, "name=\"csrf\" value=\"" TOKEN "\""));
	free(html);
	/* esold unreachable: said, and no crash */
	html = render_status(NULL, NULL);
	ck_assert_ptr_nonnull(strstr(html, "does not answer: no esold"));
	free(html);
}
END_TEST

START_TEST(test_status_engine)
{
	struct printeng_snap snap;
	char *html;

	memset(&snap, 0, sizeof(snap));
	strcpy(snap.model, "Esol <b>9000</b>");
	strcpy(snap.serial, "SIM0001");
	snap.meter_mask = 0x3;
	snap.meters[0] = 12345;
	snap.meters[1] = 99;
	snap.num_supplies = 2;
	snap.supplies[0].level = 15;
	snap.supplies[0].max_capacity = 100;
	snap.supplies[0].state = 1;
	strcpy(snap.supplies[0].description, "black toner");
	snap.supplies[1].level = -2;
	snap.supplies[1].max_capacity = 100;
	snap.supplies[1].type = PRINTENG_SUPPLY_WASTE_TONER;	/* no description */
	html = render_status(hostile_status, &snap);
	ck_assert_ptr_nonnull(strstr(html, "Esol &lt;b&gt;9000&lt;/b&gt;"));
	ck_assert_ptr_nonnull(strstr(html, ">12,345<"));
	ck_assert_ptr_nonnull(strstr(html, ">99<"));
	ck_assert_ptr_nonnull(strstr(html, "value=\"15\" aria-labelledby=\"supply-0\""));
	ck_assert_int_eq(count(html, "<meter "), 1);	/* the unknown level has no bar */
	ck_assert_ptr_nonnull(strstr(html, "level unknown"));
	ck_assert_ptr_nonnull(strstr(html, "id=\"supply-1\">waste toner<"));
	free(html);
}
END_TEST

static char *render_settings(const struct settings_view *v)
{
	struct page_ctx pc = { .csrf = TOKEN };
	struct hbuf b;
	char *out;

	hb_init(&b);
	page_settings(&b, &pc, v);
	out = strdup(hb_finish(&b));
	hb_free(&b);
	return out;
}

START_TEST(test_settings_forms_have_csrf)
{
	static char zone_names[][ZONE_NAME_MAX] = { "Europe/Paris", "UTC" };
	struct zone_list zones = { zone_names, 2 };
	struct settings_view v = { .zones = &zones };
	json_t *st = json_loads(hostile_status, 0, NULL);
	char *html;

	v.status = st;
	html = render_settings(&v);
	/* every POST form (logout, participation, schedule, proxy, proxy sign-in, test)
	 * has the token */
	ck_assert_int_eq(count(html, "method=\"post\""), 6);
	ck_assert_int_eq(count(html, "name=\"csrf\" value=\"" TOKEN "\""), 6);
	ck_assert_ptr_nonnull(strstr(html, "<option selected>UTC</option>"));
	ck_assert_ptr_nonnull(strstr(html, "value=\"manual\" checked"));
	ck_assert_ptr_nonnull(strstr(html, "Turn participation off"));
	/* every input has a label */
	ck_assert_int_eq(count(html, "<label for=\"poll_time\">"), 1);
	ck_assert_int_eq(count(html, "<label for=\"time_zone\">"), 1);
	ck_assert_int_eq(count(html, "<label for=\"proxy_host\">"), 1);
	ck_assert_int_eq(count(html, "<label for=\"proxy_port\">"), 1);
	ck_assert_int_eq(count(html, "<label for=\"pac_url\">"), 1);
	ck_assert_int_eq(count(html, "<label for=\"proxy_user\">"), 1);
	ck_assert_int_eq(count(html, "<label for=\"proxy_password\">"), 1);
	ck_assert_ptr_nonnull(strstr(html, "No user name or password is set."));
	ck_assert_ptr_null(strstr(html, "Clear the sign-in"));
	ck_assert_ptr_null(strstr(html, "<script"));
	free(html);
	json_decref(st);
}
END_TEST

START_TEST(test_settings_refused_value)
{
	struct settings_view v = { 0 };
	char *html;

	v.status_err = "esold is not running";
	v.proxy_mode = "manual";
	v.proxy_host = "<script>alert(1)</script>";
	v.proxy_port = "3128";
	v.err_proxy_host = "proxy.host: '<script>alert(1)</script>' is not a host name";
	v.test_result = "Failed: network: <no route>";
	html = render_settings(&v);
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_nonnull(strstr(html, "value=\"&lt;script&gt;alert(1)&lt;/script&gt;\""));
	ck_assert_ptr_nonnull(strstr(html, "aria-invalid=\"true\" aria-describedby=\"err-proxy_host\""));
	ck_assert_ptr_nonnull(strstr(html, "<p class=\"field-error\" id=\"err-proxy_host\">proxy.host: "
					   "&#39;&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "does not answer: esold is not running"));
	ck_assert_ptr_nonnull(strstr(html, "id=\"test-result\" role=\"status\">Failed: network: &lt;no route&gt;"));
	free(html);
}
END_TEST

/* The proxy sign-in: the password field is never filled, whatever esold says. */
static const char creds_status[] =
	"{\"enabled\":true,\"poll_time\":\"03:00\",\"timezone\":\"UTC\","
	"\"proxy\":{\"mode\":\"manual\",\"host\":\"proxy.example\",\"port\":3128,"
	"\"pac_url\":null,\"last_used\":null,\"credentials\":\"set\","
	"\"user\":\"al<i>ce\",\"credentials_from\":\"esold\",\"credentials_error\":null}}";

/* The password input's tag (up to its '>'), malloc'd; fails when absent. */
static char *password_tag(const char *html)
{
	const char *p = strstr(html, "<input type=\"password\" id=\"proxy_password\"");

	ck_assert_ptr_nonnull(p);
	return strndup(p, (size_t)(strchr(p, '>') - p + 1));
}

START_TEST(test_settings_proxy_credentials)
{
	struct settings_view v = { 0 };
	json_t *st = json_loads(creds_status, 0, NULL);
	char *html, *pw;

	ck_assert_ptr_nonnull(st);
	v.status = st;
	html = render_settings(&v);
	/* what esold says is set: host and port, the user, escaped */
	ck_assert_ptr_nonnull(strstr(html, "id=\"proxy_host\" name=\"proxy_host\" "
					   "value=\"proxy.example\""));
	ck_assert_ptr_nonnull(strstr(html, "name=\"proxy_port\" value=\"3128\""));
	ck_assert_ptr_nonnull(strstr(html, "A password is set for the user "
					   "<strong>al&lt;i&gt;ce</strong>"));
	ck_assert_ptr_nonnull(strstr(html, "name=\"proxy_user\" value=\"al&lt;i&gt;ce\""));
	/* the password: type password, a new one, no value attribute */
	pw = password_tag(html);
	ck_assert_ptr_nonnull(strstr(pw, "autocomplete=\"new-password\""));
	ck_assert_ptr_null(strstr(pw, "value="));
	ck_assert_ptr_nonnull(strstr(pw, "aria-describedby=\"creds-state\""));
	free(pw);
	/* the clear form: its own CSRF token, its button beside Save */
	ck_assert_ptr_nonnull(strstr(html, "<form id=\"creds-clear\" method=\"post\" "
					   "action=\"/settings/proxy-credentials-clear\">"
					   "<input type=\"hidden\" name=\"csrf\" value=\"" TOKEN "\">"));
	ck_assert_ptr_nonnull(strstr(html, "form=\"creds-clear\">Clear the sign-in</button>"));
	ck_assert_int_eq(count(html, "method=\"post\""), 7);
	ck_assert_int_eq(count(html, "name=\"csrf\" value=\"" TOKEN "\""), 7);
	free(html);

	/* refused: esold's message next to the password field, nothing echoed */
	v.proxy_user = "bob";
	v.err_proxy_password = "The password must not be empty";
	html = render_settings(&v);
	pw = password_tag(html);
	ck_assert_ptr_null(strstr(pw, "value="));
	ck_assert_ptr_nonnull(strstr(pw, "aria-invalid=\"true\" "
					 "aria-describedby=\"err-proxy_password\""));
	free(pw);
	ck_assert_ptr_nonnull(strstr(html, "<p class=\"field-error\" id=\"err-proxy_password\">"
					   "The password must not be empty</p>"));
	ck_assert_ptr_nonnull(strstr(html, "name=\"proxy_user\" value=\"bob\""));
	free(html);
	json_decref(st);

	/* root's file: said so, and nothing to clear here */
	st = json_loads("{\"proxy\":{\"mode\":\"manual\",\"user\":\"root-user\","
			"\"credentials\":\"set\",\"credentials_from\":\"proxy.credentials_file\","
			"\"credentials_error\":\"x: mode 0644\"}}", 0, NULL);
	memset(&v, 0, sizeof(v));
	v.status = st;
	html = render_settings(&v);
	ck_assert_ptr_nonnull(strstr(html, "set this sign-in in the agent's configuration"));
	ck_assert_ptr_null(strstr(html, "Clear the sign-in"));
	ck_assert_ptr_null(strstr(html, "value=\"root-user\""));
	ck_assert_ptr_nonnull(strstr(html, "The saved sign-in cannot be used: x: mode 0644"));
	free(html);
	json_decref(st);
}
END_TEST

START_TEST(test_log)
{
	struct page_ctx pc = { .csrf = TOKEN };
	json_t *log = json_loads(
		"{\"records\":[{\"time\":\"2026-12-06T10:00:00Z\",\"endpoint\":\"/v1/poll\","
		"\"bytes_sent\":30,\"bytes_received\":20,\"status\":200,\"result\":\"ok\","
		"\"sent\":\"{\\\"device_id\\\":\\\"SIM0001\\\",\\\"x\\\":\\\"</pre><script>\\\"}\","
		"\"received\":\"{}\"},"
		"{\"time\":\"2026-12-06T11:00:00Z\",\"endpoint\":\"/v1/meter-reads\",\"proxy\":\"http://p:3128\","
		"\"bytes_sent\":3,\"bytes_received\":0,\"status\":0,\"result\":\"network\","
		"\"sent_hex\":\"00ff10\"}]}", 0, NULL);
	struct hbuf b;
	const char *html;
	const char *first, *second;

	ck_assert_ptr_nonnull(log);
	hb_init(&b);
	page_log(&b, &pc, log, NULL);
	html = hb_finish(&b);
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_nonnull(strstr(html, "{&quot;device_id&quot;:&quot;SIM0001&quot;"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;/pre&gt;&lt;script&gt;"));
	ck_assert_ptr_nonnull(strstr(html, "00ff10"));
	ck_assert_ptr_nonnull(strstr(html, "not text: hexadecimal"));
	/* newest first */
	first = strstr(html, "/v1/meter-reads");
	second = strstr(html, "/v1/poll");
	ck_assert(first && second && first < second);
	ck_assert_ptr_nonnull(strstr(html, "no answer"));
	hb_free(&b);
	json_decref(log);
	/* no log */
	hb_init(&b);
	page_log(&b, &pc, NULL, "esold: permission denied");
	ck_assert_ptr_nonnull(strstr(hb_finish(&b), "cannot be read: esold: permission denied"));
	hb_free(&b);
}
END_TEST

START_TEST(test_login_pages)
{
	struct page_ctx pc = { 0 };
	struct hbuf b;
	const char *html;

	hb_init(&b);
	page_login(&b, &pc, false, "Wrong <password>.");
	html = hb_finish(&b);
	ck_assert_ptr_nonnull(strstr(html, "action=\"/login\""));
	ck_assert_ptr_nonnull(strstr(html, "Wrong &lt;password&gt;."));
	ck_assert_ptr_nonnull(strstr(html, "autocomplete=\"current-password\""));
	ck_assert_ptr_null(strstr(html, "csrf"));	/* no session yet, no nav */
	ck_assert_ptr_null(strstr(html, "<nav"));
	hb_free(&b);
	hb_init(&b);
	page_login(&b, &pc, true, NULL);
	html = hb_finish(&b);
	ck_assert_ptr_nonnull(strstr(html, "action=\"/setup\""));
	ck_assert_int_eq(count(html, "autocomplete=\"new-password\""), 2);
	hb_free(&b);
}
END_TEST

START_TEST(test_poll_words)
{
	char s[200];
	bool ok;

	poll_result_words(NULL, s, sizeof(s), &ok);
	ck_assert_str_eq(s, "No poll yet");
	ck_assert(!ok);
	poll_result_words("ok", s, sizeof(s), &ok);
	ck_assert_str_eq(s, "Succeeded: nothing was due");
	ck_assert(ok);
	poll_result_words("ok, read requested, supplies on", s, sizeof(s), &ok);
	ck_assert_str_eq(s, "Succeeded: the server asked for a meter read, and supplies reports are on");
	poll_result_words("ok, supplies off", s, sizeof(s), &ok);
	ck_assert_str_eq(s, "Succeeded: supplies reports are off");
	poll_result_words("okay?", s, sizeof(s), &ok);
	ck_assert(!ok);
	poll_result_words("network: could not connect", s, sizeof(s), &ok);
	ck_assert_str_eq(s, "Failed: network: could not connect");
	ck_assert(!ok);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("webui_pages");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	setenv("TZDIR", "/nonexistent-tzdir", 1);	/* UTC only: nothing read outside */
	tcase_add_test(tc, test_status_escapes);
	tcase_add_test(tc, test_status_engine);
	tcase_add_test(tc, test_settings_forms_have_csrf);
	tcase_add_test(tc, test_settings_refused_value);
	tcase_add_test(tc, test_settings_proxy_credentials);
	tcase_add_test(tc, test_log);
	tcase_add_test(tc, test_login_pages);
	tcase_add_test(tc, test_poll_words);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
