#!/bin/sh
# SPDX-License-Identifier: MIT
# The audit's F1 (test_f1_stale_forget of tests/fs/test_fs.c) on the fs/ of
# 7b305ae, the tree the audit read, and on this tree. The harness, the
# scenario and the model kernel are this tree's; compat.c maps the
# harness's device calls onto 7b305ae's fs/ (as its fs/hotplug.c made and
# dropped devices) and nothing else. Needs the git history (7b305ae).
#   tests/fs/7b305ae/run.sh   (make f1-7b305ae)
# On 7b305ae the model kernel first stops at the nodeid that 7b305ae hands
# out again while the kernel holds it; with FSH_LINUX_REUSE=1 it does what
# Linux does there, and the late FORGET frees the open register's node:
# AddressSanitizer reports a heap-use-after-free. On this tree it passes.
set -u
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=$ROOT/build/7b305ae
cd "$ROOT"
rm -rf "$OUT"
mkdir -p "$OUT/tree"
git archive 7b305ae | tar -x -C "$OUT/tree" || {
	echo "f1-7b305ae: no commit 7b305ae in this clone's history"
	exit 1
}
mkdir -p "$OUT/tree/tests/fs"
cp tests/fs/harness.c tests/fs/harness.h tests/fs/test_fs.c "$OUT/tree/tests/fs/"
cp -r tests/fs/7b305ae "$OUT/tree/tests/fs/"
cd "$OUT/tree"
SAN="-g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
CF="-std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -I. -Itests/fs/7b305ae/include $(pkg-config --cflags fuse3)"
SRC="tests/fs/harness.c tests/fs/7b305ae/compat.c fs/file_dma.c fs/file_irq.c
 fs/file_region.c fs/file_regs.c fs/file_text.c fs/nodes.c fs/ops.c fs/tree.c
 $(ls core/*.c | grep -v '^core/log.c$')"
# shellcheck disable=SC2086
gcc $CF $SAN -Dmain=test_fs_main -c tests/fs/test_fs.c -o test_fs.o &&
	gcc $CF $SAN -o f1 tests/fs/7b305ae/f1_main.c test_fs.o $SRC -lcmocka \
		-lpthread $(pkg-config --libs fuse3) || {
	echo "f1-7b305ae: build failed"
	exit 1
}
fails=0
export ASAN_OPTIONS=detect_leaks=0
./f1 >strict.txt 2>&1
if grep -q "handed out again" strict.txt; then
	echo "ok - 7b305ae: $(grep -m1 'handed out again' strict.txt)"
else
	echo "FAIL - 7b305ae: the model kernel did not see a nodeid reused"
	fails=$((fails + 1))
fi
FSH_LINUX_REUSE=1 ./f1 >linux.txt 2>&1
if grep -q "heap-use-after-free" linux.txt; then
	echo "ok - 7b305ae with FSH_LINUX_REUSE=1: $(grep -m1 'ERROR: AddressSanitizer' linux.txt | sed 's/ on address.*//')"
	grep -m3 -E '^ +#[0-2] ' linux.txt | sed 's/^/    /'
else
	echo "FAIL - 7b305ae with FSH_LINUX_REUSE=1: no heap-use-after-free"
	fails=$((fails + 1))
fi
cd "$ROOT"
make -s build/asan/tests/test_fs >/dev/null &&
	FSH_LINUX_REUSE=1 build/asan/tests/test_fs >"$OUT/head.txt" 2>&1
if grep -q '^\[       OK \] test_f1_stale_forget' "$OUT/head.txt"; then
	echo "ok - this tree: test_f1_stale_forget passes (also with FSH_LINUX_REUSE=1)"
else
	echo "FAIL - this tree: test_f1_stale_forget"
	fails=$((fails + 1))
fi
echo "outputs in $OUT/tree/strict.txt, linux.txt and $OUT/head.txt"
[ "$fails" -eq 0 ]
