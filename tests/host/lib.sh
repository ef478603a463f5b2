# SPDX-License-Identifier: MIT
# shellcheck shell=sh
# Helpers for the tests on the build machine (tests/host/test_*.sh, sourced
# from the top of the tree): a temporary directory $T removed at exit, and
# the pass/fail/skip counting and finish of the integration tests.
# shellcheck source=tests/integration/verdict.sh
. tests/integration/verdict.sh
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM

# Made-up PCI sysfs under $SYS (set by the test; $P=$SYS/bus/pci) for the
# vfio-bind tests.
# pci_drivers NAME...: driver directories with bind and unbind files.
pci_drivers() {
	for _n in "$@"; do
		mkdir -p "$P/drivers/$_n"
		: >"$P/drivers/$_n/bind"
		: >"$P/drivers/$_n/unbind"
	done
}
# dev BDF CLASS DRIVER|none GROUP|none [VENDOR DEVICE]: a made-up function
# (vendor and device default to 0x1b36 0x0010).
dev() {
	_d=$P/devices/$1
	mkdir -p "$_d"
	echo "$2" >"$_d/class"
	echo "${5:-0x1b36}" >"$_d/vendor"
	echo "${6:-0x0010}" >"$_d/device"
	echo "ORIGINAL" >"$_d/driver_override"
	[ "$3" = none ] || ln -s "../../drivers/$3" "$_d/driver"
	if [ "$4" != none ]; then
		mkdir -p "$SYS/kernel/iommu_groups/$4/devices"
		ln -s "../../../../kernel/iommu_groups/$4" "$_d/iommu_group"
		ln -s "../../../../bus/pci/devices/$1" "$SYS/kernel/iommu_groups/$4/devices/$1"
	fi
}
