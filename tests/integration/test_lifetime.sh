#!/bin/sh
# SPDX-License-Identifier: MIT
# A node lives while the kernel holds it (design: lifecycle). The audit's F1
# sequence: a vector directory held as a working directory, irq/mode
# switched, the device unbound, a register of another device opened, the
# working directory let go (the kernel forgets the old vector's inode):
# reads through the open register go on, the daemon stays up (on 7b305ae the
# sanitized daemon reported a heap-use-after-free and the plain one died),
# and the device comes back when bound again. Then F2: files other users may
# read (irq/N/count, dma/NAME/size) held open by one of them block neither
# the owner's irq/mode nor rmdir, and answer ENODEV afterwards.
. "$(dirname "$0")/lib.sh"
require_mount

n=$M/$NVME
pid=$(cat /tmp/vfiofs.pid._vfio 2>/dev/null)
alive() { [ -n "$pid" ] && kill -0 "$pid"; }

check_text "nvme serves MSI-X" "$n/irq/mode" msix
last=$(ls "$n/irq" | grep -E '^[0-9]+$' | sort -n | tail -n1)
(cd "$n/irq/$last" && exec sleep 600) </dev/null &
pin=$!
sleep 0.5
check "echo intx > irq/mode while irq/$last is a working directory" put intx "$n/irq/mode"
check_errno "irq/$last is gone" ENOENT ls "$n/irq/$last/count"
check "the directory's holder still runs" kill -0 "$pin"
check_eq "the held directory lists nothing" "" "$(ls "/proc/$pin/cwd/" 2>/dev/null)"
check "unbind nvme from vfio-pci" sh -c "echo $NVME > /sys/bus/pci/drivers/vfio-pci/unbind"
check "nvme leaves the mount" wait_path "$n" 0
exec 3<"$M/$EDU/regs/bar0/0x0"
kill "$pin"
wait "$pin" 2>/dev/null
sleep 0.5
check_eq "read through the open register after the FORGET" 0x010000ed \
	"$(read -r v <&3; echo "$v")"
check "bind nvme again" sh -c "echo $NVME > /sys/bus/pci/drivers_probe"
check "nvme is back" wait_path "$n/vendor" 1
out=$(cat <&3)
check_eq "the open register reads at its end (EOF) without harm" "0:" "$?:$out"
exec 3<&-
check "the daemon is alive" alive
check_text "nvme's vendor" "$n/vendor" 0x1b36
check_text "nvme serves MSI-X again" "$n/irq/mode" msix
check_text "edu still reads" "$M/$EDU/regs/bar0/0x0" 0x010000ed

# F2, with allow_other: user 1001 holds world-readable files open.
O="irqtool runas 1001 1001"
U=$LIB_TMP/u
mkdir -p "$U" && chmod 777 "$U"
# hold FILE NAME: user 1001 opens FILE, says so in $U/NAME.open, waits for
# $U/NAME.go, then reads it (output and errors in $U/NAME.out).
hold() {
	$O sh -c "exec 3<'$1' || exit 1; : >'$U/$2.open'
		i=0; while [ ! -e '$U/$2.go' ] && [ \$i -lt 300 ]; do sleep 0.1; i=\$((i + 1)); done
		cat <&3 >'$U/$2.out' 2>&1" </dev/null &
}
check "unmount the default mount" vfiofs_umount "$M"
if check "mount -o allow_other" vfiofs_mount "$M" -o allow_other${UNSAFE:+,$UNSAFE}; then
	pid=$(cat /tmp/vfiofs.pid._vfio 2>/dev/null)
	check_text "edu serves MSI" "$M/$EDU/irq/mode" msi
	hold "$M/$EDU/irq/0/count" count
	h1=$!
	check "user 1001 holds irq/0/count open" wait_path "$U/count.open" 1
	check "the owner switches irq/mode to intx all the same" put intx "$M/$EDU/irq/mode"
	: >"$U/count.go"
	wait "$h1"
	check "... and the held count answers ENODEV" grep -q "No such device" "$U/count.out"
	check "back to msi" put msi "$M/$EDU/irq/mode"
	check "mkdir dma/f2" mkdir "$M/dma/f2"
	check "echo 4096 > dma/f2/size" put 4096 "$M/dma/f2/size"
	hold "$M/dma/f2/size" size
	h2=$!
	check "user 1001 holds dma/f2/size open" wait_path "$U/size.open" 1
	check "the owner's rmdir dma/f2 goes through" rmdir "$M/dma/f2"
	: >"$U/size.go"
	wait "$h2"
	check "... and the held size answers ENODEV" grep -q "No such device" "$U/size.out"
	# An events file is what blocks a mode switch, whoever holds it.
	exec 4<"$M/$EDU/irq/0/events"
	check_errno "irq/mode with an events file open" EBUSY put intx "$M/$EDU/irq/mode"
	exec 4<&-
	check "the daemon is alive" alive
	vfiofs_umount "$M"
fi
vfiofs_mount "$M" || fail "mount $M again"
finish
