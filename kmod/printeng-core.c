// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * printeng core: device lifetime and ids, the in-kernel update API, and
 * the deferred notifications (reader wake-ups, supply events, uevents,
 * coalesced meter events).
 *
 * The hot path takes no lock and makes no atomic read-modify-write: it
 * adds to this CPU's share of the meters (struct printeng_pcpu) with
 * this_cpu operations.  printeng_meter_add(), inline in the header, adds
 * to one meter and then counts the update in ->done; printeng_meters_add()
 * changes several meters and brackets them with ->busy.  A reader copies
 * every CPU's share, retrying a CPU whose ->busy was set or whose ->done
 * moved during the copy.  Such a copy holds each update whole or not at
 * all: between two reads of ->done that agree, a CPU can have started at
 * most one single-meter add (the next one counts itself before another
 * starts), and one write is seen whole or not.  The reader keeps each
 * copy that counts more updates than the last one seen, then under
 * pe->lock adds them to the base values and publishes the result with a
 * new generation only if some update was counted since the last
 * publication.  So a reader never sees half of an update, the generation
 * never decreases, and two readers at one generation see the same values.
 * Everything else (supplies, absolute meter values) is rare and updates
 * the base under pe->lock.
 *
 * The update API never sleeps and never allocates; it only queues
 * pe->notify_work, which does everything that may sleep.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/math64.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/xarray.h>

#include "printeng-internal.h"

#define PRINTENG_METER_VALID_MASK	GENMASK_ULL(__PRINTENG_METER_COUNT - 1, 0)

/* Internals that the KUnit suite (printeng_kunit.ko) tests directly. */
#if IS_ENABLED(CONFIG_KUNIT)
#define EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(sym) \
	EXPORT_SYMBOL_NS_GPL(sym, PRINTENG_KUNIT)
#else
#define EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(sym)
#endif

static unsigned int meter_event_ms = 1000;
module_param(meter_event_ms, uint, 0644);
MODULE_PARM_DESC(meter_event_ms,
		 "Minimum interval between two meters events, in ms (default 1000)");

static DEFINE_IDA(printeng_ida);
/* printeng_devices_lock protects printeng_devices and the get_device()
 * a lookup takes before the entry can be erased.
 */
static DEFINE_MUTEX(printeng_devices_lock);
static DEFINE_XARRAY(printeng_devices);

const char *const printeng_meter_names[__PRINTENG_METER_COUNT] = {
	[PRINTENG_METER_IMPRESSIONS_TOTAL]	= "impressions_total",
	[PRINTENG_METER_IMPRESSIONS_MONO]	= "impressions_mono",
	[PRINTENG_METER_IMPRESSIONS_COLOR]	= "impressions_color",
	[PRINTENG_METER_IMPRESSIONS_DUPLEX]	= "impressions_duplex",
	[PRINTENG_METER_IMPRESSIONS_LARGE]	= "impressions_large",
	[PRINTENG_METER_SHEETS_TOTAL]		= "sheets_total",
	[PRINTENG_METER_SHEETS_DUPLEX]		= "sheets_duplex",
};

static const char *const printeng_state_names[__PRINTENG_STATE_COUNT] = {
	[PRINTENG_STATE_OK]		= "ok",
	[PRINTENG_STATE_LOW]		= "low",
	[PRINTENG_STATE_EMPTY]		= "empty",
	[PRINTENG_STATE_MISSING]	= "missing",
};

const char *printeng_supply_type_name(u32 type)
{
	switch (type) {
	case PRINTENG_SUPPLY_OTHER:		return "other";
	case PRINTENG_SUPPLY_TONER:		return "toner";
	case PRINTENG_SUPPLY_WASTE_TONER:	return "waste_toner";
	case PRINTENG_SUPPLY_INK:		return "ink";
	case PRINTENG_SUPPLY_OPC:		return "opc";
	case PRINTENG_SUPPLY_DEVELOPER:		return "developer";
	case PRINTENG_SUPPLY_FUSER:		return "fuser";
	case PRINTENG_SUPPLY_CLEANER_UNIT:	return "cleaner_unit";
	case PRINTENG_SUPPLY_TRANSFER_UNIT:	return "transfer_unit";
	case PRINTENG_SUPPLY_TONER_CARTRIDGE:	return "toner_cartridge";
	case PRINTENG_SUPPLY_STAPLES:		return "staples";
	default:				return "unknown";
	}
}

