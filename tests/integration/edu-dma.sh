#!/bin/sh
# SPDX-License-Identifier: MIT
# edu-dma.sh [MOUNT [BDF]]: a driver's round trip with QEMU's edu device from
# the shell, through vfiofs files only. Two DMA buffers; a pattern goes from
# src (RAM) into edu's own buffer (0x40000 in its address space), then back
# into dst; each transfer raises edu's MSI, waited for on irq/0/events.
# Exits 0 when dst holds the pattern. (The README's DMA example.)
set -eu
M=${1:-/vfio}
B=${2:-0000:00:03.0}
r=$M/$B/regs/bar0
D=$M/dma
EDU_BUF=0x40000
N=256

# transfer SRC DST CMD: program edu's DMA engine (0x80 source, 0x88
# destination, 0x90 count, 0x98 command: 1 start, 2 towards RAM, 4 raise an
# interrupt when done), wait for the interrupt on fd 3, acknowledge it.
transfer() {
	echo "$1" >"$r/0x80:64"
	echo "$2" >"$r/0x88:64"
	echo $N >"$r/0x90:64"
	echo "$3" >"$r/0x98:64"
	# fd 3 closed for timeout: busybox's keeps a watcher process for the
	# whole 10 s, which would hold events (and the mount) open that long.
	timeout 10 head -n1 <&3 3<&- >/dev/null || { echo "edu-dma: no interrupt" >&2; exit 1; }
	echo 0x100 >"$r/0x64" # edu's "DMA done" status bit
}

pat=$(mktemp)
trap 'rm -f "$pat"; rmdir "$D/src" "$D/dst" 2>/dev/null || true' EXIT
i=0
while [ $i -lt $((N / 16)) ]; do
	printf 'vfiofs-dma-%04d\n' $i # 16 bytes a line
	i=$((i + 1))
done >"$pat"

mkdir "$D/src" "$D/dst"
echo 4096 >"$D/src/size"
echo 4096 >"$D/dst/size"
dd if="$pat" of="$D/src/data" conv=notrunc status=none

exec 3<"$M/$B/irq/0/events" # opened before the transfers: no interrupt missed
transfer "$(cat "$D/src/iova")" $EDU_BUF 5 # RAM -> edu, interrupt
transfer $EDU_BUF "$(cat "$D/dst/iova")" 7 # edu -> RAM, interrupt
exec 3<&-

if dd if="$D/dst/data" bs=$N count=1 status=none | cmp -s - "$pat"; then
	echo "edu-dma: OK: $N bytes RAM -> edu -> RAM, 2 interrupts"
else
	echo "edu-dma: dst does not hold the pattern" >&2
	exit 1
fi
