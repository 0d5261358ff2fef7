// SPDX-License-Identifier: GPL-2.0-only
// SPDX-FileCopyrightText: 2026 The esol authors
/*
 * test_genl: the generic netlink family "printeng" through libnl-genl-3.
 * Family and "events" group resolution; GET do (every attribute against a
 * chrdev snapshot), GET errors (no such device, strict attribute policy);
 * dump of every device; SUPPLY_NTF on state changes and replacement with
 * OLD_STATE; coalesced METERS_NTF while printing 1000 sheets; REMOVED_NTF;
 * ENOBUFS on a tiny receive buffer and resynchronisation by a dump.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "kt.h"

/* One parsed printeng message (GET reply, dump entry or event). */
struct pmsg {
	int cmd;
	uint64_t seen;			/* BIT(attr type) of top-level attrs */
	bool bad;			/* unknown attribute, bad nest */
	uint32_t dev;
	char serial[64], model[80], engine_fw[48], controller_fw[48];
	uint64_t generation, timestamp;
	unsigned int nmeters;
	uint64_t meter_mask;
	uint64_t meters[PRINTENG_METERS_MAX];
	bool meter_names_ok;
	unsigned int nsup;
	struct psup {
		uint32_t seen;
		uint32_t index, type, unit, state, old_state, replaced;
		int32_t level, max_capacity;
		char colorant[32], description[64];
	} sup[PRINTENG_SUPPLIES_MAX];
};

struct pvec {
	struct pmsg *m;
	size_t n, cap;
};

static int family;
static int events_grp;

static void str_attr(char *dst, size_t len, struct nlattr *a)
{
	size_t n = nla_len(a);

	if (n >= len)
		n = len - 1;
	memcpy(dst, nla_data(a), n);
	dst[n] = '\0';
}

static void parse_meter(struct pmsg *p, struct nlattr *nest)
{
	struct nlattr *a;
	uint32_t id = UINT32_MAX;
	uint64_t value = 0;
	char name[64] = "";
	int rem, got = 0;

	nla_for_each_nested(a, nest, rem) {
		switch (nla_type(a)) {
		case PRINTENG_A_METER_ID:
			id = nla_get_u32(a);
			got |= 1;
			break;
		case PRINTENG_A_METER_NAME:
			str_attr(name, sizeof(name), a);
			got |= 2;
			break;
		case PRINTENG_A_METER_VALUE:
			value = nla_get_u64(a);
			got |= 4;
			break;
		case PRINTENG_A_METER_PAD:
			break;
		default:
			p->bad = true;
		}
	}
	if (got != 7 || id >= __PRINTENG_METER_COUNT ||
	    (p->meter_mask & (1ULL << id))) {
		p->bad = true;
		return;
	}
	if (strcmp(name, pe_meter_names[id]))
		p->meter_names_ok = false;
	p->meter_mask |= 1ULL << id;
	p->meters[id] = value;
	p->nmeters++;
}

static void parse_supply(struct pmsg *p, struct nlattr *nest)
{
	struct psup *s;
	struct nlattr *a;
	int rem;

	if (p->nsup >= PRINTENG_SUPPLIES_MAX) {
		p->bad = true;
		return;
	}
	s = &p->sup[p->nsup++];
	nla_for_each_nested(a, nest, rem) {
		int t = nla_type(a);

		if (t <= 0 || t > PRINTENG_A_SUPPLY_MAX) {
			p->bad = true;
			continue;
		}
		s->seen |= 1u << t;
		switch (t) {
		case PRINTENG_A_SUPPLY_INDEX: s->index = nla_get_u32(a); break;
		case PRINTENG_A_SUPPLY_TYPE: s->type = nla_get_u32(a); break;
		case PRINTENG_A_SUPPLY_UNIT: s->unit = nla_get_u32(a); break;
		case PRINTENG_A_SUPPLY_LEVEL: s->level = (int32_t)nla_get_u32(a); break;
		case PRINTENG_A_SUPPLY_MAX_CAPACITY:
			s->max_capacity = (int32_t)nla_get_u32(a);
			break;
		case PRINTENG_A_SUPPLY_STATE: s->state = nla_get_u32(a); break;
		case PRINTENG_A_SUPPLY_OLD_STATE: s->old_state = nla_get_u32(a); break;
		case PRINTENG_A_SUPPLY_REPLACED: s->replaced = nla_get_u32(a); break;
		case PRINTENG_A_SUPPLY_COLORANT:
			str_attr(s->colorant, sizeof(s->colorant), a);
			break;
		case PRINTENG_A_SUPPLY_DESCRIPTION:
			str_attr(s->description, sizeof(s->description), a);
			break;
		}
	}
}

