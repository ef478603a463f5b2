#!/bin/sh
# SPDX-License-Identifier: MIT
# Access widths: a read or write of exactly 1, 2, 4 or 8 bytes at an aligned
# offset is one device access; anything else is split into naturally aligned
# accesses no wider than 4 bytes. Counted with the counters file.
. "$(dirname "$0")/lib.sh"
require_mount

# edu BAR0 (1 MiB, mappable): the mapped path.
f=$M/$EDU/bar0
check_eq "edu regions: bar0 is mappable" m \
	"$(awk '$2 == "bar0" { print ($4 ~ /m/) ? "m" : "-" }' "$M/$EDU/regions")"
check_eq "4-byte dd read = 1 mapped read" 1 "$(delta "$EDU" bar0.mmap_reads rd "$f" 0 4)"
check_eq "4-byte dd read: no fallback read" 0 "$(delta "$EDU" bar0.fallback_reads rd "$f" 0 4)"
check_eq "16-byte dd read = 4 mapped reads" 4 "$(delta "$EDU" bar0.mmap_reads rd "$f" 0 16)"
check_eq "12-byte read at 4 = 3 mapped reads" 3 "$(delta "$EDU" bar0.mmap_reads nbytes "$f" 4 12)"
check_eq "8-byte aligned read (0x80) = 1 mapped read" 1 "$(delta "$EDU" bar0.mmap_reads rd "$f" 0x80 8)"
check_eq "8-byte read at 0x84 (unaligned) = 2 mapped reads" 2 \
	"$(delta "$EDU" bar0.mmap_reads nbytes "$f" 0x84 8)"
check_eq "4-byte write = 1 mapped write" 1 \
	"$(delta "$EDU" bar0.mmap_writes wr "$f" 4 "$(le32 0x0f0f0f0f)")"
check_eq "the written value arrived in one piece" f0f0f0f0 "$(rd "$f" 4 4)"
# edu's DMA source register (0x80) is 64-bit: one 8-byte write, one 8-byte read.
check_eq "8-byte aligned write (0x80) = 1 mapped write" 1 \
	"$(delta "$EDU" bar0.mmap_writes wr "$f" 0x80 '\x88\x77\x66\x55\x44\x33\x22\x11')"
check_eq "8-byte register reads back whole" 1122334455667788 "$(rd "$f" 0x80 8)"
check_eq "its low half (4-byte read)" 55667788 "$(rd "$f" 0x80 4)"
check_eq "16-byte write = 4 mapped writes" 4 \
	"$(delta "$EDU" bar0.mmap_writes wr "$f" 0x80 '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0')"
check_eq "DMA source cleared" 0000000000000000 "$(rd "$f" 0x80 8)"

# ivshmem BAR2 (RAM): 1- and 2-byte accesses. 0x3000 is outside the pattern
# the host checks; it is left zero.
g=$M/$IVSHMEM/bar2
check_eq "1-byte write = 1 mapped write" 1 "$(delta "$IVSHMEM" bar2.mmap_writes wr "$g" 0x3000 '\x5a')"
check_eq "1-byte read = 1 mapped read" 1 "$(delta "$IVSHMEM" bar2.mmap_reads rd "$g" 0x3000 1)"
check_eq "1-byte value" 5a "$(rd "$g" 0x3000 1)"
check_eq "2-byte aligned write = 1 mapped write" 1 \
	"$(delta "$IVSHMEM" bar2.mmap_writes wr "$g" 0x3002 '\x34\x12')"
check_eq "2-byte aligned read = 1 mapped read" 1 "$(delta "$IVSHMEM" bar2.mmap_reads rd "$g" 0x3002 2)"
check_eq "2-byte value" 1234 "$(rd "$g" 0x3002 2)"
check_eq "4-byte view of both" 1234005a "$(rd "$g" 0x3000 4)"
check_eq "2-byte read at an odd offset = 2 accesses (1+1)" 2 \
	"$(delta "$IVSHMEM" bar2.mmap_reads nbytes "$g" 0x3001 2)"
check_eq "7-byte read at 1 = 3 accesses (1+2+4)" 3 \
	"$(delta "$IVSHMEM" bar2.mmap_reads nbytes "$g" 0x3001 7)"
check_eq "3-byte write at 1 = 2 accesses (1+2)" 2 \
	"$(delta "$IVSHMEM" bar2.mmap_writes wr "$g" 0x3001 '\0\0\0')"
wr "$g" 0x3000 '\0\0\0\0'
check_eq "0x3000 zero again" 00000000 "$(rd "$g" 0x3000 4)"

finish
