# SPDX-License-Identifier: GPL-2.0-only
# SPDX-FileCopyrightText: 2026 The esol authors
# tests/vm: the kernel module, tested in QEMU (make check-kmod runs
# scripts/vm-test.sh, which packs the guest programs into an initramfs).
#
# Guest test programs: a component's rules.mk appends its programs to
# GUEST_BINS (built by `make guest-build`), e.g.
#	GUEST_BINS += $(B)/guest/test_chrdev
# and shell tests (run by busybox sh in the guest) to GUEST_SCRIPTS.  Each
# prints TAP and exits non-zero on failure; see tests/vm/run-guest.sh.

GUEST_SCRIPTS += tests/vm/smoke.sh

.PHONY: guest-list

# The modules (for Debian's kernel) and every guest program.
guest-build: kmod $(GUEST_BINS)

# What scripts/vm-test.sh packs and runs, in order.
guest-list:
	@echo $(GUEST_SCRIPTS) $(GUEST_BINS)
