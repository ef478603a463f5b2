# SPDX-License-Identifier: MIT
# Helpers for the integration tests (busybox sh, in the VM test bed's guest).
# A test file: `. "$(dirname "$0")/lib.sh"`, assertions, then `finish`, which
# prints "<name>: N passed, N failed" (", N skipped" after it when a check
# was skipped: verdict.sh) and exits non-zero on any failure.
# guest-init.sh mounts vfiofs at /vfio before the tests (`vfiofs /vfio`).
#
# Valgrind mode (vfiofs.valgrind=1 on the kernel command line; guest-init.sh
# exports these): VFIOFS_WRAP is the command the daemon runs under (valgrind
# memcheck); a test that starts a daemon itself starts `$VFIOFS_WRAP vfiofs`.
# VFIOFS_SLOW multiplies the bounded waits (the daemon is x20-50 slower).
# The bed's IOMMU mode (guest-init.sh exports these from vfiofs.iommu= and
# vfiofs.opts=; see tests/vm/run.sh --iommu, --opts): VFIOFS_IOMMU is vtd
# (the emulated VT-d) or none (no IOMMU: /dev/vfio/noiommu-N groups);
# VFIOFS_OPTS ("-o noiommu", "-o iommufd", ...) is added to every mount
# vfiofs_mount makes (FUSE merges several -o).

M=${VFIOFS_MOUNT:-/vfio}
VFIOFS_WRAP=${VFIOFS_WRAP:-}
SLOW=${VFIOFS_SLOW:-1}
VFIOFS_IOMMU=${VFIOFS_IOMMU:-vtd}
VFIOFS_OPTS=${VFIOFS_OPTS:-}
# Mounts that hand the devices to other users (allow_other, uid=) must say
# so without an IOMMU (-o unsafe_delegate): add ",$UNSAFE" to their -o.
UNSAFE=""
[ "$VFIOFS_IOMMU" != none ] || UNSAFE=unsafe_delegate
# vfio_mode: what the group file names the mount's mode, as vfiofs picks it:
# noiommu without an IOMMU, the backend an option forces, else iommufd where
# the kernel has /dev/iommu and gives devices files of their own (vfio-dev
# in /proc/devices), else type1.
vfio_mode() {
	case "$VFIOFS_IOMMU $VFIOFS_OPTS" in
	none*) echo noiommu ;;
	*type1*) echo type1 ;;
	*iommufd*) echo iommufd ;;
	*) if [ -e /dev/iommu ] && grep -q ' vfio-dev$' /proc/devices; then echo iommufd; else echo type1; fi ;;
	esac
}
# The devices of the bed, at the fixed addresses run.sh gives them.
EDU=0000:00:03.0
NVME=0000:00:04.0
IVSHMEM=0000:00:05.0
TESTDEV=0000:00:07.0
E1000E=0000:01:00.0
ALL_DEVS="$EDU $NVME $IVSHMEM $TESTDEV $E1000E"

# pass, fail, skip, finish, from next to this file: the test's directory, or
# /tests/integration in the guest for its init and `sh -c '. lib.sh'`.
LIB_DIR=$(dirname "$0")
[ -f "$LIB_DIR/verdict.sh" ] || LIB_DIR=/tests/integration
# shellcheck source=tests/integration/verdict.sh
. "$LIB_DIR/verdict.sh"
LIB_TMP=${TMPDIR:-/tmp}/lib.$$
mkdir -p "$LIB_TMP"
trap 'rm -rf "$LIB_TMP"' EXIT

# Every check_* helper returns its verdict: 0 passed, 1 failed.

# show_out: the failed command's output, indented, for the log.
show_out() {
	sed 's/^/    | /' "$LIB_TMP/out" | head -n 20
}

