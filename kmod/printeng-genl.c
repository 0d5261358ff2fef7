// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * printeng generic netlink: family "printeng", multicast group "events".
 *
 * PRINTENG_CMD_GET answers with a device's full state (do: one device by
 * PRINTENG_A_DEV_INDEX; dump: every device).  Events carry full state too,
 * so a listener that lost messages (ENOBUFS) resynchronises with a dump.
 * See docs/netlink/printeng.yaml.
 */

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "printeng-internal.h"

enum printeng_mcgrp {
	PRINTENG_MCGRP_EVENTS,
};

static const struct nla_policy printeng_genl_policy[PRINTENG_A_MAX + 1] = {
	[PRINTENG_A_DEV_INDEX] = NLA_POLICY_MAX(NLA_U32,
						PRINTENG_MAX_DEVICES - 1),
};

static const struct genl_multicast_group printeng_mcgrps[] = {
	[PRINTENG_MCGRP_EVENTS] = { .name = PRINTENG_GENL_MCGRP_EVENTS, },
};

static struct genl_family printeng_genl_family;

static size_t printeng_meter_nest_size(void)
{
	return nla_total_size(0) +			/* PRINTENG_A_METER */
	       nla_total_size(sizeof(u32)) +		/* ID */
	       nla_total_size(PRINTENG_SERIAL_LEN) +	/* NAME (< 32) */
	       nla_total_size_64bit(sizeof(u64));	/* VALUE */
}

static size_t printeng_supply_nest_size(void)
{
	return nla_total_size(0) +			/* PRINTENG_A_SUPPLY */
	       8 * nla_total_size(sizeof(u32)) +	/* INDEX..REPLACED */
	       nla_total_size(PRINTENG_COLORANT_LEN) +
	       nla_total_size(PRINTENG_DESCRIPTION_LEN);
}

/* Upper bound of a GET reply or a meters event for @pe. */
static size_t printeng_dev_msg_size(const struct printeng_device *pe)
{
	return nla_total_size(sizeof(u32)) +		/* DEV_INDEX */
	       nla_total_size(PRINTENG_SERIAL_LEN) +
	       nla_total_size(PRINTENG_MODEL_LEN) +
	       2 * nla_total_size(PRINTENG_FIRMWARE_LEN) +
	       2 * nla_total_size_64bit(sizeof(u64)) +	/* GENERATION, TIMESTAMP */
	       hweight64(pe->meter_mask) * printeng_meter_nest_size() +
	       pe->num_supplies * printeng_supply_nest_size();
}

