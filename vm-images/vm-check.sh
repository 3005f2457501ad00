#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The VM tier, end to end (`make vm-check`, `make vm-shell`):
#
#   vm-images/vm-check.sh [PROFILE...]       batch: TAP on stdout
#   vm-images/vm-check.sh --shell [PROFILE]  interactive console (first kernel)
#
# 1. install what is missing (harness/scripts/deps.sh --vm); when that is
#    impossible (no apt, no network) the whole tier is one SKIP naming the
#    reason, not a failure;
# then for each kernel of VM_KERNELS (default: "linux-source-6.12:mock,vtd,
# vtd-legacy linux-source-7.x:vtd,vtd-legacy,vtd-flts,siov", i.e. bookworm's
# 6.12 in both boot profiles and the newest 7.x of trixie-backports, whose
# IOMMUFD_TEST mock works with VT-d active, so one profile suffices there,
# plus edu alone under VT-d's legacy mode on both and first-stage mode on
# 7.x (edu-only boots, for the intel driver's other paths: the ATS
# function, the DMAR table; x-flts breaks VFIO attach on 6.12)
# and the SIOV endpoint, whose PASID attach needs 7.x):
# 2. build or reuse the kernel (vm-images/build-kernel.sh, KERNEL_PKG); for
#    profile siov also the QEMU with the SIOV endpoint (vm-images/qemu/
#    build-qemu.sh, deps.sh --qemu; source unavailable: that profile is one
#    SKIP with the reason);
# 3. build siovh (release flags) and the SIOV guest test against that
#    kernel's uAPI headers, in build/vm-<kernel key>/ (make VM_HEADERS=...,
#    vm-images/vm.mk);
# 4. build the initramfs (vm-images/build-initramfs.sh), every run, with
#    vm-images/probes/kfindings.c (the kernel's side of each known kernel/
#    reference difference, measured with the IOMMUFD_TEST mock device) and
#    the kselftest programs of selftests/siov (built against the kernel's
#    tree and headers; run in the guest after siovh, KTAP in selftests/);
# 5. boot each of its profiles, collecting reports/vm/<release>-<profile>/
#    (vm-images/run-vm.sh); after profile siov, each device-model fault of
#    SIOV_FAULTS boots the endpoint faulty with only the guest test and
#    the pci clauses (SIOV.DVSEC.*), which
#    must fail; with VM_BENCH=1 (make bench-vm) each run is followed by a
#    boot of the same kernel, image and profile with an empty init (the
#    baseline of reports/vm/bench.json), and the VM_CRASH_CHECK run is
#    repeated with an oops
#    injected in the guest, which must be reported and the run finished in
#    a fresh VM (run-vm.sh, resume.sh);
# 5b. kernel coverage of that kernel's runs (vm-images/kernel-coverage.sh):
#    reports/vm/kernel-coverage/<release>/ (lcov/genhtml per scenario:
#    boot, siovh, and the kernel's own iommufd selftests, which the
#    VM_KIOMMUFD run, default linux-source-7.x:vtd, runs after siovh
#    with siovh.kiommufd=1, built statically from that kernel's
#    tools/testing/selftests/iommu), then reports/vm/kernel-coverage/
#    index.html and coverage.json over every kernel;
# 6. with more than one run, compare them (vm-images/vm-compare.sh):
#    reports/vm/compare/ (siovh report merge's matrix, and compare.txt with
#    every clause whose status differs and each run's reason); the edu
#    runs likewise in reports/vm/compare-edu/;
# 7. prune the kernel cache (vm-images/prune-cache.sh, VM_CACHE_KEEP).
#
# PROFILE arguments or VM_PROFILES replace every kernel's profiles;
# KERNEL_SRC=<tree> builds that tree instead of the packages (one kernel).
#
# stdout is one TAP stream: per run, the VM's own results (boot, results,
# console-clean, siovh-run) and every clause's result, named
# "<release>-<profile>: ...". Progress and timings go to stderr.
# Exit: 0 nothing failed (skips allowed), 1 something failed.
#
# Env: VM_KERNELS, VM_PROFILES, VM_KIOMMUFD (PACKAGE:PROFILE; empty: none),
# VM_CRASH_CHECK (PACKAGE:PROFILE, default linux-source-6.12:mock: that run
# again with an oops injected after VM_CRASH_AFTER (40) clause results, to
# show the launcher reports it and finishes the run in a fresh VM; empty:
# none), SIOVH_VM_ARGS (siovh run's arguments in the
# guest, default "--target kernel"), REPORT_DIR (default reports),
# SIOV_FAULTS (device faults to show detected, default: dvsec-length
# dvsec-id ext-cap-loop dma-pasid-zero fill-overrun reset-keeps-queue
# irq-wrong-entry ims-mask-ignored; empty: none),
# VM_EDU (default 1: profile vtd also runs the VDCM clauses on QEMU's edu
# through vfio-pci, kernel:device=BDF,vfio=cdev, into <run>/edu/: init.sh
# edu_run, about 2 s of VM time, then the VT-d steps (init.sh vtd_steps,
# <run>/vtd-steps.tap), and profiles vtd-legacy and vtd-flts boot for the
# edu run, the VT-d steps and (vtd-flts) the same clauses on the ATS
# function (ats_run, <run>/ats/, about 4 s) alone; 0: none of it), VM_BENCH (1: the empty-init baselines of reports/vm/bench.json, about
# 8 s a run; make check leaves them to make bench-vm), VM_JOBS (default 2:
# the device-fault boots two at a time, the edu-only boots (vtd-legacy,
# vtd-flts) beside the main runs, the crash check beside the next boot, each
# kernel's coverage report beside the next steps; 1: one thing at a time;
# the TAP stream's order is the same either way), plus
# those of the scripts above (SIOVH_CACHE, KERNEL_SRC, VM_TIMEOUT, ...).
#
# Timings: every step's (builds, initramfs, each boot, coverage phases,
# comparison) on stderr ("vm-check: time KERNEL STEP N s (from T s)", a
# "steps:" line with the totals per kind) and in reports/vm/bench.json
# (steps, step_totals).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"
REPORT_DIR=${REPORT_DIR:-reports}

