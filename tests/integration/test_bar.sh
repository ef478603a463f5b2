#!/bin/sh
# SPDX-License-Identifier: MIT
# BAR files (and rom): sizes, values, EOF, ENOSPC, short reads.
. "$(dirname "$0")/lib.sh"
require_mount

# BDF BAR expected-size
sizes="$EDU bar0 1048576
$NVME bar0 16384
$IVSHMEM bar0 256
$IVSHMEM bar2 1048576
$TESTDEV bar0 4096
$TESTDEV bar1 256
$E1000E bar0 131072
$E1000E bar1 131072
$E1000E bar2 32
$E1000E bar3 16384"
while read -r d b n; do
	check_eq "$d $b size is $n" "$n" "$(stat -c %s "$M/$d/$b")"
	check_eq "$d $b size equals sysfs" "$(sysfs_bar_size "$d" "${b#bar}")" "$(stat -c %s "$M/$d/$b")"
	check_eq "$d $b read at the end (dd skip=size) gives 0 bytes" 0 "$(nbytes "$M/$d/$b" "$n" 4)"
	check_eq "$d $b read past the end gives 0 bytes" 0 "$(nbytes "$M/$d/$b" $((n * 2)) 4)"
	check_errno "$d $b write at the end" ENOSPC wr "$M/$d/$b" "$n" '\0\0\0\0'
done <<LIST
$sizes
LIST

check_eq "e1000e rom size is 262144" 262144 "$(stat -c %s "$M/$E1000E/rom")"
check_eq "e1000e rom starts with the 55 aa signature" aa55 "$(rd "$M/$E1000E/rom" 0 2)"
check_eq "e1000e rom read at the end gives 0 bytes" 0 "$(nbytes "$M/$E1000E/rom" 262144 4)"
check_eq "e1000e rom read crossing the end is short" 2 "$(nbytes "$M/$E1000E/rom" 262142 4)"
check_errno "e1000e rom cannot be written" EACCES wr "$M/$E1000E/rom" 0 '\0'

# edu (BAR0): ID and liveness registers.
f=$M/$EDU/bar0
check_eq "edu bar0 dword 0 (dd bs=4 count=1 | od) is the ID" 010000ed \
	"$(dd if="$f" bs=4 count=1 status=none | od -An -tx4 | tr -d ' \n')"
check "write 0x12345678 to edu liveness (dd conv=notrunc seek)" wr "$f" 4 "$(le32 0x12345678)"
check_eq "edu liveness reads back inverted" edcba987 "$(rd "$f" 4 4)"
check "write 0 to edu liveness" wr "$f" 4 "$(le32 0)"
check_eq "edu liveness reads back 0xffffffff" ffffffff "$(rd "$f" 4 4)"

# Whole small BARs read with cat end at their size.
for db in "$NVME bar0 16384" "$IVSHMEM bar0 256" "$TESTDEV bar0 4096" \
	"$TESTDEV bar1 256" "$E1000E bar2 32" "$E1000E bar3 16384"; do
	set -- $db
	check_eq "cat $1/$2 | wc -c is $3" "$3" "$(timeout 60 cat "$M/$1/$2" | wc -c | tr -d ' ')"
done

# A read crossing the end is short.
check_eq "testdev bar0: 4 bytes at size-2 give 2" 2 "$(nbytes "$M/$TESTDEV/bar0" 4094 4)"
check_eq "ivshmem bar2: 8 bytes at size-4 give 4" 4 "$(nbytes "$M/$IVSHMEM/bar2" 1048572 8)"

# mmap of a BAR file is refused (FUSE cannot map device memory): no busybox
# tool maps a file, so this is left to the unit tests.

finish
