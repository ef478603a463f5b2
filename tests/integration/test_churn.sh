#!/bin/sh
# SPDX-License-Identifier: MIT
# Memory that does not grow with churn (design: lifecycle). After a warm-up,
# each churn leaves the daemon's RSS within 64 KiB of where it started, both
# measured once the kernel has dropped what it only caches (see settled):
# CHURN_BIND unbind/rebind cycles of pci-testdev (each looking into the new
# directory), CHURN_DMA dma/ mkdir + size + rmdir cycles and CHURN_MODE
# irq/mode switches of edu (each looking up irq/0/count). The sanitized
# daemon's RSS is printed, not judged: ASan keeps freed memory in its
# quarantine on purpose (its leak check at exit still judges). Counts from
# VFIOFS_CHURN="BIND DMA MODE" (default "1000 10000 1000"). And an open
# text file costs what its value needs (the audit's F3: it was a 64 KiB
# buffer): 900 files held open, each read once, cost under 512 bytes each.
# vm-timeout: 600
. "$(dirname "$0")/lib.sh"
require_mount

# shellcheck disable=SC2086 # three words
set -- ${VFIOFS_CHURN:-1000 10000 1000}
CHURN_BIND=$1 CHURN_DMA=$2 CHURN_MODE=$3
LIMIT_KB=64
pid=$(cat /tmp/vfiofs.pid._vfio 2>/dev/null)
sanitized=0
grep -q __asan_init /usr/bin/vfiofs 2>/dev/null && sanitized=1

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status"; }
# Anonymous memory alone (the daemon's code is in the initramfs, shmem).
anon() { awk '/^RssAnon:/ { print $2 }' "/proc/$pid/status"; }

# settled: the kernel lets go of the dentries and inodes it only caches
# (FORGETs follow), so that RSS counts what the daemon itself keeps: the
# nodes of a device gone stay exactly as long as the kernel holds them, and
# how long it caches them depends on its memory pressure.
settled() {
	sync
	echo 2 >/proc/sys/vm/drop_caches
	sleep 1
}
# churn NAME WARMUP COUNT irqtool-args...: warm up, measure COUNT cycles.
churn() {
	_name=$1 _warm=$2 _count=$3
	shift 3
	irqtool "$@" "$_warm" >/dev/null
	settled
	_r0=$(rss) _a0=$(anon)
	_out=$(irqtool "$@" "$_count" 2>&1)
	_rc=$?
	_rn=$(rss)
	settled
	_r1=$(rss) _a1=$(anon)
	echo "  $_name: $_out; RSS $_r0 KiB -> $_r1 KiB ($((_r1 - _r0)) KiB; $_rn KiB before the kernel let go), anonymous $_a0 -> $_a1 KiB"
	echo "churn-rss $VFIOFS_KVER $_name $_count $_r0 $_r1" >>/tmp/churn-rss.txt
	check_eq "$_name: $_count cycles" 0 "$_rc"
	if [ "$sanitized" = 1 ]; then
		skip "$_name: RSS not judged under ASan"
	else
		check "$_name: RSS within $LIMIT_KB KiB ($((_r1 - _r0)) KiB)" \
			test $((_r1 - _r0)) -le $LIMIT_KB
	fi
}

check "the daemon's pid is known" kill -0 "$pid"
churn "unbind/rebind of $TESTDEV" 100 "$CHURN_BIND" churn-bind "$M" "$TESTDEV"
churn "dma mkdir/size/rmdir" 200 "$CHURN_DMA" churn-dma "$M"
churn "irq/mode switches of edu" 20 "$CHURN_MODE" churn-mode "$M/$EDU" intx msi
# F3: 900 open text files, each read once.
r0=$(rss)
irqtool opens "$M/$EDU/vendor" 900 >"$LIB_TMP/opens" 2>&1 &
op=$!
check "900 files of edu's vendor open and read" wait_for grep -q ready "$LIB_TMP/opens"
r1=$(rss)
kill "$op" 2>/dev/null
wait "$op" 2>/dev/null
per=$(((r1 - r0) * 1024 / 900))
echo "  900 open text files: RSS $r0 KiB -> $r1 KiB, $per bytes each"
if [ "$sanitized" = 1 ]; then
	skip "open text files: RSS not judged under ASan"
else
	check "an open text file costs under 512 bytes ($per)" test "$per" -lt 512
fi
check_text "edu serves MSI at the end" "$M/$EDU/irq/mode" msi
check_text "pci-testdev is there at the end" "$M/$TESTDEV/vendor" 0x1b36
check_empty "dma/ is empty at the end" "$M/dma"
finish
