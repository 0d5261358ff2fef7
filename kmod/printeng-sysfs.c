// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * printeng sysfs: identity, one file per meter and one directory per
 * supply under /sys/class/printeng/printeng<N>/.  One value per file,
 * read-only for everyone.  See Documentation/ABI/testing/sysfs-class-printeng.
 */

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "printeng-internal.h"

static ssize_t serial_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", to_printeng_device(dev)->serial);
}
static DEVICE_ATTR_RO(serial);

static ssize_t model_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", to_printeng_device(dev)->model);
}
static DEVICE_ATTR_RO(model);

static ssize_t engine_fw_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_printeng_device(dev)->engine_fw);
}
static DEVICE_ATTR_RO(engine_fw);

static ssize_t controller_fw_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_printeng_device(dev)->controller_fw);
}
static DEVICE_ATTR_RO(controller_fw);

/* Read one value of the published state; -ENOMEM if out of memory. */
static int printeng_sysfs_values(struct device *dev,
				 struct printeng_values **v)
{
	*v = kmalloc(sizeof(**v), GFP_KERNEL);
	if (!*v)
		return -ENOMEM;
	printeng_read_values(to_printeng_device(dev), *v);
	return 0;
}

static ssize_t generation_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct printeng_values *v;
	ssize_t ret;

	ret = printeng_sysfs_values(dev, &v);
	if (ret)
		return ret;
	ret = sysfs_emit(buf, "%llu\n", v->generation);
	kfree(v);
	return ret;
}
static DEVICE_ATTR_RO(generation);

static ssize_t refused_updates_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct printeng_device *pe = to_printeng_device(dev);
	unsigned long flags;
	u64 refused;

	spin_lock_irqsave(&pe->lock, flags);
	refused = pe->refused;
	spin_unlock_irqrestore(&pe->lock, flags);
	return sysfs_emit(buf, "%llu\n", refused);
}
static DEVICE_ATTR_RO(refused_updates);

static struct attribute *printeng_identity_attrs[] = {
	&dev_attr_serial.attr,
	&dev_attr_model.attr,
	&dev_attr_engine_fw.attr,
	&dev_attr_controller_fw.attr,
	&dev_attr_generation.attr,
	&dev_attr_refused_updates.attr,
	NULL
};

static const struct attribute_group printeng_identity_group = {
	.attrs = printeng_identity_attrs,
};

/* Meter files: the meter id is kept in a dev_ext_attribute. */
static ssize_t printeng_meter_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	unsigned long id = (unsigned long)container_of(attr,
				struct dev_ext_attribute, attr)->var;
	struct printeng_values *v;
	ssize_t ret;

	ret = printeng_sysfs_values(dev, &v);
	if (ret)
		return ret;
	ret = sysfs_emit(buf, "%llu\n", v->meters[id]);
	kfree(v);
	return ret;
}

#define PRINTENG_METER_ATTR(_name, _id)					\
	static struct dev_ext_attribute dev_attr_##_name = {		\
		.attr = __ATTR(_name, 0444, printeng_meter_show, NULL),	\
		.var = (void *)(_id),					\
	}

PRINTENG_METER_ATTR(impressions_total, PRINTENG_METER_IMPRESSIONS_TOTAL);
PRINTENG_METER_ATTR(impressions_mono, PRINTENG_METER_IMPRESSIONS_MONO);
PRINTENG_METER_ATTR(impressions_color, PRINTENG_METER_IMPRESSIONS_COLOR);
PRINTENG_METER_ATTR(impressions_duplex, PRINTENG_METER_IMPRESSIONS_DUPLEX);
PRINTENG_METER_ATTR(impressions_large, PRINTENG_METER_IMPRESSIONS_LARGE);
PRINTENG_METER_ATTR(sheets_total, PRINTENG_METER_SHEETS_TOTAL);
PRINTENG_METER_ATTR(sheets_duplex, PRINTENG_METER_SHEETS_DUPLEX);

static struct attribute *printeng_meter_attrs[] = {
	&dev_attr_impressions_total.attr.attr,
	&dev_attr_impressions_mono.attr.attr,
	&dev_attr_impressions_color.attr.attr,
	&dev_attr_impressions_duplex.attr.attr,
	&dev_attr_impressions_large.attr.attr,
	&dev_attr_sheets_total.attr.attr,
	&dev_attr_sheets_duplex.attr.attr,
	NULL
};

static umode_t printeng_meter_visible(struct kobject *kobj,
				      struct attribute *attr, int n)
{
	struct printeng_device *pe = to_printeng_device(kobj_to_dev(kobj));
	struct dev_ext_attribute *ea = container_of(attr,
				struct dev_ext_attribute, attr.attr);

	return pe->meter_mask & BIT_ULL((unsigned long)ea->var) ?
	       attr->mode : 0;
}

static const struct attribute_group printeng_meter_group = {
	.attrs = printeng_meter_attrs,
	.is_visible = printeng_meter_visible,
};

