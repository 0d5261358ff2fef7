// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * printeng_sim: a simulated print engine, the test fixture of printeng.
 *
 * Uses only the public in-kernel API, as a real engine driver would.  Each
 * engine is a platform device bound to this driver, which registers it
 * with devm_printeng_register().  Control is root-only, through debugfs:
 *
 *   /sys/kernel/debug/printeng_sim/control   (write)
 *	add NAME [serial=S] [model=M] [engine_fw=V] [controller_fw=V]
 *		 [supplies=TYPE[:COLORANT],...] [meters=NAME,...]
 *		 [start=METER:VALUE,...] [toner_pages=N]
 *	del NAME
 *   /sys/kernel/debug/printeng_sim/NAME/
 *	print	write "SHEETS [mono|color] [simplex|duplex] [large]"
 *	supply	write "INDEX level L" | "INDEX state STATE" |
 *		      "INDEX replace [L]" | "INDEX missing"
 *	meters	write "METER=VALUE ..." (absolute; refused if any decreases)
 *	stress	write "THREADS SHEETS [IRQ_SHEETS] [meter=METER]": print
 *		concurrently from THREADS kthreads and from a hard-IRQ
 *		hrtimer; returns when done.  With meter=METER, each "sheet"
 *		is printeng_meter_add(METER, 1) instead, as an engine that
 *		counts each meter on its own would report
 *	info	read: "printeng<N>"
 *
 * Supplies drain as pages are printed: each has a capacity in impressions;
 * its level is the percentage left; low at 10% or less, empty at 0.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/printeng.h>

#define SIM_NAME_LEN		32
#define SIM_CMD_MAX		512
#define SIM_LOW_PERCENT		10
#define SIM_MAX_THREADS		16
#define SIM_IRQ_PERIOD_NS	(20 * NSEC_PER_USEC)

struct sim_supply_kind {
	const char *name;
	u32 type;
	u64 pages;		/* default capacity, in impressions */
	bool color_only;	/* consumed by colour impressions only */
};

static const struct sim_supply_kind sim_kinds[] = {
	{ "toner",		PRINTENG_SUPPLY_TONER,		2000,	true },
	{ "waste_toner",	PRINTENG_SUPPLY_WASTE_TONER,	8000,	false },
	{ "opc",		PRINTENG_SUPPLY_OPC,		20000,	false },
	{ "drum",		PRINTENG_SUPPLY_OPC,		20000,	false },
	{ "developer",		PRINTENG_SUPPLY_DEVELOPER,	50000,	false },
	{ "fuser",		PRINTENG_SUPPLY_FUSER,		100000,	false },
	{ "cleaner_unit",	PRINTENG_SUPPLY_CLEANER_UNIT,	50000,	false },
	{ "transfer_unit",	PRINTENG_SUPPLY_TRANSFER_UNIT,	100000,	false },
	{ "transfer",		PRINTENG_SUPPLY_TRANSFER_UNIT,	100000,	false },
	{ "ink",		PRINTENG_SUPPLY_INK,		1000,	true },
	{ "staples",		PRINTENG_SUPPLY_STAPLES,	5000,	false },
};

static const char *const sim_default_supplies =
	"toner:black,toner:cyan,toner:magenta,toner:yellow,drum:black,fuser,waste_toner,transfer";

static const char *const sim_meter_names[__PRINTENG_METER_COUNT] = {
	"impressions_total", "impressions_mono", "impressions_color",
	"impressions_duplex", "impressions_large", "sheets_total",
	"sheets_duplex",
};

/**
 * struct sim_supply - one simulated supply
 * @pages: capacity in impressions
 * @used: impressions consumed since the last replacement
 * @level: percent left, as last reported
 * @state: as last reported
 * @black: a black colorant (consumed by mono and colour impressions)
 * @color_only: a colour colorant's consumable (toner/ink other than black)
 */
struct sim_supply {
	u64 pages;
	u64 used;
	s32 level;
	u32 state;
	bool black;
	bool color_only;
};

