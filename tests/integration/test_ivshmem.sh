#!/bin/sh
# SPDX-License-Identifier: MIT
# ivshmem-plain's BAR2 is the host file run.sh gave as its memory: the host
# checks after the run that exactly these bytes reached it (run.sh):
#   0x1000: "vfiofs-ivshmem-check"   (one 20-byte write)
#   0x2000: ef be ad de              (one 4-byte write: 0xdeadbeef)
#   0xffffe: "EN"                    (a 4-byte write of "ENDX" at size-2: the
#                                     write is short, 2 bytes; dd then writes the
#                                     rest at the end and gets ENOSPC)
# Everything else stays zero.
. "$(dirname "$0")/lib.sh"
require_mount

f=$M/$IVSHMEM/bar2
size=$(stat -c %s "$f")
check_eq "bar2 is 1 MiB" 1048576 "$size"
check_eq "bar2 reads zero before" 00000000 "$(rd "$f" 0x1000 4)"
check "write the string at 0x1000 (one 20-byte dd)" \
	sh -c "printf vfiofs-ivshmem-check | dd of='$f' bs=20 count=1 seek=4096 oflag=seek_bytes conv=notrunc status=none"
check_eq "the string reads back" vfiofs-ivshmem-check \
	"$(dd if="$f" bs=20 count=1 skip=4096 iflag=skip_bytes status=none)"
w0=$(counter "$IVSHMEM" bar2.mmap_writes)
check "write 0xdeadbeef at 0x2000 (one 4-byte dd)" wr "$f" 0x2000 "$(le32 0xdeadbeef)"
check_eq "one mapped write" $((w0 + 1)) "$(counter "$IVSHMEM" bar2.mmap_writes)"
check_eq "0xdeadbeef reads back" deadbeef "$(rd "$f" 0x2000 4)"
check_text "regs/bar2/0x2000 agrees" "$M/$IVSHMEM/regs/bar2/0x2000" 0xdeadbeef
check_errno "a 4-byte write at size-2: 2 bytes written, dd's retry of the rest fails" ENOSPC \
	sh -c "printf ENDX | dd of='$f' bs=4 count=1 seek=$((size - 2)) oflag=seek_bytes conv=notrunc status=none"
check_eq "the 2 bytes before the end were written" EN \
	"$(dd if="$f" bs=4 count=1 skip=$((size - 2)) iflag=skip_bytes status=none)"
check_errno "a write at the end" ENOSPC wr "$f" "$size" 'X'
check_eq "bar0 (registers) is 256 bytes" 256 "$(stat -c %s "$M/$IVSHMEM/bar0")"
sync

finish
