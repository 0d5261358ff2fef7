# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# esol: top-level build.
#
#   make            build the kernel modules and all of userspace
#   make check      every test suite (unit, kernel in VM, end-to-end)
#   make check-unit Check suites of userspace, built with ASan+UBSan
#   make check-kmod the kernel module in QEMU (Debian kernel + debug kernel)
#   make check-e2e  esold against esol-server over real HTTPS
#   make check-server  esol-server with PostgreSQL, nginx, instances, fleets
#   make demo       the whole exchange, in the VM
#   make bench      benchmarks (print figures)
#   make bench-fleet DEVICES="1000 10000"  a fleet day against esol-server
#   make clean
#
# Userspace is one non-recursive make: each component has a rules.mk that
# appends to BINS, LIBS, UNIT_TESTS and E2E_TESTS, and builds its objects
# through the pattern rule below into $(B).  SAN=1 builds with
# AddressSanitizer and UndefinedBehaviorSanitizer into build/san.

SAN ?= 0
ifeq ($(SAN),1)
B ?= build/san
else
B ?= build
endif

KDIR ?= $(shell scripts/kdir.sh)
PKG_CONFIG ?= pkg-config

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
	  -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	  -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIC \
	  -Iinclude/uapi -Iuserspace
LDFLAGS ?=
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=undefined -O1 -U_FORTIFY_SOURCE
LDFLAGS += -fsanitize=address,undefined
endif

BINS :=
LIBS :=
UNIT_TESTS :=
E2E_TESTS :=
GUEST_BINS :=

.PHONY: all kmod userspace check check-unit check-kmod check-e2e demo \
	bench fuzz clean unit-build guest-build
all: kmod userspace

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(CFLAGS_$(subst /,_,$*)) -MMD -MP -c -o $@ $<

-include $(sort $(wildcard userspace/*/rules.mk))
-include $(sort $(wildcard tests/*/rules.mk))
-include $(sort $(wildcard bench/rules.mk))
-include bench/fleet/rules.mk

userspace: $(LIBS) $(BINS)

kmod:
	$(MAKE) -C kmod KDIR=$(KDIR)

unit-build: $(UNIT_TESTS)

check-unit:
	$(MAKE) SAN=1 unit-build
	scripts/run-unit.sh $(patsubst %,build/san/%,$(patsubst $(B)/%,%,$(UNIT_TESTS)))

check-kmod:
	scripts/vm-test.sh

# The agent under test is the ASan+UBSan build (build/san/bin/esold; and
# test_agent_sched, which e2e_clock_step runs in a QEMU guest); the server,
# esolctl and the helpers are the plain build.  No kernel module.
check-e2e:
	$(MAKE) SAN=0 userspace
	$(MAKE) SAN=1 build/san/bin/esold build/san/tests/unit/test_agent_sched
	ESOLD=build/san/bin/esold scripts/run-e2e.sh $(E2E_TESTS)

check:
	scripts/check-all.sh

clean:
	rm -rf build
	$(MAKE) -C kmod KDIR=$(KDIR) clean || true

-include $(shell find $(B) -name '*.d' 2>/dev/null)

demo: all
	scripts/demo.sh