/**
 * struct sim_engine - one simulated engine
 * @node: in sim_engines, under sim_lock
 * @name: debugfs directory name
 * @pdev: the platform device
 * @pe: the printeng device, set by probe
 * @dir: debugfs directory
 * @lock: protects @supplies; taken with interrupts off (stress prints
 *	  from hard IRQ)
 * @supplies: the simulated supplies
 * @desc: what probe registers (with the tables below)
 */
struct sim_engine {
	struct list_head node;
	char name[SIM_NAME_LEN];
	struct platform_device *pdev;
	struct printeng_device *pe;
	struct dentry *dir;
	/* protects supplies[]; irqsave: stress prints from hard IRQ */
	spinlock_t lock;
	struct sim_supply supplies[PRINTENG_SUPPLIES_MAX];

	struct printeng_desc desc;
	struct printeng_supply_desc sdesc[PRINTENG_SUPPLIES_MAX];
	u64 initial[__PRINTENG_METER_COUNT];
	char serial[PRINTENG_SERIAL_LEN];
	char model[PRINTENG_MODEL_LEN];
	char engine_fw[PRINTENG_FIRMWARE_LEN];
	char controller_fw[PRINTENG_FIRMWARE_LEN];
	char colorant[PRINTENG_SUPPLIES_MAX][PRINTENG_COLORANT_LEN];
	char description[PRINTENG_SUPPLIES_MAX][PRINTENG_DESCRIPTION_LEN];
};

/* sim_lock protects sim_engines and serialises add/del. */
static DEFINE_MUTEX(sim_lock);
static LIST_HEAD(sim_engines);
static struct dentry *sim_root;

static int sim_meter_id(const char *name)
{
	unsigned int i;

	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		if (!strcmp(name, sim_meter_names[i]))
			return i;
	return -EINVAL;
}

static int sim_state_id(const char *name)
{
	static const char *const states[__PRINTENG_STATE_COUNT] = {
		"ok", "low", "empty", "missing",
	};
	int i;

	for (i = 0; i < __PRINTENG_STATE_COUNT; i++)
		if (!strcmp(name, states[i]))
			return i;
	return -EINVAL;
}

static u32 sim_state_for(s32 level)
{
	if (level <= 0)
		return PRINTENG_STATE_EMPTY;
	if (level <= SIM_LOW_PERCENT)
		return PRINTENG_STATE_LOW;
	return PRINTENG_STATE_OK;
}

static s32 sim_level_for(const struct sim_supply *s)
{
	if (s->used >= s->pages)
		return 0;
	return 100 - div64_u64(s->used * 100, s->pages);
}

/* Called with eng->lock held. */
static void sim_report(struct sim_engine *eng, unsigned int i)
{
	struct sim_supply *s = &eng->supplies[i];
	s32 level = sim_level_for(s);
	u32 state;

	if (s->state == PRINTENG_STATE_MISSING)
		return;
	state = sim_state_for(level);
	if (level == s->level && state == s->state)
		return;
	s->level = level;
	s->state = state;
	printeng_supply_set(eng->pe, i, level, state);
}

/* Wear the supplies for @ips impressions.  Any context. */
static void sim_consume(struct sim_engine *eng, bool color, unsigned int ips)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&eng->lock, flags);
	for (i = 0; i < eng->desc.num_supplies; i++) {
		struct sim_supply *s = &eng->supplies[i];

		if (s->color_only && !s->black && !color)
			continue;
		s->used += ips;
		sim_report(eng, i);
	}
	spin_unlock_irqrestore(&eng->lock, flags);
}

/* Print @sheets sheets.  Any context (no rescheduling from IRQ). */
static int sim_print(struct sim_engine *eng, unsigned int sheets, bool color,
		     bool duplex, bool large)
{
	u64 delta[__PRINTENG_METER_COUNT] = {};
	unsigned int ips = duplex ? 2 : 1;
	unsigned int i;
	int ret;

	delta[PRINTENG_METER_IMPRESSIONS_TOTAL] = ips;
	delta[color ? PRINTENG_METER_IMPRESSIONS_COLOR :
		      PRINTENG_METER_IMPRESSIONS_MONO] = ips;
	delta[PRINTENG_METER_IMPRESSIONS_DUPLEX] = duplex ? ips : 0;
	delta[PRINTENG_METER_IMPRESSIONS_LARGE] = large ? ips : 0;
	delta[PRINTENG_METER_SHEETS_TOTAL] = 1;
	delta[PRINTENG_METER_SHEETS_DUPLEX] = duplex ? 1 : 0;
	for (i = 0; i < __PRINTENG_METER_COUNT; i++)
		if (!(eng->desc.meter_mask & BIT_ULL(i)))
			delta[i] = 0;

	for (i = 0; i < sheets; i++) {
		ret = printeng_meters_add(eng->pe, delta);
		if (ret)
			return ret;
		sim_consume(eng, color, ips);
		if (!in_interrupt() && (i & 63) == 63)
			cond_resched();
	}
	return 0;
}

