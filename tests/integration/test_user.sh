#!/bin/sh
# A user mounts their own devices: `vfio-bind --user tester` hands the IOMMU
# group node to uid 1000, who mounts vfiofs without root (fusermount3), reads
# the devices, makes a DMA buffer within their memlock limit and gets ENOMEM
# beyond it, and unmounts with fusermount3 -u. Root's mount is restricted to
# the bed's five devices (--device) so the group is free; root cannot look
# into the user's mount (FUSE without allow_other).
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
g=$(basename "$(readlink "$sys/$S/iommu_group")")

only=""
for d in $ALL_DEVS; do only="$only --device=$d"; done
check "unmount the default mount" vfiofs_umount "$M"
# shellcheck disable=SC2086
check "root's mount: the bed's five devices only" vfiofs_mount "$M" $only

check "vfio-bind --user tester $S $P" vfio-bind --user tester "$S" "$P"
check_eq "/dev/vfio/$g belongs to 1000" 1000 "$(stat -c %u "/dev/vfio/$g")"
check_eq "root's mount leaves them alone" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

mkdir -p "$UM"
chown 1000:1000 "$UM"
if [ -n "$VFIOFS_WRAP" ]; then
	# The sanitizer's and valgrind's report directories, for user 1000.
	chmod 1777 /tmp/san /tmp/vg 2>/dev/null
	$U $VFIOFS_WRAP vfiofs -f "--device=$S" "--device=$P" "$UM" </dev/null \
		>>/tmp/vfiofs-fg.log 2>&1 &
	ubg=$!
	check "user 1000 mounts vfiofs (foreground, wrapped)" wait_mount "$UM" 1
else
	check "user 1000 mounts vfiofs" $U vfiofs "--device=$S" "--device=$P" "$UM"
	check "... it is mounted" wait_mount "$UM" 1
fi
upid=""
for p in $(vfiofs_pids); do
	[ "$(stat -c %u "/proc/$p")" = 1000 ] && upid=$p
done
check_ne "the user's daemon runs as uid 1000" "" "$upid"
check_eq "user 1000 sees both functions" "$S $P" \
	"$($U ls "$UM" | grep '^[0-9a-f]\{4\}:' | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "user 1000 reads 08.1's vendor" 0x1b36 "$($U cat "$UM/$P/vendor")"
check_eq "user 1000 reads 08.0's class" 0x070002 "$($U cat "$UM/$S/class")"
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

t0=$(cut -d' ' -f1 /proc/uptime)
check "user 1000 unmounts with fusermount3 -u" $U fusermount3 -u "$UM"
check "the user's mount is gone" wait_mount "$UM" 0
check "the user's daemon ends" wait_for gone "$upid"
# Not a bare `wait`: root's wrapped daemon is a child of this shell too.
[ -n "${ubg:-}" ] && wait "$ubg" 2>/dev/null

check "vfio-bind --restore $S $P" vfio-bind --restore "$S" "$P"
check_eq "08.0 is on serial again" serial "$(drv "$S")"
check "unmount root's restricted mount" vfiofs_umount "$M"
check "root's mount, default again" vfiofs_mount "$M"
check_eq "5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

finish
