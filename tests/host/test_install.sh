#!/bin/sh
# SPDX-License-Identifier: MIT
# make install / make uninstall, the man pages, the systemd units, the udev
# rule and the argument mapping of mount.vfiofs, on the build machine:
# - `make install DESTDIR=...` (PREFIX /usr/local, then /usr): every file at
#   its place with its mode and nothing else; @BINDIR@ replaced by the
#   installed vfiofs's path in the unit and in mount.vfiofs, @SBINDIR@ by
#   vfio-bind's in vfio-bind.service; mount.fuse.vfiofs a link to
#   mount.vfiofs, the bash completion under both names, LICENSE in the doc
#   directory; `make uninstall` removes it all;
# - man/vfiofs.8 and man/vfio-bind.8 render without a warning (man -l, else
#   groff), and `man mount.vfiofs` finds vfiofs.8 through its .so link;
# - an install at a real path (PREFIX in a temporary directory) that
#   `systemd-analyze verify` checks (skipped where there is none);
# - mount.vfiofs, under dash, busybox sh and bash (those there are), with a
#   fake vfiofs that prints its arguments: through the installed path (as
#   mount.vfiofs and as mount.fuse.vfiofs), and from the source tree
#   through PATH.
# Prints "test_install: N passed, N failed" last.
# The unit's lines are compared as text: no expansion meant in '...'.
# shellcheck disable=SC2016
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
# Not the outer make's jobserver or variables (make check PREFIX=...).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES

# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh
note() { echo "note - $*"; }
# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected '$2', got '$3'"; fi
}
# show FILE: a file's first lines, indented (after a failure).
show() { sed 's/^/    | /' "$1" | head -n 20; }

# mk LOG ARGS...: make ARGS in the tree, output in LOG.
mk() {
	_log=$1
	shift
	make -s --no-print-directory "$@" >"$_log" 2>&1
}

for f in man/vfiofs.8 man/vfio-bind.8 mount-helpers/vfio-bind mount-helpers/mount.vfiofs \
	mount-helpers/vfiofs.service.in mount-helpers/vfio-bind.service.in \
	mount-helpers/60-vfio-bind.rules; do
	if [ -f "$f" ]; then pass "$f is in the tree"; else fail "$f is missing"; fi
done

# layout DIR LIST: DIR holds exactly the files of LIST ("MODE PATH" lines).
layout() {
	_dir=$1 _list=$2
	echo "$_list" | while read -r _m _p; do
		[ -n "$_p" ] || continue
		if [ "$_m" = l ]; then
			[ -L "$_dir$_p" ] || echo "$_p is not a symbolic link"
		elif [ ! -f "$_dir$_p" ]; then
			echo "missing $_p"
		elif [ "$(stat -c %a "$_dir$_p")" != "$_m" ]; then
			echo "$_p has mode $(stat -c %a "$_dir$_p"), not $_m"
		fi
	done
	(cd "$_dir" && find . ! -type d | sed 's/^\.//') | while read -r _p; do
		echo "$_list" | grep -q " $_p\$" || echo "unexpected $_p"
	done
}

# --- make install, PREFIX=/usr/local (the default) ---------------------------
D=$T/local
WANT="755 /usr/local/bin/vfiofs
755 /usr/local/sbin/vfio-bind
755 /sbin/mount.vfiofs
l /sbin/mount.fuse.vfiofs
644 /usr/local/share/bash-completion/completions/vfiofs
644 /usr/local/share/bash-completion/completions/vfio-bind
644 /usr/local/share/doc/vfiofs/LICENSE
644 /usr/local/share/man/man8/vfiofs.8
644 /usr/local/share/man/man8/vfio-bind.8
644 /usr/local/share/man/man8/mount.vfiofs.8
644 /usr/local/lib/systemd/system/vfiofs.service
644 /usr/local/lib/systemd/system/vfio-bind.service
644 /usr/local/lib/udev/rules.d/60-vfio-bind.rules"
if mk "$T/log" install DESTDIR="$D"; then
	pass "make install DESTDIR=..."
else
	fail "make install DESTDIR=... failed"
	show "$T/log"
fi
layout "$D" "$WANT" >"$T/lay"
if [ -s "$T/lay" ]; then
	fail "PREFIX=/usr/local: layout and modes"
	show "$T/lay"
else
	pass "PREFIX=/usr/local: 13 files, each at its place with its mode"
