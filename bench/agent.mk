# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# bench-agent: the cost of a poll, esold next to SWUpdate's suricatta, the
# Mender client and collectd (write_http), in one run (bench/agent.sh):
# one table printed, build/bench/agent.json written, no assertions.
# Needs root (strace -p, unshare, a cpuacct cgroup), swupdate,
# mender-client, collectd-core and python3 (scripts/install-deps.sh).
.PHONY: bench-agent
bench-agent:
	$(MAKE) SAN=0 userspace
	bench/agent.sh

# bench-soak: esold's anonymous memory over BENCH_SOAK_EXCHANGES (10000)
# exchanges, each on a new connection (bench/soak.sh).
.PHONY: bench-soak
bench-soak:
	$(MAKE) SAN=0 userspace
	bench/soak.sh $(BENCH_SOAK_EXCHANGES)

# bench-device: the system calls of a poll exchange in the device image,
# esold on the real module (bench/device/run.sh; QEMU, a few minutes).
.PHONY: bench-device
bench-device: all
	bench/device/run.sh
