#!/bin/sh
# SPDX-License-Identifier: MIT
# -o dma_limit=SIZE (F15): the cap on all DMA buffers of a mount, bad values
# refused with a message naming the option, and a mount delegated to another
# user (root daemon, -o uid=1000) never above that user's memlock limit as
# pam_limits would set it (limits.conf in VFIOFS_LIMITS_CONF_DIR here, so
# the guest's /etc stays as it is). Buffers are one page each, so the test
# is the same in every mode (no-IOMMU buffers up to a page are one page).
. "$(dirname "$0")/lib.sh"
require_mount

PG=4096
L=$LIB_TMP/lim
BAD=/tmp/dlbad
mkdir -p "$L" "$BAD"
# logs: the daemon's lines from the last mount (stderr until it detaches;
# a wrapped daemon's are appended to /tmp/vfiofs-fg.log: the new ones).
FG_AT=0
logs() {
	cat "$LIB_TMP/mount.log"
	tail -n +$((FG_AT + 1)) /tmp/vfiofs-fg.log 2>/dev/null
}
mount_dl() {
	FG_AT=$( (wc -l </tmp/vfiofs-fg.log) 2>/dev/null || echo 0)
	vfiofs_mount "$M" "--device=$EDU" "$@" >"$LIB_TMP/mount.log" 2>&1
	_rc=$?
	sed 's/^/    | /' "$LIB_TMP/mount.log"
	return $_rc
}
# fill N: make N one-page buffers b1..bN.
fill() {
	_i=1
	while [ "$_i" -le "$1" ]; do
		mkdir "$M/dma/b$_i" && put $PG "$M/dma/b$_i/size" || return 1
		_i=$((_i + 1))
	done
}
empty() {
	for _b in "$M"/dma/*; do
		[ -d "$_b" ] && rmdir "$_b"
	done
	return 0
}

check "unmount the default mount" vfiofs_umount "$M"

# Bad values: the mount is refused and the message names the option.
for v in 0 -1 abc 1.5G 1GB 4P 12k3 99999999999T 18446744073709551616; do
	timeout 10 vfiofs -f -o "dma_limit=$v" "$BAD" >"$LIB_TMP/bad" 2>&1
	check_ne "dma_limit=$v is refused (exit status)" 0 "$?"
	check "... the message names dma_limit=$v" grep -q "dma_limit=$v" "$LIB_TMP/bad"
done
check_not "nothing was mounted" grep -q " $BAD fuse" /proc/mounts

# An explicit limit: two pages, the third ENOMEM.
check "mount with -o dma_limit=8K" mount_dl -o dma_limit=8K
logs >"$LIB_TMP/l1"
check "... 'DMA memory limit: 8 KiB'" grep -q "DMA memory limit: 8 KiB" "$LIB_TMP/l1"
check "two one-page buffers fit" fill 2
check "mkdir a third" mkdir "$M/dma/b3"
check_errno "a third page is over the limit" ENOMEM put $PG "$M/dma/b3/size"
check "rmdir one" rmdir "$M/dma/b1"
check "then the third fits" put $PG "$M/dma/b3/size"
check "free them" empty
check "unmount" vfiofs_umount "$M"

check "mount with -o dma_limit=3KiB" mount_dl -o dma_limit=3KiB
check "mkdir dma/x" mkdir "$M/dma/x"
check_errno "a page is more than 3 KiB" ENOMEM put $PG "$M/dma/x/size"
check "free it" empty
check "unmount" vfiofs_umount "$M"

# Delegated to uid 1000: its memlock limit from limits.conf caps it.
export VFIOFS_LIMITS_CONF_DIR="$L"
D="allow_other,uid=1000,gid=1000${UNSAFE:+,$UNSAFE}"
printf '* hard memlock 64\n@tester hard memlock 8\n' >"$L/limits.conf"
check "uid=1000 with dma_limit=1M, @tester at 8 KiB" mount_dl -o "$D,dma_limit=1M"
logs >"$LIB_TMP/l2"
check "it warns, naming both values" \
	grep -q "dma_limit=1 MiB is above the memlock limit of uid 1000 (8 KiB" "$LIB_TMP/l2"
check "the limit is 8 KiB" grep -q "DMA memory limit: 8 KiB" "$LIB_TMP/l2"
check "two pages fit" fill 2
check "mkdir a third" mkdir "$M/dma/b3"
check_errno "a third is over the user's memlock" ENOMEM put $PG "$M/dma/b3/size"
check "free them" empty
check "unmount" vfiofs_umount "$M"

# The user's own entry beats @group and *; limits.d comes after.
mkdir -p "$L/limits.d"
printf 'tester hard memlock 4\n' >"$L/limits.d/50-tester.conf"
check "uid=1000, no dma_limit: tester's own 4 KiB" mount_dl -o "$D"
logs >"$LIB_TMP/l3"
check "the limit is 4 KiB" grep -q "DMA memory limit: 4 KiB" "$LIB_TMP/l3"
check "one page fits" fill 1
check "mkdir a second" mkdir "$M/dma/b2"
check_errno "a second is over" ENOMEM put $PG "$M/dma/b2/size"
check "free them" empty
check "unmount" vfiofs_umount "$M"

# No entry for the user: the kernel's 8 MiB.
rm -f "$L/limits.d/50-tester.conf"
: >"$L/limits.conf"
check "uid=1000, no entry" mount_dl -o "$D"
logs >"$LIB_TMP/l4"
check "the limit is 8 MiB" grep -q "DMA memory limit: 8 MiB" "$LIB_TMP/l4"
check "unmount" vfiofs_umount "$M"
unset VFIOFS_LIMITS_CONF_DIR

check "root's mount, default again" vfiofs_mount "$M"
check_eq "5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"
rmdir "$BAD" 2>/dev/null

finish
