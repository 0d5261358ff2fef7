# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# net: esold's network layer - the HTTPS transport (libcurl multi-socket,
# OpenSSL; its TLS material parsed once: tlsconf), proxy selection (manual,
# environment, WPAD/PAC) and the PAC evaluator (duktape, in a capped child process) - in libesolnet.a, and the
# field tool esol-proxy-test.
NET_LIB := $(B)/libesolnet.a
NET_LIB_OBJS := $(B)/userspace/net/transport.o $(B)/userspace/net/tlsconf.o \
		$(B)/userspace/net/netsync.o \
		$(B)/userspace/net/netres.o $(B)/userspace/net/proxy.o \
		$(B)/userspace/net/noproxy.o $(B)/userspace/net/wpad.o \
		$(B)/userspace/net/pac.o $(B)/userspace/net/pac_js.o \
		$(B)/userspace/net/pac_dns.o $(B)/userspace/net/pac_ip.o
# Link with: $(NET_LIB) $(COMMON_OBJS) $(NET_LDLIBS)
NET_LDLIBS := $(shell $(PKG_CONFIG) --libs libcurl duktape libpsl libidn2 openssl)
NET_CHECK_LDLIBS := $(shell $(PKG_CONFIG) --libs check)
NET_TEST_LDLIBS := $(shell $(PKG_CONFIG) --libs libmicrohttpd gnutls)
CFLAGS_userspace_net_pac := $(shell $(PKG_CONFIG) --cflags duktape)
CFLAGS_userspace_net_transport := $(shell $(PKG_CONFIG) --cflags libcurl)
CFLAGS_userspace_net_tlsconf := $(shell $(PKG_CONFIG) --cflags libcurl openssl)
CFLAGS_userspace_net_wpad := $(shell $(PKG_CONFIG) --cflags libpsl)
CFLAGS_userspace_net_pac_dns := $(shell $(PKG_CONFIG) --cflags libidn2)

$(NET_LIB): $(NET_LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

LIBS += $(NET_LIB)

$(B)/bin/esol-proxy-test: $(B)/userspace/net/esol-proxy-test.o $(NET_LIB) $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LDLIBS)

BINS += $(B)/bin/esol-proxy-test

$(B)/tests/unit/test_proxy: $(B)/tests/unit/test_proxy.o $(B)/tests/unit/net_testsrv.o $(NET_LIB) $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LDLIBS) $(NET_TEST_LDLIBS) $(NET_CHECK_LDLIBS)

$(B)/tests/unit/test_pac: $(B)/tests/unit/test_pac.o $(B)/tests/unit/slowdns.o $(NET_LIB) $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LDLIBS) $(NET_CHECK_LDLIBS)

$(B)/tests/unit/test_transport: $(B)/tests/unit/test_transport.o $(B)/tests/unit/net_testsrv.o $(NET_LIB) $(B)/userspace/common/log.o $(B)/userspace/common/escape.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(NET_LDLIBS) $(NET_TEST_LDLIBS) $(NET_CHECK_LDLIBS)

UNIT_TESTS += $(B)/tests/unit/test_transport $(B)/tests/unit/test_proxy \
	      $(B)/tests/unit/test_pac

# A PAC file's DNS lookup against a slow name server, the whole agent (in
# private network and mount namespaces; the test builds tests/e2e/slowdns).
E2E_TESTS += tests/e2e/e2e_pac_dns.sh
