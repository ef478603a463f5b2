#!/bin/sh
# SPDX-License-Identifier: MIT
# vfio-bind (/usr/sbin/vfio-bind, mount-helpers/vfio-bind) on the bed's
# two-function slot: 0000:00:08.0 pci-serial (on the guest's `serial` driver
# at boot) and 0000:00:08.1 pvpanic-pci (no driver), one IOMMU group. A
# bridge is refused; one function alone is refused (the group would not be
# viable) and nothing changes; both together bind, and the mounted vfiofs
# shows them within a second; --restore gives them back (the unbind is quick
# though vfiofs has them open) and they leave the mount; --user gives the
# group node to a user, and a function joining a group vfiofs already shows
# appears too. Ends as it started.
# Without an IOMMU (VFIOFS_IOMMU=none) there are no shared groups: vfio-pci
# makes each function its own no-IOMMU group (/dev/vfio/noiommu-N) when it
# binds it, so one function alone binds, and each reports its own group.
. "$(dirname "$0")/lib.sh"
require_mount

VB=/usr/sbin/vfio-bind
SER=0000:00:08.0
PVP=0000:00:08.1
BRIDGE=0000:00:06.0
S=/sys/bus/pci/devices
VP=/sys/bus/pci/drivers/vfio-pci

# grp BDF: the device's IOMMU group number ("" while it has none);
# gnode BDF: its group's node in /dev/vfio.
grp() { _l=$(readlink "$S/$1/iommu_group" 2>/dev/null) && basename "$_l"; }
gnode() {
	if [ "$VFIOFS_IOMMU" = none ]; then echo "/dev/vfio/noiommu-$(grp "$1")"; else
		echo "/dev/vfio/$(grp "$1")"
	fi
}
# shellcheck disable=SC2010
ndevs() { ls "$M" | grep -c '^[0-9a-f]\{4\}:'; }

# vb ARGS...: run vfio-bind in the background (a step that blocks in the
# kernel must not hang the test), its output in $LIB_TMP/vb.out and vb.err.
# Meanwhile, every 20 ms, note when each of $SER and $PVP is first seen on
# vfio-pci (ON_x), off it (OFF_x), present in the mount (IN_x), gone from it
# (OUT_x), in ms since the start; the watch goes on after vfio-bind exits
# until the mount matches the drivers, for at most 10 s in all. VB_RC: the
# exit status, or "hung" after 20 s (the process is killed then).
vb_sample() {
	_t=$(($(now_ms) - T0))
	if [ -e "$VP/$SER" ]; then [ -n "$ON_S" ] || ON_S=$_t; else [ -n "$OFF_S" ] || OFF_S=$_t; fi
	if [ -e "$VP/$PVP" ]; then [ -n "$ON_P" ] || ON_P=$_t; else [ -n "$OFF_P" ] || OFF_P=$_t; fi
	if [ -e "$M/$SER/vendor" ]; then [ -n "$IN_S" ] || IN_S=$_t; else [ -n "$OUT_S" ] || OUT_S=$_t; fi
	if [ -e "$M/$PVP/vendor" ]; then [ -n "$IN_P" ] || IN_P=$_t; else [ -n "$OUT_P" ] || OUT_P=$_t; fi
}
vb() {
	T0=$(now_ms)
	ON_S="" ON_P="" OFF_S="" OFF_P="" IN_S="" IN_P="" OUT_S="" OUT_P=""
	"$VB" "$@" >"$LIB_TMP/vb.out" 2>"$LIB_TMP/vb.err" </dev/null &
	_p=$! _run=1
	while :; do
		vb_sample
		if [ $_run = 1 ] && ! kill -0 "$_p" 2>/dev/null; then
			wait "$_p"
			VB_RC=$? _run=0 VB_MS=$_t
		fi
		if [ $_run = 0 ]; then
			# Done when the mount shows exactly the devices on vfio-pci.
			_ok=1
			for _b in $SER $PVP; do
				[ -e "$VP/$_b" ] && [ ! -e "$M/$_b/vendor" ] && _ok=0
				[ ! -e "$VP/$_b" ] && [ -e "$M/$_b" ] && _ok=0
			done
			[ $_ok = 1 ] && break
		fi
		[ $_run = 1 ] && [ "$_t" -ge $((20000 * SLOW)) ] && break
		[ $_run = 0 ] && [ "$_t" -ge $((10000 * SLOW)) ] && break
		sleep 0.02
	done
	# The state that ended the watch may have come after the last sample.
	vb_sample
	if [ $_run = 1 ]; then
		kill -KILL "$_p" 2>/dev/null
		VB_RC=hung VB_MS=$_t
	fi
	sed 's/^/    | /' "$LIB_TMP/vb.out" "$LIB_TMP/vb.err"
}
# The vfio-bind output holds a fixed string.
vb_said() { grep -qF -- "$1" "$LIB_TMP/vb.out" "$LIB_TMP/vb.err"; }
# lt DESC VALUE LIMIT: VALUE (ms) is set and under LIMIT.
lt() {
	if [ -n "$2" ] && [ "$2" -lt "$3" ]; then pass "$1 ($2 ms)"; else
		fail "$1: ${2:-never} ms, limit $3 ms"
	fi
}
# give_up: the bed cannot go on (something hung); say so and end.
give_up() {
	fail "$1"
	finish
}

