#!/bin/sh
# SPDX-License-Identifier: MIT
# dma/: buffers made with mkdir, sized, filled with dd, and used by edu's DMA
# engine through its registers, which proves the IOMMU mapping is real.
. "$(dirname "$0")/lib.sh"
require_mount
if [ "$VFIOFS_IOMMU" = none ]; then
	skip "no IOMMU: IOVA allocation and IOMMU mappings (test_dma_noiommu covers no-IOMMU buffers)"
	finish
fi

D=$M/dma
r=$M/$EDU/regs/bar0
EDU_BUF=0x40000 # edu's internal buffer, in its own address space

check "dma/ is a directory" test -d "$D"
check "mkdir dma/buf" mkdir "$D/buf"
b=$D/buf
for f in size data iova; do
	check "dma/buf/$f is a regular file" test -f "$b/$f"
done
check_text "size reads 0 before it is set" "$b/size" 0
check_text "iova reads - before size is set" "$b/iova" -
check_eq "data is empty before size is set" 0 "$(stat -c %s "$b/data")"

check "echo 4096 > size allocates and maps" put 4096 "$b/size"
check_text "size reads 4096" "$b/size" 4096
check_eq "data is 4096 bytes" 4096 "$(stat -c %s "$b/data")"
check_eq "cat data gives 4096 bytes" 4096 "$(cat "$b/data" | wc -c | tr -d ' ')"
iova=$(cat "$b/iova")
check "iova is a 0x number: $iova" is_num "$iova"
case $iova in 0x*) ;; *) iova=0 ;; esac
check "iova is page aligned" test $((iova & 4095)) -eq 0
check "iova is at or above 1 MiB" test $((iova)) -ge $((0x100000))
check_errno "size written again" EBUSY put 8192 "$b/size"
check_errno "iova written after size" EBUSY put 0x900000 "$b/iova"
check_text "size unchanged" "$b/size" 4096

# A pattern of 256 bytes at 0, zeros at 0x800 (fresh memory).
i=0
while [ $i -lt 256 ]; do
	printf "\\$(printf %o $(((i * 7 + 3) & 255)))"
	i=$((i + 1))
done >"$LIB_TMP/pat"
check "dd the pattern into data" dd if="$LIB_TMP/pat" of="$b/data" bs=256 count=1 conv=notrunc status=none
want=$(od -An -tx1 "$LIB_TMP/pat" | tr -d ' \n')
check_eq "data reads the pattern back" "$want" \
	"$(dd if="$b/data" bs=256 count=1 status=none | od -An -tx1 | tr -d ' \n')"
zeros=$(dd if=/dev/zero bs=256 count=1 status=none | od -An -tx1 | tr -d ' \n')
check_eq "data at 0x800 is zero before the DMA" "$zeros" \
	"$(dd if="$b/data" bs=256 count=1 skip=8 status=none | od -An -tx1 | tr -d ' \n')"
check_errno "write at the end of data" ENOSPC wr "$b/data" 4096 'x'
check_eq "a read at the end of data is empty (EOF)" 0 "$(nbytes "$b/data" 4096 16)"

# edu_dma DIR SRC DST CMD: one transfer of 0x100 bytes, waited for.
edu_dma() {
	put "$1" "$r/0x80:64" && put "$2" "$r/0x88:64" && put 0x100 "$r/0x90:64" &&
		put "$3" "$r/0x98:64" && poll_bit_clear "$r/0x98:64" 1
}
check "edu DMA buffer -> edu (src iova $iova, cmd 1)" edu_dma "$iova" $EDU_BUF 1
check "edu DMA edu -> buffer + 0x800 (cmd 3 = start | to RAM)" \
	edu_dma $EDU_BUF $((iova + 0x800)) 3
check_eq "the pattern arrived at 0x800 through the IOMMU" "$want" \
	"$(dd if="$b/data" bs=256 count=1 skip=8 status=none | od -An -tx1 | tr -d ' \n')"
check_eq "the bytes after 0x900 are untouched" "$zeros" \
	"$(dd if="$b/data" bs=256 count=1 skip=9 status=none | od -An -tx1 | tr -d ' \n')"

# An iova chosen before the size is used; edu then writes there.
check "mkdir dma/fixed" mkdir "$D/fixed"
check "echo 0x800000 > fixed/iova" put 0x800000 "$D/fixed/iova"
check_text "fixed/iova reads it before size" "$D/fixed/iova" 0x800000
check "echo 8192 > fixed/size" put 8192 "$D/fixed/size"
check_text "fixed/iova is the chosen one" "$D/fixed/iova" 0x800000
check "edu DMA edu -> 0x800000 + 0x1000" edu_dma $EDU_BUF 0x801000 3
check_eq "the pattern arrived at fixed's second page" "$want" \
	"$(dd if="$D/fixed/data" bs=256 count=1 skip=16 status=none | od -An -tx1 | tr -d ' \n')"

