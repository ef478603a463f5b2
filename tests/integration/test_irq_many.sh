#!/bin/sh
# SPDX-License-Identifier: MIT
# 1000 reads blocked at once across 20 nvme vectors: other files answer
# promptly, the daemon keeps one thread, and all 1000 wake when their
# vectors fire.
. "$(dirname "$0")/lib.sh"
require_mount

n=$M/$NVME/irq
pid=$(vfiofs_pids | awk '{ print $1 }')
threads() { awk '/^Threads:/ { print $2 }' "/proc/$pid/status"; }
# timed CMD...: run CMD, print its time in ms.
timed() { irqtool time "$@" 2>&1 >/dev/null | awk '/^time/ { print int($2 / 1000) }'; }

t0=$(threads)
check "the daemon's thread count is known ($t0)" is_num "$t0"
files=""
v=0
while [ $v -lt 20 ]; do files="$files $n/$v/events"; v=$((v + 1)); done
# shellcheck disable=SC2086
irqtool readers 1000 $files >"$LIB_TMP/readers" 2>&1 &
rp=$!
i=0
while ! grep -q '^ready' "$LIB_TMP/readers" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "1000 readers started" grep -q '^ready 1000' "$LIB_TMP/readers"
sleep 0.5
check "they are all blocked" kill -0 "$rp"
check_eq "the daemon's thread count did not grow ($t0)" "$t0" "$(threads)"
ms=$(timed ls "$M/$NVME")
check "ls answers promptly meanwhile (${ms} ms)" test "${ms:-9999}" -lt 1000
ms=$(timed cat "$M/$NVME/config")
check "cat config answers promptly meanwhile (${ms} ms)" test "${ms:-9999}" -lt 1000
check_eq "config reads 4096 bytes" 4096 "$(cat "$M/$NVME/config" | wc -c)"
check "counters still answer" is_num "$(counter "$NVME" resets)"
check "still all blocked" kill -0 "$rp"
v=0
while [ $v -lt 20 ]; do put 1 "$n/$v/trigger"; v=$((v + 1)); done
i=0
while kill -0 "$rp" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "all readers returned" wait "$rp"
check_eq "1000 woke with data" "done ok=1000 bad=0" "$(grep '^done' "$LIB_TMP/readers")"
check_eq "one thread after" "$t0" "$(threads)"

finish