if [ "$VFIOFS_IOMMU" = none ]; then
	check_eq "no IOMMU: $SER has no group before vfio-pci binds it" "" "$(grp "$SER")"
	check_eq "nor has $PVP" "" "$(grp "$PVP")"
else
	check_eq "$SER and $PVP share an IOMMU group" "$(grp "$SER")" "$(grp "$PVP")"
fi
GRP=$(grp "$SER")
check_eq "$SER starts on serial" serial "$(drv "$SER")"
check_eq "$PVP starts with no driver" none "$(drv "$PVP")"
check_eq "$M starts with 5 devices" 5 "$(ndevs)"
ov_s=$(cat "$S/$SER/driver_override")
ov_p=$(cat "$S/$PVP/driver_override")

# 1. A bridge is refused.
vb "$BRIDGE"
check_eq "vfio-bind $BRIDGE (a bridge) is refused" 1 "$VB_RC"
check "the message says it is a bridge" vb_said "$BRIDGE is a PCI bridge"
check_eq "$BRIDGE stays on pcieport" pcieport "$(drv "$BRIDGE")"
check_eq "its driver_override is untouched" "(null)" "$(cat "$S/$BRIDGE/driver_override")"
check_eq "e1000e behind it is still in $M" 5 "$(ndevs)"

# 2. One function of the group alone: the group would not be viable. (No
# shared groups without an IOMMU: nothing to refuse.)
if [ "$VFIOFS_IOMMU" != none ]; then
	vb "$PVP"
	check_eq "vfio-bind $PVP alone is refused" 1 "$VB_RC"
	check "the message names $SER" vb_said "$SER"
	check "and its driver, serial" vb_said "(driver serial)"
	check "and the command that would work" vb_said "vfio-bind $SER $PVP"
	check_eq "$PVP driver_override unchanged" "$ov_p" "$(cat "$S/$PVP/driver_override")"
	check_eq "$PVP still has no driver" none "$(drv "$PVP")"
	check_eq "$SER still on serial" serial "$(drv "$SER")"
	check_eq "$SER driver_override unchanged" "$ov_s" "$(cat "$S/$SER/driver_override")"
	check_not "no /dev/vfio/$GRP" test -e "/dev/vfio/$GRP"
	check_not "no state recorded" test -e "/run/vfio-bind/$PVP"
fi

# 3. Both together: bound, and vfiofs shows both within a second of each
# reaching vfio-pci.
vb "$SER" "$PVP"
[ "$VB_RC" = hung ] && give_up "vfio-bind $SER $PVP hung (20 s)"
check_eq "vfio-bind $SER $PVP succeeds" 0 "$VB_RC"
check_eq "$SER on vfio-pci" vfio-pci "$(drv "$SER")"
check_eq "$PVP on vfio-pci" vfio-pci "$(drv "$PVP")"
check "$(gnode "$SER") exists" test -e "$(gnode "$SER")"
check "it reports $SER" vb_said "$SER: vfio-pci, iommu group $(grp "$SER") ($(gnode "$SER")), was serial"
check "it reports $PVP" vb_said "$PVP: vfio-pci, iommu group $(grp "$PVP") ($(gnode "$PVP")), was none"
check_eq "the previous driver of $SER is recorded" serial "$(cat "/run/vfio-bind/$SER" 2>&1)"
echo "  bind: command ${VB_MS} ms; $SER on vfio-pci at ${ON_S:-?} ms, in $M at ${IN_S:-never}; $PVP at ${ON_P:-?}, in $M at ${IN_P:-never}"
lt "$SER appears in $M within 1 s of its bind" "$([ -n "$IN_S" ] && echo $((IN_S - ON_S)))" $((1000 * SLOW))
lt "$PVP appears in $M within 1 s of its bind" "$([ -n "$IN_P" ] && echo $((IN_P - ON_P)))" $((1000 * SLOW))
check "$M/$SER/vendor exists (10 s)" wait_path "$M/$SER/vendor" 1
check "$M/$PVP/vendor exists (10 s)" wait_path "$M/$PVP/vendor" 1

# 4. They work through vfiofs.
check_text "$SER vendor" "$M/$SER/vendor" 0x1b36
check_text "$PVP vendor" "$M/$PVP/vendor" 0x1b36
# pci-serial's BAR0: the 16550's 8 I/O ports. Offset 7 is the scratch
# register: reading or writing it has no side effect.
check_eq "$SER regions: bar0 is 8 bytes of I/O" "0x8 i" \
	"$(awk '$2 == "bar0" { print $3, (($4 ~ /i/) ? "i" : "-") }' "$M/$SER/regions" 2>&1)"
check_eq "$SER bar0: a 1-byte read of the scratch register (offset 7)" 1 \
	"$(nbytes "$M/$SER/bar0" 7 1)"
check "write 0x5a to the scratch register" wr "$M/$SER/bar0" 7 '\x5a'
check_eq "it reads back 0x5a" 5a "$(rd "$M/$SER/bar0" 7 1)"