log() { echo "vm-check: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# The whole tier skips, with the reason, as one TAP result.
skip_all() {
	printf 'TAP version 13\n1..1\nok 1 vm # SKIP %s\n' "$1"
	exit 0
}
# A set-up step failed: one failing TAP result, its log's tail under it.
fail_all() {
	printf 'TAP version 13\n1..1\nnot ok 1 vm: %s\n' "$1"
	[ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" | sed 's/^/# /'
	exit 1
}

SHELL_MODE=0
if [ "${1:-}" = --shell ]; then
	SHELL_MODE=1
	shift
fi
PROFILES_OVERRIDE="${*:-${VM_PROFILES:-}}"
read -r -a RUN_ARGS <<<"${SIOVH_VM_ARGS:---target kernel}"
KIOMMUFD=${VM_KIOMMUFD-linux-source-7.x:vtd}
CRASH_CHECK=${VM_CRASH_CHECK-linux-source-6.12:mock}
CRASH_AFTER=${VM_CRASH_AFTER:-40}
# the guest's --filter, if SIOVH_VM_ARGS has one (for its catalog)
RUN_FILTER=$(printf '%s\n' "${RUN_ARGS[@]}" | awk 'f { print; exit } /^(--filter|-f)$/ { f = 1 }
	/^--filter=/ { sub(/^--filter=/, ""); print; exit }')
if [ -n "${KERNEL_SRC:-}" ]; then
	read -r -a KERNELS <<<"src:${PROFILES_OVERRIDE:-mock}"
else
	read -r -a KERNELS <<<"${VM_KERNELS:-linux-source-6.12:mock,vtd,vtd-legacy linux-source-7.x:vtd,vtd-legacy,vtd-flts,siov}"
fi

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/siovh-vm-check.XXXXXX")
trap 'rm -rf "$LOGS"' EXIT
tier_start=$(now)

# Where the tier's time goes: every step's start (seconds into the tier)
# and duration, "KERNEL<TAB>STEP<TAB>START<TAB>SECONDS" in $LOGS/steps.tsv,
# one "vm-check: time ..." line each on stderr and the list in
# reports/vm/bench.json (vm_bench). STEP is "CATEGORY:NAME" (build,
# initramfs, boot, results, coverage, compare, tier); steps of one kernel
# may overlap (those run in the background), so their sum can exceed the
# tier's wall time.
: >"$LOGS/steps.tsv"
step_done() {
	local s off
	s=$(since "$3")
	off=$(awk -v a="$tier_start" -v b="$3" 'BEGIN { printf "%.1f", b - a }')
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$off" "$s" >>"$LOGS/steps.tsv"
	log "time $1 $2 ${s} s (from ${off} s)"
}

# 1. dependencies
t0=$(now)
if ! harness/scripts/deps.sh --vm >"$LOGS/deps.log" 2>&1; then
	reason=$( { grep 'deps.sh:' "$LOGS/deps.log" | tail -n1; grep -m1 '^E:' "$LOGS/deps.log"; } |
		  tr '\n' ' ')
	[ -n "$reason" ] || reason=$(tail -n1 "$LOGS/deps.log")
	[ "$SHELL_MODE" = 1 ] && { cat "$LOGS/deps.log" >&2; exit 2; }
	skip_all "cannot install the VM tier's packages (qemu-system-x86, linux-source-6.12/7.x, busybox-static, ...): ${reason:-deps.sh --vm failed}"
fi
step_done - tier:deps "$t0"

status=0
RUNS=()			# report directories, in run order
EDU_RUNS=()		# the edu runs' (<run>/edu), compared apart
SIOVH_HOST=""		# a siovh binary for the comparison
BOOTS=0			# VMs booted (runs, device faults, empty-init baselines)
FAULT_SEGS=()		# the device-fault boots' TAP segments (siov_faults)

# The TAP stream is written in segments ($LOGS/tap.NNNN, concatenated in
# number order at the end), so that work done in the background or two at
# a time still lands where it would have, run one after the other: each
# such job writes to a segment allocated, in stream order, before it
# starts. TAP is the segment being written.
SEGS=0
# seg_next: SEG is a new (empty) segment, after every one before it.
seg_next() {
	SEGS=$((SEGS + 1))
	SEG=$(printf '%s/tap.%04d' "$LOGS" "$SEGS")
	: >"$SEG"
}
seg_next
TAP=$SEG

# Background jobs: VMs two at a time (the device-fault boots, the crash
# check) and a kernel's coverage report during the next steps, up to
# VM_JOBS (default 2: the machine's cores; 1: everything in order, as
# before) VMs at once. bg SEGMENT CMD...: CMD in the background, its TAP to
# SEGMENT; the parent counts what it boots (BOOTS) itself. Its failures are
# its "not ok" lines (status is the parent's).
# A job that dies (set -e) says so in its segment: its results would
# otherwise be missing without a failure. VM_JOBS=1: bg runs CMD at once.
VM_JOBS=${VM_JOBS:-2}
BG=()			# background jobs' pids
bg() {
	local seg=$1
	shift
	if [ "$VM_JOBS" -le 1 ]; then
		( TAP=$seg; "$@" ) ||
			printf 'not ok 0 vm-check: %s died (exit %s)\n' "$1" "$?" >>"$seg"
		return 0
	fi
	{ ( TAP=$seg; "$@" ) ||
		printf 'not ok 0 vm-check: %s died (exit %s)\n' "$1" "$?" >>"$seg"; } &
	BG+=($!)
}
# bg_running: how many of BG still run.
bg_running() {
	local p n=0
	for p in "${BG[@]}"; do
		if kill -0 "$p" 2>/dev/null; then n=$((n + 1)); fi
	done
	echo "$n"
}
# bg_wait_below N: until fewer than N background jobs run.
bg_wait_below() {
	while [ "$(bg_running)" -ge "$1" ]; do
		sleep 0.1
	done
}
# bg_wait: every background job done.
bg_wait() {
	local p
	for p in "${BG[@]}"; do
		wait "$p" || true
	done
	BG=()
}

# A set-up step of one kernel failed: one failing result, its log's tail.
kernel_fail() {
	printf 'not ok 0 %s: %s\n' "$1" "$2" >>"$TAP"
	[ -f "$3" ] && tail -n 30 "$3" | sed 's/^/# /' >>"$TAP"
	status=1
}

# ccache for the builds outside the Makefile's rules (selftests/siov's own
# Makefile, kfindings, the kernel's iommufd selftests), set up as the
# Makefile does its own: the cache beside the kernels, paths relative to the
# tree, the tree's directory out of the debug info; plain compiles when
# there is no ccache or its directory cannot be written. A fresh clone then
# compiles selftests/siov (about 25 s a kernel, serial) from the cache.
VM_CC=${CC:-gcc} VM_CFLAGS=${CFLAGS:-}
if command -v ccache >/dev/null 2>&1 && mkdir -p "${SIOVH_CACHE:-/var/cache/siovh}/ccache" 2>/dev/null &&
   [ -w "${SIOVH_CACHE:-/var/cache/siovh}/ccache" ]; then
	export CCACHE_DIR=${SIOVH_CACHE:-/var/cache/siovh}/ccache CCACHE_BASEDIR=$ROOT
	VM_CC="ccache ${CC:-gcc}"
	VM_CFLAGS="$VM_CFLAGS -fdebug-prefix-map=$ROOT=."
fi

# run_findings (the documented kernel findings of a run: findings.sh)
# shellcheck source=vm-images/findings.sh
. "$HERE/findings.sh"

# One run's reports flattened into the TAP stream, names prefixed.
flatten() {
	local dir=$1 prefix=$2 k p f
	run_findings "$prefix" >"$LOGS/findings.tsv"
	run_findings "$prefix:cdev" >"$LOGS/findings-cdev.tsv"
	run_findings "$prefix:edu" >"$LOGS/findings-edu.tsv"
	run_findings "$prefix:ats" >"$LOGS/findings-ats.tsv"
	for k in "$dir/vm.ktap" "$dir/siov.tap" "$dir/results.ktap" "$dir/findings.ktap" \
		 "$dir/selftests/selftests.ktap" "$dir/vfio-parent/results.ktap" \
		 "$dir/cdev/results.ktap" "$dir/edu/results.ktap" "$dir/ats/results.ktap" \
		 "$dir/vtd-steps.tap"; do
		[ -f "$k" ] || continue
		p=$prefix f=/dev/null
		[ "${k##*/}" = results.ktap ] && f=$LOGS/findings.tsv
		[ "$k" = "$dir/vfio-parent/results.ktap" ] && p="$prefix: vfio-parent" f=/dev/null
		[ "$k" = "$dir/cdev/results.ktap" ] && p="$prefix: vfio=cdev" f=$LOGS/findings-cdev.tsv
		[ "$k" = "$dir/edu/results.ktap" ] && p="$prefix: edu" f=$LOGS/findings-edu.tsv
		[ "$k" = "$dir/ats/results.ktap" ] && p="$prefix: ats" f=$LOGS/findings-ats.tsv
		[ "$k" = "$dir/vtd-steps.tap" ] && p="$prefix: vtd-steps"
		[ "${k##*/}" = findings.ktap ] && p="$prefix: kfindings"
		if [ "${k##*/}" = selftests.ktap ]; then
			p="$prefix: kselftest"
			kselftest_findings "$dir/selftests" "$LOGS/findings.tsv" \
				>"$LOGS/selftests.ktap"
			k=$LOGS/selftests.ktap
		fi
		# siovh writes a failure's "# file:line: ..." lines before its
		# result line; TAP readers expect them after it. A clause the
		# run's kernel findings list must fail (its failure is the
		# finding, confirmed each run: ok); if it passes, the finding is
		# gone and the list must change (not ok).
		awk -v p="$p" -v f="$f" 'BEGIN {
				while ((getline l < f) > 0) {
					i = index(l, "\t")
					if (i) why[substr(l, 1, i - 1)] = substr(l, i + 1)
				} }
			/^(not )?ok [0-9]+ / {
				v = ($1 == "not") ? "not ok" : "ok"
				sub(/^(not )?ok [0-9]+ /, "")
				split($0, w, " ")
				if (w[1] in why && v == "not ok") {
					v = "ok"
					$0 = $0 " # kernel finding (fails as documented): " why[w[1]]
				} else if (w[1] in why && $0 !~ / # SKIP/) {
					v = "not ok"
					$0 = $0 ": passes, but vm-images/kernel-findings.txt lists it as a kernel finding (" why[w[1]] ")"
				}
				print v " 0 " p ": " $0
				printf "%s", held; held = ""; next }
			/^# [^ ]+:[0-9]+: / { held = held $0 "\n"; next }
			/^#/ { print }
			END { printf "%s", held }' "$k" >>"$TAP"
	done
}

# pci_result DIR NAME DEV WHAT: a vtd profile ran siovh on an emulated
# function through vfio-pci (init.sh pci_run: DEV edu, QEMU's edu; ats,
# the ATS function of vtd-legacy and vtd-flts); its clauses are flattened
# as "NAME: DEV: ID". One result: that run ended with its reports (exit 0
# or 1, the clauses' own verdicts) and gave the function back to no
# driver, as before it.
pci_result() {
	local log=$1/$3.log k=$1/$3/results.ktap sum drv
	sum=$(grep -E '^[0-9]+ passed' "$log" 2>/dev/null | tail -n1 || true)
	drv=$({ tr -d '\r' <"$1/console.log"; } 2>/dev/null |
	      sed -n "s/^SIOVH-VM: siovh ($3) exit \([0-9]*\), driver after: *\(.*\)/\1 \2/p" |
	      tail -n1 || true)
	if [ ! -f "$k" ] || [ -z "$sum" ]; then
		printf 'not ok 0 %s: %s: no results from siovh on %s (%s)\n' "$2" "$3" "$4" \
			"$(tail -n1 "$log" 2>/dev/null || echo "no $3.log")" >>"$TAP"
	elif [ "${drv%% *}" != 0 ] && [ "${drv%% *}" != 1 ]; then
		printf 'not ok 0 %s: %s: siovh exit %s: %s\n' "$2" "$3" "${drv%% *}" "$sum" >>"$TAP"
	elif [ -n "${drv#* }" ] && [ "${drv#* }" != "$drv" ]; then
		printf 'not ok 0 %s: %s: left bound to %s after the run\n' "$2" "$3" "${drv#* }" >>"$TAP"
	else
		printf 'ok 0 %s: %s: siovh on %s through vfio-pci: %s, unbound again\n' "$2" "$3" "$4" "$sum" >>"$TAP"
	fi
}

# steps_result DIR NAME: the VT-d steps (init.sh vtd_steps) ran; their
# results are flattened with the run's.
steps_result() {
	if [ ! -s "$1/vtd-steps.tap" ]; then
		printf 'not ok 0 %s: vtd-steps: no results (init.sh vtd_steps did not run)\n' "$2" >>"$TAP"
	fi
}

# shellcheck source=vm-images/vm-check-siov.sh
. "$HERE/vm-check-siov.sh"

# build_kiommufd KERNEL_DIR OUT: the kernel's own iommufd selftests
# (tools/testing/selftests/iommu/iommufd.c of the kernel's tree), static,
# against its headers and kselftest_harness.h, as its Makefile builds them.
# Compiled apart from the link, so that ccache (VM_CC) has the compile.
build_kiommufd() {
	local src
	src=$(cat "$1/source")
	[ -f "$src/tools/testing/selftests/iommu/iommufd.c" ] ||
		{ echo "$src has no tools/testing/selftests/iommu/iommufd.c"; return 1; }
	$VM_CC -c -O2 -Wall -Wno-unused-function -D_GNU_SOURCE -isystem "$1/headers/include" \
		-I"$src/tools/testing/selftests" "$src/tools/testing/selftests/iommu/iommufd.c" \
		-o "$2.o" &&
		${CC:-gcc} -static "$2.o" -o "$2" -lcap -lpthread
}

# kiommufd_result DIR NAME: the kernel's iommufd selftests of that run (the
# coverage anchor) as one result: they must have run to their totals line;
# their own failures are counted, not judged (the kernel's tests, on TCG).
kiommufd_result() {
	local k=$1/kselftest-iommufd.ktap totals
	[ -f "$k" ] || return 0
	totals=$(grep -m1 '^# Totals:' "$k" || true)
	if [ -n "$totals" ]; then
		printf 'ok 0 %s: kselftest-iommufd (the kernel'"'"'s own, for the coverage anchor) %s\n' \
			"$2" "${totals#\# }" >>"$TAP"
	else
		printf 'not ok 0 %s: kselftest-iommufd did not finish (no Totals line in %s)\n' "$2" "$k" >>"$TAP"
		tail -n 10 "$k" | sed 's/^/# /' >>"$TAP"
	fi
}

# shellcheck source=vm-images/vm-check-bench.sh
. "$HERE/vm-check-bench.sh"

# crash_check KERNEL_DIR INITRD PROFILE QEMU RELEASE CATALOG: the run again
# with a test-only oops in the guest (siovh.inject=BUG@N: LKDTM's BUG once
# siovh has N results; oops=panic ends the VM): the launcher must report
# it (console-clean failing, with the excerpt) and run the clauses left in
# a fresh VM, so that every clause of CATALOG has one result. One result;
# the evidence in reports/vm/<release>-<profile>-crash-check/.
crash_check() {
	local dir=$REPORT_DIR/vm/$5-$3-crash-check n=$CRASH_AFTER total got from1 why="" t0
	t0=$(now)
	SIOVH_CATALOG=$6 QEMU=$4 VM_APPEND="${VM_APPEND:-} siovh.inject=BUG@$n" \
		vm-images/run-vm.sh "$3" "$1" "$2" "$dir" >"$LOGS/crash-$5.log" 2>&1 || true
	total=$(jq '.clauses | length' "$6")
	if [ ! -f "$dir/vm.ktap" ] || [ ! -f "$dir/results.json" ]; then
		why="no vm.ktap or results.json in $dir"
	elif ! grep -q "^SIOVH-VM: inject: BUG after" "$dir/console.log"; then
		why="the oops was not injected (siovh ran fewer than $n clauses?)"
	elif ! grep -qE '^not ok [0-9]+ console-clean # .*kernel bug report' "$dir/vm.ktap"; then
		why="the injected oops was not reported by console-clean"
	elif ! grep -qE '^ok [0-9]+ resume-2 ' "$dir/vm.ktap"; then
		why="the run did not continue in a fresh VM: $(grep -E 'resume|results' "$dir/vm.ktap" | head -n2 | tr '\n' ' ')"
	else
		got=$(jq '[.results[].id] | unique | length' "$dir/results.json")
		from1=$(jq '[.results[] | select(.notes[]? | startswith("ran in VM boot 1"))] | length' "$dir/results.json")
		if [ "$got" != "$total" ] || [ "$(jq '.results | length' "$dir/results.json")" != "$total" ]; then
			why="results.json has $got distinct of $total clauses after the resume"
		elif [ "$from1" -lt 1 ]; then
			why="no result of the crashed boot was kept: the fresh VM ran everything again"
		fi
	fi
	if [ -z "$why" ]; then
		printf 'ok 0 %s-%s: crash-recovery: an oops injected after %s results was reported and %s; all %s clauses have a result (%s from boot 1'"'"'s console)\n' \
			"$5" "$3" "$(sed -n 's/^SIOVH-VM: inject: BUG after \([0-9]*\).*/\1/p' "$dir/console.log")" \
			"$(sed -n 's/^ok [0-9]* resume-2 # boot 1 crashed; //p' "$dir/vm.ktap")" "$total" "$from1" \
			>>"$TAP"
	else
		printf 'not ok 0 %s-%s: crash-recovery: %s\n' "$5" "$3" "$why" >>"$TAP"
		tail -n 20 "$LOGS/crash-$5.log" | sed 's/^/# /' >>"$TAP"
		status=1
	fi
	step_done "$5" "boot:crash-check-$3" "$t0"
}

# kernel_coverage KERNEL_DIR RELEASE RUN_DIR...: step 5b, one result.
kernel_coverage() {
	local kdir=$1 krel=$2 t0 sum ph st s off
	shift 2
	t0=$(now)
	if sum=$(vm-images/kernel-coverage.sh "$kdir" "$REPORT_DIR/vm/kernel-coverage/$krel" "$@" \
		 2>"$LOGS/kcov-$krel.log"); then
		printf 'ok 0 %s: kernel-coverage %s\n' "$krel" "$sum" >>"$TAP"
		log "kernel coverage $krel in $(since "$t0") s: $sum"
	else
		kernel_fail "$krel" "kernel coverage report failed" "$LOGS/kcov-$krel.log"
	fi
	# kernel-coverage.sh's phases ("kernel-coverage.sh: time PHASE START
	# SECONDS"), the steps of coverage
	sed -n 's/^kernel-coverage\.sh: time \([^ ]*\) \([0-9.]*\) \([0-9.]*\)$/\1 \2 \3/p' \
		"$LOGS/kcov-$krel.log" | while read -r ph st s; do
		off=$(awk -v a="$tier_start" -v b="$st" 'BEGIN { printf "%.1f", b - a }')
		printf '%s\tcoverage:%s\t%s\t%s\n' "$krel" "$ph" "$off" "$s" >>"$LOGS/steps.tsv"
		log "time $krel coverage:$ph $s s (from $off s)"
	done
	log "time $krel coverage $(since "$t0") s (its phases above)"
}

# boot_profile PROFILE: one profile's boot of run_kernel's kernel (its
# locals: pkg, krel, kdir, initrd, variant, tag, kiommufd_bin, xseg), its
# results to TAP; the crash check after it (in the background, its result
# to the profile's xseg segment). In the background itself for the
# edu-only boots (run_kernel); the caller then counts BOOTS.
boot_profile() {
	local p=$1 dir qemu t0 t1 append edu catalog ats
	dir=$REPORT_DIR/vm/$krel-$p
	if [ "${VM_EDU:-1}" != 1 ] && { [ "$p" = vtd-legacy ] || [ "$p" = vtd-flts ]; }; then
		printf 'ok 0 %s-%s: vm # SKIP VM_EDU=%s: this profile boots for the edu run alone\n' \
			"$krel" "$p" "$VM_EDU" >>"$TAP"
		return 0
	fi
	qemu=${QEMU:-qemu-system-x86_64}
	if [ "$p" = siov ]; then
		siov_qemu
		if [ -z "$SIOV_QEMU" ]; then
			printf 'ok 0 %s-siov: vm # SKIP %s\n' "$krel" "$SIOV_SKIP" >>"$TAP"
			return 0
		fi
		qemu=$SIOV_QEMU
	fi
	t0=$(now)
	log "booting profile $p ($krel)"
	BOOTS=$((BOOTS + 1))
	append=${VM_APPEND:-}
	[ -n "$kiommufd_bin" ] && [ "$pkg:$p" = "$KIOMMUFD" ] && append="$append siovh.kiommufd=1"
	edu=0 catalog=build/$variant/catalog.json
	[ "${VM_EDU:-1}" = 1 ] && [ "$p" = vtd ] && edu=1 append="$append siovh.edu=1"
	# the edu-only boots: the edu run under another VT-d mode
	# (init.sh edu_only; no main run to resume after a crash)
	# (and on vtd-flts the ATS function: run-vm.sh, init.sh ats_run)
	ats=0
	case $p in vtd-legacy | vtd-flts)
		edu=1 catalog="" append="$append siovh.edu=1 siovh.edu_only=1" ;;
	esac
	[ "$p" = vtd-flts ] && ats=1 append="$append siovh.ats=1"
	# the kernel bug reports this run's documented findings expect
	{ run_findings "$krel-$p" console
	  run_findings "$krel-$p:cdev" console
	  [ "$edu" = 0 ] || run_findings "$krel-$p:edu" console
	  [ "$ats" = 0 ] || run_findings "$krel-$p:ats" console; } >"$LOGS/console-$tag-$p.tsv"
	# run-vm.sh's exit is not the verdict: every failure it saw is
	# a "not ok" of vm.ktap or results.ktap, flattened below, where
	# a documented kernel finding's expected failure is no failure
	bg_wait_below "$VM_JOBS"
	t1=$(now)
	SIOVH_CATALOG=$catalog VM_KNOWN_CONSOLE=$LOGS/console-$tag-$p.tsv \
	QEMU=$qemu VM_APPEND=$append vm-images/run-vm.sh "$p" "$kdir" "$initrd" "$dir" \
		>"$LOGS/run-$tag-$p.log" 2>&1 || true
	step_done "$krel" "boot:$p" "$t1"
	t1=$(now)
	if [ ! -f "$dir/vm.json" ]; then
		log "profile $p ($krel): run-vm.sh wrote no report"
		tail -n 20 "$LOGS/run-$tag-$p.log" >&2
		kernel_fail "$krel-$p" "run-vm.sh failed" "$LOGS/run-$tag-$p.log"
		return 0
	fi
	log "profile $p: $(tr -d '\n ' <"$dir/vm.json")"
	flatten "$dir" "$krel-$p"
	if [ "$edu" = 1 ]; then
		pci_result "$dir" "$krel-$p" edu "edu"
		steps_result "$dir" "$krel-$p"
	fi
	[ "$ats" = 1 ] && pci_result "$dir" "$krel-$p" ats "the ATS function"
	kiommufd_result "$dir" "$krel-$p"
	step_done "$krel" "results:$p" "$t1"
	if [ "${VM_BENCH:-0}" = 1 ]; then
		t1=$(now)
		empty_boot "$kdir" "$initrd" "$p" "$qemu" "$dir" "$krel-$p"
		step_done "$krel" "boot:empty-$p" "$t1"
	fi
	if [ "$pkg:$p" = "$CRASH_CHECK" ]; then
		# in the background, beside the next boot (two VMs at
		# once); its result where it was, after this run's
		BOOTS=$((BOOTS + 2))
		bg "${xseg[$p]}" crash_check "$kdir" "$initrd" "$p" "$qemu" "$krel" "build/$variant/catalog.json"
	fi
	# for run_kernel's lists of runs (RUNS, EDU_RUNS, kruns)
	: >"$LOGS/booted-$krel-$p"
	log "profile $p ($krel) done in $(since "$t0") s"
	if [ "$p" = siov ]; then
		siov_required "$dir" "$krel"
	fi
}

# run_kernel PKG PROFILES(comma-separated): steps 2-5 for one kernel.
run_kernel() {
	local pkg=$1 profiles=$2 t0 kdir key variant initrd krel p dir tag kiommufd_bin t1 f cov_seg after_seg
	local -a plist kruns=()
	tag=${pkg#linux-source-}
	IFS=, read -r -a plist <<<"${PROFILES_OVERRIDE:-$profiles}"
	[ -n "$PROFILES_OVERRIDE" ] && read -r -a plist <<<"$PROFILES_OVERRIDE"

	# 2. kernel
	t0=$(now)
	if ! kdir=$( { [ "$pkg" = src ] || export KERNEL_PKG=$pkg; vm-images/build-kernel.sh; } \
		     2> >(tee "$LOGS/kernel-$tag.log" >&2) | tail -n1) || [ ! -d "$kdir" ]; then
		kernel_fail "$tag" "kernel build failed" "$LOGS/kernel-$tag.log"
		return
	fi
	log "kernel $kdir ready in $(since "$t0") s"
	key=$(basename "$kdir")
	krel=$(cat "$kdir/release")
	step_done "$krel" build:kernel "$t0"

	# 3. siovh against the kernel's headers
	t0=$(now) t1=$t0
	variant=vm-$key
	if ! make --no-print-directory -j"${JOBS:-2}" VARIANT="$variant" \
		VM_HEADERS="$kdir/headers/include" "build/$variant/siovh" \
		"build/$variant/siov-pasid-test" >"$LOGS/siovh-$tag.log" 2>&1; then
		kernel_fail "$krel" "building siovh against $kdir/headers failed" "$LOGS/siovh-$tag.log"
		return
	fi
	SIOVH_HOST=build/$variant/siovh
	step_done "$krel" build:siovh "$t1"
	t1=$(now)
	# the guest's clauses in the runner's order: what run-vm.sh needs to
	# continue a run in a fresh VM after a kernel crash
	if ! "$SIOVH_HOST" list --format json ${RUN_FILTER:+--filter "$RUN_FILTER"} \
		>"build/$variant/catalog.json" 2>"$LOGS/catalog-$tag.log"; then
		kernel_fail "$krel" "siovh list --format json failed" "$LOGS/catalog-$tag.log"
		return
	fi
	step_done "$krel" build:catalog "$t1"
	t1=$(now)
	# the kernel-side probe of the known differences (static, this
	# kernel's headers)
	if ! ${CC:-gcc} -O2 -Wall -Wextra -Werror -static -isystem "$kdir/headers/include" \
		vm-images/probes/kfindings.c -o "build/$variant/kfindings" \
		>"$LOGS/kfindings-$tag.log" 2>&1; then
		kernel_fail "$krel" "building vm-images/probes/kfindings.c failed" "$LOGS/kfindings-$tag.log"
		return
	fi
	step_done "$krel" build:kfindings "$t1"
	t1=$(now)
	# the kselftest programs (selftests/siov), against this kernel's
	# tree (kselftest_harness.h) and headers
	if ! CFLAGS="$VM_CFLAGS" make --no-print-directory -j"${JOBS:-2}" -C selftests/siov \
		CC="$VM_CC" KSRC="$(cat "$kdir/source")" \
		KHDR="$kdir/headers/include" OUTPUT="$ROOT/build/$variant/selftests" \
		>"$LOGS/selftests-$tag.log" 2>&1; then
		kernel_fail "$krel" "building selftests/siov failed" "$LOGS/selftests-$tag.log"
		return
	fi
	step_done "$krel" build:selftests "$t1"
	t1=$(now)
	# the op-stream fuzz target for this kernel, and its seeds to replay
	# in the guest (issue 9: kernel and model compared on each seed)
	fz=build/fuzz/vm-$key
	if ! make --no-print-directory -j"${JOBS:-2}" VM_HEADERS="$kdir/headers/include" \
		FUZZ_VM_DIR="$fz" "$fz/iommufd_ops" >"$LOGS/fuzz-$tag.log" 2>&1; then
		kernel_fail "$krel" "building fuzz/iommufd_ops against $kdir/headers failed" "$LOGS/fuzz-$tag.log"
		return
	fi
	step_done "$krel" build:fuzz-target "$t1"
	t1=$(now)
	rm -rf "build/$variant/fuzz-replay"
	mkdir -p "build/$variant/fuzz-replay/seeds"
	cp fuzz/iommufd_ops/seeds/* "build/$variant/fuzz-replay/seeds/"
	# and the kernel corpus's distilled seeds (vm-images/kernel-seeds.sh:
	# a few dozen small files, a second or two) and what kernel campaigns
	# found in the harness (kernel-regressions/), named apart
	for f in fuzz/iommufd_ops/kernel-seeds/* fuzz/iommufd_ops/kernel-regressions/*; do
		[ -f "$f" ] && cp "$f" "build/$variant/fuzz-replay/seeds/kernel-${f##*/}"
	done
	printf '%s\n' /bin/iommufd_ops -runs=0 >"build/$variant/fuzz-replay/replay-args"
	step_done "$krel" build:fuzz-seeds "$t1"
	t1=$(now)
	# the kernel's own iommufd selftests, for the coverage anchor
	kiommufd_bin=""
	if [ "$pkg:${KIOMMUFD#*:}" = "$KIOMMUFD" ]; then
		if ! build_kiommufd "$kdir" "build/$variant/kiommufd" >"$LOGS/kiommufd-$tag.log" 2>&1; then
			kernel_fail "$krel" "building the kernel's iommufd selftests failed" "$LOGS/kiommufd-$tag.log"
			return
		fi
		kiommufd_bin=build/$variant/kiommufd
		step_done "$krel" build:kiommufd "$t1"
	fi
	log "siovh built in $(since "$t0") s"

	# 4. initramfs
	t0=$(now)
	initrd=build/$variant/initramfs.cpio
	if ! VM_KIOMMUFD_BIN=$kiommufd_bin \
		VM_EXTRA_BINS="build/$variant/kfindings build/$variant/siov-pasid-test $fz/iommufd_ops" \
		VM_SELFTESTS_DIR="build/$variant/selftests" VM_FUZZ_DIR="build/$variant/fuzz-replay" \
		vm-images/build-initramfs.sh "$initrd" "build/$variant/siovh" "${RUN_ARGS[@]}" \
		>/dev/null 2>"$LOGS/initramfs-$tag.log"; then
		kernel_fail "$krel" "building the initramfs failed" "$LOGS/initramfs-$tag.log"
		return
	fi
	log "initramfs $initrd ($(du -m "$initrd" | cut -f1) MiB) in $(since "$t0") s"
	step_done "$krel" initramfs "$t0"

	if [ "$SHELL_MODE" = 1 ]; then
		if [ "${plist[0]}" = siov ]; then
			siov_qemu
			[ -n "$SIOV_QEMU" ] || { echo "vm-check: $SIOV_SKIP" >&2; exit 2; }
			QEMU=$SIOV_QEMU exec vm-images/run-vm.sh --shell siov "$kdir" "$initrd"
		fi
		exec vm-images/run-vm.sh --shell "${plist[0]}" "$kdir" "$initrd"
	fi

	# 5. boot each profile. Each profile's results have their segments,
	# in the profiles' order (then its crash check's or device faults').
	# With VM_JOBS > 1 the edu-only boots (light: the edu run alone) go
	# first, in the background, beside the main runs.
	local -A pseg=() xseg=()
	for p in "${plist[@]}"; do
		seg_next
		pseg[$p]=$SEG
		seg_next
		xseg[$p]=$SEG
		if [ "$p" = siov ]; then
			for f in ${SIOV_FAULTS-$SIOV_FAULTS_DEFAULT}; do
				seg_next
				FAULT_SEGS+=("$SEG")
			done
		fi
	done
	seg_next
	cov_seg=$SEG
	seg_next
	after_seg=$SEG
	local -A launched=()
	if [ "$VM_JOBS" -gt 1 ] && [ "${VM_EDU:-1}" = 1 ]; then
		for p in "${plist[@]}"; do
			case $p in vtd-legacy | vtd-flts) ;; *) continue ;; esac
			bg_wait_below "$VM_JOBS"
			BOOTS=$((BOOTS + 1))
			bg "${pseg[$p]}" boot_profile "$p"
			launched[$p]=1
		done
	fi
	for p in "${plist[@]}"; do
		[ -n "${launched[$p]:-}" ] && continue
		TAP=${pseg[$p]}
		boot_profile "$p"
	done
	# the kernel's boots done (and, in passing, anything else running)
	bg_wait
	TAP=$after_seg
	# the runs in the profiles' order: compared (RUNS, EDU_RUNS) and
	# covered (kruns)
	for p in "${plist[@]}"; do
		dir=$REPORT_DIR/vm/$krel-$p
		[ -f "$LOGS/booted-$krel-$p" ] || continue
		# (an edu-only boot has no main run to compare)
		case $p in
		vtd-legacy | vtd-flts) [ -f "$dir/results.json" ] && RUNS+=("$dir") ;;
		*) RUNS+=("$dir") ;;
		esac
		[ -f "$dir/vfio-parent/results.json" ] && RUNS+=("$dir/vfio-parent")
		# the edu runs (VDCM.* only) side by side, apart from the others
		case $p in
		vtd | vtd-legacy | vtd-flts)
			[ "${VM_EDU:-1}" = 1 ] && [ -f "$dir/edu/results.json" ] && EDU_RUNS+=("$dir/edu") ;;
		esac
		kruns+=("$dir")
	done
	# the coverage of the kernel's runs (the device-fault boots add none)
	# in the background, beside the fault boots or the next kernel's
	if [ "${#kruns[@]}" -gt 0 ]; then
		bg "$cov_seg" kernel_coverage "$kdir" "$krel" "${kruns[@]}"
	fi
	if [ "${#FAULT_SEGS[@]}" -gt 0 ]; then
		siov_faults "$kdir" "$initrd" "$krel"
		FAULT_SEGS=()
	fi
	return 0
}

