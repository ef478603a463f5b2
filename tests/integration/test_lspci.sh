#!/bin/sh
# SPDX-License-Identifier: MIT
# lspci and setpci through the mount: $M/.sysfs/devices/BDF/ is shaped the
# way pciutils' linux-sysfs back end reads a device, its config going through
# VFIO. lspci through the mount decodes every device with the capabilities
# lspci finds on the guest's own sysfs; setpci reads and writes through VFIO
# (no -b); a device unbound and bound again leaves and comes back.
. "$(dirname "$0")/lib.sh"
require_mount

S=$M/.sysfs
lsm() { lspci -A linux-sysfs -O sysfs.path="$S" "$@" 2>"$LIB_TMP/lspci.err"; }
spm() { setpci -A linux-sysfs -O sysfs.path="$S" "$@"; }
# "Capabilities: [xx] Name" lines, without what follows a name's colon
# (the decoded bits: vfio-pci virtualises some of them).
caps() { sed -n 's/^[[:space:]]*Capabilities: \(\[[^]]*\][^:]*\).*/\1/p'; }
# "Region N:" lines without the [disabled]/[virtual] notes, which follow
# the COMMAND register, virtualised by vfio-pci.
regions() { sed -n 's/ \[disabled\]//; s/ \[virtual\]//; /Region [0-9]/p' "$1" | tr '\n' ';'; }
# hexn N TEXT: TEXT is N lowercase hex digits (what setpci prints).
hexn() { [ "${#2}" -eq "$1" ] && case $2 in *[!0-9a-f]*) false ;; esac; }

check "lspci is in the guest" command -v lspci
check "setpci is in the guest" command -v setpci
check "$S/devices is a directory" test -d "$S/devices"
check "ls -a $M lists .sysfs (a dot-name: plain ls hides it)" \
	sh -c "ls -a '$M' | grep -qx .sysfs"
check_eq "$S/devices lists exactly the devices of the mount" \
	"$(ls "$M" | grep '^[0-9a-f]\{4\}:' | sort | tr '\n' ' ')" \
	"$(ls "$S/devices" | sort | tr '\n' ' ')"
check_eq "lspci -D through the mount lists exactly the devices of the bed" \
	"$(echo $ALL_DEVS | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"$(lsm -D | cut -d' ' -f1 | sort | tr '\n' ' ')"

for d in $ALL_DEVS; do
	D=$S/devices/$d
	size=$(stat -c %s "$M/$d/config")
	check "$d/config has a size ($size)" test "${size:-0}" -ge 256
	check_eq "$d: .sysfs config is as big as $d/config" \
		"$size" "$(stat -c %s "$D/config")"
	check_eq "$d: .sysfs resource is the device's sysfs resource" \
		"$(cat "/sys/bus/pci/devices/$d/resource")" "$(cat "$D/resource")"
	check_eq "$d: .sysfs driver links to vfio-pci" vfio-pci \
		"$(basename "$(readlink -f "$D/driver")")"
	check_eq "$d: .sysfs iommu_group is the device's group" \
		"$(readlink -f "/sys/bus/pci/devices/$d/iommu_group")" \
		"$(readlink -f "$D/iommu_group")"
	check "$d: lspci -vv on the guest's own sysfs names it" \
		sh -c "lspci -vv -s '$d' >'$LIB_TMP/own' && grep -q '^${d#0000:} ' '$LIB_TMP/own'"
	if lsm -vv -s "$d" >"$LIB_TMP/mnt" && [ -s "$LIB_TMP/mnt" ]; then
		pass "$d: lspci -vv through the mount exits 0 and prints"
	else
		fail "$d: lspci -vv through the mount exits $?"
		sed 's/^/    | /' "$LIB_TMP/lspci.err" | head -n 5
	fi
	check_eq "$d: lspci through the mount names the device as lspci does" \
		"$(head -n 1 "$LIB_TMP/own")" "$(head -n 1 "$LIB_TMP/mnt")"
	check_eq "$d: the same capabilities (offsets and names) as on the own sysfs" \
		"$(caps <"$LIB_TMP/own" | tr '\n' ';')" \
		"$(caps <"$LIB_TMP/mnt" | tr '\n' ';')"
	case $d in
	"$IVSHMEM" | "$TESTDEV") ;; # no capability list
	*) check "$d: it has capabilities through the mount" \
		grep -q 'Capabilities: \[' "$LIB_TMP/mnt" ;;
	esac
	check "$d: no capability is <access denied>" \
		sh -c "! grep -q 'access denied' '$LIB_TMP/mnt'"
	check "$d: Kernel driver in use: vfio-pci" \
		grep -q 'Kernel driver in use: vfio-pci' "$LIB_TMP/mnt"
	check_eq "$d: the same Region lines" \
		"$(regions "$LIB_TMP/own")" "$(regions "$LIB_TMP/mnt")"