static void parse_msg(struct nl_msg *msg, struct pmsg *p)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *a;
	int rem;

	memset(p, 0, sizeof(*p));
	p->cmd = gh->cmd;
	p->meter_names_ok = true;
	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
			  rem) {
		int t = nla_type(a);

		if (t <= 0 || t > PRINTENG_A_MAX) {
			p->bad = true;
			continue;
		}
		p->seen |= 1ULL << t;
		switch (t) {
		case PRINTENG_A_DEV_INDEX: p->dev = nla_get_u32(a); break;
		case PRINTENG_A_SERIAL: str_attr(p->serial, sizeof(p->serial), a); break;
		case PRINTENG_A_MODEL: str_attr(p->model, sizeof(p->model), a); break;
		case PRINTENG_A_ENGINE_FW:
			str_attr(p->engine_fw, sizeof(p->engine_fw), a);
			break;
		case PRINTENG_A_CONTROLLER_FW:
			str_attr(p->controller_fw, sizeof(p->controller_fw), a);
			break;
		case PRINTENG_A_GENERATION: p->generation = nla_get_u64(a); break;
		case PRINTENG_A_TIMESTAMP: p->timestamp = nla_get_u64(a); break;
		case PRINTENG_A_METER: parse_meter(p, a); break;
		case PRINTENG_A_SUPPLY: parse_supply(p, a); break;
		}
	}
}

static int collect_cb(struct nl_msg *msg, void *arg)
{
	struct pvec *v = arg;

	if (v->n == v->cap) {
		v->cap = v->cap ? 2 * v->cap : 16;
		v->m = realloc(v->m, v->cap * sizeof(*v->m));
		if (!v->m)
			kt_bail("out of memory");
	}
	parse_msg(msg, &v->m[v->n++]);
	return NL_OK;
}

/* --- requests ----------------------------------------------------- */

struct req_ctx {
	struct pvec *out;
	int err;	/* netlink error (negative errno) */
	bool done;
};

static int req_valid(struct nl_msg *msg, void *arg)
{
	struct req_ctx *c = arg;

	return collect_cb(msg, c->out);
}

static int req_err(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct req_ctx *c = arg;

	(void)nla;
	c->err = e->error;
	c->done = true;
	return NL_STOP;
}

static int req_finish(struct nl_msg *msg, void *arg)
{
	struct req_ctx *c = arg;

	(void)msg;
	c->done = true;
	return NL_STOP;
}

/* What to put in a request. */
enum req_kind {
	REQ_INDEX,		/* PRINTENG_A_DEV_INDEX = u32 */
	REQ_NONE,		/* no attribute */
	REQ_EXTRA_SERIAL,	/* DEV_INDEX and an unexpected SERIAL */
	REQ_UNKNOWN_TYPE,	/* DEV_INDEX and attribute type 60 */
	REQ_INDEX_U8,		/* DEV_INDEX with a 1-byte payload */
};

/*
 * Send a GET (do, or dump with NLM_F_DUMP) and collect the replies.
 * Returns 0 or the netlink error (negative errno), or -ETIMEDOUT.
 */
static int request(struct nl_sock *sk, int cmd, int flags, enum req_kind kind,
		   uint32_t index, struct pvec *out)
{
	struct req_ctx c = { .out = out };
	struct nl_cb *cb;
	struct nl_msg *msg;
	uint8_t b = 1;
	int r;

	msg = nlmsg_alloc();
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
			 PRINTENG_GENL_VERSION))
		kt_bail("genlmsg_put");
	switch (kind) {
	case REQ_INDEX:
		nla_put_u32(msg, PRINTENG_A_DEV_INDEX, index);
		break;
	case REQ_NONE:
		break;
	case REQ_EXTRA_SERIAL:
		nla_put_u32(msg, PRINTENG_A_DEV_INDEX, index);
		nla_put_string(msg, PRINTENG_A_SERIAL, "SN");
		break;
	case REQ_UNKNOWN_TYPE:
		nla_put_u32(msg, PRINTENG_A_DEV_INDEX, index);
		nla_put_u32(msg, 60, 1);
		break;
	case REQ_INDEX_U8:
		nla_put(msg, PRINTENG_A_DEV_INDEX, 1, &b);
		break;
	}
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, req_valid, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, req_finish, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, req_finish, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, req_err, &c);
	r = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (r < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!c.done) {
		r = nl_recvmsgs(sk, cb);
		if (r < 0 && !c.done) {
			c.err = r == -NLE_AGAIN ? -ETIMEDOUT : -EIO;
			kt_diag("nl_recvmsgs: %s", nl_geterror(r));
			break;
		}
	}
	nl_cb_put(cb);
	return c.err;
}

static struct nl_sock *nl_open(void)
{
	struct timeval tv = { 5, 0 };
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk))
		kt_bail("cannot open a generic netlink socket");
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv,
		   sizeof(tv));
	return sk;
}

/* An event listener: every valid message goes to @v. */
static struct nl_sock *ev_open(struct pvec *v)
{
	struct nl_sock *sk = nl_open();

