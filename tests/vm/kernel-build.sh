#!/bin/sh
# SPDX-License-Identifier: MIT
# Build the project's own guest kernel, "6.12-vfiofs": Debian's linux-source-6.12
# with tests/vm/kernel.config (VFIO type1, no-IOMMU and iommufd/cdev, all built
# in), installed the way tests/vm/kernels.sh installs the Debian kernels:
#   build/kernels/6.12-vfiofs/vmlinuz         the bzImage
#   build/kernels/6.12-vfiofs/modules.order   empty: nothing to load
#   build/kernels/6.12-vfiofs/modules/        empty
#   build/kernels/6.12-vfiofs/config          the kernel's .config
#   build/kernels/6.12-vfiofs/stamp           source package, version, cache key
# The build happens outside the repository, in VFIOFS_KERNEL_CACHE
# (/var/cache/vfiofs-kernel): the unpacked source per package version, one
# object tree per version (so a changed fragment rebuilds incrementally), and
# one directory per cache key holding a finished bzImage. The key is the sha256
# of this script's recipe version, the package and its version, and the
# fragment: a cache hit copies the kernel in and builds nothing.
# As root, installs what the build needs (bc bison flex libelf-dev libssl-dev
# linux-source-6.12); otherwise prints the apt-get line to run.
# Usage: kernel-build.sh [--force]   (--force: rebuild even on a cache hit)
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NAME=6.12-vfiofs
SRCPKG=linux-source-6.12
# Bump when the recipe below changes in a way that changes the kernel.
RECIPE=1
FRAG=$ROOT/tests/vm/kernel.config
OUT=$ROOT/build/kernels/$NAME
CACHE=${VFIOFS_KERNEL_CACHE:-/var/cache/vfiofs-kernel}
BUILD_DEPS="bc bison flex libelf-dev libssl-dev make gcc xz-utils"
FORCE=0
[ "${1:-}" = --force ] && FORCE=1

say() { echo "kernel-build: $*" >&2; }
die() { say "$*"; exit 1; }

[ -f "$FRAG" ] || die "no $FRAG"

installed_ver() {
	dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null |
		sed -n 's/^installed //p'
}
candidate_ver() {
	apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -v '(none)' || true
}

# The source version: the installed package's, else the one apt would install.
updated=0
ver=$(installed_ver "$SRCPKG")
[ -n "$ver" ] || ver=$(candidate_ver "$SRCPKG")
if [ -z "$ver" ] && [ "$(id -u)" -eq 0 ]; then
	timeout 600 apt-get update -q >&2 || true
	updated=1
	ver=$(candidate_ver "$SRCPKG")
fi
if [ -z "$ver" ]; then
	if [ -f "$OUT/vmlinuz" ]; then
		say "apt knows no $SRCPKG; using the kernel built before: $(cat "$OUT/stamp" 2>/dev/null)"
		exit 0
	fi
	die "apt-cache knows no $SRCPKG (run apt-get update)"
fi

# The cache key and the stamp, for the source version $ver.
set_key() {
	key=$( (printf 'recipe %s\n%s %s\n' "$RECIPE" "$SRCPKG" "$ver"; cat "$FRAG") |
		sha256sum | cut -c1-16)
	want="$SRCPKG $ver config $key"
}
set_key

if [ "$FORCE" = 0 ] && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/modules.order" ] &&
	[ "$(cat "$OUT/stamp" 2>/dev/null)" = "$want" ]; then
	say "$NAME is up to date ($want)"
	exit 0
fi

# Everything from here on happens under the cache's lock: another run building
# or installing the same kernel waits (at most as long as a build takes).
if ! mkdir -p "$CACHE" 2>/dev/null || [ ! -w "$CACHE" ]; then
	if [ -f "$OUT/vmlinuz" ]; then
		say "cannot write $CACHE (set VFIOFS_KERNEL_CACHE); using the kernel built before: $(cat "$OUT/stamp" 2>/dev/null)"
		exit 0
	fi
	die "cannot write the cache $CACHE (run as root, or set VFIOFS_KERNEL_CACHE)"
fi
exec 9>"$CACHE/lock"
if ! flock -w 4200 9; then
	die "$CACHE/lock held for more than 70 minutes"
fi

# install_kernel DIR: copy a finished build (bzImage, config) into $OUT.
install_kernel() {
	rm -rf "$OUT.new"
	mkdir -p "$OUT.new/modules"
	cp "$1/bzImage" "$OUT.new/vmlinuz"
	cp "$1/config" "$OUT.new/config"
	: >"$OUT.new/modules.order"
	echo "$want" >"$OUT.new/stamp"
	# Swapped in by renames: a concurrent run.sh sees the old or the new one.
	rm -rf "$OUT.old"
	[ ! -e "$OUT" ] || mv "$OUT" "$OUT.old"
	mv "$OUT.new" "$OUT"
	rm -rf "$OUT.old"
}

t0=$(date +%s)
if [ "$FORCE" = 0 ] && [ -f "$CACHE/$key/bzImage" ] && [ -f "$CACHE/$key/config" ]; then
	install_kernel "$CACHE/$key"
	say "cache hit $key: $NAME installed in $(($(date +%s) - t0)) s (built in $(cat "$CACHE/$key/build-seconds" 2>/dev/null || echo ?) s)"
	exit 0
fi

# --- Build dependencies ------------------------------------------------------
missing=""
for p in $BUILD_DEPS $SRCPKG; do
	[ -n "$(installed_ver "$p")" ] || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		if [ -f "$OUT/vmlinuz" ]; then
			say "missing$missing; using the kernel built before: $(cat "$OUT/stamp" 2>/dev/null)"
			exit 0
		fi
		say "missing packages; run as root:"
		echo "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$missing"
		exit 1
	fi
	say "installing:$missing"
	[ "$updated" = 1 ] || timeout 600 apt-get update -q >&2 || true
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive timeout 1800 apt-get install -y -q $missing >&2 ||
		die "apt-get install$missing failed"
