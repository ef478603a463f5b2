#!/bin/sh
# SPDX-License-Identifier: MIT
# make host-check: the tests that run on the build machine itself, outside the
# VM (the mount helpers against a made-up sysfs tree, `make install`, the man
# pages). Each tests/host/test_*.sh prints "<name>: N passed, N failed"
# (", N skipped" after it when it skipped something) and exits non-zero on
# failure; this prints "host: N passed, N failed" the same way.
set -u
cd "$(dirname "$0")/../.."
tp=0 tf=0 ts=0
for t in tests/host/test_*.sh; do
	[ -e "$t" ] || continue
	out=$(timeout 300 sh "$t" 2>&1)
	rc=$?
	echo "$out"
	line=$(echo "$out" | grep -E '^[a-z_]+: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' | tail -n1)
	if [ -z "$line" ]; then
		echo "$t: no verdict (exit $rc)"
		tf=$((tf + 1))
		continue
	fi
	p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed.*/\1/')
	f=$(echo "$line" | sed 's/.* \([0-9]*\) failed.*/\1/')
	sk=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped$/\1/p')
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + ${sk:-0}))
done
if [ "$ts" -gt 0 ]; then
	echo "host: $tp passed, $tf failed, $ts skipped"
else
	echo "host: $tp passed, $tf failed"
fi
[ "$tf" -eq 0 ]
