/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * printeng: print-engine billing meters and supplies.
 *
 * Userspace ABI of the printeng class: the character device
 * /dev/printeng<N> (read, poll, ioctl) and the generic netlink family
 * "printeng" (multicast group "events").  The sysfs files under
 * /sys/class/printeng/printeng<N>/ are documented in
 * Documentation/ABI/testing/sysfs-class-printeng.
 *
 * Every structure here has fixed-width fields, natural alignment and
 * explicit padding, so it has the same layout on 32- and 64-bit ABIs.
 * Structures copied out by an ioctl start with a __u32 size: the caller
 * sets it to sizeof() its own definition, the kernel fills at most that
 * much and writes back the number of bytes it filled.  Newer kernels only
 * ever append fields.
 */
#ifndef _UAPI_LINUX_PRINTENG_H
#define _UAPI_LINUX_PRINTENG_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Meters (RFC 3805 Printer MIB / PWG 5106.1 counters).  The numeric id is
 * the index into printeng_snapshot.meters[] and the bit in meter_mask;
 * the string name is used in sysfs and on the wire.  Ids are stable: new
 * meters get new ids, none is ever renumbered.
 */
enum printeng_meter_id {
	PRINTENG_METER_IMPRESSIONS_TOTAL	= 0,	/* impressions_total */
	PRINTENG_METER_IMPRESSIONS_MONO		= 1,	/* impressions_mono */
	PRINTENG_METER_IMPRESSIONS_COLOR	= 2,	/* impressions_color */
	PRINTENG_METER_IMPRESSIONS_DUPLEX	= 3,	/* impressions_duplex */
	PRINTENG_METER_IMPRESSIONS_LARGE	= 4,	/* impressions_large */
	PRINTENG_METER_SHEETS_TOTAL		= 5,	/* sheets_total */
	PRINTENG_METER_SHEETS_DUPLEX		= 6,	/* sheets_duplex */

	__PRINTENG_METER_COUNT			/* number of meters defined */
};

/* Room for meters in the snapshot; ids are < PRINTENG_METERS_MAX. */
#define PRINTENG_METERS_MAX		32
/* Room for supplies in the snapshot. */
#define PRINTENG_SUPPLIES_MAX		16

/* Supply type: values of RFC 3805 PrtMarkerSuppliesTypeTC. */
enum printeng_supply_type {
	PRINTENG_SUPPLY_OTHER		= 1,
	PRINTENG_SUPPLY_UNKNOWN		= 2,
	PRINTENG_SUPPLY_TONER		= 3,
	PRINTENG_SUPPLY_WASTE_TONER	= 4,
	PRINTENG_SUPPLY_INK		= 5,
	PRINTENG_SUPPLY_OPC		= 9,	/* photoconductor drum */
	PRINTENG_SUPPLY_DEVELOPER	= 10,
	PRINTENG_SUPPLY_FUSER		= 15,
	PRINTENG_SUPPLY_CLEANER_UNIT	= 18,
	PRINTENG_SUPPLY_TRANSFER_UNIT	= 20,	/* transfer belt */
	PRINTENG_SUPPLY_TONER_CARTRIDGE	= 21,
	PRINTENG_SUPPLY_STAPLES		= 32,
};

/* Supply unit: values of RFC 3805 PrtMarkerSuppliesSupplyUnitTC. */
enum printeng_supply_unit {
	PRINTENG_UNIT_OTHER		= 1,
	PRINTENG_UNIT_UNKNOWN		= 2,
	PRINTENG_UNIT_IMPRESSIONS	= 7,
	PRINTENG_UNIT_SHEETS		= 8,
	PRINTENG_UNIT_ITEMS		= 18,
	PRINTENG_UNIT_PERCENT		= 19,
};

/* Supply state, ordered by severity except MISSING. */
enum printeng_supply_state {
	PRINTENG_STATE_OK		= 0,
	PRINTENG_STATE_LOW		= 1,
	PRINTENG_STATE_EMPTY		= 2,
	PRINTENG_STATE_MISSING		= 3,

