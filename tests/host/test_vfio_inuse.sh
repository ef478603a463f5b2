#!/bin/sh
# SPDX-License-Identifier: MIT
# mount-helpers/vfio-bind against a made-up sysfs, /dev and /proc (SYSFS_ROOT,
# DEV_ROOT, PROC_ROOT, VFIO_BIND_STATE, VFIO_BIND_CONF in a temporary
# directory): what the host is using is refused (F13) and nothing changes;
# --force goes on; --status (golden lines); --persist, --unpersist, --boot;
# PCI domains wider than 4 digits (VMD); vfio-pci variant drivers. Under
# sh, dash and busybox ash (those there are). Real binding needs a kernel:
# the VM bed's tests do it.
set -u
cd "$(dirname "$0")/../.." || exit 1
VB=$(pwd)/mount-helpers/vfio-bind

# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh

T=$(cd "$T" && pwd -P)
SYS=$T/sys DV=$T/dev PR=$T/proc
SYSFS_ROOT=$SYS DEV_ROOT=$DV PROC_ROOT=$PR VFIO_BIND_STATE=$T/state VFIO_BIND_CONF=$T/conf
export SYSFS_ROOT DEV_ROOT PROC_ROOT VFIO_BIND_STATE VFIO_BIND_CONF
P=$SYS/bus/pci
mkdir -p "$P/devices" "$P/drivers" "$SYS/kernel/iommu_groups" "$DV/vfio/devices" \
	"$SYS/class/block" "$SYS/class/net" "$SYS/class/graphics" "$PR/self" "$PR/net" \
	"$SYS/devices/virtual/block"
: >"$P/drivers_probe"
pci_drivers vfio-pci mlx5_vfio_pci serial pcieport e1000e nvme bochs-drm

# blk BDF NAME MAJ:MIN [PARENT]: a block device below a function (or below
# block device PARENT, a partition), with its class link.
blk() {
	if [ -n "${4:-}" ]; then
		_p=$(readlink -f "$SYS/class/block/$4")/$2
	else
		_p=$P/devices/$1/nvme/nvme0/$2
	fi
	mkdir -p "$_p/holders"
	echo "$3" >"$_p/dev"
	ln -s "$_p" "$SYS/class/block/$2"
}
# net BDF IFACE FLAGS: a network interface below a function.
net() {
	mkdir -p "$P/devices/$1/net/$2"
	echo "$3" >"$P/devices/$1/net/$2/flags"
	ln -s "$P/devices/$1/net/$2" "$SYS/class/net/$2"
}
# proc PID COMM: a made-up process.
proc() {
	mkdir -p "$PR/$1/fd"
	echo "$2" >"$PR/$1/comm"
	printf '%s\0' "$2" >"$PR/$1/cmdline"
}

