#!/bin/sh
# SPDX-License-Identifier: MIT
# mount(8) and /etc/fstab: busybox's mount runs /sbin/mount.vfiofs for the
# type vfiofs (FEATURE_MOUNT_HELPERS: the mount(2) of an unknown type fails
# with ENODEV, then "mount.vfiofs SOURCE DIR [-o OPTS]" is run through PATH),
# which passes device=BDF on in -o and starts the daemon; umount ends it.
# The type fuse.vfiofs (what /proc/mounts shows) runs /sbin/mount.fuse.vfiofs,
# a link to the same helper, by mount -t and from an fstab line. Two instances cannot own one VFIO group, so the default mount is taken
# down first and put back at the end.
# With VFIOFS_WRAP (valgrind, sanitized daemon) the daemon must run under the
# wrapper in the foreground: a `vfiofs` shim first in PATH (mount.vfiofs, as
# copied into the guest, finds vfiofs through PATH) starts it so, and waits
# for the mount, so the whole mount(8) path is still the one tested.
. "$(dirname "$0")/lib.sh"
require_mount

REAL=$(command -v vfiofs)
# The bed's mode options (VFIOFS_OPTS "-o noiommu", ...) as mount(8) options:
# MO for a mount of its own, MC to put before other options.
MO=${VFIOFS_OPTS#-o }
MC=${MO:+$MO,}
HELPER=/sbin/mount.vfiofs
FHELPER=/sbin/mount.fuse.vfiofs
cd / || exit 1

# devs: the device directories of the mount, sorted, space-separated.
devs() {
	ls "$M" 2>/dev/null | grep '^[0-9a-f]\{4\}:' | sort | tr '\n' ' ' | sed 's/ $//'
}
no_daemon() { [ -z "$(vfiofs_pids)" ]; }
# down DIR: umount(8) DIR, which must end the daemon: no vfiofs is left.
down() {
	timeout 10 umount "$1" || { echo "umount $1 failed" >&2; return 1; }
	wait_mount "$1" 0 || { echo "$1 still mounted" >&2; return 1; }
	wait_for no_daemon || { echo "vfiofs still running: $(vfiofs_pids)" >&2; return 1; }
}

# mounted_with DESC DEV CMD...: CMD (a check) mounts $M, with exactly DEV.
# Its status is CMD's: 0 when there may be a mount to take down.
mounted_with() {
	_d=$1 _dev=$2
	shift 2
	check "$_d" "$@" || return 1
	check "$_d: mounted" wait_mount "$M" 1
	check_eq "$_d: only $_dev" "$_dev" "$(devs)"
	return 0
}
# fstab_back: /etc/fstab as it was before this test's lines.
fstab_back() {
	if [ -n "$FSTAB_SAVED" ]; then
		cp "$LIB_TMP/fstab" /etc/fstab
	else
		rm -f /etc/fstab
	fi
}

check "$HELPER is installed and executable" test -x "$HELPER"
check "$FHELPER is installed and executable" test -x "$FHELPER"
check "unmount the default mount" vfiofs_umount "$M"
check "no vfiofs left" wait_for no_daemon

if [ -n "$VFIOFS_WRAP" ]; then
	mkdir -p "$LIB_TMP/bin"
	cat >"$LIB_TMP/bin/vfiofs" <<EOF
#!/bin/sh
# vfiofs as mount.vfiofs runs it, but under \$VFIOFS_WRAP in the foreground.
# The mount point: the last word that is not an option (mount.vfiofs puts
# it last; mount.fuse3 puts -o OPTS after it); after "--", any word.
skip=0 rest=0
for a; do
	if [ \$skip = 1 ]; then skip=0; continue; fi
	if [ \$rest = 1 ]; then mnt=\$a; continue; fi
	case \$a in --) rest=1 ;; -o) skip=1 ;; -*) ;; *) mnt=\$a ;; esac
