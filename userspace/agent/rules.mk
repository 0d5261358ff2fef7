# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# agent: esold, the device agent.  Its modules go into libagent.a so the
# unit tests link the same objects as the daemon.
# (Other components' rules.mk may be read after this one: their variables
# are empty here, so prerequisites name their archives by path.)
AGENT_LIB := $(B)/libagent.a
AGENT_LIB_OBJS := $(B)/userspace/agent/loop.o $(B)/userspace/agent/control.o \
		  $(B)/userspace/agent/state.o $(B)/userspace/agent/supplies.o \
		  $(B)/userspace/agent/ids.o $(B)/userspace/agent/meter.o \
		  $(B)/userspace/agent/agent.o $(B)/userspace/agent/agent_cfg.o \
		  $(B)/userspace/agent/agent_ctl.o $(B)/userspace/agent/exchange.o
AGENT_LDLIBS := $(shell $(PKG_CONFIG) --libs jansson libcrypto)
PROTO_A := $(B)/libproto.a
CHECK_LDLIBS := $(shell $(PKG_CONFIG) --libs check)

$(AGENT_LIB): $(AGENT_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

LIBS += $(AGENT_LIB)

# esold links every component's archive, named by path (see above).
ESOLD_ARCHIVES := $(AGENT_LIB) $(B)/libesolctl.a $(B)/libesolcore.a \
		  $(B)/libesolnet.a $(B)/libproto.a $(B)/libprinteng.a \
		  $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
ESOLD_LDLIBS := $(shell $(PKG_CONFIG) --libs jansson openssl libsystemd \
		  libcurl duktape libpsl libidn2 inih libnl-genl-3.0 zlib)
CFLAGS_userspace_agent_exchange := $(shell $(PKG_CONFIG) --cflags libcurl)
CFLAGS_userspace_agent_agent := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0)

$(B)/bin/esold: $(B)/userspace/agent/main.o $(ESOLD_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(ESOLD_LDLIBS)

BINS += $(B)/bin/esold

E2E_TESTS += tests/e2e/e2e_meter_read.sh tests/e2e/e2e_crash_resend.sh tests/e2e/e2e_proxy_auth.sh \
	     tests/e2e/e2e_tls_policy.sh tests/e2e/e2e_network.sh \
	     tests/e2e/e2e_supplies.sh tests/e2e/e2e_participation.sh \
	     tests/e2e/e2e_proxy.sh tests/e2e/e2e_control.sh \
	     tests/e2e/e2e_clock_step.sh tests/e2e/e2e_factory.sh \
	     tests/e2e/e2e_roles.sh tests/e2e/e2e_brief_poll.sh

$(B)/tests/unit/test_agent_state: $(B)/tests/unit/test_agent_state.o $(AGENT_LIB) $(PROTO_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) $(CHECK_LDLIBS)

$(B)/tests/unit/test_agent_loop: $(B)/tests/unit/test_agent_loop.o $(AGENT_LIB) $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) $(CHECK_LDLIBS)

$(B)/tests/unit/test_control: $(B)/tests/unit/test_control.o $(AGENT_LIB) $(B)/libesolctl.a $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) $(CHECK_LDLIBS)

UNIT_TESTS += $(B)/tests/unit/test_agent_state $(B)/tests/unit/test_agent_loop \
	      $(B)/tests/unit/test_control

$(B)/tests/unit/test_agent_supplies: $(B)/tests/unit/test_agent_supplies.o $(AGENT_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) $(CHECK_LDLIBS)

$(B)/tests/unit/test_agent_ids: $(B)/tests/unit/test_agent_ids.o $(AGENT_LIB) $(PROTO_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) $(CHECK_LDLIBS)

UNIT_TESTS += $(B)/tests/unit/test_agent_supplies $(B)/tests/unit/test_agent_ids

$(B)/tests/unit/test_agent_meter: $(B)/tests/unit/test_agent_meter.o $(AGENT_LIB) $(PROTO_A)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) $(CHECK_LDLIBS)

UNIT_TESTS += $(B)/tests/unit/test_agent_meter

# The whole agent (agent_new, its loop and timers, the transport) against
# the network tests' HTTPS server and a fake sysfs tree: when it polls.
CFLAGS_tests_unit_test_agent_sched := $(shell $(PKG_CONFIG) --cflags libcurl jansson libnl-genl-3.0)
$(B)/tests/unit/test_agent_sched: $(B)/tests/unit/test_agent_sched.o \
		$(B)/tests/unit/net_testsrv.o $(B)/tests/unit/fixtures/sysfs/pe_tree.o \
		$(ESOLD_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(ESOLD_LDLIBS) \
		$(shell $(PKG_CONFIG) --libs libmicrohttpd gnutls check)

UNIT_TESTS += $(B)/tests/unit/test_agent_sched

# The whole agent where the outside is hostile or the spool fails.
CFLAGS_tests_unit_test_agent_trust := $(CFLAGS_tests_unit_test_agent_sched)
$(B)/tests/unit/test_agent_trust: $(B)/tests/unit/test_agent_trust.o \
		$(B)/tests/unit/net_testsrv.o $(B)/tests/unit/fixtures/sysfs/pe_tree.o \
		$(ESOLD_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(ESOLD_LDLIBS) \
		$(shell $(PKG_CONFIG) --libs libmicrohttpd gnutls check)

UNIT_TESTS += $(B)/tests/unit/test_agent_trust

# The whole agent's control handler: the manual proxy's credentials, roles.
CFLAGS_tests_unit_test_agent_ctl := $(CFLAGS_tests_unit_test_agent_sched)
$(B)/tests/unit/test_agent_ctl: $(B)/tests/unit/test_agent_ctl.o \
		$(B)/tests/unit/fixtures/sysfs/pe_tree.o $(ESOLD_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(ESOLD_LDLIBS) $(CHECK_LDLIBS)

UNIT_TESTS += $(B)/tests/unit/test_agent_ctl

# The whole agent started on what a crash or a power cut left on disk.
CFLAGS_tests_unit_test_agent_crash := $(CFLAGS_tests_unit_test_agent_sched)
$(B)/tests/unit/test_agent_crash: $(B)/tests/unit/test_agent_crash.o \
		$(B)/tests/unit/net_testsrv.o $(B)/tests/unit/fixtures/sysfs/pe_tree.o \
		$(ESOLD_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(ESOLD_LDLIBS) \
		$(shell $(PKG_CONFIG) --libs libmicrohttpd gnutls check)

UNIT_TESTS += $(B)/tests/unit/test_agent_crash

# The documented limits against the code's constants.
$(B)/tests/unit/test_limits: $(B)/tests/unit/test_limits.o $(B)/libesolcore.a \
		$(B)/userspace/common/log.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LDLIBS)

UNIT_TESTS += $(B)/tests/unit/test_limits
