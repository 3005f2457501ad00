#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The kernel coverage a fuzz corpus reaches (issue 9), next to the clauses':
#
#   vm-images/fuzz-kernel-coverage.sh [NAME=DIR | DIR]...
#   make fuzz-kernel-coverage [CORPUS=DIR]
#   vm-images/fuzz-kernel-coverage.sh --clause-runs VM_DIR RELEASE KEY
#       (step 4's choice of vm-check's runs alone; vm-images/tests/
#       fuzz_kernel_coverage_test.sh)
#
# 1. The gcov kernel of KERNEL_PKG (default linux-source-7.x): the VM tier's
#    build (build-kernel.sh without a variant), the one vm-check measures the
#    clauses on; built under the heavy-job lock when it is not cached. Not
#    the fuzz variant the campaign runs (KCOV, KASAN): the same kernel
#    version, and figures comparable with vm-check's "siovh" scenario.
# 2. FUZZ_KTARGET (iommufd_ops) built against that kernel's uAPI headers
#    (make fuzz-vm-build), as fuzz-kernel.sh builds it.
# 3. One boot (profile VM_PROFILE, vtd; run-vm.sh VM_MODE=fuzz, init.sh's
#    replay_corpora): each corpus replayed once (libFuzzer -runs=0 over its
#    directory, SIOVH_FUZZ_TARGET=kernel; this kernel has no KCOV, which the
#    target says and tolerates) on gcov counters zeroed after the boot's
#    snapshot.
# 4. vm-images/kernel-coverage.sh over that boot and vm-check's runs of the
#    very same kernel build (REPORT_DIR/vm/<release>-<profile>/, whose
#    vm.json names this kernel_key; .gcda files of another build would not
#    match its .gcno files): scenarios boot (the boot-only baseline), siovh
#    (the clauses, when vm-check ran on this build; otherwise said so) and
#    corpus-NAME per corpus.
#
# Corpora: NAME=DIR, or DIR (named after its basename); none given: the
# campaign's kept corpus (fuzz-work/kernel/<fuzz kernel>/<target>/corpus) as
# "corpus" and the committed seeds of fuzz/<target>/kernel-seeds as
# "kernel-seeds". Names: letters, digits, '.', '_', '-'.
#
# Output (REPORT_DIR, default reports): fuzz-kernel/coverage/<release>/
# (genhtml per scenario, coverage.json), fuzz-kernel/coverage/index.html and
# coverage.json (kernel-coverage.sh --index), fuzz-kernel/coverage/
# summary.json (the corpora, their replay, and lines/branches of
# drivers/iommu/iommufd, drivers/vfio, drivers/iommu/intel per scenario),
# fuzz-kernel/coverage/replay/ (the boot, as run-vm.sh wrote it).
#
# Exit: 0 the report was written and every replay ran clean; 1 a replay
# found something (a crash or an oracle finding: its log is named; the
# report is still written, up to where libFuzzer stopped) or a step failed;
# 2 bad usage; 3 the VM tier is unavailable (deps).
# Env: KERNEL_PKG, VM_PROFILE, FUZZ_KTARGET, REPORT_DIR, FUZZ_KERNEL_KEY (the
# campaign's kernel, for the default corpus), SIOVH_HEAVY_LOCK (default
# /tmp/siovh-heavy.lock, for the kernel build and the boot; empty when the
# caller holds it), VM_TIMEOUT (default 1800).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"
# shellcheck source=vm-images/fuzz-kernel-lib.sh
. "$HERE/fuzz-kernel-lib.sh"	# vm_deps

TARGET=${FUZZ_KTARGET:-iommufd_ops}
PROFILE=${VM_PROFILE:-vtd}
REPORT_DIR=${REPORT_DIR:-reports}
HEAVY_LOCK=${SIOVH_HEAVY_LOCK-/tmp/siovh-heavy.lock}
export KERNEL_PKG=${KERNEL_PKG:-linux-source-7.x}
OUT=$REPORT_DIR/fuzz-kernel/coverage

die() { echo "fuzz-kernel-coverage.sh: $*" >&2; exit 2; }
fail() { echo "fuzz-kernel-coverage.sh: $*" >&2; exit 1; }
log() { echo "fuzz-kernel-coverage.sh: $*" >&2; }

# locked CMD...: CMD under the heavy-job lock (unless the caller holds it)
locked() {
	if [ -n "$HEAVY_LOCK" ]; then flock "$HEAVY_LOCK" "$@"; else "$@"; fi
}

