#!/bin/sh
# SPDX-License-Identifier: MIT
# A device going away answers the reads blocked on its vectors (ENODEV) and
# wakes its pollers; the unbind is not held up by them. Bound again, the
# device's irq/ works as new. Uses e1000e (MSI-X, 5 vectors).
. "$(dirname "$0")/lib.sh"
require_mount

d=$E1000E
sys=/sys/bus/pci/devices/$d
e=$M/$d/irq

check_text "e1000e irq/mode is msix" "$e/mode" msix
irqtool read "$e/1/events" >"$LIB_TMP/head" 2>&1 &
hp=$!
irqtool poll "$e/2/events" 20000 >"$LIB_TMP/poll" 2>&1 &
pp=$!
check "vector 1 enabled by its reader" wait_for enabled "$e/1"
check "vector 2 enabled by its poller" wait_for enabled "$e/2"
sleep 0.3
check "the reader is blocked" kill -0 "$hp"
check "the poller is blocked" kill -0 "$pp"

(echo "$d" 2>/dev/null >/sys/bus/pci/drivers/vfio-pci/unbind) </dev/null &
ub=$!
check "the unbind completes" wait_for gone "$ub"
check "the blocked reader returns" wait_for gone "$hp"
wait "$hp"
check_eq "... with ENODEV" "ERR ENODEV" "$(cat "$LIB_TMP/head")"
check "the poller returns" wait_for gone "$pp"
echo "  poll: $(cat "$LIB_TMP/poll")"
check_not "... not with a timeout" grep -q timeout "$LIB_TMP/poll"
check "... reporting POLLERR" grep -q "revents 0x8" "$LIB_TMP/poll"
check_text "other devices' interrupts still work: edu mode" "$M/$EDU/irq/mode" msi

echo "$d" >/sys/bus/pci/drivers_probe 2>/dev/null
check "$d appears again" wait_for test -e "$e/mode"
check_text "irq/mode is msix again" "$e/mode" msix
check_text "its vector 1 starts from 0" "$e/1/count" 0
head -n1 "$e/1/events" >"$LIB_TMP/head" 2>&1 &
hp=$!
check "vector 1 enabled again" wait_for enabled "$e/1"
sleep 0.2
check "trigger vector 1" put 1 "$e/1/trigger"
check "the new reader wakes" wait_for gone "$hp"
check_eq "with 1" 1 "$(cat "$LIB_TMP/head")"

finish
