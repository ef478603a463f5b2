#!/bin/sh
# SPDX-License-Identifier: MIT
# A narrated vfiofs session (make demo): each command is shown, run, and
# checked. Prints "demo: OK" only if every step did what it should.
M=${VFIOFS_MOUNT:-/vfio}
EDU=0000:00:03.0
NVME=0000:00:04.0
ok=1

say() { printf '\n## %s\n' "$*"; }
# run CMD: show it as typed, run it, print its output.
run() {
	printf '$ %s\n' "$1"
	out=$(sh -c "$1" 2>&1)
	rc=$?
	[ -n "$out" ] && printf '%s\n' "$out"
	[ $rc -eq 0 ] || { echo "   (exit status $rc)"; ok=0; }
	return $rc
}
# expect WHAT: the output of the last run must be WHAT.
expect() {
	if [ "$out" != "$1" ]; then
		echo "   expected: $1"
		ok=0
	fi
}

say "vfiofs shows every device bound to vfio-pci as a directory"
run "ls $M"
run "ls $M/$EDU"
run "cat $M/$EDU/vendor $M/$EDU/device"
expect "0x1234
0x11e8"

say "edu's ID register (bar0 offset 0) read with dd: one 32-bit access"
run "dd if=$M/$EDU/bar0 bs=4 count=1 status=none | od -An -tx4"
expect " 010000ed"

say "one register as text: edu's liveness register returns the inverse"
run "echo 0x12345678 > $M/$EDU/regs/bar0/0x4"
run "cat $M/$EDU/regs/bar0/0x4"
expect "0xedcba987"

say "edu computes 6! : write 6 to 0x8, wait for status bit 0, read 0x8"
run "echo 6 > $M/$EDU/regs/bar0/0x8"
printf '$ %s\n' "while [ \$((\$(cat $M/$EDU/regs/bar0/0x20) & 1)) -ne 0 ]; do sleep 0.1; done"
i=0
while [ $(($(cat "$M/$EDU/regs/bar0/0x20") & 1)) -ne 0 ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ $i -lt 50 ] || { echo "   (still busy after 5 s)"; ok=0; }
run "cat $M/$EDU/regs/bar0/0x8"
expect "0x000002d0"
echo "   (0x2d0 = $((0x2d0)))"

say "a function-level reset of the NVMe controller, seen in its counters"
run "grep resets $M/$NVME/counters"
before=$(awk '$1 == "resets" { print $2 }' "$M/$NVME/counters")
run "cat $M/$NVME/reset_method"
run "echo 1 > $M/$NVME/reset"
run "grep resets $M/$NVME/counters"
expect "resets $((before + 1))"
run "cat $M/$NVME/counters"

say "interrupts as files: a blocked read wakes when edu raises its MSI"
run "cat $M/$EDU/irq/mode"
printf '$ %s\n' "head -n1 $M/$EDU/irq/0/events &"
head -n1 "$M/$EDU/irq/0/events" >/tmp/demo.events 2>&1 &
hp=$!
i=0
while [ "$(cat "$M/$EDU/irq/0/irq")" = - ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
run "echo 1 > $M/$EDU/regs/bar0/0x60"
i=0
while kill -0 $hp 2>/dev/null && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 $hp 2>/dev/null; then
	echo "   (head still blocked after 5 s)"
	kill $hp
	ok=0
fi
run "cat /tmp/demo.events"
expect "1"
run "echo 1 > $M/$EDU/regs/bar0/0x64"
run "cat $M/$EDU/irq/0/count"
run "grep \"vfio-msi\\[0\\]($EDU)\" /proc/interrupts"

say "the counters show which path each access took"
run "grep bar0 $M/$EDU/counters"

echo
if [ "$ok" = 1 ]; then echo "demo: OK"; else echo "demo: FAILED"; fi
[ "$ok" = 1 ]