# clause_runs VM_DIR RELEASE KEY: vm-check's runs (VM_DIR/RELEASE-PROFILE,
# profiles mock, vtd, siov: not the device-fault or crash-check boots) of
# the kernel build KEY (their vm.json's kernel_key) that left gcov data
# after the clauses (gcov/run.tar), one per line; the others said on stderr.
clause_runs() {
	local d
	for d in "$1/$2"-*/; do
		d=${d%/}
		[ -d "$d" ] || continue
		[[ ${d##*/} =~ ^$2-(mock|vtd|siov)$ ]] || continue
		if [ "$(jq -r '.kernel_key // empty' "$d/vm.json" 2>/dev/null)" != "$3" ]; then
			log "$d: not a run of kernel build $3 (its vm.json's kernel_key), left out"
		elif [ ! -f "$d/gcov/run.tar" ]; then
			log "$d: no gcov/run.tar, left out"
		else
			echo "$d"
		fi
	done
}
if [ "${1:-}" = --clause-runs ]; then
	[ $# -eq 4 ] || die "usage: fuzz-kernel-coverage.sh --clause-runs VM_DIR RELEASE KEY"
	clause_runs "$2" "$3" "$4"
	exit 0
fi

[ -f "fuzz/$TARGET/$TARGET.options" ] || die "FUZZ_KTARGET=$TARGET: no fuzz/$TARGET/"

# ---- the corpora: NAMES[i] from DIRS[i] ----
NAMES=() DIRS=()
add_corpus() {
	local name=$1 dir=$2 n
	[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "corpus name '$name' ($dir): letters, digits, '.', '_', '-' only"
	[ -d "$dir" ] || die "corpus $name: $dir is not a directory"
	n=$(find "$dir" -maxdepth 1 -type f ! -name '.*' | wc -l)
	[ "$n" -gt 0 ] || die "corpus $name: $dir has no files"
	[[ " ${NAMES[*]:-} " != *" $name "* ]] || die "corpus name '$name' given twice"
	NAMES+=("$name") DIRS+=("$dir")
}
if [ $# -gt 0 ]; then
	for a in "$@"; do
		if [[ $a == *=* ]]; then add_corpus "${a%%=*}" "${a#*=}"
		else d=${a%/}; add_corpus "${d##*/}" "$a"; fi
	done
else
	fkey=${FUZZ_KERNEL_KEY:-$(KERNEL_VARIANT=fuzz vm-images/build-kernel.sh --print-key)}
	kept=fuzz-work/kernel/$fkey/$TARGET/corpus
	if [ -d "$kept" ] && [ -n "$(ls -A "$kept")" ]; then
		add_corpus corpus "$kept"
	else
		log "no kept corpus in $kept (make fuzz-kernel makes one): left out"
	fi
	[ -d "fuzz/$TARGET/kernel-seeds" ] && add_corpus kernel-seeds "fuzz/$TARGET/kernel-seeds"
	[ "${#NAMES[@]}" -gt 0 ] || die "no corpus to replay (give NAME=DIR or DIR)"
fi

vm_deps fuzz-kernel-coverage.sh

# ---- 1, 2: the gcov kernel, the target against its headers ----
kdir=${SIOVH_CACHE:-/var/cache/siovh}/kernels/$(vm-images/build-kernel.sh --print-key)
if [ ! -f "$kdir/done" ]; then
	log "building the gcov kernel ($KERNEL_PKG) under the heavy-job lock"
	kdir=$(locked vm-images/build-kernel.sh | tail -n1)
fi
if [ ! -f "$kdir/bzImage" ] || [ ! -f "$kdir/gcov-dirs" ]; then
	fail "no gcov kernel (build-kernel.sh said '$kdir')"
fi
key=$(basename "$kdir")
krel=$(cat "$kdir/release")
fdir=build/fuzz/vm-$key
build_vm_target "$kdir" "$fdir"

# ---- 3: one boot replays every corpus ----
work=$(mktemp -d "${TMPDIR:-/tmp}/siovh-fkcov.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fuzz/corpora" "$OUT"
for i in "${!NAMES[@]}"; do
	mkdir -p "$work/fuzz/corpora/${NAMES[i]}"
	find "${DIRS[i]}" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$work/fuzz/corpora/${NAMES[i]}/" \;
done
printf '%s\n' "/bin/$TARGET" -runs=0 -timeout=25 -rss_limit_mb=512 >"$work/fuzz/replay-args"
VM_EXTRA_BINS="$fdir/$TARGET" VM_FUZZ_DIR="$work/fuzz" \
	vm-images/build-initramfs.sh "$work/initramfs.cpio" build/release/siovh >/dev/null ||
	fail "building the initramfs failed"
run=$OUT/replay
log "kernel $krel ($key, $PROFILE): replaying $(for i in "${!NAMES[@]}"; do
	printf '%s (%s files) ' "${NAMES[i]}" "$(ls "$work/fuzz/corpora/${NAMES[i]}" | wc -l)"; done)"
VM_MODE=fuzz VM_TIMEOUT=${VM_TIMEOUT:-1800} \
	locked vm-images/run-vm.sh "$PROFILE" "$kdir" "$work/initramfs.cpio" "$run" \
	>"$work/run-vm.log" 2>&1 || true
[ -f "$run/vm.ktap" ] || { tail -n 20 "$work/run-vm.log" >&2; fail "the replay VM left no report"; }
grep -q '^ok [0-9]* boot' "$run/vm.ktap" || fail "the replay VM did not boot (see $run/vm.ktap)"
[ -f "$run/gcov/boot.tar" ] || fail "$run has no gcov/boot.tar: $kdir is not a gcov kernel?"

# ---- 4: the report, with vm-check's runs of this kernel build ----
runs=("$run")
mapfile -t -O 1 runs < <(clause_runs "$REPORT_DIR/vm" "$krel" "$key")
[ "${#runs[@]}" -gt 1 ] ||
	log "no vm-check run of $key in $REPORT_DIR/vm/: the clauses' scenario (siovh) is missing (make vm-check first)"
sum=$(vm-images/kernel-coverage.sh "$kdir" "$OUT/$krel" "${runs[@]}") ||
	fail "kernel-coverage.sh failed"
vm-images/kernel-coverage.sh --index "$OUT" || fail "kernel-coverage.sh --index failed"

# summary.json: the corpora and the figures side by side
status=0
for n in "${NAMES[@]}"; do
	rc=$(cat "$run/corpus-$n.rc" 2>/dev/null || echo none)
	if [ "$rc" != 0 ]; then
		log "corpus $n: replay exit $rc: a finding, or it did not run (see $run/corpus-$n.log, $run/vm.ktap)"
		status=1
	fi
done
corpora=$(for i in "${!NAMES[@]}"; do
	n=${NAMES[i]}
	rc=$(cat "$run/corpus-$n.rc" 2>/dev/null || echo null)
	jq -n --arg n "$n" --arg src "${DIRS[i]}" --argjson files "$(ls "$work/fuzz/corpora/$n" | wc -l)" \
		--argjson rc "$rc" --arg log "replay/corpus-$n.log" \
		'{name: $n, source: $src, files: $files, replay_exit: $rc, log: $log}'
done | jq -s .)
jq --argjson c "$corpora" --arg key "$key" --arg profile "$PROFILE" --arg target "$TARGET" \
	--argjson runs "$(printf '%s\n' "${runs[@]##*/}" | jq -R . | jq -s .)" \
	--slurpfile k "$OUT/$krel/coverage.json" '
	def fig(d): {lines_pct: d.lines.pct, branches_pct: d.branches.pct,
		     lines: "\(d.lines.hit)/\(d.lines.total)", branches: "\(d.branches.hit)/\(d.branches.total)"};
	{run: .run, kernel: $k[0].kernel, kernel_key: $key, profile: $profile, target: $target,
	 report: "\($k[0].dir)/", runs: $runs, corpora: $c,
	 figures: ($k[0].scenarios | map({key: .scenario, value: {
		"drivers/iommu/iommufd": fig(.dirs["drivers/iommu/iommufd"]),
		"drivers/vfio": fig(.dirs["drivers/vfio"]),
		"drivers/iommu/intel": fig(.dirs["drivers/iommu/intel"])}}) | from_entries)}' \
	"$OUT/coverage.json" >"$OUT/summary.json.tmp"
mv "$OUT/summary.json.tmp" "$OUT/summary.json"
echo "kernel coverage on $krel ($PROFILE), lines: $sum"
jq -r '.figures | to_entries[] | "  \(.key): " + ([.value | to_entries[] |
	"\(.key | sub("drivers/(iommu/)?"; "")) \(.value.lines_pct)% lines \(.value.branches_pct)% branches"] | join(", "))' \
	"$OUT/summary.json"
exit "$status"