fi
# The key was made from the candidate when the source was not installed yet:
# what got installed decides.
iver=$(installed_ver "$SRCPKG")
[ -n "$iver" ] || die "$SRCPKG is not installed"
if [ "$iver" != "$ver" ]; then
	say "$SRCPKG $iver is installed (the candidate was $ver)"
	ver=$iver
	set_key
	if [ "$FORCE" = 0 ] && [ -f "$CACHE/$key/bzImage" ] && [ -f "$CACHE/$key/config" ]; then
		install_kernel "$CACHE/$key"
		say "cache hit $key: $NAME installed"
		exit 0
	fi
fi
TARBALL=/usr/src/$SRCPKG.tar.xz
[ -f "$TARBALL" ] || die "$SRCPKG $ver is installed but $TARBALL is missing"

# --- Source, configuration ----------------------------------------------------
SRC=$CACHE/src/$ver
OBJ=$CACHE/obj/$ver
if [ ! -f "$SRC/.unpacked" ]; then
	say "unpacking $TARBALL into $SRC"
	rm -rf "$SRC"
	mkdir -p "$SRC"
	timeout 1200 tar -xJf "$TARBALL" -C "$SRC" --strip-components=1 ||
		die "unpacking $TARBALL failed"
	touch "$SRC/.unpacked"
fi
mkdir -p "$OBJ"
# Build metadata that does not depend on who built it or where.
export KBUILD_BUILD_USER=vfiofs KBUILD_BUILD_HOST=vfiofs-kernel-build

say "configuring: x86_64_defconfig + $FRAG"
timeout 300 make -C "$SRC" O="$OBJ" -s x86_64_defconfig >&2 || die "make x86_64_defconfig failed"
# Apply the fragment with scripts/config, one option at a time.
set --
while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	"# CONFIG_"*" is not set")
		sym=${line#"# CONFIG_"}
		sym=${sym%" is not set"}
		set -- "$@" --disable "$sym"
		;;
	CONFIG_*=y) sym=${line#CONFIG_}; set -- "$@" --enable "${sym%=y}" ;;
	CONFIG_*=m) die "kernel.config: $line: no modules in this kernel (=y)" ;;
	CONFIG_*=\"*\")
		sym=${line#CONFIG_}; sym=${sym%%=*}
		val=${line#*=\"}; val=${val%\"}
		set -- "$@" --set-str "$sym" "$val"
		;;
	CONFIG_*=*)
		sym=${line#CONFIG_}; sym=${sym%%=*}
		set -- "$@" --set-val "$sym" "${line#*=}"
		;;
	"" | "#" | "# "*) ;;
	*) die "kernel.config: cannot read the line '$line'" ;;
	esac
done <"$FRAG"
"$SRC/scripts/config" --file "$OBJ/.config" "$@" || die "scripts/config failed"
timeout 300 make -C "$SRC" O="$OBJ" -s olddefconfig >&2 || die "make olddefconfig failed"

# Every line of the fragment must have survived olddefconfig as written.
bad=0
while IFS= read -r line || [ -n "$line" ]; do
	case $line in
	"# CONFIG_"*" is not set")
		sym=${line#"# "}
		sym=${sym%" is not set"}
		if got=$(grep -E "^$sym=" "$OBJ/.config"); then
			say "wanted '$line', olddefconfig made '$got'"
			bad=$((bad + 1))
		fi
		;;
	CONFIG_*=*)
		if ! grep -qxF "$line" "$OBJ/.config"; then
			sym=${line%%=*}
			got=$(grep -E "^$sym=|^# $sym is not set" "$OBJ/.config" || echo "no $sym at all")
			say "wanted '$line', olddefconfig made '$got'"
			bad=$((bad + 1))
		fi
		;;
	esac
done <"$FRAG"
if grep -q '=m$' "$OBJ/.config"; then
	say "modules in the config: $(grep '=m$' "$OBJ/.config" | tr '\n' ' ')"
	bad=$((bad + 1))
fi
[ "$bad" -eq 0 ] || die "FAILED: $bad option(s) of $FRAG not as asked after olddefconfig (missing dependencies?); see above"
say "config checked: every option of the fragment is as asked"

# --- Build --------------------------------------------------------------------
jobs=$(nproc)
say "building bzImage of $SRCPKG $ver with make -j$jobs (key $key)"
b0=$(date +%s)
if ! timeout -k 30 3600 make -C "$SRC" O="$OBJ" -j"$jobs" bzImage >"$CACHE/build-$key.log" 2>&1; then
	tail -n 40 "$CACHE/build-$key.log" >&2
	die "make bzImage failed or took more than 3600 s; log in $CACHE/build-$key.log"
fi
secs=$(($(date +%s) - b0))
rm -rf "$CACHE/$key.new"
mkdir -p "$CACHE/$key.new"
cp "$OBJ/arch/x86/boot/bzImage" "$CACHE/$key.new/bzImage"
cp "$OBJ/.config" "$CACHE/$key.new/config"
echo "$secs" >"$CACHE/$key.new/build-seconds"
echo "$want" >"$CACHE/$key.new/stamp"
mv "$CACHE/build-$key.log" "$CACHE/$key.new/build.log"
rm -rf "${CACHE:?}/${key:?}"
mv "$CACHE/$key.new" "$CACHE/$key"
install_kernel "$CACHE/$key"
say "built $NAME in $secs s (make -j$jobs bzImage; $(($(date +%s) - t0)) s in all), $(stat -c %s "$OUT/vmlinuz") bytes: $want"
