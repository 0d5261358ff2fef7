// SPDX-License-Identifier: GPL-2.0
/*
 * printeng core: device lifetime and ids, the in-kernel update API, and
 * the deferred notifications (reader wake-ups, supply events, uevents,
 * coalesced meter events).
 *
 * Values live in struct printeng_values, written under pe->lock inside the
 * seqcount pe->seq, so a reader copies all meters and supplies at one
 * generation without taking the lock.  The update API never sleeps and
 * never allocates; it only queues pe->notify_work, which does everything
 * that may sleep.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/xarray.h>

#include "printeng-internal.h"

#define PRINTENG_METER_VALID_MASK	GENMASK_ULL(__PRINTENG_METER_COUNT - 1, 0)
/* Lockless snapshot attempts before a reader takes pe->lock instead. */
#define PRINTENG_READ_TRIES		4

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

/**
 * printeng_check_add() - may @delta be added to @cur?
 * @cur: current values by meter id
 * @mask: meters present
 * @delta: amounts to add by meter id
 *
 * Return: 0, -EINVAL when @delta touches a meter not in @mask, or
 * -EOVERFLOW when a meter would wrap (and so go backwards).
 */
int printeng_check_add(const u64 *cur, u64 mask, const u64 *delta)
{
	unsigned int i;

	for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
		if (!delta[i])
			continue;
		if (!(mask & BIT_ULL(i)))
			return -EINVAL;
		if (cur[i] + delta[i] < cur[i])
			return -EOVERFLOW;
	}
	return 0;
}
EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(printeng_check_add);

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

/**
 * printeng_read_values() - copy all values at one generation
 * @pe: the device
 * @out: where to copy
 *
 * Lockless while writers leave it alone; takes the lock after a few
 * collisions so a reader cannot be starved by a stream of updates.
 */
void printeng_read_values(struct printeng_device *pe,
			  struct printeng_values *out)
{
	unsigned long flags;
	unsigned int seq;
	int tries;

	for (tries = 0; tries < PRINTENG_READ_TRIES; tries++) {
		seq = read_seqcount_begin(&pe->seq);
		memcpy(out, &pe->val, sizeof(*out));
		if (!read_seqcount_retry(&pe->seq, seq))
			return;
	}
	spin_lock_irqsave(&pe->lock, flags);
	memcpy(out, &pe->val, sizeof(*out));
	spin_unlock_irqrestore(&pe->lock, flags);
}
EXPORT_SYMBOL_FOR_PRINTENG_KUNIT(printeng_read_values);

u64 printeng_read_generation(struct printeng_device *pe)
{
	unsigned int seq;
	u64 gen;

	do {
		seq = read_seqcount_begin(&pe->seq);
		gen = pe->val.generation;
	} while (read_seqcount_retry(&pe->seq, seq));
	return gen;
}

/* Called with pe->lock held: make sure notify_work will run. */
static void printeng_kick(struct printeng_device *pe)
{
	if (!pe->notify_queued) {
		pe->notify_queued = true;
		queue_work(system_wq, &pe->notify_work);
	}
}

/* Called with pe->lock held, after an update was refused. */
static bool printeng_refuse(struct printeng_device *pe)
{
	return pe->refused++ == 0;
}