const char *printeng_supply_unit_name(u32 unit)
{
	switch (unit) {
	case PRINTENG_UNIT_OTHER:		return "other";
	case PRINTENG_UNIT_IMPRESSIONS:		return "impressions";
	case PRINTENG_UNIT_SHEETS:		return "sheets";
	case PRINTENG_UNIT_ITEMS:		return "items";
	case PRINTENG_UNIT_PERCENT:		return "percent";
	default:				return "unknown";
	}
}

const char *printeng_supply_state_name(u32 state)
{
	if (state >= __PRINTENG_STATE_COUNT)
		return "unknown";
	return printeng_state_names[state];
}

/* The checks below are pure so that KUnit can test them directly. */

/* The inline hot path finds its part of the device at its start. */
static_assert(offsetof(struct printeng_device, fast) == 0);
static_assert(__PRINTENG_METER_COUNT <= PRINTENG_FAST_KICKED);

/**
 * printeng_check_set() - may the meters in @mask be set to @value?
 * @cur: current values by meter id
 * @mask: meters to set; each must be present on the device
 * @value: new values by meter id
 *
 * Return: 0, or -ERANGE when a meter would go backwards.
 */
int printeng_check_set(const u64 *cur, u64 mask, const u64 *value)
{
	unsigned int i;

	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		if ((mask & BIT_ULL(i)) && value[i] < cur[i])
			return -ERANGE;
	return 0;
}
EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(printeng_check_set);

/**
 * printeng_supply_needs_event() - does a supply differ from its last event?
 * @reported_state: state sent in the last event
 * @reported_replaced: replacement count sent in the last event
 * @now: the supply as it is now
 *
 * Events follow state bands (ok, low, empty, missing) and replacements,
 * never level changes within a band.
 */
bool printeng_supply_needs_event(u32 reported_state, u32 reported_replaced,
				 const struct printeng_supply *now)
{
	return now->state != reported_state ||
	       now->replaced != reported_replaced;
}
EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(printeng_supply_needs_event);

/**
 * printeng_meters_event_delay() - how long until the next meters event?
 * @now_ns: monotonic time now
 * @sent_ns: monotonic time of the last meters event, 0 if none yet
 * @interval_ns: minimum spacing of two events
 *
 * Return: delay in ns, 0 to send at once.
 */
u64 printeng_meters_event_delay(u64 now_ns, u64 sent_ns, u64 interval_ns)
{
	u64 elapsed;

	if (!sent_ns || now_ns < sent_ns)
		return 0;
	elapsed = now_ns - sent_ns;
	return elapsed >= interval_ns ? 0 : interval_ns - elapsed;
}
EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(printeng_meters_event_delay);

/**
 * printeng_fill_snapshot() - encode values as the uapi snapshot
 * @pe: the device (constant fields only)
 * @v: values copied at one generation
 * @snap: zeroed output; every byte is written or left zero
 */
void printeng_fill_snapshot(const struct printeng_device *pe,
			    const struct printeng_values *v,
			    struct printeng_snapshot *snap)
{
	unsigned int i;

	snap->size = sizeof(*snap);
	snap->num_supplies = pe->num_supplies;
	snap->generation = v->generation;
	snap->mono_ns = ktime_get_ns();
	snap->real_ns = ktime_get_real_ns();
	snap->meter_mask = pe->meter_mask;
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		if (pe->meter_mask & BIT_ULL(i))
			snap->meters[i] = v->meters[i];
	memcpy(snap->supplies, v->supplies,
	       pe->num_supplies * sizeof(snap->supplies[0]));
}
EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(printeng_fill_snapshot);

void printeng_fill_info(const struct printeng_device *pe,
			struct printeng_info *info)
{
	info->size = sizeof(*info);
	info->index = pe->id;
	info->meter_mask = pe->meter_mask;
	info->num_supplies = pe->num_supplies;
	strscpy(info->serial, pe->serial, sizeof(info->serial));
	strscpy(info->model, pe->model, sizeof(info->model));
	strscpy(info->engine_fw, pe->engine_fw, sizeof(info->engine_fw));
	strscpy(info->controller_fw, pe->controller_fw,
		sizeof(info->controller_fw));
}

/* A consistent copy of one CPU's share; spins while an update is under way. */
static void printeng_read_pcpu(const struct printeng_pcpu *p,
			       struct printeng_pcpu *out)
{
	unsigned int i;

