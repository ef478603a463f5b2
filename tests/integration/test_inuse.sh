#!/bin/sh
# SPDX-License-Identifier: MIT
# vfio-bind never takes what the host is using (F13), unless --force: the
# bed's nvme with the guest's own nvme driver and a real namespace, used as
# swap, as a mounted filesystem and held open by a process; the e1000e with
# the guest's e1000e driver, up with an address. A command naming several
# devices changes none of them when one is refused (all or nothing, F12).
# vfio-bind --status says who has what. The host drivers are modules the
# test loads (build/kernels/KVER/modules.extra); the project's own kernel
# has none, and the test says so and stops.
. "$(dirname "$0")/lib.sh"
require_mount

MODDIR=/lib/modules/vfiofs
S=/sys/bus/pci/devices
MNT=/tmp/inuse.mnt
if ! grep -qx 'nvme.ko' "$MODDIR/modules.extra" 2>/dev/null; then
	skip "this kernel has no nvme module for the bed (modules.extra)"
	finish
fi
for m in $(cat "$MODDIR/modules.extra"); do
	out=$(insmod "$MODDIR/$m" 2>&1) || case $out in
	*"File exists"*) ;;
	*) fail "insmod $m: $out" ;;
	esac
done

# vb ARGS...: vfio-bind, output in $LIB_TMP/vb.out and vb.err; sets VB_RC.
vb() {
	timeout 60 vfio-bind "$@" >"$LIB_TMP/vb.out" 2>"$LIB_TMP/vb.err"
	VB_RC=$?
	sed 's/^/    | /' "$LIB_TMP/vb.err"
}
# said TEXT...: vfio-bind's stderr holds every TEXT (fixed, any case).
said() {
	for _t in "$@"; do grep -qiF -- "$_t" "$LIB_TMP/vb.err" || return 1; done
}
# untouched BDF DRIVER: the refusal changed nothing on BDF.
untouched() {
	check_eq "$1 is still on $2" "$2" "$(drv "$1")"
	check_eq "$1's driver_override is untouched" "(null)" "$(cat "$S/$1/driver_override")"
	check_not "$1: no record in /run/vfio-bind" test -e "/run/vfio-bind/$1"
}
# status BDF: the --status line of BDF.
status() { vfio-bind --status 2>/dev/null | grep "^$1 "; }

# ---- nvme: the guest's nvme driver and its namespace
check "vfio-bind --restore $NVME" vfio-bind --restore "$NVME"
check_eq "$NVME is on the guest's nvme driver" nvme "$(drv "$NVME")"
check "its namespace /dev/nvme0n1 is there" wait_for test -b /dev/nvme0n1
check "it leaves the mount" wait_path "$M/$NVME" 0
check_eq "nothing uses it yet: --status says bindable" \
	"driver=nvme bindable=yes" \
	"$(status "$NVME" | tr ' ' '\n' | grep '^driver=\|^bindable=' | tr '\n' ' ' | sed 's/ $//')"

# Swap.
check "mkswap /dev/nvme0n1" mkswap /dev/nvme0n1
check "swapon /dev/nvme0n1" swapon /dev/nvme0n1
vb "$NVME"
check_eq "vfio-bind refuses an nvme with swap on it" 1 "$VB_RC"
check "and says it is swap" said nvme0n1 swap
check "and how to go on" said --force
untouched "$NVME" nvme
check "--status: not bindable, swap" sh -c "vfio-bind --status | grep '^$NVME ' | grep -q 'bindable=no.*swap'"
status "$NVME" | sed 's/^/    | /'
check "swapoff" swapoff /dev/nvme0n1

# A mounted filesystem.
check "mkdosfs /dev/nvme0n1" sh -c "mkdosfs /dev/nvme0n1 >/dev/null"
mkdir -p "$MNT"
check "mount it on $MNT" mount -t msdos /dev/nvme0n1 "$MNT"
echo data >"$MNT/file"
vb "$NVME"
check_eq "vfio-bind refuses an nvme with a mounted filesystem" 1 "$VB_RC"
check "and says where it is mounted" said nvme0n1 mounted "$MNT"
untouched "$NVME" nvme

# All or nothing: with a free device named first, nothing changes either.
check "vfio-bind --restore $TESTDEV" vfio-bind --restore "$TESTDEV"
vb "$TESTDEV" "$NVME"
check_eq "vfio-bind $TESTDEV $NVME is refused" 1 "$VB_RC"
check_eq "$TESTDEV is left as it was (no driver)" none "$(drv "$TESTDEV")"
check_eq "$TESTDEV's driver_override is untouched" "(null)" "$(cat "$S/$TESTDEV/driver_override")"
untouched "$NVME" nvme
check "umount $MNT" umount "$MNT"

