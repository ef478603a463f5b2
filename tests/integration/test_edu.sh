#!/bin/sh
# SPDX-License-Identifier: MIT
# edu's factorial unit, driven through regs/ and through bar0.
. "$(dirname "$0")/lib.sh"
require_mount

r=$M/$EDU/regs/bar0
check "echo 5 > regs/bar0/0x8 starts a factorial" put 5 "$r/0x8"
check "status (0x20) bit 0 clears (computation done)" poll_bit_clear "$r/0x20" 1
check_text "5! = 0x78 in regs/bar0/0x8" "$r/0x8" 0x00000078

# The same with dd on the binary file.
f=$M/$EDU/bar0
check "write 10 to 0x8 with dd" wr "$f" 8 "$(le32 10)"
check "status bit 0 clears" poll_bit_clear "$r/0x20" 1
check_eq "10! = 3628800 = 0x375f00 read with dd" 00375f00 "$(rd "$f" 8 4)"

# Back to back, values read in decimal by the shell.
ok=1
for n in 1 2 3 4 6 7; do
	put "$n" "$r/0x8"
	poll_bit_clear "$r/0x20" 1 || ok=0
	want=1 i=1
	while [ $i -le "$n" ]; do want=$((want * i)); i=$((i + 1)); done
	got=$(cat "$r/0x8")
	if ! is_num "$got"; then
		ok=0
		echo "  $n!: read '$got', not a number"
	elif [ $((got)) -ne "$want" ]; then
		ok=0
		echo "  $n! = $got, expected $want"
	fi
done
check_eq "1! 2! 3! 4! 6! 7! all right" 1 "$ok"

finish