done

# setpci: reads through VFIO, the value regs/ shows.
d=$EDU
r0=$(counter "$d" config.reads)
cmd=$(spm -s "$d" COMMAND.w)
r1=$(counter "$d" config.reads)
check "setpci COMMAND.w prints 4 hex digits ($cmd)" hexn 4 "$cmd"
check_eq "setpci COMMAND.w reads what regs/config/0x4:16 shows" \
	"$(cat "$M/$d/regs/config/0x4:16")" "0x$cmd"
check "setpci's read went through VFIO (config.reads $r0 -> $r1)" test "$r1" -gt "$r0"
# Writes: COMMAND written back as it is, then the cache line size (0x0c,
# passed through by vfio-pci, writable in QEMU's devices).
w0=$(counter "$d" config.writes)
check "setpci COMMAND.w=$cmd (no -b)" spm -s "$d" "COMMAND.w=$cmd"
w1=$(counter "$d" config.writes)
check "setpci's write went through VFIO (config.writes $w0 -> $w1)" test "$w1" -gt "$w0"
check_eq "COMMAND unchanged" "$cmd" "$(spm -s "$d" COMMAND.w)"
old=$(spm -s "$d" CACHE_LINE_SIZE.b)
check "setpci CACHE_LINE_SIZE.b prints 2 hex digits ($old)" hexn 2 "$old"
w0=$(counter "$d" config.writes)
check "setpci CACHE_LINE_SIZE.b=10" spm -s "$d" CACHE_LINE_SIZE.b=10
check_eq "a config write counted" $((w0 + 1)) "$(counter "$d" config.writes)"
check_eq "regs/config/0xc:8 shows it" 0x10 "$(cat "$M/$d/regs/config/0xc:8")"
check_eq "setpci reads it back" 10 "$(spm -s "$d" CACHE_LINE_SIZE.b)"
check "setpci CACHE_LINE_SIZE.b=$old (restored)" spm -s "$d" "CACHE_LINE_SIZE.b=$old"
check_eq "config byte 0x0c restored" "$old" "$(rd "$M/$d/config" 12 1)"

# Hot-plug: pci-testdev unbound leaves .sysfs, bound again comes back.
d=$TESTDEV
echo "$d" >/sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null &
ub=$!
check "the unbind of $d completed" wait_for -t 15 gone "$ub"
wait "$ub" 2>/dev/null
check "$d leaves $M" wait_path "$M/$d" 0
check "$d leaves $S/devices" wait_for sh -c \
	"ls '$S/devices' >'$LIB_TMP/ls' && ! grep -qx '$d' '$LIB_TMP/ls'"
check_eq "lspci through the mount lists 4 devices" 4 "$(lsm | wc -l | tr -d ' ')"
echo "$d" >/sys/bus/pci/drivers_probe 2>/dev/null
check "$d comes back in $S/devices" wait_path "$S/devices/$d/config" 1
check_eq "lspci through the mount lists 5 devices again" 5 "$(lsm | wc -l | tr -d ' ')"
check_eq "its vendor reads through setpci" 1b36 "$(spm -s "$d" VENDOR_ID.w)"

finish
