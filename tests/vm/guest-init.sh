#!/bin/sh
# SPDX-License-Identifier: MIT
# /init of the VM test bed's guest (busybox). Mounts the pseudo filesystems,
# loads VFIO (and FUSE), binds the test devices to vfio-pci, mounts vfiofs at
# /vfio and then, per `vfiofs.mode=` on the kernel command line:
#   test   run tests/integration/test_*.sh, print "vm-<kver>: N passed, N failed"
#          (", N skipped" after it when a test or a check was skipped)
#   demo   run tests/integration/demo.sh
#   shell  an interactive shell on the console
#   bench  tests/integration/bench.sh (the FUSE floor, raw VFIO and vfiofs;
#          vfiofs.benchcmd= names the command in its header, + for spaces)
#   smoke  show what the bed gives (modules, /dev/vfio, devices) without vfiofs
#   probe  run the given binary with the bound devices' addresses as arguments
# and powers off. Every wait is bounded.
# vfiofs.valgrind=1 (run.sh --valgrind): the daemon runs under valgrind's
# memcheck, in the foreground (VFIOFS_WRAP, see tests/integration/lib.sh);
# each log is printed on the console once its process is gone, and a log with
# errors (definite and indirect leaks count) or with no summary is a failure.
# The bounded waits are longer (VFIOFS_SLOW) and the tests in VG_SKIP are not
# run: valgrind under TCG is x20-50 slower. Tests see VFIOFS_VALGRIND=1.
# vfiofs.iommu=vtd|none (run.sh --iommu): with none (no IOMMU, the kernel's
# unsafe no-IOMMU mode) the groups are /dev/vfio/noiommu-N. vfiofs.opts=LIST
# (run.sh sets "noiommu" for none, plus --opts): the -o options of every mount
# (tests/integration/lib.sh's vfiofs_mount adds $VFIOFS_OPTS). Tests see
# VFIOFS_IOMMU=vtd|none and VFIOFS_OPTS ("-o LIST" or empty).
set -u

/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null || true
/bin/busybox --install -s
mount -t tmpfs tmpfs /tmp
mkdir -p /dev/pts /tmp/san
mount -t devpts devpts /dev/pts 2>/dev/null || true
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
export HOME=/ TERM=${TERM:-linux}

MODE=test
ONLY=""
KVER=$(uname -r)
VG=0
IOMMU=vtd
OPTS=""
for w in $(cat /proc/cmdline); do
	case $w in
	vfiofs.iommu=*) IOMMU=${w#vfiofs.iommu=} ;;
	vfiofs.opts=*) OPTS=${w#vfiofs.opts=} ;;
	vfiofs.mode=*) MODE=${w#vfiofs.mode=} ;;
	vfiofs.kver=*) KVER=${w#vfiofs.kver=} ;;
	vfiofs.valgrind=*) VG=${w#vfiofs.valgrind=} ;;
	vfiofs.tests=*) ONLY=$(echo "${w#vfiofs.tests=}" | tr , ' ') ;;
	vfiofs.benchcmd=*) VFIOFS_BENCH_CMD=$(echo "${w#vfiofs.benchcmd=}" | tr + ' ')
		export VFIOFS_BENCH_CMD ;;
	esac
done
export VFIOFS_KVER=$KVER
export VFIOFS_IOMMU=$IOMMU
VFIOFS_OPTS=""
[ -n "$OPTS" ] && VFIOFS_OPTS="-o $OPTS"
export VFIOFS_OPTS
# The group node of group N: /dev/vfio/N, or /dev/vfio/noiommu-N.
GPFX=""
[ "$IOMMU" = none ] && GPFX=noiommu-