for k in "${KERNELS[@]}"; do
	run_kernel "${k%%:*}" "${k#*:}"
done

# 5b. the kernels' coverage in one table (when the last background job is
# done)
t0=$(now)
bg_wait
step_done - tier:wait-background "$t0"
t0=$(now)
if [ -d "$REPORT_DIR/vm/kernel-coverage" ] &&
   ! vm-images/kernel-coverage.sh --index "$REPORT_DIR/vm/kernel-coverage" 2>"$LOGS/kernel-coverage-index.log"; then
	kernel_fail kernel-coverage "kernel-coverage.sh --index failed" "$LOGS/kernel-coverage-index.log"
fi
step_done - coverage:index "$t0"

# 6. the runs side by side; the edu runs (VDCM.* only: beside the full runs
# every other clause would differ) in a comparison of their own, which
# reports/index.html links from the same row
t0=$(now)
if [ "${#EDU_RUNS[@]}" -gt 1 ] && [ -n "$SIOVH_HOST" ]; then
	if vm-images/vm-compare.sh "$SIOVH_HOST" "$REPORT_DIR/vm/compare-edu" "${EDU_RUNS[@]}" \
		>"$LOGS/compare-edu.log" 2>&1; then
		printf 'ok 0 compare-edu: %s\n' "$(tail -n1 "$LOGS/compare-edu.log")" >>"$TAP"
	else
		kernel_fail compare-edu "vm-compare.sh failed on the edu runs" "$LOGS/compare-edu.log"
	fi
	step_done - compare:edu "$t0"