# check "desc" cmd args...: passes when cmd exits 0.
check() {
	_d=$1
	shift
	if "$@" >"$LIB_TMP/out" 2>&1; then
		pass "$_d"
		return 0
	else
		_rc=$?
	fi
	fail "$_d (exit $_rc): $*"
	show_out
	return 1
}

# check_not "desc" cmd args...: passes when cmd fails.
check_not() {
	_d=$1
	shift
	if "$@" >"$LIB_TMP/out" 2>&1; then
		fail "$_d (succeeded): $*"
		show_out
		return 1
	fi
	pass "$_d"
}

# check_eq "desc" expected actual
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1: expected '$2', got '$3'"
	fi
}

# check_ne "desc" unexpected actual
check_ne() {
	if [ "$2" != "$3" ]; then
		pass "$1"
	else
		fail "$1: got '$3', which it must not be"
	fi
}

# check_empty "desc" DIR: ls DIR succeeds and lists nothing (a missing
# directory is not an empty one).
check_empty() {
	_l=$(ls "$2" 2>&1)
	check_eq "$1" "0:" "$?:$_l"
}

# check_same "desc" FILE1 FILE2: both files read (something) and read the
# same; two failed reads are not equal.
check_same() {
	if ! _s1=$(cat "$2" 2>&1) || [ -z "$_s1" ]; then
		fail "$1: $2 does not read: $_s1"
		return 1
	fi
	if ! _s2=$(cat "$3" 2>&1) || [ -z "$_s2" ]; then
		fail "$1: $3 does not read: $_s2"
		return 1
	fi
	check_eq "$1" "$_s1" "$_s2"
}

# The text busybox (and libc's strerror) prints for an errno name.
errno_text() {
	case $1 in
	EPERM) echo "Operation not permitted" ;;
	ENOENT) echo "No such file or directory" ;;
	EIO) echo "Input/output error" ;;
	EAGAIN) echo "Resource temporarily unavailable" ;;
	ENOMEM) echo "Out of memory" ;;
	EBUSY) echo "Resource busy" ;;
	EEXIST) echo "File exists" ;;
	ENODEV) echo "No such device" ;;
	EINVAL) echo "Invalid argument" ;;
	ENOSPC) echo "No space left on device" ;;
	ENOTSUP | EOPNOTSUPP) echo "Not supported" ;;
	EINTR) echo "Interrupted system call" ;;
	EACCES) echo "Permission denied" ;;
	EISDIR) echo "Is a directory" ;;
	ENOTDIR) echo "Not a directory" ;;
	ENOTCONN) echo "Transport endpoint is not connected" ;;
	*) echo "$1" ;;
	esac
}

# check_errno "desc" ENAME cmd args...: cmd must fail, and its stderr must
# carry the errno's text. Busybox is linked with glibc's or musl's strerror,
# so a few names have two spellings; both are accepted.
check_errno() {
	_d=$1 _e=$2
	shift 2
	if "$@" >"$LIB_TMP/out" 2>"$LIB_TMP/err"; then
		fail "$_d: succeeded, expected $_e: $*"
		return 1
	fi
	_t=$(errno_text "$_e")
	case $_e in
	EBUSY) _alt="Device or resource busy" ;;
	ENOMEM) _alt="Cannot allocate memory" ;;
	ENOTSUP | EOPNOTSUPP) _alt="Operation not supported" ;;
	EIO) _alt="I/O error" ;;
	*) _alt=$_t ;;
	esac
	if grep -qF -e "$_t" -e "$_alt" "$LIB_TMP/err"; then
		pass "$_d ($_e)"
	else
		fail "$_d: expected $_e ($_alt), got: $(head -c 300 "$LIB_TMP/err" | tr '\n' ' ')"
	fi
}

# counter DEV NAME: the value of NAME in DEV's counters file; fails (and
# prints nothing) when the file or the name is missing or not a number.
counter() {
	if ! _cv=$(awk -v n="$2" '$1 == n { print $2; found = 1; exit } END { exit !found }' \
		"$M/$1/counters") || ! is_num "$_cv"; then
		echo "counter: no $2 in $M/$1/counters" >&2
		return 1
	fi
	echo "$_cv"
}

