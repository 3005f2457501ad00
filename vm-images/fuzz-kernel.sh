#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Fuzz a real kernel's /dev/iommu with an op-stream target, KCOV-guided, in
# a QEMU VM (issue 9; first slice: one VM, one target):
#
#   vm-images/fuzz-kernel.sh            (make fuzz-kernel FUZZ_TIME=...)
#
# 1. The fuzzing kernel: build-kernel.sh with KERNEL_VARIANT=fuzz (KCOV,
#    KASAN; config/fuzz.variant.config), cached like the others.
# 2. The target (FUZZ_KTARGET, default iommufd_ops) built for the VM against
#    that kernel's uAPI headers (make fuzz-vm-build): libFuzzer, fed the
#    kernel's edges through KCOV (fuzz/common/kcov.h) as well as its own.
# 3. An initramfs carrying it, the corpus (the kept one of earlier runs,
#    else the target's committed seeds) and its arguments; the VM boots in
#    fuzz mode (init.sh siovh.mode=fuzz) and fuzzes for FUZZ_TIME with
#    SIOVH_FUZZ_TARGET=kernel; run-vm.sh's watchdog, console scan (oops,
#    WARN, BUG, KASAN, UBSAN, panic) and results port do the rest.
# 4. The corpus that comes back is added to the kept one (fuzz-work/kernel/
#    <kernel>/<target>/corpus): a later run resumes from it.
# 5. The same binary fuzzes the in-process reference on this machine for
#    the same time, for the execs/s side by side.
#
# Output: reports/fuzz-kernel/<kernel release>-<target>/ (run-vm.sh's
# report: console.log, vm.ktap, fuzz.log, findings/) and
# reports/fuzz-kernel/stats.json (execs/s in the VM and against the
# reference, kernel edges, corpus size, VM verdict).
#
# Env: FUZZ_TIME (60s; s, m or h), FUZZ_KTARGET, KERNEL_PKG (default
# linux-source-7.x), VM_PROFILE (vtd), SIOVH_HEAVY_LOCK (default
# /tmp/siovh-heavy.lock; empty when the caller holds it).
# Exit: 0 the run was clean, 1 a finding or a VM failure, 2 bad usage,
# 3 the VM tier is unavailable (deps).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"

FUZZ_TIME=${FUZZ_TIME:-60s}
TARGET=${FUZZ_KTARGET:-iommufd_ops}
PROFILE=${VM_PROFILE:-vtd}
HEAVY_LOCK=${SIOVH_HEAVY_LOCK-/tmp/siovh-heavy.lock}
export KERNEL_PKG=${KERNEL_PKG:-linux-source-7.x}

die() { echo "fuzz-kernel.sh: $*" >&2; exit 2; }
log() { echo "fuzz-kernel.sh: $*" >&2; }

seconds() {
	case $1 in
	*[0-9]s) echo "${1%s}" ;;
	*[0-9]m) echo $(( ${1%m} * 60 )) ;;
	*[0-9]h) echo $(( ${1%h} * 3600 )) ;;
	*) return 1 ;;
	esac
}
SECS=$(seconds "$FUZZ_TIME") && [[ $SECS =~ ^[0-9]+$ ]] && [ "$SECS" -gt 0 ] ||
	die "FUZZ_TIME=$FUZZ_TIME: a positive number of seconds, minutes or hours (30s, 10m, 2h)"
[ -f "fuzz/$TARGET/$TARGET.options" ] || die "FUZZ_KTARGET=$TARGET: no fuzz/$TARGET/"

if ! harness/scripts/deps.sh --vm >/tmp/fuzz-kernel-deps.$$ 2>&1; then
	tail -n 3 /tmp/fuzz-kernel-deps.$$ >&2
	rm -f /tmp/fuzz-kernel-deps.$$
	echo "fuzz-kernel.sh: the VM tier's packages cannot be installed" >&2
	exit 3
fi
rm -f /tmp/fuzz-kernel-deps.$$

# 1. the kernel (the build takes the heavy-job lock itself when asked)
if [ -n "$HEAVY_LOCK" ]; then
	kdir=$(KERNEL_VARIANT=fuzz flock "$HEAVY_LOCK" vm-images/build-kernel.sh | tail -n1)
else
	kdir=$(KERNEL_VARIANT=fuzz vm-images/build-kernel.sh | tail -n1)
fi
[ -f "$kdir/bzImage" ] || die "no fuzzing kernel (build-kernel.sh said '$kdir')"
key=$(basename "$kdir")
krel=$(cat "$kdir/release")
log "kernel $krel ($kdir)"

