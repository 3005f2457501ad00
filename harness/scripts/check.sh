#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Run every test of siovh against one build and total the results.
#
#   check.sh BUILD_DIR [FAST_BUILD_DIR]
#
# FAST_BUILD_DIR (default BUILD_DIR) holds a build without sanitizers for
# the fault-kill table's runs (see below).
#
# Each step speaks TAP (KTAP for siovh's own reports); only top-level result
# lines count. A step that dies before its plan is complete, or exits non-zero
# without a failing line to show for it, counts as one failure of its own, so
# a crash can never pass silently. The last line printed is always
# "N passed, N failed, N skipped".
set -u

build=${1:?usage: check.sh BUILD_DIR [FAST_BUILD_DIR]}
fast=${2:-$build}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
out=$build/check
rm -rf "$out"
mkdir -p "$out"

passed=0 failed=0 skipped=0
mark=$SECONDS	# each step's line says how long it took since the last one

# tally NAME FILE STATUS [SECONDS]: count the TAP results in FILE for step
# NAME; the line says SECONDS, or the time since the last line.
tally() {
	local name=$1 file=$2 status=$3 secs=${4:-$((SECONDS - mark))}
	local p f s plan n
	p=$(grep -cE '^ok [0-9]+' "$file" | head -1)
	s=$(grep -E '^ok [0-9]+' "$file" | grep -ciE '# *skip')
	p=$((p - s))
	f=$(grep -cE '^not ok [0-9]+' "$file")
	plan=$(grep -m1 -oE '^1\.\.[0-9]+' "$file" | cut -d. -f3)
	n=$((p + s + f))
	if [ -n "$plan" ] && [ "$n" -ne "$plan" ]; then
		echo "not ok - $name: planned $plan results, got $n"
		f=$((f + 1))
	elif [ -z "$plan" ]; then
		echo "not ok - $name: no TAP plan in its output"
		f=$((f + 1))
	elif [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name: exited $status with no failing result"
		f=$((f + 1))
	fi
	# Each failure with the diagnostics under it, so a CI log alone says why.
	awk -v n="$name" '/^not ok [0-9]+/ { d = 8; print "  " n ": " $0; next }
		d > 0 && /^ *#/ { d--; print "  " n ":   " $0; next }
		{ d = 0 }' "$file"
	printf '%-28s %4d passed, %d failed, %d skipped (%d s)\n' "$name" "$p" "$f" "$s" \
		"$secs"
	mark=$SECONDS
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

# step NAME CMD...: run CMD, its stdout is TAP.
step() {
	local name=$1 log=$out/$1.tap status
	shift
	"$@" >"$log" 2>"$out/$name.stderr"
	status=$?
	tally "$name" "$log" "$status"
}

# The tests below are independent (each works in a directory of its own)
# and mostly one process at a time: they run JOBS at a time, each line
# saying how long its step took, printed in the order started.
# step_bg NAME CMD...: step, in the background.
PENDING=()
step_bg() {
	local name=$1
	shift
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	(
		t0=$SECONDS
		"$@" >"$out/$name.tap" 2>"$out/$name.stderr"
		echo "$? $((SECONDS - t0))" >"$out/$name.status"
	) &
	PENDING+=("$name")
}
# steps_wait: every background step done, and tallied.
steps_wait() {
	local name status secs sum=0 t0=$mark
	wait
	for name in "${PENDING[@]}"; do
		read -r status secs <"$out/$name.status" 2>/dev/null || status=1 secs=0
		tally "$name" "$out/$name.tap" "$status" "$secs"
		sum=$((sum + secs))
	done
	echo "  (these ${#PENDING[@]} steps: $sum s of steps in $((SECONDS - t0)) s, $jobs at a time)"
	PENDING=()
	mark=$SECONDS
}

# selftests/siov (kselftest programs) built against each cached kernel tree
# and run on this host, on the reference, and in a scratch kernel tree (the
# longest of these when its builds miss the compiler cache: first).
step_bg selftests selftests/siov/tests/selftests_test.sh "$build/siovh"
for t in $(find "$build" -type f -name '*_test' -perm -u+x | sort); do
	step_bg "unit:$(basename "$t")" "$t"
done
step_bg runner-selftest "$build/runner_selftest"
step_bg cli harness/core/tests/cli_test.sh "$build/siovh"
step_bg report harness/core/tests/report_test.sh "$build/siovh"
step_bg profile-schema harness/core/tests/profile_schema_test.sh "$build/siovh"
# the kernel target's pci facet (device=BDF) on a fake sysfs
step_bg kernel-pci harness/core/tests/kernel_pci_test.sh "$build/siovh"
# the driver claim of device=BDF,vfio= (bind, --force, restore, --dry-run)
# on a fake sysfs whose control files a script serves like the kernel
step_bg kernel-vfio-pci harness/core/tests/kernel_vfio_pci_test.sh "$build/siovh"
# the VM tier's kernel coverage report (vm-images/kernel-coverage.sh) on a fake
# gcov "kernel" built on this host: no VM needed
step_bg vm-kernel-coverage vm-images/tests/kernel_coverage_test.sh
# ... and its crash recovery (vm-images/resume.sh) on fabricated boots
step_bg vm-resume vm-images/tests/resume_test.sh "$build/siovh"
# ... and its documented kernel findings (vm-images/findings.sh): which apply
# to a run, and a known WARN told from an unknown one on fabricated consoles
step_bg vm-findings vm-images/tests/findings_test.sh
# the kernel seeds' pick (vm-images/kernel-seeds.sh) on fabricated PC lists
step_bg vm-kernel-seeds vm-images/tests/kernel_seeds_test.sh
# ... and which clause runs fuzz-kernel-coverage.sh puts next to a corpus
step_bg vm-fuzz-kernel-coverage vm-images/tests/fuzz_kernel_coverage_test.sh
steps_wait

# The fuzz targets (fuzz/, issue 5): every committed seed and regression
# reproducer replayed against this build (one TAP result per file, each in
# a child of its own), then each target under libFuzzer for FUZZ_CHECK_TIME
# seconds from its seeds (10 s each: the step stays under a minute).
fuzz_steps() {
	local t log status
	local targets
	targets=$(for o in fuzz/*/*.options; do basename "$(dirname "$o")"; done)
	make --no-print-directory -j"$jobs" VARIANT="$(basename "$build")" fuzz-replay \
		>"$out/fuzz-build.log" 2>&1
	status=$?
	for t in $targets; do
		# kernel-seeds: the kernel corpus's distilled seeds (issue 9)
		# must hold on the reference too
		step "fuzz-replay:$t" "$build/fuzz/${t}_replay" --tap "$t" \
			fuzz/"$t"/seeds $(ls -d fuzz/"$t"/regressions fuzz/"$t"/kernel-seeds \
			fuzz/"$t"/kernel-regressions 2>/dev/null)
	done
	[ "$status" -eq 0 ] || tail -5 "$out/fuzz-build.log" | sed 's/^/  fuzz-replay build: /'
	log=$out/fuzz-libfuzzer.tap
	if ! make --no-print-directory -j"$jobs" fuzz-libfuzzer >"$out/fuzz-lf-build.log" 2>&1; then
		tail -5 "$out/fuzz-lf-build.log" | sed 's/^/  fuzz-libfuzzer build: /'
	fi
	harness/scripts/fuzz_check.sh "${FUZZ_CHECK_TIME:-10}" "$out/fuzz-runs" \
		$targets >"$log" 2>"$out/fuzz-libfuzzer.stderr"
	tally fuzz-libfuzzer "$log" $?
	# kernel fuzzing's filing of crashes and disagreements (issue 9), on
	# fabricated boots, with the replay driver as the input's writer
	step fuzz-kernel-filing vm-images/tests/fuzz_kernel_test.sh \
		"$build/fuzz/iommufd_ops_replay"
	# which SIOVH_FUZZ_TARGET specs a target takes (ref:parent=vfio) and
	# refuses, and the reference-only oracle still biting on the reference
	step fuzz-target-spec fuzz/target_spec_test.sh "$build/fuzz"
	# the kernel's edges in AFL++'s map (fake KCOV, afl-showmap)
	step fuzz-kcov-afl fuzz/kcov_afl_test.sh "$out/kcov-afl"
	# siovh replay and the per-operation trace (issue 9, differential
	# replay): the reference against itself and against injected faults
	step replay harness/core/tests/replay_test.sh "$build/siovh"
}
fuzz_steps

# siovh_step BUILD NAME TAIL KTAP... -- ARGS...: run BUILD's siovh ARGS with
# --report into $out/NAME and tally each KTAP report it must write (a
# missing one fails).
siovh_step() {
	local bin=$1/siovh name=$2 lines=$3 k status
	shift 3
	local reports=()
	while [ "$1" != -- ]; do
		reports+=("$1")
		shift
	done
	shift
	"$bin" "$@" --jobs "$jobs" --report "$out/$name" \
		>"$out/$name.log" 2>&1
	status=$?
	tail -n "$lines" "$out/$name.log" | sed "s/^/  $name: /"
	for k in "${reports[@]}"; do
		if [ -f "$out/$name/$k.ktap" ]; then
			tally "$name:$k" "$out/$name/$k.ktap" "$status"
		else
			echo "not ok - $name:$k: no $k.ktap written (siovh exited $status)"
			failed=$((failed + 1))
		fi
	done
}

# The conformance run on the reference, under the sanitizers: its KTAP
# report says whether each clause passes.
siovh_step "$build" conformance 1 results -- run --target ref

# The same clauses with every injected fault (the fault-kill table: is it
# full?), on the build without sanitizers: whether a clause notices a fault
# does not depend on them, and the 293 fault runs take 2.5 times as long
# under ASan, the longest step of make check after the VM tier.
siovh_step "$fast" conformance-faults 3 faults -- run --target ref --faults all

# The same clauses on the reference built with a second parent (4 ADIs, no
# ATS or PRI, 16-bit PASIDs: specs/profiles/ref-lite.json): each passes, or
# skips saying which capability the parent lacks.
siovh_step "$build" conformance-lite 1 results -- run \
	--target ref:profile=specs/profiles/ref-lite.json

# The same clauses through the plug-in ABI: the example plug-in (the
# reference packaged as a shared object, harness/plugins/example) must pass
# every clause, as a vendor's plug-in would be run.
siovh_step "$build" plugin 1 results -- run --target "plugin:$build/libsiovh-example.so"

# The VM tier (vm-images/, issue 7): `make vm-check` builds or reuses the VM
# kernel, boots it under QEMU and runs the clauses with --target kernel in
# the guest; its TAP is tallied like any step's. When its packages cannot
# be installed it reports one SKIP with the reason. SKIP_VM=1 leaves it
# out (one skip, said so).
vm_step() {
	if [ -n "${SKIP_VM:-}" ]; then
		printf '%-28s skipped: SKIP_VM is set\n' vm
		skipped=$((skipped + 1))
		return
	fi
	step vm make --no-print-directory vm-check
	grep -E '^vm-check: (profile .*\{|kernel .* ready|qemu .* ready|fault |comparison|kernel coverage|bench:|tier done|steps:)' "$out/vm.stderr" | sed 's/^/  vm: /'
}
vm_step

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