	nl_socket_disable_seq_check(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, collect_cb, v);
	if (nl_socket_add_membership(sk, events_grp))
		kt_bail("cannot join the events group");
	nl_socket_set_nonblocking(sk);
	return sk;
}

/* Receive what is there within @ms. */
static void ev_pump(struct nl_sock *sk, int ms)
{
	struct pollfd p = { .fd = nl_socket_get_fd(sk), .events = POLLIN };

	while (poll(&p, 1, ms) > 0) {
		if (nl_recvmsgs_default(sk) < 0)
			break;
		ms = 0;
	}
}

/* Wait until @v has a message matching (cmd, dev), up to @ms; index or -1. */
static long ev_wait(struct nl_sock *sk, struct pvec *v, size_t from, int cmd,
		    uint32_t dev, int ms)
{
	double end = kt_now() + ms / 1000.0;
	size_t i;

	for (;;) {
		for (i = from; i < v->n; i++)
			if (v->m[i].cmd == cmd && v->m[i].dev == dev)
				return i;
		from = v->n;
		if (kt_now() >= end)
			return -1;
		ev_pump(sk, 50);
	}
}

static size_t ev_count(struct pvec *v, size_t from, int cmd, uint32_t dev)
{
	size_t i, n = 0;

	for (i = from; i < v->n; i++)
		n += v->m[i].cmd == cmd && v->m[i].dev == dev;
	return n;
}

/* --- checks ------------------------------------------------------- */

/* A GET reply or dump entry against a snapshot and GET_INFO. */
static void check_dev_msg(const char *what, const struct pmsg *p, int idx)
{
	struct printeng_snapshot s;
	struct printeng_info info;
	struct timespec now;
	unsigned int i;
	bool sup_ok = true;
	int fd;

	fd = pe_open(idx, O_RDONLY);
	if (!kt_success(fd, "%s: open /dev/printeng%d", what, idx))
		return;
	pe_snap(fd, &s);
	pe_info(fd, &info);
	close(fd);
	clock_gettime(CLOCK_REALTIME, &now);

	kt_ok(!p->bad, "%s: only known attributes, well-formed nests", what);
	kt_eq_u64(p->cmd, PRINTENG_CMD_GET, "%s: cmd GET", what);
	kt_eq_u64(p->dev, idx, "%s: DEV_INDEX", what);
	kt_eq_str(p->serial, info.serial, "%s: SERIAL", what);
	kt_eq_str(p->model, info.model, "%s: MODEL", what);
	kt_eq_str(p->engine_fw, info.engine_fw, "%s: ENGINE_FW", what);
	kt_eq_str(p->controller_fw, info.controller_fw, "%s: CONTROLLER_FW",
		  what);
	kt_eq_u64(p->generation, s.generation, "%s: GENERATION", what);
	kt_ok(p->timestamp > 0 &&
	      llabs((long long)(p->timestamp / 1000000000ull) - now.tv_sec) < 60,
	      "%s: TIMESTAMP is CLOCK_REALTIME ns", what);
	kt_eq_u64(p->meter_mask, s.meter_mask, "%s: one METER nest per meter",
		  what);
	kt_eq_u64(p->nmeters, __builtin_popcountll(s.meter_mask),
		  "%s: no duplicate METER nest", what);
	kt_ok(p->meter_names_ok, "%s: METER_NAMEs are the sysfs names", what);
	kt_ok(!memcmp(p->meters, s.meters, sizeof(s.meters)),
	      "%s: METER_VALUEs match the snapshot", what);
	kt_eq_u64(p->nsup, s.num_supplies, "%s: one SUPPLY nest per supply",
		  what);
	for (i = 0; i < p->nsup && i < s.num_supplies; i++) {
		const struct psup *q = &p->sup[i];
		const struct printeng_supply *r = &s.supplies[i];

		if (q->index != i || q->type != r->type || q->unit != r->unit ||
		    q->level != r->level || q->max_capacity != r->max_capacity ||
		    q->state != r->state || q->replaced != r->replaced ||
		    strcmp(q->colorant, r->colorant) ||
		    strcmp(q->description, r->description) ||
		    (q->seen & (1u << PRINTENG_A_SUPPLY_OLD_STATE))) {
			kt_why("supply %u differs", i);
			sup_ok = false;
			break;
		}
	}
	kt_ok(sup_ok, "%s: every SUPPLY nest matches the snapshot (no OLD_STATE)",
	      what);
}

static int count_class_devices(void)
{
	struct dirent *de;
	DIR *d = opendir(PE_CLASS);
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += !strncmp(de->d_name, "printeng", 8);
	closedir(d);
	return n;
}