	for (;;) {
		out->done = READ_ONCE(p->done);
		smp_rmb();	/* pairs with the smp_wmb() before ->done++ */
		for (i = 0; i < __PRINTENG_METER_COUNT; i++)
			out->meters[i] = READ_ONCE(p->meters[i]);
		smp_rmb();	/* pairs with the smp_wmb() after ->busy++ */
		out->busy = READ_ONCE(p->busy);
		smp_rmb();	/* pairs with the smp_wmb() before ->busy-- */
		if (!out->busy && READ_ONCE(p->done) == out->done)
			return;
		cpu_relax();
	}
}

/*
 * Bring pe->seen up to date with every CPU's share.  Not from interrupt
 * context, and without pe->lock: it may wait for an update on another
 * CPU, which an interrupt taking pe->lock may have interrupted.
 */
static void printeng_gather(struct printeng_device *pe)
{
	struct printeng_pcpu copy, *seen;
	unsigned long flags;
	int cpu;

	for_each_possible_cpu(cpu) {
		printeng_read_pcpu(per_cpu_ptr(pe->fast.pcpu, cpu), &copy);
		spin_lock_irqsave(&pe->lock, flags);
		seen = per_cpu_ptr(pe->seen, cpu);
		if (copy.done > seen->done)
			*seen = copy;
		spin_unlock_irqrestore(&pe->lock, flags);
	}
}

/* Sum pe->seen into @sum; returns the updates counted.  Lock held. */
static u64 printeng_fold(struct printeng_device *pe,
			 u64 sum[__PRINTENG_METER_COUNT])
{
	const struct printeng_pcpu *seen;
	u64 changes = 0;
	unsigned int i;
	int cpu;

	lockdep_assert_held(&pe->lock);
	memset(sum, 0, sizeof(u64) * __PRINTENG_METER_COUNT);
	for_each_possible_cpu(cpu) {
		seen = per_cpu_ptr(pe->seen, cpu);
		for (i = 0; i < __PRINTENG_METER_COUNT; i++)
			sum[i] += seen->meters[i];
		changes += seen->done;
	}
	return changes;
}

/* Publish a new generation if an update was made since the last one. */
static void printeng_publish(struct printeng_device *pe)
{
	u64 sum[__PRINTENG_METER_COUNT];
	unsigned int i;
	u64 changes;

	changes = printeng_fold(pe, sum) + pe->base.changes;
	if (changes == pe->pub.changes)
		return;
	pe->pub.generation++;
	pe->pub.changes = changes;
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		pe->pub.meters[i] = pe->base.meters[i] + sum[i];
	memcpy(pe->pub.supplies, pe->base.supplies, sizeof(pe->pub.supplies));
}

/**
 * printeng_read_values() - copy all values at one generation
 * @pe: the device
 * @out: where to copy
 *
 * Not from interrupt context (see printeng_meters_set()): it waits for
 * updates under way on other CPUs, which take a few instructions each.
 */
void printeng_read_values(struct printeng_device *pe,
			  struct printeng_values *out)
{
	unsigned long flags;

	printeng_gather(pe);
	spin_lock_irqsave(&pe->lock, flags);
	printeng_publish(pe);
	memcpy(out, &pe->pub, sizeof(*out));
	spin_unlock_irqrestore(&pe->lock, flags);
}
EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(printeng_read_values);

/**
 * printeng_changes() - how many updates were made, without a fold
 * @pe: the device
 *
 * Lockless; grows with every update.  Equal to the ->changes of a
 * snapshot when nothing changed since it was taken.
 */
u64 printeng_changes(struct printeng_device *pe)
{
	u64 changes = READ_ONCE(pe->base.changes);
	int cpu;

	for_each_possible_cpu(cpu)
		changes += READ_ONCE(per_cpu_ptr(pe->fast.pcpu, cpu)->done);
	return changes;
}
EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(printeng_changes);

/* The most one CPU may add to a meter whose other part is @base. */
static u64 printeng_cap(u64 base)
{
	/* Room for one nested update from IRQ and one from NMI on top. */
	return (U64_MAX - base) / (4 * nr_cpu_ids);
}

/*
 * A meter changed and notify_work may not know: queue it.  Any context.
 * The adds call it with preemption disabled (so printeng_unregister()
 * waits for the queue_work()) and only when they saw PRINTENG_FAST_KICKED
 * clear; a caller outside such a section calls it unconditionally, since
 * its atomic test_and_set_bit() orders the change before the bit.
 */
void __printeng_kick_meters(struct printeng_device *pe)
{
	if (!test_and_set_bit(PRINTENG_FAST_KICKED, &pe->fast.state))
		queue_work(system_wq, &pe->notify_work);
}
EXPORT_SYMBOL_NS_GPL(__printeng_kick_meters, PRINTENG_NS);