fi
if [ "${#RUNS[@]}" -gt 1 ] && [ -n "$SIOVH_HOST" ]; then
	t0=$(now)
	if vm-images/vm-compare.sh "$SIOVH_HOST" "$REPORT_DIR/vm/compare" "${RUNS[@]}" \
		>"$LOGS/compare.log" 2>&1; then
		printf 'ok 0 compare: %s\n' "$(tail -n1 "$LOGS/compare.log")" >>"$TAP"
		log "comparison: $REPORT_DIR/vm/compare/ ($(tail -n1 "$LOGS/compare.log"))"
		step_done - compare:runs "$t0"
		t0=$(now)
		# reports/index.html links it (its "Real kernels" row)
		"$SIOVH_HOST" report index "$REPORT_DIR" >/dev/null 2>&1 ||
			log "siovh report index $REPORT_DIR failed"
		step_done - compare:report-index "$t0"
	else
		kernel_fail compare "vm-compare.sh failed" "$LOGS/compare.log"
	fi
fi
# 7. the cache keeps the newest VM_CACHE_KEEP (3) entries per kernel name
t0=$(now)
vm-images/prune-cache.sh 2>&1 | sed 's/^/vm-check: cache: /' >&2 || true
step_done - tier:prune-cache "$t0"
log "tier done in $(since "$tier_start") s (${#RUNS[@]} runs)"
log "steps: $(step_totals)"
if [ "${#RUNS[@]}" -gt 0 ]; then
	if vm_bench "$REPORT_DIR/vm/bench.json" 2>"$LOGS/bench.log"; then
		log "bench: $(jq -c '{vm_check_wall_s, boots, empty_init_boots_s}' "$REPORT_DIR/vm/bench.json")"
	else
		kernel_fail bench "writing $REPORT_DIR/vm/bench.json failed" "$LOGS/bench.log"
	fi
fi

bg_wait
cat "$LOGS"/tap.* >"$LOGS/tap"
n=$(grep -cE '^(not )?ok 0 ' "$LOGS/tap" || true)
echo "TAP version 13"
echo "1..$n"
awk '/^(not )?ok 0 / { i++; sub(/ok 0 /, "ok " i " ") } { print }' "$LOGS/tap"
grep -q '^not ok ' "$LOGS/tap" && status=1
exit "$status"
