// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * printeng_bench: the cost of a meter add relative to a bare atomic64_add.
 *
 * Loaded in the test VM; runs at init and prints its figures, then stays
 * loaded doing nothing until rmmod.  The target figure, the ratio of
 * printeng_meter_add() to atomic64_add(), is taken in many short rounds,
 * the two loops back to back in each round (their order alternating), and
 * reported as the median of the per-round ratios with its spread (10th and
 * 90th percentile, min, max): a busy host slows both loops of a round
 * alike, and a few disturbed rounds cannot move the median.  The other
 * figures are the best round of each.  Each loop is a function of its own
 * (noinline), so that none pays for another's register pressure.  The
 * adds' return values are checked: a refused add fails the module load.
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
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>

static unsigned int iterations = 20000;
module_param(iterations, uint, 0444);
MODULE_PARM_DESC(iterations, "Operations per loop in a round (default 20000)");

static unsigned int rounds = 301;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "Rounds (default 301)");

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

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* "A.BC" from a ratio in 1/1000. */
static void permille_str(char *buf, size_t len, u32 pm)
{
	snprintf(buf, len, "%u.%02u", pm / 1000, (pm % 1000) / 10);
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
	char med[16], p10[16], p90[16], lo[16], hi[16];
	struct printeng_device *pe;
	unsigned int r, above = 0;
	u32 *ratio;
	int err = 0;

	if (!iterations || !rounds)
		return -EINVAL;
	ratio = kcalloc(rounds, sizeof(*ratio), GFP_KERNEL);
	if (!ratio)
		return -ENOMEM;
	pe = printeng_register(NULL, &desc);
	if (IS_ERR(pe)) {
		kfree(ratio);
		return PTR_ERR(pe);
	}

	for (r = 0; r < rounds; r++) {
		u64 a, m;

		if (r & 1) {
			a = bench_atomic();
			m = bench_meter_add(pe, &err);
		} else {
			m = bench_meter_add(pe, &err);
			a = bench_atomic();
		}
		ratio[r] = (u32)min_t(u64, div64_u64(m * 1000, max_t(u64, a, 1)), U32_MAX);
		above += ratio[r] > 1500;
		atomic = min(atomic, a);
		add = min(add, m);
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
		kfree(ratio);
		return err;
	}
	sort(ratio, rounds, sizeof(*ratio), cmp_u32, NULL);
	permille_str(med, sizeof(med), ratio[rounds / 2]);
	permille_str(p10, sizeof(p10), ratio[rounds / 10]);
	permille_str(p90, sizeof(p90), ratio[rounds - 1 - rounds / 10]);
	permille_str(lo, sizeof(lo), ratio[0]);
	permille_str(hi, sizeof(hi), ratio[rounds - 1]);
	pr_info("BENCH meter_add_ratio: median %s of %u rounds of %u adds (p10 %s, p90 %s, min %s, max %s; %u rounds above 1.50): target <= 1.50: %s\n",
		med, rounds, iterations, p10, p90, lo, hi, above,
		ratio[rounds / 2] <= 1500 ? "met" : "NOT met");
	kfree(ratio);

	bench_ratio(r_add, sizeof(r_add), add, atomic);
	bench_ratio(r_var, sizeof(r_var), var, atomic);
	bench_ratio(r_page, sizeof(r_page), page, atomic);
	pr_info("BENCH meter_add: best rounds: atomic64_add %llu ps/op, printeng_meter_add %llu ps/op, ratio of the bests %s\n",
		atomic * 1000 / iterations, add * 1000 / iterations, r_add);
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
