#!/bin/sh
# SPDX-License-Identifier: MIT
# Bulk transfers: `dd bs=1M` of ivshmem's RAM BAR2 is one FUSE request per
# MiB, made as runs of 4-byte mapped accesses (bulk_width=8: 8-byte), every
# access counted once; the data is exact both ways. And F8: where vfio-pci
# splits an 8-byte pread/pwrite (kernels before 6.11), an exact 8-byte access
# takes the mapped path or is refused (EOPNOTSUPP), never split; `regions`
# says which with its q flag. BAR2 is left all zero (the host checks it after
# test_ivshmem).
. "$(dirname "$0")/lib.sh"
require_mount

g=$M/$IVSHMEM/bar2
MIB=1048576
dd if=/dev/urandom of="$LIB_TMP/pat" bs=$MIB count=1 status=none

check_eq "1 MiB write (bs=1M) = 262144 mapped 4-byte writes" 262144 \
	"$(delta "$IVSHMEM" bar2.mmap_writes dd if="$LIB_TMP/pat" of="$g" bs=$MIB count=1 conv=notrunc status=none)"
check_eq "1 MiB read (bs=1M) = 262144 mapped 4-byte reads" 262144 \
	"$(delta "$IVSHMEM" bar2.mmap_reads dd if="$g" of="$LIB_TMP/back" bs=$MIB count=1 status=none)"
check "1 MiB read back equals what was written" cmp -s "$LIB_TMP/pat" "$LIB_TMP/back"
check_eq "128 KiB reads (bs=128k, 8 of them) = 262144 mapped reads" 262144 \
	"$(delta "$IVSHMEM" bar2.mmap_reads dd if="$g" of="$LIB_TMP/back" bs=131072 status=none)"
check "128 KiB reads return the same bytes" cmp -s "$LIB_TMP/pat" "$LIB_TMP/back"
check_eq "bulk: no fallback access" 0 "$(counter "$IVSHMEM" bar2.fallback_reads)"
check_eq "bulk: no fault" 0 "$(counter "$IVSHMEM" bar2.faults)"
# A request that starts and ends off alignment: head 1 + 2, body, tail 2 + 1.
check_eq "4094 bytes at offset 1 = 1-, 2-, 1022 4-, 2-, 1-byte accesses" 1026 \
	"$(delta "$IVSHMEM" bar2.mmap_reads nbytes "$g" 1 4094)"
dd if="$g" bs=4094 count=1 skip=1 iflag=skip_bytes status=none >"$LIB_TMP/mid"
dd if="$LIB_TMP/pat" bs=4094 count=1 skip=1 iflag=skip_bytes status=none >"$LIB_TMP/midp"
check "... with the right bytes" cmp -s "$LIB_TMP/mid" "$LIB_TMP/midp"
check "zero BAR2 again (bs=1M)" dd if=/dev/zero of="$g" bs=$MIB count=1 conv=notrunc status=none
dd if=/dev/zero of="$LIB_TMP/zero" bs=$MIB count=1 status=none
dd if="$g" of="$LIB_TMP/back" bs=$MIB count=1 status=none
check "BAR2 reads all zero" cmp -s "$LIB_TMP/zero" "$LIB_TMP/back"

# An 8-byte aligned read of edu below 0x80 is one access: edu answers
# anything but a 4-byte access there with all ones; two 4-byte accesses
# would give the ID and the liveness register.
e=$M/$EDU/bar0
check_eq "8-byte read of edu 0x0, mapped: one 8-byte access (all ones)" \
	ffffffffffffffff "$(rd "$e" 0 8)"