# Held open by a process (a backup, dd, a partitioning tool).
sleep 30 </dev/nvme0n1 &
holder=$!
sleep 0.2
vb "$NVME"
check_eq "vfio-bind refuses an nvme a process holds open" 1 "$VB_RC"
check "and names the process" said "$holder" sleep
untouched "$NVME" nvme
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# Free again: bound, with the previous driver recorded; the mount takes it.
vb "$TESTDEV" "$NVME"
check_eq "vfio-bind $TESTDEV $NVME, both free, binds" 0 "$VB_RC"
check_eq "$NVME is on vfio-pci" vfio-pci "$(drv "$NVME")"
check_eq "the previous driver is recorded" nvme "$(cat "/run/vfio-bind/$NVME" 2>&1)"
check "the mount takes $NVME again" wait_path "$M/$NVME/vendor" 1
check "and $TESTDEV" wait_path "$M/$TESTDEV/vendor" 1
check "--status: $NVME on vfio-pci, held by the mount" sh -c \
	"vfio-bind --status | grep '^$NVME ' | grep 'driver=vfio-pci' | grep -q 'vfiofs:$M'"
status "$NVME" | sed 's/^/    | /'

# ---- e1000e: an interface up with an address
check "vfio-bind --restore $E1000E" vfio-bind --restore "$E1000E"
check_eq "$E1000E is on the guest's e1000e driver" e1000e "$(drv "$E1000E")"
ifc=$(ls "$S/$E1000E/net" 2>/dev/null | head -n1)
check "it has a network interface ($ifc)" test -n "$ifc"
check "ip link set $ifc up" ip link set "$ifc" up
check "ip addr add 10.9.8.7/24 dev $ifc" ip addr add 10.9.8.7/24 dev "$ifc"
vb "$E1000E"
check_eq "vfio-bind refuses a NIC that is up with an address" 1 "$VB_RC"
check "and names the interface and address" said "$ifc" 10.9.8.7
untouched "$E1000E" e1000e
check "--status: not bindable, $ifc" sh -c "vfio-bind --status | grep '^$E1000E ' | grep -q 'bindable=no.*$ifc'"
status "$E1000E" | sed 's/^/    | /'
vb --force "$E1000E"
check_eq "vfio-bind --force takes it anyway" 0 "$VB_RC"
check "and says what the host loses" said "$ifc"
check_eq "$E1000E is on vfio-pci" vfio-pci "$(drv "$E1000E")"
check "the mount takes it again" wait_path "$M/$E1000E/vendor" 1

# ---- --persist and --boot (what vfio-bind.service runs at boot; the udev
# rule needs udev, which the bed has not: tests/host covers its text)
check "vfio-bind --persist $E1000E" vfio-bind --persist "$E1000E"
check "its record /etc/vfio-bind.d/$E1000E" test -e "/etc/vfio-bind.d/$E1000E"
check "vfio-bind --restore $E1000E" vfio-bind --restore "$E1000E"
check_eq "$E1000E is on e1000e again" e1000e "$(drv "$E1000E")"
ifc=$(ls "$S/$E1000E/net" 2>/dev/null | head -n1)
ip link set "$ifc" up
ip addr add 10.9.8.7/24 dev "$ifc"
vb --boot
check_eq "vfio-bind --boot leaves a persisted device the host uses (exit 1)" 1 "$VB_RC"
check "and says why" said "$ifc" 10.9.8.7
check_eq "$E1000E is still on e1000e" e1000e "$(drv "$E1000E")"
ip addr flush dev "$ifc"
ip link set "$ifc" down
vb --boot
check_eq "vfio-bind --boot takes it once free" 0 "$VB_RC"
check_eq "$E1000E is on vfio-pci" vfio-pci "$(drv "$E1000E")"
check "the mount takes it" wait_path "$M/$E1000E/vendor" 1
check "vfio-bind --unpersist $E1000E" vfio-bind --unpersist "$E1000E"
check_not "the record is gone" test -e "/etc/vfio-bind.d/$E1000E"
check_eq "and $E1000E is given back" e1000e "$(drv "$E1000E")"
check "vfio-bind $E1000E (back as the bed had it)" vfio-bind "$E1000E"
check "the mount takes it" wait_path "$M/$E1000E/vendor" 1

# ---- --status: one line per endpoint, sorted, bridges left out
vfio-bind --status >"$LIB_TMP/status" 2>&1
check_eq "--status exits 0" 0 $?
sed 's/^/    | /' "$LIB_TMP/status"
cut -d' ' -f1 "$LIB_TMP/status" >"$LIB_TMP/addrs"
check "at least the bed's 5 endpoints and the serial port" \
	test "$(wc -l <"$LIB_TMP/addrs")" -ge 6
check "sorted by address" sort -c "$LIB_TMP/addrs"
check "the edu line: on vfio-pci, held by the mount" sh -c \
	"grep '^$EDU ' '$LIB_TMP/status' | grep 'driver=vfio-pci' | grep -q 'vfiofs:$M'"
check_not "no bridge (the root port 00:06.0)" grep -q '^0000:00:06.0 ' "$LIB_TMP/status"
check "the serial port 08.0 is on its host driver" sh -c \
	"grep '^0000:00:08.0 ' '$LIB_TMP/status' | grep -q 'driver=serial'"
finish
