#!/bin/sh
# SPDX-License-Identifier: MIT
# The policy written twice, in C for vfiofs (core/sysfs.c) and in sh for
# vfio-bind (mount-helpers/vfio-bind), held to one table of answers, so that
# neither copy can change alone:
# - a PCI address as a user types it: sysfs_bdf_canonical (and sysfs_is_bdf)
#   against vfio-bind's norm, seen in its "no PCI device BDF" message;
# - which drivers are VFIO drivers: sysfs_is_vfio_driver and the devices
#   vfiofs adopts (sysfs_vfio_devices) against vfio-bind's is_vfio, seen in
#   --status (held= for a device on one);
# - which drivers leave an IOMMU group viable: sysfs_group_culprits against
#   vfio-bind's leaves_viable, seen in --status (bindable=with:MEMBER when
#   the member's driver does not).
# The C side is tests/host/policy.c, built here against core/.
set -u
cd "$(dirname "$0")/../.." || exit 1
VB=$(pwd)/mount-helpers/vfio-bind

# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh

POLICY=$T/policy
# shellcheck disable=SC2086 # CFLAGS is a list of flags
if ! ${CC:-cc} -std=gnu11 -D_GNU_SOURCE -I. -Wall -Wextra -Werror ${CFLAGS:-} \
	-o "$POLICY" tests/host/policy.c core/sysfs.c core/sys.c >"$T/cc" 2>&1; then
	fail "tests/host/policy.c does not build: $(head -c 600 "$T/cc")"
	finish
fi
pass "tests/host/policy.c built against core/sysfs.c"

# ---- addresses: INPUT, C's answer, vfio-bind's ("-": not an address;
# "=": the same as C's).
# A device number has five bits: above 1f is no address on either side.
ADDRS='
0000:00:1f.7 0000:00:1f.7 =
00:1F.7 0000:00:1f.7 =
0000:3A:1f.7 0000:3a:1f.7 =
ABCD:EF:01.2 abcd:ef:01.2 =
10000:e1:00.0 10000:e1:00.0 =
00010000:E1:00.0 10000:e1:00.0 =
00000000:00:00.0 0000:00:00.0 =
ffffffff:ff:1f.7 ffffffff:ff:1f.7 =
000010000:e1:00.0 - =
100000000:00:00.0 - =
0000:00:00:00.0 - =
:00:00.0 - =
000:00:00.0 - =
1:00:00.0 - =
0x00:00:00.0 - =
g000:00:00.0 - =
0000:0g:08.0 - =
0000:00:8.0 - =
0000:00:08 - =
00:00.8 - =
0000:00:00.0x - =
0000:00:00.00 - =
0000_00:00.0 - =
0000:00-00.0 - =
0000:00:00,0 - =
../08.0 - =
xyz:00:08.0 - =
00:20.0 - =
0000:00:99.0 - =
00:ff.7 - =
'
# sh_norm ARG: vfio-bind's canonical form of ARG ("-" when it is none), from
# --restore against an empty tree.
mkdir -p "$T/empty/bus/pci/devices"
sh_norm() {
	_e=$(SYSFS_ROOT=$T/empty sh "$VB" --restore -- "$1" 2>&1 >/dev/null)
	_rc=$?
	case $_rc:$_e in
	"1:vfio-bind: no PCI device "*) _e=${_e#vfio-bind: no PCI device } && echo "${_e%% *}" ;;
	"2:vfio-bind: '$1' is not a PCI address"*) echo - ;;
	*) echo "?exit $_rc: $(echo "$_e" | head -n1)" ;;
	esac
}
echo "$ADDRS" >"$T/addrs"
while read -r a c s; do
	[ -n "$a" ] || continue
	[ "$s" != = ] || s=$c
	got_c=$("$POLICY" canon "$a")
	got_s=$(sh_norm "$a")
	if [ "$got_c" = "$c" ]; then pass "C: '$a' is $c"; else
		fail "C: sysfs_bdf_canonical '$a' gives $got_c, the table says $c"
	fi
	if [ "$got_s" = "$s" ]; then pass "vfio-bind: '$a' is $s"; else
		fail "vfio-bind: norm '$a' gives $got_s, the table says $s"
	fi
	# sysfs_is_bdf is "already canonical" (what --status and --boot test
	# with norm).
	want=no
	[ "$c" != "$a" ] || want=yes
	if [ "$("$POLICY" is_bdf "$a")" = $want ]; then pass "C: sysfs_is_bdf '$a' is $want"; else
		fail "C: sysfs_is_bdf '$a' is not $want"
	fi
