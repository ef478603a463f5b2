#!/bin/sh
# SPDX-License-Identifier: MIT
# Lifecycle: umount, SIGTERM and SIGINT end the daemon cleanly within a
# second, with a read parked on an interrupt: the read is answered, the mount
# is gone, the exit status is 0 and all VFIO files are closed (another
# instance takes the devices at once). A lazy umount with a read parked ends
# it too. After kill -9 the parked read fails instead of hanging and, once
# the dead mount is unmounted, a new mount works. Without VFIO the daemon
# says how to load it. Logging: syslog when daemonized, more with -d.
. "$(dirname "$0")/lib.sh"
require_mount

LIMIT=$((1000 * SLOW * SLOW)) # "within a second"; 9 s under valgrind (x20-50 slower)

# wait_exit PID: wait (bounded, 10 s x SLOW) for PID to end; its exit status
# in RC, or RC=running (then it is killed).
wait_exit() {
	if ! wait_for gone "$1"; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		RC=running
		return 1
	fi
	wait "$1"
	RC=$?
}

# fg_start: a foreground instance at $M (its exit status can be seen); PID.
fg_start() {
	# shellcheck disable=SC2086
	$VFIOFS_WRAP vfiofs -f "$@" $VFIOFS_OPTS "$M" </dev/null >>/tmp/vfiofs-fg.log 2>&1 &
	PID=$!
	wait_mount "$M" 1
}

# park: a reader blocked on edu's vector 0 (it has nothing pending); READER.
park() {
	irqtool read "$M/$EDU/irq/0/events" >"$LIB_TMP/reader" 2>&1 &
	READER=$!
	wait_for enabled "$M/$EDU/irq/0" && sleep 0.3 && kill -0 "$READER"
}

# leftover cleanup after a failed step.
cleanup() {
	kill -KILL "$READER" 2>/dev/null
	if grep -q " $M fuse" /proc/mounts; then umount -l "$M"; wait_mount "$M" 0; fi
}

check "unmount the default mount" vfiofs_umount "$M"
check_not "$M is no longer mounted" grep -q " $M fuse" /proc/mounts
check_eq "no vfiofs process left" "" "$(vfiofs_pids | tr -d ' ')"

# SIGTERM and SIGINT with a read parked.
for sig in TERM INT; do
	if ! check "SIG$sig: vfiofs -f is mounted" fg_start; then
		kill -KILL "$PID" 2>/dev/null
		continue
	fi
	check_text "SIG$sig: it works" "$M/$EDU/regs/bar0/0x0" 0x010000ed
	exec 3<"$M/$EDU/bar0"
	if check "SIG$sig: a read is parked on irq/0/events" park; then
		t0=$(now_ms)
		kill -"$sig" "$PID"
		wait_exit "$PID"
		t1=$(now_ms)
		check_eq "SIG$sig: vfiofs -f exits 0 (a read parked, a file open)" 0 "$RC"
		check "SIG$sig: it exits within a second ($((t1 - t0)) ms)" test $((t1 - t0)) -le "$LIMIT"
		check "SIG$sig: the parked read is answered" wait_for gone "$READER"
		wait "$READER" 2>/dev/null
		check_eq "SIG$sig: ... with ENODEV" "ERR ENODEV" "$(cat "$LIB_TMP/reader")"
		check "SIG$sig: the mount is gone" wait_mount "$M" 0
	fi
	exec 3<&-
	cleanup
done

# umount: refused by the kernel while a file is open (busy), then a lazy
# umount with a read parked ends the daemon.
if check "umount: vfiofs -f mounted again" fg_start; then
	if check "umount: a read is parked" park; then
		check_not "umount with a file open is refused (busy)" timeout 10 umount "$M"
		check "umount: the daemon still serves" test "$(cat "$M/$EDU/vendor")" = 0x1234
		t0=$(now_ms)
		check "umount -l with a read parked" timeout 10 umount -l "$M"
		wait_exit "$PID"
		t1=$(now_ms)
		check_eq "umount -l: vfiofs -f exits 0" 0 "$RC"
		check "umount -l: it exits within a second ($((t1 - t0)) ms)" test $((t1 - t0)) -le "$LIMIT"
		check "umount -l: the parked read is answered" wait_for gone "$READER"
		wait "$READER" 2>/dev/null
		check_eq "umount -l: ... with ENODEV" "ERR ENODEV" "$(cat "$LIB_TMP/reader")"
	fi
	cleanup