/* Copy a user command into a NUL-terminated, newline-stripped buffer. */
static char *sim_get_cmd(const char __user *ubuf, size_t count)
{
	if (!count || count > SIM_CMD_MAX)
		return ERR_PTR(-EINVAL);
	return memdup_user_nul(ubuf, count);
}

static char *sim_next_word(char **s)
{
	char *w;

	do {
		w = strsep(s, " \t\n");
	} while (w && !*w);
	return w;
}

static ssize_t sim_print_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct sim_engine *eng = file->private_data;
	bool color = false, duplex = false, large = false;
	unsigned int sheets;
	char *buf, *p, *w;
	int ret;

	buf = sim_get_cmd(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	p = buf;
	w = sim_next_word(&p);
	ret = w ? kstrtouint(w, 0, &sheets) : -EINVAL;
	while (!ret && (w = sim_next_word(&p))) {
		if (!strcmp(w, "mono"))
			color = false;
		else if (!strcmp(w, "color") || !strcmp(w, "colour"))
			color = true;
		else if (!strcmp(w, "simplex"))
			duplex = false;
		else if (!strcmp(w, "duplex"))
			duplex = true;
		else if (!strcmp(w, "large"))
			large = true;
		else
			ret = -EINVAL;
	}
	if (!ret)
		ret = sim_print(eng, sheets, color, duplex, large);
	kfree(buf);
	return ret ?: count;
}

static int sim_supply_cmd(struct sim_engine *eng, unsigned int index,
			  const char *verb, const char *arg)
{
	struct sim_supply *s = &eng->supplies[index];
	unsigned long flags;
	int level = 100, state, ret = 0;

	if (arg && strcmp(verb, "state") && kstrtoint(arg, 0, &level))
		return -EINVAL;

	spin_lock_irqsave(&eng->lock, flags);
	if (!strcmp(verb, "level") && arg) {
		if (level < 0 || level > 100) {
			ret = -EINVAL;
		} else {
			s->used = div64_u64((u64)(100 - level) * s->pages, 100);
			s->level = level;
			s->state = sim_state_for(level);
			ret = printeng_supply_set(eng->pe, index, level,
						  s->state);
		}
	} else if (!strcmp(verb, "state") && arg) {
		state = sim_state_id(arg);
		if (state < 0) {
			ret = state;
		} else {
			s->state = state;
			ret = printeng_supply_set(eng->pe, index, s->level,
						  state);
		}
	} else if (!strcmp(verb, "replace")) {
		if (level < 0 || level > 100) {
			ret = -EINVAL;
		} else {
			s->used = div64_u64((u64)(100 - level) * s->pages, 100);
			s->level = level;
			s->state = PRINTENG_STATE_OK;
			ret = printeng_supply_replaced(eng->pe, index, level);
			if (!ret && sim_state_for(level) != PRINTENG_STATE_OK) {
				s->state = sim_state_for(level);
				ret = printeng_supply_set(eng->pe, index,
							  level, s->state);
			}
		}
	} else if (!strcmp(verb, "missing") && !arg) {
		s->state = PRINTENG_STATE_MISSING;
		ret = printeng_supply_set(eng->pe, index, s->level,
					  PRINTENG_STATE_MISSING);
	} else {
		ret = -EINVAL;
	}
	spin_unlock_irqrestore(&eng->lock, flags);
	return ret;
}

