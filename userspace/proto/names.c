// SPDX-License-Identifier: MIT
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * proto/names: wire names of every enumerated protocol value, the error
 * names and their HTTP statuses, and the mapping from RFC 3805 numbers
 * (as in <linux/printeng.h>) to the protocol's supply types and units.
 */
#include <string.h>

#include <linux/printeng.h>

#include "proto/proto.h"

_Static_assert((int)PROTO_METER_COUNT == (int)__PRINTENG_METER_COUNT,
	       "protocol meters must match the uapi meter ids");
_Static_assert((int)PROTO_METER_SHEETS_DUPLEX == (int)PRINTENG_METER_SHEETS_DUPLEX &&
	       (int)PROTO_METER_IMPRESSIONS_LARGE == (int)PRINTENG_METER_IMPRESSIONS_LARGE &&
	       (int)PROTO_METER_IMPRESSIONS_MONO == (int)PRINTENG_METER_IMPRESSIONS_MONO,
	       "protocol meter ids must equal uapi ids");
_Static_assert((int)PROTO_STATE_MISSING == (int)PRINTENG_STATE_MISSING &&
	       (int)PROTO_STATE_LOW == (int)PRINTENG_STATE_LOW &&
	       (int)PROTO_STATE_COUNT == (int)__PRINTENG_STATE_COUNT,
	       "protocol supply states must equal uapi states");
_Static_assert(PROTO_DEVICE_ID_MAX == PRINTENG_SERIAL_LEN - 1 &&
	       PROTO_MODEL_MAX == PRINTENG_MODEL_LEN - 1 &&
	       PROTO_FW_MAX == PRINTENG_FIRMWARE_LEN - 1 &&
	       PROTO_COLORANT_MAX == PRINTENG_COLORANT_LEN - 1 &&
	       PROTO_DESCRIPTION_MAX == PRINTENG_DESCRIPTION_LEN - 1,
	       "protocol string limits must hold every uapi string");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const meter_names[PROTO_METER_COUNT] = {
	[PROTO_METER_IMPRESSIONS_TOTAL] = "impressions_total",
	[PROTO_METER_IMPRESSIONS_MONO] = "impressions_mono",
	[PROTO_METER_IMPRESSIONS_COLOR] = "impressions_color",
	[PROTO_METER_IMPRESSIONS_DUPLEX] = "impressions_duplex",
	[PROTO_METER_IMPRESSIONS_LARGE] = "impressions_large",
	[PROTO_METER_SHEETS_TOTAL] = "sheets_total",
	[PROTO_METER_SHEETS_DUPLEX] = "sheets_duplex",
};

static const char *const proxy_names[] = {
	[PROTO_PROXY_NONE] = "none",
	[PROTO_PROXY_MANUAL] = "manual",
	[PROTO_PROXY_AUTO] = "auto",
};

static const char *const type_names[PROTO_SUPPLY_TYPE_COUNT] = {
	[PROTO_SUPPLY_TONER] = "toner",
	[PROTO_SUPPLY_WASTE_TONER] = "waste_toner",
	[PROTO_SUPPLY_INK] = "ink",
	[PROTO_SUPPLY_OPC] = "opc",
	[PROTO_SUPPLY_DEVELOPER] = "developer",
	[PROTO_SUPPLY_FUSER] = "fuser",
	[PROTO_SUPPLY_CLEANER_UNIT] = "cleaner_unit",
	[PROTO_SUPPLY_TRANSFER_UNIT] = "transfer_unit",
	[PROTO_SUPPLY_TONER_CARTRIDGE] = "toner_cartridge",
	[PROTO_SUPPLY_STAPLES] = "staples",
	[PROTO_SUPPLY_OTHER] = "other",
	[PROTO_SUPPLY_UNKNOWN] = "unknown",
};

static const char *const unit_names[PROTO_UNIT_COUNT] = {
	[PROTO_UNIT_PERCENT] = "percent",
	[PROTO_UNIT_IMPRESSIONS] = "impressions",
	[PROTO_UNIT_SHEETS] = "sheets",
	[PROTO_UNIT_ITEMS] = "items",
	[PROTO_UNIT_OTHER] = "other",
	[PROTO_UNIT_UNKNOWN] = "unknown",
};

static const char *const state_names[PROTO_STATE_COUNT] = {
	[PROTO_STATE_OK] = "ok",
	[PROTO_STATE_LOW] = "low",
	[PROTO_STATE_EMPTY] = "empty",
	[PROTO_STATE_MISSING] = "missing",
};

static const char *const trigger_names[PROTO_TRIGGER_COUNT] = {
	[PROTO_TRIGGER_INTERVAL] = "interval",
	[PROTO_TRIGGER_EVENT] = "event",
	[PROTO_TRIGGER_ENABLED] = "enabled",
};

