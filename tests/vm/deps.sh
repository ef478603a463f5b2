#!/bin/sh
# SPDX-License-Identifier: MIT
# Install (as root) or name (otherwise) the Debian packages that the build,
# the unit tests and the VM test bed need. Quiet when everything is there.
set -eu

PKGS="build-essential pkg-config libfuse3-dev fuse3 libinotifytools0-dev
libcmocka-dev qemu-system-x86 busybox-static cpio xz-utils kmod clang-format
cppcheck clang-tidy valgrind libc6-dbg man-db groff-base systemd shellcheck
clang libclang-rt-14-dev pciutils strace"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing:$missing" >&2
	timeout 600 apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -q $missing
else
	echo "deps: missing packages; run as root:" >&2
	echo "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$missing"
	exit 1
fi
