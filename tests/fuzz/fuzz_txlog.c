// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: the transmission log as a crash (a torn last line),
 * a full disk or a hand may leave it, in a directory under build/fuzz/tmp.
 * The first byte: how many records to read (1 + b % 16); the rest is the
 * log file.  It is read (txlog_read_last, what `esolctl log` shows), then
 * a record is appended (txlog_open, txlog_append) and read again.
 * Properties: no crash, leak or undefined behaviour; the reader gives at
 * most n objects; after the append, the last record read is the new one,
 * whole: a torn line never swallows or corrupts the next record.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/txlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], path[96], old[100];
	static const char body[] = "{\"device\":{\"device_id\":\"SIM0001\"}}";
	const struct txlog_record rec = {
		.time = 1793491200, .endpoint = "/v1/poll", .proxy = "DIRECT",
		.bytes_sent = 312, .bytes_received = 95, .sent = body,
		.sent_len = sizeof(body) - 1, .received = "{\"x\":1}", .received_len = 7,
		.status = 200, .result = "fuzz-marker",
	};
	struct txlog *l;
	json_t *arr, *last;
	size_t n, skipped;
	int fd;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "build/fuzz/tmp/txlog.%d", (int)getpid());
		snprintf(path, sizeof(path), "%s/txlog", dir);
		snprintf(old, sizeof(old), "%s.1", path);
		if ((mkdir("build/fuzz/tmp", 0700) < 0 && errno != EEXIST) ||
		    (mkdir(dir, 0700) < 0 && errno != EEXIST))
			abort();
	}
	if (size < 1)
		return 0;
	n = 1 + data[0] % 16;
	unlink(old);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1) || close(fd) < 0)
		abort();

	if (txlog_read_last(path, n, &arr, &skipped) != 0)
		abort();
	if (!json_is_array(arr) || json_array_size(arr) > n)
		abort();
	for (size_t i = 0; i < json_array_size(arr); i++)
		if (!json_is_object(json_array_get(arr, i)))
			abort();
	json_decref(arr);

	if (txlog_open(path, TXLOG_MIN_BYTES, &l) != 0)
		abort();
	if (txlog_append(l, &rec) != 0)
		abort();
	txlog_close(l);
	if (txlog_read_last(path, n, &arr, &skipped) != 0 || json_array_size(arr) < 1)
		abort();
	last = json_array_get(arr, json_array_size(arr) - 1);
	if (!json_is_object(last) ||
	    strcmp(json_string_value(json_object_get(last, "result")) ?: "", "fuzz-marker") ||
	    strcmp(json_string_value(json_object_get(last, "sent")) ?: "", body) ||
	    json_integer_value(json_object_get(last, "status")) != 200)
		abort();
	json_decref(arr);
	return 0;
}