# delta DEV NAME CMD...: run CMD (output discarded), print how much NAME grew;
# prints "no counter NAME" (which no number equals) and fails when NAME is
# not there before and after.
delta() {
	_dv=$1 _dn=$2
	shift 2
	_b=$(counter "$_dv" "$_dn")
	_bok=$?
	"$@" >/dev/null 2>&1
	if ! _a=$(counter "$_dv" "$_dn") || [ "$_bok" -ne 0 ]; then
		echo "no counter $_dn"
		return 1
	fi
	echo $((_a - _b))
}

# check_edu_dma DESC: the README's example, edu-dma.sh (edu's DMA round trip
# through vfiofs files), run on the mount: it exits 0 (DESC), prints its OK
# line and leaves dma/ empty.
check_edu_dma() {
	_out=$(sh "$(dirname "$0")/edu-dma.sh" "$M" "$EDU" 2>&1)
	_rc=$?
	echo "  $_out"
	check_eq "$1" 0 "$_rc"
	check_eq "... says OK" "edu-dma: OK: 256 bytes RAM -> edu -> RAM, 2 interrupts" "$_out"
	check_empty "... and leaves dma/ empty" "$M/dma"
}

# rd FILE OFFSET WIDTH: one read of WIDTH bytes at OFFSET (a single read()
# system call), printed as lowercase hex of a little-endian value, e.g.
# "010000ed" for 4 bytes (od -tx4), "1234" for 2, "ed" for 1.
rd() {
	dd if="$1" bs="$3" count=1 skip="$(($2))" iflag=skip_bytes status=none |
		od -An -tx"$3" | tr -d ' \n'
}

# wr FILE OFFSET HEXBYTES: one write() of the given bytes ("\xef\xbe...")
# at OFFSET; HEXBYTES is a printf format.
wr() {
	# shellcheck disable=SC2059
	printf "$3" >"$LIB_TMP/wr"
	_n=$(wc -c <"$LIB_TMP/wr")
	dd if="$LIB_TMP/wr" of="$1" bs="$_n" count=1 seek="$(($2))" oflag=seek_bytes \
		conv=notrunc status=none
}

# le32 VALUE: the printf format of a 32-bit value's little-endian bytes.
le32() {
	_v=$(($1))
	printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((_v & 255)) $(((_v >> 8) & 255)) \
		$(((_v >> 16) & 255)) $(((_v >> 24) & 255))
}

# nbytes FILE OFFSET COUNT: how many bytes one read of COUNT at OFFSET returns
# ("read failed" when it fails: not a count).
nbytes() {
	dd if="$1" bs="$3" count=1 skip="$(($2))" iflag=skip_bytes status=none \
		>"$LIB_TMP/nbytes" || { echo "read failed"; return 1; }
	wc -c <"$LIB_TMP/nbytes" | tr -d ' '
}

# wait_for [-t SECONDS] COND...: retry COND (its stderr discarded) every
# 0.1 s until it succeeds or SECONDS (default 10) times SLOW have passed;
# the status is COND's last. Every bounded wait of the tests is one of these.
wait_for() {
	_wt=10
	if [ "$1" = -t ]; then
		_wt=$2
		shift 2
	fi
	_wi=$((_wt * 10 * SLOW))
	until "$@" 2>/dev/null; do
		[ "$_wi" -le 0 ] && return 1
		sleep 0.1
		_wi=$((_wi - 1))
	done
}

# is_mounted DIR: DIR is a FUSE mount.
is_mounted() {
	grep -q " $1 fuse" /proc/mounts
}

# Wait (bounded, 10 s times SLOW) until DIR is (1) or is not (0) a FUSE mount.
wait_mount() {
	if [ "$2" = 1 ]; then wait_for is_mounted "$1"; else wait_for not is_mounted "$1"; fi
}

