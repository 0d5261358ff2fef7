# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# ctl: esolctl, the control-socket CLI, and the control protocol
# (libesolctl.a) it shares with esold.
CTL_LIB := $(B)/libesolctl.a
CTL_LIB_OBJS := $(B)/userspace/ctl/ctlproto.o
CTL_LDLIBS := $(shell $(PKG_CONFIG) --libs jansson)

$(CTL_LIB): $(CTL_LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(B)/bin/esolctl: $(B)/userspace/ctl/esolctl.o $(CTL_LIB) $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CTL_LDLIBS)

LIBS += $(CTL_LIB)
BINS += $(B)/bin/esolctl

$(B)/tests/unit/test_control_proto: $(B)/tests/unit/test_control_proto.o $(CTL_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CTL_LDLIBS) $(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(B)/tests/unit/test_control_proto
