#!/bin/sh
# SPDX-License-Identifier: MIT
# Memory decode off: vfio-pci zaps the BAR mappings, so a mapped access takes
# SIGBUS and pread returns EIO. vfiofs must catch the fault, count it, fail the
# call with EIO and stay alive; with decode on again everything works.
. "$(dirname "$0")/lib.sh"
require_mount

c=$M/$EDU/regs/config/0x4:16
cmd=$(cat "$c")
check_eq "edu command register has memory decode on" 2 $((cmd & 2))
off=$(printf '0x%04x' $((cmd & ~2)))
f0=$(counter "$EDU" bar0.faults)
check "turn memory decode off (echo $off > regs/config/0x4:16)" put "$off" "$c"
check_text "command register reads it back" "$c" "$off"
check_errno "dd of edu bar0 with decode off" EIO dd if="$M/$EDU/bar0" bs=4 count=1 status=none
f1=$(counter "$EDU" bar0.faults)
check "bar0.faults increased ($f0 -> $f1)" test "$f1" -gt "$f0"
check_errno "a 64-byte read with decode off" EIO dd if="$M/$EDU/bar0" bs=64 count=1 status=none
check_eq "... is one fault: a run stops at its first failed access" $((f1 + 1)) \
	"$(counter "$EDU" bar0.faults)"
f1=$(counter "$EDU" bar0.faults)
check_errno "regs/bar0/0x0 with decode off" EIO cat "$M/$EDU/regs/bar0/0x0"
check_errno "a write with decode off" EIO wr "$M/$EDU/bar0" 4 "$(le32 1)"
check "the daemon is alive: ls works" ls "$M/$EDU"
check_text "the daemon is alive: vendor reads" "$M/$EDU/vendor" 0x1234
check "turn memory decode on again" put "$cmd" "$c"
check_text "command register restored" "$c" "$(printf '0x%04x' "$cmd")"
check_eq "edu bar0 reads again" 010000ed "$(rd "$M/$EDU/bar0" 0 4)"
m0=$(counter "$EDU" bar0.mmap_reads)
rd "$M/$EDU/bar0" 0 4 >/dev/null
check_eq "and through the mapping again" $((m0 + 1)) "$(counter "$EDU" bar0.mmap_reads)"
check_text "regs work again" "$M/$EDU/regs/bar0/0x0" 0x010000ed

finish