static const char *const err_names[__PROTO_E_COUNT] = {
	[PROTO_OK] = "ok",
	[PROTO_E_NOMEM] = "internal",
	[PROTO_E_TOO_LARGE] = "too_large",
	[PROTO_E_SYNTAX] = "syntax",
	[PROTO_E_TOO_DEEP] = "too_deep",
	[PROTO_E_TYPE] = "type",
	[PROTO_E_MISSING] = "missing",
	[PROTO_E_UNKNOWN_FIELD] = "unknown_field",
	[PROTO_E_RANGE] = "range",
	[PROTO_E_VALUE] = "value",
	[PROTO_E_DUPLICATE] = "duplicate",
	[PROTO_E_INVALID] = "invalid",
};

static const char *name_of(const char *const *tab, size_t n, unsigned int v)
{
	return v < n ? tab[v] : NULL;
}

static int lookup(const char *const *tab, size_t n, const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (tab[i] && strcmp(tab[i], s) == 0)
			return (int)i;
	return -1;
}

const char *proto_err_name(enum proto_err code)
{
	const char *n = name_of(err_names, ARRAY_SIZE(err_names), code);

	return n ? n : "internal";
}

int proto_err_http_status(enum proto_err code)
{
	switch (code) {
	case PROTO_OK:
		return 200;
	case PROTO_E_TOO_LARGE:
		return 413;
	case PROTO_E_NOMEM:
	case PROTO_E_INVALID:
	case __PROTO_E_COUNT:
		return 500;
	default:
		return 400;
	}
}

const char *proto_meter_name(enum proto_meter id)
{
	return name_of(meter_names, ARRAY_SIZE(meter_names), id);
}

int proto_meter_from_name(const char *name)
{
	return lookup(meter_names, ARRAY_SIZE(meter_names), name);
}

const char *proto_proxy_mode_name(enum proto_proxy_mode m)
{
	return name_of(proxy_names, ARRAY_SIZE(proxy_names), m);
}

int proto_proxy_mode_from_name(const char *s)
{
	return lookup(proxy_names, ARRAY_SIZE(proxy_names), s);
}

const char *proto_supply_type_name(enum proto_supply_type t)
{
	return name_of(type_names, ARRAY_SIZE(type_names), t);
}

int proto_supply_type_from_name(const char *s)
{
	return lookup(type_names, ARRAY_SIZE(type_names), s);
}

const char *proto_supply_unit_name(enum proto_supply_unit u)
{
	return name_of(unit_names, ARRAY_SIZE(unit_names), u);
}

int proto_supply_unit_from_name(const char *s)
{
	return lookup(unit_names, ARRAY_SIZE(unit_names), s);
}

const char *proto_supply_state_name(enum proto_supply_state s)
{
	return name_of(state_names, ARRAY_SIZE(state_names), s);
}

int proto_supply_state_from_name(const char *s)
{
	return lookup(state_names, ARRAY_SIZE(state_names), s);
}

const char *proto_trigger_name(enum proto_supplies_trigger t)
{
	return name_of(trigger_names, ARRAY_SIZE(trigger_names), t);
}

int proto_trigger_from_name(const char *s)
{
	return lookup(trigger_names, ARRAY_SIZE(trigger_names), s);
}

enum proto_supply_type proto_supply_type_from_printeng(uint32_t type)
{
	switch (type) {
	case PRINTENG_SUPPLY_TONER: return PROTO_SUPPLY_TONER;
	case PRINTENG_SUPPLY_WASTE_TONER: return PROTO_SUPPLY_WASTE_TONER;
	case PRINTENG_SUPPLY_INK: return PROTO_SUPPLY_INK;
	case PRINTENG_SUPPLY_OPC: return PROTO_SUPPLY_OPC;
	case PRINTENG_SUPPLY_DEVELOPER: return PROTO_SUPPLY_DEVELOPER;
	case PRINTENG_SUPPLY_FUSER: return PROTO_SUPPLY_FUSER;
	case PRINTENG_SUPPLY_CLEANER_UNIT: return PROTO_SUPPLY_CLEANER_UNIT;
	case PRINTENG_SUPPLY_TRANSFER_UNIT: return PROTO_SUPPLY_TRANSFER_UNIT;
	case PRINTENG_SUPPLY_TONER_CARTRIDGE: return PROTO_SUPPLY_TONER_CARTRIDGE;
	case PRINTENG_SUPPLY_STAPLES: return PROTO_SUPPLY_STAPLES;
	case PRINTENG_SUPPLY_UNKNOWN: return PROTO_SUPPLY_UNKNOWN;
	default: return PROTO_SUPPLY_OTHER;
	}
}

enum proto_supply_unit proto_supply_unit_from_printeng(uint32_t unit)
{
	switch (unit) {
	case PRINTENG_UNIT_PERCENT: return PROTO_UNIT_PERCENT;
	case PRINTENG_UNIT_IMPRESSIONS: return PROTO_UNIT_IMPRESSIONS;
	case PRINTENG_UNIT_SHEETS: return PROTO_UNIT_SHEETS;
	case PRINTENG_UNIT_ITEMS: return PROTO_UNIT_ITEMS;
	case PRINTENG_UNIT_UNKNOWN: return PROTO_UNIT_UNKNOWN;
	default: return PROTO_UNIT_OTHER;
	}
}