# Valgrind mode. test_irq_many: 1000 blocked readers, minutes under memcheck;
# test_churn: thousands of cycles (and RSS means nothing under valgrind).
VG_SKIP=""
if [ "$VG" = 1 ]; then
	mkdir -p /tmp/vg
	export VFIOFS_WRAP="valgrind --error-exitcode=99 --leak-check=full \
--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
--child-silent-after-fork=yes --log-file=/tmp/vg/vg.%p"
	export VFIOFS_SLOW=3 VFIOFS_VALGRIND=1
	VG_SKIP="test_irq_many test_churn"
elif grep -q __ubsan_handle /usr/bin/vfiofs 2>/dev/null; then
	# The sanitized daemon: in the foreground so its stderr (UBSan's only
	# channel) reaches /tmp/vfiofs-fg.log. The plain runs cover daemonizing.
	export VFIOFS_WRAP=env
fi

say() { echo "guest: $*"; }

# Sanitizers (the sanitized daemon): reports go to files under /tmp/san (a
# daemonized process has no stderr); they are printed on the console after
# each test and every report counts as a failure.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=/tmp/san/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=/tmp/san/ubsan"
export LSAN_OPTIONS="log_path=/tmp/san/lsan"

say "kernel $(uname -r) ($(cat /etc/kernel-package 2>/dev/null)), mode $MODE, iommu $IOMMU${VFIOFS_OPTS:+, mounts with $VFIOFS_OPTS}, userspace at $(cut -d' ' -f1 /proc/uptime) s"

# Modules, in order (none when the kernel has everything built in).
[ -s /lib/modules/vfiofs/modules.order ] || say "no modules to load (built in)"
modfail=0
for m in $(cat /lib/modules/vfiofs/modules.order); do
	if ! out=$(insmod "/lib/modules/vfiofs/$m" 2>&1); then
		say "insmod $m failed: $out"
		modfail=$((modfail + 1))
	fi
done

# As Debian's udev rules make it: anyone may open /dev/fuse (fusermount3
# checks the rest). devtmpfs alone leaves it 0600. (fuse may be a
# module, just loaded.)
chmod 0666 /dev/fuse 2>/dev/null || true

# The test devices, by vendor:device (their addresses are in run.sh).
IDS="0x1234:0x11e8 0x1b36:0x0010 0x1af4:0x1110 0x8086:0x10d3 0x1b36:0x0005"
BOUND=""
for d in /sys/bus/pci/devices/*; do
	id="$(cat "$d/vendor"):$(cat "$d/device")"
	case " $IDS " in *" $id "*) ;; *) continue ;; esac
	bdf=${d##*/}
	if [ -e "$d/driver" ]; then
		echo "$bdf" >"$d/driver/unbind" 2>/dev/null || true
	fi
	echo vfio-pci >"$d/driver_override"
	echo "$bdf" >/sys/bus/pci/drivers_probe 2>/dev/null || true
	BOUND="$BOUND $bdf"
	# Bound for vfiofs, as vfio-bind records it (no driver before): a
	# mount takes it again when a test binds it once more.
	mkdir -p /run/vfio-bind
	echo none >"/run/vfio-bind/$bdf"
done
# Wait (bounded) for each device's /dev/vfio/<group> (noiommu-<group>). A
# no-IOMMU group only exists once vfio-pci has the device: look it up after.
bindfail=0
for bdf in $BOUND; do
	d=/sys/bus/pci/devices/$bdf
	i=0
	while [ $i -lt 50 ]; do
		g=$(basename "$(readlink "$d/iommu_group" 2>/dev/null)" 2>/dev/null || echo "?")
		[ -e "/dev/vfio/$GPFX$g" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null || echo none)
	if [ "$drv" != vfio-pci ] || [ ! -e "/dev/vfio/$GPFX$g" ]; then
		say "bind $bdf failed: driver=$drv group=$g"
		bindfail=$((bindfail + 1))
	fi
done

devtable() {
	for bdf in $BOUND; do
		d=/sys/bus/pci/devices/$bdf
		printf '  %s %s:%s class=%s driver=%s group=%s\n' "$bdf" \
			"$(cat "$d/vendor")" "$(cat "$d/device")" "$(cat "$d/class")" \
			"$(basename "$(readlink "$d/driver")" 2>/dev/null)" \
			"$(basename "$(readlink "$d/iommu_group")" 2>/dev/null)"
	done
}