static int printeng_put_meters(struct sk_buff *skb,
			       const struct printeng_device *pe,
			       const struct printeng_values *v)
{
	struct nlattr *nest;
	unsigned int i;

	for (i = 0; i < __PRINTENG_METER_COUNT; i++) {
		if (!(pe->meter_mask & BIT_ULL(i)))
			continue;
		nest = nla_nest_start(skb, PRINTENG_A_METER);
		if (!nest)
			return -EMSGSIZE;
		if (nla_put_u32(skb, PRINTENG_A_METER_ID, i) ||
		    nla_put_string(skb, PRINTENG_A_METER_NAME,
				   printeng_meter_names[i]) ||
		    nla_put_u64_64bit(skb, PRINTENG_A_METER_VALUE,
				      v->meters[i], PRINTENG_A_METER_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int printeng_put_supply(struct sk_buff *skb, unsigned int index,
			       const struct printeng_supply *s,
			       const u32 *old_state)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, PRINTENG_A_SUPPLY);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PRINTENG_A_SUPPLY_INDEX, index) ||
	    nla_put_u32(skb, PRINTENG_A_SUPPLY_TYPE, s->type) ||
	    nla_put_u32(skb, PRINTENG_A_SUPPLY_UNIT, s->unit) ||
	    nla_put_s32(skb, PRINTENG_A_SUPPLY_LEVEL, s->level) ||
	    nla_put_s32(skb, PRINTENG_A_SUPPLY_MAX_CAPACITY, s->max_capacity) ||
	    nla_put_u32(skb, PRINTENG_A_SUPPLY_STATE, s->state) ||
	    (old_state &&
	     nla_put_u32(skb, PRINTENG_A_SUPPLY_OLD_STATE, *old_state)) ||
	    nla_put_u32(skb, PRINTENG_A_SUPPLY_REPLACED, s->replaced) ||
	    nla_put_string(skb, PRINTENG_A_SUPPLY_COLORANT, s->colorant) ||
	    nla_put_string(skb, PRINTENG_A_SUPPLY_DESCRIPTION, s->description)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* A GET reply (or dump entry): identity, generation, meters, supplies. */
static int printeng_fill_dev(struct sk_buff *skb, struct printeng_device *pe,
			     u32 portid, u32 seq, int flags)
{
	struct printeng_values *v;
	unsigned int i;
	void *hdr;
	int ret = -EMSGSIZE;

	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	printeng_read_values(pe, v);

	hdr = genlmsg_put(skb, portid, seq, &printeng_genl_family, flags,
			  PRINTENG_CMD_GET);
	if (!hdr)
		goto out;
	if (nla_put_u32(skb, PRINTENG_A_DEV_INDEX, pe->id) ||
	    nla_put_string(skb, PRINTENG_A_SERIAL, pe->serial) ||
	    nla_put_string(skb, PRINTENG_A_MODEL, pe->model) ||
	    nla_put_string(skb, PRINTENG_A_ENGINE_FW, pe->engine_fw) ||
	    nla_put_string(skb, PRINTENG_A_CONTROLLER_FW, pe->controller_fw) ||
	    nla_put_u64_64bit(skb, PRINTENG_A_GENERATION, v->generation,
			      PRINTENG_A_PAD) ||
	    nla_put_u64_64bit(skb, PRINTENG_A_TIMESTAMP, ktime_get_real_ns(),
			      PRINTENG_A_PAD) ||
	    printeng_put_meters(skb, pe, v))
		goto cancel;
	for (i = 0; i < pe->num_supplies; i++)
		if (printeng_put_supply(skb, i, &v->supplies[i], NULL))
			goto cancel;
	genlmsg_end(skb, hdr);
	ret = 0;
	goto out;
cancel:
	genlmsg_cancel(skb, hdr);
out:
	kfree(v);
	return ret;
}

static int printeng_genl_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct printeng_device *pe;
	struct sk_buff *msg;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, PRINTENG_A_DEV_INDEX))
		return -EINVAL;

	pe = printeng_get_by_id(nla_get_u32(info->attrs[PRINTENG_A_DEV_INDEX]));
	if (!pe) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[PRINTENG_A_DEV_INDEX],
				    "no such printeng device");
		return -ENODEV;
	}

	msg = genlmsg_new(printeng_dev_msg_size(pe), GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = printeng_fill_dev(msg, pe, info->snd_portid, info->snd_seq, 0);
	if (ret) {
		nlmsg_free(msg);
		goto out;
	}
	ret = genlmsg_reply(msg, info);
out:
	put_device(&pe->dev);
	return ret;
}

static int printeng_genl_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb)
{
	int id = cb->args[0];
	struct printeng_device *pe;
	int ret;

	while ((pe = printeng_get_next(&id))) {
		ret = printeng_fill_dev(skb, pe, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI);
		put_device(&pe->dev);
		if (ret)
			break;
		id++;
	}
	cb->args[0] = id;
	return skb->len;
}

static const struct genl_small_ops printeng_genl_ops[] = {
	{
		.cmd	= PRINTENG_CMD_GET,
		.doit	= printeng_genl_get_doit,
		.dumpit	= printeng_genl_get_dumpit,
	},
};