/* An update would make a meter wrap: count it; log the first one. */
static void printeng_refuse(struct printeng_device *pe, int err)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&pe->lock, flags);
	first = pe->refused++ == 0;
	spin_unlock_irqrestore(&pe->lock, flags);
	if (first)
		dev_warn(&pe->dev,
			 "refused a meter update that would go backwards (%d); further refusals are only counted\n",
			 err);
}

/**
 * printeng_meters_add() - add printed work to several meters at once
 * @pe: the device
 * @delta: amount to add to each meter, by id; 0 for meters not touched
 *
 * All meters change together, so readers never see a page counted in one
 * meter but not yet in another.  Any context; lock-free.
 *
 * Return: 0, -EINVAL, -EOVERFLOW (nothing applied) or -ENODEV.
 */
int printeng_meters_add(struct printeng_device *pe,
			const u64 delta[__PRINTENG_METER_COUNT])
{
	struct printeng_pcpu *p;
	unsigned int i;
	int ret = 0;

	p = get_cpu_ptr(pe->fast.pcpu);
	if (unlikely(!READ_ONCE(pe->registered))) {
		ret = -ENODEV;
		goto out;
	}
	for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
		if (!delta[i])
			continue;
		if (unlikely(!(pe->meter_mask & BIT_ULL(i)))) {
			ret = -EINVAL;
			goto out;
		}
		if (unlikely(!printeng_room(READ_ONCE(pe->fast.pcpu_cap[i]),
					    p->meters[i], delta[i])))
			ret = -EOVERFLOW;
	}
	if (unlikely(ret))
		goto out;

	this_cpu_inc(pe->fast.pcpu->busy);
	smp_wmb();	/* busy before the meters, for readers */
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		if (delta[i])
			this_cpu_add(pe->fast.pcpu->meters[i], delta[i]);
	smp_wmb();	/* the meters before done */
	this_cpu_inc(pe->fast.pcpu->done);
	smp_wmb();	/* done before busy, for readers */
	this_cpu_dec(pe->fast.pcpu->busy);
	/* preemption is off: see printeng_notify_work() */
	if (!test_bit(PRINTENG_FAST_KICKED, &pe->fast.state))
		__printeng_kick_meters(pe);
out:
	put_cpu_ptr(pe->fast.pcpu);
	if (unlikely(ret == -EOVERFLOW))
		printeng_refuse(pe, ret);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(printeng_meters_add, PRINTENG_NS);

/*
 * printeng_meter_add() (inline) did not add: say why, and count a refusal.
 * Any context.
 */
int __printeng_meter_add_refused(struct printeng_device *pe, unsigned int id)
{
	if (id >= __PRINTENG_METER_COUNT || !(pe->meter_mask & BIT_ULL(id)))
		return -EINVAL;
	if (!READ_ONCE(pe->registered))
		return -ENODEV;
	printeng_refuse(pe, -EOVERFLOW);
	return -EOVERFLOW;
}
EXPORT_SYMBOL_NS_GPL(__printeng_meter_add_refused, PRINTENG_NS);

/**
 * printeng_meters_set() - set meters to absolute values
 * @pe: the device
 * @mask: BIT(id) of each meter to set; each must be present
 * @value: new values by id
 *
 * For engines that report absolute counts.  A value lower than the
 * current one refuses the whole update.  An add that runs at the same time
 * on another CPU counts as made after the set.  Not from interrupt
 * context: it waits for adds under way, and one it interrupted on this CPU
 * could never finish.
 *
 * Return: 0, -EINVAL, -ERANGE (nothing applied) or -ENODEV.
 */
int printeng_meters_set(struct printeng_device *pe, u64 mask,
			const u64 value[__PRINTENG_METER_COUNT])
{
	u64 sum[__PRINTENG_METER_COUNT], cur[__PRINTENG_METER_COUNT];
	unsigned long flags;
	unsigned int i;
	int ret;

	if (!mask || (mask & ~pe->meter_mask) || WARN_ON_ONCE(in_interrupt()))
		return -EINVAL;

	printeng_gather(pe);
	spin_lock_irqsave(&pe->lock, flags);
	if (unlikely(!pe->registered)) {
		spin_unlock_irqrestore(&pe->lock, flags);
		return -ENODEV;
	}
	printeng_fold(pe, sum);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		cur[i] = pe->base.meters[i] + sum[i];
	ret = printeng_check_set(cur, mask, value);
	if (!ret) {
		for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
			if (!(mask & BIT_ULL(i)))
				continue;
			pe->base.meters[i] = value[i] - sum[i];
			WRITE_ONCE(pe->fast.pcpu_cap[i], printeng_cap(value[i]));
		}
		WRITE_ONCE(pe->base.changes, pe->base.changes + 1);
	}
	spin_unlock_irqrestore(&pe->lock, flags);

	if (ret)
		printeng_refuse(pe, ret);
	else
		__printeng_kick_meters(pe);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(printeng_meters_set, PRINTENG_NS);

