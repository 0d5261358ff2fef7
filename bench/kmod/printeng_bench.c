// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * printeng_bench: the cost of a meter add relative to a bare atomic64_add.
 *
 * Loaded in the test VM; runs at init and prints its figures, then stays
 * loaded doing nothing until rmmod.  Each measurement is the best of
 * several rounds, taken alternately so all see the same machine.  Each
 * loop is a function of its own (noinline), so that none pays for
 * another's register pressure.  The adds' return values are checked: a
 * refused add fails the module load.
 *
 * Besides the target figure (one printeng_meter_add() with a constant
 * meter id, as an engine driver counting a page writes it), it prints the
 * same add with the id and amount in variables, the multi-meter
 * printeng_meters_add(), and the parts any design pays: preemption off
 * and on, one this_cpu_add(), and what a lock or interrupt masking costs.
 */

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/printeng.h>
#include <linux/spinlock.h>

static unsigned int iterations = 1000000;
module_param(iterations, uint, 0444);
MODULE_PARM_DESC(iterations, "Operations per round (default 1000000)");

static unsigned int rounds = 7;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Rounds; the best one counts (default 7)");

static atomic64_t bench_counter;
static DEFINE_PER_CPU(u64, bench_pcpu);
/* Read once per add, so the compiler cannot fold them. */
static unsigned int bench_id = PRINTENG_METER_SHEETS_TOTAL;
static u64 bench_delta = 1;

static noinline u64 bench_atomic(void)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iterations; i++)
		atomic64_add(1, &bench_counter);
	return ktime_get_ns() - t0;
}

/* What a lock-based update costs before it does anything. */
static noinline u64 bench_lock_irqsave(void)
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

static noinline u64 bench_irqsave(void)
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

static noinline u64 bench_preempt(void)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iterations; i++) {
		preempt_disable();
		barrier();
		preempt_enable();
	}
	return ktime_get_ns() - t0;
}

static noinline u64 bench_this_cpu_add(void)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;

	for (i = 0; i < iterations; i++)
		this_cpu_add(bench_pcpu, 1);
	return ktime_get_ns() - t0;
}

static noinline u64 bench_meter_add(struct printeng_device *pe, int *err)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int ret = 0;

	for (i = 0; i < iterations; i++)
		ret |= printeng_meter_add(pe, PRINTENG_METER_IMPRESSIONS_TOTAL,
					  1);
	t0 = ktime_get_ns() - t0;
	*err = *err ?: ret;
	return t0;
}

static noinline u64 bench_meter_add_var(struct printeng_device *pe, int *err)
{
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int ret = 0;

	for (i = 0; i < iterations; i++)
		ret |= printeng_meter_add(pe, READ_ONCE(bench_id),
					  READ_ONCE(bench_delta));
	t0 = ktime_get_ns() - t0;
	*err = *err ?: ret;
	return t0;
}

static noinline u64 bench_page_add(struct printeng_device *pe, int *err)
{
	u64 delta[__PRINTENG_METER_COUNT] = {
		[PRINTENG_METER_IMPRESSIONS_TOTAL] = 1,
		[PRINTENG_METER_IMPRESSIONS_MONO] = 1,
		[PRINTENG_METER_SHEETS_TOTAL] = 1,
	};
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int ret = 0;

	for (i = 0; i < iterations; i++)
		ret |= printeng_meters_add(pe, delta);
	t0 = ktime_get_ns() - t0;
	*err = *err ?: ret;
	return t0;
}

/* "A.BC": @num / @den with two decimals. */
static void bench_ratio(char *buf, size_t len, u64 num, u64 den)
{
	u64 r = div64_u64(num * 100, den);

	snprintf(buf, len, "%llu.%02llu", r / 100, r % 100);
}

static int __init bench_init(void)
{
	struct printeng_desc desc = {
		.serial = "BENCH0001",
		.model = "bench",
		.meter_mask = GENMASK_ULL(__PRINTENG_METER_COUNT - 1, 0),
	};
	u64 atomic = U64_MAX, add = U64_MAX, var = U64_MAX, page = U64_MAX;
	u64 lock = U64_MAX, irq = U64_MAX, pre = U64_MAX, pcpu = U64_MAX;
	char r_add[24], r_var[24], r_page[24];
	struct printeng_device *pe;
	unsigned int r;
	int err = 0;

	if (!iterations || !rounds)
		return -EINVAL;
	pe = printeng_register(NULL, &desc);
	if (IS_ERR(pe))
		return PTR_ERR(pe);

	for (r = 0; r < rounds; r++) {
		atomic = min(atomic, bench_atomic());
		add = min(add, bench_meter_add(pe, &err));
		var = min(var, bench_meter_add_var(pe, &err));
		page = min(page, bench_page_add(pe, &err));
		pre = min(pre, bench_preempt());
		pcpu = min(pcpu, bench_this_cpu_add());
		lock = min(lock, bench_lock_irqsave());
		irq = min(irq, bench_irqsave());
		cond_resched();
	}
	printeng_unregister(pe);
	if (err) {
		pr_err("BENCH an add was refused (%d): figures not valid\n", err);
		return err;
	}

	bench_ratio(r_add, sizeof(r_add), add, atomic);
	bench_ratio(r_var, sizeof(r_var), var, atomic);
	bench_ratio(r_page, sizeof(r_page), page, atomic);
	pr_info("BENCH meter_add: atomic64_add %llu ps/op, printeng_meter_add %llu ps/op, ratio %s (target <= 1.50: %s)\n",
		atomic * 1000 / iterations, add * 1000 / iterations, r_add,
		add * 100 <= atomic * 150 ? "met" : "NOT met");
	pr_info("BENCH meter_add_var: id and amount in variables %llu ps/op, ratio to atomic64_add %s\n",
		var * 1000 / iterations, r_var);
	pr_info("BENCH page_add: printeng_meters_add (3 meters) %llu ps/op, ratio to atomic64_add %s\n",
		page * 1000 / iterations, r_page);
	pr_info("BENCH parts: preempt_disable+enable %llu ps/op, this_cpu_add %llu ps/op, spin_lock_irqsave+unlock %llu ps/op, local_irq_save+restore %llu ps/op\n",
		pre * 1000 / iterations, pcpu * 1000 / iterations,
		lock * 1000 / iterations, irq * 1000 / iterations);
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
