#!/bin/sh
# SPDX-License-Identifier: MIT
# counters: one "name value" per line, the names the contract promises.
. "$(dirname "$0")/lib.sh"
require_mount

for d in $ALL_DEVS; do
	f=$M/$d/counters
	check "$d counters: every line is 'name number'" \
		awk 'NF != 2 || $2 !~ /^[0-9]+$/ { bad = 1 } END { exit bad || NR == 0 }' "$f"
	names="config.reads config.writes resets"
	for b in $(ls "$M/$d" | grep '^bar[0-5]$'); do
		names="$names $b.mmap_reads $b.mmap_writes $b.fallback_reads $b.fallback_writes $b.faults"
	done
	missing=""
	for n in $names; do
		grep -q "^$n [0-9][0-9]*\$" "$f" || missing="$missing $n"
	done
	check_eq "$d counters has all required names" "" "$missing"
	check_eq "$d counters has no duplicate names" "" "$(awk '{ print $1 }' "$f" | sort | uniq -d | tr '\n' ' ')"
	check_errno "$d counters cannot be written" EACCES put 0 "$f"
done

finish
