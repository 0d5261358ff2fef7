# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# webui: esol-webui, the administrator's web page (libmicrohttpd, OpenSSL,
# jansson, inih), its unit tests, make check-webui, and install-webui
# (hooked into install-device).
WEBUI_MODS := html form session ratelimit passwd ctlclient wconf engine zones \
	      timefmt pages page_status page_settings page_log tlscert app handlers style
WEBUI_PKGS := libmicrohttpd openssl jansson inih
WEBUI_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(WEBUI_PKGS))
WEBUI_LDLIBS := $(shell $(PKG_CONFIG) --libs $(WEBUI_PKGS) libnl-genl-3.0) -lpthread
WEBUI_LIB := $(B)/libesolwebui.a
WEBUI_OBJS := $(patsubst %,$(B)/userspace/webui/%.o,$(WEBUI_MODS))
$(foreach m,$(WEBUI_MODS) main,$(eval CFLAGS_userspace_webui_$(m) := $(WEBUI_CFLAGS)))
CFLAGS_userspace_webui_style += -I$(B)/gen/webui

# The stylesheet, built into the program as a byte array.
$(B)/gen/webui/style.css.inc: userspace/webui/style.css
	@mkdir -p $(dir $@)
	od -An -v -tx1 $< | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g' > $@.tmp && mv $@.tmp $@
$(B)/userspace/webui/style.o: $(B)/gen/webui/style.css.inc

$(WEBUI_LIB): $(WEBUI_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# core/tz (the poll's time zone) comes from libesolcore.
$(B)/bin/esol-webui: $(B)/userspace/webui/main.o $(WEBUI_LIB) $(CTL_LIB) $(CORE_LIB) \
		$(LIBPRINTENG) $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(WEBUI_LDLIBS)

LIBS += $(WEBUI_LIB)
BINS += $(B)/bin/esol-webui

# ---- unit tests
WEBUI_TESTS := html form session passwd pages conf ctlclient
$(foreach t,$(WEBUI_TESTS),$(eval CFLAGS_tests_unit_test_webui_$(t) := $(WEBUI_CFLAGS)))
CFLAGS_tests_unit_test_webui_conf += -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"'
$(patsubst %,$(B)/tests/unit/test_webui_%,$(WEBUI_TESTS)): $(B)/tests/unit/test_webui_%: \
		$(B)/tests/unit/test_webui_%.o $(WEBUI_LIB) $(CTL_LIB) $(CORE_LIB) \
		$(LIBPRINTENG) $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(WEBUI_LDLIBS) $(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(patsubst %,$(B)/tests/unit/test_webui_%,$(WEBUI_TESTS))

# ---- install: what goes on the printer with install-device
WEBUI_GEN := $(B)/install
$(WEBUI_GEN)/esol-webui.service: userspace/webui/init/esol-webui.service.in VERSION FORCE
	@mkdir -p $(dir $@)
	$(SUBST) $< > $@.tmp && mv $@.tmp $@
$(WEBUI_GEN)/S81esol-webui: userspace/webui/init/S81esol-webui.in VERSION FORCE
	@mkdir -p $(dir $@)
	$(SUBST) $< > $@.tmp && mv $@.tmp $@

.PHONY: install-webui uninstall-webui
install-device: install-webui
install-webui: $(B)/bin/esol-webui $(WEBUI_GEN)/esol-webui.service $(WEBUI_GEN)/S81esol-webui \
		$(B)/man/esol-webui.8
	$(INSTALL) -D -m 0755 $(B)/bin/esol-webui $(DESTDIR)$(SBINDIR)/esol-webui
	$(INSTALL) -D -m 0644 $(WEBUI_GEN)/esol-webui.service $(DESTDIR)$(UNITDIR)/esol-webui.service
	$(INSTALL) -D -m 0644 userspace/webui/init/esol-webui.sysusers.conf \
		$(DESTDIR)$(SYSUSERSDIR)/esol-webui.conf
	$(INSTALL) -D -m 0755 $(WEBUI_GEN)/S81esol-webui $(DESTDIR)$(INITDIR)/S81esol-webui
	@# The default config: the admin's file is never overwritten.
	$(INSTALL) -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/esol-webui
	[ -e $(DESTDIR)$(SYSCONFDIR)/esol-webui/esol-webui.conf ] || \
		$(INSTALL) -m 0644 userspace/webui/init/esol-webui.conf \
			$(DESTDIR)$(SYSCONFDIR)/esol-webui/esol-webui.conf
	$(INSTALL) -D -m 0644 userspace/webui/init/esol-webui.conf \
		$(DESTDIR)$(DATADIR)/esol/esol-webui.conf.default
	$(INSTALL) -D -m 0644 $(B)/man/esol-webui.8 $(call man_path,esol-webui.8)
	$(INSTALL) -D -m 0644 docs/webui.md $(DESTDIR)$(DOCDIR)/webui.md

uninstall: uninstall-webui
uninstall-webui:
	rm -f $(DESTDIR)$(SBINDIR)/esol-webui $(DESTDIR)$(UNITDIR)/esol-webui.service \
		$(DESTDIR)$(SYSUSERSDIR)/esol-webui.conf $(DESTDIR)$(INITDIR)/S81esol-webui \
		$(call man_path,esol-webui.8) $(DESTDIR)$(DOCDIR)/webui.md
	if cmp -s $(DESTDIR)$(SYSCONFDIR)/esol-webui/esol-webui.conf \
		$(DESTDIR)$(DATADIR)/esol/esol-webui.conf.default; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/esol-webui/esol-webui.conf; fi
	rm -f $(DESTDIR)$(DATADIR)/esol/esol-webui.conf.default
	-rmdir $(DESTDIR)$(SYSCONFDIR)/esol-webui 2>/dev/null

# ---- make check-webui: the webui Check suites, the host test, the browser
# test in the device image (needs the kernel module and the man pages for
# the image: make all).
.PHONY: check-webui
check-webui:
	$(MAKE) SAN=0 all
	$(MAKE) SAN=1 build/san/bin/esol-webui \
		$(patsubst %,build/san/tests/unit/test_webui_%,$(WEBUI_TESTS))
	tests/webui/check-webui.sh $(patsubst %,build/san/tests/unit/test_webui_%,$(WEBUI_TESTS))
