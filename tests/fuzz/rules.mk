# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# fuzz: libFuzzer harnesses (clang-14, Debian libclang-rt-14-dev), built
# with ASan+UBSan into build/fuzz, one for every parser of outside input:
#   ctl_request     control-socket requests and replies (ctl/ctlproto.c)
#   config          esold.conf (core/config.c)
#   replies         the server's replies to the device (proto decoders,
#                   Retry-After, and esold's handling of a poll reply)
#   spool           spool recovery over a directory of fuzzed files
#   genl            generic netlink messages (lib/genl_decode.c)
#   server_request  the server's request decoding and handlers over an
#                   in-memory SQLite ledger
#   pac             the PAC helpers and evaluation (net/pac*.c)
#   proxy           PAC answers, proxy URLs, no_proxy, WPAD (net/proxy.c,
#                   noproxy.c, wpad.c)
#   state           the agent's state file (agent/state.c)
#   txlog           the transmission log, read and appended to (core/txlog.c)
#   creds           the manual proxy's credentials file (core/creds.c)
# `make check-fuzz FUZZ_SECONDS=N` (or `make fuzz`) runs each for N seconds
# (default 60) on its seed corpus tests/fuzz/seeds/NAME (a working corpus
# grows in build/fuzz/corpus/NAME), prints the executions and findings of
# each, writes build/results/fuzz and fails on a finding (crash-*, leak-*,
# timeout-* and oom-* files land in build/fuzz/findings/NAME).  A harness
# is tests/fuzz/fuzz_NAME.c; other components add theirs to FUZZ_TARGETS
# with a rule for $(FUZZ_B)/fuzz_NAME.
FUZZ_CC ?= clang-14
FUZZ_B := build/fuzz
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	      -fno-sanitize-recover=undefined -Wall -Wextra -Werror \
	      -Iinclude/uapi -Iuserspace
FUZZ_TARGETS += ctl_request config replies spool genl server_request pac proxy state txlog creds

$(FUZZ_B)/fuzz_ctl_request: tests/fuzz/fuzz_ctl_request.c userspace/ctl/ctlproto.c \
		userspace/ctl/ctlproto.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags jansson) -o $@ \
		$(filter %.c,$^) $(shell $(PKG_CONFIG) --libs jansson)

FUZZ_CONFIG_SRCS := userspace/core/config.c userspace/core/fsutil.c userspace/core/tz.c \
		    userspace/common/log.c userspace/common/escape.c
$(FUZZ_B)/fuzz_config: tests/fuzz/fuzz_config.c $(FUZZ_CONFIG_SRCS) userspace/core/config.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags inih libcurl) -o $@ \
		$(filter %.c,$^) $(shell $(PKG_CONFIG) --libs inih libcurl)

FUZZ_PROTO_SRCS := userspace/proto/proto.c userspace/proto/jsonio.c userspace/proto/names.c \
		   userspace/proto/ptime.c
FUZZ_REPLIES_SRCS := $(FUZZ_PROTO_SRCS) userspace/net/netres.c userspace/agent/meter.c \
		     userspace/agent/ids.c userspace/agent/supplies.c userspace/core/spool.c \
		     userspace/common/log.c userspace/common/escape.c
$(FUZZ_B)/fuzz_replies: tests/fuzz/fuzz_replies.c $(FUZZ_REPLIES_SRCS) \
		userspace/proto/proto.h userspace/net/netres.h userspace/agent/meter.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags jansson libcurl openssl zlib) \
		-o $@ $(filter %.c,$^) \
		$(shell $(PKG_CONFIG) --libs jansson libcurl openssl zlib)

FUZZ_SPOOL_SRCS := userspace/core/spool.c userspace/common/log.c userspace/common/escape.c
$(FUZZ_B)/fuzz_spool: tests/fuzz/fuzz_spool.c $(FUZZ_SPOOL_SRCS) userspace/core/spool.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags zlib) -o $@ \
		$(filter %.c,$^) $(shell $(PKG_CONFIG) --libs zlib)

FUZZ_GENL_SRCS := userspace/lib/genl_decode.c userspace/lib/valid.c userspace/lib/names.c
$(FUZZ_B)/fuzz_genl: tests/fuzz/fuzz_genl.c $(FUZZ_GENL_SRCS) userspace/lib/internal.h \
		userspace/lib/libprinteng.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(LIBPRINTENG_NL_CFLAGS) -o $@ \
		$(filter %.c,$^) $(LIBPRINTENG_LDLIBS)

# Every module of esol-server (its own list: a module split out or added
# there is linked here too), its main() aside.
FUZZ_SERVER_SRCS := $(patsubst %,userspace/server/%.c,$(SERVER_MODS)) \
		    $(FUZZ_PROTO_SRCS) userspace/common/log.c userspace/common/escape.c
$(FUZZ_B)/fuzz_server_request: tests/fuzz/fuzz_server_request.c $(FUZZ_SERVER_SRCS) \
		userspace/server/handlers.h userspace/server/ledger.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(SERVER_CFLAGS) -o $@ $(filter %.c,$^) $(SERVER_LIBS)

$(FUZZ_B)/fuzz_pac: tests/fuzz/fuzz_pac.c userspace/net/pac.c userspace/net/pac_js.c \
		userspace/net/pac_dns.c userspace/net/pac_ip.c userspace/net/pac.h \
		userspace/net/pac_dns.h userspace/net/pac_ip.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags duktape libidn2) -o $@ \
		$(filter %.c,$^) $(shell $(PKG_CONFIG) --libs duktape libidn2)

$(FUZZ_B)/fuzz_proxy: tests/fuzz/fuzz_proxy.c userspace/net/proxy.c userspace/net/noproxy.c \
		userspace/net/wpad.c userspace/net/proxy.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags libcurl libpsl) -o $@ \
		$(filter %.c,$^) $(shell $(PKG_CONFIG) --libs libcurl libpsl)

$(FUZZ_B)/fuzz_state: tests/fuzz/fuzz_state.c userspace/agent/state.c $(FUZZ_PROTO_SRCS) \
		userspace/agent/state.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags jansson) -o $@ \
		$(filter %.c,$^) $(shell $(PKG_CONFIG) --libs jansson)

FUZZ_TXLOG_SRCS := userspace/core/txlog.c userspace/core/fsutil.c userspace/common/escape.c \
		   userspace/common/log.c
$(FUZZ_B)/fuzz_txlog: tests/fuzz/fuzz_txlog.c $(FUZZ_TXLOG_SRCS) userspace/core/txlog.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) $(shell $(PKG_CONFIG) --cflags jansson) -o $@ \
		$(filter %.c,$^) $(shell $(PKG_CONFIG) --libs jansson)

$(FUZZ_B)/fuzz_creds: tests/fuzz/fuzz_creds.c userspace/core/creds.c userspace/core/creds.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $(filter %.c,$^)

FUZZ_BINS := $(patsubst %,$(FUZZ_B)/fuzz_%,$(FUZZ_TARGETS))

.PHONY: fuzz-build check-fuzz
fuzz-build: $(FUZZ_BINS)

# `make check-fuzz` (and `make fuzz`, its older name): every harness for
# FUZZ_SECONDS, one after the other; writes build/results/fuzz.
fuzz check-fuzz: $(FUZZ_BINS)
	tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
