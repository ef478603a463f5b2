#!/bin/sh
# SPDX-License-Identifier: MIT
# ID files (sysfs style) and group.
. "$(dirname "$0")/lib.sh"
require_mount

ids() { # BDF vendor device class
	check_text "$1 vendor" "$M/$1/vendor" "$2"
	check_text "$1 device" "$M/$1/device" "$3"
	check_text "$1 class" "$M/$1/class" "$4"
}
ids "$EDU" 0x1234 0x11e8 0x00ff00
ids "$NVME" 0x1b36 0x0010 0x010802
ids "$IVSHMEM" 0x1af4 0x1110 0x050000
ids "$TESTDEV" 0x1b36 0x0005 0x00ff00
ids "$E1000E" 0x8086 0x10d3 0x020000

# Every ID file reads what sysfs says.
for d in $ALL_DEVS; do
	for f in vendor device subsystem_vendor subsystem_device class revision; do
		check_text "$d $f equals sysfs ($(cat "/sys/bus/pci/devices/$d/$f"))" \
			"$M/$d/$f" "$(cat "/sys/bus/pci/devices/$d/$f")"
	done
	g=$(basename "$(readlink "/sys/bus/pci/devices/$d/iommu_group")")
	check_text "$d group is '$g $(vfio_mode)'" "$M/$d/group" "$g $(vfio_mode)"
done

# Read-only text: a write is refused.
check_errno "vendor cannot be written" EACCES put 0x1 "$M/$EDU/vendor"
check_text "vendor unchanged" "$M/$EDU/vendor" 0x1234

finish