dev 0000:00:02.0 0x030000 bochs-drm 2 0x1234 0x1111 # the boot display
echo 1 >"$P/devices/0000:00:02.0/boot_vga"
mkdir -p "$SYS/class/graphics/fb0"
ln -s "$P/devices/0000:00:02.0" "$SYS/class/graphics/fb0/device"
dev 0000:00:03.0 0x00ff00 vfio-pci 3 0x1234 0x11e8 # held by vfiofs
mkdir -p "$P/devices/0000:00:03.0/vfio-dev/vfio0"
: >"$P/devices/0000:00:03.0/vfio-dev/vfio0/dev"
: >"$DV/vfio/3"
: >"$DV/vfio/devices/vfio0"
dev 0000:00:04.0 0x010802 nvme 4 # swap on nvme0n1, nvme0n1p1 mounted
blk 0000:00:04.0 nvme0n1 259:0
blk 0000:00:04.0 nvme0n1p1 259:1 nvme0n1
dev 0000:00:05.0 0x010802 nvme 14 # nvme1n1 under dm-0, mounted on /home
blk 0000:00:05.0 nvme1n1 259:2
mkdir -p "$SYS/devices/virtual/block/dm-0/holders" "$SYS/devices/virtual/block/dm-0/dm"
echo 253:0 >"$SYS/devices/virtual/block/dm-0/dev"
echo vg-home >"$SYS/devices/virtual/block/dm-0/dm/name"
ln -s "$SYS/devices/virtual/block/dm-0" "$SYS/class/block/dm-0"
ln -s "$SYS/devices/virtual/block/dm-0" "$P/devices/0000:00:05.0/nvme/nvme0/nvme1n1/holders/dm-0"
dev 0000:00:07.0 0x010802 nvme 15 # nvme2n1 open by a process
blk 0000:00:07.0 nvme2n1 259:3
dev 0000:00:09.0 0x010802 nvme 16 # btrfs: an anonymous device number
blk 0000:00:09.0 nvme3n1 259:4
dev 0000:00:08.0 0x070002 serial 6 # two functions, one group
dev 0000:00:08.1 0x088000 none 6
dev 0000:00:0d.0 0x00ff00 vfio-pci 10 # held by qemu through its own file
mkdir -p "$P/devices/0000:00:0d.0/vfio-dev/vfio1"
: >"$P/devices/0000:00:0d.0/vfio-dev/vfio1/dev"
: >"$DV/vfio/10"
: >"$DV/vfio/devices/vfio1"
dev 0000:00:0e.0 0x00ff00 vfio-pci 11 # held by nobody
: >"$DV/vfio/11"
dev 0000:00:12.0 0x020000 e1000e 17 # eth1, down
net 0000:00:12.0 eth1 0x1002
dev 0000:00:13.0 0x020000 mlx5_vfio_pci 21 0x15b3 0x101e # a variant driver
dev 0000:00:13.1 0x020000 none 21 0x15b3 0x101e
dev 0000:00:14.0 0x020000 none 22 # its group: 14.1 in use, 14.2 free
dev 0000:00:14.1 0x020000 e1000e 22
net 0000:00:14.1 eth3 0x1003
dev 0000:00:14.2 0x070002 serial 22
dev 0000:00:15.0 0x020000 none 23 # left with no driver by the udev rule
echo vfio-pci >"$P/devices/0000:00:15.0/driver_override"
dev 0000:00:16.0 0x010802 nvme none # no IOMMU group, nvme4n1 swap
blk 0000:00:16.0 nvme4n1 259:5
dev 0000:00:1f.0 0x060400 pcieport none # a bridge: not in --status
dev 0000:01:00.0 0x020000 e1000e 7 0x8086 0x10d3 # eth0, up with an address
net 0000:01:00.0 eth0 0x1003
dev 0000:01:00.1 0x020000 e1000e 8 0x8086 0x10d3 # eth2, up with a route only
net 0000:01:00.1 eth2 0x1003
dev 10000:e1:00.0 0x010802 none 30 0x8086 0x0a54 # behind VMD

