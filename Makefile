# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# esol: top-level build.
#
#   make            build the kernel modules and all of userspace
#   make check      every test suite (unit, kernel in VM, end-to-end)
#   make check-unit Check suites of userspace, built with ASan+UBSan
#   make check-kmod the kernel module in QEMU (Debian kernel + debug kernel)
#   make check-e2e  esold against esol-server over real HTTPS
#   make check-install  make install, packagers' flags, exports, DKMS, reuse
#   make check-man  the man pages render without a warning and match the code
#   make check-systemd the installed files booted under systemd (Debian 12
#                   root by mmdebstrap) in QEMU: esold.service's checks
#   make check-device  the device image in QEMU: the whole chain as a test
#   make check-server  esol-server with PostgreSQL, nginx, instances, fleets
#   make torture    esold killed and the device's power cut at random in the
#                   device image (TORTURE_KILLS=N TORTURE_CUTS=M, defaults
#                   1000 and 50); make check-torture is a short run
#   make install    (install-device, install-dev, install-server; see below)
#   make demo       the whole exchange: the device image in QEMU, esold on
#                   the real module, esol-server on this host
#   make demo-host  the earlier demo (module in QEMU, exchange on the host)
#   make analyze    scan-build and gcc -fanalyzer over userspace, no finding
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

# The one version number: VERSION (binaries' --version, MODULE_VERSION,
# the library's real name, the pkg-config file, the man pages, DKMS).
ESOL_VERSION := $(shell cat VERSION)

# What packagers pass (Buildroot, Yocto, Debian), from the command line or
# the environment, is honoured and added to, never replaced: CC, AR,
# CFLAGS, CPPFLAGS, LDFLAGS, PKG_CONFIG, CROSS_COMPILE.  The flags the
# build needs are appended with "override".  ARCH (kernel naming: x86_64,
# arm64) is the target of the kernel modules and the device image.
CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
PKG_CONFIG ?= pkg-config
ARCH ?= $(shell uname -m)
KDIR ?= $(shell scripts/kdir.sh)

CFLAGS ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
# WERROR=0 for a compiler this tree was not tried with.
WERROR ?= 1
override CFLAGS += -std=gnu11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) \
	  -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
	  -fstack-protector-strong -fPIC
override CPPFLAGS += -D_GNU_SOURCE -D_FORTIFY_SOURCE=2 -Iinclude/uapi -Iuserspace \
	  -DESOL_VERSION='"$(ESOL_VERSION)"'
ifeq ($(SAN),1)
override CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=undefined -O1
override CPPFLAGS += -U_FORTIFY_SOURCE
override LDFLAGS += -fsanitize=address,undefined
endif

BINS :=
LIBS :=
UNIT_TESTS :=
E2E_TESTS :=
GUEST_BINS :=

.PHONY: all kmod userspace check check-unit check-kmod check-e2e check-install check-device analyze \
	torture check-torture demo demo-host \
	bench fuzz clean unit-build guest-build
all: kmod userspace man

# Every object depends on VERSION: a new version rebuilds what prints it.
$(B)/%.o: %.c VERSION
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CFLAGS_$(subst /,_,$*)) -MMD -MP -c -o $@ $<

-include $(sort $(wildcard userspace/*/rules.mk))
-include $(sort $(wildcard tests/*/rules.mk))
-include $(sort $(wildcard bench/rules.mk))
-include docs/man/rules.mk
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

# Install, packagers' flags, the library's exports, DKMS and licences.
check-install: all
	tests/install/check-install.sh

# The device in QEMU: the busybox image's two boots (the whole chain, a
# factory-fresh image) and the systemd boot; each writes its own result.
check-device: all
	ARCH=$(ARCH) tests/device/run.sh; r1=$$?; \
	tests/device/check-systemd.sh --result build/results/systemd; r2=$$?; \
	[ $$r1 -eq 0 ] && [ $$r2 -eq 0 ]