# 5. Give them back, while vfiofs has them open.
exec 3<"$M/$SER/bar0"
vb --restore "$SER" "$PVP"
[ "$VB_RC" = hung ] && give_up "vfio-bind --restore $SER $PVP hung (20 s): the unbind blocked"
check_eq "vfio-bind --restore $SER $PVP succeeds" 0 "$VB_RC"
echo "  restore: command ${VB_MS} ms; $SER off vfio-pci at ${OFF_S:-?} ms, $PVP at ${OFF_P:-?} ms; out of $M at ${OUT_S:-?} and ${OUT_P:-?} ms"
# Counted from the command's start: vfio-bind's own start (a shell parsing
# a thousand lines under emulation, slower still on a loaded host) is in it,
# 0.1-0.3 s of it here. test_unbind times the unbind alone.
lt "the unbind of $SER (open in vfiofs) took under 2 s of the command" "$OFF_S" $((2000 * SLOW))
lt "the unbind of $PVP took under 1 s more" "$([ -n "$OFF_P" ] && [ -n "$OFF_S" ] && echo $((OFF_P - OFF_S)))" $((1000 * SLOW))
check_eq "$SER back on serial" serial "$(drv "$SER")"
check_eq "$PVP back to no driver" none "$(drv "$PVP")"
check "it reports $SER" vb_said "$SER: restored to serial"
check "it reports $PVP" vb_said "$PVP: restored to no driver"
check_eq "$SER driver_override cleared" "(null)" "$(cat "$S/$SER/driver_override")"
check_eq "$PVP driver_override cleared" "(null)" "$(cat "$S/$PVP/driver_override")"
check_not "the records are gone" test -e "/run/vfio-bind/$SER" -o -e "/run/vfio-bind/$PVP"
check "$SER disappears from $M" wait_path "$M/$SER" 0
check "$PVP disappears from $M" wait_path "$M/$PVP" 0
check_eq "the 5 other devices stay" 5 "$(ndevs)"
check_errno "bar0 held open across the restore fails with ENODEV" ENODEV \
	dd bs=1 count=1 skip=7 status=none <&3
exec 3<&-
check_text "edu still works" "$M/$EDU/regs/bar0/0x0" 0x010000ed
vb --restore "$SER"
check_eq "--restore of a device not on vfio-pci is refused" 1 "$VB_RC"
check "the message says so" vb_said "$SER is not bound to vfio-pci (driver: serial)"
check_eq "$SER stays on serial" serial "$(drv "$SER")"

# 6. For a user: the group node belongs to tester, mode 0600. One function
# first (alone it is viable: the other has no driver), then the other joins
# the group vfiofs already shows (no new /dev/vfio node: a uevent rescan).
vb --user tester "$SER"
[ "$VB_RC" = hung ] && give_up "vfio-bind --user tester hung (20 s)"
check_eq "vfio-bind --user tester $SER (alone) succeeds" 0 "$VB_RC"
NODE=$(gnode "$SER")
check_eq "$NODE belongs to uid 1000" 1000 "$(stat -c %u "$NODE")"
check_eq "and gid 1000" 1000 "$(stat -c %g "$NODE")"
check_eq "mode 0600" 600 "$(stat -c %a "$NODE")"
check "it mentions the memlock limit" vb_said "memlock"
check "$SER is in $M again" wait_path "$M/$SER/vendor" 1
vb --user tester "$PVP"
[ "$VB_RC" = hung ] && give_up "vfio-bind --user tester hung (20 s)"
check_eq "vfio-bind --user tester $PVP (joining the group) succeeds" 0 "$VB_RC"
echo "  join: command ${VB_MS} ms; $PVP on vfio-pci at ${ON_P:-?} ms, in $M at ${IN_P:-never}"
lt "$PVP joining a shown group appears in $M within 1 s" "$([ -n "$IN_P" ] && echo $((IN_P - ON_P)))" $((1000 * SLOW))
check_eq "$NODE still belongs to uid 1000" 1000 "$(stat -c %u "$NODE")"
check_eq "$(gnode "$PVP") belongs to uid 1000" 1000 "$(stat -c %u "$(gnode "$PVP")")"
vb --user no_such_user_x "$SER"
check_eq "an unknown user is refused" 1 "$VB_RC"
vb --restore "$SER" "$PVP"
[ "$VB_RC" = hung ] && give_up "vfio-bind --restore hung (20 s)"
check_eq "restored again" 0 "$VB_RC"
echo "  restore: command ${VB_MS} ms; $SER off vfio-pci at ${OFF_S:-?} ms, $PVP at ${OFF_P:-?} ms"
check_eq "$SER back on serial" serial "$(drv "$SER")"
check_eq "$PVP back to no driver" none "$(drv "$PVP")"
check "$SER gone from $M" wait_path "$M/$SER" 0
check "$PVP gone from $M" wait_path "$M/$PVP" 0
check_eq "5 devices in $M, as at the start" 5 "$(ndevs)"
check_text "edu still works at the end" "$M/$EDU/regs/bar0/0x0" 0x010000ed

finish