fi
if check "umount: vfiofs -f mounted again" fg_start; then
	t0=$(now_ms)
	check "umount (nothing open)" timeout 10 umount "$M"
	wait_exit "$PID"
	t1=$(now_ms)
	check_eq "umount: vfiofs -f exits 0" 0 "$RC"
	check "umount: it exits within a second ($((t1 - t0)) ms)" test $((t1 - t0)) -le "$LIMIT"
	cleanup
fi

# kill -9: the kernel aborts the connection; nothing hangs.
if check "kill -9: vfiofs -f mounted" fg_start; then
	if check "kill -9: a read is parked" park; then
		t0=$(now_ms)
		kill -KILL "$PID"
		wait "$PID" 2>/dev/null
		check "kill -9: the parked read returns" wait_for gone "$READER"
		t1=$(now_ms)
		wait "$READER" 2>/dev/null
		r=$(cat "$LIB_TMP/reader")
		case $r in
		"ERR ECONNABORTED" | "ERR ENOTCONN") pass "kill -9: ... with an error ($r, $((t1 - t0)) ms)" ;;
		*) fail "kill -9: the parked read gave '$r'" ;;
		esac
		check_errno "kill -9: the dead mount answers ENOTCONN" ENOTCONN ls "$M"
		check "kill -9: fusermount3 -u takes the dead mount away" timeout 10 fusermount3 -u "$M"
		check "kill -9: $M is not mounted" wait_mount "$M" 0
		# Valgrind was killed too: its log has no summary, by design here.
		[ -n "$VFIOFS_WRAP" ] && rm -f "/tmp/vg/vg.$PID"
		if check "kill -9: a new mount works (VFIO let go of the devices)" fg_start; then
			check_eq "kill -9: 5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"
			check_text "kill -9: edu works" "$M/$EDU/regs/bar0/0x0" 0x010000ed
			kill -TERM "$PID"
			wait_exit "$PID"
			check_eq "kill -9: and it ends with exit 0" 0 "$RC"
		fi
	fi
	cleanup
fi

# No VFIO: /dev/vfio hidden in a private mount namespace. The container's
# way in: where vfiofs would pick iommufd, VFIO here is built in and lists
# its device files in /proc/devices, so hiding /dev/vfio cannot make it look
# unloaded; that mode then mounts to wait for devices to be bound. Bounded.
mkdir -p /tmp/novfio
nv_opts=$VFIOFS_OPTS
[ "$(vfio_mode)" = iommufd ] && nv_opts="-o type1"
unshare -m sh -c "mount -t tmpfs none /dev/vfio &&
	timeout $((30 * SLOW)) $VFIOFS_WRAP vfiofs -f $nv_opts /tmp/novfio" \
	>"$LIB_TMP/novfio" 2>&1
rc=$?
sed 's/^/    | /' "$LIB_TMP/novfio"
check_ne "no /dev/vfio/vfio: a non-zero exit" 0 "$rc"
check "no /dev/vfio/vfio: the message says how to load VFIO" grep -q "modprobe vfio-pci" "$LIB_TMP/novfio"
check_not "no /dev/vfio/vfio: nothing mounted" grep -q " /tmp/novfio fuse" /proc/mounts

# -d: debug lines (FUSE's requests and vfiofs's own) on stderr.
# shellcheck disable=SC2086
$VFIOFS_WRAP vfiofs -d "--device=$EDU" $VFIOFS_OPTS "$M" </dev/null >"$LIB_TMP/debug" 2>&1 &
PID=$!
if check "-d: mounted (in the foreground)" wait_mount "$M" 1; then
	cat "$M/$EDU/vendor" >/dev/null
	kill -TERM "$PID"
	wait_exit "$PID"
	check_eq "-d: exits 0" 0 "$RC"
	check "-d: FUSE's requests are shown" grep -q "unique:" "$LIB_TMP/debug"
	check "-d: vfiofs's debug lines are shown" grep -q "^vfiofs: mount $M is device" "$LIB_TMP/debug"
fi
cleanup

# Daemonized, the log goes to syslog (busybox syslogd writes a file).
if [ -z "$VFIOFS_WRAP" ]; then
	syslogd -n -O "$LIB_TMP/messages" &
	slog=$!
	sleep 0.3
	if check "daemonized: mounted" vfiofs_mount "$M"; then
		check "daemonized: unmounted" vfiofs_umount "$M"
		check "daemonized: the log line reaches syslog" wait_for grep -q "vfiofs\[[0-9]*\]: unmounted" "$LIB_TMP/messages"
	fi
	kill "$slog" 2>/dev/null
	wait "$slog" 2>/dev/null
fi

check "the default mount is back (the devices were all released)" vfiofs_mount "$M"
check_eq "5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

finish
