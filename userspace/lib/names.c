// SPDX-License-Identifier: LGPL-2.1-or-later
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * names: the name tables of libprinteng.  Meter ids, supply types, units
 * and states as the kernel spells them in sysfs (kmod/printeng-core.c and
 * docs/ABI/testing/sysfs-class-printeng), in both directions.
 */
#include <errno.h>
#include <string.h>

#include "lib/libprinteng.h"

static const char *const meter_names[__PRINTENG_METER_COUNT] = {
	[PRINTENG_METER_IMPRESSIONS_TOTAL]	= "impressions_total",
	[PRINTENG_METER_IMPRESSIONS_MONO]	= "impressions_mono",
	[PRINTENG_METER_IMPRESSIONS_COLOR]	= "impressions_color",
	[PRINTENG_METER_IMPRESSIONS_DUPLEX]	= "impressions_duplex",
	[PRINTENG_METER_IMPRESSIONS_LARGE]	= "impressions_large",
	[PRINTENG_METER_SHEETS_TOTAL]		= "sheets_total",
	[PRINTENG_METER_SHEETS_DUPLEX]		= "sheets_duplex",
};

struct pel_name {
	uint32_t value;
	const char *name;
};

static const struct pel_name type_names[] = {
	{ PRINTENG_SUPPLY_OTHER,		"other" },
	{ PRINTENG_SUPPLY_UNKNOWN,		"unknown" },
	{ PRINTENG_SUPPLY_TONER,		"toner" },
	{ PRINTENG_SUPPLY_WASTE_TONER,		"waste_toner" },
	{ PRINTENG_SUPPLY_INK,			"ink" },
	{ PRINTENG_SUPPLY_OPC,			"opc" },
	{ PRINTENG_SUPPLY_DEVELOPER,		"developer" },
	{ PRINTENG_SUPPLY_FUSER,		"fuser" },
	{ PRINTENG_SUPPLY_CLEANER_UNIT,		"cleaner_unit" },
	{ PRINTENG_SUPPLY_TRANSFER_UNIT,	"transfer_unit" },
	{ PRINTENG_SUPPLY_TONER_CARTRIDGE,	"toner_cartridge" },
	{ PRINTENG_SUPPLY_STAPLES,		"staples" },
};

static const struct pel_name unit_names[] = {
	{ PRINTENG_UNIT_OTHER,		"other" },
	{ PRINTENG_UNIT_UNKNOWN,	"unknown" },
	{ PRINTENG_UNIT_IMPRESSIONS,	"impressions" },
	{ PRINTENG_UNIT_SHEETS,		"sheets" },
	{ PRINTENG_UNIT_ITEMS,		"items" },
	{ PRINTENG_UNIT_PERCENT,	"percent" },
};

static const struct pel_name state_names[] = {
	{ PRINTENG_STATE_OK,		"ok" },
	{ PRINTENG_STATE_LOW,		"low" },
	{ PRINTENG_STATE_EMPTY,		"empty" },
	{ PRINTENG_STATE_MISSING,	"missing" },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *lookup_name(const struct pel_name *t, size_t n,
			       uint32_t value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	return NULL;
}

static int lookup_value(const struct pel_name *t, size_t n, const char *name,
			uint32_t *out)
{
	size_t i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!strcmp(t[i].name, name)) {
			*out = t[i].value;
			return 0;
		}
	}
	return -EINVAL;
}

const char *printeng_meter_name(unsigned int id)
{
	return id < N(meter_names) ? meter_names[id] : NULL;
}

int printeng_meter_from_name(const char *name, unsigned int *out)
{
	unsigned int i;

	if (!name)
		return -EINVAL;
	for (i = 0; i < N(meter_names); i++) {
		if (!strcmp(meter_names[i], name)) {
			*out = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *printeng_supply_type_name(uint32_t type)
{
	return lookup_name(type_names, N(type_names), type);
}

int printeng_supply_type_from_name(const char *name, uint32_t *out)
{
	return lookup_value(type_names, N(type_names), name, out);
}

const char *printeng_supply_unit_name(uint32_t unit)
{
	return lookup_name(unit_names, N(unit_names), unit);
}

int printeng_supply_unit_from_name(const char *name, uint32_t *out)
{
	return lookup_value(unit_names, N(unit_names), name, out);
}

const char *printeng_supply_state_name(uint32_t state)
{
	return lookup_name(state_names, N(state_names), state);
}

int printeng_supply_state_from_name(const char *name, uint32_t *out)
{
	return lookup_value(state_names, N(state_names), name, out);
}

const char *printeng_level_special_name(int32_t level)
{
	switch (level) {
	case PRINTENG_LEVEL_OTHER:		return "other";
	case PRINTENG_LEVEL_UNKNOWN:		return "unknown";
	case PRINTENG_LEVEL_SOME_REMAINING:	return "some_remaining";
	default:				return NULL;
	}
}

const char *printeng_source_name(enum printeng_source src)
{
	switch (src) {
	case PRINTENG_SRC_AUTO:		return "auto";
	case PRINTENG_SRC_IOCTL:	return "ioctl";
	case PRINTENG_SRC_READ:		return "read";
	case PRINTENG_SRC_SYSFS:	return "sysfs";
	case PRINTENG_SRC_GENL:		return "genl";
	}
	return NULL;
}

const char *printeng_event_name(enum printeng_event_type type)
{
	switch (type) {
	case PRINTENG_EVENT_SUPPLY:	return "supply";
	case PRINTENG_EVENT_METERS:	return "meters";
	case PRINTENG_EVENT_REMOVED:	return "removed";
	}
	return NULL;
}
