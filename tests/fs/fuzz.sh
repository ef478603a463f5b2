#!/bin/sh
# SPDX-License-Identifier: MIT
# Run the fs/ fuzzer (tests/fs/fuzz_fs.c) for SECONDS; print the executions
# and whether anything was reported. Usage: tests/fs/fuzz.sh BUILDDIR SECONDS
set -eu
dir=$1 secs=$2
bin=$dir/fuzz_fs
mkdir -p "$dir/corpus"
seeds=$(dirname "$0")/corpus
log=$dir/fuzz.log
# Leaks are checked on every input; the harness's own checks abort.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}print_stacktrace=1
echo "fuzz: $bin for $secs s (log $log)"
set +e
# -timeout: one input may take at most 10 s; the whole run is bounded too.
timeout -k 10 $((secs + 120)) "$bin" -max_total_time="$secs" -timeout=10 \
	-rss_limit_mb=2048 -max_len=512 -print_final_stats=1 \
	-artifact_prefix="$dir/" "$dir/corpus" "$seeds" >"$log" 2>&1
rc=$?
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n1)
if [ "$rc" -ne 0 ]; then
	tail -n 60 "$log"
	echo "fuzz: FAILED (exit $rc) after ${runs:-?} executions; the input is in $dir/crash-* (or leak-*, timeout-*)"
	exit 1
fi
echo "fuzz: ${runs:-?} executions in $secs s, no report"