fi
# same SOURCE INSTALLED: the installed file is a copy of the source.
same() {
	if cmp -s "$1" "$D$2"; then pass "$2 is $1"; else fail "$2 differs from $1"; fi
}
same build/vfiofs /usr/local/bin/vfiofs
same mount-helpers/vfio-bind /usr/local/sbin/vfio-bind
same man/vfiofs.8 /usr/local/share/man/man8/vfiofs.8
same man/vfio-bind.8 /usr/local/share/man/man8/vfio-bind.8
same mount-helpers/vfiofs.bash-completion /usr/local/share/bash-completion/completions/vfiofs
same mount-helpers/vfiofs.bash-completion /usr/local/share/bash-completion/completions/vfio-bind
same LICENSE /usr/local/share/doc/vfiofs/LICENSE
check_eq "mount.fuse.vfiofs is a link to mount.vfiofs beside it" mount.vfiofs \
	"$(readlink "$D/sbin/mount.fuse.vfiofs" 2>/dev/null)"
check_eq "man8/mount.vfiofs.8 is a .so link to vfiofs.8" ".so man8/vfiofs.8" \
	"$(cat "$D/usr/local/share/man/man8/mount.vfiofs.8" 2>/dev/null)"

U=$D/usr/local/lib/systemd/system/vfiofs.service
H=$D/sbin/mount.vfiofs
if grep -q @BINDIR@ "$U" "$H" 2>/dev/null; then
	fail "@BINDIR@ left in the installed unit or helper: $(grep -l @BINDIR@ "$U" "$H" | tr '\n' ' ')"
else
	pass "no @BINDIR@ left in the installed unit and helper"
fi
# The comments of the installed units name no make variable nor a
# placeholder's replacement (the users review, message 26).
if grep -q '\$(\|/usr/local/bin replaced\|/usr/local/sbin replaced' "$U" \
	"$D/usr/local/lib/systemd/system/vfio-bind.service" 2>/dev/null; then
	fail "an installed unit's comment shows its make-time text"
else
	pass "the installed units' comments read as written"
fi
check_eq "unit: ExecStart runs the installed vfiofs in the foreground" \
	'ExecStart=/usr/local/bin/vfiofs -f $VFIOFS_OPTS ${VFIOFS_MOUNTPOINT}' \
	"$(grep '^ExecStart=' "$U" 2>/dev/null)"
check_eq "mount.vfiofs: runs the installed vfiofs" "BINDIR='/usr/local/bin'" \
	"$(grep '^BINDIR=' "$H" 2>/dev/null)"
for k in 'Documentation=man:vfiofs(8)' 'ExecStartPre=-/sbin/modprobe vfio-pci' \
	'ExecStartPre=/bin/mkdir -p ${VFIOFS_MOUNTPOINT}' 'EnvironmentFile=-/etc/default/vfiofs' \
	'LimitMEMLOCK=infinity' 'Restart=on-failure' 'WantedBy=multi-user.target'; do
	if grep -qxF "$k" "$U" 2>/dev/null; then pass "unit: $k"; else fail "unit: no line $k"; fi
done
# vfio-bind.service: the persisted bindings, before vfiofs.service.
BU=$D/usr/local/lib/systemd/system/vfio-bind.service
for k in 'After=vfio-bind.service' 'Wants=vfio-bind.service'; do
	if grep -qxF "$k" "$U" 2>/dev/null; then pass "unit: $k"; else fail "unit: no line $k"; fi
done
check_eq "vfio-bind.service: ExecStart runs the installed vfio-bind --boot" \
	'ExecStart=/usr/local/sbin/vfio-bind --boot' "$(grep '^ExecStart=' "$BU" 2>/dev/null)"
for k in 'Type=oneshot' 'RemainAfterExit=yes' 'Before=vfiofs.service' \
	'ConditionDirectoryNotEmpty=/etc/vfio-bind.d' 'WantedBy=multi-user.target'; do
	if grep -qxF "$k" "$BU" 2>/dev/null; then pass "vfio-bind.service: $k"; else
		fail "vfio-bind.service: no line $k"
	fi
done
if grep -q '^After=.*systemd-udev-trigger\.service.*local-fs\.target' "$BU" 2>/dev/null; then
	pass "vfio-bind.service: after the coldplug and the mounts"
else
	fail "vfio-bind.service: not ordered after systemd-udev-trigger and local-fs.target"