# Print (and count) sanitizer reports not yet shown. UBSan (in the combined
# ASan+UBSan runtime) ignores log_path and writes to stderr only, so the
# sanitized daemon runs in the foreground (see below) and its output is
# searched for UBSan's "runtime error:" lines too.
SAN_SEEN=0 SAN_FG_LINES=0
san_reports() {
	n=0
	if [ -f /tmp/vfiofs-fg.log ]; then
		_total=$(wc -l </tmp/vfiofs-fg.log)
		if [ "$_total" -gt "$SAN_FG_LINES" ]; then
			tail -n "$((_total - SAN_FG_LINES))" /tmp/vfiofs-fg.log >/tmp/san-fg.new
			SAN_FG_LINES=$_total
			if grep -q "runtime error:" /tmp/san-fg.new; then
				echo "===== UBSan report (daemon stderr) ====="
				grep -A 12 "runtime error:" /tmp/san-fg.new
				echo "===== end of UBSan report ====="
				n=$((n + 1))
			fi
		fi
	fi
	for f in /tmp/san/*; do
		[ -f "$f" ] || continue
		case $f in *.shown) continue ;; esac
		echo "===== sanitizer report $f ====="
		cat "$f"
		echo "===== end of $f ====="
		mv "$f" "$f.shown"
		n=$((n + 1))
	done
	SAN_SEEN=$((SAN_SEEN + n))
	return 0
}

# Print (and judge) the valgrind logs of the daemons that are gone (all of
# them with "all"); VG_BAD counts the logs with errors or with no summary.
VG_SEEN=0 VG_BAD=0
vg_reports() {
	for f in /tmp/vg/vg.*; do
		[ -f "$f" ] || continue
		case $f in *.shown) continue ;; esac
		if [ "${1:-}" != all ] && kill -0 "${f##*.}" 2>/dev/null; then
			continue
		fi
		# A child the daemon forked to exec a helper (fusermount3, for a
		# user's mount) logs at most a header, no summary: not a failure.
		_pp=$(sed -n 's/^==[0-9]*== Parent PID: \([0-9]*\)$/\1/p' "$f")
		if [ ! -s "$f" ] || { ! grep -q "ERROR SUMMARY" "$f" && [ -n "$_pp" ] &&
			{ [ -e "/tmp/vg/vg.$_pp" ] || [ -e "/tmp/vg/vg.$_pp.shown" ]; } &&
			! grep -qE "^==[0-9]+== (Invalid|Conditional|Syscall param|Use of|Mismatched)" "$f"; }; then
			echo "guest: valgrind: $f: a forked child of $_pp (no summary, as expected)"
			mv "$f" "$f.shown"
			continue
		fi
		echo "===== valgrind log $f ====="
		cat "$f"
		echo "===== end of $f ====="
		if grep -qE '== ERROR SUMMARY: [1-9]' "$f"; then
			say "valgrind: errors in $f"
			VG_BAD=$((VG_BAD + 1))
		elif ! grep -q '== ERROR SUMMARY: ' "$f"; then
			say "valgrind: $f has no error summary (killed, or still running)"
			VG_BAD=$((VG_BAD + 1))
		fi
		mv "$f" "$f.shown"
		VG_SEEN=$((VG_SEEN + 1))
	done
	return 0
}

# bounded SECS OUTFILE CMD...: run CMD with its output in OUTFILE (printed on
# the console when it ends), for at most SECS seconds. A process stuck in the
# kernel cannot be killed, so it is left behind rather than waited for. Sets
# BOUNDED_RC: the exit status, "timeout" (killed) or "stuck" (unkillable);
# returns 0 on exit 0.
bounded() {
	_secs=$1 _out=$2
	shift 2
	: >"$_out"
	"$@" >"$_out" 2>&1 </dev/null &
	_pid=$!
	_i=0
	while kill -0 "$_pid" 2>/dev/null && [ $_i -lt $((_secs * 10)) ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	if kill -0 "$_pid" 2>/dev/null; then
		pkill_tree "$_pid"
		_j=0
		while kill -0 "$_pid" 2>/dev/null && [ $_j -lt 50 ]; do sleep 0.1; _j=$((_j + 1)); done
		if kill -0 "$_pid" 2>/dev/null; then
			BOUNDED_RC=stuck
		else
			wait "$_pid" 2>/dev/null
			BOUNDED_RC=timeout
		fi
		echo "guest: killed after $_secs s: $* ($BOUNDED_RC)" >>"$_out"
	else
		wait "$_pid"
		BOUNDED_RC=$?
	fi
	cat "$_out"
	[ "$BOUNDED_RC" = 0 ]
}

# pkill_tree PID: SIGKILL PID and its descendants (found through /proc/*/stat,
# which never blocks on a stuck process's memory).
pkill_tree() {
	_kids=""
	for _st in /proc/[0-9]*/stat; do
		read -r _p _c _s _pp _rest <"$_st" 2>/dev/null || continue
		[ "$_pp" = "$1" ] && _kids="$_kids $_p"
	done
	kill -KILL "$1" 2>/dev/null
	for _k in $_kids; do pkill_tree "$_k"; done
}

# poweroff -f shuts devices down, which waits for a device's lock: a device
# stuck in an unbind would hang it. After 10 s, reboot at once through sysrq
# (no device shutdown); QEMU runs with -no-reboot, so it exits either way.
power_off() {
	sync
	poweroff -f &
	sleep 10
	echo "guest: poweroff did not complete in 10 s; rebooting through sysrq"
	echo b >/proc/sysrq-trigger
	sleep 5
}

if [ "$MODE" = smoke ]; then
	say "modules: $(lsmod | awk 'NR>1{print $1}' | tr '\n' ' ')"
	say "builtin fuse: $(grep -c fuse /proc/filesystems) /dev/fuse: $(ls -l /dev/fuse 2>&1)"
	say "devices bound:"
	devtable
	say "/dev/vfio: $(ls /dev/vfio | tr '\n' ' ')"
	for d in /sys/bus/pci/devices/*; do
		echo "  ${d##*/} $(cat "$d/vendor"):$(cat "$d/device") $(cat "$d/class") rm=$(cat "$d/reset_method" 2>/dev/null) group=$(basename "$(readlink "$d/iommu_group")") driver=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)"
	done
	for bdf in $BOUND; do
		d=/sys/bus/pci/devices/$bdf
		echo "  $bdf config=$(stat -c %s "$d/config") rom=$(stat -c %s "$d/rom" 2>/dev/null || echo -)"
		awk '{ s = strtonum($2) ? strtonum($2) - strtonum($1) + 1 : 0; if (s) printf "    res%d size=%d flags=%s\n", NR - 1, s, $3 }' "$d/resource" 2>/dev/null ||
			sed 's/^/    /' "$d/resource"
	done
	say "uptime $(cut -d' ' -f1 /proc/uptime)"
	echo "smoke: modfail=$modfail bindfail=$bindfail"
	power_off
