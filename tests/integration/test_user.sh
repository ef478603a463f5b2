#!/bin/sh
# SPDX-License-Identifier: MIT
# A user mounts their own devices: `vfio-bind --user tester` hands the IOMMU
# group node to uid 1000, who mounts vfiofs without root (fusermount3), reads
# the devices, makes a DMA buffer within their memlock limit and gets ENOMEM
# beyond it, and unmounts with fusermount3 -u. Root's mount is restricted to
# the bed's five devices (--device) so the group is free; root cannot look
# into the user's mount (FUSE without allow_other).
# The bed's mode applies to the user's mount too ($VFIOFS_OPTS). In iommufd
# mode the user also needs /dev/iommu (opened here to all for the test, as
# a udev rule would for a group) and vfio-bind --user gives them the
# devices' own files (/dev/vfio/devices/vfioN). Without an IOMMU the user is
# refused with a clear error: no-IOMMU groups need CAP_SYS_RAWIO.
. "$(dirname "$0")/lib.sh"
require_mount

S=0000:00:08.0
P=0000:00:08.1
U="irqtool runas 1000 1000"
UM=/tmp/umnt
sys=/sys/bus/pci/devices
if [ ! -d "$sys/$S" ] || [ ! -d "$sys/$P" ]; then
	fail "the two-function slot 00:08 is not in this VM"
	finish
fi
MODE=$(vfio_mode)
# gnode BDF: the device's group node; cdev BDF: its own VFIO file.
gnode() {
	_g=$(basename "$(readlink "$sys/$1/iommu_group")")
	if [ "$MODE" = noiommu ]; then echo "/dev/vfio/noiommu-$_g"; else echo "/dev/vfio/$_g"; fi
}
# (No-IOMMU devices have no such file: the kernel makes none for them.)
cdev() { echo "/dev/vfio/devices/$(ls "$sys/$1/vfio-dev" 2>/dev/null)"; }

only=""
for d in $ALL_DEVS; do only="$only --device=$d"; done
check "unmount the default mount" vfiofs_umount "$M"
# shellcheck disable=SC2086
check "root's mount: the bed's five devices only" vfiofs_mount "$M" $only

check "vfio-bind --user tester $S $P" vfio-bind --user tester "$S" "$P"
for d in $S $P; do
	check_eq "$(gnode "$d") belongs to 1000" 1000 "$(stat -c %u "$(gnode "$d")")"
	if [ -c "$(cdev "$d")" ]; then
		check_eq "$(cdev "$d") belongs to 1000" 1000 "$(stat -c %u "$(cdev "$d")")"
	fi
done
check_eq "root's mount leaves them alone" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"
iommu_mode=""
if [ "$MODE" = iommufd ]; then
	iommu_mode=$(stat -c %a /dev/iommu)
	chmod 0666 /dev/iommu
fi

mkdir -p "$UM"
chown 1000:1000 "$UM"
if [ "$MODE" = noiommu ]; then
	# shellcheck disable=SC2086
	$U vfiofs $VFIOFS_OPTS "--device=$S" "--device=$P" "$UM" >"$LIB_TMP/u.err" 2>&1
	check_ne "user 1000's -o noiommu mount is refused (exit status)" 0 "$?"
	sed 's/^/    | /' "$LIB_TMP/u.err"
	check "it says no-IOMMU groups need CAP_SYS_RAWIO" grep -q "need CAP_SYS_RAWIO" "$LIB_TMP/u.err"
	check_not "nothing is mounted" grep -q " $UM fuse" /proc/mounts
elif [ -n "$VFIOFS_WRAP" ]; then
	# The sanitizer's and valgrind's report directories, for user 1000.
	chmod 1777 /tmp/san /tmp/vg 2>/dev/null
	# shellcheck disable=SC2086
	$U $VFIOFS_WRAP vfiofs -f $VFIOFS_OPTS "--device=$S" "--device=$P" "$UM" </dev/null \
		>>/tmp/vfiofs-fg.log 2>&1 &
	ubg=$!
	check "user 1000 mounts vfiofs (foreground, wrapped)" wait_mount "$UM" 1
else
	# shellcheck disable=SC2086
	check "user 1000 mounts vfiofs" $U vfiofs $VFIOFS_OPTS "--device=$S" "--device=$P" "$UM"
	check "... it is mounted" wait_mount "$UM" 1
fi
if [ "$MODE" != noiommu ]; then
	upid=""
	for p in $(vfiofs_pids); do
		[ "$(stat -c %u "/proc/$p")" = 1000 ] && upid=$p
	done
	check_ne "the user's daemon runs as uid 1000" "" "$upid"
	check_eq "user 1000 sees both functions" "$S $P" \
		"$($U ls "$UM" | grep '^[0-9a-f]\{4\}:' | sort | tr '\n' ' ' | sed 's/ $//')"
	check_eq "user 1000 reads 08.1's vendor" 0x1b36 "$($U cat "$UM/$P/vendor")"
	check_eq "user 1000 reads 08.0's class" 0x070002 "$($U cat "$UM/$S/class")"
	check_eq "the user's mount is in $MODE mode" "$MODE" "$($U cat "$UM/$S/group" | cut -d' ' -f2)"
	check_eq "user 1000 reads a byte of 08.1's bar0" 1 \
		"$($U dd if="$UM/$P/bar0" bs=1 count=1 status=none | wc -c | tr -d ' ')"
	check_errno "root is kept out of the user's mount" EACCES ls "$UM"

	# DMA within the user's memlock limit, and beyond it.
	lim=$($U sh -c 'ulimit -l')
	echo "  memlock limit of user 1000: $lim KiB"
	check "user 1000 makes a DMA buffer" $U mkdir "$UM/dma/b"
	check "... of 4096 bytes" $U sh -c "echo 4096 > '$UM/dma/b/size'"
	check_eq "... that reads back" 4096 "$($U cat "$UM/dma/b/data" | wc -c | tr -d ' ')"
	if [ "$lim" != unlimited ]; then
		check "user 1000 makes a second buffer" $U mkdir "$UM/dma/big"
		check_errno "one larger than the memlock limit is ENOMEM" ENOMEM \
			$U sh -c "echo $(((lim + 1024) * 1024)) > '$UM/dma/big/size'"
		check_eq "... and stays unallocated" 0 "$($U cat "$UM/dma/big/size")"
	fi

	check "user 1000 unmounts with fusermount3 -u" $U fusermount3 -u "$UM"
	check "the user's mount is gone" wait_mount "$UM" 0
	check "the user's daemon ends" wait_for gone "$upid"
	# Not a bare `wait`: root's wrapped daemon is a child of this shell too.
	[ -n "${ubg:-}" ] && wait "$ubg" 2>/dev/null
fi
[ -n "$iommu_mode" ] && chmod "$iommu_mode" /dev/iommu

check "vfio-bind --restore $S $P" vfio-bind --restore "$S" "$P"
check_eq "08.0 is on serial again" serial "$(drv "$S")"
check "unmount root's restricted mount" vfiofs_umount "$M"
check "root's mount, default again" vfiofs_mount "$M"
check_eq "5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

finish
