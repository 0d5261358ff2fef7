// SPDX-License-Identifier: GPL-2.0
/*
 * printeng_bench: the cost of a meter add relative to a bare atomic64_add.
 *
 * Loaded in the test VM; runs at init and prints its figures, then stays
 * loaded doing nothing until rmmod.  Each measurement is the best of
 * several rounds, taken alternately so both see the same machine.
 */

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/printeng.h>
#include <linux/spinlock.h>

static unsigned int iterations = 1000000;
module_param(iterations, uint, 0444);
MODULE_PARM_DESC(iterations, "Operations per round (default 1000000)");

static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Rounds; the best one counts (default 7)");

static atomic64_t bench_counter;

static u64 bench_atomic(void)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iterations; i++)
		atomic64_add(1, &bench_counter);
	return ktime_get_ns() - t0;
}

/* What a lock-based update costs before it does anything. */
static u64 bench_lock_irqsave(void)
{
	static DEFINE_SPINLOCK(lock);
	unsigned long flags;
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iterations; i++) {
		spin_lock_irqsave(&lock, flags);
		spin_unlock_irqrestore(&lock, flags);
	}
	return ktime_get_ns() - t0;
}

static u64 bench_irqsave(void)
{
	unsigned long flags;
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iterations; i++) {
		local_irq_save(flags);
		local_irq_restore(flags);
	}
	return ktime_get_ns() - t0;
}

static u64 bench_meter_add(struct printeng_device *pe)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iterations; i++)
		printeng_meter_add(pe, PRINTENG_METER_IMPRESSIONS_TOTAL, 1);
	return ktime_get_ns() - t0;
}

static u64 bench_page_add(struct printeng_device *pe)
{
	u64 delta[__PRINTENG_METER_COUNT] = {
		[PRINTENG_METER_IMPRESSIONS_TOTAL] = 1,
		[PRINTENG_METER_IMPRESSIONS_MONO] = 1,
		[PRINTENG_METER_SHEETS_TOTAL] = 1,
	};
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iterations; i++)
		printeng_meters_add(pe, delta);
	return ktime_get_ns() - t0;
}

static int __init bench_init(void)
{
	struct printeng_desc desc = {
		.serial = "BENCH0001",
		.model = "bench",
		.meter_mask = GENMASK_ULL(__PRINTENG_METER_COUNT - 1, 0),
	};
	u64 best_atomic = U64_MAX, best_add = U64_MAX, best_page = U64_MAX;
	u64 best_lock = U64_MAX, best_irq = U64_MAX;
	struct printeng_device *pe;
	unsigned int r;

	if (!iterations || !rounds)
		return -EINVAL;
	pe = printeng_register(NULL, &desc);
	if (IS_ERR(pe))
		return PTR_ERR(pe);

	for (r = 0; r < rounds; r++) {
		best_atomic = min(best_atomic, bench_atomic());
		best_add = min(best_add, bench_meter_add(pe));
		best_page = min(best_page, bench_page_add(pe));
		best_lock = min(best_lock, bench_lock_irqsave());
		best_irq = min(best_irq, bench_irqsave());
		cond_resched();
	}
	printeng_unregister(pe);

	pr_info("BENCH meter_add: atomic64_add %llu ps/op, printeng_meter_add %llu ps/op, ratio %llu.%02llu (target <= 1.50)\n",
		best_atomic * 1000 / iterations, best_add * 1000 / iterations,
		best_add / best_atomic, (best_add * 100 / best_atomic) % 100);
	pr_info("BENCH page_add: printeng_meters_add (3 meters) %llu ps/op, ratio to atomic64_add %llu.%02llu\n",
		best_page * 1000 / iterations, best_page / best_atomic,
		(best_page * 100 / best_atomic) % 100);
	pr_info("BENCH parts: spin_lock_irqsave+unlock %llu ps/op, local_irq_save+restore %llu ps/op\n",
		best_lock * 1000 / iterations, best_irq * 1000 / iterations);
	return 0;
}
module_init(bench_init);

static void __exit bench_exit(void)
{
}
module_exit(bench_exit);

MODULE_DESCRIPTION("printeng meter-add benchmark");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(PRINTENG_NS);
