#!/bin/sh
# SPDX-License-Identifier: MIT
# Ownership shared with other VFIO users (F5). A device that another program
# binds to vfio-pci while vfiofs is mounted stays free for it: libvirt's flow
# (driver_override, drivers_probe, open /dev/vfio/N) succeeds while the
# default mount (no --device) is there. The mount takes, by hot-plug, the
# devices vfio-bind bound (its record in /run/vfio-bind); -o adopt=all takes
# every new one; a device free at mount time is taken as before.
# Uses pci-testdev, the least used device.
. "$(dirname "$0")/lib.sh"
require_mount

d=$TESTDEV
sys=/sys/bus/pci/devices/$d
A=/tmp/adoptall
check_text "pci-testdev is in the mount" "$M/$d/vendor" 0x1b36

# node: the device's IOMMU group node (noiommu-N without an IOMMU).
node() {
	_g=$(basename "$(readlink "$sys/iommu_group")")
	if [ "$VFIOFS_IOMMU" = none ]; then echo "/dev/vfio/noiommu-$_g"; else echo "/dev/vfio/$_g"; fi
}

check "vfio-bind --restore $d" vfio-bind --restore "$d"
check "it leaves the mount" wait_path "$M/$d" 0
check_not "vfio-bind's record is gone" test -e "/run/vfio-bind/$d"

# libvirt: bind by hand, then (well after vfiofs would have reacted: 20-120
# ms) open the group node, as QEMU does.
echo vfio-pci >"$sys/driver_override"
echo "$d" >/sys/bus/pci/drivers_probe 2>/dev/null
check_eq "$d is on vfio-pci" vfio-pci "$(drv "$d")"
check "its group node is there" wait_for test -e "$(node)"
sleep $((1 * SLOW))
n=$(node)
# (A failed redirection ends a non-interactive shell: in a child.)
if sh -c "exec 5<>'$n'" 2>"$LIB_TMP/err"; then
	pass "another VFIO user opens $n while vfiofs is mounted"
else
	fail "another VFIO user cannot open $n (vfiofs took it: F5): $(cat "$LIB_TMP/err")"
fi
check_errno "$d is not in the mount" ENOENT stat "$M/$d"
# Not even after more uevents (each one rescans).
echo change >"$sys/uevent"
sleep $((1 * SLOW))
check_errno "nor after a uevent" ENOENT stat "$M/$d"

# -o adopt=all: a second mount that takes every device bound after it.
# (At its mount every other device is the default mount's, and skipped.)
echo "$d" >/sys/bus/pci/drivers/vfio-pci/unbind
check_eq "$d unbound" none "$(drv "$d")"
check "a mount with -o adopt=all" vfiofs_mount "$A" -o adopt=all
echo "$d" >/sys/bus/pci/drivers_probe 2>/dev/null
check "-o adopt=all takes $d when it is bound" wait_path "$A/$d/vendor" 1
check_text "and reads it" "$A/$d/vendor" 0x1b36
check_errno "the default mount does not" ENOENT stat "$M/$d"
check "unmount it" vfiofs_umount "$A"

# Free and bound at mount time: taken, as before.
check "a mount while $d is free" vfiofs_mount "$A"
check "takes it" test -e "$A/$d/vendor"
check "unmount it" vfiofs_umount "$A"

# vfio-bind of a device on vfio-pci already only records it: the mount,
# watching the records, takes it.
check_errno "$d is not in the default mount" ENOENT stat "$M/$d"
check "vfio-bind $d (on vfio-pci already)" vfio-bind "$d"
check "vfio-bind records it" test -e "/run/vfio-bind/$d"
check "the default mount takes it" wait_path "$M/$d/vendor" 1

# vfio-bind binds for vfiofs: the default mount takes it by hot-plug.
check "vfio-bind --restore $d" vfio-bind --restore "$d"
check "it leaves the mount" wait_path "$M/$d" 0
check "vfio-bind $d" vfio-bind "$d"
check "vfio-bind records it" test -e "/run/vfio-bind/$d"
check "the default mount takes it" wait_path "$M/$d/vendor" 1
check_text "and reads it" "$M/$d/vendor" 0x1b36

# -o adopt= takes two words.
mkdir -p /tmp/adoptx
check_not "-o adopt=some is refused" sh -c "timeout 20 vfiofs -f -o adopt=some /tmp/adoptx 2>$LIB_TMP/err"
check "naming the option" grep -q 'adopt=some' "$LIB_TMP/err"
finish