static bool printeng_level_valid(s32 level, s32 max_capacity)
{
	if (level < PRINTENG_LEVEL_SOME_REMAINING)
		return false;
	return level < 0 || max_capacity < 0 || level <= max_capacity;
}

/* A supply changed (lock held): count it and let notify_work look. */
static void printeng_supply_changed(struct printeng_device *pe,
				    unsigned int index)
{
	WRITE_ONCE(pe->base.changes, pe->base.changes + 1);
	__set_bit(index, &pe->supply_dirty);
	queue_work(system_wq, &pe->notify_work);
}

/* Set a supply (counting a replacement if @replaced).  Any context. */
static int printeng_supply_update(struct printeng_device *pe,
				  unsigned int index, s32 level, u32 state,
				  bool replaced)
{
	struct printeng_supply *s;
	unsigned long flags;
	int ret = 0;

	if (index >= pe->num_supplies || state >= __PRINTENG_STATE_COUNT)
		return -EINVAL;

	spin_lock_irqsave(&pe->lock, flags);
	s = &pe->base.supplies[index];
	if (unlikely(!pe->registered)) {
		ret = -ENODEV;
	} else if (!printeng_level_valid(level, s->max_capacity)) {
		ret = -EINVAL;
	} else if (replaced || s->level != level || s->state != state) {
		s->level = level;
		s->state = state;
		s->replaced += replaced;
		printeng_supply_changed(pe, index);
	}
	spin_unlock_irqrestore(&pe->lock, flags);
	return ret;
}

/**
 * printeng_supply_set() - report a supply's level and state
 * @pe: the device
 * @index: index in the supplies table
 * @level: new level, or a PRINTENG_LEVEL_* value
 * @state: enum printeng_supply_state
 *
 * Any context.  A change of state sends an event and a uevent (from
 * process context, shortly after).  Return: 0, -EINVAL or -ENODEV.
 */
int printeng_supply_set(struct printeng_device *pe, unsigned int index,
			s32 level, u32 state)
{
	return printeng_supply_update(pe, index, level, state, false);
}
EXPORT_SYMBOL_NS_GPL(printeng_supply_set, PRINTENG_NS);

/**
 * printeng_supply_replaced() - a supply was replaced by a new one
 * @pe: the device
 * @index: index in the supplies table
 * @level: level of the new supply
 *
 * Counts the replacement, sets the state to ok and sends an event.  Any
 * context.  Return: 0, -EINVAL or -ENODEV.
 */
int printeng_supply_replaced(struct printeng_device *pe, unsigned int index,
			     s32 level)
{
	return printeng_supply_update(pe, index, level, PRINTENG_STATE_OK,
				      true);
}
EXPORT_SYMBOL_NS_GPL(printeng_supply_replaced, PRINTENG_NS);

int printeng_id(const struct printeng_device *pe)
{
	return pe->id;
}
EXPORT_SYMBOL_NS_GPL(printeng_id, PRINTENG_NS);

static void printeng_supply_uevent(struct printeng_device *pe,
				   const struct printeng_supply_change *chg)
{
	char index[32], type[48], colorant[48], state[40], old[48], level[40],
	     replaced[40];
	char *envp[8];

	snprintf(index, sizeof(index), "PRINTENG_SUPPLY=supply%u", chg->index);
	snprintf(type, sizeof(type), "PRINTENG_SUPPLY_TYPE=%s",
		 printeng_supply_type_name(chg->now.type));
	snprintf(colorant, sizeof(colorant), "PRINTENG_SUPPLY_COLORANT=%s",
		 chg->now.colorant);
	snprintf(state, sizeof(state), "PRINTENG_SUPPLY_STATE=%s",
		 printeng_supply_state_name(chg->now.state));
	snprintf(old, sizeof(old), "PRINTENG_SUPPLY_OLD_STATE=%s",
		 printeng_supply_state_name(chg->old_state));
	snprintf(level, sizeof(level), "PRINTENG_SUPPLY_LEVEL=%d",
		 chg->now.level);
	snprintf(replaced, sizeof(replaced), "PRINTENG_SUPPLY_REPLACED=%u",
		 chg->now.replaced);
	envp[0] = index;
	envp[1] = type;
	envp[2] = colorant;
	envp[3] = state;
	envp[4] = old;
	envp[5] = level;
	envp[6] = replaced;
	envp[7] = NULL;
	kobject_uevent_env(&pe->dev.kobj, KOBJ_CHANGE, envp);
}

