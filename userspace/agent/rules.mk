# agent: esold, the device agent.  Its modules go into libagent.a so the
# unit tests link the same objects as the daemon.
# (Other components' rules.mk may be read after this one: their variables
# are empty here, so prerequisites name their archives by path.)
AGENT_LIB := $(B)/libagent.a
AGENT_LIB_OBJS := $(B)/userspace/agent/loop.o $(B)/userspace/agent/control.o \
		  $(B)/userspace/agent/state.o $(B)/userspace/agent/supplies.o \
		  $(B)/userspace/agent/ids.o $(B)/userspace/agent/meter.o
AGENT_LDLIBS := $(shell $(PKG_CONFIG) --libs jansson libcrypto)
PROTO_A := $(B)/libproto.a
CHECK_LDLIBS := $(shell $(PKG_CONFIG) --libs check)

$(AGENT_LIB): $(AGENT_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

LIBS += $(AGENT_LIB)

$(B)/tests/unit/test_agent_state: $(B)/tests/unit/test_agent_state.o $(AGENT_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) $(CHECK_LDLIBS)

$(B)/tests/unit/test_agent_loop: $(B)/tests/unit/test_agent_loop.o $(AGENT_LIB) $(B)/userspace/common/log.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(AGENT_LDLIBS) $(CHECK_LDLIBS)

$(B)/tests/unit/test_control: $(B)/tests/unit/test_control.o $(AGENT_LIB) $(B)/libesolctl.a $(B)/userspace/common/log.o
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
