/* SPDX-License-Identifier: GPL-2.0-only */
/* SPDX-FileCopyrightText: 2026 The esol authors */
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

#include <linux/bitops.h>
#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
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
int printeng_meters_set(struct printeng_device *pe, u64 mask,
			const u64 value[__PRINTENG_METER_COUNT]);
int printeng_supply_set(struct printeng_device *pe, unsigned int index,
			s32 level, u32 state);
int printeng_supply_replaced(struct printeng_device *pe, unsigned int index,
			     s32 level);
int printeng_id(const struct printeng_device *pe);

/*
 * The hot path.  printeng_meter_add() is inline: a page counted costs a
 * few per-CPU instructions, no call, no atomic read-modify-write and no
 * interrupt masking.  What it touches is below; engine drivers use the
 * function only, never the fields.
 */

/**
 * struct printeng_pcpu - what one CPU added to the meters
 * @done: updates finished on this CPU (every add counts one)
 * @busy: printeng_meters_add() calls under way on this CPU (an interrupt
 *	  may nest one in another)
 * @meters: amounts added on this CPU since registration, by meter id
 *
 * Written only by its own CPU with this_cpu operations, so an interrupt
 * that adds on the same CPU nests safely.  A single-meter add is one
 * this_cpu_add() followed by incrementing @done; a multi-meter add is
 * bracketed by @busy.  A reader on another CPU that sees @busy zero and
 * @done unchanged around its copy of @meters saw no update by halves.
 */
struct printeng_pcpu {
	unsigned long done;
	unsigned long busy;
	u64 meters[__PRINTENG_METER_COUNT];
};

/*
 * Bit of struct printeng_fast's @state: notify_work is queued (or running
 * and has not looked at the meters yet), so an add need not queue it.
 */
#define PRINTENG_FAST_KICKED	(BITS_PER_LONG - 1)

/**
 * struct printeng_fast - the part of a device the inline update path uses
 * @pcpu: each CPU's share of the meters
 * @state: BIT(id) of each meter present, while registered (cleared from
 *	   the start of printeng_unregister() on), and PRINTENG_FAST_KICKED;
 *	   changed with atomic bit operations.  One load tells an add both
 *	   whether it may go on and whether it must queue notify_work.
 * @pcpu_cap: per meter, the most one CPU may add before an update is
 *	      refused, so that the sum over all CPUs can never wrap.
 *	      Written by printeng_meters_set(), read locklessly.
 *
 * The first member of every printeng device (printeng_fast() relies on
 * it; the core asserts it at build time).
 */
struct printeng_fast {
	struct printeng_pcpu __percpu *pcpu;
	unsigned long state;
	u64 pcpu_cap[__PRINTENG_METER_COUNT];
};

static __always_inline struct printeng_fast *
printeng_fast(struct printeng_device *pe)
{
	return (struct printeng_fast *)pe;
}

/**
 * printeng_room() - may one CPU's share of a meter grow by @delta?
 * @cap: the most one CPU may add to this meter (pcpu_cap)
 * @have: what this CPU added so far
 * @delta: the amount to add
 *
 * The caps of all CPUs add up to less than what is left below 2^64, so an
 * add this allows can never make the meter wrap (and so go backwards).
 * @have may exceed @cap when an absolute set lowered the cap.
 */
static __always_inline bool printeng_room(u64 cap, u64 have, u64 delta)
{
	return have <= cap && delta <= cap - have;
}

/* Out of line parts of printeng_meter_add(); not for engine drivers. */
int __printeng_meter_add_refused(struct printeng_device *pe, unsigned int id);
void __printeng_kick_meters(struct printeng_device *pe);

/**
 * printeng_meter_add() - add to one meter (the hot path)
 * @pe: the device
 * @id: enum printeng_meter_id
 * @delta: amount to add
 *
 * Any context, including hard IRQ; lock-free.  Preemption is disabled
 * across the add so that printeng_unregister() can wait for it.
 *
 * Return: 0, -EINVAL (no such meter), -EOVERFLOW (not applied) or -ENODEV.
 */
static __always_inline int printeng_meter_add(struct printeng_device *pe,
					      unsigned int id, u64 delta)
{
	struct printeng_fast *f = printeng_fast(pe);
	struct printeng_pcpu __percpu *pcpu;
	unsigned long state;
	u64 have;

	if (unlikely(id >= __PRINTENG_METER_COUNT))
		return __printeng_meter_add_refused(pe, id);
	preempt_disable();
	state = READ_ONCE(f->state);
	if (unlikely(!(state & BIT(id))))
		goto refused;
	pcpu = f->pcpu;
	have = this_cpu_read(pcpu->meters[id]);
	if (unlikely(!printeng_room(READ_ONCE(f->pcpu_cap[id]), have, delta)))
		goto refused;
	this_cpu_add(pcpu->meters[id], delta);
	smp_wmb();	/* the meter before done, for readers */
	this_cpu_inc(pcpu->done);
	/*
	 * No barrier orders the add before the load of @state above:
	 * notify_work waits for a grace period after it clears the bit, and
	 * this is a read-side critical section (preemption is off).
	 */
	if (unlikely(!(state & BIT(PRINTENG_FAST_KICKED))))
		__printeng_kick_meters(pe);
	preempt_enable();
	return 0;

refused:
	preempt_enable();
	return __printeng_meter_add_refused(pe, id);
}

/*
 * printeng_meter(s)_add(), printeng_supply_set(), printeng_supply_replaced()
 * and printeng_id() may be called from any context, including hard IRQ;
 * the adds are lock-free.  printeng_meters_set() not from interrupt
 * context; register/unregister from process context.  They return 0, -EINVAL for a bad id or
 * index, -EOVERFLOW or -ERANGE when the update would make a meter wrap or
 * go backwards (nothing is applied), or -ENODEV once unregistered.
 */

#endif /* _LINUX_PRINTENG_H */
