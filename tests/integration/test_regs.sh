#!/bin/sh
# SPDX-License-Identifier: MIT
# regs/: a text view of one register at a time, named as setpci names it:
# hex offsets, .b/.w/.l/.q widths, register and capability names, VALUE:MASK.
. "$(dirname "$0")/lib.sh"
require_mount

r=$M/$EDU/regs
check_text "regs/bar0/0x0 is edu's ID" "$r/bar0/0x0" 0x010000ed
check "echo 0x12345678 > regs/bar0/0x4" put 0x12345678 "$r/bar0/0x4"
check_text "regs/bar0/0x4 reads the inverse" "$r/bar0/0x4" 0xedcba987
check "echo decimal 305419896 > regs/bar0/0x4" put 305419896 "$r/bar0/0x4"
check_text "decimal write took the same value" "$r/bar0/0x4" 0xedcba987
check "write without a trailing newline" sh -c "printf 0x0 > '$r/bar0/0x4'"
check_text "regs/bar0/0x4 after writing 0" "$r/bar0/0x4" 0xffffffff
check_text "a leading zero names the same register (0x04)" "$r/bar0/0x04" 0xffffffff
check_eq "the binary file agrees" ffffffff "$(rd "$M/$EDU/bar0" 4 4)"

# 64-bit: edu's DMA source register.
check "echo 0x1122334455667788 > regs/bar0/0x80:64" put 0x1122334455667788 "$r/bar0/0x80:64"
check_text "regs/bar0/0x80:64" "$r/bar0/0x80:64" 0x1122334455667788
check_text "regs/bar0/0x80 (32-bit) is the low half" "$r/bar0/0x80" 0x55667788
check_text "regs/bar0/0x80:32 is the same register" "$r/bar0/0x80:32" 0x55667788
put 0 "$r/bar0/0x80:64"
check_text "regs/bar0/0x80:64 cleared" "$r/bar0/0x80:64" 0x0000000000000000

# 8 and 16 bits: config space and ivshmem's RAM.
check_text "regs/config/0x0:16 is the vendor" "$r/config/0x0:16" 0x1234
check_text "regs/config/0x2:16 is the device" "$r/config/0x2:16" 0x11e8
check_text "regs/config/0x0:8" "$r/config/0x0:8" 0x34
check_text "regs/config/0x1:8" "$r/config/0x1:8" 0x12
check_text "regs/config/0x0 (32-bit)" "$r/config/0x0" 0x11e81234
check_same "regs/config/0x04:16 names the command register" \
	"$r/config/0x4:16" "$r/config/0x04:16"
v=$M/$IVSHMEM/regs/bar2
check "echo 0xab > ivshmem regs/bar2/0x3010:8" put 0xab "$v/0x3010:8"
check "echo 0xcdef > ivshmem regs/bar2/0x3012:16" put 0xcdef "$v/0x3012:16"
check_text "ivshmem regs/bar2/0x3010 shows both" "$v/0x3010" 0xcdef00ab
check_text "ivshmem regs/bar2/0x3010:64" "$v/0x3010:64" 0x00000000cdef00ab
put 0 "$v/0x3010:64"
check_text "ivshmem regs/bar2/0x3010:64 cleared" "$v/0x3010:64" 0x0000000000000000

# Names that are not registers.
check_errno "misaligned 0x2:32" ENOENT cat "$r/bar0/0x2:32"
check_errno "misaligned 0x1:16" ENOENT cat "$r/config/0x1:16"
check_errno "misaligned 0x4:64" ENOENT cat "$r/bar0/0x4:64"
check_errno "unknown width :24" ENOENT cat "$r/bar0/0x0:24"
check_errno "register past the end of bar0" ENOENT cat "$r/bar0/0x100000"
check_errno "64-bit register crossing the end" ENOENT cat "$r/bar0/0xffffc:64"
check_text "last register of bar0 exists" "$r/bar0/0xffffc" "$(printf '0x%08x' 0xffffffff)"
check_errno "register past the end of config (256 bytes)" ENOENT cat "$r/config/0x100"
check_errno "not a number" ENOENT cat "$r/bar0/zz"
check_errno "no such region" ENOENT cat "$r/bar1/0x0"

# Bad values change nothing.
put 0x12345678 "$r/bar0/0x4"
check_errno "value too big for 32 bits" EINVAL put 0x100000000 "$r/bar0/0x4"
check_errno "value too big for 8 bits" EINVAL put 0x100 "$v/0x3010:8"
check_errno "not a number" EINVAL put abc "$r/bar0/0x4"
check_errno "empty value" EINVAL put "" "$r/bar0/0x4"
check_errno "trailing garbage" EINVAL put 0x12x "$r/bar0/0x4"
check_text "liveness unchanged by the bad writes" "$r/bar0/0x4" 0xedcba987
check_text "ivshmem byte unchanged" "$v/0x3010:8" 0x00