fi

# probe: run the given binary with the bound addresses as arguments (for a
# developer's look at what VFIO gives, without the filesystem).
if [ "$MODE" = probe ]; then
	timeout 60 /usr/bin/vfiofs $BOUND 2>&1
	echo "probe: exit $?"
	power_off
fi

. /tests/integration/lib.sh

mounted=0
if [ -x /usr/bin/vfiofs ]; then
	if vfiofs_mount /vfio; then mounted=1; else say "mounting vfiofs at /vfio failed"; fi
else
	say "no vfiofs binary in the initramfs"
fi
say "devices:"
devtable

case $MODE in
test)
	tp=0 tf=$((modfail + bindfail)) ts=0
	wedged=""
	for t in /tests/integration/test_*.sh; do
		[ -f "$t" ] || continue
		name=$(basename "$t" .sh)
		if [ -n "$ONLY" ]; then
			case " $ONLY " in *" $name "*) ;; *) continue ;; esac
		fi
		echo "=== $name ==="
		if [ -n "$wedged" ]; then
			say "$name skipped: $wedged"
			tf=$((tf + 1))
			continue
		fi
		case " $VG_SKIP " in *" $name "*)
			say "$name skipped under valgrind"
			ts=$((ts + 1))
			continue ;;
		esac
		# A test that left /vfio unmounted or broken gets it back.
		if ! bounded $((60 * SLOW)) /tmp/ensure.txt sh -c '. /tests/integration/lib.sh; vfiofs_ensure /vfio'; then
			cat /tmp/ensure.txt
			wedged="vfiofs could not be mounted again (rc $BOUNDED_RC)"
			say "$name skipped: $wedged"
			tf=$((tf + 1))
			continue
		fi
		t0=$(cut -d. -f1 /proc/uptime)
		# A test may ask for more than 120 s: "# vm-timeout: SECONDS".
		tmo=$(sed -n 's/^# vm-timeout: \([0-9][0-9]*\)$/\1/p' "$t")
		bounded $((${tmo:-120} * SLOW)) /tmp/out.txt sh "$t"
		rc=$BOUNDED_RC
		[ "$VG" = 1 ] && say "$name took $(($(cut -d. -f1 /proc/uptime) - t0)) s under valgrind"
		line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$" /tmp/out.txt | tail -n1)
		if [ -n "$line" ]; then
			p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/')
			f=$(echo "$line" | sed 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/')
			sk=$(echo "$line" | sed -n 's/.* \([0-9]*\) skipped$/\1/p')
			ts=$((ts + ${sk:-0}))
		else
			say "$name printed no verdict (exit $rc)"
			p=0 f=1
		fi
		if [ "$rc" != 0 ] && [ "$f" -eq 0 ]; then
			say "$name exited $rc with no failed assertion"
			f=1
		fi
		if [ "$rc" = stuck ]; then
			wedged="$name is stuck in the kernel (D state): the bed is wedged"
		fi
		tp=$((tp + p)) tf=$((tf + f))
		san_reports
		vg_reports
	done
	# Unmount so that the daemon exits (and LeakSanitizer reports).
	if [ -z "$wedged" ] && grep -q " /vfio fuse" /proc/mounts; then
		bounded $((30 * SLOW)) /tmp/umount.txt sh -c '. /tests/integration/lib.sh; vfiofs_umount /vfio' ||
			{ say "unmount of /vfio failed ($BOUNDED_RC)"; tf=$((tf + 1)); }
	fi
	san_reports
	if [ "$SAN_SEEN" -gt 0 ]; then
		say "$SAN_SEEN sanitizer report(s)"
		tf=$((tf + SAN_SEEN))
	fi
	if [ "$VG" = 1 ]; then
		vg_reports all
		say "valgrind: $VG_SEEN log(s), $VG_BAD with errors"
		[ "$VG_SEEN" -gt 0 ] || { say "valgrind: no log at all"; VG_BAD=1; }
		tf=$((tf + VG_BAD))
	fi
	if [ "$ts" -gt 0 ]; then
		echo "vm-$KVER: $tp passed, $tf failed, $ts skipped"
	else
		echo "vm-$KVER: $tp passed, $tf failed"
	fi
	power_off
	;;
demo)
	sh /tests/integration/demo.sh 2>&1
	san_reports
	power_off
	;;
shell)
	say "interactive shell; vfiofs is mounted at /vfio ($mounted); exit to power off"
	setsid cttyhack sh -l
	power_off
	;;
bench)
	sh /tests/integration/bench.sh 2>&1
	power_off
	;;
*)
	say "unknown mode $MODE"
	power_off
	;;
esac
