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
# then for each kernel of VM_KERNELS (default: "linux-source-6.12:mock,vtd
# linux-source-7.x:vtd,siov", i.e. bookworm's 6.12 in both boot profiles and
# the newest 7.x of trixie-backports, whose IOMMUFD_TEST mock works with
# VT-d active, so one profile suffices there, plus the SIOV endpoint, whose
# PASID attach needs 7.x):
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
#    must fail;
# 6. with more than one run, compare them (vm-images/vm-compare.sh):
#    reports/vm/compare/ (siovh report merge's matrix, and compare.txt with
#    every clause whose status differs and each run's reason);
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
# Env: VM_KERNELS, VM_PROFILES, SIOVH_VM_ARGS (siovh run's arguments in the
# guest, default "--target kernel"), REPORT_DIR (default reports),
# SIOV_FAULTS (device faults to show detected, default: dvsec-length
# dvsec-id ext-cap-loop dma-pasid-zero fill-overrun; empty: none), plus
# those of the scripts above (SIOVH_CACHE, KERNEL_SRC, VM_TIMEOUT, ...).
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
if [ -n "${KERNEL_SRC:-}" ]; then
	read -r -a KERNELS <<<"src:${PROFILES_OVERRIDE:-mock}"
else
	read -r -a KERNELS <<<"${VM_KERNELS:-linux-source-6.12:mock,vtd linux-source-7.x:vtd,siov}"
fi

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/siovh-vm-check.XXXXXX")
trap 'rm -rf "$LOGS"' EXIT
tier_start=$(now)

# 1. dependencies
if ! harness/scripts/deps.sh --vm >"$LOGS/deps.log" 2>&1; then
	reason=$( { grep 'deps.sh:' "$LOGS/deps.log" | tail -n1; grep -m1 '^E:' "$LOGS/deps.log"; } |
		  tr '\n' ' ')
	[ -n "$reason" ] || reason=$(tail -n1 "$LOGS/deps.log")
	[ "$SHELL_MODE" = 1 ] && { cat "$LOGS/deps.log" >&2; exit 2; }
	skip_all "cannot install the VM tier's packages (qemu-system-x86, linux-source-6.12/7.x, busybox-static, ...): ${reason:-deps.sh --vm failed}"
fi

: >"$LOGS/tap"
status=0
RUNS=()			# report directories, in run order
SIOVH_HOST=""		# a siovh binary for the comparison

# A set-up step of one kernel failed: one failing result, its log's tail.
kernel_fail() {
	printf 'not ok 0 %s: %s\n' "$1" "$2" >>"$LOGS/tap"
	[ -f "$3" ] && tail -n 30 "$3" | sed 's/^/# /' >>"$LOGS/tap"
	status=1
}

# One run's reports flattened into the TAP stream, names prefixed.
# The documented kernel findings (vm-images/kernel-findings.txt) of the
# run named $1: "CLAUSE<TAB>FINDING" lines on stdout.
run_findings() {
	local globs id why g
	while IFS=$'\t' read -r globs id why; do
		case $globs in '#'* | '') continue ;; esac
		for g in ${globs//,/ }; do
			# shellcheck disable=SC2053 # g is a glob
			if [[ $1 == $g ]]; then
				printf '%s\t%s\n' "$id" "$why"
				break
			fi
		done
	done <"$HERE/kernel-findings.txt"
}

flatten() {
	local dir=$1 prefix=$2 k p f
	run_findings "$prefix" >"$LOGS/findings.tsv"
	run_findings "$prefix:cdev" >"$LOGS/findings-cdev.tsv"
	for k in "$dir/vm.ktap" "$dir/siov.tap" "$dir/results.ktap" "$dir/findings.ktap" \
		 "$dir/selftests/selftests.ktap" "$dir/cdev/results.ktap"; do
		[ -f "$k" ] || continue
		p=$prefix f=/dev/null
		[ "${k##*/}" = results.ktap ] && f=$LOGS/findings.tsv
		[ "$k" = "$dir/cdev/results.ktap" ] && p="$prefix: vfio=cdev" f=$LOGS/findings-cdev.tsv
		[ "${k##*/}" = findings.ktap ] && p="$prefix: kfindings"
		[ "${k##*/}" = selftests.ktap ] && p="$prefix: kselftest"
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
			END { printf "%s", held }' "$k" >>"$LOGS/tap"
	done
}

