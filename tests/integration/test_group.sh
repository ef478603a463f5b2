#!/bin/sh
# SPDX-License-Identifier: MIT
# IOMMU groups while mounted. The slot at 00:08 has two functions in one
# group: 08.0 pci-serial on the guest's serial driver and 08.1 pvpanic-pci
# with no driver. Bound to vfio-pci alone, 08.1 is skipped with a log line
# naming the culprit (the group is not viable); when 08.0 leaves its host
# driver the group becomes viable and 08.1 appears; 08.0 bound to vfio-pci
# then joins a group whose /dev/vfio node is already there, which only a
# kernel uevent tells, and appears too. Bound by hand (sysfs), not with
# vfio-bind, which would refuse the first step; vfio-bind's records are
# written by hand too, so that the mount takes them (a device bound after
# the mount without one stays free for other VFIO users: test_adopt).
# Without an IOMMU (VFIOFS_IOMMU=none) there are no shared groups: vfio-pci
# makes each function its own no-IOMMU group when it binds it, so 08.1
# alone is shown at once, and 08.0 comes with a group of its own.
. "$(dirname "$0")/lib.sh"
require_mount

S=0000:00:08.0
P=0000:00:08.1
sys=/sys/bus/pci/devices
# appear_ms PATH: wait (bounded, 10 s) for PATH; prints the ms it took.
appear_ms() {
	_t0=$(now_ms)
	wait_for test -e "$1" || { echo timeout; return 1; }
	echo $(($(now_ms) - _t0))
}
LIMIT=$((1000 * SLOW * SLOW)) # a second; 9 s under valgrind

if [ ! -d "$sys/$S" ] || [ ! -d "$sys/$P" ]; then
	fail "the two-function slot 00:08 is not in this VM"
	finish
fi
# grp BDF: the device's IOMMU group number ("" while it has none).
grp() { _l=$(readlink "$sys/$1/iommu_group" 2>/dev/null) && basename "$_l"; }
NOIOMMU=0
[ "$VFIOFS_IOMMU" = none ] && NOIOMMU=1
g=$(grp $S)
if [ $NOIOMMU = 1 ]; then
	check_eq "no IOMMU: 08.0 has no group before vfio-pci" "" "$g"
else
	check_eq "08.0 and 08.1 share a group" "$g" "$(grp $P)"
fi
check_eq "08.0 is on serial" serial "$(drv $S)"
check_eq "08.1 has no driver" none "$(drv $P)"

# The daemon's log: syslog when daemonized, its stderr file in the foreground.
LOG=/tmp/vfiofs-fg.log
if [ -z "$VFIOFS_WRAP" ]; then
	LOG=$LIB_TMP/messages
	syslogd -n -O "$LOG" &
	slog=$!
	sleep 0.3
fi
touch "$LOG"
lines0=$(wc -l <"$LOG")

# A mount asked for 08.0 while its host driver has it: one line says so
# and what to do (not a bare "No such file or directory" for the group
# node), the mount goes on empty, with its .sysfs directory.
M2=$LIB_TMP/group2
# What it said at start: on its stderr (daemonized, before syslog), or in
# the foreground log (VFIOFS_WRAP).
M2LOG="{ cat '$LIB_TMP/m2.err'; tail -n +$((lines0 + 1)) '$LOG'; }"
if vfiofs_mount "$M2" --device $S 2>"$LIB_TMP/m2.err"; then
	check "--device on serial: logged as not on vfio-pci" wait_for sh -c \
		"$M2LOG | grep -qF '$S: not bound to vfio-pci (driver: serial); it appears once bound (vfio-bind $S)'"
	check "--device on serial: then skipped, the mount goes on" wait_for sh -c \
		"$M2LOG | grep -qF '$S: skipped; the mount goes on without it'"
	sh -c "$M2LOG" | grep "$S" | sed 's/^/    | /'
	check_not "no errno after the skip" sh -c "$M2LOG | grep -q 'skipped:'"
	check "an empty mount has .sysfs/devices" test -d "$M2/.sysfs/devices"
	l=$(ls "$M2")
	check_eq "an empty mount lists, with no device" "0:0" "$?:$(echo "$l" | grep -c '^[0-9a-f]\{4\}:')"
	vfiofs_umount "$M2"
else
	fail "a mount with --device $S: $(cat "$LIB_TMP/m2.err")"
fi
lines0=$(wc -l <"$LOG")