done
case \$mnt in /*) ;; *) mnt=\$(pwd)/\$mnt ;; esac
\$VFIOFS_WRAP $REAL -f "\$@" </dev/null >>/tmp/vfiofs-fg.log 2>&1 &
pid=\$!
i=0
while ! grep -q " \$mnt fuse" /proc/mounts; do
	kill -0 \$pid 2>/dev/null || { wait \$pid; exit \$?; }
	[ \$i -ge \$((300 * $SLOW)) ] && { kill -KILL \$pid; exit 1; }
	sleep 0.1
	i=\$((i + 1))
done
EOF
	chmod 755 "$LIB_TMP/bin/vfiofs"
	OLDPATH=$PATH
	PATH=$LIB_TMP/bin:$PATH
	export PATH
	echo "note: VFIOFS_WRAP: the daemon runs under '${VFIOFS_WRAP%% *}' through a vfiofs shim in PATH"
fi

# 1. mount -t vfiofs: every device.
if check "mount -t vfiofs ${MO:+-o $MO }vfiofs $M" mount -t vfiofs ${MO:+-o "$MO"} vfiofs "$M"; then
	check "mount -t: mounted" wait_mount "$M" 1
	check "mount -t: type fuse.vfiofs in /proc/mounts" grep -q "^vfiofs $M fuse.vfiofs " /proc/mounts
	check_eq "mount -t: 5 devices" "$(echo "$ALL_DEVS" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')" "$(devs)"
	check_text "mount -t: edu ID through regs/" "$M/$EDU/regs/bar0/0x0" 0x010000ed
	check_eq "mount -t: edu ID through bar0" 010000ed "$(rd "$M/$EDU/bar0" 0 4)"
	check "umount ends the daemon" down "$M"
fi

# 2. -o device=BDF restricts, other options reach the daemon (nommap).
if check "mount -t vfiofs -o ${MC}device=$EDU,nommap" mount -t vfiofs -o "${MC}device=$EDU,nommap" vfiofs "$M"; then
	check_eq "device=: only edu" "$EDU" "$(devs)"
	check_eq "nommap reached the daemon: a 4-byte read is 1 fallback read" 1 \
		"$(delta "$EDU" bar0.fallback_reads rd "$M/$EDU/bar0" 0 4)"
	check "umount ends the daemon (device=)" down "$M"
fi

# 3. Options mount(8) and systemd add are not passed to the daemon (which
# would refuse them as unknown FUSE options).
if check "mount -t vfiofs -o ${MC}defaults,nofail,_netdev,x-systemd.automount,comment=x,device=$NVME" \
	mount -t vfiofs -o "${MC}defaults,nofail,_netdev,x-systemd.automount,comment=x,device=$NVME" vfiofs "$M"; then
	check_eq "fstab-only options dropped: only nvme" "$NVME" "$(devs)"
	check "umount ends the daemon (dropped options)" down "$M"
fi

# 4. A bad device: mount fails, nothing is mounted, no daemon is left.
check_not "mount -t vfiofs -o ${MC}device=bogus fails" mount -t vfiofs -o "${MC}device=bogus" vfiofs "$M"
check_not "device=bogus: nothing mounted" grep -q " $M fuse" /proc/mounts
check "device=bogus: no vfiofs left" wait_for no_daemon

# 5. /etc/fstab: mount DIR.
FSTAB_SAVED=""
if [ -f /etc/fstab ]; then
	cp /etc/fstab "$LIB_TMP/fstab"
	FSTAB_SAVED=1
fi
echo "vfiofs $M vfiofs ${MC}device=$EDU,device=$NVME,noauto 0 0" >>/etc/fstab
if check "an fstab line, then mount $M" mount "$M"; then
	check_eq "fstab: exactly edu and nvme" "$EDU $NVME" "$(devs)"
	check_text "fstab: edu works" "$M/$EDU/regs/bar0/0x0" 0x010000ed
	check_text "fstab: nvme's vendor" "$M/$NVME/vendor" 0x1b36
	check "umount $M ends the daemon (fstab)" down "$M"
fi
fstab_back
check_not "the fstab line is gone" grep -q "^vfiofs $M vfiofs" /etc/fstab

# 5b. The type fuse.vfiofs, as /proc/mounts shows it: mount -t, then fstab.
if mounted_with "mount -t fuse.vfiofs -o ${MC}device=$EDU vfiofs $M" "$EDU" \
	mount -t fuse.vfiofs -o "${MC}device=$EDU" vfiofs "$M"; then
	check "mount -t fuse.vfiofs: type fuse.vfiofs in /proc/mounts" \
		grep -q "^vfiofs $M fuse.vfiofs " /proc/mounts
	check "umount ends the daemon (fuse.vfiofs)" down "$M"
fi
if [ -f /etc/fstab ]; then cp /etc/fstab "$LIB_TMP/fstab"; fi
echo "vfiofs $M fuse.vfiofs ${MC}device=$NVME,noauto,nofail 0 0" >>/etc/fstab
if check "an fstab line of type fuse.vfiofs, then mount $M" mount "$M"; then
	check_eq "fstab fuse.vfiofs: only nvme" "$NVME" "$(devs)"
	check_text "fstab fuse.vfiofs: nvme's vendor" "$M/$NVME/vendor" 0x1b36
	check "umount $M ends the daemon (fstab fuse.vfiofs)" down "$M"
fi
fstab_back
check_not "the fuse.vfiofs fstab line is gone" grep -q "^vfiofs $M fuse.vfiofs" /etc/fstab

# 5c. libfuse's own helper called directly (as util-linux's mount runs it
# for an fstab line of type fuse and source vfiofs#vfiofs): mount.fuse3
# runs "vfiofs SOURCE DIR -o OPTS", and vfiofs ignores the source.
if [ -x /sbin/mount.fuse3 ]; then
	if mounted_with "mount.fuse3 vfiofs $M -t vfiofs -o ${MC}device=$EDU" "$EDU" \
		/sbin/mount.fuse3 vfiofs "$M" -t vfiofs -o "${MC}device=$EDU"; then
		check "umount ends the daemon (mount.fuse3 -t vfiofs)" down "$M"
	fi
	if mounted_with "mount.fuse3 'vfiofs#vfiofs' $M -o ${MC}device=$NVME" "$NVME" \
		/sbin/mount.fuse3 "vfiofs#vfiofs" "$M" -o "${MC}device=$NVME"; then
		check "umount ends the daemon (mount.fuse3 vfiofs#vfiofs)" down "$M"
	fi
else
	fail "/sbin/mount.fuse3 is not in the bed"
fi

# 6. The helper called directly, as util-linux's mount(8) calls it, with
# options busybox's mount would have kept to itself.
HOPTS="${MC}rw,defaults,noauto,nofail,_netdev,x-systemd.automount,comment=x,device=$EDU"
if check "$HELPER vfiofs $M -o $HOPTS -n -v" "$HELPER" vfiofs "$M" -o "$HOPTS" -n -v; then
	check_eq "helper: only edu" "$EDU" "$(devs)"
	check "umount ends the daemon (helper)" down "$M"
fi

# 7. F19: a mount point that starts with "-" is a mount point, not an
# option (the helper puts "--" before it), and an option word that starts
# with "-" is dropped, not passed on as a flag.
mkdir -p /tmp/-dash
if check "(cd /tmp; $HELPER -o ${MC}device=$EDU,-d -- vfiofs -dash)" \
	timeout 30 sh -c "cd /tmp && exec $HELPER -o ${MC}device=$EDU,-d -- vfiofs -dash"; then
	check "mounted on /tmp/-dash" grep -q " /tmp/-dash fuse" /proc/mounts
	check_eq "... with edu" "$EDU" "$(ls /tmp/-dash | grep '^[0-9a-f]\{4\}:')"
	check "umount ends the daemon (-dash)" down /tmp/-dash
fi

# The default mount back, as test_options.sh does (vfiofs_mount runs
# `$VFIOFS_WRAP vfiofs` itself: not the shim).
[ -z "$VFIOFS_WRAP" ] || PATH=$OLDPATH
check "the default mount is back" vfiofs_mount "$M"
check_eq "default mount: 5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

finish