	__PRINTENG_STATE_COUNT
};

/* Special values of level and max_capacity (RFC 3805). */
#define PRINTENG_LEVEL_OTHER		(-1)
#define PRINTENG_LEVEL_UNKNOWN		(-2)
#define PRINTENG_LEVEL_SOME_REMAINING	(-3)

#define PRINTENG_COLORANT_LEN		16
#define PRINTENG_DESCRIPTION_LEN	48
#define PRINTENG_SERIAL_LEN		32
#define PRINTENG_MODEL_LEN		64
#define PRINTENG_FIRMWARE_LEN		32

/**
 * struct printeng_supply - one entry of the supplies table
 * @type: enum printeng_supply_type
 * @unit: enum printeng_supply_unit of @level and @max_capacity
 * @level: current level, or a PRINTENG_LEVEL_* special value
 * @max_capacity: capacity when full, or a PRINTENG_LEVEL_* special value
 * @state: enum printeng_supply_state
 * @replaced: number of times this supply was replaced since registration
 * @colorant: colorant name ("black", "cyan", ...; "" when none), NUL-padded
 * @description: human-readable description, NUL-padded
 */
struct printeng_supply {
	__u32 type;
	__u32 unit;
	__s32 level;
	__s32 max_capacity;
	__u32 state;
	__u32 replaced;
	char colorant[PRINTENG_COLORANT_LEN];
	char description[PRINTENG_DESCRIPTION_LEN];
};

/**
 * struct printeng_snapshot - all meters and supplies, consistent
 * @size: in (ioctl): sizeof the caller's struct; out: bytes filled
 * @num_supplies: valid entries in @supplies
 * @generation: grows whenever anything changed since the previous
 *	snapshot; never decreases; equal generations hold equal values
 * @mono_ns: CLOCK_MONOTONIC time the snapshot was taken, in ns
 * @real_ns: CLOCK_REALTIME time the snapshot was taken, in ns
 * @meter_mask: bit N set when meter id N exists on this device
 * @meters: meter values by id; 0 for meters not in @meter_mask
 * @supplies: the supplies table
 *
 * read() on /dev/printeng<N> and PRINTENG_IOC_GET_SNAPSHOT both return
 * this structure.  No reader ever sees half of an update.
 */
struct printeng_snapshot {
	__u32 size;
	__u32 num_supplies;
	__u64 generation;
	__u64 mono_ns;
	__u64 real_ns;
	__u64 meter_mask;
	__u64 meters[PRINTENG_METERS_MAX];
	struct printeng_supply supplies[PRINTENG_SUPPLIES_MAX];
};

/**
 * struct printeng_info - identity of a print engine
 * @size: in: sizeof the caller's struct; out: bytes filled
 * @index: N of printeng<N>
 * @meter_mask: bit N set when meter id N exists on this device
 * @num_supplies: entries in the supplies table
 * @reserved: zero
 * @serial: device id (serial number), NUL-terminated
 * @model: model name, NUL-terminated
 * @engine_fw: print-engine firmware version, NUL-terminated
 * @controller_fw: controller firmware version, NUL-terminated
 */
struct printeng_info {
	__u32 size;
	__u32 index;
	__u64 meter_mask;
	__u32 num_supplies;
	__u32 reserved;
	char serial[PRINTENG_SERIAL_LEN];
	char model[PRINTENG_MODEL_LEN];
	char engine_fw[PRINTENG_FIRMWARE_LEN];
	char controller_fw[PRINTENG_FIRMWARE_LEN];
};

/* Smallest @size the kernel accepts for each structure. */
#define PRINTENG_SNAPSHOT_SIZE_VER0	1704
#define PRINTENG_INFO_SIZE_VER0		184

/* ioctl type byte: see Documentation/userspace-api/ioctl/ioctl-number.rst */
#define PRINTENG_IOC_MAGIC		0xE5

