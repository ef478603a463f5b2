#!/bin/sh
# SPDX-License-Identifier: MIT
# Hot-unplug and hot-plug: unbinding a device from vfio-pci while vfiofs has it
# open completes at once (vfiofs answers the kernel's request and releases
# it), open files then fail with ENODEV, the directory disappears; binding it
# again brings the directory back. Uses pci-testdev, the least used device.
. "$(dirname "$0")/lib.sh"
require_mount

d=$TESTDEV
sys=/sys/bus/pci/devices/$d
check_text "pci-testdev is there" "$M/$d/vendor" 0x1b36

exec 3<"$M/$d/bar0"
exec 4<"$M/$d/vendor"
# A reader listing the mount all along: hot-plug must not stall it or the
# daemon (a kernel notification about the root may wait for its lookups).
( while :; do ls "$M" >/dev/null 2>&1; ls "$M/$EDU" >/dev/null 2>&1; done ) </dev/null 3<&- 4<&- &
lsloop=$!
# A shell whose working directory is the device's: its inode goes stale.
( cd "$M/$d/regs" && while [ -e /proc/$$ ]; do sleep 0.2; done ) </dev/null 3<&- 4<&- &
cwd=$!
sleep 0.2
check_eq "a file held open reads before the unbind" 4 \
	"$(dd bs=4 count=1 status=none <&3 | wc -c | tr -d ' ')"

# The unbind runs in the background: if vfiofs never lets go, it blocks in
# the kernel (uninterruptibly, after a while) and this test must not.
# It notes /proc/uptime (10 ms resolution) just before and just after.
(
	read -r t _ </proc/uptime
	echo "$t" >"$LIB_TMP/t0"
	echo "$d" 2>/dev/null >/sys/bus/pci/drivers/vfio-pci/unbind || exit 1
	read -r t _ </proc/uptime
	echo "$t" >"$LIB_TMP/t1"
) </dev/null 3<&- 4<&- &
ub=$!
if ! wait_for -t 15 gone "$ub"; then
	fail "unbind of $d still blocked after 15 s (vfiofs did not release the device)"
	exec 3<&- 4<&-
	kill "$lsloop" "$cwd" 2>/dev/null
	finish
fi
wait "$ub"
check_eq "unbind completed" 0 $?
# ms: "12.34" seconds as milliseconds.
ms() { awk '{ split($1, a, "."); print a[1] * 1000 + a[2] * 10 }' "$1"; }
ms=$(($(ms "$LIB_TMP/t1" 2>/dev/null || echo 99999) - $(ms "$LIB_TMP/t0")))
check "the unbind took less than 1 s ($ms ms)" test "$ms" -lt 1000
check_eq "$d has no driver now" none "$(readlink "$sys/driver" >/dev/null 2>&1 && basename "$(readlink "$sys/driver")" || echo none)"
check "$d disappears from $M" wait_path "$M/$d" 0
check "$d is not listed (ls $M works)" sh -c "ls '$M' >'$LIB_TMP/ls' && ! grep -qx '$d' '$LIB_TMP/ls'"
check_errno "the file held open fails with ENODEV" ENODEV dd bs=4 count=1 status=none <&3
check_errno "a text file held open fails with ENODEV" ENODEV cat <&4
# Opening the stale inode again (through /proc, not by name).
check_errno "reopening a held file fails with ENODEV" ENODEV cat /proc/self/fd/4
check "the stale directory's holder still runs" kill -0 "$cwd"
check_eq "a stale working directory lists nothing" "" "$(ls "/proc/$cwd/cwd/" 2>/dev/null)"
check_errno "a register below a stale directory is not there" ENOENT cat "/proc/$cwd/cwd/bar0/0x0"
check_errno "its path is gone" ENOENT cat "$M/$d/vendor"
check_eq "the other devices stay" 4 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"
check_text "edu still works" "$M/$EDU/regs/bar0/0x0" 0x010000ed

# Bind it again (driver_override is still vfio-pci): a device bound after
# the mount appears, while the ls loop keeps running.
echo "$d" >/sys/bus/pci/drivers_probe 2>/dev/null
check_eq "$d bound to vfio-pci again" vfio-pci "$(basename "$(readlink "$sys/driver")")"
check "$d appears again in $M" wait_path "$M/$d/vendor" 1
check_text "its vendor reads" "$M/$d/vendor" 0x1b36
check_eq "its bar0 reads" 4 "$(nbytes "$M/$d/bar0" 0 4)"
check_eq "its bar1 (I/O) reads" 4 "$(nbytes "$M/$d/bar1" 0 4)"
check_eq "5 devices again" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"
check_errno "the file held since before the unbind still fails (ENODEV)" ENODEV dd bs=4 count=1 status=none <&3
exec 3<&- 4<&-
check "the ls loop was still running" kill -0 "$lsloop"
kill "$lsloop" "$cwd" 2>/dev/null
wait "$lsloop" "$cwd" 2>/dev/null
check_eq "one vfiofs process, still there" 1 "$(vfiofs_pids | wc -w | tr -d ' ')"
check_text "edu still works after the hot-plug" "$M/$EDU/regs/bar0/0x0" 0x010000ed

# Unbind and bind again quickly, twice: every cycle releases and re-adds.
for n in 1 2; do
	echo "$d" >/sys/bus/pci/drivers/vfio-pci/unbind 2>/dev/null &
	ub=$!
	check "cycle $n: the unbind completed" wait_for -t 15 gone "$ub"
	wait "$ub" 2>/dev/null
	echo "$d" >/sys/bus/pci/drivers_probe 2>/dev/null
	check "cycle $n: $d is back" wait_path "$M/$d/vendor" 1
done
check_text "its vendor reads after the cycles" "$M/$d/vendor" 0x1b36

finish
