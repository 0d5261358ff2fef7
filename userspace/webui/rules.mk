# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# webui: esol-webui, the administrator's web page (libmicrohttpd, OpenSSL,
# jansson, inih), its unit tests, make check-webui, and install-webui
# (hooked into install-device).
WEBUI_MODS := html form session ratelimit passwd ctlclient wconf engine zones \
	      timefmt pages tlscert app style
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
WEBUI_TESTS := html form session passwd pages conf
$(foreach t,$(WEBUI_TESTS),$(eval CFLAGS_tests_unit_test_webui_$(t) := $(WEBUI_CFLAGS)))
CFLAGS_tests_unit_test_webui_conf += -DFIXTURES='"$(CURDIR)/tests/unit/fixtures"'
$(patsubst %,$(B)/tests/unit/test_webui_%,$(WEBUI_TESTS)): $(B)/tests/unit/test_webui_%: \
		$(B)/tests/unit/test_webui_%.o $(WEBUI_LIB) $(CTL_LIB) $(CORE_LIB) \
		$(LIBPRINTENG) $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(WEBUI_LDLIBS) $(shell $(PKG_CONFIG) --libs check)

UNIT_TESTS += $(patsubst %,$(B)/tests/unit/test_webui_%,$(WEBUI_TESTS))
