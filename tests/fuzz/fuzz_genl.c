// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * libFuzzer harness: one generic netlink message of family "printeng"
 * (netlink header, genetlink header, attributes) as a datagram may carry
 * it, to both decoders (printeng_decode_event, printeng_decode_device).
 * The bytes sit in a buffer of exactly their size, aligned as a
 * receive buffer is, so a read past the datagram is an ASan error.
 * Properties: no crash, no leak, no undefined behaviour; the result is 0,
 * -EBADMSG or -EPROTO; what decodes is in range (event type, meter ids
 * under PRINTENG_METERS_MAX, absent meters 0, supply count, entries pel_supply_ok, strings terminated and
 * printable as the library promises).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "lib/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void terminated(const char *s, size_t n)
{
	if (!memchr(s, '\0', n))
		abort();
}

static void check_supply(const struct printeng_supply_entry *s)
{
	terminated(s->colorant, sizeof(s->colorant));
	terminated(s->description, sizeof(s->description));
	if (!pel_supply_ok(s))
		abort();
}

static void check_meters(uint64_t mask, const uint64_t *meters)
{
	/* ids a newer kernel may add (< PRINTENG_METERS_MAX) are kept */
	for (unsigned int i = 0; i < PRINTENG_METERS_MAX; i++)
		if (!((mask >> i) & 1) && meters[i] != 0)
			abort();	/* absent meters read 0 */
	if (mask >> PRINTENG_METERS_MAX)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct printeng_event ev;
	struct printeng_snap snap;
	void *buf;
	int r;

	/* malloc's alignment, like a receive buffer; exactly size bytes */
	buf = malloc(size ? size : 1);
	if (!buf)
		abort();
	memcpy(buf, data, size);

	r = printeng_decode_event(buf, size, &ev);
	if (r != 0 && r != -EBADMSG && r != -EPROTO)
		abort();
	if (r == 0) {
		if (!printeng_event_name(ev.type))
			abort();
		if (ev.type == PRINTENG_EVENT_METERS)
			check_meters(ev.meter_mask, ev.meters);
		if (ev.type == PRINTENG_EVENT_SUPPLY) {
			check_supply(&ev.supply);
			if (ev.old_state >= __PRINTENG_STATE_COUNT)
				abort();
		}
	}

	r = printeng_decode_device(buf, size, &snap);
	if (r != 0 && r != -EBADMSG && r != -EPROTO)
		abort();
	if (r == 0) {
		terminated(snap.serial, sizeof(snap.serial));
		terminated(snap.model, sizeof(snap.model));
		terminated(snap.engine_fw, sizeof(snap.engine_fw));
		terminated(snap.controller_fw, sizeof(snap.controller_fw));
		check_meters(snap.meter_mask, snap.meters);
		if (snap.num_supplies > PRINTENG_SUPPLIES_MAX)
			abort();
		for (unsigned int i = 0; i < snap.num_supplies; i++)
			check_supply(&snap.supplies[i]);
	}
	free(buf);
	return 0;
}
