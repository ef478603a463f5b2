#!/bin/sh
# Build the guest's initramfs (cpio newc, gzip) for one kernel.
#   mkinitrd.sh KVER BINARY|- OUTPUT
# Holds busybox-static (applets installed by /init), the kernel's modules from
# build/kernels/KVER (in the order of modules.order), the vfiofs binary with
# every shared library ldd names (the loader at its own path; libasan/libubsan
# for the sanitized build), tests/integration/*.sh and guest-init.sh as /init.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 3 ] || { echo "usage: $0 KVER BINARY|- OUTPUT" >&2; exit 2; }
KVER=$1 BIN=$2 OUT=$3
KDIR=$ROOT/build/kernels/$KVER
[ -f "$KDIR/modules.order" ] || { echo "mkinitrd: no $KDIR (run tests/vm/kernels.sh)" >&2; exit 1; }

BB=""
for c in /bin/busybox /usr/bin/busybox; do [ -x "$c" ] && { BB=$c; break; }; done
[ -n "$BB" ] || { echo "mkinitrd: no busybox (apt-get install busybox-static)" >&2; exit 1; }

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$stage"/bin "$stage"/sbin "$stage"/usr/bin "$stage"/usr/sbin \
	"$stage"/dev "$stage"/proc "$stage"/sys "$stage"/tmp "$stage"/etc \
	"$stage"/vfio "$stage"/lib/modules/vfiofs "$stage"/tests/integration
cp "$BB" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
ln -s /proc/mounts "$stage/etc/mtab"
echo "root:x:0:0:root:/:/bin/sh" >"$stage/etc/passwd"
echo "root:x:0:" >"$stage/etc/group"

cp "$KDIR/modules.order" "$stage/lib/modules/vfiofs/"
for m in $(cat "$KDIR/modules.order"); do
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

cp "$ROOT"/tests/integration/*.sh "$stage/tests/integration/" 2>/dev/null || true
# The irq tests' and the benchmark's helper (blocked reads, signals, poll).
gcc -static -O2 -Wall -o "$stage/usr/bin/irqtool" "$ROOT/tests/vm/irqtool.c" -lpthread
cp "$ROOT/tests/vm/guest-init.sh" "$stage/init"
chmod +x "$stage/init" "$stage"/tests/integration/*.sh 2>/dev/null || true

mkdir -p "$(dirname "$OUT")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