static void test_get(struct nl_sock *sk)
{
	struct pvec v = { 0 };
	int idx, r;

	idx = sim_add("genl_get", "serial=GENL-1 model=M-1 engine_fw=e1 controller_fw=c1 supplies=toner:black,toner:cyan,fuser,staples start=impressions_total:77,impressions_mono:70,impressions_color:7");
	if (!kt_ok(idx >= 0, "add engine genl_get"))
		return;
	sim_cmd("genl_get", "supply", "1 level 8");
	sim_cmd("genl_get", "supply", "2 replace 90");
	sim_cmd("genl_get", "print", "4 color duplex");

	r = request(sk, PRINTENG_CMD_GET, 0, REQ_INDEX, idx, &v);
	kt_ret(r, 0, "GET do by index");
	if (kt_eq_u64(v.n, 1, "GET do: one reply"))
		check_dev_msg("GET do", &v.m[0], idx);

	v.n = 0;
	kt_ret(request(sk, PRINTENG_CMD_GET, 0, REQ_INDEX, 200, &v), -ENODEV,
	       "GET for a non-existent index 200: ENODEV");
	r = request(sk, PRINTENG_CMD_GET, 0, REQ_INDEX, 100000, &v);
	kt_ok(r == -ERANGE || r == -EINVAL,
	      "GET for index 100000 (over the policy max): rejected (%d)", r);
	kt_ret(request(sk, PRINTENG_CMD_GET, 0, REQ_NONE, 0, &v), -EINVAL,
	       "GET without DEV_INDEX: EINVAL");
	kt_ret(request(sk, PRINTENG_CMD_GET, 0, REQ_EXTRA_SERIAL, idx, &v),
	       -EINVAL, "GET with an unexpected SERIAL attribute: EINVAL (strict)");
	kt_ret(request(sk, PRINTENG_CMD_GET, 0, REQ_UNKNOWN_TYPE, idx, &v),
	       -EINVAL, "GET with attribute type 60: EINVAL (strict)");
	r = request(sk, PRINTENG_CMD_GET, 0, REQ_INDEX_U8, idx, &v);
	kt_ok(r == -EINVAL || r == -ERANGE,
	      "GET with a 1-byte DEV_INDEX: rejected (%d)", r);
	kt_ret(request(sk, PRINTENG_CMD_SUPPLY_NTF, 0, REQ_INDEX, idx, &v),
	       -EOPNOTSUPP, "an event command as a request: EOPNOTSUPP");
	kt_ret(request(sk, 77, 0, REQ_INDEX, idx, &v), -EOPNOTSUPP,
	       "unknown command 77: EOPNOTSUPP");
	kt_eq_u64(v.n, 0, "no reply for any rejected request");
	sim_del("genl_get");

	/* the largest reply: longest strings, every meter, 16 supplies */
	idx = sim_add("genl_max", "serial=S234567890123456789012345678901 model=M23456789012345678901234567890123456789012345678901234567890123 engine_fw=E234567890123456789012345678901 controller_fw=C234567890123456789012345678901 "
		      "supplies=ink:abcdefghijklmno,ink:bcdefghijklmnop,ink:cdefghijklmnopq,ink:defghijklmnopqr,ink:efghijklmnopqrs,ink:fghijklmnopqrst,ink:ghijklmnopqrstu,ink:hijklmnopqrstuv,ink:i,ink:j,ink:k,ink:l,ink:m,ink:n,ink:o,ink:p");
	if (kt_ok(idx >= 0, "add engine genl_max (longest strings, 16 supplies)")) {
		v.n = 0;
		kt_ret(request(sk, PRINTENG_CMD_GET, 0, REQ_INDEX, idx, &v), 0,
		       "GET do of the largest device");
		if (kt_eq_u64(v.n, 1, "GET do: one reply"))
			check_dev_msg("GET largest", &v.m[0], idx);
		sim_del("genl_max");
	}
	kt_ret(request(sk, PRINTENG_CMD_GET, NLM_F_DUMP, REQ_EXTRA_SERIAL, idx,
		       &v), -EINVAL,
	       "dump with an unexpected attribute: EINVAL (strict)");
	free(v.m);
}

static void test_dump(struct nl_sock *sk)
{
	static const char *const names[3] = { "genl_d0", "genl_d1", "genl_d2" };
	struct pvec v = { 0 };
	int idx[3], i, found, ndev;
	size_t j;
	bool dup = false;

	for (i = 0; i < 3; i++) {
		char opts[128];

		snprintf(opts, sizeof(opts), "serial=DUMP-%d", i);
		idx[i] = sim_add(names[i], opts);
		kt_ok(idx[i] >= 0, "add engine %s", names[i]);
	}
	kt_ret(request(sk, PRINTENG_CMD_GET, NLM_F_DUMP, REQ_NONE, 0, &v), 0,
	       "dump");
	ndev = count_class_devices();
	kt_eq_u64(v.n, ndev, "dump: one entry per device in %s (%d)", PE_CLASS,
		  ndev);
	for (j = 0; j < v.n; j++)
		for (size_t k = 0; k < j; k++)
			dup |= v.m[j].dev == v.m[k].dev;
	kt_ok(!dup, "dump: no device twice");
	for (i = 0, found = 0; i < 3; i++) {
		for (j = 0; j < v.n; j++) {
			char want[32], what[64];

			if ((int)v.m[j].dev != idx[i])
				continue;
			found++;
			snprintf(want, sizeof(want), "DUMP-%d", i);
			kt_eq_str(v.m[j].serial, want, "dump: %s serial", names[i]);
			snprintf(what, sizeof(what), "dump %s", names[i]);
			check_dev_msg(what, &v.m[j], idx[i]);
		}
	}
	kt_eq_u64(found, 3, "dump lists the 3 new engines");
	for (i = 0; i < 3; i++)
		sim_del(names[i]);
	free(v.m);
}

