#!/bin/sh
# make vm-check: the integration tests in the VM on both guest kernels, with
# the plain daemon (build/vfiofs) and the sanitized one (build/asan/vfiofs),
# then the plain daemon under valgrind's memcheck on the 6.12 kernel (a
# subset of the tests; see guest-init.sh). VM_KERNELS and VM_VALGRIND_KERNELS
# choose the kernels ("" for no valgrind run).
# Prints one line per run and "vm: N passed, N failed" summing them all.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
KERNELS=${VM_KERNELS:-"6.1 6.12"}
VG_KERNELS=${VM_VALGRIND_KERNELS-6.12}
tp=0 tf=0 summary=""
for flavour in plain asan valgrind; do
	extra="" tmo=900 kernels=$KERNELS
	case $flavour in
	plain) bin=build/vfiofs suffix="" ;;
	asan) bin=build/asan/vfiofs suffix="-asan" ;;
	valgrind) bin=build/vfiofs suffix="-valgrind" extra=--valgrind tmo=1200 kernels=$VG_KERNELS ;;
	esac
	for kv in $kernels; do
		log=build/vm-$kv-test$suffix.log
		out=build/vm-$kv-test$suffix.out
		start=$(date +%s)
		if [ ! -x "$bin" ]; then
			echo "vm-check: no $bin (make all asan)"
			tf=$((tf + 1))
			summary="$summary
  $kv $flavour: no binary"
			continue
		fi
		set +e
		tests/vm/run.sh --kernel "$kv" --mode test --binary "$bin" --log "$log" \
			--timeout "$tmo" $extra 2>&1 | tee "$out"
		set -e
		secs=$(($(date +%s) - start))
		# From this run's own output (another run may rewrite the same log).
		tr -d '\r' <"$out" >"$out.tmp" && mv "$out.tmp" "$out"
		g=$(grep -aE "^vm-$kv: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -n1 || true)
		h=$(grep -aE "^vm-$kv host: [0-9]+ passed, [0-9]+ failed$" "$out" | tail -n1 || true)
		for line in "$g" "$h"; do
			if [ -n "$line" ]; then
				p=$(echo "$line" | sed 's/.*: \([0-9]*\) passed, \([0-9]*\) failed/\1/')
				f=$(echo "$line" | sed 's/.*: \([0-9]*\) passed, \([0-9]*\) failed/\2/')
			else
				p=0 f=1
			fi
			tp=$((tp + p)) tf=$((tf + f))
		done
		summary="$summary
  $kv $flavour (${secs} s): ${g:-no guest verdict} | ${h:-no host verdict} | log $log"
	done
done
echo
echo "vm-check summary:$summary"
echo "vm: $tp passed, $tf failed"
[ "$tf" -eq 0 ]