# 08.1 alone on vfio-pci: its group is not viable.
mkdir -p /run/vfio-bind
echo serial >/run/vfio-bind/$S
echo none >/run/vfio-bind/$P
echo vfio-pci >"$sys/$P/driver_override"
echo "$P" >/sys/bus/pci/drivers_probe 2>/dev/null
check_eq "08.1 is on vfio-pci" vfio-pci "$(drv $P)"
if [ $NOIOMMU = 1 ]; then
	gp=$(grp $P)
	check "08.1 has a no-IOMMU group of its own: /dev/vfio/noiommu-$gp" \
		wait_for test -e "/dev/vfio/noiommu-$gp"
	ms=$(appear_ms "$M/$P/vendor")
	check "08.1 appears, alone in its group ($ms ms)" test "$ms" != timeout -a "${ms:-99999}" -le "$LIMIT"
	check_text "08.1's group file" "$M/$P/group" "$gp noiommu"
	echo "$S" >"$sys/$S/driver/unbind"
	check_eq "08.0 has no driver now" none "$(drv $S)"
else
	check "its group node /dev/vfio/$g is there" wait_for test -e "/dev/vfio/$g"
	check "the skip is logged, naming the culprit" wait_for sh -c \
		"tail -n +$((lines0 + 1)) '$LOG' | grep 'group $g is not viable' | grep -q '$S'"
	check "then 08.1 is left for now, with no errno after it" wait_for sh -c \
		"tail -n +$((lines0 + 1)) '$LOG' | grep -qF '$P: bound to vfio-pci, not opened yet; tried again when something changes'"
	check_not "no 'Operation not permitted' (it reads as a permission problem)" sh -c \
		"tail -n +$((lines0 + 1)) '$LOG' | grep -q 'Operation not permitted'"
	tail -n +$((lines0 + 1)) "$LOG" | grep "not viable\|skipped" | sed 's/^/    | /'
	check_errno "08.1 is not shown" ENOENT stat "$M/$P"
	check_text "the rest works: edu" "$M/$EDU/regs/bar0/0x0" 0x010000ed

	# 08.0 leaves its host driver: the group is viable, 08.1 appears.
	echo "$S" >"$sys/$S/driver/unbind"
	check_eq "08.0 has no driver now" none "$(drv $S)"
	ms=$(appear_ms "$M/$P/vendor")
	check "08.1 appears when its group becomes viable ($ms ms)" test "$ms" != timeout -a "${ms:-99999}" -le "$LIMIT"
	check_text "08.1's vendor" "$M/$P/vendor" 0x1b36
	check_text "08.1's device" "$M/$P/device" 0x0011
fi

# 08.0 joins the group on vfio-pci: no new node in /dev/vfio, a uevent.
echo vfio-pci >"$sys/$S/driver_override"
echo "$S" >/sys/bus/pci/drivers_probe 2>/dev/null
check_eq "08.0 is on vfio-pci" vfio-pci "$(drv $S)"
ms=$(appear_ms "$M/$S/vendor")
check "08.0 appears, joining a shown group ($ms ms)" test "$ms" != timeout -a "${ms:-99999}" -le "$LIMIT"
check_text "08.0's device" "$M/$S/device" 0x0002
if [ $NOIOMMU = 1 ]; then
	g=$(grp $S)
	check "08.0's group is not 08.1's" test "$g" != "$gp"
fi
check_text "08.0's group file" "$M/$S/group" "$g $(vfio_mode)"
check_eq "7 devices" 7 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

# Back as it was: both off vfio-pci (released at once), 08.0 on serial.
for d in $P $S; do
	(echo "$d" >/sys/bus/pci/drivers/vfio-pci/unbind) </dev/null 2>/dev/null &
	ub=$!
	check "$d: the unbind completes" wait_for gone "$ub"
	echo >"$sys/$d/driver_override"
	check "$d leaves the mount" wait_path "$M/$d" 0
done
rm -f /run/vfio-bind/$S /run/vfio-bind/$P
echo "$S" >/sys/bus/pci/drivers/serial/bind 2>/dev/null
check_eq "08.0 is on serial again" serial "$(drv $S)"
check_eq "08.1 has no driver again" none "$(drv $P)"
check_eq "5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

if [ -n "${slog:-}" ]; then
	kill "$slog" 2>/dev/null
	wait "$slog" 2>/dev/null
fi
finish
