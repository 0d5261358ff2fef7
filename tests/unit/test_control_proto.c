// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* Unit tests of ctlproto: control-socket request/reply parsing and encoding. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctlproto.h"

static enum ctl_status parse(const char *s, struct ctl_request *req, char *msg)
{
	return ctl_parse_request(s, strlen(s), req, msg, 256);
}

START_TEST(test_status_and_simple_commands)
{
	struct ctl_request req;
	char msg[256];

	ck_assert_int_eq(parse("{\"cmd\":\"status\"}\n", &req, msg), CTL_OK);
	ck_assert_int_eq(req.cmd, CTL_CMD_STATUS);
	ck_assert_int_eq(parse("{\"cmd\":\"poll-now\"}", &req, msg), CTL_OK);
	ck_assert_int_eq(req.cmd, CTL_CMD_POLL_NOW);
	ck_assert_int_eq(parse("{\"cmd\":\"spool-list\"}", &req, msg), CTL_OK);
	ck_assert_int_eq(req.cmd, CTL_CMD_SPOOL_LIST);
	ck_assert_int_eq(parse("{\"cmd\":\"spool-clear\"}", &req, msg), CTL_OK);
	ck_assert_int_eq(req.cmd, CTL_CMD_SPOOL_CLEAR);
	ck_assert_int_eq(parse(" {\"cmd\" : \"reload\"} ", &req, msg), CTL_OK);
	ck_assert_int_eq(req.cmd, CTL_CMD_RELOAD);
}
END_TEST

START_TEST(test_set)
{
	struct ctl_request req;
	char msg[256];

	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"poll_time\",\"value\":\"02:30\"}",
			       &req, msg), CTL_OK);
	ck_assert_int_eq(req.cmd, CTL_CMD_SET);
	ck_assert_str_eq(req.key, "poll_time");
	ck_assert_str_eq(req.value, "02:30");
	/* missing value */
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"enabled\"}", &req, msg),
			 CTL_E_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(msg, "value"));
	/* key with bad characters */
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"Enabled;rm\",\"value\":\"x\"}",
			       &req, msg), CTL_E_BAD_REQUEST);
	/* value with a control character */
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"timezone\",\"value\":\"a\\nb\"}",
			       &req, msg), CTL_E_BAD_REQUEST);
	/* value not a string */
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"enabled\",\"value\":false}",
			       &req, msg), CTL_E_BAD_REQUEST);
	/* NUL inside the value is refused by the JSON parser */
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"enabled\",\"value\":\"a\\u0000b\"}",
			       &req, msg), CTL_E_BAD_REQUEST);
}
END_TEST

/* Several keys in one set ("also"), each checked like the first. */
START_TEST(test_set_also)
{
	struct ctl_request req, out;
	char msg[256], *line;

	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"server.client_cert\",\"value\":\"/c\","
			       "\"also\":[{\"key\":\"server.client_key\",\"value\":\"/k\"}]}",
			       &req, msg), CTL_OK);
	ck_assert_uint_eq(req.n_also, 1);
	ck_assert_str_eq(req.also[0].key, "server.client_key");
	ck_assert_str_eq(req.also[0].value, "/k");
	line = ctl_encode_request(&req);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(ctl_parse_request(line, strlen(line), &out, msg, sizeof(msg)), CTL_OK);
	ck_assert_uint_eq(out.n_also, 1);
	ck_assert_str_eq(out.also[0].value, "/k");
	free(line);
	/* too many, empty, wrong shapes, bad key or value inside */
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"a.b\",\"value\":\"1\",\"also\":["
			       "{\"key\":\"a.c\",\"value\":\"1\"},{\"key\":\"a.d\",\"value\":\"1\"},"
			       "{\"key\":\"a.e\",\"value\":\"1\"},{\"key\":\"a.f\",\"value\":\"1\"}]}",
			       &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"a.b\",\"value\":\"1\",\"also\":[]}",
			       &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"a.b\",\"value\":\"1\",\"also\":"
			       "[{\"key\":\"a.c\"}]}", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"a.b\",\"value\":\"1\",\"also\":"
			       "[{\"key\":\"a.c\",\"value\":\"1\",\"x\":1}]}", &req, msg),
			 CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"a.b\",\"value\":\"1\",\"also\":"
			       "[{\"key\":\"A;b\",\"value\":\"1\"}]}", &req, msg),
			 CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"set\",\"key\":\"a.b\",\"value\":\"1\",\"also\":"
			       "[{\"key\":\"a.c\",\"value\":\"x\\u001b\"}]}", &req, msg),
			 CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"status\",\"also\":[]}", &req, msg),
			 CTL_E_BAD_REQUEST);
}
END_TEST

