// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: esold.conf as it may be found on a device
 * (config_load, the strict INI reader over inih, and config_validate).
 * Properties: no crash, no leak, no undefined behaviour; an error names
 * the file and has nothing left to escape (it goes to a log line and to
 * esolctl); a file that loads renders (config_get) every key to a value
 * that sets back to the same configuration.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/escape.h"
#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = {
	"agent.enabled", "agent.log_level", "agent.state_dir", "server.url",
	"server.ca_file", "server.pin", "server.client_cert", "server.client_key",
	"schedule.poll_time", "schedule.time_zone", "schedule.spread_minutes",
	"proxy.mode", "proxy.host", "proxy.port", "proxy.credentials_file",
	"proxy.pac_url", "spool.dir", "spool.max_count", "spool.max_bytes",
	"txlog.path", "txlog.max_bytes", "control.socket", "control.group",
	"control.read_socket", "control.read_group",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct esol_config c;
	char err[512], v[256];
	size_t i;

	if (fd < 0) {
		fd = memfd_create("esold.conf", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	err[0] = '\0';
	if (config_load(path, &c, err, sizeof(err)) < 0) {
		if (strncmp(err, path, strlen(path)) != 0 || !esc_is_clean(err))
			abort();
		return 0;
	}
	if (config_validate(&c, err, sizeof(err)) < 0)
		abort();	/* config_load checks the cross-key rules too */
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (config_get(&c, keys[i], v, sizeof(v)) < 0)
			abort();
	if (!config_equal(&c, &c))
		abort();
	config_free(&c);
	return 0;
}