static ssize_t sim_supply_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct sim_engine *eng = file->private_data;
	char *buf, *p, *w, *verb, *arg;
	unsigned int index;
	int ret;

	buf = sim_get_cmd(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	p = buf;
	w = sim_next_word(&p);
	verb = sim_next_word(&p);
	arg = sim_next_word(&p);
	if (!w || !verb || sim_next_word(&p) || kstrtouint(w, 0, &index) ||
	    index >= eng->desc.num_supplies)
		ret = -EINVAL;
	else
		ret = sim_supply_cmd(eng, index, verb, arg);
	kfree(buf);
	return ret ?: count;
}

static ssize_t sim_meters_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct sim_engine *eng = file->private_data;
	u64 value[__PRINTENG_METER_COUNT] = {};
	char *buf, *p, *w, *eq;
	u64 mask = 0;
	int id, ret = 0;

	buf = sim_get_cmd(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	p = buf;
	while (!ret && (w = sim_next_word(&p))) {
		eq = strchr(w, '=');
		if (!eq) {
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		id = sim_meter_id(w);
		if (id < 0 || kstrtou64(eq + 1, 0, &value[id]))
			ret = -EINVAL;
		else
			mask |= BIT_ULL(id);
	}
	if (!ret)
		ret = printeng_meters_set(eng->pe, mask, value);
	kfree(buf);
	return ret ?: count;
}

/* Stress: kthreads and a hard-IRQ hrtimer printing at the same time. */
struct sim_stress {
	struct sim_engine *eng;
	int meter;		/* single-meter adds to this id, or -1 */
	unsigned int sheets;
	unsigned int irq_left;
	atomic_t running;
	atomic_t errors;
	struct completion done;
	struct hrtimer timer;
};

static void sim_stress_put(struct sim_stress *st)
{
	if (atomic_dec_and_test(&st->running))
		complete(&st->done);
}

/* One unit of stress work: a sheet, or one single-meter add. */
static int sim_stress_one(struct sim_stress *st, bool color, bool duplex,
			  bool large)
{
	if (st->meter >= 0)
		return printeng_meter_add(st->eng->pe, st->meter, 1);
	return sim_print(st->eng, 1, color, duplex, large);
}

static int sim_stress_thread(void *data)
{
	struct sim_stress *st = data;
	unsigned int i, n = 0;

	for (i = 0; i < st->sheets; i++) {
		/* A mix of jobs: mono/colour, simplex/duplex, some large. */
		if (sim_stress_one(st, i & 1, i & 2, (i % 7) == 0))
			atomic_inc(&st->errors);
		if (++n == 32) {
			n = 0;
			cond_resched();
		}
	}
	sim_stress_put(st);
	return 0;
}

static enum hrtimer_restart sim_stress_irq(struct hrtimer *t)
{
	struct sim_stress *st = container_of(t, struct sim_stress, timer);
	u64 start = ktime_get_ns(), took;

	if (sim_stress_one(st, st->irq_left & 1, false, false))
		atomic_inc(&st->errors);
	if (--st->irq_left == 0) {
		sim_stress_put(st);
		return HRTIMER_NORESTART;
	}
	/*
	 * Leave the CPU at least three times as long as this interrupt took:
	 * on a slow (emulated) CPU a fixed period would be an interrupt storm.
	 */
	took = max_t(u64, SIM_IRQ_PERIOD_NS, 4 * (ktime_get_ns() - start));
	hrtimer_forward_now(t, ns_to_ktime(took));
	return HRTIMER_RESTART;
}

static ssize_t sim_stress_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct sim_engine *eng = file->private_data;
	unsigned int threads = 0, irq_sheets = 0, i;
	struct task_struct *task;
	struct sim_stress *st;
	char *buf, *p, *w;
	int ret = 0;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	buf = sim_get_cmd(ubuf, count);
	if (IS_ERR(buf)) {
		kfree(st);
		return PTR_ERR(buf);
	}
	p = buf;
	w = sim_next_word(&p);
	if (!w || kstrtouint(w, 0, &threads))
		ret = -EINVAL;
	w = ret ? NULL : sim_next_word(&p);
	if (!w || kstrtouint(w, 0, &st->sheets))
		ret = -EINVAL;
	w = ret ? NULL : sim_next_word(&p);
	if (w && isdigit(*w)) {
		if (kstrtouint(w, 0, &irq_sheets))
			ret = -EINVAL;
		w = sim_next_word(&p);
	}
	st->meter = -1;
	if (!ret && w) {
		st->meter = strncmp(w, "meter=", 6) ? -1 : sim_meter_id(w + 6);
		if (st->meter < 0 ||
		    !(eng->desc.meter_mask & BIT_ULL(st->meter)) ||
		    sim_next_word(&p))
			ret = -EINVAL;
	}
	kfree(buf);
	if (ret || !threads || threads > SIM_MAX_THREADS) {
		kfree(st);
		return -EINVAL;
	}

	st->eng = eng;
	st->irq_left = irq_sheets;
	init_completion(&st->done);
	atomic_set(&st->running, 1);	/* our own reference */
	atomic_set(&st->errors, 0);

	if (irq_sheets) {
		atomic_inc(&st->running);
		hrtimer_init(&st->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		st->timer.function = sim_stress_irq;
		hrtimer_start(&st->timer, ns_to_ktime(SIM_IRQ_PERIOD_NS),
			      HRTIMER_MODE_REL_HARD);
	}
	for (i = 0; i < threads; i++) {
		atomic_inc(&st->running);
		task = kthread_run(sim_stress_thread, st, "printeng_sim/%u", i);
		if (IS_ERR(task)) {
			atomic_dec(&st->running);
			ret = PTR_ERR(task);
			break;
		}
	}
	sim_stress_put(st);
	/* Every thread and the timer hold st: wait even if interrupted. */
	wait_for_completion(&st->done);
	if (irq_sheets)
		hrtimer_cancel(&st->timer);
	if (!ret && atomic_read(&st->errors))
		ret = -EIO;
	kfree(st);
	return ret ?: count;
}

static ssize_t sim_info_read(struct file *file, char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct sim_engine *eng = file->private_data;
	char buf[32];
	int len;

	len = scnprintf(buf, sizeof(buf), "printeng%d\n", printeng_id(eng->pe));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

#define SIM_FOPS(_name, _write, _read)				\
	static const struct file_operations _name = {		\
		.owner = THIS_MODULE,				\
		.open = simple_open,				\
		.write = _write,				\
		.read = _read,					\
		.llseek = default_llseek,			\
	}

SIM_FOPS(sim_print_fops, sim_print_write, NULL);
SIM_FOPS(sim_supply_fops, sim_supply_write, NULL);
SIM_FOPS(sim_meters_fops, sim_meters_write, NULL);
SIM_FOPS(sim_stress_fops, sim_stress_write, NULL);
SIM_FOPS(sim_info_fops, NULL, sim_info_read);

static int sim_probe(struct platform_device *pdev)
{
	struct sim_engine *eng = *(struct sim_engine **)dev_get_platdata(&pdev->dev);
	struct printeng_device *pe;

	pe = devm_printeng_register(&pdev->dev, &eng->desc);
	if (IS_ERR(pe))
		return PTR_ERR(pe);
	eng->pe = pe;
	return 0;
}

static struct platform_driver sim_driver = {
	.driver = { .name = "printeng-sim", },
	.probe = sim_probe,
};

static const struct sim_supply_kind *sim_kind(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sim_kinds); i++)
		if (!strcmp(name, sim_kinds[i].name))
			return &sim_kinds[i];
	return NULL;
}