# Offsets are hex, with or without 0x, as setpci and datasheets write them.
put 0x12345678 "$r/bar0/4"
check_text "regs/bar0/4 is offset 0x4 (hex without 0x)" "$r/bar0/4" 0xedcba987
check_text "regs/bar0/80.q is regs/bar0/0x80:64" "$r/bar0/80.q" 0x0000000000000000
check "echo 0xab > ivshmem regs/bar2/3010.b" put 0xab "$v/3010.b"
check_text "ivshmem regs/bar2/3010.w" "$v/3010.w" 0x00ab
check_text "ivshmem regs/bar2/0x3010:8" "$v/0x3010:8" 0xab
put 0 "$v/3010.l"
check_text "regs/config/fc is the last dword of edu's config" "$r/config/fc" "$(cat "$r/config/0xfc:32")"
check_errno "regs/config/100 (0x100) is past the end" ENOENT cat "$r/config/100"
check_errno "regs/bar0/2.l is misaligned" ENOENT cat "$r/bar0/2.l"
check_errno "regs/config/0.q: config has no 64-bit access" ENOENT cat "$r/config/0.q"
check_errno "register names are config space's: bar0/COMMAND" ENOENT cat "$r/bar0/COMMAND"

# setpci's register names read what their offsets read, on every device.
for d in $ALL_DEVS; do
	c=$M/$d/regs/config
	check_same "$d VENDOR_ID is regs/config/0.w" "$c/0.w" "$c/VENDOR_ID"
	check_eq "$d VENDOR_ID is sysfs vendor" "$(cat "/sys/bus/pci/devices/$d/vendor")" "$(cat "$c/VENDOR_ID")"
	check_same "$d vendor_id (any case) is VENDOR_ID" "$c/VENDOR_ID" "$c/vendor_id"
	check_eq "$d DEVICE_ID is sysfs device" "$(cat "/sys/bus/pci/devices/$d/device")" "$(cat "$c/DEVICE_ID")"
	check_same "$d COMMAND is 4.w" "$c/4.w" "$c/COMMAND"
	check_same "$d COMMAND.w is 0x4:16" "$c/0x4:16" "$c/COMMAND.w"
	check_eq "$d REVISION is sysfs revision" "$(cat "/sys/bus/pci/devices/$d/revision")" "$(cat "$c/REVISION")"
	check_eq "$d CLASS_DEVICE is the class without its prog-if" \
		"$(printf 0x%04x $(($(cat "/sys/bus/pci/devices/$d/class") >> 8)))" "$(cat "$c/CLASS_DEVICE")"
	check_same "$d SUBSYSTEM_ID is 2e.w" "$c/2e.w" "$c/SUBSYSTEM_ID"
	check_same "$d HEADER_TYPE is e.b" "$c/e.b" "$c/HEADER_TYPE"
	check_errno "$d has no BRIDGE_CONTROL (a type 0 header)" ENOENT cat "$c/BRIDGE_CONTROL"
	check_errno "$d: no such register name" ENOENT cat "$c/NO_SUCH_REG"
	# ls lists the names, each readable.
	names=$(ls "$c" | tr '\n' ' ')
	miss=""
	for n in VENDOR_ID DEVICE_ID COMMAND STATUS BASE_ADDRESS_0 SUBSYSTEM_ID MAX_LAT; do
		case " $names " in *" $n "*) ;; *) miss="$miss $n" ;; esac
	done
	check_eq "$d ls regs/config lists the header's names (ls sorts them)" "" "$miss"
	bad=""
	for n in $names; do cat "$c/$n" >/dev/null 2>&1 || bad="$bad $n"; done
	check_eq "$d every name ls regs/config lists reads" "" "$bad"
	check_empty "ls $d/regs/bar0 succeeds and lists nothing" "$M/$d/regs/bar0"
done

# sysfs_cap BDF ID: where capability ID is in the guest's own config, or 0.
sysfs_cap() {
	_p=$(($(cfg_sysfs "$1" 0x34 1) & 0xfc))
	_n=0
	while [ "$_p" -ge 64 ] && [ "$_n" -lt 48 ]; do
		if [ $(($(cfg_sysfs "$1" "$_p" 1))) -eq $(($2)) ]; then
			echo "$_p"
			return
		fi
		_p=$(($(cfg_sysfs "$1" $((_p + 1)) 1) & 0xfc))
		_n=$((_n + 1))
	done
	echo 0
}

