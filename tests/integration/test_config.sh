#!/bin/sh
# SPDX-License-Identifier: MIT
# config: the VFIO config region as a binary file.
. "$(dirname "$0")/lib.sh"
require_mount

cfgsize() { case $1 in "$NVME" | "$E1000E") echo 4096 ;; *) echo 256 ;; esac; }
for d in $ALL_DEVS; do
	n=$(cfgsize "$d")
	f=$M/$d/config
	check_eq "$d config size is $n" "$n" "$(stat -c %s "$f")"
	v=$(cat "/sys/bus/pci/devices/$d/vendor")
	check_eq "$d config bytes 0-1 (dd bs=2 count=1) are the vendor" "${v#0x}" \
		"$(dd if="$f" bs=2 count=1 status=none | od -An -tx2 | tr -d ' \n')"
	check_eq "$d config dword 0 equals sysfs" "$(cfg_sysfs "$d" 0 4)" "0x$(rd "$f" 0 4)"
	check_eq "$d config dword 8 (revision, class) equals sysfs" "$(cfg_sysfs "$d" 8 4)" \
		"0x$(rd "$f" 8 4)"
	check_eq "$d cat config | wc -c is $n" "$n" "$(cat "$f" | wc -c | tr -d ' ')"
	check_eq "$d read at the end gives 0 bytes" 0 "$(nbytes "$f" "$n" 4)"
	check_eq "$d read past the end gives 0 bytes" 0 "$(nbytes "$f" $((n + 4096)) 4)"
	check_eq "$d read crossing the end is short (2 of 4)" 2 "$(nbytes "$f" $((n - 2)) 4)"
	check_eq "$d dd skip=size gives 0 bytes" 0 \
		"$(dd if="$f" bs=1 skip="$n" status=none | wc -c | tr -d ' ')"
	check_errno "$d write at the end" ENOSPC wr "$f" "$n" '\0\0\0\0'
	check_errno "$d write past the end" ENOSPC wr "$f" $((n + 8)) '\0'
done

d=$EDU
check_eq "edu config word 2 (dd) is the device ID" 11e8 "$(rd "$M/$d/config" 2 2)"
check_eq "edu config byte 0 (1-byte read)" 34 "$(rd "$M/$d/config" 0 1)"
r0=$(counter "$d" config.reads)
rd "$M/$d/config" 0 4 >/dev/null
r1=$(counter "$d" config.reads)
check_eq "a 4-byte config read counts one config read" $((r0 + 1)) "$r1"

# A config write reaches the device: the cache line size (0x0c) is passed
# through by vfio-pci and writable in QEMU's devices.
w0=$(counter "$d" config.writes)
old=$(rd "$M/$d/config" 12 1)
check "write cache line size (config 0x0c) with dd" wr "$M/$d/config" 12 '\x10'
w1=$(counter "$d" config.writes)
check_eq "a 1-byte config write counts one config write" $((w0 + 1)) "$w1"
check_eq "cache line size reads back" 10 "$(rd "$M/$d/config" 12 1)"
wr "$M/$d/config" 12 "\\x$old"
check_eq "cache line size restored" "$old" "$(rd "$M/$d/config" 12 1)"

finish