/* Find the next supply whose event is due and claim it.  Process context. */
static bool printeng_next_supply_change(struct printeng_device *pe,
					unsigned long *dirty,
					struct printeng_supply_change *chg,
					u64 *generation)
{
	unsigned long flags;
	unsigned int i;
	bool found = false;

	while (!found && *dirty) {
		i = __ffs(*dirty);
		__clear_bit(i, dirty);

		spin_lock_irqsave(&pe->lock, flags);
		if (printeng_supply_needs_event(pe->reported_state[i],
						pe->reported_replaced[i],
						&pe->base.supplies[i])) {
			/* The event names the generation that shows it. */
			printeng_publish(pe);
			chg->index = i;
			chg->old_state = pe->reported_state[i];
			chg->now = pe->pub.supplies[i];
			*generation = pe->pub.generation;
			pe->reported_state[i] = chg->now.state;
			pe->reported_replaced[i] = chg->now.replaced;
			found = true;
		}
		spin_unlock_irqrestore(&pe->lock, flags);
	}
	return found;
}

static void printeng_notify_work(struct work_struct *work)
{
	struct printeng_device *pe =
		container_of(work, struct printeng_device, notify_work);
	struct printeng_supply_change chg;
	unsigned long flags, dirty;
	bool meters;
	u64 gen, delay;

	meters = test_and_clear_bit(PRINTENG_FAST_KICKED, &pe->fast.state);
	/*
	 * An add tests PRINTENG_FAST_KICKED with no barrier after its change,
	 * so one that saw the bit still set may not have made its change
	 * visible yet.  It runs with preemption disabled: after a grace
	 * period, every add that saw the bit set is done and visible, and
	 * every later one saw it clear and queues this work again.
	 */
	if (meters)
		synchronize_rcu();
	spin_lock_irqsave(&pe->lock, flags);
	dirty = pe->supply_dirty;
	pe->supply_dirty = 0;
	spin_unlock_irqrestore(&pe->lock, flags);

	wake_up_interruptible_all(&pe->wait);

	while (printeng_next_supply_change(pe, &dirty, &chg, &gen)) {
		printeng_supply_uevent(pe, &chg);
		printeng_genl_supply_event(pe, &chg, gen);
	}

	if (meters) {
		delay = printeng_meters_event_delay(ktime_get_ns(),
						    READ_ONCE(pe->meters_sent_ns),
						    (u64)READ_ONCE(meter_event_ms) *
						    NSEC_PER_MSEC);
		/*
		 * No-op when already pending: that event will carry this.
		 * Rounded up, so events are never closer than the interval.
		 */
		delay = DIV_ROUND_UP_ULL(delay, NSEC_PER_USEC);
		queue_delayed_work(system_wq, &pe->meters_work,
				   usecs_to_jiffies(delay));
	}
}

static void printeng_meters_work(struct work_struct *work)
{
	struct printeng_device *pe =
		container_of(to_delayed_work(work), struct printeng_device,
			     meters_work);

	printeng_genl_meters_event(pe);
	WRITE_ONCE(pe->meters_sent_ns, ktime_get_ns());
}

/* Take a reference on the device with id @id, or NULL. */
struct printeng_device *printeng_get_by_id(int id)
{
	struct printeng_device *pe;

	mutex_lock(&printeng_devices_lock);
	pe = xa_load(&printeng_devices, id);
	if (pe)
		get_device(&pe->dev);
	mutex_unlock(&printeng_devices_lock);
	return pe;
}

/* Take a reference on the first device with id >= *@id and set *@id. */
struct printeng_device *printeng_get_next(int *id)
{
	unsigned long index = *id;
	struct printeng_device *pe;

	mutex_lock(&printeng_devices_lock);
	pe = xa_find(&printeng_devices, &index, PRINTENG_MAX_DEVICES - 1,
		     XA_PRESENT);
	if (pe) {
		get_device(&pe->dev);
		*id = index;
	}
	mutex_unlock(&printeng_devices_lock);
	return pe;
}

