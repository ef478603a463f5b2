#!/bin/sh
# SPDX-License-Identifier: MIT
# The tree: one directory per device, the files each one has.
. "$(dirname "$0")/lib.sh"
require_mount

for d in $ALL_DEVS; do
	check "$M lists $d" test -d "$M/$d"
done
check_eq "$M holds exactly the 5 devices of the bed" \
	"$(echo $ALL_DEVS | tr ' ' '\n' | sort | tr '\n' ' ')" \
	"$(ls "$M" | grep '^[0-9a-f]\{4\}:' | sort | tr '\n' ' ')"

COMMON="config reset reset_method counters vendor device subsystem_vendor
subsystem_device class revision regions group"
for d in $ALL_DEVS; do
	for f in $COMMON; do
		check "$d/$f is a regular file" test -f "$M/$d/$f"
	done
	check "$d/regs is a directory" test -d "$M/$d/regs"
	check "$d/regs/config is a directory" test -d "$M/$d/regs/config"
done

# BAR files for implemented BARs only; rom only where the device has one.
bars_of() {
	case $1 in
	"$EDU") echo "bar0" ;;
	"$NVME") echo "bar0" ;;
	"$IVSHMEM") echo "bar0 bar2" ;;
	"$TESTDEV") echo "bar0 bar1" ;;
	"$E1000E") echo "bar0 bar1 bar2 bar3" ;;
	esac
}
for d in $ALL_DEVS; do
	want=$(bars_of "$d")
	check_eq "$d has exactly the BAR files $want" "$want" \
		"$(ls "$M/$d" | grep '^bar[0-5]$' | sort | tr '\n' ' ' | sed 's/ $//')"
	check_eq "$d/regs has config and exactly $want" "$want config" \
		"$(ls "$M/$d/regs" | sort | tr '\n' ' ' | sed 's/ $//')"
	for b in $want; do
		check "$d/$b is a regular file" test -f "$M/$d/$b"
		check "$d/regs/$b is a directory" test -d "$M/$d/regs/$b"
	done
	if [ "$d" = "$E1000E" ]; then
		check "$d (e1000e, option ROM) has rom" test -f "$M/$d/rom"
	else
		check_errno "$d has no rom" ENOENT stat "$M/$d/rom"
	fi
done

check_errno "no directory for an absent device" ENOENT ls "$M/0000:00:09.0"
check_errno "no file for an unimplemented BAR" ENOENT cat "$M/$EDU/bar1"
check_errno "no such file" ENOENT cat "$M/$EDU/nosuchfile"

finish