# Does this kernel's vfio-pci make an 8-byte pread whole (6.11 and later)?
kv=$(uname -r)
maj=${kv%%.*} min=${kv#*.}
min=${min%%[!0-9]*}
whole=0
{ [ "$maj" -gt 6 ] || { [ "$maj" -eq 6 ] && [ "$min" -ge 11 ]; }; } && whole=1
qflag() { awk -v r="$2" '$2 == r { print ($4 ~ /q/) ? 1 : 0 }' "$M/$1/regions"; }
check_eq "regions: bar0 has q on $kv exactly when 8-byte pread is whole" "$whole" "$(qflag "$EDU" bar0)"
check_eq "regions: config never has q" 0 "$(qflag "$EDU" config)"

check "unmount the default mount" vfiofs_umount "$M"
# What vfio-pci itself does with an 8-byte pread (the reason for the rule):
# one access on 6.11 and later (all ones from edu), two 4-byte ones before
# (edu's ID, then its liveness register: ~0 before any write).
if [ "$VFIOFS_IOMMU" = vtd ]; then
	p8=$(timeout 20 benchtool pread8 "$EDU" 0 0 2>&1)
	if [ "$whole" = 1 ]; then
		check_eq "vfio-pci on $kv: an 8-byte pread is one access" \
			"pread8 0xffffffffffffffff" "$p8"
	else
		check "vfio-pci on $kv: an 8-byte pread is two 4-byte ones (ID 0x010000ed low): $p8" \
			test "${p8%010000ed}" != "$p8"
	fi
fi
# Requests of up to 1 MiB, seen from inside: with -d the daemon logs each
# run of accesses. The kernel pins at most 256 pages per request: dd's
# page-aligned 1 MiB is one request (an unaligned buffer would be two).
maxrun() {
	awk -v op="$1" '$0 ~ "bar2 " op " 4 x [0-9]+ @" {
		for (i = 1; i < NF; i++) if ($i == "x" && $(i + 1) > m) m = $(i + 1)
	} END { print m + 0 }' "$LIB_TMP/dbg"
}
mkdir -p /tmp/bulkd
# shellcheck disable=SC2086
vfiofs -d $VFIOFS_OPTS "--device=$IVSHMEM" /tmp/bulkd >"$LIB_TMP/dbg" 2>&1 &
dpid=$!
if check "mount with -d" wait_mount /tmp/bulkd 1; then
	dd if=/tmp/bulkd/$IVSHMEM/bar2 of=/dev/null bs=$MIB count=1 status=none
	dd if=/dev/zero of=/tmp/bulkd/$IVSHMEM/bar2 bs=$MIB count=1 conv=notrunc status=none
	r=$(maxrun read) w=$(maxrun write)
	check "one read request carried over 1020 KiB (largest run: $r 4-byte reads)" \
		test "$r" -gt 261120
	check "one write request carried over 1020 KiB (largest run: $w 4-byte writes)" \
		test "$w" -gt 261120
	check "unmount it" timeout 10 umount /tmp/bulkd
fi
wait_for gone "$dpid"
kill -KILL "$dpid" 2>/dev/null

if check "mount -o nommap,bulk_width=8" vfiofs_mount "$M" -o nommap,bulk_width=8; then
	if [ "$whole" = 1 ]; then
		check_eq "nommap: 8-byte read of edu 0x0 is one pread (all ones)" \
			ffffffffffffffff "$(rd "$e" 0 8)"
		check_eq "nommap: ... counted once" 1 "$(delta "$EDU" bar0.fallback_reads rd "$e" 0 8)"
		check_eq "nommap, bulk_width=8: 16 bytes = 2 preads" 2 \
			"$(delta "$EDU" bar0.fallback_reads rd "$e" 0x80 16)"
		check "nommap: regs/bar0/0x80:64 writes" put 0x1122334455667788 "$M/$EDU/regs/bar0/0x80:64"
		check_text "nommap: ... and reads back whole" "$M/$EDU/regs/bar0/0x80:64" 0x1122334455667788
		put 0 "$M/$EDU/regs/bar0/0x80:64"
	else
		check_errno "nommap on $kv: an 8-byte read is refused, not split" EOPNOTSUPP \
			dd if="$e" bs=8 count=1 status=none
		check_eq "nommap on $kv: ... and no access made" 0 \
			"$(delta "$EDU" bar0.fallback_reads rd "$e" 0 8)"
		check_errno "nommap on $kv: regs/bar0/0x80:64 is refused" EOPNOTSUPP \
			cat "$M/$EDU/regs/bar0/0x80:64"
		check_eq "nommap, bulk_width=8 on $kv: 16 bytes = 4 4-byte preads" 4 \
			"$(delta "$EDU" bar0.fallback_reads rd "$e" 0x80 16)"
	fi
	check_eq "nommap: a 4-byte read is still 1 pread" 1 "$(delta "$EDU" bar0.fallback_reads rd "$e" 0 4)"
	check "unmount the nommap mount" vfiofs_umount "$M"
fi

check "the default mount is back" vfiofs_mount "$M"
finish
