# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# tools: printeng-stat, the field technician's view of a print engine.
PRINTENG_STAT_OBJS := $(B)/userspace/tools/printeng-stat.o \
		      $(B)/userspace/tools/statfmt.o
PRINTENG_STAT_LDLIBS := $(shell $(PKG_CONFIG) --libs jansson libnl-genl-3.0)
CFLAGS_userspace_tools_statfmt := $(shell $(PKG_CONFIG) --cflags jansson)
CFLAGS_userspace_tools_printeng-stat := $(shell $(PKG_CONFIG) --cflags jansson)

$(B)/bin/printeng-stat: $(PRINTENG_STAT_OBJS) $(B)/libprinteng.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PRINTENG_STAT_LDLIBS)

BINS += $(B)/bin/printeng-stat

# Unit test of the formats, and of the printeng-stat binary run on fake
# sysfs trees.
$(B)/tests/unit/test_libprinteng_stat: $(B)/tests/unit/test_libprinteng_stat.o \
		$(B)/userspace/tools/statfmt.o \
		$(B)/tests/unit/fixtures/sysfs/pe_tree.o $(B)/libprinteng.a \
		$(B)/bin/printeng-stat
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(B)/bin/%,$^) $(PRINTENG_STAT_LDLIBS) \
		$(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(B)/tests/unit/test_libprinteng_stat
