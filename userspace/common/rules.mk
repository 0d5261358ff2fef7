# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# common: code every userspace esol program links (logging).
COMMON_OBJS := $(B)/userspace/common/log.o

$(B)/tests/unit/test_log: $(B)/tests/unit/test_log.o $(B)/userspace/common/log.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(B)/tests/unit/test_log