fi
if grep -q @SBINDIR@ "$BU" 2>/dev/null; then fail "@SBINDIR@ left in vfio-bind.service"; else
	pass "no @SBINDIR@ left in vfio-bind.service"
fi
# The udev rule: one rule, on add of a PCI device with a record, the
# override set and vfio-pci loaded; numbered before 80-drivers.rules.
R=$D/usr/local/lib/udev/rules.d/60-vfio-bind.rules
check_eq "60-vfio-bind.rules: the rule" \
	'ACTION=="add", SUBSYSTEM=="pci", TEST=="/etc/vfio-bind.d/$kernel", ATTR{driver_override}="vfio-pci", RUN{builtin}+="kmod load vfio-pci"' \
	"$(grep -v '^#' "$R" 2>/dev/null | grep .)"
if command -v udevadm >/dev/null 2>&1 && udevadm verify --help >/dev/null 2>&1; then
	if udevadm verify "$R" >"$T/verify" 2>&1; then pass "udevadm verify: the rule is clean"; else
		fail "udevadm verify:"
		show "$T/verify"
	fi
else
	note "no udevadm verify here (systemd < 254): the rule was not verified"
fi
if grep -q '^Environment=.*VFIOFS_MOUNTPOINT=/mnt/vfio' "$U" 2>/dev/null; then
	pass "unit: mounts at /mnt/vfio by default"
else
	fail "unit: the default mount point is not /mnt/vfio"
fi

# The unit's shell snippets, as systemd hands them to sh ($$ -> $, %% -> %):
# ExecStartPost waits for the mount and gives up when the daemon is gone;
# ExecStopPost leaves a path that is no vfiofs mount alone.
snippet() {
	sed -n "s/^$1=-\{0,1\}\/bin\/sh -c '\(.*\)'\$/\1/p" "$U" | sed 's/\$\$/$/g; s/%%/%/g'
}
START_POST=$(snippet ExecStartPost)
STOP_POST=$(snippet ExecStopPost)
if [ -n "$START_POST" ] && sh -n -c "$START_POST" && [ -n "$STOP_POST" ] && sh -n -c "$STOP_POST"; then
	pass "unit: the ExecStartPost and ExecStopPost scripts parse"
else
	fail "unit: ExecStartPost/ExecStopPost: '$START_POST' / '$STOP_POST'"
fi
if command -v mountpoint >/dev/null 2>&1; then
	if VFIOFS_MOUNTPOINT=/proc MAINPID=$$ timeout 5 sh -c "$START_POST"; then
		pass "unit: ExecStartPost returns once the path is a mount point"
	else
		fail "unit: ExecStartPost on a mount point did not return 0"
	fi
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	mkdir -p "$T/notmounted"
	VFIOFS_MOUNTPOINT=$T/notmounted MAINPID=$dead timeout 5 sh -c "$START_POST"
	check_eq "unit: ExecStartPost gives up (exit 1) when the daemon is gone" 1 "$?"
fi
VFIOFS_MOUNTPOINT=$T/notmounted/ timeout 5 sh -c "$STOP_POST"
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ -d "$T/notmounted" ]; then
	pass "unit: ExecStopPost does nothing to a path that is no vfiofs mount"
else
	fail "unit: ExecStopPost on a plain directory: exit $rc"
fi

# make uninstall removes every file.
if mk "$T/log" uninstall DESTDIR="$D"; then
	left=$(cd "$D" && find . ! -type d | sed 's/^\.//' | tr '\n' ' ')
	check_eq "make uninstall DESTDIR=... leaves no file" "" "$left"
else
	fail "make uninstall DESTDIR=... failed"
	show "$T/log"
fi

# --- make install, PREFIX=/usr ----------------------------------------------
D=$T/usr
WANT="755 /usr/bin/vfiofs
755 /usr/sbin/vfio-bind
755 /sbin/mount.vfiofs
l /sbin/mount.fuse.vfiofs
644 /usr/share/bash-completion/completions/vfiofs
644 /usr/share/bash-completion/completions/vfio-bind
644 /usr/share/doc/vfiofs/LICENSE
644 /usr/share/man/man8/vfiofs.8
644 /usr/share/man/man8/vfio-bind.8
644 /usr/share/man/man8/mount.vfiofs.8
644 /lib/systemd/system/vfiofs.service
644 /lib/systemd/system/vfio-bind.service
644 /lib/udev/rules.d/60-vfio-bind.rules"
if mk "$T/log" install PREFIX=/usr DESTDIR="$D"; then
	pass "make install PREFIX=/usr DESTDIR=..."