/* A dump bigger than one netlink message buffer resumes where it stopped. */
static void test_big_dump(struct nl_sock *sk)
{
	enum { N = 24 };
	struct pvec v = { 0 };
	int idx[N], i, ok = 0, seen[N] = { 0 };
	size_t j;
	bool dup = false, all = true;

	for (i = 0; i < N; i++) {
		char name[32], opts[512];

		snprintf(name, sizeof(name), "genl_big%d", i);
		snprintf(opts, sizeof(opts), "serial=BIG-%d supplies=toner:black,toner:cyan,toner:magenta,toner:yellow,drum:black,drum:cyan,drum:magenta,drum:yellow,developer,fuser,waste_toner,transfer,cleaner_unit,staples,opc,ink:black", i);
		idx[i] = sim_add(name, opts);
		ok += idx[i] >= 0;
	}
	kt_eq_u64(ok, N, "add %d engines with 16 supplies each", N);
	kt_ret(request(sk, PRINTENG_CMD_GET, NLM_F_DUMP, REQ_NONE, 0, &v), 0,
	       "dump of %d large devices (several messages)", N);
	for (j = 0; j < v.n; j++) {
		for (size_t k = 0; k < j; k++)
			dup |= v.m[j].dev == v.m[k].dev;
		for (i = 0; i < N; i++) {
			char want[32];

			if ((int)v.m[j].dev != idx[i])
				continue;
			seen[i]++;
			snprintf(want, sizeof(want), "BIG-%d", i);
			if (strcmp(v.m[j].serial, want) || v.m[j].nsup != 16 ||
			    v.m[j].nmeters != 7 || v.m[j].bad)
				all = false;
		}
	}
	for (i = 0; i < N; i++)
		all &= seen[i] == 1;
	kt_ok(!dup, "big dump: no device twice");
	kt_ok(all, "big dump: each of the %d engines once, complete", N);
	kt_eq_u64(v.n, count_class_devices(), "big dump: every device");
	for (i = 0; i < N; i++) {
		char name[32];

		snprintf(name, sizeof(name), "genl_big%d", i);
		sim_del(name);
	}
	free(v.m);
}

static const struct psup *ntf_supply(const struct pmsg *p)
{
	return p->nsup == 1 ? &p->sup[0] : NULL;
}

static void check_supply_ntf(struct nl_sock *ev, struct pvec *v, int idx,
			     const char *cmd, uint32_t state, uint32_t old,
			     int32_t level, uint32_t replaced)
{
	size_t from = v->n;
	const struct psup *s;
	long i;

	kt_ret(sim_cmd("genl_ev", "supply", "%s", cmd), 0, "supply %s", cmd);
	i = ev_wait(ev, v, from, PRINTENG_CMD_SUPPLY_NTF, idx, 3000);
	if (!kt_ok(i >= 0, "SUPPLY_NTF after \"%s\"", cmd))
		return;
	s = ntf_supply(&v->m[i]);
	kt_ok(s && !v->m[i].bad, "%s: one SUPPLY nest", cmd);
	if (!s)
		return;
	kt_ok(v->m[i].seen & (1ULL << PRINTENG_A_GENERATION),
	      "%s: GENERATION present", cmd);
	kt_eq_u64(s->index, 0, "%s: SUPPLY_INDEX", cmd);
	kt_eq_str(pe_state_name(s->state), pe_state_name(state),
		  "%s: STATE", cmd);
	kt_ok(s->seen & (1u << PRINTENG_A_SUPPLY_OLD_STATE),
	      "%s: OLD_STATE present", cmd);
	kt_eq_str(pe_state_name(s->old_state), pe_state_name(old),
		  "%s: OLD_STATE", cmd);
	kt_eq_s64(s->level, level, "%s: LEVEL", cmd);
	kt_eq_u64(s->replaced, replaced, "%s: REPLACED", cmd);
	kt_ok(s->type == PRINTENG_SUPPLY_TONER && !strcmp(s->colorant, "black"),
	      "%s: TYPE toner, COLORANT black", cmd);
	ev_pump(ev, 200);
	kt_eq_u64(ev_count(v, from, PRINTENG_CMD_SUPPLY_NTF, idx), 1,
		  "%s: exactly one SUPPLY_NTF", cmd);
}

