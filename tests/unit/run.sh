#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every cmocka test binary in a directory; sum cmocka's verdicts.
# Usage: tests/unit/run.sh build/tests
dir=${1:-build/tests}
passed=0
failed=0
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT

# The fault tests install their own SIGSEGV/SIGBUS handler: let them
# (ASan would otherwise keep its own); harmless for plain builds.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_segv_handler=1:detect_leaks=1
UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1
export ASAN_OPTIONS UBSAN_OPTIONS

for t in "$dir"/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	echo "== $t"
	timeout 60 "$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s).*/\1/p' "$out" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	# A crash, a timeout or a sanitizer report ends without a verdict.
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$t: exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
