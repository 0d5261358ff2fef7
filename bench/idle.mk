# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# bench-idle: esold's idle footprint and cost per poll next to collectd's
# (one read plugin + write_http over HTTPS, every 10 s): figures printed,
# no assertions.  Needs root (strace -p) and collectd-core.
.PHONY: bench-idle
bench-idle:
	$(MAKE) SAN=0 userspace
	bench/idle.sh $(BENCH_IDLE_SECONDS)
