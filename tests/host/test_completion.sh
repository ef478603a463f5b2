#!/bin/sh
# SPDX-License-Identifier: MIT
# The bash completion (mount-helpers/vfiofs.bash-completion) in bash, on a
# made-up sysfs tree (VFIOFS_SYSFS_ROOT): it registers _vfiofs and
# _vfio_bind (complete -p), and COMPREPLY, for COMP_LINE/COMP_POINT and
# COMP_WORDS/COMP_CWORD as bash sets them, holds what a user should be
# offered: PCI addresses on vfio-pci (vfiofs --device, vfio-bind --restore)
# or not (vfio-bind BDF), the -o names and values, options, user names.
# Prints "test_completion: N passed, N failed" last.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
COMP=$(pwd)/mount-helpers/vfiofs.bash-completion

if ! command -v bash >/dev/null 2>&1; then
	fail "no bash to test the completion in"
	finish
fi

# The made-up sysfs: 0000:00:03.0 and 0000:00:04.0 on vfio-pci,
# 0000:00:05.0 on nvme, 0000:01:00.0 with no driver.
S=$T/sys
mkdir -p "$S/bus/pci/drivers/vfio-pci" "$S/bus/pci/drivers/nvme" "$S/devices/pci0000:00"
dev() {
	mkdir -p "$S/devices/pci0000:00/$1"
	ln -s "../../../devices/pci0000:00/$1" "$S/bus/pci/devices/$1" 2>/dev/null ||
		{ mkdir -p "$S/bus/pci/devices" && ln -s "../../../devices/pci0000:00/$1" "$S/bus/pci/devices/$1"; }
	[ -z "$2" ] || ln -s "../../../bus/pci/drivers/$2" "$S/devices/pci0000:00/$1/driver"
}
dev 0000:00:03.0 vfio-pci
dev 0000:00:04.0 vfio-pci
dev 0000:00:05.0 nvme
dev 0000:01:00.0 ""
mkdir -p "$T/mnt/vfio" "$T/mnt/other"

# comp LINE: COMPREPLY (sorted, space-separated) for the command line LINE,
# the cursor at its end, as bash would call the completion function.
comp() {
	VFIOFS_SYSFS_ROOT=$S bash -c '
		. "$1" || exit 9
		line=$2
		COMP_LINE=$line
		COMP_POINT=${#line}
		# COMP_WORDS as bash splits them (at blanks, and at : and =).
		w=$(printf "%s" "$line" | sed "s/\([:=]\)/ \1 /g")
		read -ra COMP_WORDS <<<"$w"
		[[ $line == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		cmd=${COMP_WORDS[0]}
		f=$(complete -p "$cmd" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$f" ] || exit 8
		"$f" "$cmd" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"
	' comp "$COMP" "$1" 2>"$T/err"
}
# expect DESC LINE EXPECTED
expect() {
	_got=$(cd "$T/mnt" && comp "$2")
	if [ "$_got" = "$3" ]; then pass "$1"; else
		fail "$1: '$2': expected '$3', got '$_got' $(head -c 200 "$T/err")"
	fi
}

_reg=$(bash -c '. "$1"; complete -p vfiofs; complete -p vfio-bind' x "$COMP" 2>&1)
check() { if echo "$_reg" | grep -q -- "$2"; then pass "$1"; else fail "$1: $_reg"; fi; }
check "complete -p vfiofs: _vfiofs" "complete -F _vfiofs vfiofs"
check "complete -p vfio-bind: _vfio_bind" "complete -F _vfio_bind vfio-bind"

# vfio-bind
expect "vfio-bind BDF: the devices not on vfio-pci" "vfio-bind " "0000:00:05.0 0000:01:00.0"
expect "vfio-bind 0000:0: the rest after the last ':'" "vfio-bind 0000:0" "00:05.0 01:00.0"
expect "vfio-bind 00:0 (no domain): the short form" "vfio-bind 00:0" "05.0"
expect "vfio-bind --restore: the devices on vfio-pci" "vfio-bind --restore " "0000:00:03.0 0000:00:04.0"
expect "vfio-bind -u 0000:00:04: on vfio-pci" "vfio-bind -u 0000:00:04" "04.0"
expect "vfio-bind --unpersist: on vfio-pci" "vfio-bind --unpersist " "0000:00:03.0 0000:00:04.0"
expect "vfio-bind --persist: not on vfio-pci" "vfio-bind --persist " "0000:00:05.0 0000:01:00.0"
expect "vfio-bind --status: nothing more" "vfio-bind --status " ""
expect "vfio-bind --re: --restore" "vfio-bind --re" "--restore"
expect "vfio-bind --u: --unpersist --user" "vfio-bind --u" "--unpersist --user"
expect "vfio-bind --user ro: user names" "vfio-bind --user ro" "root"
expect "vfio-bind -: every option" "vfio-bind -" \
	"--boot --force --help --keep --persist --restore --status --unpersist --user -h -u"

# vfiofs
expect "vfiofs --device=: the devices on vfio-pci" "vfiofs --device=" "0000:00:03.0 0000:00:04.0"
expect "vfiofs --device=0000:00:03: after the last ':'" "vfiofs --device=0000:00:03" "03.0"
expect "vfiofs --device BDF (a space)" "vfiofs --device " "0000:00:03.0 0000:00:04.0"
expect "vfiofs --dev: --device --device=" "vfiofs --dev" "--device --device="
expect "vfiofs -o: every -o name" "vfiofs -o " \
	"adopt= allow_other bulk_width= default_permissions device= dma_limit= gid= iommufd noiommu nommap ro type1 uid= umask= unsafe_delegate vf_token="
expect "vfiofs -o nommap,bu: after the comma" "vfiofs -o nommap,bu" "nommap,bulk_width="
expect "vfiofs -o adopt=: its two values" "vfiofs -o adopt=" "all vfio-bind"
expect "vfiofs -o ro,device=: the devices on vfio-pci" "vfiofs -o ro,device=" "0000:00:03.0 0000:00:04.0"
expect "vfiofs -o uid=: no guess at a number" "vfiofs -o uid=" ""
expect "vfiofs MOUNTPOINT: directories" "vfiofs -o ro v" "vfio"
expect "vfiofs -f MOUNTPOINT: directories" "vfiofs -f " "other vfio"

# The sysfs root: SYSFS_ROOT (vfio-bind's) where VFIOFS_SYSFS_ROOT is unset.
_got=$(SYSFS_ROOT=$S bash -c '. "$1"; _vfiofs_bdfs on | tr "\n" " "' x "$COMP" 2>&1)
check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi; }
check_eq "SYSFS_ROOT is used too" "0000:00:03.0 0000:00:04.0 " "$_got"

if command -v shellcheck >/dev/null 2>&1; then
	if shellcheck -s bash "$COMP" >"$T/err" 2>&1 && shellcheck -x -s sh "$0" >"$T/err2" 2>&1; then
		pass "shellcheck: the completion and this test are clean"
	else
		fail "shellcheck: $(cat "$T/err" "$T/err2" | head -n 20)"
	fi
fi
finish
