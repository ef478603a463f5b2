#!/bin/sh
# SPDX-License-Identifier: MIT
# Permissions. By default only the mounting user (root here) gets in. With
# -o allow_other,default_permissions the files' modes apply: device and
# control files are the owner's alone, identity and counter files readable
# by all. uid=/gid= hand the files to a user, umask= masks the modes, and
# allow_other alone gets default_permissions added (vfiofs checks no
# permissions itself). User 1000 is "tester" in the guest; 1001 is nobody.
. "$(dirname "$0")/lib.sh"
require_mount

U="irqtool runas 1000 1000"
O="irqtool runas 1001 1001"
e=$M/$EDU

mode() { stat -c %a "$1"; }
# as_user RUNAS FILE: edu's ID register read by that user, as hex.
as_user_rd() {
	$1 dd if="$2" bs=4 count=1 status=none | od -An -tx4 | tr -d ' \n'
}

# Modes on the default mount (owner root, umask 022).
check_eq "owner is the mounter" 0:0 "$(stat -c %u:%g "$e/bar0")"
for f in bar0:600 config:600 regs/bar0/0x0:600 regs/config/0x0:600 \
	vendor:444 device:444 class:444 regions:444 counters:444 group:444 \
	reset_method:644 irq/mode:644 irq/0/events:400 irq/0/count:444 \
	irq/0/irq:444 irq/0/cpu:644 irq/0/trigger:200; do
	check_eq "mode of ${f%%:*}" "${f#*:}" "$(mode "$e/${f%%:*}")"
done
check_eq "mode of nvme's reset" 200 "$(mode "$M/$NVME/reset")"
check_eq "mode of dma/" 755 "$(mode "$M/dma")"
check_eq "mode of a device directory" 555 "$(mode "$e")"

# The default mount: user 1000 is kept out entirely (FUSE without allow_other).
check_errno "default: user 1000 cannot read edu's bar0" EACCES $U dd if="$e/bar0" bs=4 count=1 status=none
check_errno "default: user 1000 cannot read vendor either" EACCES $U cat "$e/vendor"
check_errno "default: user 1000 cannot list the mount" EACCES $U ls "$M"

check "unmount the default mount" vfiofs_umount "$M"

# allow_other,default_permissions: the modes apply.
if check "mount -o allow_other,default_permissions" vfiofs_mount "$M" -o allow_other,default_permissions${UNSAFE:+,$UNSAFE}; then
	check_eq "others: user 1000 reads vendor (as user)" 0x1234 "$($U cat "$e/vendor")"
	check "others: user 1000 lists a device" $U ls "$e"
	check_errno "others: user 1000 cannot read bar0" EACCES $U dd if="$e/bar0" bs=4 count=1 status=none
	check_errno "others: nor config" EACCES $U dd if="$e/config" bs=4 count=1 status=none
	check_errno "others: nor a register" EACCES $U cat "$e/regs/bar0/0x0"
	check_errno "others: nor wait for interrupts" EACCES $U cat "$e/irq/0/events"
	check_errno "others: nor reset nvme" EACCES $U sh -c "echo 1 > '$M/$NVME/reset'"
	check_errno "others: nor pin an interrupt" EACCES $U sh -c "echo 0 > '$e/irq/0/cpu'"
	check_errno "others: nor make a DMA buffer" EACCES $U mkdir "$M/dma/u"
	check_eq "others: root still reads bar0" 010000ed "$(rd "$e/bar0" 0 4)"
	check "unmount it" vfiofs_umount "$M"
fi

# allow_other alone: vfiofs adds default_permissions.
if check "mount -o allow_other" vfiofs_mount "$M" -o allow_other${UNSAFE:+,$UNSAFE}; then
	check "allow_other: default_permissions is in force" sh -c "grep ' $M fuse' /proc/mounts | grep -q default_permissions"
	check_errno "allow_other: user 1000 still cannot read bar0" EACCES $U dd if="$e/bar0" bs=4 count=1 status=none
	check "unmount it" vfiofs_umount "$M"
fi

# uid=1000,gid=1000: the files are the user's.
if check "mount -o allow_other,default_permissions,uid=1000,gid=1000" \
	vfiofs_mount "$M" -o allow_other,default_permissions,uid=1000,gid=1000${UNSAFE:+,$UNSAFE}; then
	check_eq "uid=: the files belong to 1000:1000" 1000:1000 "$(stat -c %u:%g "$e/bar0")"
	check_eq "uid=: user 1000 reads edu's ID from bar0" 010000ed "$(as_user_rd "$U" "$e/bar0")"
	check "uid=: user 1000 writes a register" $U sh -c "echo 0x11223344 > '$e/regs/bar0/0x4'"
	check_text "uid=: ... and edu inverted it" "$e/regs/bar0/0x4" 0xeeddccbb
	check "uid=: user 1000 makes a DMA buffer" $U mkdir "$M/dma/u"
	check "uid=: ... sizes it" $U sh -c "echo 4096 > '$M/dma/u/size'"
	check_eq "uid=: ... and reads it" 4096 "$($U cat "$M/dma/u/data" | wc -c | tr -d ' ')"
	check "uid=: ... and removes it" $U rmdir "$M/dma/u"
	check_errno "uid=: user 1001 cannot read bar0" EACCES $O dd if="$e/bar0" bs=4 count=1 status=none
	check_eq "uid=: user 1001 reads vendor" 0x1234 "$($O cat "$e/vendor")"
	check "unmount it" vfiofs_umount "$M"
fi

# umask=077: nothing for the others at all.
if check "mount -o allow_other,default_permissions,uid=1000,gid=1000,umask=077" \
	vfiofs_mount "$M" -o allow_other,default_permissions,uid=1000,gid=1000,umask=077${UNSAFE:+,$UNSAFE}; then
	check_eq "umask=077: vendor is 400" 400 "$(mode "$e/vendor")"
	check_eq "umask=077: a directory is 500" 500 "$(mode "$e")"
	check_eq "umask=077: user 1000 reads vendor" 0x1234 "$($U cat "$e/vendor")"
	check_errno "umask=077: user 1001 cannot enter a device directory" EACCES $O cat "$e/vendor"
	check "unmount it" vfiofs_umount "$M"
fi

# uid= without allow_other: FUSE still lets only the mounter in; said so.
vfiofs_mount "$M" -o uid=1000${UNSAFE:+,$UNSAFE} 2>"$LIB_TMP/warn"
check_eq "mount -o uid=1000" 0 $?
if grep -q " $M fuse" /proc/mounts; then
	check_errno "uid= alone: user 1000 is still kept out" EACCES $U cat "$e/vendor"
	# Foreground (VFIOFS_WRAP): the daemon's stderr is in vfiofs-fg.log.
	check "uid= alone: a warning says allow_other is needed" \
		grep -q "uid=/gid= without allow_other" "$LIB_TMP/warn" /tmp/vfiofs-fg.log
	check "unmount it" vfiofs_umount "$M"
fi
check_not "umask=8 is refused" vfiofs_mount /tmp/badmask -o umask=8
check_not "uid=abc is refused" vfiofs_mount /tmp/baduid -o uid=abc

check "the default mount is back" vfiofs_mount "$M"
check_eq "5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

finish