done <"$T/addrs"

# ---- drivers: NAME, a VFIO driver?, does a group member on it leave the
# group viable? ("(none)": no driver).
DRIVERS='
vfio-pci yes yes
mlx5_vfio_pci yes yes
hisi_acc_vfio_pci yes yes
nvgrace_gpu_vfio_pci yes yes
virtio_vfio_pci yes yes
pds_vfio_pci yes yes
xe-vfio-pci yes yes
vfio_pci no no
_vfio_pci no no
-vfio-pci no no
vfio-pci2 no no
mlx5_vfio_pci_x no no
vfio_pci_core no no
VFIO-PCI no no
vfio no no
pci-stub no yes
pcieport no yes
nvme no no
e1000e no no
(none) no yes
'
# One IOMMU group a driver: 0000:BB:00.0 with no driver and 0000:BB:00.1 on
# the driver, in group BB (decimal).
SYS=$T/sys
P=$SYS/bus/pci
mkdir -p "$P/devices" "$SYS/kernel/iommu_groups" "$T/dev/vfio" "$T/proc"
n=0
echo "$DRIVERS" | while read -r drv vfio viable; do
	[ -n "$drv" ] || continue
	n=$((n + 1))
	bb=$(printf %02x "$n")
	dev "0000:$bb:00.0" 0x020000 none "$n"
	if [ "$drv" = "(none)" ]; then
		dev "0000:$bb:00.1" 0x020000 none "$n"
	else
		pci_drivers "$drv"
		dev "0000:$bb:00.1" 0x020000 "$drv" "$n"
		ln -s "../../devices/0000:$bb:00.1" "$P/drivers/$drv/0000:$bb:00.1"
	fi
	echo "$drv $vfio $viable $n 0000:$bb:00.1"
done >"$T/drivers"

if SYSFS_ROOT=$SYS DEV_ROOT=$T/dev PROC_ROOT=$T/proc VFIO_BIND_STATE=$T/state \
	VFIO_BIND_CONF=$T/conf VFIO_BIND_IP=false sh "$VB" --status >"$T/status" 2>"$T/err" &&
	[ ! -s "$T/err" ]; then
	pass "--status on the drivers' tree"
else
	fail "--status: $(head -c 400 "$T/err")"
fi
# field LINE NAME: the value of NAME= in a --status line.
field() {
	for _f in $1; do
		case $_f in "$2="*) echo "${_f#*=}" ;; esac
	done
}
SYSFS_ROOT=$SYS "$POLICY" adopted >"$T/adopted"
while read -r drv vfio viable g m; do
	a=${m%.1}.0
	[ "$drv" != "(none)" ] || drv=""
	if [ -z "$drv" ]; then :; elif [ "$("$POLICY" vfio "$drv")" = "$vfio" ]; then
		pass "C: $drv a VFIO driver: $vfio"
	else
		fail "C: sysfs_is_vfio_driver $drv is not $vfio"
	fi
	if grep -qxF "$m" "$T/adopted"; then got=yes; else got=no; fi
	if [ "$got" = "$vfio" ]; then pass "C: a device on ${drv:-no driver} adopted: $vfio"; else
		fail "C: sysfs_vfio_devices: a device on ${drv:-no driver} adopted: $got, the table says $vfio"
	fi
	ml=$(grep "^$m " "$T/status")
	if [ -n "$(field "$ml" held)" ]; then got=yes; else got=no; fi
	if [ "$got" = "$vfio" ]; then pass "vfio-bind: ${drv:-no driver} a VFIO driver: $vfio"; else
		fail "vfio-bind: is_vfio ${drv:-no driver}: $got, the table says $vfio ($ml)"
	fi
	culprits=$(SYSFS_ROOT=$SYS "$POLICY" culprits "$g")
	if [ -z "$culprits" ]; then got=yes; else got=no; fi
	if [ "$got" = "$viable" ]; then pass "C: a member on ${drv:-no driver} leaves the group viable: $viable"; else
		fail "C: sysfs_group_culprits with a member on ${drv:-no driver}: '$culprits', the table says viable: $viable"
	fi
	b=$(field "$(grep "^$a " "$T/status")" bindable)
	case $b in yes) got=yes ;; "with:$m") got=no ;; *) got="?$b" ;; esac
	if [ "$got" = "$viable" ]; then pass "vfio-bind: a member on ${drv:-no driver} leaves the group viable: $viable"; else
		fail "vfio-bind: leaves_viable ${drv:-no driver}: bindable=$b, the table says viable: $viable"
	fi
done <"$T/drivers"

finish
