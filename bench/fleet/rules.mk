# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# bench/fleet: esol-fleet, a fleet of simulated printers against esol-server
# behind nginx (PostgreSQL or SQLite), and `make bench-fleet DEVICES=N`.
FLEET_PKGS := libcurl openssl jansson
FLEET_MODS := fleet msgs pki sched
$(foreach m,$(FLEET_MODS),$(eval CFLAGS_bench_fleet_$(m) := $(shell $(PKG_CONFIG) --cflags $(FLEET_PKGS))))

# the agent's ids.o: a simulated device's identity tag is esold's
$(B)/bin/esol-fleet: $(patsubst %,$(B)/bench/fleet/%.o,$(FLEET_MODS)) $(B)/userspace/agent/ids.o \
		     $(B)/libproto.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs $(FLEET_PKGS))

BINS += $(B)/bin/esol-fleet

DEVICES ?= 1000
.PHONY: bench-fleet
bench-fleet: $(B)/bin/esol-server $(B)/bin/esol-fleet
	bench/fleet/bench-fleet.sh $(DEVICES)
