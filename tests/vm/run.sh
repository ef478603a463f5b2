#!/bin/sh
# SPDX-License-Identifier: MIT
# Boot the VM test bed once.
#   run.sh --kernel 6.1|6.12|6.12-vfiofs --mode test|demo|shell|bench|smoke|probe
#          [--iommu vtd|none] [--opts LIST] [--binary build/vfiofs] [--log FILE]
#          [--timeout SECONDS] [--valgrind]
# 6.1 and 6.12 are Debian's kernels (tests/vm/kernels.sh); 6.12-vfiofs is the
# project's own build with no-IOMMU and iommufd (tests/vm/kernel-build.sh).
# --iommu vtd (default): the emulated VT-d, intel_iommu=on: /dev/vfio/N groups
#   (and, on 6.12-vfiofs, /dev/iommu and /dev/vfio/devices/vfioN).
# --iommu none (6.12-vfiofs only): no IOMMU, vfio.enable_unsafe_noiommu_mode=1,
#   /dev/vfio/noiommu-N groups, every mount with -o noiommu; edu gets a 64-bit
#   DMA mask (DMA goes to physical addresses; its default reaches 28 bits).
# --opts LIST (or VFIOFS_MOUNT_OPTS): more vfiofs -o options, comma separated,
#   for every mount the tests make (e.g. "iommufd"). The guest gets the mode as
#   vfiofs.iommu=vtd|none and the options as vfiofs.opts=LIST, and exports
#   VFIOFS_IOMMU and VFIOFS_OPTS ("-o LIST") to the tests.
# Devices at fixed addresses (see tests/integration/lib.sh):
#   0000:00:03.0 edu        0000:00:04.0 nvme (a 16 MiB namespace)
#   0000:00:05.0 ivshmem-plain
#   0000:01:00.0 e1000e (behind the pcie-root-port at 00:06.0)
#   0000:00:07.0 pci-testdev
#   0000:00:08.0 pci-serial (the guest's serial driver) and 0000:00:08.1
#   pvpanic-pci (no driver): two functions of one slot, so one IOMMU group;
#   not bound at boot (for the vfio-bind tests)
# bench mode (make bench): 19 more devices, edu and pci-testdev by turns at
#   0000:00:09.0-0000:00:1b.0, for the scale rows; the guest runs
#   tests/integration/bench.sh; passes if it ends with "bench: OK".
#   VFIOFS_BENCH_CMD (environment): the command its header names.
# The serial console goes to stdout and to build/vm-<kver>-<mode>.log.
# test mode: passes only if the guest's "vm-<kver>: N passed, 0 failed" line is
# there, no sanitizer report is in the log and the ivshmem pattern the guest
# wrote is in the host's backing file; prints "vm-<kver> host: N passed, N
# failed" (the host-side checks only: the guest's line counts its own).
# VFIOFS_TESTS=test_a,test_b (environment): test mode runs only those.
# --valgrind: the initramfs holds valgrind and the guest runs the daemon under
# memcheck (vfiofs.valgrind=1); any valgrind error or definite/indirect leak
# in the logs the guest prints is a failure.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KVER="" MODE="" BIN="$ROOT/build/vfiofs" LOG="" TMO="" VG=0 IOMMU=vtd
XOPTS=${VFIOFS_MOUNT_OPTS:-}
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) KVER=$2; shift 2 ;;
	--mode) MODE=$2; shift 2 ;;
	--binary) BIN=$2; shift 2 ;;
	--log) LOG=$2; shift 2 ;;
	--timeout) TMO=$2; shift 2 ;;
	--valgrind) VG=1; shift ;;
	-h|--help) sed -n '2,36p' "$0"; exit 0 ;;
	--iommu) IOMMU=$2; shift 2 ;;
	--opts) XOPTS=$2; shift 2 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done
case $KVER in 6.1|6.12|6.12-vfiofs) ;; *) echo "run.sh: --kernel 6.1|6.12|6.12-vfiofs" >&2; exit 2 ;; esac
case $IOMMU in vtd|none) ;; *) echo "run.sh: --iommu vtd|none" >&2; exit 2 ;; esac
if [ "$IOMMU" = none ] && [ "$KVER" != 6.12-vfiofs ]; then
	echo "run.sh: --iommu none needs CONFIG_VFIO_NOIOMMU: --kernel 6.12-vfiofs" >&2
	exit 2
