#!/bin/sh
# SPDX-License-Identifier: MIT
# mount-helpers/vfio-bind against a made-up sysfs tree (SYSFS_ROOT, DEV_ROOT,
# VFIO_BIND_STATE in a temporary directory): argument handling and every
# refusal, which must change nothing. Real binding needs a kernel (the VM
# test bed's tests/integration/test_bind.sh does it). Runs under any POSIX sh.
set -u
cd "$(dirname "$0")/../.." || exit 1
VB=$(pwd)/mount-helpers/vfio-bind

# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh

SYS=$T/sys
SYSFS_ROOT=$SYS DEV_ROOT=$T/dev VFIO_BIND_STATE=$T/state
export SYSFS_ROOT DEV_ROOT VFIO_BIND_STATE
P=$SYS/bus/pci
mkdir -p "$P/devices" "$P/drivers" "$SYS/kernel/iommu_groups" "$T/dev/vfio"
: >"$P/drivers_probe"
pci_drivers vfio-pci serial pcieport e1000e

dev 0000:00:03.0 0x00ff00 vfio-pci 3      # edu, already on vfio-pci
dev 0000:00:06.0 0x060400 pcieport 5      # a root port
dev 0000:01:00.0 0x020000 e1000e 7        # behind it, alone in its group
dev 0000:00:08.0 0x070002 serial 6        # two functions, one group
dev 0000:00:08.1 0x088000 none 6
dev 0000:00:09.0 0x020000 e1000e none     # no IOMMU group
dev 0000:00:0a.0 0x060700 none 8          # a CardBus bridge
touch "$T/stamp"

# run ARGS...: vfio-bind with output in $T/out (stdout) and $T/err; sets RC.
run() {
	sh "$VB" "$@" >"$T/out" 2>"$T/err"
	RC=$?
}
# expect_rc DESC RC
expect_rc() {
	if [ "$RC" = "$2" ]; then pass "$1 (exit $RC)"; else
		fail "$1: exit $RC, expected $2; stderr: $(head -c 400 "$T/err" | tr '\n' ' ')"
	fi
}
# expect_err DESC TEXT: stderr holds TEXT (fixed string, case-insensitive).
expect_err() {
	if grep -qiF -- "$2" "$T/err"; then pass "$1"; else
		fail "$1: no '$2' in stderr: $(head -c 400 "$T/err" | tr '\n' ' ')"
	fi
}
# expect_out DESC LINE: stdout has LINE, whole.
expect_out() {
	if grep -qxF -- "$2" "$T/out"; then pass "$1"; else
		fail "$1: stdout: $(cat "$T/out")"
	fi
}
# unchanged DESC: no file of the tree was written since the start, no state.
unchanged() {
	_n=$(find "$SYS" "$T/dev" -newer "$T/stamp" -type f | wc -l | tr -d ' ')
	_o=$(cat "$P/devices/0000:00:08.1/driver_override")
	if [ "$_n" = 0 ] && [ "$_o" = ORIGINAL ] && [ ! -e "$T/state" ] &&
		[ "$(readlink "$P/devices/0000:00:08.0/driver")" = ../../drivers/serial ]; then
		pass "$1: nothing changed"
	else
		fail "$1: the tree changed ($_n files written, 08.1 driver_override '$_o', state: $(find "$T/state" 2>&1 | tr '\n' ' '))"
	fi
}
# real NAME: the program NAME as a file (busybox sh would run its own
# applet of that name instead), or nothing.
real() {
	for _d in /usr/bin /bin /usr/sbin /sbin; do
		if [ -x "$_d/$1" ]; then
			echo "$_d/$1"
			return 0
		fi
	done
}
# Files written during the test must be noticed: make the stamp older.
sleep 1

# Usage and argument handling.
run
expect_rc "no argument is a usage error" 2
expect_err "it prints the usage" "usage: vfio-bind"
run -h
expect_rc "-h" 0
if grep -q -- "--restore" "$T/out"; then pass "-h prints the usage on stdout"; else
	fail "-h: no usage on stdout"
