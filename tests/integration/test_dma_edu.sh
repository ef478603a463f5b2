#!/bin/sh
# SPDX-License-Identifier: MIT
# DMA as a driver does it, from the shell: edu-dma.sh (the README's example)
# moves a pattern RAM -> edu -> RAM with its DMA engine, waiting for edu's
# interrupt on irq/0/events after each transfer. A transfer to an IOVA that
# is not mapped is stopped by the IOMMU (the guest kernel logs a DMAR fault)
# and changes no buffer. Buffers survive a device reset.
. "$(dirname "$0")/lib.sh"
require_mount
if [ "$VFIOFS_IOMMU" = none ]; then
	skip "no IOMMU: the IOMMU-fault and IOVA checks (test_dma_noiommu runs edu-dma.sh with physical addresses)"
	finish
fi

D=$M/dma
r=$M/$EDU/regs/bar0
EDU_BUF=0x40000

check_edu_dma "edu-dma.sh: RAM -> edu -> RAM through vfiofs files"
check "... edu's interrupt count moved" test "$(cat "$M/$EDU/irq/0/count")" -ge 2

# edu_dma SRC DST CMD: one transfer of 0x100 bytes, waited for by polling.
edu_dma() {
	put "$1" "$r/0x80:64" && put "$2" "$r/0x88:64" && put 0x100 "$r/0x90:64" &&
		put "$3" "$r/0x98:64" && poll_bit_clear "$r/0x98:64" 1
}
hexof() { dd if="$1" bs=256 count=1 skip="$2" status=none | od -An -tx1 | tr -d ' \n'; }

# A known buffer and a known pattern in edu.
check "mkdir dma/guard" mkdir "$D/guard"
check "echo 8192 > guard/size" put 8192 "$D/guard/size"
g=$(cat "$D/guard/iova")
i=0
while [ $i -lt 256 ]; do printf "\\$(printf %o $((i ^ 0x5a)))"; i=$((i + 1)); done >"$LIB_TMP/pat"
want=$(od -An -tx1 "$LIB_TMP/pat" | tr -d ' \n')
check "the pattern into guard" dd if="$LIB_TMP/pat" of="$D/guard/data" conv=notrunc status=none
check "guard -> edu" edu_dma "$g" $EDU_BUF 1
zeros=$(hexof "$D/guard/data" 16)

# edu -> an IOVA nobody mapped: just past guard, and far away.
faults0=$(dmesg | grep -c "DMAR.*00:03.0")
for bad in $((g + 8192)) 0x3000000; do
	check "edu -> unmapped $(printf 0x%x $((bad)))" edu_dma $EDU_BUF "$bad" 3
done
check "the IOMMU stopped it: a DMAR fault for 00:03.0 in the kernel log" \
	wait_for sh -c "test \$(dmesg | grep -c 'DMAR.*00:03.0') -gt $faults0"
dmesg | grep "DMAR.*00:03.0" | tail -n 2 | sed 's/^/    | /'
check_eq "guard's pattern is intact" "$want" "$(hexof "$D/guard/data" 0)"
check_eq "guard's second page is still zero" "$zeros" "$(hexof "$D/guard/data" 16)"
check_eq "guard's last bytes are still zero" "$zeros" "$(hexof "$D/guard/data" 31)"
check_text "edu still answers" "$r/0x0" 0x010000ed
check_eq "one vfiofs process" 1 "$(vfiofs_pids | wc -w | tr -d ' ')"

# A reset (nvme's FLR) keeps the buffers: same IOVA, same bytes, and edu
# still reaches them.
check "reset nvme" put 1 "$M/$NVME/reset"
check_text "guard's iova is unchanged" "$D/guard/iova" "$g"
check_eq "guard's bytes are unchanged" "$want" "$(hexof "$D/guard/data" 0)"
check "edu -> guard + 0x1000 after the reset" edu_dma $EDU_BUF $((g + 0x1000)) 3
check_eq "the pattern arrived" "$want" "$(hexof "$D/guard/data" 16)"
check "rmdir dma/guard" rmdir "$D/guard"

finish