static void printeng_release(struct device *dev)
{
	struct printeng_device *pe = to_printeng_device(dev);

	printeng_sysfs_supplies_free(pe);
	free_percpu(pe->seen);
	free_percpu(pe->fast.pcpu);
	ida_free(&printeng_ida, pe->id);
	kfree(pe);
}

/* PRINTENG_DEVNODE_CONST: "const" from 6.2 on, set by Kbuild. */
static char *printeng_devnode(PRINTENG_DEVNODE_CONST struct device *dev,
			      umode_t *mode)
{
	/* Meters and supplies are readable by everyone, as in sysfs. */
	if (mode)
		*mode = 0444;
	return NULL;
}

static struct class printeng_class = {
	.name = "printeng",
	.dev_groups = printeng_class_groups,
	.devnode = printeng_devnode,
};

static int printeng_desc_valid(const struct printeng_desc *desc)
{
	const struct printeng_supply_desc *s;
	unsigned int i;

	if (!desc || !desc->serial || !desc->serial[0])
		return -EINVAL;
	if (desc->meter_mask & ~PRINTENG_METER_VALID_MASK)
		return -EINVAL;
	if (desc->num_supplies > PRINTENG_SUPPLIES_MAX ||
	    (desc->num_supplies && !desc->supplies))
		return -EINVAL;
	for (i = 0; i < desc->num_supplies; i++) {
		s = &desc->supplies[i];
		if (s->state >= __PRINTENG_STATE_COUNT ||
		    s->max_capacity < PRINTENG_LEVEL_SOME_REMAINING ||
		    !printeng_level_valid(s->level, s->max_capacity))
			return -EINVAL;
	}
	return 0;
}

static void printeng_init_values(struct printeng_device *pe,
				 const struct printeng_desc *desc)
{
	const struct printeng_supply_desc *sd;
	struct printeng_supply *s;
	unsigned int i;

	pe->meter_mask = desc->meter_mask;
	pe->num_supplies = desc->num_supplies;
	strscpy(pe->serial, desc->serial, sizeof(pe->serial));
	strscpy(pe->model, desc->model ?: "", sizeof(pe->model));
	strscpy(pe->engine_fw, desc->engine_fw ?: "", sizeof(pe->engine_fw));
	strscpy(pe->controller_fw, desc->controller_fw ?: "",
		sizeof(pe->controller_fw));

	for (i = 0; desc->initial && i < __PRINTENG_METER_COUNT; i++)
		if (pe->meter_mask & BIT_ULL(i))
			pe->base.meters[i] = desc->initial[i];
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		pe->fast.pcpu_cap[i] = printeng_cap(pe->base.meters[i]);

	for (i = 0; i < pe->num_supplies; i++) {
		sd = &desc->supplies[i];
		s = &pe->base.supplies[i];
		s->type = sd->type;
		s->unit = sd->unit;
		s->level = sd->level;
		s->max_capacity = sd->max_capacity;
		s->state = sd->state;
		strscpy(s->colorant, sd->colorant ?: "", sizeof(s->colorant));
		strscpy(s->description, sd->description ?: "",
			sizeof(s->description));
		pe->reported_state[i] = sd->state;
	}
	pe->pub = pe->base;
	pe->pub.generation = 1;
}

/**
 * printeng_register() - register a print engine
 * @parent: the engine's device, or NULL
 * @desc: identity, meters, supplies and starting values (copied)
 *
 * Creates /sys/class/printeng/printeng<N> and /dev/printeng<N>.  Process
 * context.  Return: the device, or an ERR_PTR().
 */
