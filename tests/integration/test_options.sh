#!/bin/sh
# SPDX-License-Identifier: MIT
# Mount options: nommap, bulk_width, --device (=BDF, a space, -o device=),
# -o ro, options checked before VFIO is opened; -V and -h. Two instances cannot
# own one VFIO group, so the default mount is taken down and put back.
. "$(dirname "$0")/lib.sh"
require_mount

check "vfiofs -V prints a version" sh -c 'vfiofs -V 2>&1 | grep -q "[0-9]\.[0-9]"'
check "vfiofs -h prints a usage" sh -c 'vfiofs -h 2>&1 | grep -qi "usage"'

check "unmount the default mount" vfiofs_umount "$M"

# nommap: every access through pread/pwrite.
if check "mount -o nommap" vfiofs_mount "$M" -o nommap; then
	f=$M/$EDU/bar0
	check_eq "nommap: edu ID unchanged" 010000ed "$(rd "$f" 0 4)"
	check_eq "nommap: a 4-byte read = 1 fallback read" 1 "$(delta "$EDU" bar0.fallback_reads rd "$f" 0 4)"
	check_eq "nommap: no mapped read" 0 "$(delta "$EDU" bar0.mmap_reads rd "$f" 0 4)"
	check_eq "nommap: 16 bytes = 4 fallback reads" 4 "$(delta "$EDU" bar0.fallback_reads rd "$f" 0 16)"
	check_eq "nommap: a 4-byte write = 1 fallback write" 1 \
		"$(delta "$EDU" bar0.fallback_writes wr "$f" 4 "$(le32 0x12345678)")"
	check_eq "nommap: liveness works" edcba987 "$(rd "$f" 4 4)"
	check_text "nommap: regs work" "$M/$EDU/regs/bar0/0x0" 0x010000ed
	check_eq "nommap: mmap_reads stays 0" 0 "$(counter "$EDU" bar0.mmap_reads)"
	check "unmount the nommap mount" vfiofs_umount "$M"
fi

# bulk_width=8: other requests split into accesses up to 8 bytes.
if check "mount -o bulk_width=8" vfiofs_mount "$M" -o bulk_width=8; then
	f=$M/$EDU/bar0
	check_eq "bulk_width=8: 16 bytes at 0x80 = 2 accesses" 2 "$(delta "$EDU" bar0.mmap_reads rd "$f" 0x80 16)"
	check_eq "bulk_width=8: 16 bytes at 0x84 = 3 accesses (4+8+4)" 3 \
		"$(delta "$EDU" bar0.mmap_reads nbytes "$f" 0x84 16)"
	check_eq "bulk_width=8: a 4-byte read is still 1" 1 "$(delta "$EDU" bar0.mmap_reads rd "$f" 0 4)"
	check_eq "bulk_width=8: edu ID" 010000ed "$(rd "$f" 0 4)"
	check "unmount the bulk_width=8 mount" vfiofs_umount "$M"
fi

# bulk_width=1 on ivshmem's RAM: 6 bytes = 6 accesses, 4 aligned = 1.
if check "mount -o bulk_width=1" vfiofs_mount "$M" -o bulk_width=1; then
	g=$M/$IVSHMEM/bar2
	check_eq "bulk_width=1: 6 bytes = 6 accesses" 6 "$(delta "$IVSHMEM" bar2.mmap_reads nbytes "$g" 0x3000 6)"
	check_eq "bulk_width=1: 4 aligned bytes = 1 access" 1 "$(delta "$IVSHMEM" bar2.mmap_reads rd "$g" 0x3000 4)"
	check "unmount the bulk_width=1 mount" vfiofs_umount "$M"
fi

check_not "mount -o bulk_width=3 is refused" vfiofs_mount /tmp/bw3 -o bulk_width=3
if grep -q " /tmp/bw3 fuse" /proc/mounts; then vfiofs_umount /tmp/bw3; fi

