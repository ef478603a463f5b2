#!/bin/sh
# Hot-unplug and hot-plug: unbinding a device from vfio-pci while vfiofs has it
# open completes at once (vfiofs answers the kernel's request and releases
# it), open files then fail with ENODEV, the directory disappears; binding it
# again brings the directory back. Uses pci-testdev, the least used device.
. "$(dirname "$0")/lib.sh"
require_mount

d=$TESTDEV
sys=/sys/bus/pci/devices/$d
check_text "pci-testdev is there" "$M/$d/vendor" 0x1b36

# wait_gone PATH 1|0: wait (bounded, 10 s) until PATH exists (1) or not (0).
wait_path() {
	_i=0
	while [ $_i -lt 100 ]; do
		if [ -e "$1" ]; then [ "$2" = 1 ] && return 0; else [ "$2" = 0 ] && return 0; fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

exec 3<"$M/$d/bar0"
check_eq "a file held open reads before the unbind" 4 \
	"$(dd bs=4 count=1 status=none <&3 | wc -c | tr -d ' ')"

# The unbind runs in the background: if vfiofs never lets go, it blocks in
# the kernel (uninterruptibly, after a while) and this test must not.
echo "$d" 2>/dev/null >/sys/bus/pci/drivers/vfio-pci/unbind </dev/null &
ub=$!
i=0
while kill -0 "$ub" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$ub" 2>/dev/null; then
	fail "unbind of $d still blocked after 15 s (vfiofs did not release the device)"
	exec 3<&-
	finish
fi
wait "$ub"
check_eq "unbind completed (within $((i / 10)).$((i % 10)) s)" 0 $?
check_eq "$d has no driver now" none "$(basename "$(readlink "$sys/driver" 2>/dev/null)" 2>/dev/null || echo none)"
check "$d disappears from $M" wait_path "$M/$d" 0
check_errno "the file held open fails with ENODEV" ENODEV dd bs=4 count=1 status=none <&3
exec 3<&-
check_errno "its path is gone" ENOENT cat "$M/$d/vendor"
check_eq "the other devices stay" 4 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"
check_text "edu still works" "$M/$EDU/regs/bar0/0x0" 0x010000ed

# Bind it again (driver_override is still vfio-pci).
echo "$d" >/sys/bus/pci/drivers_probe 2>/dev/null
check_eq "$d bound to vfio-pci again" vfio-pci "$(basename "$(readlink "$sys/driver")")"
check "$d appears again in $M" wait_path "$M/$d/vendor" 1
check_text "its vendor reads" "$M/$d/vendor" 0x1b36
check_eq "its bar0 reads" 4 "$(nbytes "$M/$d/bar0" 0 4)"
check_eq "its bar1 (I/O) reads" 4 "$(nbytes "$M/$d/bar1" 0 4)"
check_eq "5 devices again" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

finish