fi
case $XOPTS in *[!A-Za-z0-9_,=.:/-]*)
	echo "run.sh: --opts '$XOPTS': a comma-separated list of vfiofs -o options, no spaces" >&2
	exit 2 ;;
esac
# The -o options every mount in the guest gets.
OPTS=$XOPTS
[ "$IOMMU" = none ] && OPTS=noiommu${XOPTS:+,$XOPTS}
case $MODE in test|demo|shell|bench|smoke|probe) ;; *) echo "run.sh: --mode test|demo|shell|bench|smoke|probe" >&2; exit 2 ;; esac
case $BIN in /*|-) ;; *) BIN=$(pwd)/$BIN ;; esac
if [ "$BIN" != - ] && [ ! -x "$BIN" ]; then
	if [ "$MODE" = smoke ]; then BIN=-; else
		echo "run.sh: no binary $BIN (run make)" >&2; exit 1
	fi
fi
if [ -z "$LOG" ]; then
	sfx=""
	[ "$IOMMU" = none ] && sfx=-noiommu
	[ -n "$XOPTS" ] && sfx=$sfx-$(echo "$XOPTS" | tr ',=/' '-')
	LOG=$ROOT/build/vm-$KVER$sfx-$MODE.log
fi
[ -n "$TMO" ] || case $MODE in test) TMO=600 ;; bench) TMO=720 ;; shell) TMO=0 ;; *) TMO=300 ;; esac

KDIR=$ROOT/build/kernels/$KVER
if [ ! -f "$KDIR/vmlinuz" ]; then
	case $KVER in
	6.12-vfiofs) "$ROOT/tests/vm/kernel-build.sh" ;;
	*) "$ROOT/tests/vm/kernels.sh" "$KVER" ;;
	esac
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
INITRD=$work/initrd.gz
SHM=$work/ivshmem.mem
NVM=$work/nvme.img
VGARG="" VGCMD=""
[ "$VG" = 1 ] && VGARG=--valgrind VGCMD=" vfiofs.valgrind=1"
"$ROOT/tests/vm/mkinitrd.sh" $VGARG "$KVER" "$BIN" "$INITRD"
dd if=/dev/zero of="$SHM" bs=1M count=1 status=none
# nvme's namespace (test_inuse puts swap and a filesystem on it): sparse.
truncate -s 16M "$NVM"

# The IOMMU mode: the emulated VT-d, or none (no-IOMMU: DMA to physical
# addresses, so edu must reach all of them).
if [ "$IOMMU" = vtd ]; then
	VTD="-device intel-iommu" EDU=edu,addr=03.0
	KARGS="intel_iommu=on"
else
	VTD="" EDU=edu,addr=03.0,dma_mask=0xffffffffffffffff
	KARGS="vfio.enable_unsafe_noiommu_mode=1"
fi
KARGS="$KARGS vfiofs.iommu=$IOMMU${OPTS:+ vfiofs.opts=$OPTS}"

# bench mode: 19 more devices for the scale rows (24 bound in all), edu and
# pci-testdev by turns in free slots of q35's root bus, 0x09-0x1b (0x1f is
# its LPC, SATA and SMBus); the header names the command (spaces as +).
MORE=""
if [ "$MODE" = bench ]; then
	s=9
	while [ $s -le 27 ]; do
		d=pci-testdev
		if [ $((s % 2)) = 1 ]; then
			d=edu
			[ "$IOMMU" = vtd ] || d=edu,dma_mask=0xffffffffffffffff
		fi
		MORE="$MORE -device $d,addr=$(printf %02x $s).0"
		s=$((s + 1))
	done
	KARGS="$KARGS vfiofs.benchcmd=$(echo "${VFIOFS_BENCH_CMD:-tests/vm/run.sh --kernel $KVER --mode bench}" | tr ' ' +)"
fi

# shellcheck disable=SC2086
set -- qemu-system-x86_64 -M q35 -m 512 -smp 2 -nographic -no-reboot \
	-vga none -nic none $VTD \
	-device "$EDU" \
	-drive file="$NVM",if=none,id=nvm,format=raw \
	-device nvme,serial=vfiofs1,drive=nvm,addr=04.0 \
	-object memory-backend-file,id=M,size=1M,mem-path="$SHM",share=on \
	-device ivshmem-plain,memdev=M,addr=05.0 \
	-device pcie-root-port,id=rp1,chassis=1,slot=1,addr=06.0 \
	-device e1000e,bus=rp1,addr=00.0 \
	-device pci-testdev,addr=07.0 \
	-chardev null,id=ser0 \
	-device pci-serial,chardev=ser0,addr=08.0,multifunction=on \
	-device pvpanic-pci,addr=08.1 $MORE \
	-kernel "$KDIR/vmlinuz" -initrd "$INITRD" \
	-append "console=ttyS0 $KARGS quiet panic=-1 vfiofs.mode=$MODE vfiofs.kver=$KVER$VGCMD${VFIOFS_TESTS:+ vfiofs.tests=$VFIOFS_TESTS}"

mkdir -p "$(dirname "$LOG")"
start=$(date +%s)
if [ "$MODE" = shell ]; then
	"$@"
	exit $?
fi
set +e
# The console is captured in a private file first (checks below read it, so
# that a concurrent run writing the same LOG cannot confuse them), then copied.
# QEMU's own crash (SIGSEGV: timeout passes the signal on, status 139; seen
# about once in 30 boots of TCG with two vCPUs) is the emulator's, not the
# guest's: that boot is run once more, and said so. So is a boot that timed
# out with the guest's RCU reporting a stalled CPU, and one whose kernel
# panicked before /init ran (below). A guest that hangs or fails otherwise
# is not retried.
boot() {
	if [ "$TMO" -gt 0 ]; then
		{ timeout -k 10 "$TMO" "$@" </dev/null 2>&1; echo $? >"$work/qemu.rc"; } |
			tee "$work/console"
	else
		{ "$@" </dev/null 2>&1; echo $? >"$work/qemu.rc"; } | tee "$work/console"
	fi
}
boot "$@"
if [ "$(cat "$work/qemu.rc")" = 139 ]; then
	echo "run.sh: QEMU crashed (SIGSEGV) after $(($(date +%s) - start)) s; booting once more"
	cp "$work/console" "$LOG.qemu-crash"
	dd if=/dev/zero of="$SHM" bs=1M count=1 status=none
	boot "$@"
elif grep -qx '124\|137' "$work/qemu.rc" &&
	grep -q 'rcu: INFO: rcu_preempt detected stalls\|rcu_preempt self-detected stall' "$work/console"; then
	# The same for a vCPU the emulator stopped (seen once in about 100
	# boots: the guest's RCU reports a CPU that takes no timer interrupt
	# while idle, and everything on it waits until the timeout). A guest
	# that hangs without that is not retried; one that stalls twice fails.
	echo "run.sh: the guest stalled (RCU stall reports: a vCPU stopped) until the timeout; booting once more"
	cp "$work/console" "$LOG.vcpu-stall"
	dd if=/dev/zero of="$SHM" bs=1M count=1 status=none
	boot "$@"
elif grep -q 'Kernel panic' "$work/console" && ! grep -q 'guest: kernel ' "$work/console"; then
	# And for a guest kernel that panicked before /init ran, so before
	# any code of ours (seen once in about 200 boots: "Oops: int3" in
	# sched_clock_cpu at 1.7 s, the emulator racing the kernel's own
	# code patching on another vCPU).
	echo "run.sh: the guest kernel panicked before userspace (no vfiofs code had run); booting once more"
	cp "$work/console" "$LOG.boot-panic"
	dd if=/dev/zero of="$SHM" bs=1M count=1 status=none
	boot "$@"
fi
set -e
secs=$(($(date +%s) - start))
# The serial console ends lines with \r\n.
tr -d '\r' <"$work/console" >"$work/log"
cp "$work/log" "$LOG"
echo "run.sh: $KVER $MODE (iommu $IOMMU${OPTS:+, -o $OPTS}): $secs s, log in $LOG"
LOG=$work/log

case $MODE in
smoke)
	grep -q '^smoke: modfail=0 bindfail=0$' "$LOG"
	exit $?
	;;
demo)
	grep -q '^demo: OK$' "$LOG"
	exit $?
	;;
bench)
	grep -q '^bench: OK$' "$LOG"
	exit $?
	;;
probe)
	grep -q '^probe: exit 0$' "$LOG"
	exit $?
	;;
esac

# test mode: the guest's verdict, then the host-side checks.
hp=0 hf=0
ok() { hp=$((hp + 1)); echo "host: ok - $1"; }
ko() { hf=$((hf + 1)); echo "host: FAIL - $1"; }

# The guest's own failures are counted in its line; here only its presence.
guest_failed=0
line=$(grep -E "^vm-$KVER: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$" "$LOG" | tail -n1 || true)
if [ -z "$line" ]; then
	ko "guest verdict line vm-$KVER: ... (missing: crash, hang or timeout after ${TMO}s)"
else
	ok "guest verdict present: $line"
	echo "$line" | grep -qE ' 0 failed(, [0-9]+ skipped)?$' || guest_failed=1
fi

# A sanitizer report anywhere in the log (guest-init prints the reports the
# sanitized daemon wrote) is a failure.
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Leak|UndefinedBehavior)Sanitizer' "$LOG"; then
	ko "sanitizer report(s) in the log: $(grep -cE 'SUMMARY: .*Sanitizer|runtime error:' "$LOG")"
else
	ok "no sanitizer report in the log"
fi

# Valgrind (--valgrind): every log the guest printed must end with a zero
# error summary (leaks of the definite and indirect kinds count as errors).
if [ "$VG" = 1 ]; then
	nlogs=$(grep -c '^===== valgrind log ' "$LOG" || true)
	nclean=$(grep -cE '^==[0-9]+== ERROR SUMMARY: 0 errors' "$LOG" || true)
	if [ "$nlogs" -eq 0 ]; then
		ko "valgrind: no valgrind log in the console"
	elif [ "$nclean" -ne "$nlogs" ]; then
		ko "valgrind: $((nlogs - nclean)) of $nlogs log(s) with errors or with no summary"
	else
		ok "valgrind: $nlogs log(s), no error"
	fi
fi

# The pattern tests/integration/test_ivshmem.sh writes through vfiofs into
# ivshmem's BAR2; see IVSHMEM_* there. Built independently here. Not when
# VFIOFS_TESTS left that test out.
case ",${VFIOFS_TESTS:-test_ivshmem}," in
*,test_ivshmem,*) ;;
*)
	echo "vm-$KVER host: $hp passed, $hf failed"
	[ "$hf" -eq 0 ] && [ "$guest_failed" -eq 0 ]
	exit $?
	;;
esac
exp=$work/expected.mem
dd if=/dev/zero of="$exp" bs=1M count=1 status=none
printf 'vfiofs-ivshmem-check' | dd of="$exp" bs=1 seek=4096 conv=notrunc status=none
printf '\357\276\255\336' | dd of="$exp" bs=1 seek=8192 conv=notrunc status=none
printf 'EN' | dd of="$exp" bs=1 seek=1048574 conv=notrunc status=none
got=$(dd if="$SHM" bs=1 skip=4096 count=20 status=none)
[ "$got" = vfiofs-ivshmem-check ] && ok "ivshmem 0x1000: '$got'" ||
	ko "ivshmem 0x1000: expected 'vfiofs-ivshmem-check', got '$got'"
got=$(od -An -tx1 -j 8192 -N 4 "$SHM" | tr -d ' \n')
[ "$got" = efbeadde ] && ok "ivshmem 0x2000: 0xdeadbeef (bytes $got)" ||
	ko "ivshmem 0x2000: expected bytes efbeadde, got $got"
got=$(od -An -c -j 1048574 -N 2 "$SHM" | tr -d ' \n')
[ "$got" = EN ] && ok "ivshmem short write at the end: '$got'" ||
	ko "ivshmem short write at the end: expected 'EN', got '$got'"
if cmp -s "$exp" "$SHM"; then
	ok "ivshmem backing file holds exactly the pattern"
else
	ko "ivshmem backing file differs: $(cmp "$exp" "$SHM" 2>&1 | head -n1)"
fi
echo "vm-$KVER host: $hp passed, $hf failed"
[ "$hf" -eq 0 ] && [ "$guest_failed" -eq 0 ]
