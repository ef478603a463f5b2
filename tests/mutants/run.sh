#!/bin/sh
# SPDX-License-Identifier: MIT
# make mutants: prove that the tests fail when a promised behaviour breaks.
# Each tests/mutants/*.patch is a one-line change (a unified diff, patch -p1)
# that breaks one promise; its header says which, and which tests must catch
# it:
#   # breaks: <the promise, one line>
#   # caught-by: unit TEST...          (tests/unit/TEST.c or test_fs, plain)
#   # caught-by: host TEST...          (tests/host/TEST.sh)
#   # caught-by: vm KVER[/IOMMU[/OPTS]] TEST[,TEST...]   (tests/vm/run.sh,
#                                         VFIOFS_TESTS=TEST,...; IOMMU vtd|none)
# For each mutant: a scratch copy of the tree as it is now (tracked files,
# with their uncommitted changes, and build/'s objects so that only the
# patched file is rebuilt) under build/mutants/tree, the patch applied, the
# tests of each caught-by line run. A mutant is killed when every caught-by
# line has a test that fails (MUTANTS_FAST=1: when the first does), survived
# when one line's tests all pass, and an error when it does not apply or build (the
# patch rotted: regenerate it). Prints one line a mutant and
# "mutants: N killed, N survived, N error, N not run"; exits non-zero
# if one survived or is an error.
# Usage: tests/mutants/run.sh [NAME...]  (NAME: a file name without .patch)
# The VM runs take the machine's lock (/tmp/vfiofs-vm.lock) one at a time.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 1
MDIR=$ROOT/tests/mutants
WORK=$ROOT/build/mutants
TREE=$WORK/tree
JOBS=${MUTANT_JOBS:-2}
# MUTANTS_KINDS: the kinds of caught-by line to run (e.g. "unit host" for a
# quick pass without the VM); lines of other kinds are listed as not run.
KINDS=${MUTANTS_KINDS:-unit host vm}
mkdir -p "$WORK"

killed=0 survived=0 errors=0 skipped=0 table=""

# scratch: a fresh copy of the tree in $TREE.
scratch() {
	rm -rf "$TREE"
	mkdir -p "$TREE/build"
	# Tracked files as they are now (one deleted but not committed: left out).
	git ls-files | while IFS= read -r f; do [ -e "$f" ] && echo "$f"; done |
		cpio -pdm --quiet "$TREE" 2>/dev/null
	[ -d build/obj ] && cp -a build/obj "$TREE/build/"
	[ -d build/asan/obj ] && mkdir -p "$TREE/build/asan" && cp -a build/asan/obj "$TREE/build/asan/"
	[ -d build/kernels ] && ln -s "$ROOT/build/kernels" "$TREE/build/kernels"
	return 0
}

# run_tests LINE: the tests of one caught-by line, in $TREE; status 0 if
# all passed.
run_tests() {
	# shellcheck disable=SC2086 # the line's words
	set -- $1
	kind=$1
	shift
	case $kind in
	unit)
		make -C "$TREE" -j"$JOBS" --no-print-directory build-unit >>"$LOG" 2>&1 || return 2
		for t in "$@"; do
			timeout 120 "$TREE/build/tests/$t" >>"$LOG" 2>&1 || return 1
		done
		;;
	host)
		make -C "$TREE" -j"$JOBS" --no-print-directory all >>"$LOG" 2>&1 || return 2
		for t in "$@"; do
			(cd "$TREE" && timeout 300 sh "tests/host/$t.sh") >>"$LOG" 2>&1 || return 1
		done
		;;
	vm)
		make -C "$TREE" -j"$JOBS" --no-print-directory all >>"$LOG" 2>&1 || return 2
		cfg=$1 tests=$2
		kv=${cfg%%/*} iommu=vtd opts=""
		case $cfg in */*)
			rest=${cfg#*/}
			iommu=${rest%%/*}
			case $rest in */*) opts=${rest#*/} ;; esac
			;;
		esac
		VFIOFS_TESTS=$tests flock /tmp/vfiofs-vm.lock \
			"$TREE/tests/vm/run.sh" --kernel "$kv" --mode test --iommu "$iommu" \
			--opts "$opts" --binary "$TREE/build/vfiofs" --timeout 900 \
			--log "$WORK/$name-vm.log" >"$WORK/$name-vm.out" 2>&1
		cat "$WORK/$name-vm.out" >>"$LOG"
		# Killed only by a guest that ran the tests and counted a failure
		# (a boot that never got there is an error, not a kill).
		v=$(tr -d '\r' <"$WORK/$name-vm.out" |
			grep -E "^vm-$kv: [0-9]+ passed, [0-9]+ failed" | tail -n1)
		case $v in
		"") return 3 ;;
		*" 0 failed"*) return 0 ;;
		*) return 1 ;;
		esac
		;;
	*)
		echo "mutants: $name: unknown caught-by kind '$kind'" >>"$LOG"
		return 2
		;;
	esac
	return 0
}

# one FILE: apply, build, run; adds to the counts and the table.
one() {
	name=$(basename "$1" .patch)
	LOG=$WORK/$name.log
	: >"$LOG"
	what=$(sed -n 's/^# breaks: //p' "$1" | head -n1)
	scratch
	verdict=survived
	if ! patch -d "$TREE" -p1 --quiet --no-backup-if-mismatch <"$1" >>"$LOG" 2>&1; then
		verdict="error (does not apply)"
	else
		lines=$(sed -n 's/^# caught-by: //p' "$1")
		[ -n "$lines" ] || verdict="error (no caught-by line)"
		# One caught-by line a loop turn (here-document: no subshell).
		# Each line must kill it (MUTANTS_FAST=1: the first that does).
		by="" missed="" notrun=""
		while IFS= read -r l; do
			[ -n "$l" ] || continue
			case $verdict in error*) break ;; esac
			[ -n "$by" ] && [ "${MUTANTS_FAST:-0}" = 1 ] && break
			case " $KINDS " in *" ${l%% *} "*) ;; *)
				notrun="$notrun${notrun:+; }$l"
				continue
				;;
			esac
			run_tests "$l"
			case $? in
			0) missed="$missed${missed:+; }$l" ;;
			1) by="$by${by:+; }$l" ;;
			3) verdict="error (the VM gave no verdict: $l)" ;;
			*) verdict="error (does not build: $l)" ;;
			esac
		done <<EOF
$lines
EOF
		case $verdict in error*) ;; *)
			if [ -n "$missed" ]; then
				verdict="survived: $missed${by:+ (killed by: $by)}"
			elif [ -n "$by" ]; then
				verdict="killed by: $by"
			else
				verdict="not run"
			fi
			[ -n "$notrun" ] && verdict="$verdict (not run: $notrun)"
			;;
		esac
	fi
	case $verdict in
	killed*) killed=$((killed + 1)) ;;
	survived*) survived=$((survived + 1)) ;;
	not\ run*) skipped=$((skipped + 1)) ;;
	*) errors=$((errors + 1)) ;;
	esac
	line=$(printf '%-28s %s\n    (%s; log %s)' "$name" "$verdict" "$what" "build/mutants/$name.log")
	echo "$line"
	table="$table
$line"
}

if [ $# -gt 0 ]; then
	for n in "$@"; do one "$MDIR/$n.patch"; done
else
	for f in "$MDIR"/*.patch; do
		[ -e "$f" ] || continue
		one "$f"
	done
fi
rm -rf "$TREE"
echo
echo "mutants:$table"
echo "mutants: $killed killed, $survived survived, $errors error, $skipped not run"
[ "$survived" -eq 0 ] && [ "$errors" -eq 0 ]