# Capabilities, found on the device: the same place the guest's sysfs has.
for d in $NVME $E1000E; do
	c=$M/$d/regs/config
	names=" $(ls "$c" | tr '\n' ' ') "
	for cap in EXP:0x10 MSIX:0x11; do
		nm=${cap%%:*} id=${cap#*:}
		p=$(sysfs_cap "$d" "$id")
		check_ne "$d has CAP_$nm in sysfs's config" 0 "$p"
		check_text "$d regs/config/CAP_$nm.b is its id" "$c/CAP_$nm.b" "$(printf 0x%02x $((id)))"
		check_text "cap_${nm} (any case) and CAP$(printf %x $((id))).b name it too" "$c/cap_$nm.b" "$(printf 0x%02x $((id)))"
		check_eq "$d CAP$(printf %x $((id)))+2.w is sysfs's word at $(printf 0x%x "$p")+2" \
			"$(cfg_sysfs "$d" $((p + 2)) 2)" "$(cat "$c/CAP$(printf %x $((id)))+2.w")"
		case $names in
		*" CAP_$nm "*) pass "$d ls regs/config lists CAP_$nm" ;;
		*) fail "$d ls regs/config lists CAP_$nm:$names" ;;
		esac
	done
	check_eq "$d CAP_MSIX+4.l (table offset) is sysfs's" \
		"$(cfg_sysfs "$d" $(($(sysfs_cap "$d" 0x11) + 4)) 4)" "$(cat "$c/CAP_MSIX+4.l")"
	check_same "$d CAP_EXP+2.w is CAP_EXP+0x2:16" "$c/CAP_EXP+0x2:16" "$c/CAP_EXP+2.w"
	check_errno "$d CAP_EXP+1.w is misaligned" ENOENT cat "$c/CAP_EXP+1.w"
done

# Extended capabilities: e1000e (PCIe behind a root port, 4 KiB config) has AER at 0x100.
c=$M/$E1000E/regs/config
check_eq "e1000e's guest config starts its extended list with AER" 0x0001 "$(cfg_sysfs "$E1000E" 0x100 2)"
check_text "e1000e ECAP_AER.w is the AER id" "$c/ECAP_AER.w" 0x0001
check_text "e1000e ECAP1.w names it by number" "$c/ECAP1.w" 0x0001
check_eq "e1000e ECAP_AER+4.l (uncorrectable status) is sysfs's 0x104" \
	"$(cfg_sysfs "$E1000E" 0x104 4)" "$(cat "$c/ECAP_AER+4.l")"
check_same "e1000e ECAP_AER+8 (32 bits) is ECAP_AER+8.l" "$c/ECAP_AER+8.l" "$c/ECAP_AER+8"
case " $(ls "$c" | tr '\n' ' ') " in
*" ECAP_AER "*) pass "e1000e ls regs/config lists ECAP_AER" ;;
*) fail "e1000e ls regs/config lists ECAP_AER: $(ls "$c" | tr '\n' ' ')" ;;
esac

# A capability the device lacks is ENOENT: edu is PCI, 256 bytes of config.
c=$r/config
check_errno "edu has no CAP_EXP" ENOENT cat "$c/CAP_EXP"
check_errno "edu has no CAP_MSIX" ENOENT cat "$c/CAP_MSIX.w"
check_errno "edu has no ECAP_AER (no extended config)" ENOENT cat "$c/ECAP_AER"
case " $(ls "$c" | tr '\n' ' ') " in
*" CAP_MSI "*) pass "edu ls regs/config lists CAP_MSI" ;;
*) fail "edu ls regs/config lists CAP_MSI: $(ls "$c" | tr '\n' ' ')" ;;
esac
case " $(ls "$c" | tr '\n' ' ') " in
*" CAP_EXP "* | *" ECAP"*) fail "edu ls regs/config lists a capability it lacks: $(ls "$c" | tr '\n' ' ')" ;;
*" CAP_MSI "*) pass "edu ls regs/config lists no PCIe capability (but its CAP_MSI)" ;;
*) fail "edu ls regs/config lists nothing to judge: $(ls "$c" 2>&1 | tr '\n' ' ')" ;;
esac

# VALUE:MASK: one read and one write of the register, only MASK's bits change.
# INTx disable (0x400) is virtualised by vfio-pci: it reads back what was written.
c=$r/config/COMMAND
old=$(cat "$c")
new=$(printf 0x%04x $((old ^ 0x400)))
exec 3>"$c"
r0=$(counter "$EDU" config.reads)
w0=$(counter "$EDU" config.writes)
echo "$((~old & 0x400)):0x400" >&3
r1=$(counter "$EDU" config.reads)
w1=$(counter "$EDU" config.writes)
exec 3>&-
check_eq "echo VALUE:0x400 > COMMAND flips bit 10 only" "$new" "$(cat "$c")"
check_eq "... with one config read" $((r0 + 1)) "$r1"
check_eq "... and one config write" $((w0 + 1)) "$w1"
check "echo back the old bit 10 with a mask" put "$((old & 0x400)):0x0400" "$c"
check_text "COMMAND is what it was" "$c" "$old"
check_errno "a mask wider than COMMAND" EINVAL put 0x400:0x10000 "$c"
check_errno "a value wider than COMMAND" EINVAL put 0x10000:0x400 "$c"
check_errno "a mask that is not a number" EINVAL put 0x400:zz "$c"
check_text "COMMAND unchanged by the refused writes" "$c" "$old"

finish