static int sim_parse_supplies(struct sim_engine *eng, char *spec,
			      u64 toner_pages)
{
	const struct sim_supply_kind *kind;
	struct printeng_supply_desc *d;
	struct sim_supply *s;
	unsigned int n = 0;
	char *item, *col;

	while ((item = strsep(&spec, ","))) {
		if (!*item)
			continue;
		if (n == PRINTENG_SUPPLIES_MAX)
			return -E2BIG;
		col = strchr(item, ':');
		if (col)
			*col++ = '\0';
		kind = sim_kind(item);
		if (!kind)
			return -EINVAL;
		d = &eng->sdesc[n];
		s = &eng->supplies[n];
		strscpy(eng->colorant[n], col ?: "", PRINTENG_COLORANT_LEN);
		snprintf(eng->description[n], PRINTENG_DESCRIPTION_LEN,
			 "%s%s%s", col ?: "", col ? " " : "", kind->name);
		d->type = kind->type;
		d->unit = PRINTENG_UNIT_PERCENT;
		d->colorant = eng->colorant[n];
		d->description = eng->description[n];
		d->max_capacity = 100;
		d->level = 100;
		d->state = PRINTENG_STATE_OK;
		s->pages = kind->color_only && toner_pages ? toner_pages :
			   kind->pages;
		s->level = 100;
		s->state = PRINTENG_STATE_OK;
		s->black = !col || !strcmp(col, "black");
		s->color_only = kind->color_only;
		n++;
	}
	eng->desc.num_supplies = n;
	return 0;
}

