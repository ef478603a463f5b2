#!/bin/sh
# SPDX-License-Identifier: MIT
# regs/: a text view of one register at a time.
. "$(dirname "$0")/lib.sh"
require_mount

r=$M/$EDU/regs
check_text "regs/bar0/0x0 is edu's ID" "$r/bar0/0x0" 0x010000ed
check "echo 0x12345678 > regs/bar0/0x4" put 0x12345678 "$r/bar0/0x4"
check_text "regs/bar0/0x4 reads the inverse" "$r/bar0/0x4" 0xedcba987
check "echo decimal 305419896 > regs/bar0/0x4" put 305419896 "$r/bar0/0x4"
check_text "decimal write took the same value" "$r/bar0/0x4" 0xedcba987
check "write without a trailing newline" sh -c "printf 0x0 > '$r/bar0/0x4'"
check_text "regs/bar0/0x4 after writing 0" "$r/bar0/0x4" 0xffffffff
check_text "a leading zero names the same register (0x04)" "$r/bar0/0x04" 0xffffffff
check_eq "the binary file agrees" ffffffff "$(rd "$M/$EDU/bar0" 4 4)"

# 64-bit: edu's DMA source register.
check "echo 0x1122334455667788 > regs/bar0/0x80:64" put 0x1122334455667788 "$r/bar0/0x80:64"
check_text "regs/bar0/0x80:64" "$r/bar0/0x80:64" 0x1122334455667788
check_text "regs/bar0/0x80 (32-bit) is the low half" "$r/bar0/0x80" 0x55667788
check_text "regs/bar0/0x80:32 is the same register" "$r/bar0/0x80:32" 0x55667788
put 0 "$r/bar0/0x80:64"
check_text "regs/bar0/0x80:64 cleared" "$r/bar0/0x80:64" 0x0000000000000000

# 8 and 16 bits: config space and ivshmem's RAM.
check_text "regs/config/0x0:16 is the vendor" "$r/config/0x0:16" 0x1234
check_text "regs/config/0x2:16 is the device" "$r/config/0x2:16" 0x11e8
check_text "regs/config/0x0:8" "$r/config/0x0:8" 0x34
check_text "regs/config/0x1:8" "$r/config/0x1:8" 0x12
check_text "regs/config/0x0 (32-bit)" "$r/config/0x0" 0x11e81234
check_eq "regs/config/0x04:16 names the command register" \
	"$(cat "$r/config/0x4:16")" "$(cat "$r/config/0x04:16")"
v=$M/$IVSHMEM/regs/bar2
check "echo 0xab > ivshmem regs/bar2/0x3010:8" put 0xab "$v/0x3010:8"
check "echo 0xcdef > ivshmem regs/bar2/0x3012:16" put 0xcdef "$v/0x3012:16"
check_text "ivshmem regs/bar2/0x3010 shows both" "$v/0x3010" 0xcdef00ab
check_text "ivshmem regs/bar2/0x3010:64" "$v/0x3010:64" 0x00000000cdef00ab
put 0 "$v/0x3010:64"
check_text "ivshmem regs/bar2/0x3010:64 cleared" "$v/0x3010:64" 0x0000000000000000

# Names that are not registers.
check_errno "misaligned 0x2:32" ENOENT cat "$r/bar0/0x2:32"
check_errno "misaligned 0x1:16" ENOENT cat "$r/config/0x1:16"
check_errno "misaligned 0x4:64" ENOENT cat "$r/bar0/0x4:64"
check_errno "unknown width :24" ENOENT cat "$r/bar0/0x0:24"
check_errno "register past the end of bar0" ENOENT cat "$r/bar0/0x100000"
check_errno "64-bit register crossing the end" ENOENT cat "$r/bar0/0xffffc:64"
check_text "last register of bar0 exists" "$r/bar0/0xffffc" "$(printf '0x%08x' 0xffffffff)"
check_errno "register past the end of config (256 bytes)" ENOENT cat "$r/config/0x100"
check_errno "not a number" ENOENT cat "$r/bar0/zz"
check_errno "no such region" ENOENT cat "$r/bar1/0x0"

# Bad values change nothing.
put 0x12345678 "$r/bar0/0x4"
check_errno "value too big for 32 bits" EINVAL put 0x100000000 "$r/bar0/0x4"
check_errno "value too big for 8 bits" EINVAL put 0x100 "$v/0x3010:8"
check_errno "not a number" EINVAL put abc "$r/bar0/0x4"
check_errno "empty value" EINVAL put "" "$r/bar0/0x4"
check_errno "trailing garbage" EINVAL put 0x12x "$r/bar0/0x4"
check_text "liveness unchanged by the bad writes" "$r/bar0/0x4" 0xedcba987
check_text "ivshmem byte unchanged" "$v/0x3010:8" 0x00

finish
