#!/bin/sh
# Benchmark (not a test), run by `make bench` in the guest: edu raises its MSI
# (BAR0 0x60) and the interrupt's read returns. First on a raw eventfd, VFIO
# driven by irqtool alone (vfiofs unmounted: a group opens once), then through
# vfiofs (pwrite on bar0, blocking read on irq/0/events). N rounds each after
# 50 warm-up rounds; median and p99 of the round trip; the ratio of medians.
. "$(dirname "$0")/lib.sh"

N=${BENCH_N:-1000}
grep -q " $M fuse" /proc/mounts && vfiofs_umount "$M"
raw=$(irqtool bench-raw "$EDU" "$N")
echo "$raw"
vfiofs_mount "$M" || { echo "bench: mount failed"; exit 1; }
out=$(irqtool bench-fs "$M/$EDU" "$N")
echo "$out"
fs=$(echo "$out" | grep vfiofs-events)
med() { echo "$1" | sed -n 's/.* median=\([0-9.]*\) us.*/\1/p'; }
p99() { echo "$1" | sed -n 's/.* p99=\([0-9.]*\) us.*/\1/p'; }
rm_=$(med "$raw") fm=$(med "$fs")
if [ -z "$rm_" ] || [ -z "$fm" ]; then
	echo "bench: FAILED"
	exit 1
fi
awk -v rm="$rm_" -v rp="$(p99 "$raw")" -v fm="$fm" -v fp="$(p99 "$fs")" -v n="$N" 'BEGIN {
	printf "bench: edu MSI raise -> read returns, N=%d, kernel %s\n", n, ENVIRON["VFIOFS_KVER"]
	printf "bench:   raw eventfd      median %8.1f us  p99 %8.1f us\n", rm, rp
	printf "bench:   vfiofs events    median %8.1f us  p99 %8.1f us\n", fm, fp
	printf "bench:   ratio (medians)  %.2fx\n", fm / rm
}'
echo "bench: OK"
