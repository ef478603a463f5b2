#!/bin/sh
# SPDX-License-Identifier: MIT
# vfiofs checks its options before it opens VFIO: on the build machine
# (which has no /dev/vfio, as a rule) a bad option is named, not hidden
# behind "VFIO is not loaded". Also --device BDF (a space) and -o device=BDF
# are taken as --device=BDF, a bad address is named as written, the help
# names those forms and -o ro, and -V prints vfiofs's line first into a
# pipe. Needs build/vfiofs (make host-check builds it).
# Prints "test_options: N passed, N failed" last.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
V=$(pwd)/build/vfiofs
if [ ! -x "$V" ]; then
	fail "no build/vfiofs (make first)"
	finish
fi
MNT=$T/mnt
mkdir -p "$MNT"

# refused DESC EXPECTED ARGS...: vfiofs ARGS MNT fails, its stderr has
# EXPECTED (grep -F) and no word of VFIO not being there, nothing mounted.
refused() {
	_d=$1 _e=$2
	shift 2
	timeout 20 "$V" -f "$@" "$MNT" >"$T/out" 2>"$T/err" </dev/null
	_rc=$?
	if [ "$_rc" -eq 0 ] || [ "$_rc" -eq 124 ]; then
		fail "$_d: exit $_rc"
	elif ! grep -qF -- "$_e" "$T/err"; then
		fail "$_d: no '$_e' in: $(head -c 300 "$T/err" | tr '\n' ' ')"
	elif grep -qE 'VFIO is not loaded|VFIO is needed|opening VFIO|/dev/vfio' "$T/err"; then
		fail "$_d: VFIO looked at: $(head -c 300 "$T/err" | tr '\n' ' ')"
	elif grep -q " $MNT " /proc/mounts; then
		fail "$_d: $MNT is mounted"
	else
		pass "$_d: '$_e'"
	fi
}
[ -e /dev/vfio/vfio ] || pass "no /dev/vfio/vfio here: the messages below come before VFIO"

refused "-o bulk_width=3" "bulk_width=3: must be 1, 2, 4 or 8" -o bulk_width=3
refused "-o umask=999" "umask=999: not an octal mode" -o umask=999
refused "-o uid=alice" "uid=alice: not a number" -o uid=alice
refused "an unknown -o option" "unknown option(s): \`-o bogus'" -o bogus
refused "an unknown -o option among known ones" "unknown option(s): \`-o bogus'" -o nommap,bogus,ro
refused "-o help" "unknown option(s): \`-o help'" -o help
refused "--devices= (a typo)" "unknown option(s): \`--devices=0000:00:03.0'" --devices=0000:00:03.0
refused "an unknown flag" "unknown option(s): \`-x'" -x
refused "-o noiommu,type1" "-o noiommu and -o type1 exclude each other" -o noiommu,type1
refused "-o noiommu,iommufd" "-o noiommu and -o iommufd exclude each other" -o noiommu,iommufd
refused "-o iommufd,type1" "-o iommufd and -o type1 exclude each other" -o iommufd,type1
refused "-o subtype=x" "the type is fuse.vfiofs" -o subtype=x
refused "--device=zz" "--device=zz: not a PCI address" --device=zz
refused "--device zz (a space)" "--device=zz: not a PCI address" --device zz
refused "-o device=zz, named as written" "-o device=zz: not a PCI address" -o device=zz
refused "-o adopt=some" "adopt=some" -o adopt=some
refused "a bad option after a good --device BDF" "bulk_width=5" --device 00:03.0 -o bulk_width=5
refused "a PCI address as SOURCE (--device forgotten)" "0000:03:00.0: a PCI address where the source goes (name a device with --device 0000:03:00.0)" 0000:03:00.0
refused "three words" "one word too many (want [SOURCE] MOUNTPOINT)" vfiofs extra
# SOURCE MNT, as mount.fuse3 runs it: the source is ignored, MNT is the
# mount point (no "bad mount point `vfiofs'" nor "invalid argument").
for how in "vfiofs" "mount.fuse3"; do
	if [ "$how" = vfiofs ]; then
		timeout 20 "$V" -f vfiofs "$MNT" >"$T/out" 2>"$T/err" </dev/null
	elif [ -x /sbin/mount.fuse3 ]; then
		PATH=$(dirname "$V"):$PATH timeout 20 /sbin/mount.fuse3 vfiofs "$MNT" -t vfiofs -o device=00:03.0 >"$T/out" 2>"$T/err" </dev/null
	else
		continue
	fi
	if grep -q "bad mount point\|invalid argument\|unknown option" "$T/err" ||
		! grep -q "VFIO is needed\|mounted on $MNT" "$T/err"; then
		fail "$how: SOURCE MNT: $(head -c 200 "$T/err")"
	else
		pass "$how: SOURCE MNT: the source is ignored, MNT is the mount point"
	fi
	grep -q " $MNT " /proc/mounts && fusermount3 -u "$MNT" 2>/dev/null
done
# --device last: it wants its address.
timeout 20 "$V" -f "$MNT" --device >"$T/out" 2>"$T/err" </dev/null
_rc=$?
if [ "$_rc" -ne 0 ] && grep -qF "vfiofs: --device needs a PCI address" "$T/err"; then
	pass "--device with nothing after it: says it wants an address"
else
	fail "--device last: exit $_rc, $(head -c 200 "$T/err")"
fi
# --device BDF MNT is not "bad mount point `BDF'" (the review's message 3).
timeout 20 "$V" -f --device 0000:00:03.0 "$MNT" >"$T/out" 2>"$T/err" </dev/null
if grep -q "bad mount point" "$T/err"; then
	fail "--device BDF MNT: $(head -c 200 "$T/err")"
else
	pass "--device BDF MNT: the address is --device's, not a mount point"
fi
grep -q " $MNT " /proc/mounts && fusermount3 -u "$MNT" 2>/dev/null

# Where VFIO cannot be opened, the cause is said once: no second line
# with an errno after it (the review's message 1).
if [ ! -e /dev/iommu ]; then
	timeout 20 "$V" -f -o iommufd "$MNT" >"$T/out" 2>"$T/err" </dev/null
	_rc=$?
	if [ "$_rc" -ne 0 ] && grep -qF -- "-o iommufd needs a kernel with" "$T/err" &&
		[ "$(tail -n 1 "$T/err")" = "vfiofs: not mounted" ] &&
		! grep -q "Operation not supported" "$T/err"; then
		pass "-o iommufd without /dev/iommu: the cause, then 'not mounted'"
	else
		fail "-o iommufd without /dev/iommu: exit $_rc, $(tr '\n' '|' <"$T/err")"
	fi
fi

# -h: the forms of --device and -o ro.
"$V" -h >"$T/help" 2>&1
for w in "--device BDF" "-o device=BDF" "-o ro"; do
	if grep -qF -- "$w" "$T/help"; then pass "-h names $w"; else fail "-h does not name $w"; fi
done
# -V into a pipe: vfiofs's own line first (stdout flushed before fusermount3).
_first=$("$V" -V 2>/dev/null | head -n 1)
case $_first in
"vfiofs version "*) pass "-V | head -n1: vfiofs's line first" ;;
*) fail "-V | head -n1: '$_first'" ;;
esac
finish