const struct attribute_group *printeng_class_groups[] = {
	&printeng_identity_group,
	&printeng_meter_group,
	NULL
};

/* Supply directories, built per device since their number varies. */
enum printeng_supply_field {
	PRINTENG_SF_TYPE,
	PRINTENG_SF_UNIT,
	PRINTENG_SF_COLORANT,
	PRINTENG_SF_DESCRIPTION,
	PRINTENG_SF_LEVEL,
	PRINTENG_SF_MAX_CAPACITY,
	PRINTENG_SF_STATE,
	PRINTENG_SF_REPLACED,
	PRINTENG_SF_COUNT
};

static const char *const printeng_supply_field_names[PRINTENG_SF_COUNT] = {
	[PRINTENG_SF_TYPE]		= "type",
	[PRINTENG_SF_UNIT]		= "unit",
	[PRINTENG_SF_COLORANT]		= "colorant",
	[PRINTENG_SF_DESCRIPTION]	= "description",
	[PRINTENG_SF_LEVEL]		= "level",
	[PRINTENG_SF_MAX_CAPACITY]	= "max_capacity",
	[PRINTENG_SF_STATE]		= "state",
	[PRINTENG_SF_REPLACED]		= "replaced",
};

struct printeng_supply_file {
	struct device_attribute dattr;
	u16 index;
	u16 field;
};

struct printeng_supply_dir {
	char name[16];
	struct printeng_supply_file attrs[PRINTENG_SF_COUNT];
	struct attribute *ptrs[PRINTENG_SF_COUNT + 1];
	struct attribute_group group;
};

static ssize_t printeng_supply_show(struct device *dev,
				    struct device_attribute *attr, char *buf)
{
	struct printeng_supply_file *sa =
		container_of(attr, struct printeng_supply_file, dattr);
	struct printeng_values *v;
	struct printeng_supply s;
	ssize_t ret;

	ret = printeng_sysfs_values(dev, &v);
	if (ret)
		return ret;
	s = v->supplies[sa->index];
	kfree(v);

	switch (sa->field) {
	case PRINTENG_SF_TYPE:
		return sysfs_emit(buf, "%s\n", printeng_supply_type_name(s.type));
	case PRINTENG_SF_UNIT:
		return sysfs_emit(buf, "%s\n", printeng_supply_unit_name(s.unit));
	case PRINTENG_SF_COLORANT:
		return sysfs_emit(buf, "%s\n", s.colorant);
	case PRINTENG_SF_DESCRIPTION:
		return sysfs_emit(buf, "%s\n", s.description);
	case PRINTENG_SF_LEVEL:
		return sysfs_emit(buf, "%d\n", s.level);
	case PRINTENG_SF_MAX_CAPACITY:
		return sysfs_emit(buf, "%d\n", s.max_capacity);
	case PRINTENG_SF_STATE:
		return sysfs_emit(buf, "%s\n",
				  printeng_supply_state_name(s.state));
	case PRINTENG_SF_REPLACED:
		return sysfs_emit(buf, "%u\n", s.replaced);
	default:
		return -EIO;
	}
}

/**
 * printeng_sysfs_supplies_init() - build the supply<K>/ groups of @pe
 * @pe: the device, before device_add()
 *
 * Sets pe->dev.groups so the directories exist when KOBJ_ADD is sent.
 * Freed by printeng_sysfs_supplies_free() from the device release.
 */
int printeng_sysfs_supplies_init(struct printeng_device *pe)
{
	struct printeng_supply_dir *dirs;
	struct printeng_supply_file *sa;
	unsigned int i, f;

	if (!pe->num_supplies)
		return 0;

	dirs = kcalloc(pe->num_supplies, sizeof(*dirs), GFP_KERNEL);
	if (!dirs)
		return -ENOMEM;
	pe->supply_groups = kcalloc(pe->num_supplies + 1,
				    sizeof(*pe->supply_groups), GFP_KERNEL);
	if (!pe->supply_groups) {
		kfree(dirs);
		return -ENOMEM;
	}
	pe->supply_attrs = dirs;

	for (i = 0; i < pe->num_supplies; i++) {
		snprintf(dirs[i].name, sizeof(dirs[i].name), "supply%u", i);
		for (f = 0; f < PRINTENG_SF_COUNT; f++) {
			sa = &dirs[i].attrs[f];
			sysfs_attr_init(&sa->dattr.attr);
			sa->dattr.attr.name = printeng_supply_field_names[f];
			sa->dattr.attr.mode = 0444;
			sa->dattr.show = printeng_supply_show;
			sa->index = i;
			sa->field = f;
			dirs[i].ptrs[f] = &sa->dattr.attr;
		}
		dirs[i].group.name = dirs[i].name;
		dirs[i].group.attrs = dirs[i].ptrs;
		pe->supply_groups[i] = &dirs[i].group;
	}
	pe->dev.groups = pe->supply_groups;
	return 0;
}

void printeng_sysfs_supplies_free(struct printeng_device *pe)
{
	kfree(pe->supply_groups);
	kfree(pe->supply_attrs);
}
