#!/bin/sh
# SPDX-License-Identifier: MIT
# make check: every stage in order, each timed. A stage's output goes to the
# terminal and to build/check-STAGE.out; the first stage that fails ends the
# run (as make would). At the end (or at that failure) a table of the
# stages' wall-clock times, also kept in build/check-times.txt, then one line
# summing the stages' "N passed, N failed" verdicts.
# Usage (from the Makefile): MAKE=make tests/check.sh
set -u
cd "$(dirname "$0")/.." || exit 1
MAKE=${MAKE:-make}
mkdir -p build
times=build/check-times.txt
: >"$times"
tp=0 tf=0
t0=$(date +%s)

# report: the table and the summed verdict; exits with STATUS.
report() {
	echo
	echo "check: stage times (s)"
	cat "$times"
	printf '  %-11s %6d\n' total $(($(date +%s) - t0))
	echo "check: $tp passed, $tf failed"
	exit "$1"
}

# stage NAME TARGET...: runs make TARGET..., timed; adds the last verdict
# line of its output (if any) to the sums.
stage() {
	name=$1
	shift
	out=build/check-$name.out
	s=$(date +%s)
	# The status of make, not of tee, through a file (POSIX sh has no
	# pipefail).
	{
		"$MAKE" --no-print-directory "$@" 2>&1
		echo $? >"$out.rc"
	} | tee "$out"
	rc=$(cat "$out.rc")
	rm -f "$out.rc"
	printf '  %-11s %6d\n' "$name" $(($(date +%s) - s)) >>"$times"
	v=$(tr -d '\r' <"$out" |
		grep -E '^[a-z0-9_.-]+: [0-9]+ passed, [0-9]+ failed' | tail -n1)
	if [ -n "$v" ]; then
		tp=$((tp + $(echo "$v" | sed 's/.*: \([0-9]*\) passed.*/\1/')))
		tf=$((tf + $(echo "$v" | sed 's/.* \([0-9]*\) failed.*/\1/')))
	fi
	if [ "$rc" -ne 0 ]; then
		echo "check: stage $name failed (exit $rc; output in $out)"
		[ -n "$v" ] && [ "$tf" -eq 0 ] && tf=1
		[ -z "$v" ] && tf=$((tf + 1))
		report 1
	fi
}

stage lint lint
stage build all asan
stage unit unit
stage unit-asan unit-asan
stage fuzz fuzz-check
stage host host-check
stage kernels kernels
stage vm vm-check
report 0
