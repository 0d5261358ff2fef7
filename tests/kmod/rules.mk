# SPDX-License-Identifier: GPL-2.0-only
# SPDX-FileCopyrightText: 2026 The esol authors
# Guest tests of printeng.ko (run inside the VM by scripts/vm-test.sh).
# Each tests/kmod/test_*.c is one program, linked statically with the
# kt helper (and libnl-genl-3 for the netlink tests) into $(B)/guest/.
# test_compat32 carries an i386 build of compat32.c (-m32, gcc-multilib)
# to exercise the compat ioctl path; it skips without a 32-bit toolchain
# or a kernel without IA32 emulation.

# test_irqsupply last: a deadlock there freezes the guest, so the others
# report first.
KT_PROGS := $(filter-out test_irqsupply,$(sort $(patsubst tests/kmod/%.c,%,$(wildcard tests/kmod/test_*.c)))) \
	    $(filter test_irqsupply,$(patsubst tests/kmod/%.c,%,$(wildcard tests/kmod/test_*.c)))
KT_PROGS64 := $(filter-out test_compat32,$(KT_PROGS))
KT_BINS := $(addprefix $(B)/guest/,$(KT_PROGS))
KT_BINS64 := $(addprefix $(B)/guest/,$(KT_PROGS64))
KT_NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 2>/dev/null)
KT_NL_LIBS := $(shell $(PKG_CONFIG) --static --libs libnl-genl-3.0 2>/dev/null)

GUEST_BINS += $(KT_BINS)

CFLAGS_tests_kmod_test_genl += $(KT_NL_CFLAGS)

$(KT_BINS64): $(B)/guest/%: $(B)/tests/kmod/%.o $(B)/tests/kmod/kt.o
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ $^ $(LDFLAGS) \
		$(if $(filter test_genl,$*),$(KT_NL_LIBS)) -lpthread

# The i386 program, embedded into test_compat32 (see test_compat32.c).
$(B)/tests/kmod/compat32.i386: tests/kmod/compat32.c tests/kmod/kt.c tests/kmod/kt.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -m32 -static -o $@ tests/kmod/compat32.c tests/kmod/kt.c || \
	{ echo "tests/kmod: no 32-bit toolchain (gcc-multilib): test_compat32 will skip"; \
	  rm -f $@; touch $@; }

$(B)/guest/test_compat32: tests/kmod/test_compat32.c tests/kmod/kt.c tests/kmod/kt.h \
		$(B)/tests/kmod/compat32.i386
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ tests/kmod/test_compat32.c tests/kmod/kt.c \
		$(if $(shell test -s $(B)/tests/kmod/compat32.i386 && echo y),\
		-DKT_C32_PATH='"$(B)/tests/kmod/compat32.i386"')

.PHONY: kmod-guest-tests
kmod-guest-tests: $(KT_BINS)