static int sim_parse_meters(struct sim_engine *eng, char *spec)
{
	char *item;
	int id;

	eng->desc.meter_mask = 0;
	while ((item = strsep(&spec, ","))) {
		if (!*item)
			continue;
		id = sim_meter_id(item);
		if (id < 0)
			return id;
		eng->desc.meter_mask |= BIT_ULL(id);
	}
	return 0;
}

static int sim_parse_start(struct sim_engine *eng, char *spec)
{
	char *item, *col;
	int id;

	while ((item = strsep(&spec, ","))) {
		if (!*item)
			continue;
		col = strchr(item, ':');
		if (!col)
			return -EINVAL;
		*col++ = '\0';
		id = sim_meter_id(item);
		if (id < 0 || kstrtou64(col, 0, &eng->initial[id]))
			return -EINVAL;
	}
	return 0;
}

static bool sim_name_valid(const char *name)
{
	const char *c;

	if (!*name || strlen(name) >= SIM_NAME_LEN)
		return false;
	for (c = name; *c; c++)
		if (!isalnum(*c) && *c != '_' && *c != '-')
			return false;
	return true;
}

static struct sim_engine *sim_find(const char *name)
{
	struct sim_engine *eng;

	list_for_each_entry(eng, &sim_engines, node)
		if (!strcmp(eng->name, name))
			return eng;
	return NULL;
}

/* Parse "add" options into @eng.  @p: the rest of the command. */
static int sim_parse_add(struct sim_engine *eng, char *p)
{
	char supplies[SIM_CMD_MAX];
	u64 toner_pages = 0;
	char *w, *val;
	int ret = 0;

	strscpy(supplies, sim_default_supplies, sizeof(supplies));
	snprintf(eng->serial, sizeof(eng->serial), "SIM-%s", eng->name);
	strscpy(eng->model, "esol Simulated Engine", sizeof(eng->model));
	strscpy(eng->engine_fw, "sim-1.0", sizeof(eng->engine_fw));
	strscpy(eng->controller_fw, "sim-ctl-1.0", sizeof(eng->controller_fw));
	eng->desc.meter_mask = GENMASK_ULL(__PRINTENG_METER_COUNT - 1, 0);

	while (!ret && (w = sim_next_word(&p))) {
		val = strchr(w, '=');
		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(w, "serial"))
			ret = strscpy(eng->serial, val, sizeof(eng->serial));
		else if (!strcmp(w, "model"))
			ret = strscpy(eng->model, val, sizeof(eng->model));
		else if (!strcmp(w, "engine_fw"))
			ret = strscpy(eng->engine_fw, val,
				      sizeof(eng->engine_fw));
		else if (!strcmp(w, "controller_fw"))
			ret = strscpy(eng->controller_fw, val,
				      sizeof(eng->controller_fw));
		else if (!strcmp(w, "supplies"))
			ret = strscpy(supplies, val, sizeof(supplies));
		else if (!strcmp(w, "meters"))
			ret = sim_parse_meters(eng, val);
		else if (!strcmp(w, "start"))
			ret = sim_parse_start(eng, val);
		else if (!strcmp(w, "toner_pages"))
			ret = kstrtou64(val, 0, &toner_pages) ?:
			      (toner_pages ? 0 : -EINVAL);
		else
			ret = -EINVAL;
		ret = ret < 0 ? ret : 0;
	}
	if (ret)
		return ret;
	ret = sim_parse_supplies(eng, supplies, toner_pages);
	if (ret)
		return ret;

	eng->desc.serial = eng->serial;
	eng->desc.model = eng->model;
	eng->desc.engine_fw = eng->engine_fw;
	eng->desc.controller_fw = eng->controller_fw;
	eng->desc.initial = eng->initial;
	eng->desc.supplies = eng->sdesc;
	return 0;
}