# The clang static analyzer and GCC's -fanalyzer over userspace: any
# finding fails.
analyze:
	scripts/analyze.sh

# The same installed files under real systemd: esold.service's Type=notify
# start, sandbox, watchdog, reload/stop, socket group, exposure score.
.PHONY: check-systemd
check-systemd: all
	tests/device/check-systemd.sh --result build/results/systemd

# Power cuts and crashes in the device image (docs/torture.md): the full
# run, and the short one make check runs (writes build/results/torture).
TORTURE_KILLS ?= 1000
TORTURE_CUTS ?= 50
torture: all $(TORTURE_REPLAY)
	ARCH=$(ARCH) tests/torture/run.sh --kills $(TORTURE_KILLS) --cuts $(TORTURE_CUTS)

check-torture: all $(TORTURE_REPLAY)
	ARCH=$(ARCH) tests/torture/run.sh --kills 40 --cuts 3 --result build/results/torture

check:
	scripts/check-all.sh

clean:
	rm -rf build
	$(MAKE) -C kmod KDIR=$(KDIR) clean || true

# (not in the device images' root filesystems, build/*/image/stage: Debian's
# invoke-rc.d is no makefile)
-include $(shell find $(B) -name stage -prune -o -name '*.d' -type f -print 2>/dev/null)

# The main job: the device image in QEMU, esold on the real module, the
# server on this host, the ledger matching the meters.
demo: all
	ARCH=$(ARCH) scripts/demo.sh

# The earlier demo: the module in QEMU, then the exchange on the host
# against a tree shaped like sysfs.
demo-host: all
	scripts/demo-host.sh

# ---------------------------------------------------------------------------
# Installation, split by who ships what:
#   install-device  what goes on the printer: esold, esolctl, printeng-stat,
#                   esol-proxy-test, the libprinteng runtime, the systemd
#                   unit + sysusers + tmpfiles, the busybox init script, the
#                   udev rule and mdev line, the default config (never
#                   overwritten), man pages, docs and licence texts
#   install-dev     libprinteng's headers (with the uapi header), the
#                   libprinteng.so link, libprinteng.a, libprinteng.pc
#   install-server  esol-server and its docs (the vendor's side)
#   install         all three;  uninstall removes what they put there
#   install-modules printeng.ko for the kernel of KDIR (DKMS: make -C kmod
#                   dkms-tree); the simulator is a test fixture, never
#                   installed
# DESTDIR and the directories below are honoured as Buildroot, Yocto and
# Debian pass them.  State and runtime paths (/var/lib/esol, /run/esol)
# are esold's compiled-in defaults and not derived from PREFIX.
PREFIX ?= /usr/local
EXEC_PREFIX ?= $(PREFIX)
BINDIR ?= $(EXEC_PREFIX)/bin
SBINDIR ?= $(EXEC_PREFIX)/sbin
LIBDIR ?= $(EXEC_PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
DOCDIR ?= $(DATADIR)/doc/esol
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
INITDIR ?= $(SYSCONFDIR)/init.d
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
UDEVRULESDIR ?= $(PREFIX)/lib/udev/rules.d
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL ?= install

# Files made from templates with the install paths filled in.
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	-e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
	-e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	-e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(ESOL_VERSION)|g'
INSTALL_GEN := $(B)/install
$(INSTALL_GEN)/esold.service: userspace/agent/init/esold.service.in VERSION FORCE
	@mkdir -p $(dir $@)
	$(SUBST) $< > $@.tmp && mv $@.tmp $@
$(INSTALL_GEN)/S80esold: userspace/agent/init/S80esold.in VERSION FORCE
	@mkdir -p $(dir $@)
	$(SUBST) $< > $@.tmp && mv $@.tmp $@
$(INSTALL_GEN)/libprinteng.pc: userspace/lib/libprinteng.pc.in VERSION FORCE
	@mkdir -p $(dir $@)
	$(SUBST) $< > $@.tmp && mv $@.tmp $@
.PHONY: FORCE
FORCE:

DEVICE_BINS := esolctl printeng-stat esol-proxy-test
DEVICE_DOCS := docs/agent.md docs/config.md docs/protocol.md docs/proxy.md
DEVICE_MAN := esold.8 esolctl.1 printeng-stat.1 esold.conf.5
DEV_MAN := libprinteng.3
SERVER_MAN := esol-server.8
man_path = $(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(1)))/$(1)

