/* SPDX-License-Identifier: GPL-2.0-only */
/* SPDX-FileCopyrightText: 2026 The esol authors */
/*
 * printeng: private definitions shared by the core, sysfs, chrdev and
 * generic netlink parts of the module.
 */
#ifndef _PRINTENG_INTERNAL_H
#define _PRINTENG_INTERNAL_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/printeng.h>

#define PRINTENG_MAX_DEVICES	256

/**
 * struct printeng_values - everything a snapshot holds that can change
 * @generation: grows on every published change
 * @changes: updates counted into this copy (see printeng_changes())
 * @meters: meter values by id
 * @supplies: the supplies table (strings are set once at registration)
 */
struct printeng_values {
	u64 generation;
	u64 changes;
	u64 meters[PRINTENG_METERS_MAX];
	struct printeng_supply supplies[PRINTENG_SUPPLIES_MAX];
};

/**
 * struct printeng_device - one registered print engine
 * @fast: what the inline printeng_meter_add() uses; first member
 * @dev: the class device; its release frees this structure
 * @cdev: the character device /dev/printeng<N>
 * @id: N of printeng<N>, from printeng_ida
 * @serial: device id, constant after registration
 * @model: model name, constant after registration
 * @engine_fw: engine firmware version, constant after registration
 * @controller_fw: controller firmware version, constant after registration
 * @meter_mask: meters present, constant after registration
 * @num_supplies: entries in the supplies table, constant after registration
 * @registered: false once printeng_unregister() started, as are the meter
 *		bits of @fast.state; the update API and file operations
 *		then fail with -ENODEV.  The update API reads them with
 *		preemption disabled, so synchronize_rcu() in unregister waits
 *		for every update that saw the device registered.
 * @seen: readers' latest consistent copy of each CPU's @fast.pcpu, under
 *	  @lock; a copy replaces the one here only if it counts more
 *	  updates, so what readers publish never goes back even when they
 *	  race
 * @lock: protects @seen, @fast.pcpu_cap (written under it, read
 *	  locklessly), @base, @pub, @refused, @supply_dirty,
 *	  @reported_state and @reported_replaced.  Taken with interrupts
 *	  disabled (supplies may be set from hard IRQ), and never held while
 *	  waiting for an update under way on another CPU: an interrupt that
 *	  needs it may be what that update waits for.
 * @base: meter values not in @pcpu (starting values, absolute sets), the
 *	  supplies, and @base.changes, the number of updates made here
 * @pub: the last published values: a reader that finds no new update
 *	 gets exactly these, with the same generation
 * @refused: number of updates refused because a meter would go backwards
 *	     or wrap
 * @supply_dirty: bitmap of supplies whose state or replacement count may
 *		  differ from what was last reported
 * @reported_state: per supply, the state last sent in an event
 * @reported_replaced: per supply, the replacement count last sent
 * @wait: readers and pollers of the chrdev wait here for a change
 * @notify_work: wakes readers, sends supply events and uevents, and
 *		 schedules @meters_work; runs in process context
 * @meters_work: sends the coalesced meters event, at most once per
 *		 meter_event_ms
 * @meters_sent_ns: monotonic time of the last meters event; written by
 *		    @meters_work, read by @notify_work (READ/WRITE_ONCE)
 * @supply_groups: per-device sysfs groups, one directory per supply
 * @supply_attrs: backing store of @supply_groups
 */
struct printeng_device {
	struct printeng_fast fast;
	struct device dev;
	struct cdev cdev;
	int id;

	char serial[PRINTENG_SERIAL_LEN];
	char model[PRINTENG_MODEL_LEN];
	char engine_fw[PRINTENG_FIRMWARE_LEN];
	char controller_fw[PRINTENG_FIRMWARE_LEN];
	u64 meter_mask;
	unsigned int num_supplies;

	bool registered;
	struct printeng_pcpu __percpu *seen;

	/* see @lock above; irqsave */
	spinlock_t lock;
	struct printeng_values base;
	struct printeng_values pub;
	u64 refused;
	unsigned long supply_dirty;
	u32 reported_state[PRINTENG_SUPPLIES_MAX];
	u32 reported_replaced[PRINTENG_SUPPLIES_MAX];

	wait_queue_head_t wait;
	struct work_struct notify_work;
	struct delayed_work meters_work;
	u64 meters_sent_ns;

	const struct attribute_group **supply_groups;
	void *supply_attrs;
};

#define to_printeng_device(d) container_of(d, struct printeng_device, dev)

/* One supply's change, as reported in events. */
struct printeng_supply_change {
	unsigned int index;
	u32 old_state;
	struct printeng_supply now;
};

/* core */
extern const char *const printeng_meter_names[__PRINTENG_METER_COUNT];
const char *printeng_supply_type_name(u32 type);
const char *printeng_supply_unit_name(u32 unit);
const char *printeng_supply_state_name(u32 state);
void printeng_read_values(struct printeng_device *pe,
			  struct printeng_values *out);
u64 printeng_changes(struct printeng_device *pe);
void printeng_fill_snapshot(const struct printeng_device *pe,
			    const struct printeng_values *v,
			    struct printeng_snapshot *snap);
void printeng_fill_info(const struct printeng_device *pe,
			struct printeng_info *info);
int printeng_check_set(const u64 *cur, u64 mask, const u64 *value);
bool printeng_supply_needs_event(u32 reported_state, u32 reported_replaced,
				 const struct printeng_supply *now);
u64 printeng_meters_event_delay(u64 now_ns, u64 sent_ns, u64 interval_ns);
struct printeng_device *printeng_get_by_id(int id);
struct printeng_device *printeng_get_next(int *id);

/* sysfs */
extern const struct attribute_group *printeng_class_groups[];
int printeng_sysfs_supplies_init(struct printeng_device *pe);
void printeng_sysfs_supplies_free(struct printeng_device *pe);

/* chrdev */
int printeng_chrdev_init(void);
void printeng_chrdev_exit(void);
void printeng_chrdev_setup(struct printeng_device *pe);
dev_t printeng_chrdev_devt(int id);

/* generic netlink */
int printeng_genl_init(void);
void printeng_genl_exit(void);
void printeng_genl_supply_event(struct printeng_device *pe,
				const struct printeng_supply_change *chg,
				u64 generation);
void printeng_genl_meters_event(struct printeng_device *pe);
void printeng_genl_removed_event(struct printeng_device *pe);

#endif /* _PRINTENG_INTERNAL_H */
