# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# bench/: benchmarks that print their figures (make bench).
BENCH_GUEST := $(B)/guest/bench_snapshot

$(B)/guest/bench_snapshot: bench/snapshot.c include/uapi/linux/printeng.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -static -o $@ bench/snapshot.c

.PHONY: bench bench-kmod
bench-kmod: kmod
	$(MAKE) -C bench/kmod KDIR=$(KDIR)

bench: bench-kmod $(BENCH_GUEST)
	scripts/bench.sh
-include bench/idle.mk
-include bench/agent.mk