# /proc: mounts, swap, the processes and their files, the network tables.
cat >"$PR/self/mountinfo" <<EOF
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 259:1 / /mnt rw,relatime shared:5 - minix /dev/nvme0n1p1 rw
31 22 253:0 / /home rw,relatime shared:6 - ext4 /dev/mapper/vg-home rw
32 22 0:45 / /srv rw,relatime shared:7 - btrfs /dev/nvme3n1 rw
33 22 259:3 / /media/x$(printf '\033')[1my rw,relatime shared:8 - ext4 /dev/nvme2n1 rw
EOF
printf '%s\n' "Filename				Type		Size		Used		Priority" \
	"/dev/nvme0n1                            partition	1048572		0		-2" \
	"/dev/nvme4n1                            partition	1048572		0		-3" >"$PR/swaps"
proc 100 dd
ln -s "$DV/nvme2n1" "$PR/100/fd/3"
ln -s /dev/null "$PR/100/fd/0"
proc 200 vfiofs
printf '%s\0' vfiofs -o allow_other --device=0000:00:03.0 /mnt/vfio/ >"$PR/200/cmdline"
ln -s "$DV/vfio/3" "$PR/200/fd/5"
cat >"$PR/200/mountinfo" <<EOF
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
40 22 0:50 / /run/other rw,nosuid,nodev,relatime shared:9 - fuse.vfiofs vfiofs rw,user_id=0,group_id=0
41 22 0:51 / /mnt/vfio rw,nosuid,nodev,relatime shared:10 - fuse.vfiofs vfiofs rw,user_id=0,group_id=0
EOF
# A vfiofs run under valgrind: its name is memcheck's, its command line
# tells what it runs.
: >"$DV/vfio/21"
proc 210 memcheck-amd64-
printf '%s\0' valgrind --quiet /usr/bin/vfiofs -f /mnt/vg >"$PR/210/cmdline"
ln -s "$DV/vfio/21" "$PR/210/fd/4"
printf '%s\n' "50 22 0:52 / /mnt/vg rw,nosuid,nodev,relatime shared:11 - fuse.vfiofs vfiofs rw" >"$PR/210/mountinfo"
proc 300 qemu-system-x86
ln -s "$DV/vfio/devices/vfio1" "$PR/300/fd/9"
printf '%s\n' "Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT" \
	"eth0	0000000A	00000000	0001	0	0	0	00FFFFFF	0	0	0" \
	"eth2	00000000	FE00000A	0003	0	0	0	00000000	0	0	0" \
	"eth3	0001A8C0	00000000	0001	0	0	0	00FFFFFF	0	0	0" >"$PR/net/route"
printf '%s\n' "fe800000000000000000000000000001 02 40 20 80     eth0" \
	"20010db8000000000000000000000001 05 40 00 80     eth3" >"$PR/net/if_inet6"
printf '%s\n' "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth2" \
	"ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth2" >"$PR/net/ipv6_route"

# A fake ip(8): the answers of `ip -o addr/route show dev IFACE`.
mkdir -p "$T/fakeip"
cat >"$T/fakeip/ip" <<'EOF'
#!/bin/sh
case "$*" in
"-o addr show dev eth0")
	echo '2: eth0    inet 10.0.0.1/24 brd 10.0.0.255 scope global eth0\       valid_lft forever preferred_lft forever'
	echo '2: eth0    inet6 fe80::1/64 scope link \       valid_lft forever preferred_lft forever' ;;
"-o addr show dev eth2")
	echo '4: eth2    inet6 fe80::2/64 scope link \       valid_lft forever preferred_lft forever' ;;
"-o route show dev eth2") echo 'default via 10.0.0.254 proto static' ;;
"-o -6 route show dev eth2") echo 'fe80::/64 proto kernel metric 256 pref medium' ;;
"-o addr show dev eth3")
	echo '5: eth3    inet 192.168.1.5/24 brd 192.168.1.255 scope global eth3\       valid_lft forever preferred_lft forever' ;;
