# SPDX-License-Identifier: MIT
# Helpers for the tests on the build machine (tests/host/test_*.sh, sourced
# from the top of the tree): a temporary directory $T removed at exit,
# pass/fail counting, and finish, which prints "<name>: N passed, N failed"
# and exits non-zero on any failure.
TEST_NAME=$(basename "$0" .sh)
PASS=0 FAIL=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass() {
	PASS=$((PASS + 1))
	echo "ok - $*"
}
fail() {
	FAIL=$((FAIL + 1))
	echo "FAIL - $*"
}
finish() {
	echo "$TEST_NAME: $PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	exit $?
}
