# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# server: esol-server, the reference Communication Server (HTTPS with
# libmicrohttpd/GnuTLS, SQLite ledger), and its ledger CLI subcommands.
SERVER_PKGS := libmicrohttpd gnutls sqlite3 libpq jansson
SERVER_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(SERVER_PKGS))
SERVER_LIBS := $(shell $(PKG_CONFIG) --libs $(SERVER_PKGS)) -lpthread

SERVER_MODS := cycle idtag db db_sqlite db_pg ledger_schema ledger_sql ledger pool pollbook pollcache pgwatch workq export policy fault capture tlsauth tlsfront handlers http server cli allowlist
SERVER_OBJS := $(patsubst %,$(B)/userspace/server/%.o,$(SERVER_MODS))
$(foreach m,$(SERVER_MODS) main,$(eval CFLAGS_userspace_server_$(m) := $(SERVER_CFLAGS)))

$(B)/libesolserver.a: $(SERVER_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/bin/esol-server: $(B)/userspace/server/main.o $(B)/libesolserver.a $(B)/libproto.a $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(SERVER_LIBS)

LIBS += $(B)/libesolserver.a
BINS += $(B)/bin/esol-server

SERVER_TEST_LIBS := $(B)/libesolserver.a $(B)/libproto.a $(COMMON_OBJS) $(SERVER_LIBS) \
		    $(shell $(PKG_CONFIG) --libs check)

$(B)/tests/unit/test_server_ledger: $(B)/tests/unit/test_server_ledger.o $(B)/libesolserver.a $(B)/libproto.a $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(SERVER_TEST_LIBS)

$(B)/tests/unit/test_server_http: $(B)/tests/unit/test_server_http.o $(B)/libesolserver.a $(B)/libproto.a $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(SERVER_TEST_LIBS) $(shell $(PKG_CONFIG) --libs libcurl openssl)

$(B)/tests/unit/test_server_allowlist: $(B)/tests/unit/test_server_allowlist.o $(B)/libesolserver.a $(B)/libproto.a $(COMMON_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< $(SERVER_TEST_LIBS)

CFLAGS_tests_unit_test_server_ledger := $(SERVER_CFLAGS)
CFLAGS_tests_unit_test_server_allowlist := $(SERVER_CFLAGS)
CFLAGS_tests_unit_test_server_http := $(SERVER_CFLAGS) $(shell $(PKG_CONFIG) --cflags libcurl)

UNIT_TESTS += $(B)/tests/unit/test_server_ledger $(B)/tests/unit/test_server_http \
	      $(B)/tests/unit/test_server_allowlist
