// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * printeng chrdev: /dev/printeng<N>.
 *
 * read() returns one struct printeng_snapshot: at once after open, then
 * only when the generation changed since this file's last read (blocking,
 * or -EAGAIN with O_NONBLOCK).  poll() reports EPOLLIN in the same case.
 * PRINTENG_IOC_GET_SNAPSHOT and PRINTENG_IOC_GET_INFO never block.  After
 * the device is unregistered every operation fails with -ENODEV and
 * poll() reports EPOLLERR | EPOLLHUP.
 */

#include <linux/cdev.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "printeng-internal.h"

/* The ABI: sizes and layout must never change (fields are only appended). */
static_assert(sizeof(struct printeng_supply) == 88);
static_assert(sizeof(struct printeng_snapshot) == PRINTENG_SNAPSHOT_SIZE_VER0);
static_assert(sizeof(struct printeng_info) == PRINTENG_INFO_SIZE_VER0);
static_assert(offsetof(struct printeng_snapshot, meters) == 40);

static dev_t printeng_devt;

/**
 * struct printeng_file - one open file of /dev/printeng<N>
 * @pe: the device; the file holds a reference on pe->dev
 * @lock: serialises reads on this file and protects @last_changes, @seen
 * @last_changes: printeng_changes() count of this file's last read()
 * @seen: read() returned a snapshot at least once
 */
struct printeng_file {
	struct printeng_device *pe;
	struct mutex lock;	/* serialises reads; protects last_changes, seen */
	u64 last_changes;
	bool seen;
};

dev_t printeng_chrdev_devt(int id)
{
	return MKDEV(MAJOR(printeng_devt), id);
}

static bool printeng_gone(struct printeng_device *pe)
{
	return !READ_ONCE(pe->registered);
}

/* Called with pf->lock held, or locklessly from poll. */
static bool printeng_file_changed(struct printeng_file *pf)
{
	return !READ_ONCE(pf->seen) ||
	       printeng_changes(pf->pe) != READ_ONCE(pf->last_changes);
}

static int printeng_open(struct inode *inode, struct file *file)
{
	struct printeng_device *pe =
		container_of(inode->i_cdev, struct printeng_device, cdev);
	struct printeng_file *pf;

	get_device(&pe->dev);
	if (printeng_gone(pe)) {
		put_device(&pe->dev);
		return -ENODEV;
	}
	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf) {
		put_device(&pe->dev);
		return -ENOMEM;
	}
	pf->pe = pe;
	mutex_init(&pf->lock);
	file->private_data = pf;
	return stream_open(inode, file);
}

static int printeng_release_file(struct inode *inode, struct file *file)
{
	struct printeng_file *pf = file->private_data;

	put_device(&pf->pe->dev);
	mutex_destroy(&pf->lock);
	kfree(pf);
	return 0;
}

/* Take a snapshot into a zeroed kernel buffer; @changes: its count. */
static struct printeng_snapshot *printeng_take_snapshot(struct printeng_device *pe,
							u64 *changes)
{
	struct printeng_snapshot *snap;
	struct printeng_values *v;

	snap = kzalloc(sizeof(*snap), GFP_KERNEL);
	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!snap || !v) {
		kfree(snap);
		kfree(v);
		return NULL;
	}
	printeng_read_values(pe, v);
	printeng_fill_snapshot(pe, v, snap);
	*changes = v->changes;
	kfree(v);
	return snap;
}

static ssize_t printeng_read(struct file *file, char __user *buf,
			     size_t count, loff_t *ppos)
{
	struct printeng_file *pf = file->private_data;
	struct printeng_device *pe = pf->pe;
	struct printeng_snapshot *snap;
	u64 changes;
	ssize_t ret;

	if (count < sizeof(*snap))
		return -EINVAL;

	if (mutex_lock_interruptible(&pf->lock))
		return -ERESTARTSYS;

	while (!printeng_gone(pe) && !printeng_file_changed(pf)) {
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			goto out;
		}
		mutex_unlock(&pf->lock);
		ret = wait_event_interruptible(pe->wait,
					       printeng_gone(pe) ||
					       printeng_file_changed(pf));
		if (ret)
			return ret;
		if (mutex_lock_interruptible(&pf->lock))
			return -ERESTARTSYS;
	}
	if (printeng_gone(pe)) {
		ret = -ENODEV;
		goto out;
	}

	snap = printeng_take_snapshot(pe, &changes);
	if (!snap) {
		ret = -ENOMEM;
		goto out;
	}
	if (copy_to_user(buf, snap, sizeof(*snap))) {
		ret = -EFAULT;
	} else {
		WRITE_ONCE(pf->last_changes, changes);
		WRITE_ONCE(pf->seen, true);
		ret = sizeof(*snap);
	}
	kfree(snap);
out:
	mutex_unlock(&pf->lock);
	return ret;
}

static __poll_t printeng_poll(struct file *file, poll_table *wait)
{
	struct printeng_file *pf = file->private_data;
	struct printeng_device *pe = pf->pe;

	poll_wait(file, &pe->wait, wait);
	if (printeng_gone(pe))
		return EPOLLERR | EPOLLHUP;
	if (printeng_file_changed(pf))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

/*
 * Copy out a structure whose first __u32 is its size: the caller says how
 * big its version is; we fill at most that, and at most what we know.
 */
static int printeng_copy_sized(void __user *uarg, void *kbuf, u32 ksize,
			       u32 min_size)
{
	u32 usize;

	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	usize = min(usize, ksize);
	*(u32 *)kbuf = usize;
	if (copy_to_user(uarg, kbuf, usize))
		return -EFAULT;
	return 0;
}

/* Commands match whatever struct size the caller was built with. */
#define PRINTENG_IOC_BASE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

static long printeng_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	struct printeng_file *pf = file->private_data;
	struct printeng_device *pe = pf->pe;
	void __user *uarg = (void __user *)arg;
	struct printeng_snapshot *snap;
	struct printeng_info info;
	u64 changes;
	int ret;

	switch (PRINTENG_IOC_BASE(cmd)) {
	case PRINTENG_IOC_BASE(PRINTENG_IOC_GET_INFO):
		if (printeng_gone(pe))
			return -ENODEV;
		memset(&info, 0, sizeof(info));
		printeng_fill_info(pe, &info);
		return printeng_copy_sized(uarg, &info, sizeof(info),
					   PRINTENG_INFO_SIZE_VER0);
	case PRINTENG_IOC_BASE(PRINTENG_IOC_GET_SNAPSHOT):
		if (printeng_gone(pe))
			return -ENODEV;
		snap = printeng_take_snapshot(pe, &changes);
		if (!snap)
			return -ENOMEM;
		ret = printeng_copy_sized(uarg, snap, sizeof(*snap),
					  PRINTENG_SNAPSHOT_SIZE_VER0);
		kfree(snap);
		return ret;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations printeng_fops = {
	.owner		= THIS_MODULE,
	.open		= printeng_open,
	.release	= printeng_release_file,
	.read		= printeng_read,
	.poll		= printeng_poll,
	.unlocked_ioctl	= printeng_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= no_llseek,
};

void printeng_chrdev_setup(struct printeng_device *pe)
{
	cdev_init(&pe->cdev, &printeng_fops);
	pe->cdev.owner = THIS_MODULE;
}

int printeng_chrdev_init(void)
{
	return alloc_chrdev_region(&printeng_devt, 0, PRINTENG_MAX_DEVICES,
				   "printeng");
}

void printeng_chrdev_exit(void)
{
	unregister_chrdev_region(printeng_devt, PRINTENG_MAX_DEVICES);
}
