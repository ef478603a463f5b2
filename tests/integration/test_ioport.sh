#!/bin/sh
# SPDX-License-Identifier: MIT
# I/O-port BARs (pci-testdev bar1, e1000e bar2): never mapped, read and written
# with pread/pwrite on the VFIO device fd.
. "$(dirname "$0")/lib.sh"
require_mount

for db in "$TESTDEV bar1" "$E1000E bar2"; do
	set -- $db
	d=$1 b=$2
	check_eq "$d $b regions flags: I/O, not mappable" "i-" \
		"$(awk -v b="$b" '$2 == b { print (($4 ~ /i/) ? "i" : "") (($4 ~ /m/) ? "m" : "-") }' "$M/$d/regions")"
	m0=$(counter "$d" "$b.mmap_reads") f0=$(counter "$d" "$b.fallback_reads")
	check_eq "$d $b: a 4-byte read returns 4 bytes" 4 "$(nbytes "$M/$d/$b" 0 4)"
	check_eq "$d $b: counted as one fallback read" $((f0 + 1)) "$(counter "$d" "$b.fallback_reads")"
	check_eq "$d $b: no mapped read" "$m0" "$(counter "$d" "$b.mmap_reads")"
	check_eq "$d $b: mmap_reads stays 0" 0 "$(counter "$d" "$b.mmap_reads")"
done

# e1000e's I/O window: IOADDR (bar2+0) selects a register, IODATA (bar2+4)
# reads it. Register 0 (CTRL) must read as bar0+0 does through the mapping.
e=$M/$E1000E
w0=$(counter "$E1000E" bar2.fallback_writes)
check "write IOADDR = 0 (CTRL) with dd" wr "$e/bar2" 0 "$(le32 0)"
check_eq "one fallback write" $((w0 + 1)) "$(counter "$E1000E" bar2.fallback_writes)"
check_eq "IOADDR reads back 0" 00000000 "$(rd "$e/bar2" 0 4)"
ctrl=$(rd "$e/bar0" 0 4)
check_eq "IODATA (I/O port path) = CTRL through bar0 (mapped path)" "$ctrl" "$(rd "$e/bar2" 4 4)"
check "write IOADDR = 8 (STATUS) through regs" put 0x8 "$e/regs/bar2/0x0"
check_eq "IODATA = STATUS through bar0" "0x$(rd "$e/bar0" 8 4)" "$(cat "$e/regs/bar2/0x4")"
check_eq "bar2 reads as 32 bytes" 32 "$(cat "$e/bar2" | wc -c | tr -d ' ')"

finish
