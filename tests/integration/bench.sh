#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmark (not a test), run by `make bench` in the guest (vfiofs.mode=bench).
# Prints a table, every line starting "bench:", ending "bench: OK":
# - the FUSE floor: floorfs (tests/vm/floorfs.c) at /floor, the least a
#   libfuse3 server does per request;
# - raw VFIO, vfiofs unmounted (a group opens once): benchtool raw;
# - vfiofs at $M: benchtool fs;
#   every raw and vfiofs sample alternates with a floor sample of its kind in
#   one loop (tests/vm/benchtool.c), so host noise moves both alike;
# - scale: mount time, ls -R time and RSS with 1, 8 and 24 devices (run.sh
#   adds 19 devices in bench mode), RSS with 0, 100 and 1000 parked readers.
# BENCH_NLAT, BENCH_NMID, BENCH_NBIG: samples per latency, 128 KiB (and
# nvme) and 1 MiB row. VFIOFS_BENCH_CMD: the command named in the header.
. "$(dirname "$0")/lib.sh"

NLAT=${BENCH_NLAT:-1000} NMID=${BENCH_NMID:-200} NBIG=${BENCH_NBIG:-50}
CMD=${VFIOFS_BENCH_CMD:-"tests/vm/run.sh --kernel $VFIOFS_KVER --mode bench"}
FLOOR=/floor
SC=/scale
RES=/tmp/bench.res
: >"$RES"
bad() {
	echo "bench: FAILED: $*"
	exit 1
}

# --- the floor ---
mkdir -p "$FLOOR"
floorfs "$FLOOR" >/tmp/floorfs.out 2>&1 &
fpid=$!
wait_mount "$FLOOR" 1 || bad "floorfs did not mount: $(cat /tmp/floorfs.out)"

# The floor alone before, between and after the phases: how noisy the
# machine was while each ran.
alone() {
	timeout 300 benchtool floor "$FLOOR" "$NLAT" "$1" | tee -a "$RES"
}

# --- raw VFIO, then vfiofs ---
if grep -q " $M fuse" /proc/mounts; then
	vfiofs_umount "$M" || bad "umount $M"
fi
alone before-raw
echo "guest: bench raw (vfiofs unmounted)"
timeout 900 benchtool raw "$FLOOR" "$EDU" "$IVSHMEM" "$NVME" "$NLAT" "$NMID" "$NBIG" |
	tee -a "$RES"
grep -q '^ERR' "$RES" && bad "benchtool raw"
vfiofs_mount "$M" || bad "mount $M"
alone before-vfiofs
echo "guest: bench vfiofs"
timeout 900 benchtool fs "$FLOOR" "$M" "$EDU" "$IVSHMEM" "$NVME" "$NLAT" "$NMID" "$NBIG" |
	tee -a "$RES"
grep -q '^ERR' "$RES" && bad "benchtool fs"
vfiofs_umount "$M" || bad "umount $M"
alone after
fstats=$(timeout 10 cat "$FLOOR/stats")

# --- scale ---
# The bound devices, edu first (the readers' device).
DEVS=$EDU
for d in /sys/bus/pci/drivers/vfio-pci/0000:*; do
	[ "${d##*/}" = "$EDU" ] || DEVS="$DEVS ${d##*/}"