struct printeng_device *printeng_register(struct device *parent,
					  const struct printeng_desc *desc)
{
	struct printeng_device *pe;
	int ret;

	ret = printeng_desc_valid(desc);
	if (ret)
		return ERR_PTR(ret);

	pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe)
		return ERR_PTR(-ENOMEM);
	pe->fast.pcpu = alloc_percpu(struct printeng_pcpu);
	pe->seen = alloc_percpu(struct printeng_pcpu);
	if (!pe->fast.pcpu || !pe->seen) {
		free_percpu(pe->seen);
		free_percpu(pe->fast.pcpu);
		kfree(pe);
		return ERR_PTR(-ENOMEM);
	}

	ret = ida_alloc_max(&printeng_ida, PRINTENG_MAX_DEVICES - 1,
			    GFP_KERNEL);
	if (ret < 0) {
		free_percpu(pe->seen);
		free_percpu(pe->fast.pcpu);
		kfree(pe);
		return ERR_PTR(ret);
	}
	pe->id = ret;

	spin_lock_init(&pe->lock);
	init_waitqueue_head(&pe->wait);
	INIT_WORK(&pe->notify_work, printeng_notify_work);
	INIT_DELAYED_WORK(&pe->meters_work, printeng_meters_work);
	printeng_init_values(pe, desc);

	/* From here on, put_device() frees everything through release. */
	device_initialize(&pe->dev);
	pe->dev.class = &printeng_class;
	pe->dev.parent = parent;
	pe->dev.release = printeng_release;
	pe->dev.devt = printeng_chrdev_devt(pe->id);

	ret = printeng_sysfs_supplies_init(pe);
	if (ret)
		goto err_put;
	ret = dev_set_name(&pe->dev, "printeng%d", pe->id);
	if (ret)
		goto err_put;

	printeng_chrdev_setup(pe);
	pe->registered = true;
	pe->fast.state = pe->meter_mask;

	mutex_lock(&printeng_devices_lock);
	ret = xa_insert(&printeng_devices, pe->id, pe, GFP_KERNEL);
	mutex_unlock(&printeng_devices_lock);
	if (ret)
		goto err_put;

	ret = cdev_device_add(&pe->cdev, &pe->dev);
	if (ret)
		goto err_erase;

	return pe;

err_erase:
	mutex_lock(&printeng_devices_lock);
	xa_erase(&printeng_devices, pe->id);
	mutex_unlock(&printeng_devices_lock);
err_put:
	put_device(&pe->dev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(printeng_register, PRINTENG_NS);

/**
 * printeng_unregister() - remove a print engine
 * @pe: the device, from printeng_register()
 *
 * After this returns, the engine driver must not call the update API with
 * @pe.  Open files keep the memory alive; their reads, polls and ioctls
 * fail with -ENODEV.  Process context.
 */
void printeng_unregister(struct printeng_device *pe)
{
	unsigned long flags;
	unsigned int i;

	if (IS_ERR_OR_NULL(pe))
		return;

	mutex_lock(&printeng_devices_lock);
	xa_erase(&printeng_devices, pe->id);
	mutex_unlock(&printeng_devices_lock);

	spin_lock_irqsave(&pe->lock, flags);
	WRITE_ONCE(pe->registered, false);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		clear_bit(i, &pe->fast.state);
	spin_unlock_irqrestore(&pe->lock, flags);
	/* Wait for the lock-free updates that saw it registered. */
	synchronize_rcu();

	/* Nothing queues the works any more. */
	cancel_work_sync(&pe->notify_work);
	cancel_delayed_work_sync(&pe->meters_work);
	wake_up_interruptible_all(&pe->wait);

	printeng_genl_removed_event(pe);
	cdev_device_del(&pe->cdev, &pe->dev);
	put_device(&pe->dev);
}
EXPORT_SYMBOL_NS_GPL(printeng_unregister, PRINTENG_NS);

static void devm_printeng_release(void *pe)
{
	printeng_unregister(pe);
}

/**
 * devm_printeng_register() - managed printeng_register()
 * @parent: the engine's device, bound to a driver
 * @desc: as for printeng_register()
 *
 * Unregistered automatically when @parent's driver is unbound.
 */
struct printeng_device *devm_printeng_register(struct device *parent,
					       const struct printeng_desc *desc)
{
	struct printeng_device *pe;
	int ret;

	pe = printeng_register(parent, desc);
	if (IS_ERR(pe))
		return pe;
	ret = devm_add_action_or_reset(parent, devm_printeng_release, pe);
	if (ret)
		return ERR_PTR(ret);
	return pe;
}
EXPORT_SYMBOL_NS_GPL(devm_printeng_register, PRINTENG_NS);

static int __init printeng_init(void)
{
	int ret;

	ret = printeng_chrdev_init();
	if (ret)
		return ret;
	ret = class_register(&printeng_class);
	if (ret)
		goto err_chrdev;
	ret = printeng_genl_init();
	if (ret)
		goto err_class;
	return 0;

err_class:
	class_unregister(&printeng_class);
err_chrdev:
	printeng_chrdev_exit();
	return ret;
}
module_init(printeng_init);

static void __exit printeng_exit(void)
{
	printeng_genl_exit();
	class_unregister(&printeng_class);
	printeng_chrdev_exit();
	ida_destroy(&printeng_ida);
}
module_exit(printeng_exit);

MODULE_DESCRIPTION("Print-engine billing meters and supplies class");
MODULE_AUTHOR("esol developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PRINTENG_VERSION);