START_TEST(test_proxy_credentials)
{
	struct ctl_request req, back;
	char msg[256], *line;
	size_t i;

	ck_assert_int_eq(parse("{\"cmd\":\"proxy-credentials-set\",\"user\":\"alice\","
			       "\"password\":\"pa:ss \\u00e9\"}", &req, msg), CTL_OK);
	ck_assert_int_eq(req.cmd, CTL_CMD_PROXY_CREDS_SET);
	ck_assert_str_eq(req.user, "alice");
	ck_assert_str_eq(req.password, "pa:ss \xc3\xa9");
	line = ctl_encode_request(&req);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(ctl_parse_request(line, strlen(line), &back, msg, sizeof(msg)), CTL_OK);
	ck_assert_str_eq(back.user, "alice");
	ck_assert_str_eq(back.password, "pa:ss \xc3\xa9");
	free(line);
	ctl_request_wipe(&req);
	for (i = 0; i < sizeof(req.password); i++)
		ck_assert_int_eq(req.password[i], 0);
	ck_assert_str_eq(req.user, "alice");

	ck_assert_int_eq(parse("{\"cmd\":\"proxy-credentials-clear\"}", &req, msg), CTL_OK);
	ck_assert_int_eq(req.cmd, CTL_CMD_PROXY_CREDS_CLEAR);
	/* The password is never quoted, whatever is wrong. */
	ck_assert_int_eq(parse("{\"cmd\":\"proxy-credentials-set\",\"user\":\"alice\"}",
			       &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_str_eq(msg, "proxy-credentials-set needs \"user\" and \"password\"");
	ck_assert_int_eq(parse("{\"cmd\":\"proxy-credentials-set\",\"user\":\"alice\","
			       "\"password\":7}", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_str_eq(msg, "\"password\" must be a string of at most 255 bytes");
	ck_assert_int_eq(parse("{\"cmd\":\"proxy-credentials-set\",\"user\":\"alice\","
			       "\"password\":\"sec\\u0000ret\"}", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_ptr_null(strstr(msg, "sec"));
	ck_assert_int_eq(parse("{\"cmd\":\"proxy-credentials-set\",\"user\":\"alice\","
			       "\"password\":\"secret\",\"extra\":1}", &req, msg),
			 CTL_E_BAD_REQUEST);
	ck_assert_ptr_null(strstr(msg, "secret"));
	for (i = 0; i < sizeof(req.password); i++)
		ck_assert_int_eq(req.password[i], 0);
	/* Not JSON: jansson's "near '...'" would quote the password. */
	ck_assert_int_eq(parse("{\"cmd\":\"proxy-credentials-set\",\"user\":\"a\","
			       "\"password\":\"secret", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(msg, "request is not JSON"));
	ck_assert_ptr_null(strstr(msg, "secret"));
	/* Only set carries them. */
	ck_assert_int_eq(parse("{\"cmd\":\"proxy-credentials-clear\",\"user\":\"a\"}",
			       &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"status\",\"password\":\"a\"}", &req, msg),
			 CTL_E_BAD_REQUEST);
}
END_TEST

START_TEST(test_log_count)
{
	struct ctl_request req;
	char msg[256];

	ck_assert_int_eq(parse("{\"cmd\":\"log\"}", &req, msg), CTL_OK);
	ck_assert_uint_eq(req.count, CTL_LOG_COUNT_DEFAULT);
	ck_assert_int_eq(parse("{\"cmd\":\"log\",\"count\":5}", &req, msg), CTL_OK);
	ck_assert_uint_eq(req.count, 5);
	ck_assert_int_eq(parse("{\"cmd\":\"log\",\"count\":0}", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"log\",\"count\":1001}", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"log\",\"count\":\"5\"}", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"log\",\"count\":2.5}", &req, msg), CTL_E_BAD_REQUEST);
}
END_TEST

START_TEST(test_bad_requests)
{
	struct ctl_request req;
	char msg[256];

	ck_assert_int_eq(parse("", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("status", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(msg, "not JSON"));
	ck_assert_int_eq(parse("[\"status\"]", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{}", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":1}", &req, msg), CTL_E_BAD_REQUEST);
	ck_assert_int_eq(parse("{\"cmd\":\"frobnicate\"}", &req, msg),
			 CTL_E_UNKNOWN_COMMAND);
	ck_assert_ptr_nonnull(strstr(msg, "frobnicate"));
	/* a field that does not belong to the command */
	ck_assert_int_eq(parse("{\"cmd\":\"status\",\"key\":\"x\"}", &req, msg),
			 CTL_E_BAD_REQUEST);
	ck_assert_ptr_nonnull(strstr(msg, "unknown field"));
	/* duplicate keys */
	ck_assert_int_eq(parse("{\"cmd\":\"status\",\"cmd\":\"reload\"}", &req, msg),
			 CTL_E_BAD_REQUEST);
	/* trailing garbage */
	ck_assert_int_eq(parse("{\"cmd\":\"status\"} x", &req, msg), CTL_E_BAD_REQUEST);
	/* two requests on one line */
	ck_assert_int_eq(parse("{\"cmd\":\"status\"}{\"cmd\":\"status\"}", &req, msg),
			 CTL_E_BAD_REQUEST);
}
END_TEST

START_TEST(test_too_large)
{
	struct ctl_request req;
	char msg[256];
	size_t n = CTL_REQUEST_MAX + 10;
	char *s = malloc(n + 1);

	memset(s, ' ', n);
	memcpy(s, "{\"cmd\":\"status\"}", 16);
	s[n] = '\0';
	ck_assert_int_eq(ctl_parse_request(s, n, &req, msg, sizeof(msg)), CTL_E_TOO_LARGE);
	/* exactly at the limit (with newline) is accepted */
	s[CTL_REQUEST_MAX - 1] = '\n';
	ck_assert_int_eq(ctl_parse_request(s, CTL_REQUEST_MAX, &req, msg, sizeof(msg)),
			 CTL_OK);
	free(s);
}
END_TEST

START_TEST(test_request_roundtrip)
{
	struct ctl_request in = { .cmd = CTL_CMD_SET }, out;
	char msg[256];
	char *line;
	int c;

	strcpy(in.key, "timezone");
	strcpy(in.value, "Europe/Berlin \"quoted\" \\ é");
	line = ctl_encode_request(&in);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(line[strlen(line) - 1], '\n');
	ck_assert_int_eq(ctl_parse_request(line, strlen(line), &out, msg, sizeof(msg)), CTL_OK);
	ck_assert_str_eq(out.key, in.key);
	ck_assert_str_eq(out.value, in.value);
	free(line);

	for (c = 0; c < CTL_CMD_COUNT; c++) {
		memset(&in, 0, sizeof(in));
		in.cmd = (enum ctl_cmd)c;
		in.count = 7;
		strcpy(in.key, "enabled");
		strcpy(in.value, "true");
		line = ctl_encode_request(&in);
		ck_assert_ptr_nonnull(line);
		ck_assert_int_eq(ctl_parse_request(line, strlen(line), &out, msg, sizeof(msg)),
				 CTL_OK);
		ck_assert_int_eq(out.cmd, c);
		if (c == CTL_CMD_LOG)
			ck_assert_uint_eq(out.count, 7);
		free(line);
	}
	in.cmd = CTL_CMD_COUNT;
	ck_assert_ptr_null(ctl_encode_request(&in));
}
END_TEST

START_TEST(test_replies)
{
	char error[64], msg[256];
	json_t *data;
	char *line;
	int ok;

	line = ctl_encode_reply_ok(json_pack("{s:i}", "spool", 3));
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(ctl_parse_reply(line, strlen(line), &ok, &data, error,
					 sizeof(error), msg, sizeof(msg)), 0);
	ck_assert_int_eq(ok, 1);
	ck_assert_int_eq(json_integer_value(json_object_get(data, "spool")), 3);
	json_decref(data);
	free(line);

	line = ctl_encode_reply_ok(NULL);
	ck_assert_int_eq(ctl_parse_reply(line, strlen(line), &ok, &data, error,
					 sizeof(error), msg, sizeof(msg)), 0);
	ck_assert_int_eq(ok, 1);
	ck_assert(json_is_object(data));
	json_decref(data);
	free(line);

	line = ctl_encode_reply_error(CTL_E_INVALID_VALUE, "poll_time: 25:00 is not HH:MM");
	ck_assert_int_eq(ctl_parse_reply(line, strlen(line), &ok, &data, error,
					 sizeof(error), msg, sizeof(msg)), 0);
	ck_assert_int_eq(ok, 0);
	ck_assert_ptr_null(data);
	ck_assert_str_eq(error, "invalid_value");
	ck_assert_str_eq(msg, "poll_time: 25:00 is not HH:MM");
	free(line);

	ck_assert_int_eq(ctl_parse_reply("nope", 4, &ok, &data, error, sizeof(error),
					 msg, sizeof(msg)), -1);
	ck_assert_int_eq(ctl_parse_reply("{\"ok\":1}", 8, &ok, &data, error, sizeof(error),
					 msg, sizeof(msg)), -1);
	ck_assert_int_eq(ctl_parse_reply("{\"ok\":true}", 11, &ok, &data, error,
					 sizeof(error), msg, sizeof(msg)), -1);
	ck_assert_int_eq(ctl_parse_reply("{\"ok\":false}", 12, &ok, &data, error,
					 sizeof(error), msg, sizeof(msg)), -1);
}
END_TEST

START_TEST(test_names)
{
	int i;

	for (i = 0; i < CTL_CMD_COUNT; i++)
		ck_assert_int_eq(ctl_cmd_from_name(ctl_cmd_name((enum ctl_cmd)i)), i);
	for (i = 0; i < CTL_E_COUNT; i++)
		ck_assert_int_eq(ctl_status_from_name(ctl_status_name((enum ctl_status)i)), i);
	ck_assert_ptr_null(ctl_cmd_name(CTL_CMD_COUNT));
	ck_assert_int_eq(ctl_cmd_from_name("STATUS"), -1);
	ck_assert_int_eq(ctl_cmd_from_name(NULL), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("control_proto");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_status_and_simple_commands);
	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_set_also);
	tcase_add_test(tc, test_proxy_credentials);
	tcase_add_test(tc, test_log_count);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_too_large);
	tcase_add_test(tc, test_request_roundtrip);
	tcase_add_test(tc, test_replies);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
