#!/bin/sh
# SPDX-License-Identifier: MIT
# LICENSE and the SPDX lines agree: every file git tracks (C sources and
# headers, shell scripts, mount-helpers/*, the man pages, the Makefile, the
# tests, the units and rules) has an "SPDX-License-Identifier:" line in its
# first lines, naming MIT, the license LICENSE gives the sources; LICENSE
# says what the built binary is (GPL-2.0-only, through libinotifytools) and
# names libfuse3's LGPL-2.1. Left out: README (prose, no comment syntax),
# LICENSE itself and binary data (tests/fs/corpus). Without git (a tarball), the files are
# found with find.
# Prints "test_license: N passed, N failed" last.
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/host/lib.sh
. tests/host/lib.sh

if [ -f LICENSE ]; then pass "LICENSE is there"; else
	fail "no LICENSE"
	finish
fi
# has DESC PATTERN: LICENSE has a line matching PATTERN (grep -E).
has() { if grep -qE -- "$2" LICENSE; then pass "LICENSE: $1"; else fail "LICENSE: no $1 ($2)"; fi; }
has "MIT license" "^MIT License$"
has "copyright of the vfiofs authors" "^Copyright \(c\) the vfiofs authors$"
has "MIT permission text" "^Permission is hereby granted, free of charge"
has "the binary under GPL-2.0-only" "GPL-2.0-only"
has "libinotifytools named" "libinotifytools"
has "libfuse3 under LGPL-2.1" "LGPL-2.1"
has "what distributing the binary asks (the source)" "corresponding source"
# libinotifytools' own license, where its package is installed: GPL-2 only.
C=/usr/share/doc/libinotifytools0/copyright
if [ -f "$C" ]; then
	# The text of the "License: GPL-2" paragraph (Files: * names it).
	gpl=$(awk '/^License: GPL-2$/ { p = 1; next } p && /^[^ ]/ { p = 0 } p' "$C")
	if echo "$gpl" | grep -q "version 2 of the License" &&
		! echo "$gpl" | grep -q "later version"; then
		pass "libinotifytools0's copyright: GPL version 2 only, as LICENSE says"
	else
		fail "libinotifytools0's copyright is not GPL-2-only any more: check LICENSE"
	fi
fi

if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files --cached --others --exclude-standard >"$T/files"
else
	find . -path ./build -prune -o -path ./.git -prune -o -type f -print |
		sed 's|^\./||' >"$T/files"
fi
n=0 bad=0
while read -r f; do
	case $f in
	README | README.* | LICENSE | tests/fs/corpus/*) continue ;;
	esac
	[ -f "$f" ] || continue
	n=$((n + 1))
	id=$(head -n 5 "$f" | sed -n 's/.*SPDX-License-Identifier: *\([^ *]*\).*/\1/p' | head -n 1)
	if [ -z "$id" ]; then
		fail "$f: no SPDX-License-Identifier line in its first 5 lines"
		bad=$((bad + 1))
	elif [ "$id" != MIT ]; then
		fail "$f: SPDX-License-Identifier $id, but LICENSE gives the sources MIT"
		bad=$((bad + 1))
	fi
done <"$T/files"
if [ "$bad" -eq 0 ] && [ "$n" -gt 50 ]; then
	pass "all $n files have an SPDX line in their first lines, and it says MIT"
elif [ "$n" -le 50 ]; then
	fail "only $n files looked at"
fi
# The kinds the brief names are among them.
for g in '\.c$' '\.h$' '\.sh$' '^mount-helpers/' '^man/.*\.8$' '^Makefile$' '^tests/'; do
	if grep -q "$g" "$T/files"; then pass "files matching $g were checked"; else
		fail "no file matching $g"
	fi
done
finish
