#!/bin/sh
# SPDX-License-Identifier: MIT
# What README and vfiofs.8 promise about this machine, checked on it:
# - README starts on a real machine (bind, mount, read, interrupt, DMA,
#   unmount) before the test bed's two commands;
# - make demo, vm-shell and bench fetch Debian's kernels and never build
#   the project's own (make -n);
# - what the man page says each tool reads from a file (GNU coreutils as
#   Debian 12 has them, busybox where it differs), measured with strace on
#   a plain file: the first read(2) of the file, or sendfile(2).
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh

# README: the real machine's lines come first, in that order, before
# `make demo`.
order=""
for w in 'vfio-bind 0000' 'vfiofs /mnt/vfio' 'regs/config' 'irq/0/events' \
	'dma/buf' 'umount /mnt/vfio' 'vfio-bind --restore' 'make demo'; do
	n=$(grep -nF -- "$w" README | head -n 1 | cut -d: -f1)
	order="$order ${n:-0}"
done
prev=0 ok=1
for n in $order; do
	[ "$n" -gt "$prev" ] || ok=0
	prev=$n
done
if [ $ok = 1 ] && [ "$(echo "$order" | awk '{ print $1 }')" -lt 40 ]; then
	pass "README: bind, mount, read, interrupt, DMA, unmount, restore, then make demo (lines$order)"
else
	fail "README: not in order, or not at the top (lines$order)"
fi

# make -n: what demo, vm-shell and bench would run. The recursive make lines
# run (dry too); the project's kernel build is tests/vm/kernel-build.sh, and
# kernels.sh with no argument fetches every kernel.
for tgt in demo vm-shell bench; do
	make -n --no-print-directory "$tgt" >"$T/n.$tgt" 2>&1
	if grep -q 'kernel-build.sh' "$T/n.$tgt"; then
		fail "make $tgt builds the project's kernel"
	elif grep -qE 'kernels\.sh *$' "$T/n.$tgt"; then
		fail "make $tgt fetches every kernel"
	elif ! grep -qE 'kernels\.sh 6\.12' "$T/n.$tgt"; then
		fail "make $tgt: no 'kernels.sh 6.12' in: $(tr '\n' ' ' <"$T/n.$tgt" | head -c 300)"
	else
		pass "make $tgt fetches only Debian's kernels: $(grep -oE 'kernels\.sh[ 0-9.]*' "$T/n.$tgt" | head -n 1)"
	fi
done

# The man page as a reader sees it.
MANWIDTH=400 man -l man/vfiofs.8 2>/dev/null | col -b | tr '\n\t' '  ' | tr -s ' ' >"$T/man"
says() {
	if grep -qF -- "$2" "$T/man"; then pass "vfiofs.8 says: $2"; else
		fail "vfiofs.8 does not say: $2 ($1)"
	fi
}

if ! command -v strace >/dev/null 2>&1; then
	skip "no strace here: the tool measurements"
	finish
fi
F=$T/file
head -c 1048576 /dev/zero >"$F"
# first_io CMD...: how CMD (its output into a pipe) first reads $F:
# "read N" (the size asked for), or "sendfile", "splice",
# "copy_file_range". The file's fd is followed through dup2/dup3 (dd and
# hexdump move it to 0).
first_io() {
	strace -o "$T/st" -e trace=openat,open,dup2,dup3,read,sendfile,splice,copy_file_range \
		"$@" </dev/null 2>/dev/null | cat >/dev/null
	awk -v f="$F" '
	function arg(i, _s, _a) {
		_s = $0; sub(/^[a-z_0-9]+\(/, "", _s); split(_s, _a, ", "); return _a[i]
	}
	(/^openat\(/ || /^open\(/) && index($0, "\"" f "\"") { fd = $NF; next }
	fd == "" { next }
	/^dup[23]\(/ && arg(1) == fd { fd = $NF; next }
	/^read\(/ && arg(1) == fd {
		n = $0; sub(/\) *= .*/, "", n); sub(/.*, /, "", n)
		print "read " n; exit
	}
	/^(sendfile|splice|copy_file_range)\(/ && (arg(1) == fd || arg(2) == fd) {
		n = $0; sub(/\(.*/, "", n); print n; exit
	}' "$T/st"
}
# measured DESC EXPECTED CMD...: CMD's first access to $F is EXPECTED.
measured() {
	_d=$1 _e=$2
	shift 2
	_got=$(first_io "$@")
	if [ "$_got" = "$_e" ]; then pass "$_d: $*: $_got"; else
		fail "$_d: $*: '$_got', the man page says '$_e'"
	fi
}

says "GNU head -c" "GNU head -c 4, od -N4 and dd bs=4 count=1 read exactly 4 bytes"
measured "GNU head -c 4 reads 4 bytes" "read 4" head -c 4 "$F"
measured "GNU od -N4 reads 4 bytes" "read 4" od -N4 "$F"
measured "GNU dd bs=4 count=1 reads 4 bytes" "read 4" dd if="$F" bs=4 count=1 status=none
says "xxd, hexdump" "xxd -l 4 and hexdump -n 4 read 4 KiB"
if command -v xxd >/dev/null 2>&1; then
	measured "xxd -l 4 reads 4 KiB" "read 4096" xxd -l 4 "$F"
fi
if command -v hexdump >/dev/null 2>&1; then
	measured "hexdump -n 4 reads 4 KiB" "read 4096" hexdump -n 4 "$F"
fi
says "GNU cat" "GNU cat reads 128 KiB at a time"
measured "GNU cat into a pipe reads 128 KiB with read(2)" "read 131072" cat "$F"
says "GNU cat and 6.12" "GNU cat uses read(2)"
BB=$(command -v busybox 2>/dev/null)
if [ -n "$BB" ]; then
	says "busybox" "busybox differs: its head -c 4 reads 4 KiB too"
	measured "busybox head -c 4 reads 4 KiB" "read 4096" "$BB" head -c 4 "$F"
	measured "busybox dd bs=4 count=1 is exact" "read 4" "$BB" dd if="$F" bs=4 count=1
	says "busybox cat" "its cat copies with sendfile(2)"
	measured "busybox cat into a pipe copies with sendfile" "sendfile" "$BB" cat "$F"
fi
finish