# Bad iovas and sizes.
check "mkdir dma/bad" mkdir "$D/bad"
check_errno "misaligned iova" EINVAL put 0x900123 "$D/bad/iova"
check_errno "iova inside another buffer" EINVAL put 0x801000 "$D/bad/iova"
check_errno "iova in the MSI window" EINVAL put 0xfee00000 "$D/bad/iova"
check_errno "iova not a number" EINVAL put abc "$D/bad/iova"
check_text "bad/iova still unset" "$D/bad/iova" -
check_errno "size 0" EINVAL put 0 "$D/bad/size"
check_errno "size not a number" EINVAL put 12k "$D/bad/size"
check_errno "size over the limit (1 GiB)" ENOMEM put 1073741824 "$D/bad/size"
check_text "bad/size still 0" "$D/bad/size" 0
check "a small size still works after that" put 100 "$D/bad/size"
check_eq "bad/data is 100 bytes" 100 "$(stat -c %s "$D/bad/data")"
check_errno "write past 100 bytes" ENOSPC wr "$D/bad/data" 100 'x'
# A write crossing the end is short (dd then fails on the rest: ENOSPC).
printf 'abcdefgh' | dd of="$D/bad/data" bs=8 seek=96 oflag=seek_bytes conv=notrunc status=none 2>/dev/null
check_eq "a write crossing the end stores what fits" abcd \
	"$(dd if="$D/bad/data" bs=1 skip=96 count=8 status=none)"

# Names.
check_errno "mkdir an existing buffer" EEXIST mkdir "$D/buf"
check_errno "a name with a space" EINVAL mkdir "$D/bad name"
check_errno "a name with a colon" EINVAL mkdir "$D/a:b"
long=$(printf '%065d' 0)
check_errno "a name of 65 characters" EINVAL mkdir "$D/$long"
check "a name of 64 characters" mkdir "$D/${long#0}"
check "rmdir it" rmdir "$D/${long#0}"
check "a name of A-Z a-z 0-9 _ . -" mkdir "$D/Ab_9.x-y"
check_eq "ls dma lists the buffers" "Ab_9.x-y bad buf fixed" \
	"$(ls "$D" | sort | tr '\n' ' ' | sed 's/ $//')"
check_errno "mkdir in a buffer" EPERM mkdir "$b/sub"
check_errno "rm a buffer's file" EPERM rm -f "$b/size"
check_errno "rmdir a buffer that does not exist" ENOENT rmdir "$D/nosuch"

# rmdir while data is open: EBUSY. size and iova held open (by anyone who
# may read them) block nothing, and answer ENODEV once the buffer is gone.
# (A redirection on a group, not exec: a failed open must not end the test.)
# (opened: the group ran; the checks' own status is theirs.)
opened=0
{
	opened=1
	check_errno "rmdir while data is open" EBUSY rmdir "$b"
} 3<"$b/data"
[ "$opened" = 1 ] || fail "open $b/data"
opened=0
{
	opened=1
	check "rmdir while iova and size are open" rmdir "$b"
	check_errno "the held iova answers ENODEV" ENODEV cat <&3
	check_errno "the held size answers ENODEV" ENODEV cat <&4
} 3<"$b/iova" 4<"$b/size"
[ "$opened" = 1 ] || fail "open $b/iova, $b/size"
check_errno "the buffer is gone" ENOENT stat "$b"
for n in fixed bad Ab_9.x-y; do
	check "rmdir dma/$n" rmdir "$D/$n"
done
check_empty "dma is empty" "$D"
# The freed buffer's IOVA is free again: a new buffer may take it.
check "mkdir dma/again" mkdir "$D/again"
check "echo $iova > again/iova" put "$iova" "$D/again/iova"
check "echo 4096 > again/size" put 4096 "$D/again/size"
check "rmdir dma/again" rmdir "$D/again"

# Unmount with buffers still there (one mapped, one not): the daemon frees
# them and exits (the sanitized build reports any leak, orphans of the
# removed buffers included); a new mount starts with an empty dma/.
check "mkdir dma/left" mkdir "$D/left"
check "echo 65536 > left/size" put 65536 "$D/left/size"
check "mkdir dma/empty" mkdir "$D/empty"
check "unmount with buffers" vfiofs_umount "$M"
check "mount again" vfiofs_mount "$M"
check_empty "dma is empty after a remount" "$D"

finish