.PHONY: install install-device install-dev install-server install-modules \
	uninstall
install: install-device install-dev install-server

install-device: $(B)/bin/esold $(addprefix $(B)/bin/,$(DEVICE_BINS)) \
		$(LIBPRINTENG_SO) $(INSTALL_GEN)/esold.service \
		$(INSTALL_GEN)/S80esold $(addprefix $(B)/man/,$(DEVICE_MAN))
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)
	$(INSTALL) -m 0755 $(B)/bin/esold $(DESTDIR)$(SBINDIR)/esold
	$(INSTALL) -m 0755 $(addprefix $(B)/bin/,$(DEVICE_BINS)) $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0755 $(LIBPRINTENG_SO) $(DESTDIR)$(LIBDIR)/$(LIBPRINTENG_REALNAME)
	ln -sf $(LIBPRINTENG_REALNAME) $(DESTDIR)$(LIBDIR)/$(LIBPRINTENG_SONAME)
	$(INSTALL) -D -m 0644 $(INSTALL_GEN)/esold.service $(DESTDIR)$(UNITDIR)/esold.service
	$(INSTALL) -D -m 0644 userspace/agent/init/esol.sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/esol.conf
	$(INSTALL) -D -m 0644 userspace/agent/init/esol.tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/esol.conf
	$(INSTALL) -D -m 0755 $(INSTALL_GEN)/S80esold $(DESTDIR)$(INITDIR)/S80esold
	$(INSTALL) -D -m 0644 kmod/udev/90-printeng.rules $(DESTDIR)$(UDEVRULESDIR)/90-printeng.rules
	$(INSTALL) -D -m 0644 kmod/udev/printeng.mdev.conf $(DESTDIR)$(DATADIR)/esol/mdev.conf
	@# The default config: the admin's file is never overwritten.
	$(INSTALL) -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/esol
	[ -e $(DESTDIR)$(SYSCONFDIR)/esol/esold.conf ] || \
		$(INSTALL) -m 0640 userspace/agent/init/esold.conf $(DESTDIR)$(SYSCONFDIR)/esol/esold.conf
	$(INSTALL) -D -m 0644 userspace/agent/init/esold.conf $(DESTDIR)$(DATADIR)/esol/esold.conf.default
	$(foreach m,$(DEVICE_MAN),$(INSTALL) -D -m 0644 $(B)/man/$(m) $(call man_path,$(m)) &&) true
	$(INSTALL) -d $(DESTDIR)$(DOCDIR)/LICENSES
	$(INSTALL) -m 0644 $(DEVICE_DOCS) $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 0644 LICENSES/*.txt $(DESTDIR)$(DOCDIR)/LICENSES/

install-dev: $(LIBPRINTENG) $(LIBPRINTENG_SO) $(INSTALL_GEN)/libprinteng.pc \
		$(addprefix $(B)/man/,$(DEV_MAN))
	$(INSTALL) -D -m 0644 userspace/lib/libprinteng.h $(DESTDIR)$(INCLUDEDIR)/printeng/libprinteng.h
	$(INSTALL) -D -m 0644 include/uapi/linux/printeng.h $(DESTDIR)$(INCLUDEDIR)/printeng/linux/printeng.h
	$(INSTALL) -d $(DESTDIR)$(LIBDIR)
	ln -sf $(LIBPRINTENG_SONAME) $(DESTDIR)$(LIBDIR)/libprinteng.so
	$(INSTALL) -m 0644 $(LIBPRINTENG) $(DESTDIR)$(LIBDIR)/libprinteng.a
	$(INSTALL) -D -m 0644 $(INSTALL_GEN)/libprinteng.pc $(DESTDIR)$(PKGCONFIGDIR)/libprinteng.pc
	$(foreach m,$(DEV_MAN),$(INSTALL) -D -m 0644 $(B)/man/$(m) $(call man_path,$(m)) &&) true
	$(INSTALL) -D -m 0644 docs/libprinteng.md $(DESTDIR)$(DOCDIR)/libprinteng.md

install-server: $(B)/bin/esol-server $(addprefix $(B)/man/,$(SERVER_MAN))
	$(INSTALL) -D -m 0755 $(B)/bin/esol-server $(DESTDIR)$(SBINDIR)/esol-server
	$(foreach m,$(SERVER_MAN),$(INSTALL) -D -m 0644 $(B)/man/$(m) $(call man_path,$(m)) &&) true
	$(INSTALL) -D -m 0644 userspace/server/README.md $(DESTDIR)$(DOCDIR)/server/README.md
	$(INSTALL) -D -m 0644 docs/protocol.md $(DESTDIR)$(DOCDIR)/server/protocol.md

KRELEASE ?= $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
install-modules: kmod
	$(INSTALL) -D -m 0644 kmod/printeng.ko $(DESTDIR)/lib/modules/$(KRELEASE)/updates/printeng.ko
	depmod -b $(or $(DESTDIR),/) $(KRELEASE)

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/esold $(addprefix $(DESTDIR)$(BINDIR)/,$(DEVICE_BINS)) \
		$(DESTDIR)$(LIBDIR)/$(LIBPRINTENG_REALNAME) $(DESTDIR)$(LIBDIR)/$(LIBPRINTENG_SONAME) \
		$(DESTDIR)$(UNITDIR)/esold.service $(DESTDIR)$(SYSUSERSDIR)/esol.conf \
		$(DESTDIR)$(TMPFILESDIR)/esol.conf $(DESTDIR)$(INITDIR)/S80esold \
		$(DESTDIR)$(UDEVRULESDIR)/90-printeng.rules $(DESTDIR)$(DATADIR)/esol/mdev.conf \
		$(foreach m,$(DEVICE_MAN) $(DEV_MAN) $(SERVER_MAN),$(call man_path,$(m))) \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DEVICE_DOCS)) libprinteng.md \
			server/README.md server/protocol.md) \
		$(DESTDIR)$(INCLUDEDIR)/printeng/libprinteng.h \
		$(DESTDIR)$(INCLUDEDIR)/printeng/linux/printeng.h \
		$(DESTDIR)$(LIBDIR)/libprinteng.so $(DESTDIR)$(LIBDIR)/libprinteng.a \
		$(DESTDIR)$(PKGCONFIGDIR)/libprinteng.pc $(DESTDIR)$(SBINDIR)/esol-server
	rm -rf $(DESTDIR)$(DOCDIR)/LICENSES
	@# The config goes only if the admin never changed it.
	if cmp -s $(DESTDIR)$(SYSCONFDIR)/esol/esold.conf $(DESTDIR)$(DATADIR)/esol/esold.conf.default; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/esol/esold.conf; fi
	rm -f $(DESTDIR)$(DATADIR)/esol/esold.conf.default
	-rmdir $(DESTDIR)$(INCLUDEDIR)/printeng/linux $(DESTDIR)$(INCLUDEDIR)/printeng \
		$(DESTDIR)$(DOCDIR)/server $(DESTDIR)$(DOCDIR) $(DESTDIR)$(DATADIR)/esol \
		$(DESTDIR)$(SYSCONFDIR)/esol 2>/dev/null
