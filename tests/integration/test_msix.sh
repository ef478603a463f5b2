#!/bin/sh
# SPDX-License-Identifier: MIT
# The MSI-X table inside nvme's BAR0 and e1000e's BAR3. On the Debian 6.1 and
# 6.12 guest kernels vfio-pci reports these BARs mmap-able as a whole with
# VFIO_REGION_INFO_CAP_MSIX_MAPPABLE (no sparse-mmap areas around the table),
# so reads inside the table take the mapped path too. Each read must be counted
# on the path the regions file announces for its offset.
. "$(dirname "$0")/lib.sh"
require_mount

# msix_cap BDF: offset of the MSI-X capability in config space (from sysfs).
msix_cap() {
	_p=$(($(cfg_sysfs "$1" 0x34 1)))
	_n=0
	while [ "$_p" -ne 0 ] && [ $_n -lt 48 ]; do
		[ "$(cfg_sysfs "$1" "$_p" 1)" = 0x11 ] && { echo "$_p"; return; }
		_p=$(($(cfg_sysfs "$1" $((_p + 1)) 1)))
		_n=$((_n + 1))
	done
	echo 0
}

# mapped BDF BAR OFFSET: "mmap" if OFFSET lies in one of the BAR's mmap-able
# areas in the regions file, else "fallback".
mapped() {
	awk -v b="$2" -v o="$3" '
	$2 == b {
		if ($4 !~ /m/ || $5 == "-") { print "fallback"; exit }
		n = split($5, a, ",")
		for (i = 1; i <= n; i++) {
			split(a[i], p, "+")
			s = p[1] + 0; z = p[2] + 0
			if (index(p[1], "0x") == 1) s = hex(p[1])
			if (index(p[2], "0x") == 1) z = hex(p[2])
			if (o >= s && o < s + z) { print "mmap"; exit }
		}
		print "fallback"; exit
	}
	function hex(h,   v, i, c) {
		v = 0; h = tolower(substr(h, 3))
		for (i = 1; i <= length(h); i++) { c = index("0123456789abcdef", substr(h, i, 1)) - 1; v = v * 16 + c }
		return v
	}' "$M/$1/regions"
}

table_read() { # BDF BAR OFFSET DESC
	_path=$(mapped "$1" "$2" "$3")
	if [ "$_path" = mmap ]; then _c=$2.mmap_reads _o=$2.fallback_reads; else
		_c=$2.fallback_reads _o=$2.mmap_reads; fi
	_b=$(counter "$1" "$_c") _ob=$(counter "$1" "$_o")
	_n=$(nbytes "$M/$1/$2" "$3" 4)
	check_eq "$4: 4 bytes read" 4 "$_n"
	check_eq "$4: counted as one $_path read" $((_b + 1)) "$(counter "$1" "$_c")"
	check_eq "$4: not counted on the other path" "$_ob" "$(counter "$1" "$_o" || echo missing)"
}

for db in "$NVME bar0 0" "$E1000E bar3 3"; do
	set -- $db
	d=$1 b=$2 bi=$3
	cap=$(msix_cap "$d")
	check_ne "$d has an MSI-X capability" 0 "$cap"
	tbl=$(($(cfg_sysfs "$d" $((cap + 4)) 4)))
	pba=$(($(cfg_sysfs "$d" $((cap + 8)) 4)))
	check_eq "$d MSI-X table is in $b" "$bi" $((tbl & 7))
	toff=$((tbl & ~7)) poff=$((pba & ~7))
	echo "  $d: MSI-X table at $b+$(printf 0x%x $toff), PBA at bar$((pba & 7))+$(printf 0x%x $poff)"
	line=$(awk -v b="$b" '$2 == b' "$M/$d/regions")
	echo "  regions: $line"
	check_ne "$d regions has a $b line" "" "$line"
	check_eq "$d regions: $b size" "$(printf 0x%x "$(stat -c %s "$M/$d/$b")")" \
		"$(echo "$line" | awk '{ print $3 }')"
	table_read "$d" "$b" "$toff" "$d $b inside the MSI-X table"
	table_read "$d" "$b" "$poff" "$d $b inside the PBA"
	# Outside both: nvme's registers at 0; e1000e's BAR3 has nothing else, so
	# pick the last dword.
	if [ "$d" = "$NVME" ]; then out=0; else out=$(($(stat -c %s "$M/$d/$b") - 4)); fi
	table_read "$d" "$b" "$out" "$d $b outside the table"
done

finish