# not CMD...: CMD fails (a predicate for wait_for).
not() {
	! "$@"
}

# vfiofs_pids: the pids of running vfiofs processes (from /proc/*/comm, which
# never blocks, unlike pidof's reading of a stuck process's cmdline). Under
# valgrind the daemon's comm is the tool's ("memcheck-amd64-"): only the
# daemon runs under valgrind in the bed.
vfiofs_pids() {
	for _c in /proc/[0-9]*/comm; do
		case "$(cat "$_c" 2>/dev/null)" in
		vfiofs) ;;
		memcheck-amd64-) [ -n "$VFIOFS_WRAP" ] || continue ;;
		*) continue ;;
		esac
		_c=${_c#/proc/}
		echo "${_c%/comm}"
	done | tr '\n' ' '
}

# mounted_or_gone DIR PID: DIR is mounted, or its daemon PID has ended.
mounted_or_gone() {
	is_mounted "$1" || gone "$2"
}

# vfiofs_mount DIR [vfiofs options...]: mount an instance (it daemonizes),
# with $VFIOFS_OPTS after the options given;
# its pid is kept for vfiofs_umount. With VFIOFS_WRAP, the instance runs in
# the foreground under the wrapper, in the background of this shell (its
# output appended to /tmp/vfiofs-fg.log).
vfiofs_mount() {
	_dir=$1
	shift
	mkdir -p "$_dir"
	if [ -n "$VFIOFS_WRAP" ]; then
		# shellcheck disable=SC2086
		$VFIOFS_WRAP vfiofs -f "$@" $VFIOFS_OPTS "$_dir" </dev/null >>/tmp/vfiofs-fg.log 2>&1 &
		_pid=$!
		wait_for -t 30 mounted_or_gone "$_dir" "$_pid"
		if ! is_mounted "$_dir"; then
			if gone "$_pid"; then
				wait "$_pid"
				echo "vfiofs $* $VFIOFS_OPTS $_dir: exit $?" >&2
			else
				echo "vfiofs: $_dir is not mounted after $((30 * SLOW)) s" >&2
				kill -KILL "$_pid" 2>/dev/null
			fi
			return 1
		fi
		echo "$_pid" >"/tmp/vfiofs.pid.$(echo "$_dir" | tr / _)"
		return 0
	fi
	_before=$(vfiofs_pids)
	# shellcheck disable=SC2086
	timeout 30 vfiofs "$@" $VFIOFS_OPTS "$_dir" || { echo "vfiofs $* $VFIOFS_OPTS $_dir: exit $?" >&2; return 1; }
	wait_mount "$_dir" 1 || { echo "vfiofs: $_dir is not mounted" >&2; return 1; }
	_pid=""
	for _p in $(vfiofs_pids); do
		case " $_before " in *" $_p "*) ;; *) _pid=$_p ;; esac
	done
	echo "$_pid" >"/tmp/vfiofs.pid.$(echo "$_dir" | tr / _)"
	return 0
}

# vfiofs_umount DIR: unmount and wait (bounded, 20 s times SLOW) for the
# daemon to exit.
vfiofs_umount() {
	_pf="/tmp/vfiofs.pid.$(echo "$1" | tr / _)"
	_pid=$(cat "$_pf" 2>/dev/null)
	timeout 10 umount "$1" || { echo "umount $1 failed" >&2; return 1; }
	wait_mount "$1" 0 || return 1
	rm -f "$_pf"
	[ -n "$_pid" ] || return 0
	wait_for -t 20 gone "$_pid" ||
		{ echo "vfiofs $_pid still running $((20 * SLOW)) s after umount" >&2; return 1; }
}

