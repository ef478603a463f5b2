# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Pass/fail/skip counting for the shell tests, shared by the guest's
# (tests/integration/lib.sh) and the build machine's (tests/host/lib.sh).
# Each helper returns its verdict (pass and skip 0, fail 1), so a helper
# that ends in one of them returns it too. finish prints
# "<name>: N passed, N failed" (and ", N skipped" when something was
# skipped; tests/vm and tests/host/run.sh parse the line) and exits
# non-zero on any failure.
TEST_NAME=$(basename "$0" .sh)
PASS=0 FAIL=0 SKIP=0
pass() {
	PASS=$((PASS + 1))
	echo "ok - $*"
	return 0
}
fail() {
	FAIL=$((FAIL + 1))
	echo "FAIL - $*"
	return 1
}
# skip WHY: a check or a whole test that cannot run here; not a pass.
skip() {
	SKIP=$((SKIP + 1))
	echo "skip - $*"
	return 0
}
finish() {
	if [ "$SKIP" -gt 0 ]; then
		echo "$TEST_NAME: $PASS passed, $FAIL failed, $SKIP skipped"
	else
		echo "$TEST_NAME: $PASS passed, $FAIL failed"
	fi
	[ "$FAIL" -eq 0 ]
	exit $?
}
