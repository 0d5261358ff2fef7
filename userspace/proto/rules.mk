# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# proto: the esol wire protocol (JSON), used by esold and esol-server.
PROTO_OBJS := $(B)/userspace/proto/proto.o $(B)/userspace/proto/jsonio.o \
	      $(B)/userspace/proto/names.o $(B)/userspace/proto/ptime.o
PROTO_LIBS := $(shell $(PKG_CONFIG) --libs jansson)
CFLAGS_userspace_proto_proto := $(shell $(PKG_CONFIG) --cflags jansson)
CFLAGS_userspace_proto_jsonio := $(shell $(PKG_CONFIG) --cflags jansson)

$(B)/libproto.a: $(PROTO_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

LIBS += $(B)/libproto.a

$(B)/tests/unit/test_proto: $(B)/tests/unit/test_proto.o $(B)/libproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PROTO_LIBS) $(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(B)/tests/unit/test_proto
