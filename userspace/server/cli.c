// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * server/cli: list the ledger as text or JSON (see cli.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "server/cli.h"

struct lister {
	FILE *out;
	json_t *arr;		/* NULL: text */
	int count;
};

static void fmt_time(int64_t t, char buf[PROTO_TIME_LEN + 1])
{
	if (t <= 0 || proto_time_format(t, buf))
		snprintf(buf, PROTO_TIME_LEN + 1, "-");
}

static json_t *jtime(int64_t t)
{
	char b[PROTO_TIME_LEN + 1];

	if (t <= 0 || proto_time_format(t, b))
		return json_null();
	return json_string(b);
}

static json_t *ju64(uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	return json_string(b);
}

static int finish(struct lister *ls, int r)
{
	if (ls->arr) {
		if (!r) {
			if (json_dumpf(ls->arr, ls->out, JSON_INDENT(2)) != 0)
				r = -EIO;
			fputc('\n', ls->out);
		}
		json_decref(ls->arr);
	} else if (!r && ls->count == 0) {
		fprintf(ls->out, "(none)\n");
	}
	if (!r && fflush(ls->out) != 0)
		r = -errno;
	return r;
}

/* jansson's pack reports failure (e.g. invalid UTF-8) as NULL. */
static int append(struct lister *ls, json_t *o)
{
	if (!o || json_array_append_new(ls->arr, o))
		return -ENOMEM;
	return 0;
}

static int device_cb(const struct ledger_device *d, void *arg)
{
	struct lister *ls = arg;
	char lp[PROTO_TIME_LEN + 1], fs[PROTO_TIME_LEN + 1];

	ls->count++;
	if (ls->arr) {
		char hm[8];

		snprintf(hm, sizeof(hm), "%02u:%02u", d->config.poll_hour % 100u,
			 d->config.poll_minute % 100u);
		return append(ls, json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:i, s:o, s:o, s:I,"
			" s:o, s:o}",
			"device_id", d->id.device_id, "model", d->id.model,
			"engine_fw", d->id.engine_fw, "controller_fw", d->id.controller_fw,
			"agent_version", d->id.agent_version, "cycle_day", d->cycle_day,
			"supplies_enabled", d->supplies_enabled,
			"supplies_interval_s", (int)d->supplies_interval_s,
			"first_seen", jtime(d->first_seen), "last_poll", jtime(d->last_poll),
			"polls", (json_int_t)d->polls,
			"config", d->has_poll ? json_pack("{s:b, s:s, s:s, s:i, s:s}",
				"enabled", d->config.enabled, "poll_time", hm,
				"timezone", d->config.timezone,
				"spread_minutes", (int)d->config.spread_minutes,
				"proxy_mode", proto_proxy_mode_name(d->config.proxy_mode)) : json_null(),
			"state", d->has_poll ? json_pack("{s:b, s:i, s:i, s:o}",
				"supplies_enabled", d->state.supplies_enabled,
				"supplies_interval_s", (int)d->state.supplies_interval_s,
				"spool_pending", (int)d->state.spool_pending,
				"last_poll", jtime(d->state.has_last_poll ? d->state.last_poll : 0))
				: json_null()));
	}
	fmt_time(d->last_poll, lp);
	fmt_time(d->first_seen, fs);
	fprintf(ls->out, "%-16s %-24s cycle-day=%-2d supplies=%s/%us polls=%" PRIu64
		" last-poll=%s first-seen=%s fw=%s/%s agent=%s\n",
		d->id.device_id, d->id.model[0] ? d->id.model : "-", d->cycle_day,
		d->supplies_enabled ? "on" : "off", d->supplies_interval_s, d->polls, lp, fs,
		d->id.engine_fw, d->id.controller_fw, d->id.agent_version);
	return 0;
}

int cli_list_devices(struct ledger *l, FILE *out, bool json)
{
	struct lister ls = { .out = out, .arr = json ? json_array() : NULL };

	if (json && !ls.arr)
		return -ENOMEM;
	return finish(&ls, ledger_each_device(l, device_cb, &ls));
}

