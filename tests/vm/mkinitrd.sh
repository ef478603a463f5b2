#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the guest's initramfs (cpio newc, gzip) for one kernel.
#   mkinitrd.sh [--valgrind] KVER BINARY|- OUTPUT
# Holds busybox-static (applets installed by /init), the kernel's modules from
# build/kernels/KVER (in the order of modules.order), the vfiofs binary with
# every shared library ldd names (the loader at its own path; libasan/libubsan
# for the sanitized build), tests/integration/*.sh and guest-init.sh as /init;
# irqtool, and for the benchmark benchtool and floorfs (tests/vm/*.c);
# lspci and setpci (pciutils) with their libraries and pci.ids.
# With --valgrind (or VFIOFS_VALGRIND=1), also valgrind's memcheck: the
# wrapper script, valgrind.bin, the tool, its preloads and default.supp, with
# the libraries ldd names for them, and the loader's debug symbols (libc6-dbg)
# that memcheck needs.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VG=${VFIOFS_VALGRIND:-0}
[ "${1:-}" = --valgrind ] && { VG=1; shift; }
[ $# -eq 3 ] || { echo "usage: $0 [--valgrind] KVER BINARY|- OUTPUT" >&2; exit 2; }
KVER=$1 BIN=$2 OUT=$3
KDIR=$ROOT/build/kernels/$KVER
[ -f "$KDIR/modules.order" ] || { echo "mkinitrd: no $KDIR (run tests/vm/kernels.sh)" >&2; exit 1; }

BB=""
for c in /bin/busybox /usr/bin/busybox; do [ -x "$c" ] && { BB=$c; break; }; done
[ -n "$BB" ] || { echo "mkinitrd: no busybox (apt-get install busybox-static)" >&2; exit 1; }

stage=$(mktemp -d)
chmod 755 "$stage" # the guest's /: ordinary users must get through it
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/usr/bin "$stage"/usr/sbin \
	"$stage"/dev "$stage"/proc "$stage"/sys "$stage"/tmp "$stage"/etc \
	"$stage"/vfio "$stage"/lib/modules/vfiofs "$stage"/tests/integration
cp "$BB" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
ln -s /proc/mounts "$stage/etc/mtab"
# root, and an ordinary user for the permission tests.
printf 'root:x:0:0:root:/:/bin/sh\ntester:x:1000:1000:tester:/tmp:/bin/sh\n' >"$stage/etc/passwd"
printf 'root:x:0:\ntester:x:1000:\n' >"$stage/etc/group"
mkdir -p "$stage/run"

cp "$KDIR/modules.order" "$stage/lib/modules/vfiofs/"
[ ! -f "$KDIR/modules.extra" ] || cp "$KDIR/modules.extra" "$stage/lib/modules/vfiofs/"
for m in $(cat "$KDIR/modules.order" "$KDIR/modules.extra" 2>/dev/null); do
	cp "$KDIR/modules/$m" "$stage/lib/modules/vfiofs/"
done
cp "$KDIR/stamp" "$stage/etc/kernel-package"

if [ "$BIN" != - ]; then
	[ -x "$BIN" ] || { echo "mkinitrd: no binary $BIN" >&2; exit 1; }
	cp "$BIN" "$stage/usr/bin/vfiofs"
	# "name => /path (addr)", "/path (addr)" (the loader), "linux-vdso... (addr)"
	for lib in $(ldd "$BIN" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
	# Debian's loader path /lib64 is a real dir here; usrmerge symlinks are not
	# needed since we copy to the exact paths ldd printed.
fi

# copy_libs FILE: the shared libraries ldd names for FILE, at their paths.
copy_libs() {
	# "name => /path (addr)", "/path (addr)" (the loader), "linux-vdso... (addr)"
	for lib in $(ldd "$1" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		[ -e "$stage$lib" ] && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

if [ "$VG" = 1 ]; then
	VGLIB=/usr/libexec/valgrind
	for f in /usr/bin/valgrind /usr/bin/valgrind.bin "$VGLIB/memcheck-amd64-linux" \
		"$VGLIB/vgpreload_core-amd64-linux.so" \
		"$VGLIB/vgpreload_memcheck-amd64-linux.so" "$VGLIB/default.supp"; do
		[ -e "$f" ] || { echo "mkinitrd: no $f (apt-get install valgrind)" >&2; exit 1; }
		mkdir -p "$stage$(dirname "$f")"
		cp -L "$f" "$stage$f"
		case $f in *.supp) ;; *) copy_libs "$f" ;; esac
	done
	# Memcheck must redirect the loader's strlen: it needs the loader's
	# symbols, which Debian ships apart (libc6-dbg), found by build ID.
	ld=""
	for c in /lib64 /lib /lib/x86_64-linux-gnu /usr/lib/x86_64-linux-gnu; do
		[ -e "$stage$c/ld-linux-x86-64.so.2" ] && { ld=$stage$c/ld-linux-x86-64.so.2; break; }
	done
	bid=$(readelf -n "$ld" 2>/dev/null | sed -n 's/^.*Build ID: \([0-9a-f]*\).*/\1/p')
	dbg=/usr/lib/debug/.build-id/$(echo "$bid" | cut -c1-2)/$(echo "$bid" | cut -c3-).debug
	if [ -z "$bid" ] || [ ! -f "$dbg" ]; then
		echo "mkinitrd: no debug symbols for the loader $ld (apt-get install libc6-dbg)" >&2
		exit 1
	fi
	mkdir -p "$stage$(dirname "$dbg")"
	cp "$dbg" "$stage$dbg"
fi

cp "$ROOT"/tests/integration/*.sh "$stage/tests/integration/" 2>/dev/null || true
# The mount helpers where `make install` puts them (mount(8) looks in /sbin),
# and fusermount3 (setuid root, as installed) for unmounting as a user.
cp "$ROOT/mount-helpers/vfio-bind" "$stage/usr/sbin/vfio-bind"
cp "$ROOT/mount-helpers/mount.vfiofs" "$stage/sbin/mount.vfiofs"
ln -sf mount.vfiofs "$stage/sbin/mount.fuse.vfiofs"
chmod 755 "$stage/usr/sbin/vfio-bind" "$stage/sbin/mount.vfiofs"
# libfuse's own mount helper, for the direct "mount.fuse3 vfiofs DIR" call.
if [ -x /sbin/mount.fuse3 ]; then
	cp /sbin/mount.fuse3 "$stage/sbin/mount.fuse3"
	copy_libs "$stage/sbin/mount.fuse3"
fi
if command -v fusermount3 >/dev/null 2>&1; then
	cp "$(command -v fusermount3)" "$stage/usr/bin/fusermount3"
	chmod 4755 "$stage/usr/bin/fusermount3"
	copy_libs "$stage/usr/bin/fusermount3"
fi
# The irq tests' and the benchmark's helper (blocked reads, signals, poll).
gcc -static -O2 -Wall -o "$stage/usr/bin/irqtool" "$ROOT/tests/vm/irqtool.c" -lpthread
# For tests/integration/bench.sh: benchtool, which measures, and floorfs,
# the FUSE floor, linked as vfiofs is (libfuse3, shared) so that both get the
# same library and its defaults.
gcc -std=gnu11 -static -O2 -Wall -Wextra -Werror -o "$stage/usr/bin/benchtool" \
	"$ROOT/tests/vm/benchtool.c"
# shellcheck disable=SC2046
gcc -std=gnu11 -O2 -Wall -Wextra -Werror $(pkg-config --cflags fuse3) \
	-o "$stage/usr/bin/floorfs" "$ROOT/tests/vm/floorfs.c" $(pkg-config --libs fuse3)
copy_libs "$stage/usr/bin/floorfs"
# pciutils for tests/integration/test_lspci.sh: lspci and setpci with the
# libraries ldd names (libpci, libkmod, libudev, zlib ...) and pci.ids.
for t in lspci setpci; do
	p=$(command -v "$t" 2>/dev/null || true)
	[ -z "$p" ] && for c in /usr/bin/$t /bin/$t /usr/sbin/$t /sbin/$t; do
		[ -x "$c" ] && { p=$c; break; }
	done
	[ -n "$p" ] || { echo "mkinitrd: no $t (apt-get install pciutils)" >&2; exit 1; }
	cp -L "$p" "$stage/usr/bin/$t"
	copy_libs "$p"
done
for ids in /usr/share/misc/pci.ids /usr/share/hwdata/pci.ids; do
	[ -e "$ids" ] || continue
	mkdir -p "$stage$(dirname "$ids")"
	cp -L "$ids" "$stage$ids"
done
cp "$ROOT/tests/vm/guest-init.sh" "$stage/init"
chmod +x "$stage/init" "$stage"/tests/integration/*.sh 2>/dev/null || true

mkdir -p "$(dirname "$OUT")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
