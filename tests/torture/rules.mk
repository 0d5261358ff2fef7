# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# tests/torture: power cuts and crashes in the device image (make torture,
# make check-torture; see docs/torture.md).  The host's write-log replayer
# is built here; the rest are scripts.

TORTURE_REPLAY := $(B)/tests/torture/torture-replay

$(TORTURE_REPLAY): $(B)/tests/torture/replay.o
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^