static void test_supply_events(struct nl_sock *ev, struct pvec *v)
{
	size_t from;
	int idx;

	idx = sim_add("genl_ev", "supplies=toner:black,toner:cyan,fuser");
	if (!kt_ok(idx >= 0, "add engine genl_ev"))
		return;
	ev_pump(ev, 100);
	from = v->n;
	kt_ret(sim_cmd("genl_ev", "supply", "0 level 50"), 0,
	       "supply 0 level 50 (still ok)");
	kt_ret(sim_cmd("genl_ev", "supply", "0 level 30"), 0,
	       "supply 0 level 30 (still ok)");
	ev_pump(ev, 300);
	kt_eq_u64(ev_count(v, from, PRINTENG_CMD_SUPPLY_NTF, idx), 0,
		  "no SUPPLY_NTF for level changes within a band");
	check_supply_ntf(ev, v, idx, "0 level 5", PRINTENG_STATE_LOW,
			 PRINTENG_STATE_OK, 5, 0);
	from = v->n;
	sim_cmd("genl_ev", "supply", "0 level 3");
	ev_pump(ev, 300);
	kt_eq_u64(ev_count(v, from, PRINTENG_CMD_SUPPLY_NTF, idx), 0,
		  "no SUPPLY_NTF for 5 -> 3 (still low)");
	check_supply_ntf(ev, v, idx, "0 level 0", PRINTENG_STATE_EMPTY,
			 PRINTENG_STATE_LOW, 0, 0);
	check_supply_ntf(ev, v, idx, "0 replace", PRINTENG_STATE_OK,
			 PRINTENG_STATE_EMPTY, 100, 1);
	check_supply_ntf(ev, v, idx, "0 missing", PRINTENG_STATE_MISSING,
			 PRINTENG_STATE_OK, 100, 1);
	check_supply_ntf(ev, v, idx, "0 replace 60", PRINTENG_STATE_OK,
			 PRINTENG_STATE_MISSING, 60, 2);
	check_supply_ntf(ev, v, idx, "0 replace 80", PRINTENG_STATE_OK,
			 PRINTENG_STATE_OK, 80, 3);
	sim_del("genl_ev");
}

static void test_meters_events(struct nl_sock *ev, struct pvec *v)
{
	struct printeng_snapshot s;
	char param[32] = "1000";
	uint64_t prev_total = 0;
	unsigned int interval_ms;
	size_t from, i, n;
	double t0, dt;
	int idx, fd, pfd, errs = 0;
	long last = -1;
	bool mono = true;

	idx = sim_add("genl_m", "supplies=fuser start=impressions_total:5000,impressions_mono:5000,sheets_total:5000");
	if (!kt_ok(idx >= 0, "add engine genl_m"))
		return;
	kt_read_file("/sys/module/printeng/parameters/meter_event_ms", param,
		     sizeof(param));
	interval_ms = atoi(param);
	ev_pump(ev, 100);
	from = v->n;

	/* 1000 single-sheet prints, one write each, over about 2 s */
	pfd = open(SIM_DIR "/genl_m/print", O_WRONLY | O_CLOEXEC);
	t0 = kt_now();
	for (i = 0; i < 1000; i++) {
		if (write(pfd, "1", 1) != 1)
			errs++;
		if (i % 4 == 3)
			kt_msleep(8);
	}
	dt = kt_now() - t0;
	close(pfd);
	kt_eq_u64(errs, 0, "1000 single-sheet prints (%.2f s)", dt);

	fd = pe_open(idx, O_RDONLY);
	pe_snap(fd, &s);
	close(fd);
	kt_eq_u64(s.meters[PRINTENG_METER_IMPRESSIONS_TOTAL], 6000,
		  "impressions_total = 6000");

	/* wait for the event carrying the final values */
	t0 = kt_now();
	while (kt_now() - t0 < 3.0 + interval_ms / 1000.0) {
		for (i = from; i < v->n; i++)
			if (v->m[i].cmd == PRINTENG_CMD_METERS_NTF &&
			    v->m[i].dev == (uint32_t)idx)
				last = i;
		if (last >= 0 &&
		    v->m[last].meters[PRINTENG_METER_IMPRESSIONS_TOTAL] == 6000)
			break;
		ev_pump(ev, 100);
	}
	ev_pump(ev, interval_ms + 300);	/* anything after the last one? */
	n = ev_count(v, from, PRINTENG_CMD_METERS_NTF, idx);
	kt_diag("METERS_NTF: %zu messages for 1000 pages in %.2f s (meter_event_ms=%u)",
		n, dt, interval_ms);
	kt_ok(n >= 1, "METERS_NTF received");
	kt_ok(n <= dt * 1000 / interval_ms + 3,
	      "METERS_NTF coalesced: %zu messages, at most one per %u ms", n,
	      interval_ms);
	kt_ok(n < 100, "far fewer METERS_NTF than pages (%zu < 1000)", n);
	for (i = from, last = -1; i < v->n; i++) {
		if (v->m[i].cmd != PRINTENG_CMD_METERS_NTF ||
		    v->m[i].dev != (uint32_t)idx)
			continue;
		if (v->m[i].meters[0] < prev_total || v->m[i].bad ||
		    v->m[i].nsup)
			mono = false;
		prev_total = v->m[i].meters[0];
		last = i;
	}
	kt_ok(mono, "METERS_NTF values never decrease, carry no supplies");
	if (last >= 0) {
		const struct pmsg *p = &v->m[last];

		kt_ok(!memcmp(p->meters, s.meters, sizeof(s.meters)) &&
		      p->meter_mask == s.meter_mask,
		      "the last METERS_NTF carries the final values");
		kt_eq_u64(p->generation, s.generation,
			  "the last METERS_NTF has the final generation");
		kt_ok(p->seen & (1ULL << PRINTENG_A_TIMESTAMP),
		      "METERS_NTF has a TIMESTAMP");
		kt_ok(p->meter_names_ok, "METERS_NTF meter names");
	}

	/* REMOVED_NTF */
	from = v->n;
	kt_ret(sim_del("genl_m"), 0, "del genl_m");
	kt_ok(ev_wait(ev, v, from, PRINTENG_CMD_REMOVED_NTF, idx, 3000) >= 0,
	      "REMOVED_NTF with the DEV_INDEX on del");
}

