#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch the two Debian guest kernels of the VM test bed into build/kernels/:
#   build/kernels/<kver>/vmlinuz         the kernel
#   build/kernels/<kver>/modules/*.ko    the modules the bed needs (uncompressed)
#   build/kernels/<kver>/modules.order   their file names, in load order
#   build/kernels/<kver>/modules.extra   host drivers test_inuse loads (not at boot)
#   build/kernels/<kver>/stamp           the Debian package and version
# Cached: a kernel is fetched again only when the versioned package that the
# meta-package points to changed. Usage: kernels.sh [6.1|6.12 ...]
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build/kernels
KVERS=${*:-"6.1 6.12"}

# Modules in load order; the kernel may have some built in (modules.builtin).
# vfio_virqfd is a module in 6.1 and part of vfio.ko since 6.2 (no entry in
# modules.builtin there): a trailing ? marks a module that may be absent.
MODS="irqbypass vfio vfio_iommu_type1 vfio_virqfd? vfio-pci-core vfio-pci fuse"
# Host drivers for test_inuse (vfio-bind must refuse what the host uses),
# kept in modules/ and listed in modules.extra, in load order, but not
# loaded at boot: the test loads them. nvme's dependencies differ by kernel
# (6.1: t10-pi and its CRCs; 6.12: nvme-auth), hence the ?s.
EXTRA="crct10dif_common? crc-t10dif? crc64? crc64-rocksoft? t10-pi? nvme-auth? nvme-core nvme e1000e fat msdos nls_cp437"
# Bumped when the lists change, so that cached kernels are extracted again.
MODSET=3

meta_of() {
	case $1 in
	6.1) echo linux-image-amd64 ;;
	6.12) echo linux-image-6.12-amd64 ;;
	*) echo "kernels: unknown kernel '$1' (6.1 or 6.12)" >&2; exit 2 ;;
	esac
}

# The versioned image package the meta-package depends on.
resolve() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n1
}

updated=0
for kv in $KVERS; do
	meta=$(meta_of "$kv")
	dir=$OUT/$kv
	pkg=$(resolve "$meta")
	if [ -z "$pkg" ] && [ "$updated" = 0 ] && [ "$(id -u)" -eq 0 ]; then
		timeout 600 apt-get update -q >&2 || true
		updated=1
		pkg=$(resolve "$meta")
	fi
	if [ -z "$pkg" ]; then
		if [ -f "$dir/stamp" ] && [ -f "$dir/vmlinuz" ]; then
			echo "kernels: apt knows no $meta; using cached $(cat "$dir/stamp")" >&2
			continue
		fi
		echo "kernels: apt-cache knows no $meta (run apt-get update)" >&2
		exit 1
	fi
	ver=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
	want="$pkg $ver modules $MODSET"
	if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$want" ] &&
		[ -f "$dir/vmlinuz" ] && [ -f "$dir/modules.order" ]; then
		continue
	fi

	echo "kernels: fetching $want for $kv" >&2
	tmp=$(mktemp -d)
	chmod 755 "$tmp" # apt-get download drops privileges to _apt
	chown _apt "$tmp" 2>/dev/null || true
	trap 'rm -rf "$tmp"' EXIT INT TERM
	if ! (cd "$tmp" && timeout 900 apt-get download -q "$pkg" >&2); then
		# Stale package lists name a version the archive no longer has:
		# update them once and resolve again.
		if [ "$updated" = 0 ] && [ "$(id -u)" -eq 0 ]; then
			timeout 600 apt-get update -q >&2 || true
			updated=1
			pkg=$(resolve "$meta")
			want="$pkg $(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p') modules $MODSET"
		fi
		if [ -z "$pkg" ] || ! (cd "$tmp" && timeout 900 apt-get download -q "$pkg" >&2); then
			rm -rf "$tmp"
			trap - EXIT INT TERM
			if [ -f "$dir/stamp" ] && [ -f "$dir/vmlinuz" ]; then
				echo "kernels: cannot download $want; using cached $(cat "$dir/stamp")" >&2
				continue
			fi
			echo "kernels: cannot download $meta ($pkg)" >&2
			exit 1
		fi
	fi
	deb=$(ls "$tmp"/*.deb)
	timeout 300 dpkg-deb -x "$deb" "$tmp/x"

	rm -rf "$dir.new"
	mkdir -p "$dir.new/modules"
	cp "$tmp"/x/boot/vmlinuz-* "$dir.new/vmlinuz"
	mdir=$(ls -d "$tmp"/x/lib/modules/*)
	: >"$dir.new/modules.order"
	: >"$dir.new/modules.extra"
	list=modules.order
	for m in $MODS - $EXTRA; do
		if [ "$m" = - ]; then
			list=modules.extra
			continue
		fi
		opt=0
		case $m in *\?) opt=1; m=${m%\?} ;; esac
		# Module names use _ and - interchangeably.
		alt=$(echo "$m" | tr '_-' '-_')
		f=$(find "$mdir/kernel" \( -name "$m.ko" -o -name "$m.ko.xz" -o \
			-name "$alt.ko" -o -name "$alt.ko.xz" \) | head -n1)
		if [ -z "$f" ]; then
			u=$(echo "$m" | tr - _)
			if sed 's,.*/,,; s,\.ko$,,' "$mdir/modules.builtin" | tr - _ |
				grep -qx "$u"; then
				echo "kernels: $kv: $m is built in" >&2
				continue
			fi
			if [ "$opt" = 1 ]; then
				echo "kernels: $kv: no module $m (merged into another)" >&2
				continue
			fi
			echo "kernels: $kv: module $m not found" >&2
			exit 1
		fi
		base=$(basename "$f")
		case $f in
		*.xz) base=${base%.xz}; xz -dc "$f" >"$dir.new/modules/$base" ;;
		*) cp "$f" "$dir.new/modules/$base" ;;
		esac
		echo "$base" >>"$dir.new/$list"
	done
	# Every dependency of a kept module must be kept or built in.
	if command -v modinfo >/dev/null 2>&1; then
		for k in $(cat "$dir.new/modules.order" "$dir.new/modules.extra"); do
			for d in $(modinfo -F depends "$dir.new/modules/$k" | tr , ' '); do
				dd=$(echo "$d" | tr - _)
				cat "$dir.new/modules.order" "$dir.new/modules.extra" |
					tr - _ | grep -qx "$dd.ko" && continue
				echo "kernels: $kv: $k needs $d, which is not kept" >&2
				exit 1
			done
		done
	fi
	echo "$want" >"$dir.new/stamp"
	rm -rf "$dir"
	mv "$dir.new" "$dir"
	rm -rf "$tmp"
	trap - EXIT INT TERM
	echo "kernels: $kv ready: $(tr '\n' ' ' <"$dir/modules.order")" >&2
done
