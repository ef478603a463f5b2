#!/bin/sh
# SPDX-License-Identifier: MIT
# DMA buffers without an IOMMU (-o noiommu, the bed's --iommu none): a device
# uses physical addresses, so a buffer is one locked page, or one 2 MiB huge
# page, and iova reads its physical address (from /proc/self/pagemap). edu's
# DMA round trip (edu-dma.sh, with interrupts) works on those addresses.
# With an IOMMU this test has nothing to do (test_dma covers it).
. "$(dirname "$0")/lib.sh"
require_mount
if [ "$VFIOFS_IOMMU" != none ]; then
	skip "an IOMMU is there: nothing to do (test_dma, test_dma_edu)"
	finish
fi

D=$M/dma
check_text "the group file says noiommu" "$M/$EDU/group" \
	"$(basename "$(readlink /sys/bus/pci/devices/$EDU/iommu_group)") noiommu"

check "mkdir dma/p" mkdir "$D/p"
check_errno "iova cannot be chosen" EINVAL put 0x800000 "$D/p/iova"
check "echo 100 > size: one locked page" put 100 "$D/p/size"
check_text "size reads 100" "$D/p/size" 100
pa=$(cat "$D/p/iova")
check "iova is a physical address: $pa" is_num "$pa"
case $pa in 0x*) ;; *) pa=0 ;; esac
check "... page aligned and not 0" test $((pa)) -ne 0 -a $((pa & 4095)) -eq 0
# The guest's own view: the page frame is in a System RAM range of /proc/iomem.
in_ram() {
	while read -r range rest; do
		case $rest in *"System RAM"*) ;; *) continue ;; esac
		_lo=$((0x${range%-*})) _hi=$((0x${range#*-}))
		[ "$1" -ge "$_lo" ] && [ "$1" -le "$_hi" ] && return 0
	done </proc/iomem
	return 1
}
check "... in a System RAM range of /proc/iomem" in_ram $((pa))

# More than a page: a huge page, only when one is free.
echo 0 >/proc/sys/vm/nr_hugepages
check "mkdir dma/h" mkdir "$D/h"
check_errno "5000 bytes with no huge page free: ENOMEM" ENOMEM put 5000 "$D/h/size"
check_text "... nothing allocated" "$D/h/size" 0
echo 2 >/proc/sys/vm/nr_hugepages
check_eq "two huge pages reserved" 2 "$(cat /proc/sys/vm/nr_hugepages)"
check "5000 bytes with a huge page free" put 5000 "$D/h/size"
hpa=$(cat "$D/h/iova")
check "its iova is 2 MiB aligned: $hpa" test $((hpa & 0x1fffff)) -eq 0
check_eq "one huge page in use" 1 "$(awk '/HugePages_Free/ { print 2 - $2 }' /proc/meminfo)"
check "mkdir dma/big" mkdir "$D/big"
check_errno "more than 2 MiB cannot be contiguous: EINVAL" EINVAL put 2097153 "$D/big/size"
check "rmdir dma/big" rmdir "$D/big"
check "rmdir dma/h frees the huge page" rmdir "$D/h"
check_eq "no huge page in use" 0 "$(awk '/HugePages_Free/ { print 2 - $2 }' /proc/meminfo)"
check_errno "size written again" EBUSY put 8192 "$D/p/size"
check_errno "iova written after size" EBUSY put 0x900000 "$D/p/iova"
{ check_errno "rmdir while data is open" EBUSY rmdir "$D/p"; } 3<"$D/p/data"
check "mkdir dma/bad" mkdir "$D/bad"
check_errno "size 0" EINVAL put 0 "$D/bad/size"
check_errno "size not a number" EINVAL put 12k "$D/bad/size"
check_text "... nothing allocated" "$D/bad/size" 0
check "rmdir dma/bad" rmdir "$D/bad"
check "rmdir dma/p" rmdir "$D/p"

# F4: the devices' DMA reaches all memory: handing them to other users
# (allow_other, uid=) needs -o unsafe_delegate, and iova (a physical
# address) is the owner's only.
mkdir "$D/m"
check_eq "iova is the owner's only (0600)" 600 "$(stat -c %a "$D/m/iova")"
rmdir "$D/m"
check "unmount the default mount" vfiofs_umount "$M"
mkdir -p /tmp/deleg
for o in allow_other uid=1000; do
	timeout 20 vfiofs -f $VFIOFS_OPTS -o "$o" /tmp/deleg >"$LIB_TMP/deleg.err" 2>&1
	check_ne "-o noiommu,$o is refused" 0 "$?"
	check "... naming -o unsafe_delegate" grep -q "unsafe_delegate" "$LIB_TMP/deleg.err"
done
check_not "... and nothing was mounted" grep -q " /tmp/deleg " /proc/mounts
if check "-o noiommu,allow_other,unsafe_delegate mounts" \
	vfiofs_mount "$M" -o allow_other,unsafe_delegate; then
	check "mkdir dma/q" mkdir "$M/dma/q"
	check_eq "dma/q/iova is 0600" 600 "$(stat -c %a "$M/dma/q/iova")"
	check "rmdir dma/q" rmdir "$M/dma/q"
	check "unmount it" vfiofs_umount "$M"
fi
check "the default mount is back" vfiofs_mount "$M"

# edu's round trip with interrupts, on physical addresses.
check_edu_dma "edu-dma.sh without an IOMMU"
echo 0 >/proc/sys/vm/nr_hugepages

finish
