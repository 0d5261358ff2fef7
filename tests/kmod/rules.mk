# Guest tests of printeng.ko (run inside the VM by scripts/vm-test.sh).
# Each tests/kmod/test_*.c is one program, linked statically with the
# kt helper (and libnl-genl-3 for the netlink tests) into $(B)/guest/.

KT_PROGS := $(sort $(patsubst tests/kmod/%.c,%,$(wildcard tests/kmod/test_*.c)))
KT_BINS := $(addprefix $(B)/guest/,$(KT_PROGS))
KT_NL_CFLAGS := $(shell $(PKG_CONFIG) --cflags libnl-genl-3.0 2>/dev/null)
KT_NL_LIBS := $(shell $(PKG_CONFIG) --static --libs libnl-genl-3.0 2>/dev/null)

GUEST_BINS += $(KT_BINS)

CFLAGS_tests_kmod_test_genl += $(KT_NL_CFLAGS)

$(KT_BINS): $(B)/guest/%: $(B)/tests/kmod/%.o $(B)/tests/kmod/kt.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -static -o $@ $^ $(LDFLAGS) \
		$(if $(filter test_genl,$*),$(KT_NL_LIBS)) -lpthread

.PHONY: kmod-guest-tests
kmod-guest-tests: $(KT_BINS)
