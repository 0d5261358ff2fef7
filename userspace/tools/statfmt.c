// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/* statfmt: text and JSON forms of snapshots and events; see statfmt.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "tools/statfmt.h"

const char *statfmt_meter_name(unsigned int id, char *buf, size_t len)
{
	const char *name = printeng_meter_name(id);

	if (name)
		return name;
	snprintf(buf, len, "meter_%u", id);
	return buf;
}

static const char *name_or_unknown(const char *name)
{
	return name ? name : "unknown";
}

void statfmt_time(char *buf, size_t len, uint64_t real_ns)
{
	time_t t = (time_t)(real_ns / 1000000000u);
	struct tm tm;

	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec,
		 (unsigned int)(real_ns % 1000000000u / 1000000u));
}

void statfmt_level(char *buf, size_t len, const struct printeng_supply_entry *s)
{
	const char *special = printeng_level_special_name(s->level);
	const char *unit = name_or_unknown(printeng_supply_unit_name(s->unit));

	if (s->level == PRINTENG_LEVEL_SOME_REMAINING)
		snprintf(buf, len, "some remaining");
	else if (special)
		snprintf(buf, len, "%s", special);
	else if (s->level < 0)
		snprintf(buf, len, "invalid (%d)", s->level);
	else if (s->unit == PRINTENG_UNIT_PERCENT)
		snprintf(buf, len, "%d%%", s->level);
	else if (s->max_capacity >= 0)
		snprintf(buf, len, "%d of %d %s", s->level, s->max_capacity,
			 unit);
	else
		snprintf(buf, len, "%d %s", s->level, unit);
}

/* ---- JSON ---- */

/* Builder state: the first failure makes every later step a no-op. */
struct jb {
	bool failed;
};

static void jset(struct jb *b, json_t *obj, const char *key, json_t *v)
{
	if (!v || b->failed || json_object_set_new(obj, key, v)) {
		if (v && b->failed)
			json_decref(v);
		b->failed = true;
	}
}

static json_t *ju64(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIu64, v);
	return json_string(s);
}

static json_t *supply_json(struct jb *b, unsigned int index,
			   const struct printeng_supply_entry *s)
{
	json_t *o = json_object();

	if (!o) {
		b->failed = true;
		return NULL;
	}
	jset(b, o, "index", json_integer(index));
	jset(b, o, "type", json_string(name_or_unknown(
				printeng_supply_type_name(s->type))));
	jset(b, o, "unit", json_string(name_or_unknown(
				printeng_supply_unit_name(s->unit))));
	jset(b, o, "colorant", json_string(s->colorant));
	jset(b, o, "description", json_string(s->description));
	jset(b, o, "level", json_integer(s->level));
	jset(b, o, "max_capacity", json_integer(s->max_capacity));
	jset(b, o, "state", json_string(name_or_unknown(
				printeng_supply_state_name(s->state))));
	jset(b, o, "replaced", json_integer(s->replaced));
	return o;
}

json_t *statfmt_json(const struct printeng_snap *s)
{
	json_t *o = json_object(), *meters = json_object(), *sup = json_array();
	struct jb b = { .failed = !o || !meters || !sup };
	char name[32], when[40];
	unsigned int i;

	if (b.failed)
		goto fail;
	snprintf(name, sizeof(name), "printeng%u", s->index);
	statfmt_time(when, sizeof(when), s->real_ns);
	jset(&b, o, "device", json_string(name));
	jset(&b, o, "index", json_integer(s->index));
	jset(&b, o, "source", json_string(
			name_or_unknown(printeng_source_name(s->source))));
	jset(&b, o, "generation", ju64(s->generation));
	jset(&b, o, "time", json_string(when));
	jset(&b, o, "real_ns", ju64(s->real_ns));
	jset(&b, o, "mono_ns", ju64(s->mono_ns));
	jset(&b, o, "serial", json_string(s->serial));
	jset(&b, o, "model", json_string(s->model));
	jset(&b, o, "engine_fw", json_string(s->engine_fw));
	jset(&b, o, "controller_fw", json_string(s->controller_fw));
	for (i = 0; i < PRINTENG_METERS_MAX; i++)
		if (printeng_snap_has_meter(s, i))
			jset(&b, meters,
			     statfmt_meter_name(i, name, sizeof(name)),
			     ju64(s->meters[i]));
	for (i = 0; i < s->num_supplies; i++) {
		json_t *e = supply_json(&b, i, &s->supplies[i]);

		if (!e || json_array_append_new(sup, e))
			b.failed = true;
	}
	jset(&b, o, "meters", meters);
	meters = NULL;
	jset(&b, o, "supplies", sup);
	sup = NULL;
	if (b.failed)
		goto fail;
	return o;
fail:
	json_decref(meters);
	json_decref(sup);
	json_decref(o);
	return NULL;
}