static void test_enobufs(struct nl_sock *sk)
{
	struct printeng_snapshot s;
	struct pvec dump = { 0 };
	struct pvec small = { 0 };
	struct nl_sock *ev;
	int idx, k, fd, nfd, enobufs = 0, msgs = 0, rcvbuf = 0;
	socklen_t len = sizeof(rcvbuf);
	char buf[65536];
	bool match = false;
	size_t j;

	idx = sim_add("genl_nb", "supplies=toner:black,toner:cyan,toner:magenta,toner:yellow,drum:black,drum:cyan,drum:magenta,drum:yellow,developer,fuser,waste_toner,transfer,cleaner_unit,staples,opc,ink:black");
	if (!kt_ok(idx >= 0, "add engine genl_nb (16 supplies)"))
		return;
	ev = ev_open(&small);
	nl_socket_set_buffer_size(ev, 1, 0);
	nfd = nl_socket_get_fd(ev);
	getsockopt(nfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
	kt_diag("tiny receive buffer: SO_RCVBUF %d", rcvbuf);

	/* 48 supply events, not read while they are made */
	for (k = 0; k < 16; k++) {
		sim_cmd("genl_nb", "supply", "%d level 5", k);
		kt_msleep(3);
	}
	for (k = 0; k < 16; k++) {
		sim_cmd("genl_nb", "supply", "%d level 0", k);
		kt_msleep(3);
	}
	for (k = 0; k < 16; k++) {
		sim_cmd("genl_nb", "supply", "%d replace %d", k, 50 + k);
		kt_msleep(3);
	}
	kt_msleep(200);

	for (;;) {
		ssize_t n = recv(nfd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == ENOBUFS) {
			enobufs++;
			continue;
		}
		if (n <= 0)
			break;
		msgs++;
	}
	kt_diag("received %d messages and %d ENOBUFS of 48 events", msgs,
		enobufs);
	kt_ok(enobufs >= 1, "ENOBUFS reported on the tiny receive buffer");
	kt_ok(msgs < 48, "events were lost (%d of 48 received)", msgs);

	/* resynchronise with a dump */
	kt_ret(request(sk, PRINTENG_CMD_GET, NLM_F_DUMP, REQ_NONE, 0, &dump), 0,
	       "dump after ENOBUFS");
	fd = pe_open(idx, O_RDONLY);
	pe_snap(fd, &s);
	close(fd);
	for (j = 0; j < dump.n; j++) {
		const struct pmsg *p = &dump.m[j];

		if ((int)p->dev != idx)
			continue;
		match = p->nsup == 16 && p->generation == s.generation;
		for (k = 0; match && k < 16; k++)
			match = p->sup[k].state == PRINTENG_STATE_OK &&
				p->sup[k].replaced == 1 &&
				p->sup[k].level == 50 + k &&
				s.supplies[k].level == 50 + k;
	}
	kt_ok(match, "the dump has every supply's final state (resynchronised)");

	/* the socket still works after the overrun */
	small.n = 0;
	sim_cmd("genl_nb", "supply", "3 level 1");
	kt_ok(ev_wait(ev, &small, 0, PRINTENG_CMD_SUPPLY_NTF, idx, 3000) >= 0,
	      "the listener receives events again after ENOBUFS");
	nl_socket_free(ev);
	sim_del("genl_nb");
	free(dump.m);
	free(small.m);
}

/*
 * Lifetime churn: engines come and go while a thread opens, reads, polls
 * and closes every /dev/printeng<N> and sysfs directory it can find and
 * the main thread sends GETs and dumps.  Only success or "gone" errors
 * may come back (and the kernel log must stay clean: run-guest.sh checks).
 */
static atomic_bool churn_done;

struct churn_stats {
	unsigned long ok, gone, bad;
	char first_bad[128];
};

static void churn_note(struct churn_stats *st, int err, const char *what)
{
	if (!err)
		st->ok++;
	else if (err == -ENOENT || err == -ENODEV || err == -ENXIO)
		st->gone++;
	else if (!st->bad++)
		snprintf(st->first_bad, sizeof(st->first_bad), "%s: %s", what,
			 strerror(-err));
}

static void *churn_engines(void *arg)
{
	unsigned long *n = arg;
	int i;

	for (i = 0; i < 60; i++) {
		char name[32];

		snprintf(name, sizeof(name), "churn%d", i % 3);
		sim_del(name);
		if (sim_add(name, i & 1 ? "supplies=toner:black" : "") >= 0) {
			(*n)++;
			sim_cmd(name, "print", "5 color");
			sim_cmd(name, "supply", "0 level 5");
		}
	}
	for (i = 0; i < 3; i++) {
		char name[32];

		snprintf(name, sizeof(name), "churn%d", i);
		sim_del(name);
	}
	atomic_store(&churn_done, true);
	return NULL;
}

static void *churn_files(void *arg)
{
	struct churn_stats *st = arg;
	struct printeng_snapshot s;
	uint64_t g;
	int idx, fd;

	while (!atomic_load(&churn_done)) {
		for (idx = 0; idx < 8; idx++) {
			struct pollfd p;

			fd = pe_open(idx, O_RDONLY | O_NONBLOCK);
			churn_note(st, fd < 0 ? fd : 0, "open");
			if (fd >= 0) {
				churn_note(st, pe_snap(fd, &s), "GET_SNAPSHOT");
				churn_note(st, read(fd, &s, sizeof(s)) < 0 ? -errno : 0,
					   "read");
				p = (struct pollfd){ .fd = fd, .events = POLLIN };
				poll(&p, 1, 0);
				close(fd);
			}
			churn_note(st, pe_sysfs_u64(idx, "generation", &g),
				   "sysfs generation");
		}
	}
	return NULL;
}

static void test_churn(struct nl_sock *sk)
{
	struct churn_stats files = { 0 }, nl = { 0 };
	unsigned long added = 0, dumps = 0;
	pthread_t t1, t2;
	struct pvec v = { 0 };
	int idx, r;

	atomic_store(&churn_done, false);
	pthread_create(&t1, NULL, churn_engines, &added);
	pthread_create(&t2, NULL, churn_files, &files);
	while (!atomic_load(&churn_done)) {
		v.n = 0;
		r = request(sk, PRINTENG_CMD_GET, NLM_F_DUMP, REQ_NONE, 0, &v);
		churn_note(&nl, r, "dump");
		dumps++;
		for (idx = 0; idx < 8; idx++)
			churn_note(&nl, request(sk, PRINTENG_CMD_GET, 0, REQ_INDEX,
						idx, &v), "GET");
	}
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	kt_diag("churn: %lu engines added and removed; files: %lu ok, %lu gone; netlink: %lu ok, %lu gone, %lu dumps",
		added, files.ok, files.gone, nl.ok, nl.gone, dumps);
	kt_eq_u64(added, 60, "churn: 60 engines added and removed");
	if (files.bad)
		kt_why("%lu, first %s", files.bad, files.first_bad);
	kt_ok(!files.bad && files.ok, "churn: open/read/poll/sysfs only succeed or find the device gone");
	if (nl.bad)
		kt_why("%lu, first %s", nl.bad, nl.first_bad);
	kt_ok(!nl.bad && nl.ok, "churn: GET and dump only succeed or find the device gone");
	free(v.m);
}

int main(void)
{
	struct pvec evs = { 0 };
	struct nl_sock *sk, *ev;

	kt_init("test_genl");
	kt_setup();

	sk = nl_open();
	family = genl_ctrl_resolve(sk, PRINTENG_GENL_NAME);
	if (!kt_ok(family > 0, "resolve family \"printeng\" (%d)", family))
		kt_bail("no printeng family");
	events_grp = genl_ctrl_resolve_grp(sk, PRINTENG_GENL_NAME,
					   PRINTENG_GENL_MCGRP_EVENTS);
	if (!kt_ok(events_grp > 0, "resolve group \"events\" (%d)", events_grp))
		kt_bail("no events group");
	kt_ok(genl_ctrl_resolve_grp(sk, PRINTENG_GENL_NAME, "nosuch") < 0,
	      "no other group");

	test_get(sk);
	test_dump(sk);
	test_big_dump(sk);
	ev = ev_open(&evs);
	test_supply_events(ev, &evs);
	test_meters_events(ev, &evs);
	nl_socket_free(ev);
	test_enobufs(sk);
	test_churn(sk);

	nl_socket_free(sk);
	free(evs.m);
	return kt_done();
}