# Profile siov's QEMU (built once, on first use): sets SIOV_QEMU, or
# SIOV_SKIP with the reason it cannot be had.
SIOV_QEMU="" SIOV_SKIP="" SIOV_TRIED=0
siov_qemu() {
	local t0 qrc
	[ "$SIOV_TRIED" = 1 ] && return 0
	SIOV_TRIED=1
	t0=$(now)
	if ! harness/scripts/deps.sh --qemu >"$LOGS/deps-qemu.log" 2>&1; then
		SIOV_SKIP="cannot install QEMU's build dependencies: $(grep 'deps.sh:' "$LOGS/deps-qemu.log" | tail -n1)"
		return 0
	fi
	# make vm-check runs under the heavy-job lock already.
	SIOVH_HEAVY_LOCK="" vm-images/qemu/build-qemu.sh >"$LOGS/qemu.out" 2>"$LOGS/qemu.log" &&
		qrc=0 || qrc=$?
	case $qrc in
	0) SIOV_QEMU=$(tail -n1 "$LOGS/qemu.out")
	   log "qemu $SIOV_QEMU ready in $(since "$t0") s" ;;
	3) SIOV_SKIP="QEMU's source is unavailable: $(tail -n1 "$LOGS/qemu.log")" ;;
	*) kernel_fail siov "building QEMU with the SIOV endpoint failed" "$LOGS/qemu.log"
	   SIOV_SKIP="building QEMU failed (see the failing result)" ;;
	esac
}