# The VFIO mode options, straight to vfiofs (not the bed's own mode; bounded:
# a mount that wrongly succeeded stays in the foreground). Two modes at once
# are refused; -o iommufd on a kernel without /dev/iommu (Debian's) says what
# the kernel lacks.
mkdir -p /tmp/modes
timeout 20 vfiofs -f -o iommufd -o type1 /tmp/modes >"$LIB_TMP/mode.err" 2>&1
check_ne "-o iommufd -o type1 is refused" 0 "$?"
check "... they exclude each other" grep -q "exclude each other" "$LIB_TMP/mode.err"
timeout 20 vfiofs -f -o iommufd -o noiommu /tmp/modes >"$LIB_TMP/mode.err" 2>&1
check_ne "-o iommufd -o noiommu is refused" 0 "$?"
check "... they exclude each other" grep -q "exclude each other" "$LIB_TMP/mode.err"
if [ ! -e /dev/iommu ]; then
	timeout 20 vfiofs -f -o iommufd /tmp/modes >"$LIB_TMP/mode.err" 2>&1
	check_ne "-o iommufd without /dev/iommu is refused" 0 "$?"
	sed 's/^/    | /' "$LIB_TMP/mode.err"
	check "... naming what the kernel lacks" grep -q \
		"/dev/iommu not found: -o iommufd needs a kernel with CONFIG_IOMMUFD" "$LIB_TMP/mode.err"
fi
check_not "none of them mounted" grep -q " /tmp/modes fuse" /proc/mounts
# Without an IOMMU but without -o noiommu: where vfiofs picks iommufd, a
# no-IOMMU device (which gets no device file) is skipped, saying what to do.
if [ "$VFIOFS_IOMMU" = none ] && [ -e /dev/iommu ] && grep -q ' vfio-dev$' /proc/devices; then
	timeout -s TERM $((5 * SLOW)) vfiofs -f "--device=$EDU" /tmp/modes >"$LIB_TMP/mode.err" 2>&1
	sed 's/^/    | /' "$LIB_TMP/mode.err"
	check "no -o noiommu: edu is skipped as a no-IOMMU device, naming the option" \
		grep -q "$EDU: a no-IOMMU device: .*-o noiommu" "$LIB_TMP/mode.err"
	check_not "... and the mount is gone with the daemon" grep -q " /tmp/modes fuse" /proc/mounts
fi

# --device: only the named devices.
if check "mount --device=$EDU --device=$NVME" vfiofs_mount "$M" "--device=$EDU" "--device=$NVME"; then
	check_eq "--device: only edu and nvme" "$EDU $NVME" \
		"$(ls "$M" | grep '^[0-9a-f]\{4\}:' | sort | tr '\n' ' ' | sed 's/ $//')"
	check_text "--device: edu works" "$M/$EDU/regs/bar0/0x0" 0x010000ed
	# The groups of the other devices are free: a second instance can take one.
	if check "a second instance with --device=$IVSHMEM" vfiofs_mount /tmp/second "--device=$IVSHMEM"; then
		check_eq "second instance: only ivshmem" "$IVSHMEM" \
			"$(ls /tmp/second | grep '^[0-9a-f]\{4\}:' | tr '\n' ' ' | sed 's/ $//')"
		check_eq "second instance: bar2 size" 1048576 "$(stat -c %s "/tmp/second/$IVSHMEM/bar2")"
		check "unmount the second instance" vfiofs_umount /tmp/second
	fi
	check "unmount the --device mount" vfiofs_umount "$M"
fi

# --device as lspci prints it: BB:DD.F, upper-case hex too.
if check "mount --device=00:03.0 --device=0000:00:04.0 in upper case" \
	vfiofs_mount "$M" --device=00:03.0 "--device=$(echo "$NVME" | tr a-f A-F)"; then
	check_eq "the short and upper-case forms: edu and nvme" "$EDU $NVME" \
		"$(ls "$M" | grep '^[0-9a-f]\{4\}:' | sort | tr '\n' ' ' | sed 's/ $//')"
	check "unmount it" vfiofs_umount "$M"
fi
# F6: a device named twice, in any spelling, is opened once.
if check "mount --device=00:03.0 --device=$EDU --device=$(echo "$EDU" | tr a-f A-F)" \
	vfiofs_mount "$M" --device=00:03.0 "--device=$EDU" "--device=$(echo "$EDU" | tr a-f A-F)"; then
	check_eq "named three times: one directory" "$EDU" \
		"$(ls "$M" | grep '^[0-9a-f]\{4\}:' | tr '\n' ' ' | sed 's/ $//')"
	check "unmount it" vfiofs_umount "$M"
fi
# F22: the type stays fuse.vfiofs (the mount watch and the unit look for it).
mkdir -p /tmp/subtype
timeout 20 vfiofs -f -o subtype=x /tmp/subtype >"$LIB_TMP/sub.err" 2>&1
check_ne "-o subtype=x is refused" 0 "$?"
check "... saying why" grep -q "the type is fuse.vfiofs" "$LIB_TMP/sub.err"
check_not "... and nothing was mounted" grep -q " /tmp/subtype " /proc/mounts