else
	fail "make install PREFIX=/usr DESTDIR=... failed"
	show "$T/log"
fi
layout "$D" "$WANT" >"$T/lay"
if [ -s "$T/lay" ]; then
	fail "PREFIX=/usr: layout and modes"
	show "$T/lay"
else
	pass "PREFIX=/usr: 13 files (units in /lib/systemd/system, the rule in /lib/udev/rules.d), each with its mode"
fi
check_eq "PREFIX=/usr: unit runs /usr/bin/vfiofs" \
	'ExecStart=/usr/bin/vfiofs -f $VFIOFS_OPTS ${VFIOFS_MOUNTPOINT}' \
	"$(grep '^ExecStart=' "$D/lib/systemd/system/vfiofs.service" 2>/dev/null)"
check_eq "PREFIX=/usr: mount.vfiofs runs /usr/bin/vfiofs" "BINDIR='/usr/bin'" \
	"$(grep '^BINDIR=' "$D/sbin/mount.vfiofs" 2>/dev/null)"

# --- the man pages ----------------------------------------------------------
for f in man/vfiofs.8 man/vfio-bind.8; do
	[ -f "$f" ] || { fail "$f: missing, cannot render it"; continue; }
	check_eq "$f: section 8 (.TH)" 8 "$(sed -n 's/^\.TH [^ ]* \([^ ]*\).*/\1/p' "$f" | head -n1)"
	if grep -nE '(vfiofs|vfio-bind|vfio\\-bind) \(1\)' "$f" >"$T/xref"; then
		fail "$f: refers to a section 1 page: $(head -n1 "$T/xref")"
	else
		pass "$f: no reference to a section 1 page of ours"
	fi
	if command -v man >/dev/null 2>&1; then
		how="man -l --warnings=w"
		MANWIDTH=80 LC_ALL=C.UTF-8 man -l --warnings=w "$f" 2>"$T/warn" >"$T/page"
		rc=$?
	elif command -v groff >/dev/null 2>&1; then
		how="groff -man -ww"
		groff -man -ww -Tutf8 "$f" 2>"$T/warn" >"$T/page"
		rc=$?
	else
		fail "$f: neither man nor groff to render it (apt-get install man-db groff-base)"
		continue
	fi
	if [ "$rc" -eq 0 ] && [ ! -s "$T/warn" ] && [ -s "$T/page" ]; then
		pass "$f renders with no warning ($how)"
	else
		fail "$f: $how: exit $rc, warnings:"
		show "$T/warn"
	fi
done

# --- an install at a real path: systemd-analyze, the installed helper ---------
P=$T/p
if mk "$T/log" install PREFIX="$P" MOUNTHELPERDIR="$P/sbin"; then
	pass "make install PREFIX=<tmp> MOUNTHELPERDIR=<tmp>/sbin"
else
	fail "make install PREFIX=<tmp> failed"
	show "$T/log"
fi
if command -v man >/dev/null 2>&1; then
	check_eq "man mount.vfiofs finds vfiofs.8 (.so)" "$P/share/man/man8/vfiofs.8" \
		"$(MANPATH=$P/share/man man -w mount.vfiofs 2>&1)"
fi
if command -v systemd-analyze >/dev/null 2>&1; then
	# MANPATH: Documentation=man:vfiofs(8) must resolve to the installed page.
	for u in vfiofs.service vfio-bind.service; do
		if MANPATH=$P/share/man systemd-analyze verify "$P/lib/systemd/system/$u" \
			>"$T/verify" 2>&1 && ! grep -q . "$T/verify"; then
			pass "systemd-analyze verify: the installed $u is clean"
		else
			fail "systemd-analyze verify of the installed $u:"
			show "$T/verify"
		fi
	done
else
	note "no systemd-analyze here: the unit was not verified"
fi

# The fake daemon: prints its arguments as [a][b]..., fails on "fail".
FAKE='#!/bin/sh
printf "[%s]" "$@"
echo
case "$*" in *fail*) exit 3 ;; esac
exit 0'
printf '%s\n' "$FAKE" >"$P/bin/vfiofs"
chmod 755 "$P/bin/vfiofs"
# Another one in PATH, which the installed helper must not pick.
mkdir -p "$T/path"
printf '%s\n' '#!/bin/sh' 'echo "from PATH: $*"' >"$T/path/vfiofs"
chmod 755 "$T/path/vfiofs"
# A directory with files, for the glob test ("*" must stay "*").
mkdir -p "$T/cwd" && touch "$T/cwd/a" "$T/cwd/b"