static void sim_engine_destroy(struct sim_engine *eng)
{
	debugfs_remove_recursive(eng->dir);
	platform_device_unregister(eng->pdev);
	kfree(eng);
}

/* Called with sim_lock held. */
static int sim_add(const char *name, char *options)
{
	struct sim_engine *eng;
	int ret;

	if (!sim_name_valid(name))
		return -EINVAL;
	if (sim_find(name))
		return -EEXIST;

	eng = kzalloc(sizeof(*eng), GFP_KERNEL);
	if (!eng)
		return -ENOMEM;
	strscpy(eng->name, name, sizeof(eng->name));
	spin_lock_init(&eng->lock);
	ret = sim_parse_add(eng, options);
	if (ret)
		goto err_free;

	eng->pdev = platform_device_register_data(NULL, "printeng-sim",
						  PLATFORM_DEVID_AUTO,
						  &eng, sizeof(eng));
	if (IS_ERR(eng->pdev)) {
		ret = PTR_ERR(eng->pdev);
		goto err_free;
	}
	if (!eng->pe) {
		/* probe failed: the driver core does not tell us why */
		platform_device_unregister(eng->pdev);
		ret = -EINVAL;
		goto err_free;
	}

	eng->dir = debugfs_create_dir(eng->name, sim_root);
	debugfs_create_file("print", 0200, eng->dir, eng, &sim_print_fops);
	debugfs_create_file("supply", 0200, eng->dir, eng, &sim_supply_fops);
	debugfs_create_file("meters", 0200, eng->dir, eng, &sim_meters_fops);
	debugfs_create_file("stress", 0200, eng->dir, eng, &sim_stress_fops);
	debugfs_create_file("info", 0400, eng->dir, eng, &sim_info_fops);
	list_add_tail(&eng->node, &sim_engines);
	return 0;

err_free:
	kfree(eng);
	return ret;
}

static ssize_t sim_control_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	struct sim_engine *eng;
	char *buf, *p, *verb, *name;
	int ret;

	buf = sim_get_cmd(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	p = buf;
	verb = sim_next_word(&p);
	name = sim_next_word(&p);
	if (!verb || !name) {
		kfree(buf);
		return -EINVAL;
	}

	mutex_lock(&sim_lock);
	if (!strcmp(verb, "add")) {
		ret = sim_add(name, p ?: "");
	} else if (!strcmp(verb, "del") && !sim_next_word(&p)) {
		eng = sim_find(name);
		if (eng) {
			list_del(&eng->node);
			sim_engine_destroy(eng);
			ret = 0;
		} else {
			ret = -ENOENT;
		}
	} else {
		ret = -EINVAL;
	}
	mutex_unlock(&sim_lock);
	kfree(buf);
	return ret ?: count;
}

SIM_FOPS(sim_control_fops, sim_control_write, NULL);

static int __init sim_init(void)
{
	int ret;

	ret = platform_driver_register(&sim_driver);
	if (ret)
		return ret;
	sim_root = debugfs_create_dir("printeng_sim", NULL);
	debugfs_create_file("control", 0200, sim_root, NULL, &sim_control_fops);
	return 0;
}
module_init(sim_init);

static void __exit sim_exit(void)
{
	struct sim_engine *eng, *tmp;

	mutex_lock(&sim_lock);
	list_for_each_entry_safe(eng, tmp, &sim_engines, node) {
		list_del(&eng->node);
		sim_engine_destroy(eng);
	}
	mutex_unlock(&sim_lock);
	debugfs_remove_recursive(sim_root);
	platform_driver_unregister(&sim_driver);
}
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated print engine for printeng");
MODULE_AUTHOR("esol developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(PRINTENG_VERSION);
MODULE_IMPORT_NS(PRINTENG_NS);
