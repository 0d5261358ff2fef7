# SPDX-License-Identifier: LGPL-2.1-or-later
# SPDX-FileCopyrightText: 2026 The esol authors
# lib: libprinteng, the only userspace code that knows the printeng kernel
# ABI (chrdev, sysfs, generic netlink).  $(B)/libprinteng.a for programs
# of this tree; for others the shared library, real name
# libprinteng.so.0.MINOR.PATCH (from VERSION), soname libprinteng.so.0,
# exporting exactly the list in libprinteng.map.
# Link with: $(LIBPRINTENG) $(LIBPRINTENG_LDLIBS)
LIBPRINTENG := $(B)/libprinteng.a
LIBPRINTENG_SONAME := libprinteng.so.0
LIBPRINTENG_REALNAME := libprinteng.so.0.$(word 2,$(subst ., ,$(ESOL_VERSION))).$(word 3,$(subst ., ,$(ESOL_VERSION)))
LIBPRINTENG_SO := $(B)/$(LIBPRINTENG_REALNAME)
LIBPRINTENG_OBJS := $(addprefix $(B)/userspace/lib/,names.o ctx.o valid.o \
		    sysfs.o device.o genl_decode.o genl.o)
LIBPRINTENG_NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0)
LIBPRINTENG_LDLIBS := $(shell $(PKG_CONFIG) --libs libnl-genl-3.0)
LIBPRINTENG_STATIC_LDLIBS := $(shell $(PKG_CONFIG) --static --libs libnl-genl-3.0)

CFLAGS_userspace_lib_genl := $(LIBPRINTENG_NL_CFLAGS)
CFLAGS_userspace_lib_genl_decode := $(LIBPRINTENG_NL_CFLAGS)

$(LIBPRINTENG): $(LIBPRINTENG_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LIBPRINTENG_SO): $(LIBPRINTENG_OBJS) userspace/lib/libprinteng.map
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(LIBPRINTENG_SONAME) \
		-Wl,--version-script=userspace/lib/libprinteng.map \
		-o $@ $(LIBPRINTENG_OBJS) $(LIBPRINTENG_LDLIBS)

LIBS += $(LIBPRINTENG) $(LIBPRINTENG_SO)

# Unit tests (host): fake sysfs trees, netlink messages built with libnl.
LIBPRINTENG_TEST_FIXTURE := $(B)/tests/unit/fixtures/sysfs/pe_tree.o
CFLAGS_tests_unit_test_libprinteng_genl := $(LIBPRINTENG_NL_CFLAGS)

$(B)/tests/unit/test_libprinteng: $(B)/tests/unit/test_libprinteng.o \
		$(LIBPRINTENG_TEST_FIXTURE) $(LIBPRINTENG)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBPRINTENG_LDLIBS) -lpthread \
		$(shell $(PKG_CONFIG) --libs check)

$(B)/tests/unit/test_libprinteng_genl: $(B)/tests/unit/test_libprinteng_genl.o \
		$(LIBPRINTENG)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBPRINTENG_LDLIBS) \
		$(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(B)/tests/unit/test_libprinteng $(B)/tests/unit/test_libprinteng_genl

# Guest test (in the VM, real modules): static, with the kt TAP helper of
# tests/kmod.
$(B)/guest/test_libprinteng: $(B)/tests/vm/test_libprinteng.o \
		$(B)/tests/kmod/kt.o $(LIBPRINTENG_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ $^ $(LDFLAGS) \
		$(LIBPRINTENG_STATIC_LDLIBS) -lpthread

GUEST_BINS += $(B)/guest/test_libprinteng