SHELLS=""
for s in dash "busybox sh" bash; do
	command -v "${s%% *}" >/dev/null 2>&1 && SHELLS="$SHELLS${SHELLS:+,}$s"
done
case ",$SHELLS," in *,dash,*) ;; *) fail "no dash to run mount.vfiofs under" ;; esac
case ",$SHELLS," in *,busybox\ sh,*) ;; *) note "no busybox: mount.vfiofs not run under busybox ash here" ;; esac

# map SHELL HELPER DESC EXPECTED ARGS...: HELPER's output (the fake's
# arguments), run under SHELL in $T/cwd with PATH=$T/path first.
map() {
	_sh=$1 _h=$2 _d=$3 _want=$4
	shift 4
	# shellcheck disable=SC2086
	_got=$(cd "$T/cwd" && PATH=$T/path:$PATH $_sh "$_h" "$@" 2>"$T/err")
	_rc=$?
	if [ "$_rc" -eq 0 ] && [ "$_got" = "$_want" ]; then
		pass "$_sh: $_d"
	else
		fail "$_sh: $_d: mount.vfiofs $*: exit $_rc, expected '$_want', got '$_got' $(head -c 200 "$T/err")"
	fi
}
# refuse SHELL HELPER DESC ARGS...: HELPER must fail without running vfiofs.
refuse() {
	_sh=$1 _h=$2 _d=$3
	shift 3
	# shellcheck disable=SC2086
	_got=$(cd "$T/cwd" && PATH=$T/path:$PATH $_sh "$_h" "$@" 2>"$T/err")
	_rc=$?
	if [ "$_rc" -ne 0 ] && [ -z "$_got" ] && [ -s "$T/err" ]; then
		pass "$_sh: $_d (exit $_rc)"
	else
		fail "$_sh: $_d: mount.vfiofs $*: exit $_rc, output '$_got'"
	fi
}