# F16: the daemon raises its soft open-file limit to the hard one (one
# eventfd per vector). Not under valgrind, which keeps file descriptors of
# its own and shows its own limits.
if [ "${VFIOFS_VALGRIND:-0}" = 0 ] && check "mount with a soft open-file limit of 256" \
	sh -c ". /tests/integration/lib.sh; ulimit -S -n 256; vfiofs_mount $M --device=$EDU"; then
	p=$(vfiofs_pids | awk '{ print $1 }')
	lim=$(awk '/^Max open files/ { print $4 "/" $5 }' "/proc/$p/limits")
	check "the daemon's soft limit is its hard one ($lim)" \
		test "${lim%/*}" = "${lim#*/}" -a "${lim%/*}" != 256
	check "unmount it" vfiofs_umount "$M"
fi
mkdir -p /tmp/badbdf
timeout 20 vfiofs -f --device=00:3.0 /tmp/badbdf >"$LIB_TMP/bdf.err" 2>&1
check_ne "--device=00:3.0 (not an address) is refused" 0 "$?"
check "... saying what it wants" grep -q "want DDDD:BB:DD.F or BB:DD.F" "$LIB_TMP/bdf.err"

# --device BDF (a space, as GNU tools take it) and -o device=BDF (as in
# fstab) straight to vfiofs: only that device.
devs_of() { ls "$1" | grep '^[0-9a-f]\{4\}:' | sort | tr '\n' ' ' | sed 's/ $//'; }
if check "mount --device $EDU (a space)" vfiofs_mount "$M" --device "$EDU"; then
	check_eq "--device BDF: only edu" "$EDU" "$(devs_of "$M")"
	check "unmount it" vfiofs_umount "$M"
fi
if check "mount -o device=$NVME,device=$EDU" vfiofs_mount "$M" -o "device=$NVME,device=$EDU"; then
	check_eq "-o device=: edu and nvme" "$EDU $NVME" "$(devs_of "$M")"
	check "unmount it" vfiofs_umount "$M"
fi
timeout 20 vfiofs -f -o device=zz /tmp/badbdf >"$LIB_TMP/bdf.err" 2>&1
check_ne "-o device=zz is refused" 0 "$?"
check "... naming it as written (-o device=zz)" grep -q -- "-o device=zz: not a PCI address" "$LIB_TMP/bdf.err"

# Options are checked before VFIO is opened: an unknown one is named, and
# nothing is mounted (the message does not depend on VFIO being there).
for bad in "-o bogus" "--devices=$EDU" "-x"; do
	# shellcheck disable=SC2086
	timeout 20 vfiofs -f $bad /tmp/badbdf >"$LIB_TMP/bad.err" 2>&1
	check_ne "vfiofs $bad is refused" 0 "$?"
	check "... naming it" grep -q -- "unknown option.*${bad#-o }" "$LIB_TMP/bad.err"
	check_not "... before any device is opened" grep -q "ready" "$LIB_TMP/bad.err"
done
check_not "none of them mounted" grep -q " /tmp/badbdf fuse" /proc/mounts

# -o ro: a read-only mount; reads work, every write is EROFS.
# ro_refused DESC CMD: CMD (sh -c) fails with "Read-only file system".
ro_refused() {
	if sh -c "$2" >"$LIB_TMP/out" 2>"$LIB_TMP/err"; then
		fail "$1: succeeded, expected EROFS"
	elif grep -qi "read-only file system" "$LIB_TMP/err"; then
		pass "$1 (EROFS)"
	else
		fail "$1: expected EROFS, got: $(head -c 200 "$LIB_TMP/err" | tr '\n' ' ')"
	fi
}
if check "mount -o ro" vfiofs_mount "$M" -o ro "--device=$EDU"; then
	check "ro: /proc/mounts says ro" grep -q " $M fuse.vfiofs ro[,\ ]" /proc/mounts
	check_text "ro: edu ID through regs/" "$M/$EDU/regs/bar0/0x0" 0x010000ed
	ro_refused "ro: a write to regs/ is refused" "echo 1 >$M/$EDU/regs/bar0/0x4"
	ro_refused "ro: a write to bar0 is refused" \
		"printf abcd | dd of=$M/$EDU/bar0 bs=4 seek=1 conv=notrunc"
	check "unmount the ro mount" vfiofs_umount "$M"
fi

check "the default mount is back" vfiofs_mount "$M"
check_eq "default mount: 5 devices" 5 "$(ls "$M" | grep -c '^[0-9a-f]\{4\}:')"

finish