"-o addr show dev "*) ;;
"-o route show dev "* | "-o -6 route show dev "*) ;;
*) echo "fake ip: $*" >&2; exit 1 ;;
esac
EOF
chmod 755 "$T/fakeip/ip"
# PATH without any ip(8): links to everything else.
mkdir -p "$T/noip"
for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		n=${f##*/}
		[ "$n" != ip ] && [ ! -e "$T/noip/$n" ] && ln -s "$f" "$T/noip/$n"
	done
done
FAKEPATH=$T/fakeip:$PATH NOIPPATH=$T/noip
me=$(id -un)

touch "$T/stamp"
sleep 1

# The system's sh as a file: under busybox sh, "sh" would be its own ash.
SHELLS=/bin/sh
[ -x /bin/sh ] || SHELLS=/usr/bin/sh
for s in dash "busybox sh"; do
	command -v "${s%% *}" >/dev/null 2>&1 && SHELLS="$SHELLS,$s"
done

# run ARGS...: vfio-bind under $SH with PATH=$RPATH, stdout in $T/out,
# stderr in $T/err; sets RC.
run() {
	# shellcheck disable=SC2086
	PATH=$RPATH $SH "$VB" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
expect_rc() {
	if [ "$RC" = "$2" ]; then pass "$SH: $1 (exit $RC)"; else
		fail "$SH: $1: exit $RC, expected $2; stderr: $(head -c 600 "$T/err" | tr '\n' '|')"
	fi
}
# expect_line DESC FILE LINE: FILE has LINE, whole.
expect_line() {
	if grep -qxF -- "$3" "$2"; then pass "$SH: $1"; else
		fail "$SH: $1: no line '$3' in: $(tr '\n' '|' <"$2" | head -c 900)"
	fi
}
no_line() {
	if grep -qF -- "$3" "$2"; then fail "$SH: $1: '$3' in: $(tr '\n' '|' <"$2" | head -c 600)"; else
		pass "$SH: $1"
	fi
}
# unchanged DESC: no file of the tree written, overrides as they were, no
# state or conf directory.
unchanged() {
	_n=$(find "$SYS" "$DV" -newer "$T/stamp" -type f | wc -l | tr -d ' ')
	_o=$(cat "$P/devices"/*/driver_override | sort -u | tr '\n' ' ')
	_l=$(readlink "$P/devices/0000:00:04.0/driver")
	if [ "$_n" = 0 ] && [ "$_o" = "ORIGINAL vfio-pci " ] && [ ! -e "$T/state" ] &&
		[ ! -e "$T/conf" ] && [ "$_l" = ../../drivers/nvme ]; then
		pass "$SH: $1: nothing changed"
	else
		fail "$SH: $1: the tree changed ($_n files written, overrides '$_o', 04.0 driver $_l, state/conf: $(find "$T/state" "$T/conf" 2>&1 | tr '\n' ' '))"
	fi
}
EE=$T/err

OLDIFS=$IFS
IFS=,
for SH in $SHELLS; do
	IFS=$OLDIFS
	RPATH=$PATH
	VFIO_BIND_IP=$T/fakeip/ip
	export VFIO_BIND_IP
	touch "$T/stamp"
	sleep 1

	# --- in use: refused, named, nothing changed (F13)
	run 0000:00:04.0
	expect_rc "swap and a mounted partition: refused" 1
	expect_line "swap named" "$EE" "vfio-bind: 0000:00:04.0: in use: nvme0n1 is swap"
	expect_line "mount named" "$EE" "vfio-bind: 0000:00:04.0: in use: nvme0n1p1 is mounted on /mnt"
	expect_line "what to do" "$EE" "vfio-bind: stop using it first (umount, swapoff, dmsetup remove, ip link set DEV down, ...)"
	expect_line "the last line" "$EE" "vfio-bind: refused (device busy): nothing changed; --force binds it anyway (the host loses it)"
	if [ -s "$T/out" ]; then fail "$SH: stdout when refused"; else pass "$SH: nothing on stdout"; fi
	unchanged "swap, mount"
	run 00:04.0 0000:00:08.0 0000:00:08.1
	expect_rc "with other free devices: all refused" 1
	unchanged "swap among others"

	run 0000:00:05.0
	expect_rc "a dm holder: refused" 1
	expect_line "the holder named" "$EE" "vfio-bind: 0000:00:05.0: in use: nvme1n1 is held by dm-0"
	expect_line "and where it is mounted" "$EE" "vfio-bind: 0000:00:05.0: in use: dm-0 is mounted on /home"
	unchanged "dm holder"

	run 0000:00:07.0
	expect_rc "a process holding the node: refused" 1
	expect_line "the process named" "$EE" "vfio-bind: 0000:00:07.0: in use: nvme2n1 is open by 100 (dd)"
	expect_line "a mount point, printable only" "$EE" "vfio-bind: 0000:00:07.0: in use: nvme2n1 is mounted on /media/x[1my"
	if grep -q "$(printf '\033')" "$EE"; then fail "$SH: an escape reached the terminal"; else
		pass "$SH: no escape reached the terminal"
	fi
	unchanged "open node"
	run 0000:00:09.0
	expect_rc "btrfs (by the mount's source): refused" 1
	expect_line "the mount named" "$EE" "vfio-bind: 0000:00:09.0: in use: nvme3n1 is mounted on /srv"

	run 0000:01:00.0
	expect_rc "an interface up with an address (ip): refused" 1
	expect_line "the address named" "$EE" "vfio-bind: 0000:01:00.0: in use: eth0 is up with address 10.0.0.1/24"
	no_line "not the link-local one" "$EE" "fe80::1"
	unchanged "iface address"
	run 0000:01:00.1
	expect_rc "an interface up with a route (ip): refused" 1
	expect_line "the route named" "$EE" "vfio-bind: 0000:01:00.1: in use: eth2 is up with route default"
	no_line "not fe80::/64" "$EE" "fe80::/64"

	VFIO_BIND_IP=/nonexistent/ip
	run 0000:01:00.0
	expect_rc "no ip(8): the address from \$PROC/net: refused" 1
	expect_line "the route from $PR/net/route" "$EE" "vfio-bind: 0000:01:00.0: in use: eth0 is up with route 10.0.0.0/24"
	run 0000:01:00.1
	expect_rc "no ip(8): a default route" 1
	expect_line "the default route" "$EE" "vfio-bind: 0000:01:00.1: in use: eth2 is up with route default"
	run 0000:00:14.1
	expect_rc "no ip(8): an IPv6 address" 1
	expect_line "from if_inet6" "$EE" "vfio-bind: 0000:00:14.1: in use: eth3 is up with address 2001:0db8:0000:0000:0000:0000:0000:0001/64"
	unchanged "no ip(8)"
	VFIO_BIND_IP=$T/fakeip/ip
	# The same through PATH (not under busybox, whose ip applet wins).
	if [ "$SH" != "busybox sh" ]; then
		unset VFIO_BIND_IP
		RPATH=$FAKEPATH
		run 0000:01:00.0
		expect_line "ip(8) from PATH" "$EE" "vfio-bind: 0000:01:00.0: in use: eth0 is up with address 10.0.0.1/24"
		RPATH=$NOIPPATH
		run 0000:01:00.0
		expect_line "no ip(8) in PATH" "$EE" "vfio-bind: 0000:01:00.0: in use: eth0 is up with route 10.0.0.0/24"
		RPATH=$PATH
		VFIO_BIND_IP=$T/fakeip/ip
		export VFIO_BIND_IP
	fi

	run 0000:00:02.0
	expect_rc "the boot display: refused" 1
	expect_line "boot_vga named" "$EE" "vfio-bind: 0000:00:02.0: in use: 0000:00:02.0 is the boot display (boot_vga)"
	expect_line "its framebuffer" "$EE" "vfio-bind: 0000:00:02.0: in use: fb0 is a framebuffer on it"
	unchanged "boot display"

	run 0000:00:14.0
	expect_rc "a group member in use: refused" 1
	expect_line "the member and its use" "$EE" "vfio-bind:   0000:00:14.1: in use: eth3 is up with address 192.168.1.5/24"
	expect_line "the free member listed" "$EE" "vfio-bind:   0000:00:14.2 (driver serial) in IOMMU group 22 with 0000:00:14.0"
	no_line "no command suggests the member in use" "$EE" "vfio-bind 0000:00:14"
	expect_line "what to do" "$EE" "vfio-bind: or no driver), and the host is using 0000:00:14.1: stop using it"
	unchanged "member in use"
	run 0000:00:08.1
	expect_rc "a free member: the command suggested" 1
	expect_line "the command" "$EE" "vfio-bind:   vfio-bind 0000:00:08.0 0000:00:08.1"

	# --force: warned, then on (here the made-up tree's probe binds
	# nothing, so it ends undone, F12).
	run --force 0000:00:04.0
	expect_rc "--force: past the in-use check" 1
	expect_line "the uses still named" "$EE" "vfio-bind: 0000:00:04.0: in use: nvme0n1 is swap"
	expect_line "the warning" "$EE" "vfio-bind: --force: binding it anyway; the host loses what is listed above"
	expect_line "it unbound and probed" "$EE" "vfio-bind: 0000:00:04.0: not bound to vfio-pci after the probe (driver: nvme); see dmesg"
	if [ "$(cat "$P/drivers/nvme/unbind")" = 0000:00:04.0 ] && [ "$(cat "$P/drivers/nvme/bind")" = 0000:00:04.0 ] &&
		[ ! -e "$T/state/0000:00:04.0" ]; then
		pass "$SH: --force: unbound from nvme, then given back"
	else
		fail "$SH: --force: nvme unbind '$(cat "$P/drivers/nvme/unbind")' bind '$(cat "$P/drivers/nvme/bind")'"
	fi
	: >"$P/drivers/nvme/unbind"
	: >"$P/drivers/nvme/bind"
	echo ORIGINAL >"$P/devices/0000:00:04.0/driver_override"
	rm -rf "$T/state"
	touch "$T/stamp"
	sleep 1

	# --- wide domains, variant drivers
	for a in 10000:E1:00.0 00010000:e1:00.0; do
		run "$a"
		expect_rc "$a: accepted" 1
		expect_line "$a: as sysfs names it" "$EE" "vfio-bind: 10000:e1:00.0: not bound to vfio-pci after the probe (driver: none); see dmesg"
	done
	for a in 123:00:00.0 100000000:00:00.0 1000g:00:00.0 :00:00.0; do
		run "$a"
		expect_rc "$a: not an address" 2
	done
	run 0000:00:13.1
	expect_rc "a member on a variant driver keeps the group viable" 1
	no_line "no viability refusal" "$EE" "would not be viable"
	expect_line "it went on to the probe" "$EE" "vfio-bind: 0000:00:13.1: not bound to vfio-pci after the probe (driver: none); see dmesg"
	: >"$P/drivers_probe"
	run --restore 0000:00:13.0
	expect_rc "--restore from a variant driver" 0
	if [ "$(cat "$P/drivers/mlx5_vfio_pci/unbind")" = 0000:00:13.0 ]; then
		pass "$SH: unbound from mlx5_vfio_pci"
	else
		fail "$SH: mlx5_vfio_pci/unbind: '$(cat "$P/drivers/mlx5_vfio_pci/unbind")'"
	fi
	: >"$P/drivers/mlx5_vfio_pci/unbind"
	rm -rf "$T/state"
	for b in 0000:00:13.0 0000:00:13.1 10000:e1:00.0; do
		echo ORIGINAL >"$P/devices/$b/driver_override"
	done
	touch "$T/stamp"
	sleep 1

	# --- --status
	run --status
	expect_rc "--status" 0
	cat >"$T/want" <<EOF
0000:00:02.0 driver=bochs-drm group=2 id=1234:1111 class=030000 bindable=no:boot_vga,fb:fb0 persist=no
0000:00:03.0 driver=vfio-pci group=3 id=1234:11e8 class=00ff00 held=vfiofs:/mnt/vfio:pid=200 was=- persist=no
0000:00:04.0 driver=nvme group=4 id=1b36:0010 class=010802 bindable=no:swap:nvme0n1,mounted:nvme0n1p1 persist=no
0000:00:05.0 driver=nvme group=14 id=1b36:0010 class=010802 bindable=no:held:nvme1n1,mounted:dm-0 persist=no
0000:00:07.0 driver=nvme group=15 id=1b36:0010 class=010802 bindable=no:mounted:nvme2n1,open:nvme2n1 persist=no
0000:00:08.0 driver=serial group=6 id=1b36:0010 class=070002 bindable=yes persist=no
0000:00:08.1 driver=none group=6 id=1b36:0010 class=088000 bindable=with:0000:00:08.0 persist=no
0000:00:09.0 driver=nvme group=16 id=1b36:0010 class=010802 bindable=no:mounted:nvme3n1 persist=no
0000:00:0d.0 driver=vfio-pci group=10 id=1b36:0010 class=00ff00 held=qemu-system-x86:pid=300 was=- persist=no
0000:00:0e.0 driver=vfio-pci group=11 id=1b36:0010 class=00ff00 held=none was=- persist=no
0000:00:12.0 driver=e1000e group=17 id=1b36:0010 class=020000 bindable=yes persist=no
0000:00:13.0 driver=mlx5_vfio_pci group=21 id=15b3:101e class=020000 held=vfiofs:/mnt/vg:pid=210 was=- persist=no
0000:00:13.1 driver=none group=21 id=15b3:101e class=020000 bindable=yes persist=no
0000:00:14.0 driver=none group=22 id=1b36:0010 class=020000 bindable=no:group-not-viable:0000:00:14.1 persist=no
0000:00:14.1 driver=e1000e group=22 id=1b36:0010 class=020000 bindable=no:address:eth3 persist=no
0000:00:14.2 driver=serial group=22 id=1b36:0010 class=070002 bindable=no:group-not-viable:0000:00:14.1 persist=no
0000:00:15.0 driver=none group=23 id=1b36:0010 class=020000 bindable=yes persist=no
0000:00:16.0 driver=nvme group=none id=1b36:0010 class=010802 bindable=no:no-iommu-group,swap:nvme4n1 persist=no
0000:01:00.0 driver=e1000e group=7 id=8086:10d3 class=020000 bindable=no:address:eth0 persist=no
0000:01:00.1 driver=e1000e group=8 id=8086:10d3 class=020000 bindable=no:route:eth2 persist=no
10000:e1:00.0 driver=none group=30 id=8086:0a54 class=010802 bindable=yes persist=no
EOF
	if cmp -s "$T/want" "$T/out"; then pass "$SH: --status: every line as expected"; else
		fail "$SH: --status differs:"
		diff "$T/want" "$T/out" | sed 's/^/    | /'
	fi
	run --status 0000:00:03.0
	expect_rc "--status takes no device" 2
	unchanged "--status"

	# --- --persist, --unpersist
	run --persist 0000:00:04.0
	expect_rc "--persist of a device in use: refused" 1
	unchanged "--persist refused"
	run --persist --user "$me" 0000:00:03.0 0000:00:0e.0
	expect_rc "--persist --user" 0
	expect_line "it says so" "$T/out" "0000:00:03.0: bound at every boot ($T/conf/0000:00:03.0)"
	if [ "$(cat "$T/conf/0000:00:03.0")" = "vfio-pci
user=$me" ] && [ "$(cat "$T/conf/0000:00:0e.0")" = "vfio-pci
user=$me" ]; then
		pass "$SH: the records: vfio-pci, user=NAME"
	else
		fail "$SH: the records: $(tr '\n' '|' <"$T/conf/0000:00:03.0")"
	fi
	# On vfio-pci already: vfio-bind records it too (was=vfio-pci), so
	# that a mounted vfiofs adopts it.
	expect_line "and records it for vfiofs" "$T/state/0000:00:0e.0" vfio-pci
	run --status
	expect_line "--status: persist=yes" "$T/out" "0000:00:0e.0 driver=vfio-pci group=11 id=1b36:0010 class=00ff00 held=none was=vfio-pci persist=yes"
	run --unpersist 0000:00:0d.0
	expect_rc "--unpersist of a device not persisted" 1
	expect_line "it says what to do" "$EE" "vfio-bind: 0000:00:0d.0 is not persisted (no $T/conf/0000:00:0d.0): nothing changed; vfio-bind --restore 0000:00:0d.0 gives it back"
	run --unpersist --keep 0000:00:03.0
	expect_rc "--unpersist --keep" 0
	if [ ! -e "$T/conf/0000:00:03.0" ] && [ -z "$(cat "$P/drivers/vfio-pci/unbind")" ]; then
		pass "$SH: --keep: the record gone, the device left on vfio-pci"
	else
		fail "$SH: --keep: record $(ls "$T/conf"), unbind '$(cat "$P/drivers/vfio-pci/unbind")'"
	fi
	: >"$P/drivers_probe"
	run --unpersist 0000:00:0e.0
	expect_rc "--unpersist gives it back" 0
	if [ ! -e "$T/conf/0000:00:0e.0" ] && [ "$(cat "$P/drivers/vfio-pci/unbind")" = 0000:00:0e.0 ] &&
		[ "$(cat "$P/drivers_probe")" = 0000:00:0e.0 ]; then
		pass "$SH: --unpersist: record gone, unbound from vfio-pci, probed"
	else
		fail "$SH: --unpersist: unbind '$(cat "$P/drivers/vfio-pci/unbind")' probe '$(cat "$P/drivers_probe")'"
	fi
	: >"$P/drivers/vfio-pci/unbind"
	echo vfio-pci >"$T/conf/0000:00:15.0"
	: >"$P/drivers_probe"
	run --unpersist 0000:00:15.0
	expect_rc "--unpersist of a device the rule left without a driver" 0
	if [ "$(cat "$P/devices/0000:00:15.0/driver_override")" = "" ] &&
		[ "$(cat "$P/drivers_probe")" = 0000:00:15.0 ]; then
		pass "$SH: its override cleared, probed"
	else
		fail "$SH: 15.0 override '$(cat "$P/devices/0000:00:15.0/driver_override")'"
	fi
	echo vfio-pci >"$P/devices/0000:00:15.0/driver_override"

	# --- --boot
	rm -rf "$T/state" "$T/conf"
	mkdir -p "$T/conf"
	printf 'vfio-pci\nuser=%s\n' "$me" >"$T/conf/0000:00:0e.0" # on vfio-pci (the rule)
	echo vfio-pci >"$T/conf/0000:00:04.0"                      # in use
	echo vfio-pci >"$T/conf/0000:00:19.0"                      # absent
	echo vfio-pci >"$T/conf/junk"
	echo e1000e >"$T/conf/0000:00:12.0"
	chmod 0644 "$DV/vfio/11"
	run --boot
	expect_rc "--boot with one device in use" 1
	expect_line "the one on vfio-pci reported" "$T/out" "0000:00:0e.0: vfio-pci, iommu group 11 ($DV/vfio/11), was none"
	if [ "$(cat "$T/state/0000:00:0e.0" 2>&1)" = none ] && [ "$(stat -c %a "$DV/vfio/11")" = 600 ]; then
		pass "$SH: --boot: its record in the state directory, the node the user's"
	else
		fail "$SH: --boot: state '$(cat "$T/state/0000:00:0e.0" 2>&1)', node mode $(stat -c %a "$DV/vfio/11")"
	fi
	expect_line "the one in use not taken" "$EE" "vfio-bind: 0000:00:04.0: in use: nvme0n1 is swap"
	expect_line "and logged" "$EE" "vfio-bind: --boot: not taken: 0000:00:04.0; see above (vfio-bind --unpersist 0000:00:04.0 forgets it)"
	expect_line "an absent one skipped" "$EE" "vfio-bind: --boot: 0000:00:19.0: persisted ($T/conf/0000:00:19.0) but not present, skipped"
	expect_line "junk ignored" "$EE" "vfio-bind: --boot: $T/conf/junk: not a PCI address as sysfs names it, ignored"
	expect_line "another driver ignored" "$EE" "vfio-bind: --boot: $T/conf/0000:00:12.0: its first line is not vfio-pci, ignored"
	if [ "$(readlink "$P/devices/0000:00:04.0/driver")" = ../../drivers/nvme ] &&
		[ "$(cat "$P/devices/0000:00:04.0/driver_override")" = ORIGINAL ] && [ ! -e "$T/state/0000:00:04.0" ]; then
		pass "$SH: --boot: the device in use untouched"
	else
		fail "$SH: --boot: 04.0 changed"
	fi
	rm -f "$T/conf/0000:00:04.0"
	run --boot
	expect_rc "--boot with every record taken" 0
	rm -rf "$T/state" "$T/conf"
	for d in "$P/devices"/*; do echo ORIGINAL >"$d/driver_override"; done
	echo vfio-pci >"$P/devices/0000:00:15.0/driver_override"
	IFS=,
done
IFS=$OLDIFS

if command -v shellcheck >/dev/null 2>&1; then
	if shellcheck -x -s sh "$VB" "$0" >"$T/err" 2>&1; then pass "shellcheck clean"; else
		fail "shellcheck: $(head -c 600 "$T/err")"
	fi
fi

finish