# vfiofs_ensure DIR: DIR is a working default mount again (after a test that
# remounted it, or one that was killed).
vfiofs_ensure() {
	if grep -q " $1 fuse" /proc/mounts && timeout 5 ls "$1" >/dev/null 2>&1; then
		return 0
	fi
	if grep -q " $1 fuse" /proc/mounts; then
		umount -l "$1" 2>/dev/null || true
		wait_mount "$1" 0 || true
	fi
	for _p in $(vfiofs_pids); do kill -KILL "$_p" 2>/dev/null || true; done
	sleep 0.5
	vfiofs_mount "$1"
}

# The default mount must be there for a test to mean anything.
require_mount() {
	if ! grep -q " $M fuse" /proc/mounts; then
		fail "vfiofs is not mounted at $M"
		finish
	fi
}

# check_text "desc" FILE EXPECTED: FILE reads exactly EXPECTED plus a newline.
check_text() {
	_got=$(cat "$2" 2>"$LIB_TMP/err"; echo x)
	_want="$3
x"
	if [ "$_got" = "$_want" ]; then
		pass "$1"
	else
		fail "$1: expected '$3\\n', got '$(printf %s "${_got%x}" | od -An -c | tr -s ' ' | tr -d '\n')' $(head -c 200 "$LIB_TMP/err")"
	fi
}

# put VALUE FILE: write a text value the way a person does (echo VALUE > FILE).
put() {
	echo "$1" >"$2"
}

# sysfs_bar_size BDF N: the size of BAR N from sysfs's resource file.
sysfs_bar_size() {
	_l=$(sed -n "$(($2 + 1))p" "/sys/bus/pci/devices/$1/resource")
	set -- $_l
	if [ "$(($2))" -eq 0 ]; then echo 0; else echo $(($2 - $1 + 1)); fi
}

# cfg_sysfs BDF OFFSET WIDTH: a config register from sysfs (not through vfiofs),
# as "0x..." zero-padded to the width.
cfg_sysfs() {
	_v=$(rd "/sys/bus/pci/devices/$1/config" "$2" "$3")
	echo "0x$_v"
}

# is_num TEXT: TEXT is a decimal or 0x-hex number (safe for $((...))).
is_num() {
	case $1 in
	0x*) case ${1#0x} in "" | *[!0-9a-fA-F]*) return 1 ;; esac ;;
	"" | *[!0-9]*) return 1 ;;
	esac
	return 0
}

# bit_clear FILE MASK: (cat FILE) & MASK is 0; FILE reads a number.
bit_clear() {
	_v=$(cat "$1") || return 1
	is_num "$_v" || { echo "poll: '$_v' is not a number" >&2; return 1; }
	[ $((_v & $2)) -eq 0 ]
}

# poll_bit_clear FILE MASK: wait (bounded, 5 s times SLOW) until bit_clear.
poll_bit_clear() {
	wait_for -t 5 bit_clear "$@"
}

# path_is PATH 1|0: PATH exists (1) or not (0) in a directory that does (a
# dead mount has no paths, but is not where PATH is gone from).
path_is() {
	if [ -e "$1" ]; then [ "$2" = 1 ]; else [ "$2" = 0 ] && [ -d "$(dirname "$1")" ]; fi
}

# wait_path PATH 1|0: wait (bounded, 10 s times SLOW) until path_is.
wait_path() {
	wait_for path_is "$@"
}

# now_ms: /proc/uptime in milliseconds (10 ms resolution).
now_ms() {
	read -r _u _ </proc/uptime
	echo $((${_u%.*} * 1000 + 10 * $(echo "${_u#*.}" | sed 's/^0//')))
}
# drv BDF: the PCI device's driver, or "none".
drv() {
	_l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) || {
		echo none
		return 0
	}
	echo "${_l##*/}"
}
# enabled VECDIR: the vector has a host IRQ. gone PID: the process ended.
enabled() { [ "$(cat "$1/irq")" != - ]; }
gone() { ! kill -0 "$1" 2>/dev/null; }
