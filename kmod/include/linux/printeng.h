/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printeng: in-kernel API for print-engine drivers.
 *
 * An engine driver registers one printeng device per print engine with
 * its identity, the meters it keeps, its supplies table and the meter
 * values it holds in NVRAM.  From then on it reports printed pages with
 * printeng_meters_add() (any context, including hard IRQ) and supply
 * changes with printeng_supply_set().  Meters never decrease: an update
 * that would make one go backwards is refused whole.
 *
 * The symbols are exported in the PRINTENG namespace; an engine driver
 * says MODULE_IMPORT_NS(PRINTENG_NS).
 */
#ifndef _LINUX_PRINTENG_H
#define _LINUX_PRINTENG_H

#include <linux/types.h>
#include <uapi/linux/printeng.h>

/*
 * PRINTENG_NS, the symbol namespace, is defined by Kbuild: PRINTENG before
 * 6.13, "PRINTENG" (a string literal) from 6.13 on.  An out-of-tree engine
 * driver copies those two lines of kmod/Kbuild.
 */

struct device;
struct printeng_device;

/**
 * struct printeng_supply_desc - one supply, as registered
 * @type: enum printeng_supply_type
 * @unit: enum printeng_supply_unit
 * @colorant: colorant name, or NULL/"" for none (copied)
 * @description: description (copied)
 * @max_capacity: capacity when full, or a PRINTENG_LEVEL_* value
 * @level: level at registration, or a PRINTENG_LEVEL_* value
 * @state: enum printeng_supply_state at registration
 */
struct printeng_supply_desc {
	u32 type;
	u32 unit;
	const char *colorant;
	const char *description;
	s32 max_capacity;
	s32 level;
	u32 state;
};

/**
 * struct printeng_desc - what an engine driver registers
 * @serial: device id (serial number), required (copied)
 * @model: model name (copied)
 * @engine_fw: print-engine firmware version (copied)
 * @controller_fw: controller firmware version (copied)
 * @meter_mask: BIT(id) for each enum printeng_meter_id the engine keeps
 * @initial: starting value of each meter, indexed by id (from NVRAM);
 *	     NULL for all zero
 * @supplies: the supplies table (copied)
 * @num_supplies: entries in @supplies, at most PRINTENG_SUPPLIES_MAX
 */
struct printeng_desc {
	const char *serial;
	const char *model;
	const char *engine_fw;
	const char *controller_fw;
	u64 meter_mask;
	const u64 *initial;
	const struct printeng_supply_desc *supplies;
	unsigned int num_supplies;
};

struct printeng_device *printeng_register(struct device *parent,
					  const struct printeng_desc *desc);
void printeng_unregister(struct printeng_device *pe);
struct printeng_device *devm_printeng_register(struct device *parent,
					       const struct printeng_desc *desc);

int printeng_meters_add(struct printeng_device *pe,
			const u64 delta[__PRINTENG_METER_COUNT]);
int printeng_meter_add(struct printeng_device *pe, unsigned int id, u64 delta);
int printeng_meters_set(struct printeng_device *pe, u64 mask,
			const u64 value[__PRINTENG_METER_COUNT]);
int printeng_supply_set(struct printeng_device *pe, unsigned int index,
			s32 level, u32 state);
int printeng_supply_replaced(struct printeng_device *pe, unsigned int index,
			     s32 level);
int printeng_id(const struct printeng_device *pe);

/*
 * printeng_meter(s)_add(), printeng_supply_set(), printeng_supply_replaced()
 * and printeng_id() may be called from any context, including hard IRQ;
 * the adds are lock-free.  printeng_meters_set() not from interrupt
 * context; register/unregister from process context.  They return 0, -EINVAL for a bad id or
 * index, -EOVERFLOW or -ERANGE when the update would make a meter wrap or
 * go backwards (nothing is applied), or -ENODEV once unregistered.
 */

#endif /* _LINUX_PRINTENG_H */
