#!/bin/sh
# SPDX-License-Identifier: MIT
# Text files read whole right after a write, whatever tool reads them. (A FUSE
# kernel caches a file's size: after `echo 0 >` opened it with O_TRUNC and
# wrote 2 bytes, a reader that goes through the page cache — busybox cat uses
# sendfile, which on 6.12 reads FUSE files through the page cache even with
# direct_io — sees at most 2 bytes until the cached size expires.)
. "$(dirname "$0")/lib.sh"
require_mount

r=$M/$EDU/regs/bar0
put 0 "$r/0x80:64"
check_eq "dd right after echo 0 > regs/bar0/0x80:64" 0x0000000000000000 \
	"$(dd if="$r/0x80:64" bs=64 count=1 status=none)"
put 0 "$r/0x80:64"
check_text "cat right after echo 0 > regs/bar0/0x80:64" "$r/0x80:64" 0x0000000000000000
put 0 "$r/0x80:64"
check_eq "head -n1 right after echo 0 >" 0x0000000000000000 "$(head -n1 "$r/0x80:64")"
put 0 "$r/0x80:64"
check_eq "read (shell builtin) right after echo 0 >" 0x0000000000000000 \
	"$(read -r v <"$r/0x80:64"; echo "$v")"
put 0x12345678 "$r/0x4"
check_text "cat after writing 11 bytes to a 10-byte file" "$r/0x4" 0xedcba987
check_errno "a rejected write" EINVAL put bogus "$M/$NVME/reset_method"
check_text "cat right after a rejected write" "$M/$NVME/reset_method" flr
check "echo 1 > reset" put 1 "$M/$NVME/reset"
check_eq "cat counters right after equals dd of it" \
	"$(dd if="$M/$NVME/counters" bs=65536 count=1 status=none | md5sum)" \
	"$(cat "$M/$NVME/counters" | md5sum)"
check_text "cat vendor (never written)" "$M/$NVME/vendor" 0x1b36

# Binary files after an O_TRUNC open: `echo x > bar` truncates nothing.
sh -c "printf '\\0\\0\\0\\0' > '$M/$IVSHMEM/bar2'" 2>/dev/null
check_eq "ivshmem bar2 still 1 MiB after an O_TRUNC open" 1048576 "$(stat -c %s "$M/$IVSHMEM/bar2")"
check_eq "cat ivshmem bar2 | wc -c right after an O_TRUNC open" 1048576 \
	"$(cat "$M/$IVSHMEM/bar2" | wc -c | tr -d ' ')"

# Each write() is one value, whatever the offset (as sysfs takes it).
# edu's 0x04 reads back the bitwise NOT of what was written.
check "echo 1 >> reset (O_APPEND)" sh -c "echo 1 >> '$M/$NVME/reset'"
check "two echos on one fd" sh -c "exec 3>'$r/0x4'; echo 1 >&3; echo 2 >&3"
check_text "... the second is the value" "$r/0x4" 0xfffffffd
check "exec 3>cpu; echo 0 >&3; echo 1 >&3" \
	sh -c "exec 3>'$M/$EDU/irq/0/cpu'; echo 0 >&3; echo 1 >&3"
check_text "... the vector is on CPU 1" "$M/$EDU/irq/0/cpu" 1
check "printf 0x7 (no newline) > a register" sh -c "printf 0x7 > '$r/0x4'"
check_text "... stored when the file is closed" "$r/0x4" 0xfffffff8
check_eq "a bad value without a newline: refused at the write" "EINVAL ok" \
	"$(irqtool put "$r/0x4" bogus)"
# One value in two writes: refused whole, nothing stored.
check_eq "a value split across two writes: the rest refused" "ok EINVAL ok" \
	"$(irqtool put "$r/0x4" 0x12 '34\n')"
check_text "... and nothing stored" "$r/0x4" 0xfffffff8
check_eq "split in three: the middle and the end refused" "ok EINVAL EINVAL ok" \
	"$(irqtool put "$r/0x4" 0x1 23 '4\n')"
check_text "... nothing stored" "$r/0x4" 0xfffffff8
check_eq "a held value's error comes back from close" "ok EBUSY" \
	"$(sh -c "exec 3<'$M/$EDU/irq/0/events'; irqtool put '$M/$EDU/irq/mode' intx")"
check_text "... and the mode did not change" "$M/$EDU/irq/mode" msi

finish
