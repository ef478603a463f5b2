#!/bin/sh
# Lifecycle: umount, SIGTERM and SIGINT end the daemon cleanly (exit 0, all
# VFIO files closed so that another instance can take the devices at once).
. "$(dirname "$0")/lib.sh"
require_mount

check "unmount the default mount" vfiofs_umount "$M"
check_not "$M is no longer mounted" grep -q " $M fuse" /proc/mounts
check_eq "no vfiofs process left" "" "$(vfiofs_pids | tr -d ' ')"

# Foreground instances, so that their exit status can be seen.
for sig in TERM INT; do
	$VFIOFS_WRAP vfiofs -f "$M" 2>"$LIB_TMP/fg.err" &
	pid=$!
	if check "vfiofs -f is mounted" wait_mount "$M" 1; then
		check_text "it works" "$M/$EDU/regs/bar0/0x0" 0x010000ed
		exec 3<"$M/$EDU/bar0"
		kill -"$sig" "$pid"
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt $((100 * SLOW)) ]; do sleep 0.1; i=$((i + 1)); done
		if kill -0 "$pid" 2>/dev/null; then
			fail "vfiofs still running 10 s after SIG$sig"
			kill -KILL "$pid"
		fi
		wait "$pid"
		check_eq "SIG$sig: vfiofs -f exits 0 (with a file held open)" 0 $?
		exec 3<&-
		check "SIG$sig: the mount is gone" wait_mount "$M" 0
	else
		kill -KILL "$pid" 2>/dev/null
		sed 's/^/    | /' "$LIB_TMP/fg.err"
	fi
	grep -q " $M fuse" /proc/mounts && { umount -l "$M"; wait_mount "$M" 0; }
done

# umount of a foreground instance.
$VFIOFS_WRAP vfiofs -f "$M" 2>/dev/null &
pid=$!
if check "vfiofs -f mounted again" wait_mount "$M" 1; then
	check "umount" timeout 10 umount "$M"
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt $((100 * SLOW)) ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$pid" 2>/dev/null && { fail "vfiofs still running 10 s after umount"; kill -KILL "$pid"; }
	wait "$pid"
	check_eq "umount: vfiofs -f exits 0" 0 $?
fi

check "the default mount is back (the devices were all released)" vfiofs_mount "$M"
check_eq "5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

finish