# 2. the target for that kernel, and siovh (the image's /bin/siovh)
fdir=build/fuzz/vm-$key
make --no-print-directory -j"${JOBS:-2}" VM_HEADERS="$kdir/headers/include" \
	FUZZ_VM_DIR="$fdir" "$fdir/$TARGET" >/dev/null ||
	die "building $TARGET against $kdir/headers failed"
make --no-print-directory -j"${JOBS:-2}" build/release/siovh >/dev/null ||
	die "building siovh failed"

# 3. the image: the kept corpus, else the seeds
keep=fuzz-work/kernel/$key/$TARGET
mkdir -p "$keep/corpus"
stage=$(mktemp -d "${TMPDIR:-/tmp}/siovh-fuzzk.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/corpus"
if [ -n "$(ls -A "$keep/corpus")" ]; then
	cp "$keep/corpus"/* "$stage/corpus/"
else
	cp "fuzz/$TARGET/seeds"/* "$stage/corpus/"
fi
cp "fuzz/$TARGET/$TARGET.dict" "$stage/"
max_len=$(sed -n 's/^max_len *= *\([0-9]*\)/\1/p' "fuzz/$TARGET/$TARGET.options")
printf '%s\n' "/bin/$TARGET" "-max_total_time=$SECS" "-print_final_stats=1" \
	"-timeout=25" "-rss_limit_mb=512" "-max_len=${max_len:-4096}" \
	"-dict=/opt/fuzz/$TARGET.dict" >"$stage/fuzz-args"
VM_EXTRA_BINS="$fdir/$TARGET" VM_FUZZ_DIR="$stage" \
	vm-images/build-initramfs.sh "$stage/initramfs.cpio" build/release/siovh >/dev/null

# 4. the VM
out=reports/fuzz-kernel/$krel-$TARGET
mkdir -p reports/fuzz-kernel
log "fuzzing $krel ($PROFILE) with $TARGET for $SECS s"
vm_rc=0
VM_MODE=fuzz VM_TIMEOUT=$((SECS + 300)) vm-images/run-vm.sh "$PROFILE" "$kdir" \
	"$stage/initramfs.cpio" "$out" >"$stage/run-vm.log" 2>&1 || vm_rc=$?
[ -f "$out/vm.ktap" ] || { cat "$stage/run-vm.log" >&2; die "run-vm.sh left no report"; }
new=0
if [ -d "$out/corpus" ]; then
	for f in "$out/corpus"/*; do
		[ -f "$f" ] || continue
		[ -f "$keep/corpus/${f##*/}" ] && continue
		cp "$f" "$keep/corpus/"
		new=$((new + 1))
	done
fi

# 5. the reference, same binary, same time
ref_log=$stage/ref.log
(cd "$stage" && "$ROOT/$fdir/$TARGET" -max_total_time="$SECS" -print_final_stats=1 \
	-timeout=25 -max_len="${max_len:-4096}" -dict="$stage/$TARGET.dict" \
	"$stage/corpus" >"$ref_log" 2>&1) || true

fstat() { sed -n "s/^stat::$2: *\([0-9]*\)/\1/p" "$1" 2>/dev/null | tail -n1; }
vm_eps=$(fstat "$out/fuzz.log" average_exec_per_sec)
vm_runs=$(fstat "$out/fuzz.log" number_of_executed_units)
ref_eps=$(fstat "$ref_log" average_exec_per_sec)
edges=$(sed -n 's/^siovh-fuzz: kernel edges \([0-9]*\)/\1/p' "$out/fuzz.log" | tail -n1)
failed=$(grep -c '^not ok ' "$out/vm.ktap" || true)
cat >reports/fuzz-kernel/stats.json <<EOF
{
  "kernel": "$krel",
  "profile": "$PROFILE",
  "target": "$TARGET",
  "seconds": $SECS,
  "vm_execs": ${vm_runs:-null},
  "vm_execs_per_s": ${vm_eps:-null},
  "ref_execs_per_s": ${ref_eps:-null},
  "kernel_edges": ${edges:-null},
  "corpus": $(find "$keep/corpus" -type f | wc -l),
  "corpus_new": $new,
  "vm_failures": $failed,
  "report": "$out"
}
EOF
log "VM: ${vm_eps:-?} execs/s (${vm_runs:-?} inputs), ${edges:-?} kernel edges;" \
	"reference: ${ref_eps:-?} execs/s; corpus +$new; $failed VM failure(s)"
cat reports/fuzz-kernel/stats.json
[ "$vm_rc" = 0 ] && [ "$failed" = 0 ]