done
NDEV=$(echo "$DEVS" | wc -w)
[ "$NDEV" -ge 24 ] || bad "only $NDEV devices bound to vfio-pci (bench mode needs 24)"
# RSS in KiB: Rss of smaps_rollup (the page tables walked), and VmRSS. On
# 6.1 VmRSS lags: each thread batches its count for 64 page faults (split
# RSS counters, gone in 6.2), and one fault maps up to 16 pages.
rss() { awk '/^Rss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
vmrss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# ls_ms: one ls -R of the mount, in ms with two decimals.
ls_ms() {
	timeout 120 irqtool time ls -R "$SC" 2>&1 >/dev/null |
		awk '/^time/ { printf "%.2f\n", $2 / 1000 }'
}
# scale_mount N: mount the first N devices at $SC; sets SPID (the daemon),
# MT (µs from starting vfiofs until every device directory is there) and MX
# (µs until vfiofs returned, daemonized).
scale_mount() {
	_args="" _list=""
	for _d in $(echo "$DEVS" | tr ' ' '\n' | head -n "$1"); do
		_args="$_args --device=$_d" _list="$_list${_list:+,}$_d"
	done
	mkdir -p "$SC"
	# shellcheck disable=SC2086
	_out=$(benchtool mount-time "$SC" "$_list" vfiofs $_args $VFIOFS_OPTS "$SC")
	echo "$_out" | grep -q '^mount_us ' || bad "mount of $1 devices: $_out"
	SPID=$(vfiofs_pids | awk '{ print $1 }')
	echo "$SPID" >"/tmp/vfiofs.pid.$(echo "$SC" | tr / _)"
	MT=$(echo "$_out" | awk '{ print $2 }') MX=$(echo "$_out" | awk '{ print $4 }')
}
# readers N: park N blocked reads of edu's irq/0/events (the 1-device
# mount; each reader its own open file), set RR to the daemon's RSS (KiB) while they wait, release them.
readers() {
	irqtool readers "$1" "$SC/$EDU/irq/0/events" >/tmp/readers.out 2>&1 &
	_rp=$!
	_i=0
	while ! grep -q '^ready' /tmp/readers.out && [ $_i -lt 600 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q "^ready $1" /tmp/readers.out || bad "readers $1: $(cat /tmp/readers.out)"
	sleep 1
	RR=$(rss "$SPID")
	put 1 "$SC/$EDU/irq/0/trigger"
	_i=0
	while kill -0 "$_rp" 2>/dev/null && [ $_i -lt 300 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep -q "^done ok=$1 bad=0" /tmp/readers.out ||
		bad "readers $1 did not all wake: $(cat /tmp/readers.out)"
	wait "$_rp"
}
echo "guest: bench scale"
for n in 1 8 24; do
	ts="" xs=""
	for r in 1 2 3; do
		scale_mount $n
		ts="$ts $MT" xs="$xs $MX"
		[ $r = 3 ] || vfiofs_umount "$SC" || bad "umount $SC"
	done
	cold=$(ls_ms) warm=$(ls_ms)
	echo "scale $n mount_us$ts exit_us$xs ls_cold_ms $cold ls_warm_ms $warm rss_kib $(rss "$SPID") vmrss_kib $(vmrss "$SPID")" |
		tee -a "$RES"
	if [ $n = 1 ]; then
		r0=$(rss "$SPID")
		readers 100
		r100=$RR
		readers 1000
		r1000=$RR
		echo "readers rss_kib $r0 $r100 $r1000 after $(rss "$SPID")" | tee -a "$RES"
	fi
	vfiofs_umount "$SC" || bad "umount $SC"
done

timeout 10 umount "$FLOOR"
i=0
while kill -0 "$fpid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cat /tmp/floorfs.out

# --- the table ---
awk -v kver="$VFIOFS_KVER" -v pkg="$(cat /etc/kernel-package 2>/dev/null)" \
	-v cmd="$CMD" -v nlat="$NLAT" -v nmid="$NMID" -v nbig="$NBIG" \
	-v fstats="$fstats" -v ncpu="$(grep -c ^processor /proc/cpuinfo)" '
function ratio(a, b,   r) {
	if (b <= 0) return "-"
	r = a / b
	if (r >= 100) return sprintf("%.0fx", r)
	if (r >= 10) return sprintf("%.1fx", r)
	if (r >= 1) return sprintf("%.2fx", r)
	return sprintf("%.2gx", r)
}
function size(b) { return b >= 1048576 ? b / 1048576 " MiB" : b >= 1024 ? b / 1024 " KiB" : b " B" }
# row LABEL KEY [REF REFLABEL]: a measured row with its floor partner.
function row(label, k, ref, rl,   s, f) {
	if (!(k in med)) { printf "bench: %-36s missing\n", label; missing++; return }
	s = sprintf("bench: %-36s %5d %10.1f %10.1f", label, n[k], med[k] / 1000, p99[k] / 1000)
	s = s (by[k] >= 4096 ? sprintf(" %8.1f", by[k] * 1000 / med[k]) : sprintf(" %8s", ""))
	f = k ".floor"
	if (f in med && k !~ /\.floor$/)
		s = s sprintf(" %10.1f %8s", med[f] / 1000, ratio(med[k], med[f]))
	else
		s = s sprintf(" %10s %8s", "", "")
	if (ref != "" && (ref in med))
		s = s sprintf("  %s vs %s", ratio(med[k], med[ref]), rl)
	print s
}
# brow LABEL KEY [REF REFLABEL]: a bulk row, as speeds: MB/s, its floor
# partner in MB/s, and how many times as fast as the floor and as REF.
function brow(label, k, ref, rl,   s, f) {
	if (!(k in med)) { printf "bench: %-36s missing\n", label; missing++; return }
	s = sprintf("bench: %-36s %5d %10.1f %10.1f %8.1f", label, n[k], med[k] / 1000, p99[k] / 1000,
		by[k] * 1000 / med[k])
	f = k ".floor"
	if (f in med)
		s = s sprintf(" %10.1f %8s", by[f] * 1000 / med[f], ratio(med[f], med[k]))
	else
		s = s sprintf(" %10s %8s", "", "")
	if (ref != "" && (ref in med))
		s = s sprintf("  %s %s", ratio(med[ref], med[k]), rl)
	print s
}
function bhead(t) {
	print "bench:"
	printf "bench: %-36s %5s %10s %10s %8s %10s %8s  %s\n", t, "n", "median", "p99", "MB/s", "floor MB/s", "speed", "speed"
	printf "bench: %-36s %5s %10s %10s %8s %10s %8s  %s\n", "", "", "", "", "", "", "/floor", "/raw"
}
# goal TEXT OK: one line of the goals list.
function goal(t, ok) { printf "bench:   %-4s %s\n", ok ? "met" : "NOT", t }
# The goals of the benchmark (issue 12), each with its figures.
function goals(   k, sp, x, r) {
	print "bench:"
	print "bench: goals (of medians; speeds in MB/s)"
	split("128k 1m", sz, " ")
	for (x = 1; x <= 2; x++) {
		k = sz[x]
		fr = by["fs.read" k ".floor"] * 1000 / med["fs.read" k ".floor"]
		for (r = 0; r <= 1; r++) {
			d = r ? "write" : "read"
			sp = by["fs." d k] * 1000 / med["fs." d k]
			goal(sprintf("bulk %s %s of BAR2 >= 0.7x the floor read: %.0f vs %.0f = %.2fx", d,
				k == "1m" ? "1 MiB" : "128 KiB", sp, fr, sp / fr), sp >= 0.7 * fr)
			raw = by["raw.p" d k] * 1000 / med["raw.p" d k]
			goal(sprintf("bulk %s %s >= 5x raw fd p%s: %.0f vs %.0f = %.1fx", d,
				k == "1m" ? "1 MiB" : "128 KiB", d, sp, raw, sp / raw), sp >= 5 * raw)
		}
	}
	goal(sprintf("4 B BAR read <= 1.1x the floor: %.1f vs %.1f us = %.2fx", med["fs.read4"] / 1000,
		med["fs.read4.floor"] / 1000, med["fs.read4"] / med["fs.read4.floor"]),
		med["fs.read4"] <= 1.1 * med["fs.read4.floor"])
	goal(sprintf("4 B BAR write <= 1.1x the floor: %.1f vs %.1f us = %.2fx", med["fs.write4"] / 1000,
		med["fs.write4.floor"] / 1000, med["fs.write4"] / med["fs.write4.floor"]),
		med["fs.write4"] <= 1.1 * med["fs.write4.floor"])
	goal(sprintf("text read <= 1.1x the floor: %.1f vs %.1f us = %.2fx", med["fs.vendor"] / 1000,
		med["fs.vendor.floor"] / 1000, med["fs.vendor"] / med["fs.vendor.floor"]),
		med["fs.vendor"] <= 1.1 * med["fs.vendor.floor"])
	goal(sprintf("IRQ round trip <= 1.1x two floor reads: %.1f vs %.1f us = %.2fx (raw: %.1f us)",
		med["fs.irq"] / 1000, med["fs.irq.floor"] / 1000, med["fs.irq"] / med["fs.irq.floor"],
		med["raw.irq"] / 1000), med["fs.irq"] <= 1.1 * med["fs.irq.floor"])
	if (rd)
		goal(sprintf("per parked reader < 1 KiB: %.0f bytes", (r1000 - r0) * 1024 / 1000),
			(r1000 - r0) * 1024 / 1000 < 1024)
	if ((1 in sn) && (24 in sn)) {
		goal(sprintf("per device < 64 KiB: %.1f KiB", (rss[24] - rss[1]) / 23), (rss[24] - rss[1]) / 23 < 64)
		goal(sprintf("mount time linear in devices: %.1f ms per device 1->8, %.1f ms 8->24", a, b),
			a > 0 && b / a <= 2)
	}
}
function head(t) {
	print "bench:"
	printf "bench: %-36s %5s %10s %10s %8s %10s %8s  %s\n", t, "n", "median", "p99", "MB/s", "floor med", "/floor", "/raw"
}
$1 == "res" { n[$2] = $3 + 0; med[$2] = $4 + 0; p99[$2] = $5 + 0; by[$2] = $6 + 0 }
# median(A, M): of A[1..M], sorted in place.
function median(A, m,   a, b, x) {
	for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (A[b] < A[a]) { x = A[a]; A[a] = A[b]; A[b] = x }
	return A[int((m + 1) / 2)]
}
# scale N mount_us T... exit_us E... ls_cold_ms C ls_warm_ms W rss_kib R vmrss_kib V
$1 == "scale" { sn[$2] = $2; mt = ""; m = 0; q = 0
	for (i = 4; $i != "exit_us"; i++) { mt = mt sprintf(" %.1f", $i / 1000); t[++m] = $i + 0 }
	for (i++; $i != "ls_cold_ms"; i++) e[++q] = $i + 0
	cold[$2] = $(i + 1) + 0; warm[$2] = $(i + 3) + 0; rss[$2] = $(i + 5) + 0; vmrss[$2] = $(i + 7) + 0
	mount[$2] = median(t, m) / 1000; mts[$2] = mt; ret[$2] = median(e, q) / 1000 }
$1 == "readers" { r0 = $3 + 0; r100 = $4 + 0; r1000 = $5 + 0; rafter = $7 + 0; rd = 1 }
END {
	print "bench: vfiofs benchmark, kernel " kver " (" pkg "), QEMU TCG, " ncpu " vCPUs"
	print "bench: command: " cmd
	printf "bench: N = %d per latency row (after 50 warm-up rounds), %d per 128 KiB and nvme row (10),\n", nlat, nmid
	printf "bench:   %d per 1 MiB row (5); p99 is the largest sample when N < 100\n", nbig
	print "bench: floor: tests/vm/floorfs.c, a libfuse3 low-level server (1 thread, direct_io, libfuse defaults)."
	print "bench:   Each raw and vfiofs sample alternates with one floor sample of its kind in one loop:"
	print "bench:   a read or write of the same size; for the interrupt, two 4 B reads (two requests)."
	print "bench:   \"floor med\" is that partner; ratios are of medians; MB/s from the median; times in us."
	print "bench:   raw: VFIO opened by benchtool with vfiofs unmounted (type1 container, /dev/vfio/N)."
	print "bench:   \"alone\": the floor with nothing in between, before, between and after the phases. A FUSE"
	print "bench:   request wakes another process (a raw access does not), so a busy host slows the floor"
	print "bench:   and vfiofs rows alike but the raw ones less: compare ratios to raw with that in mind."
	head("latency")
	row("floor  4 B read alone, before raw", "floor.before-raw")
	row("floor  4 B read alone, before vfiofs", "floor.before-vfiofs")
	row("floor  4 B read alone, at the end", "floor.after")
	row("floor  4 B read", "fs.read4.floor")
	row("floor  4 B write", "fs.write4.floor")
	row("floor  2 x 4 B read", "fs.irq.floor")
	row("raw    edu bar0 4 B mmap load", "raw.load4")
	row("raw    edu bar0 4 B mmap store", "raw.store4")
	row("raw    edu bar0 4 B fd pread", "raw.pread4")
	row("raw    edu bar0 4 B fd pwrite", "raw.pwrite4")
	row("raw    edu MSI -> eventfd read", "raw.irq")
	row("vfiofs vendor pread (text)", "fs.vendor")
	row("vfiofs edu bar0 4 B pread", "fs.read4", "raw.load4", "mmap load")
	row("vfiofs edu bar0 4 B pwrite", "fs.write4", "raw.store4", "mmap store")
	row("vfiofs edu MSI -> events read", "fs.irq", "raw.irq", "eventfd")
	printf "bench: %-36s %s vs fd pread, %s vs fd pwrite\n", "  (vfiofs 4 B vs raw fd I/O)",
		ratio(med["fs.read4"], med["raw.pread4"]), ratio(med["fs.write4"], med["raw.pwrite4"])
	bhead("bulk (speeds: MB/s; x = times as fast)")
	brow("floor  read 128 KiB", "fs.read128k.floor")
	brow("floor  read 1 MiB", "fs.read1m.floor")
	brow("floor  write 128 KiB", "fs.write128k.floor")
	brow("floor  write 1 MiB", "fs.write1m.floor")
	brow("floor  read " size(by["fs.nvme.read"]), "fs.nvme.read.floor")
	brow("floor  write " size(by["fs.nvme.write"]), "fs.nvme.write.floor")
	brow("raw    ivshmem bar2 memcpy 128 KiB", "raw.memcpy128k")
	brow("raw    ivshmem bar2 memcpy 1 MiB", "raw.memcpy1m")
	brow("raw    ivshmem bar2 4 B loads 1 MiB", "raw.load1m")
	brow("raw    ivshmem bar2 4 B stores 1 MiB", "raw.store1m")
	brow("raw    ivshmem bar2 pread 128 KiB", "raw.pread128k")
	brow("raw    ivshmem bar2 pread 1 MiB", "raw.pread1m")
	brow("raw    ivshmem bar2 pwrite 128 KiB", "raw.pwrite128k")
	brow("raw    ivshmem bar2 pwrite 1 MiB", "raw.pwrite1m")
	brow("raw    nvme bar0 pread " size(by["raw.nvme.pread"]), "raw.nvme.pread")
	brow("raw    nvme bar0 pwrite " size(by["raw.nvme.pwrite"]), "raw.nvme.pwrite")
	brow("vfiofs ivshmem bar2 read 128 KiB", "fs.read128k", "raw.pread128k", "as fd pread")
	brow("vfiofs ivshmem bar2 read 1 MiB", "fs.read1m", "raw.pread1m", "as fd pread")
	brow("vfiofs ivshmem bar2 write 128 KiB", "fs.write128k", "raw.pwrite128k", "as fd pwrite")
	brow("vfiofs ivshmem bar2 write 1 MiB", "fs.write1m", "raw.pwrite1m", "as fd pwrite")
	brow("vfiofs nvme bar0 read " size(by["fs.nvme.read"]), "fs.nvme.read", "raw.nvme.pread", "as fd pread")
	brow("vfiofs nvme bar0 write " size(by["fs.nvme.write"]), "fs.nvme.write", "raw.nvme.pwrite", "as fd pwrite")
	print "bench:   (nvme writes put back the bytes just read; memcpy is from the BAR2 mapping)"
	print "bench:"
	print "bench: scale (vfiofs --device=BDF ...; mount: from its start until every device directory is"
	print "bench:   there, median of 3; returned: when the vfiofs command returned, daemonized)"
	printf "bench: %8s %10s %-20s %9s %12s %12s %8s %8s\n", "devices", "mount ms", "(3 mounts)", "returned", "ls -R cold", "ls -R warm", "RSS KiB", "(VmRSS)"
	for (d = 1; d <= 24; d++) if (d in sn)
		printf "bench: %8d %10.1f %-20s %9.1f %9.1f ms %9.1f ms %8d %8d\n", d, mount[d], mts[d], ret[d], cold[d], warm[d], rss[d], vmrss[d]
	print "bench:   (RSS: Rss of /proc/PID/smaps_rollup after ls -R; VmRSS lags on 6.1, see bench.sh)"
	if ((1 in sn) && (8 in sn) && (24 in sn)) {
		printf "bench: per device: RSS (RSS24-RSS1)/23 = %.1f KiB\n", (rss[24] - rss[1]) / 23
		a = (mount[8] - mount[1]) / 7; b = (mount[24] - mount[8]) / 16
		v = "linear"
		if (a <= 0) v = "?"
		else if (b / a > 2) v = "grows faster than linear"
		else if (b / a < 0.5) v = "less than linear"
		printf "bench: mount time: T/n at 8 = %.2f ms, at 24 = %.2f ms; per added device 1->8 = %.2f ms, 8->24 = %.2f ms: %s\n",
			mount[8] / 8, mount[24] / 24, a, b, v
		print "bench:   (devices in sysfs order: the first 8 hold nvme, ivshmem and a pci-testdev of the bed, the"
		print "bench:   next 16 are edu and pci-testdev by turns and e1000e; a mount also pays a fixed cost)"
	}
	if (rd) {
		print "bench: parked readers (blocked reads of edu irq/0/events, each its own open file; 1 device):"
		printf "bench:   RSS KiB with 0: %d, 100: %d, 1000: %d (%d once they all woke)\n", r0, r100, r1000, rafter
		printf "bench: per parked reader: (RSS1000-RSS0)/1000 = %.0f bytes\n", (r1000 - r0) * 1024 / 1000
	}
	goals()
	print "bench:"
	print "bench: floor requests: " fstats " (the largest read and write the kernel sent)"
	if (missing) { print "bench: FAILED: " missing " row(s) missing"; exit 1 }
}' "$RES" || bad "table"
echo "bench: OK"
