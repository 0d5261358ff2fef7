# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# core: esold's pure modules -- config (INI), proxy credentials files,
# time zones and the daily schedule, the schedule's wall-clock timer,
# back-off, the spool, the transmission log.  No network code.
# Link $(CORE_LIB) $(COMMON_OBJS) with $(CORE_LDLIBS).
CORE_LIB := $(B)/libesolcore.a
CORE_MODS := fsutil tz schedule schedtimer backoff spool txlog creds credstore config
CORE_OBJS := $(patsubst %,$(B)/userspace/core/%.o,$(CORE_MODS))
CORE_PKGS := inih jansson zlib libcurl
CORE_LDLIBS := $(shell $(PKG_CONFIG) --libs $(CORE_PKGS))
CORE_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(CORE_PKGS))
$(foreach m,$(CORE_MODS),$(eval CFLAGS_userspace_core_$(m) := $(CORE_CFLAGS)))

$(CORE_LIB): $(CORE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

LIBS += $(CORE_LIB)

CORE_TESTS := config schedule spool txlog backoff
$(foreach t,$(CORE_TESTS),$(eval CFLAGS_tests_unit_test_$(t) := $(CORE_CFLAGS)))

$(patsubst %,$(B)/tests/unit/test_%,$(CORE_TESTS)): $(B)/tests/unit/test_%: \
		$(B)/tests/unit/test_%.o $(CORE_LIB) $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(CORE_LDLIBS) $(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(patsubst %,$(B)/tests/unit/test_%,$(CORE_TESTS))
