#!/bin/sh
# SPDX-License-Identifier: MIT
# edu in INTx mode: the interrupt wakes the reader; the kernel masks the line
# at each interrupt and irq/0/unmask re-arms it; INTX_DISABLE in the command
# register follows the mode.
. "$(dirname "$0")/lib.sh"
require_mount

cmd() { cat "$M/$EDU/regs/config/0x04:16"; }

d=$M/$EDU
v=$d/irq/0
r=$d/regs/bar0

check "echo intx > irq/mode" put intx "$d/irq/mode"
check_text "mode reads intx" "$d/irq/mode" intx
check_eq "irq/0 now has unmask" "count cpu events irq trigger unmask" \
	"$(ls "$v" | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "INTX_DISABLE (0x400) is clear in the command register" 0 $(($(cmd) & 0x400))
check_text "totals start again" "$v/count" 0
check "echo 1 > unmask before INTx is enabled: nothing masked, succeeds" put 1 "$v/unmask"
check_text "... and enables nothing" "$v/irq" -

head -n1 "$v/events" >"$LIB_TMP/head" 2>&1 &
hp=$!
check "opening events enables INTx" wait_for enabled "$v"
irq=$(cat "$v/irq")
check "irq/0/irq names vfio-intx($EDU)" grep -qE "^ *$irq:.* vfio-intx\($EDU\)\$" /proc/interrupts
sleep 0.2
check "edu raises INTx: echo 1 > regs/bar0/0x60" put 1 "$r/0x60"
check "the reader wakes" wait_for gone "$hp"
wait "$hp"
check_eq "with total 1" 1 "$(cat "$LIB_TMP/head")"
check "acknowledge (0x64)" put 1 "$r/0x64"

# Masked by the kernel: a second interrupt waits for unmask.
exec 5<"$v/events"
check "raise again while masked" put 1 "$r/0x60"
sleep 0.5
check_text "not delivered while masked" "$v/count" 1
check_eq "a read would block (EAGAIN)" "ERR EAGAIN" "$(irqtool read "$v/events" nonblock)"
check "echo 1 > irq/0/unmask" put 1 "$v/unmask"
check "delivered once unmasked" wait_for test "$(cat "$v/count")" = 2
IFS= read -r line <&5
exec 5<&-
check_eq "the open reader gets 2" 2 "$line"
check "acknowledge (0x64)" put 1 "$r/0x64"
check "unmask again" put 1 "$v/unmask"
check_errno "unmask takes only 1" EINVAL put 0 "$v/unmask"

check "back to msi" put msi "$d/irq/mode"
check_eq "INTX_DISABLE is set again" 1024 $(($(cmd) & 0x400))
check_errno "no unmask file under MSI" ENOENT stat "$v/unmask"
check_not "the INTx line is gone" grep -qE " vfio-intx\($EDU\)\$" /proc/interrupts
# MSI works again after the round trip.
head -n1 "$v/events" >"$LIB_TMP/head" 2>&1 &
hp=$!
wait_for enabled "$v"
sleep 0.2
put 1 "$r/0x60"
check "MSI wakes the reader after INTx" wait_for gone "$hp"
put 1 "$r/0x64"
check_eq "total 1 (started again)" 1 "$(cat "$LIB_TMP/head")"

finish