fi
run --help
expect_rc "--help" 0
# The directories as they are, not shell syntax (users review, message 6).
if grep -qF "\${" "$T/out"; then fail "--help shows shell syntax: $(grep -F "\${" "$T/out")"; else
	pass "--help shows no shell syntax"
fi
if grep -qF "$VFIO_BIND_STATE/BDF holds the previous driver" "$T/out"; then
	pass "--help names the state directory in use"
else
	fail "--help: no '$VFIO_BIND_STATE/BDF' in: $(tail -n 2 "$T/out" | tr '\n' ' ')"
fi
run --bogus 0000:00:08.0
expect_rc "an unknown option is a usage error" 2
expect_err "it names the option" "--bogus"
run --user
expect_rc "--user without a name" 2
run --restore
expect_rc "--restore without a device" 2
run --restore --user root 0000:00:08.0
expect_rc "--user with --restore is a usage error" 2
for bad in 0000:00:08 00:08.8 0:00:08.0 000:00:08.0 0000:00:8.0 xyz:00:08.0 0000:0g:08.0 ../08.0; do
	run "$bad"
	expect_rc "'$bad' is not a PCI address" 2
done
expect_err "the message says which argument" "'../08.0'"
unchanged "bad arguments"

# Refusals.
run 0000:00:0b.0
expect_rc "a missing device is refused" 1
expect_err "the message names it" "no PCI device 0000:00:0b.0"
run 00:0b.0
expect_err "a short address is given its domain" "no PCI device 0000:00:0b.0"
run 0000:00:08.0 0000:00:0b.0
expect_rc "one missing device among several: refused" 1
unchanged "missing device"

run 0000:00:06.0
expect_rc "a bridge is refused" 1
expect_err "the message says it is a bridge" "0000:00:06.0 is a PCI bridge"
expect_err "with its class" "0x060400"
run 0000:00:0a.0
expect_rc "a CardBus bridge is refused" 1
unchanged "bridge"

run 0000:00:09.0
expect_rc "a device without an IOMMU group is refused" 1
expect_err "the message names the device" "0000:00:09.0 has no IOMMU group"
expect_err "and says to turn the IOMMU on" "intel_iommu=on"
expect_err "or AMD's" "amd_iommu=on"
expect_err "or no-IOMMU mode" "no-IOMMU mode"
unchanged "no IOMMU group"

run 0000:00:08.1
expect_rc "a group that would not be viable is refused" 1
expect_err "the message names the culprit" "0000:00:08.0"
expect_err "and its driver" "driver serial"
expect_err "and the command that works" "vfio-bind 0000:00:08.0 0000:00:08.1"
expect_err "and that nothing changed" "nothing changed"
if [ -s "$T/out" ]; then fail "something on stdout when refused: $(head -c 200 "$T/out")"; else
	pass "nothing on stdout when refused"
fi
run 00:08.1
expect_rc "the same with a short address" 1
expect_err "the same command suggested" "vfio-bind 0000:00:08.0 0000:00:08.1"
run --user root 0000:00:08.1
expect_err "--user is kept in the suggestion" "vfio-bind --user root 0000:00:08.0 0000:00:08.1"
unchanged "group not viable"

# A group with a bridge on pcieport is fine: 01:00.0's group gets the root
# port too; then it goes past the checks (and stops at the missing user).
ln -s ../../../../bus/pci/devices/0000:00:06.0 "$SYS/kernel/iommu_groups/7/devices/0000:00:06.0"
touch "$T/stamp"
sleep 1
run --user no_such_user_vfb 0000:01:00.0
expect_rc "an unknown user is refused" 1
expect_err "the message names the user" "no user no_such_user_vfb"
run --user -r 0000:00:08.0 0000:00:08.1
expect_rc "--user -r: not taken for id's flag (F20)" 1
expect_err "the message says so" "--user -r: not a user name"
run --user=no_such_user_vfb 0000:00:08.0 0000:00:08.1
expect_rc "an unknown user is refused (--user=, viable group)" 1
unchanged "unknown user"

# --restore of a device not on vfio-pci.
run --restore 0000:00:08.0
expect_rc "--restore of a device on another driver is refused" 1
expect_err "the message says so" "0000:00:08.0 is not bound to vfio-pci (driver: serial)"
run -u 0000:00:08.1
expect_rc "-u (the old spelling) of a device with no driver is refused" 1
expect_err "the message says so" "0000:00:08.1 is not bound to vfio-pci (driver: none)"
run --restore 0000:00:03.0 0000:00:08.1
expect_rc "--restore with one device not on vfio-pci refuses all" 1
if [ -z "$(cat "$P/drivers/vfio-pci/unbind")" ]; then
	pass "the device on vfio-pci was not unbound"
else
	fail "vfio-pci/unbind was written: $(cat "$P/drivers/vfio-pci/unbind")"
fi
run --restore 0000:00:0b.0
expect_rc "--restore of a missing device" 1
unchanged "--restore refused"

# A probe that does not end on vfio-pci (here: nothing binds in a made-up
# tree) is reported and undone: no override, no record left behind.
dev 0000:00:0c.0 0x000000 none 9
run 0000:00:0c.0
expect_rc "a failed probe is an error" 1
expect_err "it says so" "0000:00:0c.0: not bound to vfio-pci after the probe (driver: none); see dmesg"
if [ "$(cat "$P/devices/0000:00:0c.0/driver_override")" = "" ] && [ ! -e "$T/state/0000:00:0c.0" ]; then
	pass "the failed bind was undone (driver_override cleared, no record)"
else
	fail "after a failed bind: driver_override '$(cat "$P/devices/0000:00:0c.0/driver_override")', record: $(cat "$T/state/0000:00:0c.0" 2>&1)"
fi
if grep -qx 0000:00:0c.0 "$P/drivers_probe"; then pass "the kernel was asked to probe it"; else
	fail "drivers_probe holds '$(cat "$P/drivers_probe")'"
fi

# F12, all or nothing: two devices, the second's unbind fails (its driver's
# unbind file is a directory). The first, already off its driver, goes
# back to it; neither keeps an override or a record.
dev 0000:00:10.0 0x020000 e1000e 12
dev 0000:00:11.0 0x070002 serial2 13
mkdir -p "$P/drivers/serial2/unbind"
: >"$P/drivers/serial2/bind"
: >"$P/drivers/e1000e/bind"
: >"$P/drivers/e1000e/unbind"
run 0000:00:10.0 0000:00:11.0
expect_rc "a bind whose second device fails is an error" 1
expect_err "it names the failure" "0000:00:11.0: unbinding it from serial2 failed"
expect_err "and says nothing is bound" "nothing bound: every device is back where it was"
if [ "$(cat "$P/drivers/e1000e/unbind")" = 0000:00:10.0 ] &&
	[ "$(cat "$P/drivers/e1000e/bind")" = 0000:00:10.0 ]; then
	pass "the first device was unbound, then bound to e1000e again"
else
	fail "e1000e unbind '$(cat "$P/drivers/e1000e/unbind")', bind '$(cat "$P/drivers/e1000e/bind")'"
fi
for b in 0000:00:10.0 0000:00:11.0; do
	if [ "$(cat "$P/devices/$b/driver_override")" = "" ] && [ ! -e "$T/state/$b" ]; then
		pass "$b: no override, no record left"
	else
		fail "$b: driver_override '$(cat "$P/devices/$b/driver_override")', record: $(cat "$T/state/$b" 2>&1)"
	fi
done

# Not root (the device's driver_override cannot be written): said first,
# nothing tried.
chmod 0444 "$P/devices/0000:00:10.0/driver_override"
if [ "$(id -u)" = 0 ]; then
	# root writes any file: a user does the test.
	if [ -n "$(real setpriv)" ]; then
		chmod -R a+rX "$T" 2>/dev/null
		"$(real setpriv)" --reuid=65534 --regid=65534 --clear-groups sh "$VB" 0000:00:10.0 >"$T/out" 2>"$T/err"
		RC=$?
	else
		RC=skip
	fi
else
	run 0000:00:10.0
fi
if [ "$RC" = skip ]; then
	note "no setpriv: the not-root message is not checked"
else
	expect_rc "not root" 1
	expect_err "it says to run as root" "run vfio-bind as root"
fi
chmod 0644 "$P/devices/0000:00:10.0/driver_override"

# The ways into a device on vfio-pci: its group's node and, on kernels with
# iommufd device files, its own file (sysfs vfio-dev/vfioN with a device
# number; a no-IOMMU device has the entry but no number, so no file). The
# paths as /proc/PID/fd shows them: DEV_ROOT without symlinks.
RD=$(cd "$T" && pwd -P)/dev
mkdir -p "$RD/vfio/devices" "$P/devices/0000:00:03.0/vfio-dev/vfio0"
: >"$P/devices/0000:00:03.0/vfio-dev/vfio0/dev"
: >"$RD/vfio/3"
: >"$RD/vfio/devices/vfio0"
dev 0000:00:0d.0 0x00ff00 vfio-pci 10 # no-IOMMU: noiommu-10, no device file
mkdir -p "$P/devices/0000:00:0d.0/vfio-dev/vfio1"
: >"$RD/vfio/noiommu-10"
me=$(id -un)

# --user gives the group node and the device's own file.
chmod 0644 "$RD/vfio/3" "$RD/vfio/devices/vfio0"
DEV_ROOT=$RD sh "$VB" --user "$me" 0000:00:03.0 >"$T/out" 2>"$T/err"
RC=$?
expect_rc "--user of a device on vfio-pci with a device file" 0
expect_out "it reports the group node" "0000:00:03.0: vfio-pci, iommu group 3 ($RD/vfio/3), was vfio-pci"
for f in "$RD/vfio/3" "$RD/vfio/devices/vfio0"; do
	if [ "$(stat -c %a "$f")" = 600 ] && [ "$(stat -c %u "$f")" = "$(id -u)" ]; then
		pass "--user: ${f#"$RD"/} is the user's, mode 0600"
	else
		fail "--user: ${f#"$RD"/} is $(stat -c '%u %a' "$f")"
	fi
done
expect_err "it says the devices' own files are given too" "the devices' own files"
# No-IOMMU: the group node only, at once (no wait for a device file).
chmod 0644 "$RD/vfio/noiommu-10"
t0=$(date +%s)
DEV_ROOT=$RD sh "$VB" --user "$me" 0000:00:0d.0 >"$T/out" 2>"$T/err"
RC=$?
t1=$(date +%s)
expect_rc "--user of a no-IOMMU device" 0
expect_out "it reports the no-IOMMU group node" "0000:00:0d.0: vfio-pci, iommu group 10 ($RD/vfio/noiommu-10), was vfio-pci"
if [ "$(stat -c %a "$RD/vfio/noiommu-10")" = 600 ]; then pass "noiommu-10 mode 0600"; else
	fail "noiommu-10 mode $(stat -c %a "$RD/vfio/noiommu-10")"
fi
if [ $((t1 - t0)) -lt 3 ]; then pass "no wait for a device file a no-IOMMU device lacks"; else
	fail "it took $((t1 - t0)) s"
fi

# --restore while processes hold the device: the unbind (a FIFO here, so it
# blocks until read) takes over 5 s, and vfio-bind names who holds the group
# node and who the device's own file, also once the kernel has removed it.
U=$P/drivers/vfio-pci/unbind
rm -f "$U"
mkfifo "$U"
# The holder's name (comm) is its owner's choice: an escape sequence in it
# must not reach root's terminal (F20).
mkdir -p "$T/bin"
esc=$(printf 'sl\033[1m')
cp "$(real sleep)" "$T/bin/$esc"
"$T/bin/$esc" 60 3<"$RD/vfio/3" &
h1=$!
# A state file whose driver is no driver name: not used in a path (F20).
echo "../../evil" >"$VFIO_BIND_STATE/0000:00:03.0"
: >"$P/drivers_probe"
sleep 60 4<"$RD/vfio/devices/vfio0" &
h2=$!
sleep 0.2
rm -f "$RD/vfio/devices/vfio0" # as the kernel does when the unbind starts
DEV_ROOT=$RD sh "$VB" --restore 0000:00:03.0 >"$T/out" 2>"$T/err" &
vb=$!
i=0
while [ $i -lt 100 ] && ! grep -q "still held open" "$T/err"; do
	sleep 0.1
	i=$((i + 1))
done
timeout 5 cat "$U" >/dev/null
wait "$vb"
RC=$?
kill "$h1" "$h2" 2>/dev/null
wait "$h1" "$h2" 2>/dev/null
expect_rc "--restore through a slow unbind" 0
expect_err "it names the group node's holder, printable only" "$h1 (sl[1m) through $RD/vfio/3"
if grep -q "$(printf '\033')" "$T/err"; then fail "an escape reached the terminal"; else
	pass "no escape reached the terminal"
fi
if [ "$(cat "$P/drivers_probe")" = 0000:00:03.0 ]; then
	pass "a bad recorded driver: the kernel chooses (drivers_probe)"
else
	fail "a bad recorded driver: drivers_probe holds '$(cat "$P/drivers_probe")'"
fi
expect_err "and the device file's holder" "$h2 (sleep) through $RD/vfio/devices/vfio0"
rm -f "$U"
: >"$U"

# A kernel with device files only (no VFIO group class): the device's own
# file is what appears, and what is reported.
mkdir -p "$SYS/class/vfio-dev"
dev 0000:00:0e.0 0x00ff00 vfio-pci 11
mkdir -p "$P/devices/0000:00:0e.0/vfio-dev/vfio2"
: >"$P/devices/0000:00:0e.0/vfio-dev/vfio2/dev"
: >"$RD/vfio/devices/vfio2"
DEV_ROOT=$RD sh "$VB" 0000:00:0e.0 >"$T/out" 2>"$T/err"
RC=$?
expect_rc "a device with its own file but no group node" 0
expect_out "it reports the device file" "0000:00:0e.0: vfio-pci, iommu group 11 ($RD/vfio/devices/vfio2), was vfio-pci"

# Shells: the script must run under dash and busybox ash too.
for s in dash "busybox ash"; do
	command -v "${s%% *}" >/dev/null 2>&1 || continue
	$s "$VB" 0000:00:08.1 >/dev/null 2>"$T/err"
	RC=$?
	expect_rc "under $s: the not-viable refusal" 1
	expect_err "under $s: the culprit named" "0000:00:08.0 (driver serial)"
done
if command -v shellcheck >/dev/null 2>&1; then
	if shellcheck -x "$VB" "$0" >"$T/err" 2>&1; then pass "shellcheck clean"; else
		fail "shellcheck: $(head -c 600 "$T/err")"
	fi
fi

finish