static void printeng_report_refusal(struct printeng_device *pe, bool first,
				    int err)
{
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
 * All meters change together (one generation), so readers never see a
 * page counted in one meter but not yet in another.  Any context.
 *
 * Return: 0, -EINVAL, -EOVERFLOW (nothing applied) or -ENODEV.
 */
int printeng_meters_add(struct printeng_device *pe,
			const u64 delta[__PRINTENG_METER_COUNT])
{
	unsigned long flags;
	bool first = false;
	unsigned int i;
	int ret;

	spin_lock_irqsave(&pe->lock, flags);
	if (unlikely(!pe->registered)) {
		ret = -ENODEV;
		goto out;
	}
	ret = printeng_check_add(pe->val.meters, pe->meter_mask, delta);
	if (unlikely(ret)) {
		if (ret == -EOVERFLOW)
			first = printeng_refuse(pe);
		goto out;
	}
	write_seqcount_begin(&pe->seq);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		pe->val.meters[i] += delta[i];
	pe->val.generation++;
	write_seqcount_end(&pe->seq);
	pe->meters_dirty = true;
	printeng_kick(pe);
out:
	spin_unlock_irqrestore(&pe->lock, flags);
	printeng_report_refusal(pe, first, ret);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(printeng_meters_add, PRINTENG_NS);

/**
 * printeng_meter_add() - add to one meter (the hot path)
 * @pe: the device
 * @id: enum printeng_meter_id
 * @delta: amount to add
 *
 * Any context.  Return: 0, -EINVAL, -EOVERFLOW (not applied) or -ENODEV.
 */
int printeng_meter_add(struct printeng_device *pe, unsigned int id, u64 delta)
{
	unsigned long flags;
	bool first = false;
	int ret = 0;

	if (unlikely(id >= __PRINTENG_METER_COUNT ||
		     !(pe->meter_mask & BIT_ULL(id))))
		return -EINVAL;

	spin_lock_irqsave(&pe->lock, flags);
	if (unlikely(!pe->registered)) {
		ret = -ENODEV;
	} else if (unlikely(pe->val.meters[id] + delta < pe->val.meters[id])) {
		ret = -EOVERFLOW;
		first = printeng_refuse(pe);
	} else {
		write_seqcount_begin(&pe->seq);
		pe->val.meters[id] += delta;
		pe->val.generation++;
		write_seqcount_end(&pe->seq);
		pe->meters_dirty = true;
		printeng_kick(pe);
	}
	spin_unlock_irqrestore(&pe->lock, flags);
	if (unlikely(first))
		printeng_report_refusal(pe, first, ret);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(printeng_meter_add, PRINTENG_NS);

/**
 * printeng_meters_set() - set meters to absolute values
 * @pe: the device
 * @mask: BIT(id) of each meter to set; each must be present
 * @value: new values by id
 *
 * For engines that report absolute counts.  A value lower than the
 * current one refuses the whole update.  Any context.
 *
 * Return: 0, -EINVAL, -ERANGE (nothing applied) or -ENODEV.
 */
int printeng_meters_set(struct printeng_device *pe, u64 mask,
			const u64 value[__PRINTENG_METER_COUNT])
{
	unsigned long flags;
	bool first = false;
	unsigned int i;
	int ret;

	if (!mask || (mask & ~pe->meter_mask))
		return -EINVAL;

	spin_lock_irqsave(&pe->lock, flags);
	if (unlikely(!pe->registered)) {
		ret = -ENODEV;
		goto out;
	}
	ret = printeng_check_set(pe->val.meters, mask, value);
	if (ret) {
		first = printeng_refuse(pe);
		goto out;
	}
	write_seqcount_begin(&pe->seq);
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		if (mask & BIT_ULL(i))
			pe->val.meters[i] = value[i];
	pe->val.generation++;
	write_seqcount_end(&pe->seq);
	pe->meters_dirty = true;
	printeng_kick(pe);
out:
	spin_unlock_irqrestore(&pe->lock, flags);
	printeng_report_refusal(pe, first, ret);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(printeng_meters_set, PRINTENG_NS);

static bool printeng_level_valid(s32 level, s32 max_capacity)
{
	if (level < PRINTENG_LEVEL_SOME_REMAINING)
		return false;
	return level < 0 || max_capacity < 0 || level <= max_capacity;
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
	struct printeng_supply *s;
	unsigned long flags;
	int ret = 0;

	if (index >= pe->num_supplies || state >= __PRINTENG_STATE_COUNT)
		return -EINVAL;

	spin_lock_irqsave(&pe->lock, flags);
	s = &pe->val.supplies[index];
	if (unlikely(!pe->registered)) {
		ret = -ENODEV;
	} else if (!printeng_level_valid(level, s->max_capacity)) {
		ret = -EINVAL;
	} else if (s->level != level || s->state != state) {
		write_seqcount_begin(&pe->seq);
		s->level = level;
		s->state = state;
		pe->val.generation++;
		write_seqcount_end(&pe->seq);
		__set_bit(index, &pe->supply_dirty);
		printeng_kick(pe);
	}
	spin_unlock_irqrestore(&pe->lock, flags);
	return ret;
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
	struct printeng_supply *s;
	unsigned long flags;
	int ret = 0;

	if (index >= pe->num_supplies)
		return -EINVAL;

	spin_lock_irqsave(&pe->lock, flags);
	s = &pe->val.supplies[index];
	if (unlikely(!pe->registered)) {
		ret = -ENODEV;
	} else if (!printeng_level_valid(level, s->max_capacity)) {
		ret = -EINVAL;
	} else {
		write_seqcount_begin(&pe->seq);
		s->level = level;
		s->state = PRINTENG_STATE_OK;
		s->replaced++;
		pe->val.generation++;
		write_seqcount_end(&pe->seq);
		__set_bit(index, &pe->supply_dirty);
		printeng_kick(pe);
	}
	spin_unlock_irqrestore(&pe->lock, flags);
	return ret;
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
						&pe->val.supplies[i])) {
			chg->index = i;
			chg->old_state = pe->reported_state[i];
			chg->now = pe->val.supplies[i];
			*generation = pe->val.generation;
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

	spin_lock_irqsave(&pe->lock, flags);
	pe->notify_queued = false;
	meters = pe->meters_dirty;
	pe->meters_dirty = false;
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
		/* No-op when already pending: that event will carry this. */
		queue_delayed_work(system_wq, &pe->meters_work,
				   nsecs_to_jiffies(delay));
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

	pe->val.generation = 1;
	for (i = 0; desc->initial && i < __PRINTENG_METER_COUNT; i++)
		if (pe->meter_mask & BIT_ULL(i))
			pe->val.meters[i] = desc->initial[i];

	for (i = 0; i < pe->num_supplies; i++) {
		sd = &desc->supplies[i];
		s = &pe->val.supplies[i];
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

	ret = ida_alloc_max(&printeng_ida, PRINTENG_MAX_DEVICES - 1,
			    GFP_KERNEL);
	if (ret < 0) {
		kfree(pe);
		return ERR_PTR(ret);
	}
	pe->id = ret;

	spin_lock_init(&pe->lock);
	seqcount_spinlock_init(&pe->seq, &pe->lock);
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

	if (IS_ERR_OR_NULL(pe))
		return;

	mutex_lock(&printeng_devices_lock);
	xa_erase(&printeng_devices, pe->id);
	mutex_unlock(&printeng_devices_lock);

	spin_lock_irqsave(&pe->lock, flags);
	pe->registered = false;
	spin_unlock_irqrestore(&pe->lock, flags);

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
