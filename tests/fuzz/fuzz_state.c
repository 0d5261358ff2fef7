// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: the agent's state file (state_dir/state.json) as a
 * crash, a full disk or a hand may leave it, loaded by agent_state_load()
 * from a directory under build/fuzz/tmp.
 * Properties: no crash, leak or undefined behaviour; a refused file gives
 * the defaults and a terminated message; a loaded state saves and loads
 * back equal, and the poll the agent builds from it (as exchange.c does:
 * supplies on with a non-zero interval, the last successful poll when
 * non-zero) encodes: a state that loads never stops the device polling.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent/state.h"
#include "proto/proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void poll_encodes(const struct agent_state *st)
{
	struct proto_poll_req req = {
		.device = { "SIM0001", "esol Sim 3000", "E1", "C1", "0.1.0" },
		.config = { true, 2, 30, "UTC", 30, PROTO_PROXY_NONE },
	};
	struct proto_error err;
	char *out;
	size_t len;

	req.state.supplies_enabled = st->supplies_enabled && st->supplies_interval_s > 0;
	req.state.supplies_interval_s = req.state.supplies_enabled ? st->supplies_interval_s : 0;
	req.state.has_last_poll = st->last_poll_ok > 0;
	req.state.last_poll = st->last_poll_ok;
	if (proto_encode_poll_req(&req, &out, &len, &err) != PROTO_OK) {
		fprintf(stderr, "poll refused: %s\n", err.message);
		abort();
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], path[96];
	struct agent_state st, def, again;
	char msg[256];
	int fd, r;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "build/fuzz/tmp/state.%d", (int)getpid());
		snprintf(path, sizeof(path), "%s/%s", dir, AGENT_STATE_FILE);
		if ((mkdir("build/fuzz/tmp", 0700) < 0 && errno != EEXIST) ||
		    (mkdir(dir, 0700) < 0 && errno != EEXIST))
			abort();
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || close(fd) < 0)
		abort();
	agent_state_defaults(&def);
	msg[0] = '\0';
	r = agent_state_load(dir, &st, msg, sizeof(msg));
	if (r == -EBADMSG) {
		if (!memchr(msg, '\0', sizeof(msg)) || !msg[0] || !agent_state_equal(&st, &def))
			abort();
		return 0;
	}
	if (r != 0)
		abort();
	poll_encodes(&st);
	if (agent_state_save(dir, &st) != 0 || agent_state_load(dir, &again, msg, sizeof(msg)) != 0 ||
	    !agent_state_equal(&st, &again))
		abort();
	return 0;
}