json_t *statfmt_event_json(const struct printeng_event *ev)
{
	json_t *o = json_object(), *meters;
	struct jb b = { .failed = !o };
	char name[32], when[40];
	unsigned int i;

	if (b.failed)
		return NULL;
	snprintf(name, sizeof(name), "printeng%u", ev->index);
	jset(&b, o, "event", json_string(
			name_or_unknown(printeng_event_name(ev->type))));
	jset(&b, o, "device", json_string(name));
	jset(&b, o, "index", json_integer(ev->index));
	switch (ev->type) {
	case PRINTENG_EVENT_SUPPLY:
		jset(&b, o, "generation", ju64(ev->generation));
		jset(&b, o, "old_state", json_string(name_or_unknown(
				printeng_supply_state_name(ev->old_state))));
		jset(&b, o, "supply", supply_json(&b, ev->supply_index,
						  &ev->supply));
		break;
	case PRINTENG_EVENT_METERS:
		statfmt_time(when, sizeof(when), ev->real_ns);
		jset(&b, o, "generation", ju64(ev->generation));
		jset(&b, o, "time", json_string(when));
		meters = json_object();
		for (i = 0; meters && i < PRINTENG_METERS_MAX; i++)
			if ((ev->meter_mask >> i) & 1)
				jset(&b, meters,
				     statfmt_meter_name(i, name, sizeof(name)),
				     ju64(ev->meters[i]));
		jset(&b, o, "meters", meters);
		break;
	case PRINTENG_EVENT_REMOVED:
		break;
	}
	if (b.failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- text ---- */

static void supply_line(FILE *f, unsigned int i,
			const struct printeng_supply_entry *s)
{
	char level[64];

	statfmt_level(level, sizeof(level), s);
	fprintf(f, "    %-2u %-15s %-8s %-24s %-7s replaced %-3u %s\n", i,
		name_or_unknown(printeng_supply_type_name(s->type)),
		s->colorant[0] ? s->colorant : "-", level,
		name_or_unknown(printeng_supply_state_name(s->state)),
		s->replaced, s->description);
}

void statfmt_text(FILE *f, const struct printeng_snap *s)
{
	char when[40], name[32];
	unsigned int i;

	statfmt_time(when, sizeof(when), s->real_ns);
	fprintf(f, "printeng%u: serial %s, model \"%s\"\n", s->index,
		s->serial, s->model);
	fprintf(f, "  engine firmware:     %s\n", s->engine_fw);
	fprintf(f, "  controller firmware: %s\n", s->controller_fw);
	fprintf(f, "  generation:          %" PRIu64 " (%s, via %s)\n",
		s->generation, when,
		name_or_unknown(printeng_source_name(s->source)));
	fprintf(f, "  meters:\n");
	for (i = 0; i < PRINTENG_METERS_MAX; i++)
		if (printeng_snap_has_meter(s, i))
			fprintf(f, "    %-20s %" PRIu64 "\n",
				statfmt_meter_name(i, name, sizeof(name)),
				s->meters[i]);
	if (!s->meter_mask)
		fprintf(f, "    (none)\n");
	fprintf(f, "  supplies:\n");
	for (i = 0; i < s->num_supplies; i++)
		supply_line(f, i, &s->supplies[i]);
	if (!s->num_supplies)
		fprintf(f, "    (none)\n");
}

static int diff_str(FILE *f, const char *what, const char *a, const char *b)
{
	if (!strcmp(a, b))
		return 0;
	fprintf(f, "  %s: \"%s\" -> \"%s\"\n", what, a, b);
	return 1;
}

/* Append ", "-separated text to a fixed buffer (truncating). */
struct line {
	char buf[512];
	size_t n;
};

static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (l->n && l->n + 2 < sizeof(l->buf)) {
		memcpy(l->buf + l->n, ", ", 3);
		l->n += 2;
	}
	va_start(ap, fmt);
	k = vsnprintf(l->buf + l->n, sizeof(l->buf) - l->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		l->n = l->n + (size_t)k < sizeof(l->buf) ? l->n + (size_t)k :
		       sizeof(l->buf) - 1;
}

static int diff_supply(FILE *f, unsigned int i,
		       const struct printeng_supply_entry *a,
		       const struct printeng_supply_entry *b)
{
	struct line l = { .n = 0 };
	char la[64], lb[64];

	l.buf[0] = '\0';
	if (a->level != b->level || a->max_capacity != b->max_capacity ||
	    a->unit != b->unit) {
		statfmt_level(la, sizeof(la), a);
		statfmt_level(lb, sizeof(lb), b);
		add(&l, "level %s -> %s", la, lb);
	}
	if (a->state != b->state)
		add(&l, "state %s -> %s",
		    name_or_unknown(printeng_supply_state_name(a->state)),
		    name_or_unknown(printeng_supply_state_name(b->state)));
	if (a->replaced != b->replaced)
		add(&l, "replaced %u -> %u", a->replaced, b->replaced);
	if (a->type != b->type || strcmp(a->colorant, b->colorant) ||
	    strcmp(a->description, b->description))
		add(&l, "now %s %s \"%s\"",
		    name_or_unknown(printeng_supply_type_name(b->type)),
		    b->colorant, b->description);
	if (!l.n)
		return 0;
	fprintf(f, "  supply %u (%s%s%s): %s\n", i,
		name_or_unknown(printeng_supply_type_name(b->type)),
		b->colorant[0] ? " " : "", b->colorant, l.buf);
	return 1;
}

int statfmt_diff(FILE *f, const struct printeng_snap *old,
		 const struct printeng_snap *cur)
{
	unsigned int i, n;
	char when[40], name[32];
	int lines = 0;

	statfmt_time(when, sizeof(when), cur->real_ns);
	fprintf(f, "printeng%u: generation %" PRIu64 " at %s\n", cur->index,
		cur->generation, when);
	lines += diff_str(f, "serial", old->serial, cur->serial);
	lines += diff_str(f, "model", old->model, cur->model);
	lines += diff_str(f, "engine firmware", old->engine_fw, cur->engine_fw);
	lines += diff_str(f, "controller firmware", old->controller_fw,
			  cur->controller_fw);
	for (i = 0; i < PRINTENG_METERS_MAX; i++) {
		bool had = printeng_snap_has_meter(old, i);
		bool has = printeng_snap_has_meter(cur, i);
		const char *mn = statfmt_meter_name(i, name, sizeof(name));

		if (had && has && old->meters[i] != cur->meters[i]) {
			if (cur->meters[i] > old->meters[i])
				fprintf(f, "  %s: %" PRIu64 " -> %" PRIu64 " (+%" PRIu64 ")\n",
					mn, old->meters[i], cur->meters[i],
					cur->meters[i] - old->meters[i]);
			else
				fprintf(f, "  %s: %" PRIu64 " -> %" PRIu64 " (went backwards!)\n",
					mn, old->meters[i], cur->meters[i]);
			lines++;
		} else if (had != has) {
			fprintf(f, "  %s: %s\n", mn, has ? "appeared" : "gone");
			lines++;
		}
	}
	n = old->num_supplies > cur->num_supplies ? old->num_supplies :
						     cur->num_supplies;
	for (i = 0; i < n; i++) {
		if (i >= old->num_supplies) {
			fprintf(f, "  supply %u: appeared\n", i);
			lines++;
		} else if (i >= cur->num_supplies) {
			fprintf(f, "  supply %u: gone\n", i);
			lines++;
		} else {
			lines += diff_supply(f, i, &old->supplies[i],
					     &cur->supplies[i]);
		}
	}
	return lines;
}

void statfmt_event_text(FILE *f, const struct printeng_event *ev)
{
	const struct printeng_supply_entry *s = &ev->supply;
	char level[64];

	switch (ev->type) {
	case PRINTENG_EVENT_SUPPLY:
		statfmt_level(level, sizeof(level), s);
		fprintf(f, "printeng%u: event: supply %u (%s%s%s) %s -> %s, level %s\n",
			ev->index, ev->supply_index,
			name_or_unknown(printeng_supply_type_name(s->type)),
			s->colorant[0] ? " " : "", s->colorant,
			name_or_unknown(printeng_supply_state_name(ev->old_state)),
			name_or_unknown(printeng_supply_state_name(s->state)),
			level);
		break;
	case PRINTENG_EVENT_METERS:
		fprintf(f, "printeng%u: event: meters changed (generation %" PRIu64 ")\n",
			ev->index, ev->generation);
		break;
	case PRINTENG_EVENT_REMOVED:
		fprintf(f, "printeng%u: event: removed\n", ev->index);
		break;
	}
}
