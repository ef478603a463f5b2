#!/bin/sh
# SPDX-License-Identifier: MIT
# make vm-check: the integration tests in the VM on both guest kernels, with
# the plain daemon (build/vfiofs) and the sanitized one (build/asan/vfiofs),
# then the plain daemon under valgrind's memcheck on the 6.12 kernel (a
# subset of the tests; see guest-init.sh). VM_KERNELS and VM_VALGRIND_KERNELS
# choose the kernels ("" for no valgrind run).
# Then the plain daemon on the project's own kernel, 6.12-vfiofs
# (tests/vm/kernel-build.sh builds it when missing or out of date), in each
# configuration of VM_CUSTOM_CONFIGS: words IOMMU[:OPTS], IOMMU vtd or none
# (run.sh --iommu), OPTS the vfiofs -o options every mount gets (run.sh
# --opts, comma separated). The default "vtd vtd:type1 none" is the emulated
# VT-d with the backend vfiofs picks by default (iommufd: that kernel has
# /dev/iommu and device files), the same with the container forced
# (-o type1), and the no-IOMMU mode (-o noiommu, added by run.sh).
# The sanitized daemon (build/asan/vfiofs) then runs in each configuration
# of VM_CUSTOM_ASAN_CONFIGS (default "vtd none": iommufd and no-IOMMU, the
# code only that kernel reaches; "" for none).
# VM_CUSTOM=0 leaves the custom kernel out.
# Prints one line per run and "vm: N passed, N failed" summing them all.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
KERNELS=${VM_KERNELS:-"6.1 6.12"}
VG_KERNELS=${VM_VALGRIND_KERNELS-6.12}
CUSTOM=${VM_CUSTOM:-1}
CUSTOM_CONFIGS=${VM_CUSTOM_CONFIGS:-"vtd vtd:type1 none"}
CUSTOM_ASAN_CONFIGS=${VM_CUSTOM_ASAN_CONFIGS-"vtd none"}
tp=0 tf=0 summary=""

# run_one KVER FLAVOUR BINARY NAME TIMEOUT [run.sh options...]: one test run,
# logs build/vm-NAME.log and .out; adds its counts to tp/tf and a summary line.
run_one() {
	kv=$1 flavour=$2 bin=$3 name=$4 tmo=$5
	shift 5
	log=build/vm-$name.log
	out=build/vm-$name.out
	start=$(date +%s)
	if [ ! -x "$bin" ]; then
		echo "vm-check: no $bin (make all asan)"
		tf=$((tf + 1))
		summary="$summary
  $kv $flavour: no binary"
		return 0
	fi
	set +e
	tests/vm/run.sh --kernel "$kv" --mode test --binary "$bin" --log "$log" \
		--timeout "$tmo" "$@" 2>&1 | tee "$out"
	set -e
	secs=$(($(date +%s) - start))
	# From this run's own output (another run may rewrite the same log).
	tr -d '\r' <"$out" >"$out.tmp" && mv "$out.tmp" "$out"
	g=$(grep -aE "^vm-$kv: [0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$" "$out" | tail -n1 || true)
	h=$(grep -aE "^vm-$kv host: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -n1 || true)
	for line in "$g" "$h"; do
		if [ -n "$line" ]; then
			p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/')
			f=$(echo "$line" | sed 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/')
		else
			p=0 f=1
		fi
		tp=$((tp + p)) tf=$((tf + f))
	done
	summary="$summary
  $kv $flavour (${secs} s): ${g:-no guest verdict} | ${h:-no host verdict} | log $log"
}

for flavour in plain asan valgrind; do
	extra="" tmo=900 kernels=$KERNELS
	case $flavour in
	plain) bin=build/vfiofs suffix="" ;;
	asan) bin=build/asan/vfiofs suffix="-asan" ;;
	valgrind) bin=build/vfiofs suffix="-valgrind" extra=--valgrind tmo=1200 kernels=$VG_KERNELS ;;
	esac
	for kv in $kernels; do
		# shellcheck disable=SC2086
		run_one "$kv" "$flavour" "$bin" "$kv-test$suffix" "$tmo" $extra
	done
done

if [ "$CUSTOM" != 0 ]; then
	kv=6.12-vfiofs
	if ! tests/vm/kernel-build.sh; then
		echo "vm-check: cannot build the $kv kernel (tests/vm/kernel-build.sh)"
		tf=$((tf + 1))
		summary="$summary
  $kv: no kernel (tests/vm/kernel-build.sh failed)"
	else
		# (Not "flavour": run_one sets that.)
		for fl in plain asan; do
			bin=build/vfiofs suffix="" cfgs=$CUSTOM_CONFIGS
			if [ $fl = asan ]; then
				bin=build/asan/vfiofs suffix=-asan cfgs=$CUSTOM_ASAN_CONFIGS
			fi
			for cfg in $cfgs; do
				iommu=${cfg%%:*} opts=""
				case $cfg in *:*) opts=${cfg#*:} ;; esac
				name=$kv-test-$iommu${opts:+-$(echo "$opts" | tr ',=/' '-')}$suffix
				run_one "$kv" "$fl iommu=$iommu${opts:+ -o $opts}" "$bin" "$name" 1200 \
					--iommu "$iommu" --opts "$opts"
			done
		done
	fi
fi
echo
echo "vm-check summary:$summary"
echo "vm: $tp passed, $tf failed"
[ "$tf" -eq 0 ]