static int read_cb(const struct ledger_read_row *row, void *arg)
{
	struct lister *ls = arg;
	const struct proto_meter_read *rd = &row->read;
	char ta[PROTO_TIME_LEN + 1], ra[PROTO_TIME_LEN + 1];

	ls->count++;
	if (ls->arr) {
		json_t *m = json_object();

		for (int i = 0; i < PROTO_METER_COUNT; i++)
			if (rd->meter_mask & (1u << i))
				json_object_set_new(m, proto_meter_name((enum proto_meter)i),
						    ju64(rd->meters[i]));
		return append(ls, json_pack("{s:s, s:s, s:s, s:b, s:s, s:o, s:o, s:o, s:o}",
			"device_id", rd->device_id, "read_id", rd->read_id,
			"request_id", rd->request_id, "request_known", row->request_known,
			"cycle", row->cycle, "generation", ju64(rd->generation),
			"taken_at", jtime(rd->taken_at), "received_at", jtime(row->received_at),
			"meters", m));
	}
	fmt_time(rd->taken_at, ta);
	fmt_time(row->received_at, ra);
	fprintf(ls->out, "%-16s cycle=%s read=%s request=%s%s taken=%s received=%s",
		rd->device_id, row->cycle, rd->read_id, rd->request_id,
		row->request_known ? "" : "(unknown)", ta, ra);
	for (int i = 0; i < PROTO_METER_COUNT; i++)
		if (rd->meter_mask & (1u << i))
			fprintf(ls->out, " %s=%" PRIu64, proto_meter_name((enum proto_meter)i),
				rd->meters[i]);
	fputc('\n', ls->out);
	return 0;
}

int cli_list_reads(struct ledger *l, const char *device, FILE *out, bool json)
{
	struct lister ls = { .out = out, .arr = json ? json_array() : NULL };

	if (json && !ls.arr)
		return -ENOMEM;
	return finish(&ls, ledger_each_read(l, device, read_cb, &ls));
}

static int supplies_cb(const struct ledger_supplies_row *row, void *arg)
{
	struct lister *ls = arg;
	const struct proto_supplies_report *rp = &row->report;
	char ta[PROTO_TIME_LEN + 1], ra[PROTO_TIME_LEN + 1];

	ls->count++;
	if (ls->arr) {
		json_t *arr = json_array();

		for (unsigned int i = 0; i < rp->n_supplies; i++) {
			const struct proto_supply *s = &rp->supplies[i];

			json_array_append_new(arr, json_pack(
				"{s:i, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:I}",
				"index", (int)s->index, "type", proto_supply_type_name(s->type),
				"colorant", s->colorant, "description", s->description,
				"level", (int)s->level, "max_capacity", (int)s->max_capacity,
				"unit", proto_supply_unit_name(s->unit),
				"state", proto_supply_state_name(s->state),
				"replaced", (json_int_t)s->replaced));
		}
		return append(ls, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}",
			"device_id", rp->device_id, "report_id", rp->report_id,
			"trigger", proto_trigger_name(rp->trigger),
			"generation", ju64(rp->generation), "taken_at", jtime(rp->taken_at),
			"received_at", jtime(row->received_at), "supplies", arr));
	}
	fmt_time(rp->taken_at, ta);
	fmt_time(row->received_at, ra);
	fprintf(ls->out, "%-16s report=%s trigger=%s taken=%s received=%s\n", rp->device_id,
		rp->report_id, proto_trigger_name(rp->trigger), ta, ra);
	for (unsigned int i = 0; i < rp->n_supplies; i++) {
		const struct proto_supply *s = &rp->supplies[i];

		fprintf(ls->out, "  [%u] %-15s %-8s level=%d/%d %s state=%s replaced=%u %s\n",
			s->index, proto_supply_type_name(s->type),
			s->colorant[0] ? s->colorant : "-", s->level, s->max_capacity,
			proto_supply_unit_name(s->unit), proto_supply_state_name(s->state),
			s->replaced, s->description);
	}
	return 0;
}

int cli_list_supplies(struct ledger *l, const char *device, FILE *out, bool json)
{
	struct lister ls = { .out = out, .arr = json ? json_array() : NULL };

	if (json && !ls.arr)
		return -ENOMEM;
	return finish(&ls, ledger_each_supplies(l, device, supplies_cb, &ls));
}
