#!/bin/sh
# SPDX-License-Identifier: MIT
# Operations a device tree refuses, and text files' bad values.
. "$(dirname "$0")/lib.sh"
require_mount

d=$M/$EDU
check_errno "touch a new file in a device directory" EPERM touch "$d/newfile"
check_errno "touch a new file at the top" EPERM touch "$M/newfile"
check_errno "mkdir in a device directory" EPERM mkdir "$d/newdir"
check_errno "mkdir a device at the top" EPERM mkdir "$M/0000:00:09.0"
check_errno "rm config" EPERM rm -f "$d/config"
check_errno "rm a register" EPERM rm -f "$d/regs/bar0/0x0"
check_errno "rmdir regs" EPERM rmdir "$d/regs"
check_errno "rmdir a device" EPERM rmdir "$d"
check_errno "mv config" EPERM mv "$d/config" "$d/config2"
check_errno "truncate -s 0 config" EPERM truncate -s 0 "$d/config"
check_errno "truncate -s 0 bar0" EPERM truncate -s 0 "$d/bar0"
check_errno "chmod config" EPERM chmod 777 "$d/config"
check_errno "ln -s in a device directory" EPERM ln -s config "$d/link"
check_errno "echo abc > reset" EINVAL put abc "$d/reset"
check_errno "echo abc > reset_method (unknown method)" EINVAL put abc "$M/$NVME/reset_method"
check "config still there" test -f "$d/config"
check_text "vendor still reads" "$d/vendor" 0x1234
check_eq "bar0 still $((1 << 20)) bytes" 1048576 "$(stat -c %s "$d/bar0")"
check_errno "no file was created" ENOENT stat "$d/newfile"

finish
