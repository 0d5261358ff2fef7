# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# common: code every userspace esol program links (logging, escaping outside text).
COMMON_OBJS := $(B)/userspace/common/log.o $(B)/userspace/common/escape.o

$(B)/tests/unit/test_escape: $(B)/tests/unit/test_escape.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs check)

$(B)/tests/unit/test_log: $(B)/tests/unit/test_log.o $(B)/userspace/common/log.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(B)/tests/unit/test_escape $(B)/tests/unit/test_log
