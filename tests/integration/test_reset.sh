#!/bin/sh
# SPDX-License-Identifier: MIT
# reset and reset_method.
. "$(dirname "$0")/lib.sh"
require_mount

n=$M/$NVME
# nvme has FLR.
r0=$(counter "$NVME" resets)
cap=$(rd "$n/bar0" 0 4)
check "echo 1 > nvme reset" put 1 "$n/reset"
check_eq "nvme resets counter +1" $((r0 + 1)) "$(counter "$NVME" resets)"
cmd=$(cat "$n/regs/config/0x4:16")
check_eq "memory decode on after the reset (command $cmd)" 2 $((cmd & 2))
check_eq "nvme bar0 reads after the reset" "$cap" "$(rd "$n/bar0" 0 4)"
check "echo 1 > nvme reset again" put 1 "$n/reset"
check_eq "nvme resets counter +2" $((r0 + 2)) "$(counter "$NVME" resets)"
check_errno "echo abc > reset" EINVAL put abc "$n/reset"
check_errno "echo 2 > reset" EINVAL put 2 "$n/reset"
check_eq "bad values do not reset" $((r0 + 2)) "$(counter "$NVME" resets)"

# e1000e: pm or bus reset behind its root port.
r0=$(counter "$E1000E" resets)
check "echo 1 > e1000e reset" put 1 "$M/$E1000E/reset"
check_eq "e1000e resets counter +1" $((r0 + 1)) "$(counter "$E1000E" resets)"
cmd=$(cat "$M/$E1000E/regs/config/0x4:16")
check_eq "e1000e memory decode on after the reset" 2 $((cmd & 2))
check_eq "e1000e bar0 reads after the reset" 4 "$(nbytes "$M/$E1000E/bar0" 0 4)"

# edu has no reset (VFIO_DEVICE_FLAGS_RESET unset; VFIO_DEVICE_RESET says EINVAL).
r0=$(counter "$EDU" resets)
check_errno "edu reset is not supported" ENOTSUP put 1 "$M/$EDU/reset"
check_eq "edu resets counter unchanged" "$r0" "$(counter "$EDU" resets)"
check_text "edu still works" "$M/$EDU/regs/bar0/0x0" 0x010000ed

# reset_method reads like sysfs and writes pass the kernel's answer on.
check_text "nvme reset_method is flr" "$n/reset_method" flr
check_text "nvme reset_method equals sysfs" "$n/reset_method" "$(cat /sys/bus/pci/devices/$NVME/reset_method)"
check_errno "echo bogus > reset_method" EINVAL put bogus "$n/reset_method"
check_text "reset_method unchanged" "$n/reset_method" flr
check "echo flr > reset_method" put flr "$n/reset_method"
check_text "reset_method flr" "$n/reset_method" flr
check "echo default > reset_method" put default "$n/reset_method"
check_text "reset_method back to the default" "$n/reset_method" flr
# An empty line leaves no method: reset is then ENOTSUP, as for edu.
check "echo > reset_method (no method left)" put "" "$n/reset_method"
check_eq "sysfs agrees: none" "" "$(cat /sys/bus/pci/devices/$NVME/reset_method 2>/dev/null)"
check_errno "reset with no method is ENOTSUP" ENOTSUP put 1 "$n/reset"
check "echo default > reset_method again" put default "$n/reset_method"
check_text "reset_method flr again" "$n/reset_method" flr
check_text "e1000e reset_method equals sysfs" "$M/$E1000E/reset_method" \
	"$(cat /sys/bus/pci/devices/$E1000E/reset_method)"
check "e1000e: echo pm > reset_method" put pm "$M/$E1000E/reset_method"
check_text "e1000e reset_method pm" "$M/$E1000E/reset_method" pm
check_eq "sysfs agrees" pm "$(cat /sys/bus/pci/devices/$E1000E/reset_method)"
r0=$(counter "$E1000E" resets)
check "e1000e reset with pm only" put 1 "$M/$E1000E/reset"
check_eq "e1000e resets counter +1" $((r0 + 1)) "$(counter "$E1000E" resets)"
check "e1000e: echo default > reset_method" put default "$M/$E1000E/reset_method"
check_text "e1000e reset_method back to 'pm bus'" "$M/$E1000E/reset_method" "pm bus"
echo "  edu reset_method reads: '$(cat "$M/$EDU/reset_method" 2>&1)'"

finish