# Device-model faults (profile siov): each fault of SIOV_FAULTS boots the
# endpoint with that fault, the guest test and the pci clauses
# (SIOV.DVSEC.*, kernel:device=BDF); the fault is detected when at least
# one of their results fails that passed on the faithful device, and the
# result names which.
siov_faults() {
	local kdir=$1 initrd=$2 krel=$3 f dir t0 failed base
	base=$REPORT_DIR/vm/$krel-siov
	{ sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$base/siov.tap" "$base/results.ktap" \
		2>/dev/null || true; } >"$LOGS/siov-base-fails"
	echo "-" >>"$LOGS/siov-base-fails"	# never empty: grep -f of nothing drops all
	for f in ${SIOV_FAULTS-dvsec-length dvsec-id ext-cap-loop dma-pasid-zero fill-overrun}; do
		dir=$REPORT_DIR/vm/$krel-siov-fault-$f
		t0=$(now)
		SIOV_FAULT=$f QEMU=$SIOV_QEMU VM_APPEND="siovh.siov_only=1" \
			vm-images/run-vm.sh siov "$kdir" "$initrd" "$dir" \
			>"$LOGS/run-fault-$f.log" 2>&1 || true
		# what fails here and not on the faithful device (a missing file
		# is reported below, not an error of sed's)
		failed=$( { sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$dir/siov.tap" \
				"$dir/results.ktap" 2>/dev/null || true; } |
			  grep -vxF -f "$LOGS/siov-base-fails" | tr '\n' ' ' || true)
		if [ ! -f "$dir/siov.tap" ]; then
			printf 'not ok 0 %s-siov-fault %s: no siov.tap (see %s)\n' "$krel" "$f" "$dir" >>"$LOGS/tap"
		elif [ ! -f "$dir/results.ktap" ]; then
			printf 'not ok 0 %s-siov-fault %s: no results.ktap of the pci clauses (see %s)\n' \
				"$krel" "$f" "$dir" >>"$LOGS/tap"
		elif [ -n "$failed" ]; then
			printf 'ok 0 %s-siov-fault %s: detected by %s\n' "$krel" "$f" "${failed% }" >>"$LOGS/tap"
		elif grep -q "SKIP" "$dir/siov.tap" && [ "$f" = dma-pasid-zero ]; then
			printf 'ok 0 %s-siov-fault %s # SKIP only PASID DMA shows it, and %s has no PASID attach\n' \
				"$krel" "$f" "$krel" >>"$LOGS/tap"
		else
			printf 'not ok 0 %s-siov-fault %s: undetected, every guest result passed\n' "$krel" "$f" >>"$LOGS/tap"
		fi
		log "fault $f done in $(since "$t0") s"
	done
}

# run_kernel PKG PROFILES(comma-separated): steps 2-5 for one kernel.
run_kernel() {
	local pkg=$1 profiles=$2 t0 kdir key variant initrd krel p dir tag
	local -a plist
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

	# 3. siovh against the kernel's headers
	t0=$(now)
	variant=vm-$key
	if ! make --no-print-directory -j"${JOBS:-2}" VARIANT="$variant" \
		VM_HEADERS="$kdir/headers/include" "build/$variant/siovh" \
		"build/$variant/siov-pasid-test" >"$LOGS/siovh-$tag.log" 2>&1; then
		kernel_fail "$krel" "building siovh against $kdir/headers failed" "$LOGS/siovh-$tag.log"
		return
	fi
	SIOVH_HOST=build/$variant/siovh
	# the kernel-side probe of the known differences (static, this
	# kernel's headers)
	if ! ${CC:-gcc} -O2 -Wall -Wextra -Werror -static -isystem "$kdir/headers/include" \
		vm-images/probes/kfindings.c -o "build/$variant/kfindings" \
		>"$LOGS/kfindings-$tag.log" 2>&1; then
		kernel_fail "$krel" "building vm-images/probes/kfindings.c failed" "$LOGS/kfindings-$tag.log"
		return
	fi
	# the kselftest programs (selftests/siov), against this kernel's
	# tree (kselftest_harness.h) and headers
	if ! make --no-print-directory -C selftests/siov KSRC="$(cat "$kdir/source")" \
		KHDR="$kdir/headers/include" OUTPUT="$ROOT/build/$variant/selftests" \
		>"$LOGS/selftests-$tag.log" 2>&1; then
		kernel_fail "$krel" "building selftests/siov failed" "$LOGS/selftests-$tag.log"
		return
	fi
	log "siovh built in $(since "$t0") s"

	# 4. initramfs
	t0=$(now)
	initrd=build/$variant/initramfs.cpio
	if ! VM_EXTRA_BINS="build/$variant/kfindings build/$variant/siov-pasid-test" \
		VM_SELFTESTS_DIR="build/$variant/selftests" \
		vm-images/build-initramfs.sh "$initrd" "build/$variant/siovh" "${RUN_ARGS[@]}" \
		>/dev/null 2>"$LOGS/initramfs-$tag.log"; then
		kernel_fail "$krel" "building the initramfs failed" "$LOGS/initramfs-$tag.log"
		return
	fi
	log "initramfs $initrd ($(du -m "$initrd" | cut -f1) MiB) in $(since "$t0") s"

	if [ "$SHELL_MODE" = 1 ]; then
		if [ "${plist[0]}" = siov ]; then
			siov_qemu
			[ -n "$SIOV_QEMU" ] || { echo "vm-check: $SIOV_SKIP" >&2; exit 2; }
			QEMU=$SIOV_QEMU exec vm-images/run-vm.sh --shell siov "$kdir" "$initrd"
		fi
		exec vm-images/run-vm.sh --shell "${plist[0]}" "$kdir" "$initrd"
	fi

	# 5. boot each profile
	for p in "${plist[@]}"; do
		dir=$REPORT_DIR/vm/$krel-$p
		qemu=${QEMU:-qemu-system-x86_64}
		if [ "$p" = siov ]; then
			siov_qemu
			if [ -z "$SIOV_QEMU" ]; then
				printf 'ok 0 %s-siov: vm # SKIP %s\n' "$krel" "$SIOV_SKIP" >>"$LOGS/tap"
				continue
			fi
			qemu=$SIOV_QEMU
		fi
		t0=$(now)
		log "booting profile $p ($krel)"
		# run-vm.sh's exit is not the verdict: every failure it saw is
		# a "not ok" of vm.ktap or results.ktap, flattened below, where
		# a documented kernel finding's expected failure is no failure
		QEMU=$qemu vm-images/run-vm.sh "$p" "$kdir" "$initrd" "$dir" >"$LOGS/run-$tag-$p.log" 2>&1 || true
		if [ ! -f "$dir/vm.json" ]; then
			log "profile $p ($krel): run-vm.sh wrote no report"
			tail -n 20 "$LOGS/run-$tag-$p.log" >&2
			kernel_fail "$krel-$p" "run-vm.sh failed" "$LOGS/run-$tag-$p.log"
			continue
		fi
		log "profile $p: $(tr -d '\n ' <"$dir/vm.json")"
		flatten "$dir" "$krel-$p"
		RUNS+=("$dir")
		log "profile $p ($krel) done in $(since "$t0") s"
		if [ "$p" = siov ]; then
			siov_faults "$kdir" "$initrd" "$krel"
		fi
	done
}

for k in "${KERNELS[@]}"; do
	run_kernel "${k%%:*}" "${k#*:}"
done

# 6. the runs side by side
if [ "${#RUNS[@]}" -gt 1 ] && [ -n "$SIOVH_HOST" ]; then
	if vm-images/vm-compare.sh "$SIOVH_HOST" "$REPORT_DIR/vm/compare" "${RUNS[@]}" \
		>"$LOGS/compare.log" 2>&1; then
		printf 'ok 0 compare: %s\n' "$(tail -n1 "$LOGS/compare.log")" >>"$LOGS/tap"
		log "comparison: $REPORT_DIR/vm/compare/ ($(tail -n1 "$LOGS/compare.log"))"
		# reports/index.html links it (its "Real kernels" row)
		"$SIOVH_HOST" report index "$REPORT_DIR" >/dev/null 2>&1 ||
			log "siovh report index $REPORT_DIR failed"
	else
		kernel_fail compare "vm-compare.sh failed" "$LOGS/compare.log"
	fi
fi
# 7. the cache keeps the newest VM_CACHE_KEEP (3) entries per kernel name
vm-images/prune-cache.sh 2>&1 | sed 's/^/vm-check: cache: /' >&2 || true
log "tier done in $(since "$tier_start") s (${#RUNS[@]} runs)"

n=$(grep -cE '^(not )?ok 0 ' "$LOGS/tap" || true)
echo "TAP version 13"
echo "1..$n"
awk '/^(not )?ok 0 / { i++; sub(/ok 0 /, "ok " i " ") } { print }' "$LOGS/tap"
grep -q '^not ok ' "$LOGS/tap" && status=1
exit "$status"