#define PRINTENG_IOC_GET_INFO		_IOWR(PRINTENG_IOC_MAGIC, 0x01, struct printeng_info)
#define PRINTENG_IOC_GET_SNAPSHOT	_IOWR(PRINTENG_IOC_MAGIC, 0x02, struct printeng_snapshot)

/*
 * Generic netlink family "printeng", version 1; multicast group "events".
 * See Documentation/netlink/specs/printeng.yaml (docs/netlink/ here).
 */
#define PRINTENG_GENL_NAME		"printeng"
#define PRINTENG_GENL_VERSION		1
#define PRINTENG_GENL_MCGRP_EVENTS	"events"

enum printeng_cmd {
	PRINTENG_CMD_UNSPEC,
	PRINTENG_CMD_GET,		/* do: one device; dump: all devices */
	PRINTENG_CMD_SUPPLY_NTF,	/* event: a supply changed state */
	PRINTENG_CMD_METERS_NTF,	/* event: meters changed (coalesced) */
	PRINTENG_CMD_REMOVED_NTF,	/* event: a device went away */

	__PRINTENG_CMD_MAX,
	PRINTENG_CMD_MAX = __PRINTENG_CMD_MAX - 1
};

/* Top-level attributes. */
enum printeng_attr {
	PRINTENG_A_UNSPEC,
	PRINTENG_A_PAD,
	PRINTENG_A_DEV_INDEX,		/* u32 */
	PRINTENG_A_SERIAL,		/* string */
	PRINTENG_A_MODEL,		/* string */
	PRINTENG_A_ENGINE_FW,		/* string */
	PRINTENG_A_CONTROLLER_FW,	/* string */
	PRINTENG_A_GENERATION,		/* u64 */
	PRINTENG_A_TIMESTAMP,		/* u64, CLOCK_REALTIME ns */
	PRINTENG_A_METER,		/* nest, multi: printeng_meter_attr */
	PRINTENG_A_SUPPLY,		/* nest, multi: printeng_supply_attr */

	__PRINTENG_A_MAX,
	PRINTENG_A_MAX = __PRINTENG_A_MAX - 1
};

/* Inside each PRINTENG_A_METER nest. */
enum printeng_meter_attr {
	PRINTENG_A_METER_UNSPEC,
	PRINTENG_A_METER_PAD,
	PRINTENG_A_METER_ID,		/* u32, enum printeng_meter_id */
	PRINTENG_A_METER_NAME,		/* string */
	PRINTENG_A_METER_VALUE,		/* u64 */

	__PRINTENG_A_METER_MAX,
	PRINTENG_A_METER_MAX = __PRINTENG_A_METER_MAX - 1
};

/* Inside each PRINTENG_A_SUPPLY nest. */
enum printeng_supply_attr {
	PRINTENG_A_SUPPLY_UNSPEC,
	PRINTENG_A_SUPPLY_INDEX,	/* u32 */
	PRINTENG_A_SUPPLY_TYPE,		/* u32, enum printeng_supply_type */
	PRINTENG_A_SUPPLY_UNIT,		/* u32, enum printeng_supply_unit */
	PRINTENG_A_SUPPLY_LEVEL,	/* s32 */
	PRINTENG_A_SUPPLY_MAX_CAPACITY,	/* s32 */
	PRINTENG_A_SUPPLY_STATE,	/* u32, enum printeng_supply_state */
	PRINTENG_A_SUPPLY_OLD_STATE,	/* u32, in PRINTENG_CMD_SUPPLY_NTF */
	PRINTENG_A_SUPPLY_REPLACED,	/* u32 */
	PRINTENG_A_SUPPLY_COLORANT,	/* string */
	PRINTENG_A_SUPPLY_DESCRIPTION,	/* string */

	__PRINTENG_A_SUPPLY_MAX,
	PRINTENG_A_SUPPLY_MAX = __PRINTENG_A_SUPPLY_MAX - 1
};

#endif /* _UAPI_LINUX_PRINTENG_H */
