// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: one control-socket request line, as any member of
 * the control group can send it to esold (ctl_parse_request), and the
 * same bytes as a reply (ctl_parse_reply, what esolctl reads).
 * Properties: no crash, no leak, no undefined behaviour; a request that
 * parses encodes to a line that parses to the same request; a refusal's
 * message is bounded text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct ctl_request *a, const struct ctl_request *b)
{
	unsigned int i;

	if (a->cmd != b->cmd || a->n_also != b->n_also)
		abort();
	if (a->cmd == CTL_CMD_SET) {
		if (strcmp(a->key, b->key) || strcmp(a->value, b->value))
			abort();
		for (i = 0; i < a->n_also; i++)
			if (strcmp(a->also[i].key, b->also[i].key) ||
			    strcmp(a->also[i].value, b->also[i].value))
				abort();
	}
	if (a->cmd == CTL_CMD_LOG && a->count != b->count)
		abort();
	if (a->cmd == CTL_CMD_PROXY_CREDS_SET &&
	    (strcmp(a->user, b->user) || strcmp(a->password, b->password)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_request req, again;
	char msg[256], error[64];
	json_t *reply = NULL;
	int ok;

	msg[0] = '\0';
	if (ctl_parse_request((const char *)data, size, &req, msg, sizeof(msg)) == CTL_OK) {
		char *line = ctl_encode_request(&req);

		if (!line)
			abort();
		if (ctl_parse_request(line, strlen(line), &again, msg, sizeof(msg)) != CTL_OK)
			abort();
		same(&req, &again);
		free(line);
	} else if (strlen(msg) >= sizeof(msg)) {
		abort();
	}
	if (ctl_parse_reply((const char *)data, size, &ok, &reply, error, sizeof(error),
			    msg, sizeof(msg)) == 0 && ok && !json_is_object(reply))
		abort();
	json_decref(reply);
	return 0;
}
