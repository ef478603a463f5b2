#!/bin/sh
# SPDX-License-Identifier: MIT
# irq/ with MSI-X: nvme's 65 vectors, a software trigger that wakes only its
# own vector's reader, CPU affinity (good and bad CPUs); e1000e's modes;
# devices without interrupts; mode errors.
. "$(dirname "$0")/lib.sh"
require_mount

vectors() { ls "$1/irq" | grep -c '^[0-9][0-9]*$'; }

n=$M/$NVME/irq
check_text "nvme irq/mode is msix" "$n/mode" msix
check_eq "nvme lists 65 vectors" 65 "$(vectors "$M/$NVME")"
check "the last one is irq/64" test -d "$n/64"
check_errno "there is no irq/65" ENOENT stat "$n/65"

# A trigger of vector 64 wakes 64's reader and not 7's.
c64=$(cat "$n/64/count") c7=$(cat "$n/7/count")
head -n1 "$n/64/events" >"$LIB_TMP/r64" 2>&1 &
p64=$!
head -n1 "$n/7/events" >"$LIB_TMP/r7" 2>&1 &
p7=$!
check "vector 64 enabled by its reader" wait_for enabled "$n/64"
check "vector 7 enabled by its reader" wait_for enabled "$n/7"
sleep 0.3
check "echo 1 > irq/64/trigger" put 1 "$n/64/trigger"
check "vector 64's reader wakes" wait_for gone "$p64"
check_eq "it read the new total" $((c64 + 1)) "$(cat "$LIB_TMP/r64")"
sleep 0.5
check "vector 7's reader is still blocked" kill -0 "$p7"
check_text "vector 7's count is unchanged" "$n/7/count" "$c7"
check_text "vector 64's count" "$n/64/count" $((c64 + 1))
check "echo 1 > irq/7/trigger" put 1 "$n/7/trigger"
check "now vector 7's reader wakes" wait_for gone "$p7"
check_eq "with its own total" $((c7 + 1)) "$(cat "$LIB_TMP/r7")"
wait "$p64" "$p7" 2>/dev/null
irq=$(cat "$n/64/irq")
check "irq/64/irq names vfio-msix[64]($NVME)" \
	grep -qE "^ *$irq:.* vfio-msix\[64\]\($NVME\)\$" /proc/interrupts

# CPU affinity through /proc/irq/N/smp_affinity_list.
check_eq "the guest has 2 CPUs online" 0-1 "$(cat /sys/devices/system/cpu/online)"
check "echo 1 > irq/3/cpu" put 1 "$n/3/cpu"
irq=$(cat "$n/3/irq")
check "irq/3/irq is a number ($irq)" is_num "$irq"
check_eq "/proc/irq/$irq/smp_affinity_list is 1" 1 "$(cat "/proc/irq/$irq/smp_affinity_list")"
check_text "irq/3/cpu reads 1" "$n/3/cpu" 1
for bad in 2 99 abc -1 ""; do
	check_errno "cpu '$bad' refused" EINVAL put "$bad" "$n/3/cpu"
done
check_eq "the affinity is unchanged" 1 "$(cat "/proc/irq/$irq/smp_affinity_list")"
check "echo 0 > irq/3/cpu" put 0 "$n/3/cpu"
check_eq "/proc/irq/$irq/smp_affinity_list is 0" 0 "$(cat "/proc/irq/$irq/smp_affinity_list")"
check_errno "trigger takes only 1" EINVAL put 2 "$n/3/trigger"
check_errno "no unmask file for MSI-X" ENOENT stat "$n/3/unmask"

# e1000e: MSI-X (5) by default; MSI can be chosen and back.
e=$M/$E1000E/irq
check_text "e1000e irq/mode is msix" "$e/mode" msix
check_eq "e1000e lists 5 vectors" 5 "$(vectors "$M/$E1000E")"
check_text "irq/0/cpu before any use: -" "$e/0/cpu" -
check_text "irq/0/irq before any use: -" "$e/0/irq" -
check "no irqN.events counter before use (its counters read)" sh -c \
	"cat '$M/$E1000E/counters' >'$LIB_TMP/cnt' && ! grep -q '^irq0\.events ' '$LIB_TMP/cnt'"
ls -l "$e/1" "$e/4" >/dev/null # the kernel now has their entries cached
check "echo msi > irq/mode" put msi "$e/mode"
check_text "mode reads msi" "$e/mode" msi
check_eq "1 vector under MSI" 1 "$(vectors "$M/$E1000E")"
check_errno "irq/4/count is gone at once" ENOENT stat "$e/4/count"
check_errno "irq/1 is gone at once" ENOENT stat "$e/1"
check "echo 1 > irq/0/trigger (MSI)" put 1 "$e/0/trigger"
check "the MSI line is in /proc/interrupts" grep -qE " vfio-msi\[0\]\($E1000E\)\$" /proc/interrupts
check_eq "counters: irq0.events after the trigger" 1 "$(counter "$E1000E" irq0.events)"
check_errno "an unknown mode" EINVAL put bogus "$e/mode"
exec 4<"$e/0/events"
check_errno "mode change with events open: EBUSY" EBUSY put msix "$e/mode"
exec 4<&-
check "echo msix > irq/mode once closed" put msix "$e/mode"
check_text "irq/1/count answers at once" "$e/1/count" 0
check_eq "5 vectors again" 5 "$(vectors "$M/$E1000E")"
check_text "totals start again" "$e/0/count" 0
check_not "the MSI line is gone from /proc/interrupts" grep -qE " vfio-msi\[0\]\($E1000E\)\$" /proc/interrupts

# Devices without interrupts: mode none, no vectors.
for dev in $IVSHMEM $TESTDEV; do
	check_text "$dev irq/mode is none" "$M/$dev/irq/mode" none
	check_eq "$dev has no vectors" 0 "$(vectors "$M/$dev")"
	check_errno "$dev: echo msix > irq/mode" EINVAL put msix "$M/$dev/irq/mode"
done

finish