IH=$P/sbin/mount.vfiofs
FH=$P/sbin/mount.fuse.vfiofs
OLDIFS=$IFS
IFS=,
for sh in $SHELLS; do
	IFS=$OLDIFS
	map "$sh" "$IH" "the fstab options of the brief" \
		"[-o][device=0000:00:03.0,uid=1000,allow_other][--][/mnt]" \
		vfiofs /mnt -o rw,nofail,device=0000:00:03.0,uid=1000,allow_other,x-systemd.automount
	map "$sh" "$IH" "no options: just the mount point" "[--][/mnt/vfio]" none /mnt/vfio
	map "$sh" "$IH" "every mount(8)/fstab/systemd-only option dropped" "[--][/mnt]" \
		vfiofs /mnt -o defaults,rw,auto,noauto,user,nouser,users,owner,group,user=bob,_netdev,nofail,comment=systemd.foo,x-systemd.device-timeout=5s,x-mount.mkdir
	map "$sh" "$IH" "device= twice, in order" \
		"[-o][device=0000:00:03.0,device=0000:00:04.0][--][/mnt]" \
		vfiofs /mnt -o device=0000:00:03.0,device=0000:00:04.0
	map "$sh" "$IH" "busybox's order (-n before SOURCE)" "[-o][nommap][--][/mnt]" \
		-n vfiofs /mnt -o nommap
	map "$sh" "$IH" "-oOPTS, -s and -w" "[-o][nommap,bulk_width=8][--][/mnt]" \
		-onommap,bulk_width=8 vfiofs /mnt -s -w
	map "$sh" "$IH" "-r adds ro" "[-o][allow_other,ro][--][/mnt]" vfiofs /mnt -o allow_other -r
	map "$sh" "$IH" "-t TYPE is ignored" "[-o][allow_other][--][/mnt]" vfiofs /mnt -t vfiofs -o allow_other
	map "$sh" "$IH" "an option is never globbed" "[-o][*][--][/mnt]" vfiofs /mnt -o '*'
	map "$sh" "$IH" "-f (fake) runs nothing" "" -f vfiofs /mnt -o nommap
	map "$sh" "$IH" "-- ends the flags" "[--][/mnt]" -- vfiofs /mnt
	map "$sh" "$IH" "a mount point starting with - stays one (F19)" "[--][-o]" -- vfiofs -o
	map "$sh" "$IH" "an option word starting with - is dropped (F19)" "[-o][nommap][--][/mnt]" \
		vfiofs /mnt -o -d,nommap
	_got=$(PATH=$T/path:$PATH $sh "$IH" -v vfiofs /mnt -o nommap 2>&1 >/dev/null)
	check_eq "$sh: -v shows the command" "mount.vfiofs: $P/bin/vfiofs -o nommap -- /mnt" "$_got"
	(cd "$T/cwd" && PATH=$T/path:$PATH $sh "$IH" vfiofs /mnt -o fail >/dev/null 2>&1)
	check_eq "$sh: the daemon's exit status is the helper's" 3 "$?"
	# As mount.fuse.vfiofs (the link), as util-linux's mount(8) runs it
	# for the type fuse.vfiofs: the same mapping, messages under that name.
	map "$sh" "$FH" "mount.fuse.vfiofs: as mount.vfiofs" \
		"[-o][device=0000:00:03.0,ro][--][/mnt]" \
		vfiofs /mnt -o rw,device=0000:00:03.0,ro,nofail -t fuse.vfiofs
	_got=$(PATH=$T/path:$PATH $sh "$FH" -f -v vfiofs /mnt -t fuse.vfiofs -o device=0000:00:03.0 2>&1)
	check_eq "$sh: mount.fuse.vfiofs -f -v shows the command, runs nothing" \
		"mount.fuse.vfiofs: $P/bin/vfiofs -o device=0000:00:03.0 -- /mnt" "$_got"
	_got=$($sh "$FH" vfiofs 2>&1)
	case $_got in
	"usage: mount.fuse.vfiofs SOURCE MOUNTPOINT"*"SOURCE is not used"*)
		pass "$sh: mount.fuse.vfiofs: its usage names it and says SOURCE is not used" ;;
	*) fail "$sh: mount.fuse.vfiofs usage: '$_got'" ;;
	esac
	refuse "$sh" "$IH" "one argument is a usage error" vfiofs
	refuse "$sh" "$IH" "three arguments are a usage error" vfiofs /mnt /x
	refuse "$sh" "$IH" "an unknown flag is refused" -x vfiofs /mnt
	refuse "$sh" "$IH" "-N (another namespace) is refused" vfiofs /mnt -N /proc/1/ns/mnt
	# From the source tree (@BINDIR@ not replaced): vfiofs from PATH.
	map "$sh" "$ROOT/mount-helpers/mount.vfiofs" "source tree: vfiofs from PATH" \
		"from PATH: -o device=0000:00:03.0,nommap -- /mnt" vfiofs /mnt -o device=0000:00:03.0,nommap,noauto
	IFS=,
done
IFS=$OLDIFS

# Executed directly, as mount(8) does (#!/bin/sh).
_got=$(cd "$T/cwd" && "$IH" vfiofs /mnt -o nofail,device=0000:00:03.0 2>&1)
check_eq "executed directly (#!/bin/sh)" "[-o][device=0000:00:03.0][--][/mnt]" "$_got"
# The installed binary gone: the helper falls back to PATH.
rm -f "$P/bin/vfiofs"
_got=$(cd "$T/cwd" && PATH=$T/path:$PATH "$IH" vfiofs /mnt 2>&1)
check_eq "installed vfiofs gone: the one in PATH" "from PATH: -- /mnt" "$_got"
_got=$(cd "$T/cwd" && PATH=/nonexistent "$IH" vfiofs /mnt 2>&1)
_rc=$?
case "$_rc:$_got" in
1:*"vfiofs not found (not in $P/bin, nor in PATH)") pass "no vfiofs anywhere: a clear error, exit 1" ;;
*) fail "no vfiofs anywhere: exit $_rc, '$_got'" ;;
esac
# From the source tree: no @BINDIR@ in the message (only PATH was looked in).
_got=$(PATH=/nonexistent /bin/sh mount-helpers/mount.vfiofs vfiofs /mnt 2>&1)
check_eq "source tree, no vfiofs in PATH: says so, no placeholder" \
	"mount.vfiofs: vfiofs not found in PATH" "$_got"

if command -v shellcheck >/dev/null 2>&1; then
	if shellcheck -x -s sh mount-helpers/mount.vfiofs "$0" >"$T/err" 2>&1; then
		pass "shellcheck: mount.vfiofs and this test are clean"
	else
		fail "shellcheck:"
		show "$T/err"
	fi
fi

finish