static struct genl_family printeng_genl_family __ro_after_init = {
	.name		= PRINTENG_GENL_NAME,
	.version	= PRINTENG_GENL_VERSION,
	.maxattr	= PRINTENG_A_MAX,
	.policy		= printeng_genl_policy,
	.module		= THIS_MODULE,
	.small_ops	= printeng_genl_ops,
	.n_small_ops	= ARRAY_SIZE(printeng_genl_ops),
	.resv_start_op	= 0,	/* strict validation of every command */
	.mcgrps		= printeng_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(printeng_mcgrps),
};

static bool printeng_has_listeners(void)
{
	return genl_has_listeners(&printeng_genl_family, &init_net,
				  PRINTENG_MCGRP_EVENTS);
}

static struct sk_buff *printeng_ntf_new(size_t size, u8 cmd, void **hdr)
{
	struct sk_buff *skb;

	skb = genlmsg_new(size, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &printeng_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static void printeng_ntf_send(struct sk_buff *skb, void *hdr, int err)
{
	if (err) {
		genlmsg_cancel(skb, hdr);
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&printeng_genl_family, skb, 0,
			  PRINTENG_MCGRP_EVENTS, GFP_KERNEL);
}

/* A supply changed state band or was replaced.  Process context. */
void printeng_genl_supply_event(struct printeng_device *pe,
				const struct printeng_supply_change *chg,
				u64 generation)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	if (!printeng_has_listeners())
		return;
	skb = printeng_ntf_new(nla_total_size(sizeof(u32)) +
			       nla_total_size_64bit(sizeof(u64)) +
			       printeng_supply_nest_size(),
			       PRINTENG_CMD_SUPPLY_NTF, &hdr);
	if (!skb)
		return;
	err = nla_put_u32(skb, PRINTENG_A_DEV_INDEX, pe->id) ||
	      nla_put_u64_64bit(skb, PRINTENG_A_GENERATION, generation,
				PRINTENG_A_PAD) ||
	      printeng_put_supply(skb, chg->index, &chg->now, &chg->old_state);
	printeng_ntf_send(skb, hdr, err);
}

/* Meters changed; coalesced by the caller.  Process context. */
void printeng_genl_meters_event(struct printeng_device *pe)
{
	struct printeng_values *v;
	struct sk_buff *skb;
	void *hdr;
	int err;

	if (!printeng_has_listeners())
		return;
	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return;
	printeng_read_values(pe, v);
	skb = printeng_ntf_new(nla_total_size(sizeof(u32)) +
			       2 * nla_total_size_64bit(sizeof(u64)) +
			       hweight64(pe->meter_mask) *
			       printeng_meter_nest_size(),
			       PRINTENG_CMD_METERS_NTF, &hdr);
	if (skb) {
		err = nla_put_u32(skb, PRINTENG_A_DEV_INDEX, pe->id) ||
		      nla_put_u64_64bit(skb, PRINTENG_A_GENERATION,
					v->generation, PRINTENG_A_PAD) ||
		      nla_put_u64_64bit(skb, PRINTENG_A_TIMESTAMP,
					ktime_get_real_ns(), PRINTENG_A_PAD) ||
		      printeng_put_meters(skb, pe, v);
		printeng_ntf_send(skb, hdr, err);
	}
	kfree(v);
}

/* The device is going away.  Process context. */
void printeng_genl_removed_event(struct printeng_device *pe)
{
	struct sk_buff *skb;
	void *hdr;
	int err;

	if (!printeng_has_listeners())
		return;
	skb = printeng_ntf_new(nla_total_size(sizeof(u32)),
			       PRINTENG_CMD_REMOVED_NTF, &hdr);
	if (!skb)
		return;
	err = nla_put_u32(skb, PRINTENG_A_DEV_INDEX, pe->id);
	printeng_ntf_send(skb, hdr, err);
}

int printeng_genl_init(void)
{
	return genl_register_family(&printeng_genl_family);
}

void printeng_genl_exit(void)
{
	genl_unregister_family(&printeng_genl_family);
}
