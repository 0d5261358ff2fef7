#!/bin/sh
# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: 2026 The esol authors
# e2e: the wall clock stepped across the poll time, on a real kernel: the
# daily poll fires exactly once.  The agent's reaction lives in its
# CLOCK_REALTIME timerfd (TFD_TIMER_CANCEL_ON_SET -> ECANCELED), which only
# a real clock set triggers (libfaketime cannot: see docs/agent.md), and the
# host's clock must not be touched; so the whole agent (test_agent_sched,
# its "clock" cases: agent_new, the real loop and timerfds, the transport,
# an HTTPS server on the guest's loopback) runs in a QEMU guest under
# Debian's kernel, where it sets the clock (ESOL_TEST_SET_CLOCK=1).
# The host's test PKI and the UTC zone file go in with it.
. "$(dirname "$0")/lib.sh"
e2e_init clock_step

TEST_BIN=${TEST_AGENT_SCHED:-$TOP/build/san/tests/unit/test_agent_sched}
[ -x "$TEST_BIN" ] || fail "$TEST_BIN not built (make SAN=1 $TEST_BIN)"
command -v qemu-system-x86_64 >/dev/null || fail "qemu-system-x86_64 missing (scripts/install-deps.sh)"

mkdir -p "$T/payload/usr/share/zoneinfo/Etc" "$T/payload/tests"
"$MKPKI" "$T/payload/pki" >/dev/null
cp /usr/share/zoneinfo/UTC "$T/payload/usr/share/zoneinfo/UTC"
cp /usr/share/zoneinfo/Etc/UTC "$T/payload/usr/share/zoneinfo/Etc/UTC"
# The guest runs the "clock" cases only (the others run on the host);
# Check's TAP lines tell the guest runner each case's result.
{
	echo '#!/bin/sh'
	echo 'export ESOL_TEST_SET_CLOCK=1 ESOL_TEST_PKI=/pki CK_RUN_CASE=clock CK_TAP_LOG_FILE_NAME=-'
	echo "export ASAN_OPTIONS='$ASAN_OPTIONS' UBSAN_OPTIONS='$UBSAN_OPTIONS'"
	echo 'exec /tests/test_agent_sched'
} >"$T/payload/tests/test_agent_clock"
chmod 755 "$T/payload/tests/test_agent_clock"
echo test_agent_clock >"$T/tests.list"
"$TOP/scripts/mkinitramfs.sh" "$T/initrd.cpio.gz" --tests-list "$T/tests.list" \
	--payload "$T/payload" "$TEST_BIN" >"$T/mkinitramfs.log" 2>&1 ||
	fail "mkinitramfs: $(tail -n 5 "$T/mkinitramfs.log")"

log "booting the guest"
rc=0
"$TOP/scripts/vm-run.sh" --kernel debian --initrd "$T/initrd.cpio.gz" --timeout 240 \
	--log "$T/vm.log" --result "$T/vm.result" --quiet >"$T/vm-run.out" 2>&1 || rc=$?
tail -n 1 "$T/vm-run.out"
grep -E "^test_agent_clock: (ok|not ok)" "$T/vm.log" || true
[ "$rc" -eq 0 ] || fail "vm-run exited $rc: $(grep -E 'RESULT|not ok|GUEST-RESULT|Assertion|ERROR' "$T/vm.log" | head -n 20)"
# Both clock cases ran and passed (not merely an empty run).
[ "$(grep -c '^test_agent_clock: ok ' "$T/vm.log")" -eq 2 ] ||
	fail "expected 2 clock cases to pass: $(grep '^test_agent_clock:' "$T/vm.log" | tail -n 20)"
grep -q "RESULT test_agent_clock: PASS passed=2 failed=0" "$T/vm.log" ||
	fail "test_agent_sched's clock cases did not pass in the guest"
log "ok"
