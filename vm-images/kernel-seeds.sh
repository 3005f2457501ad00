#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Distil a kernel fuzzing corpus into the committed kernel seeds (issue 9):
#
#   vm-images/kernel-seeds.sh [CORPUS_DIR]      (make fuzz-kernel-seeds)
#   vm-images/kernel-seeds.sh --pick PCS_DIR N [CORPUS_DIR]
#       the selection alone: the names picked from PCS_DIR's per-file PC
#       lists, one per line, each with the PCs it adds; sizes for the
#       tie-break are CORPUS_DIR's files' (vm-images/tests/
#       kernel_seeds_test.sh)
#
# Why a greedy pick on KCOV PCs and not libFuzzer's -merge=1: merge keeps
# every file that adds any feature, the harness's own edges included, so
# it keeps hundreds of the ~1000 files of an hour's corpus; the seeds are
# for the kernel's code and must stay small (replayed in every vm-check
# and make check).
#
# 1. The campaign's kernel (the fuzz variant, KCOV; build-kernel.sh
#    KERNEL_VARIANT=fuzz) and FUZZ_KTARGET built against its headers.
# 2. One boot (profile vtd, init.sh's fuzz mode running kernel-seeds-
#    guest.sh): each corpus file runs alone in a process of its own with
#    SIOVH_FUZZ_KCOV_PCS (fuzz/common/kcov.h), which writes the distinct
#    kernel PCs it reached; a file whose run fails (a crash, an oracle
#    finding) is left out and named.
# 3. Greedy set cover: repeatedly the file that adds the most PCs not yet
#    reached (ties: the smaller file, then the name), until SEEDS_MAX
#    (default 40) files or none adds SEEDS_MIN_GAIN (default 4) PCs.
# 4. fuzz/<target>/kernel-seeds/ replaced by the picked files (under their
#    corpus names, content hashes), and fuzz/<target>/kernel-seeds.README
#    (beside it: every file in the directory is an input) saying how and
#    from what they were made and how many of the corpus's PCs they keep.
#    The PC lists are kept in fuzz-work/kernel/<fuzz kernel>/<target>/
#    kernel-seeds-pcs/ (--pick PCS_DIR N CORPUS_DIR re-picks from them).
#
# CORPUS_DIR: default the kept corpus, fuzz-work/kernel/<fuzz kernel>/
# <target>/corpus. Exit: 0 written; 1 a step failed (named); 2 bad usage;
# 3 the VM tier is unavailable (deps).
# Env: FUZZ_KTARGET (iommufd_ops), SEEDS_MAX, SEEDS_MIN_GAIN, SIOVH_HEAVY_LOCK
# (default /tmp/siovh-heavy.lock, for the kernel build and the boot; empty
# when the caller holds it), VM_TIMEOUT (default 1800).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck source=vm-images/fuzz-kernel-lib.sh
. "$HERE/fuzz-kernel-lib.sh"	# vm_deps

die() { echo "kernel-seeds.sh: $*" >&2; exit 2; }
fail() { echo "kernel-seeds.sh: $*" >&2; exit 1; }
log() { echo "kernel-seeds.sh: $*" >&2; }

# pick PCS_DIR N MIN_GAIN SIZES: the greedy cover (see 3). SIZES: "NAME SIZE"
# lines. Output: "NAME GAIN" per pick, in pick order. Lazy: a file's gain
# only shrinks, so one whose last gain is below the round's best is not
# recounted.
pick() {
	local dir=$1 max=$2 min=$3 sizes=$4
	(cd "$dir" && find . -maxdepth 1 -type f ! -name '.*' -printf '%f\n' | LC_ALL=C sort |
		while read -r f; do sed "s/^/$f /" "$f"; done) |
	awk -v max="$max" -v min="$min" -v sizes="$sizes" '
	BEGIN { while ((getline l < sizes) > 0) { split(l, w, " "); size[w[1]] = w[2] + 0 } }
	NF == 2 {
		if (!($1 in last)) { names[++nf] = $1; last[$1] = 0 }
		if (!($2 in id)) id[$2] = ++npc
		set[$1] = set[$1] " " id[$2]
		last[$1]++
	}
	END {
		for (k = 0; k < max; k++) {
			best = ""; bg = 0
			for (i = 1; i <= nf; i++) {
				f = names[i]
				if ((f in taken) || last[f] < bg || last[f] == 0) continue
				n = split(set[f], p, " "); g = 0
				for (j = 1; j <= n; j++) if (!(p[j] in cov)) g++
				last[f] = g
				if (g > bg || (g == bg && g > 0 && (size[f] < size[best] ||
				    (size[f] == size[best] && f < best)))) { best = f; bg = g }
			}
			if (best == "" || bg < min) break
			taken[best] = 1
			n = split(set[best], p, " ")
			for (j = 1; j <= n; j++) cov[p[j]] = 1
			print best, bg
		}
		printf "%d\n", npc > "/dev/stderr"
	}'
}

if [ "${1:-}" = --pick ]; then
	{ [ $# -eq 3 ] || [ $# -eq 4 ]; } && [ -d "$2" ] && [ -d "${4:-$2}" ] && [[ $3 =~ ^[1-9][0-9]*$ ]] ||
		die "usage: kernel-seeds.sh --pick PCS_DIR N [CORPUS_DIR]"
	sizes=$(mktemp)
	trap 'rm -f "$sizes"' EXIT
	(cd "${4:-$2}" && find . -maxdepth 1 -type f ! -name '.*' -printf '%f %s\n') >"$sizes"
	pick "$2" "$3" "${SEEDS_MIN_GAIN:-4}" "$sizes" 2>/dev/null
	exit 0
fi

cd "$ROOT"
TARGET=${FUZZ_KTARGET:-iommufd_ops}
MAX=${SEEDS_MAX:-40}
MIN_GAIN=${SEEDS_MIN_GAIN:-4}
HEAVY_LOCK=${SIOVH_HEAVY_LOCK-/tmp/siovh-heavy.lock}
export KERNEL_PKG=${KERNEL_PKG:-linux-source-7.x}
[ -f "fuzz/$TARGET/$TARGET.options" ] || die "FUZZ_KTARGET=$TARGET: no fuzz/$TARGET/"
[[ $MAX =~ ^[1-9][0-9]*$ ]] || die "SEEDS_MAX=$MAX: a positive number"
[[ $MIN_GAIN =~ ^[1-9][0-9]*$ ]] || die "SEEDS_MIN_GAIN=$MIN_GAIN: a positive number"
locked() { if [ -n "$HEAVY_LOCK" ]; then flock "$HEAVY_LOCK" "$@"; else "$@"; fi; }

fkey=$(KERNEL_VARIANT=fuzz vm-images/build-kernel.sh --print-key)
CORPUS=${1:-fuzz-work/kernel/$fkey/$TARGET/corpus}
[ -d "$CORPUS" ] || die "$CORPUS: no such corpus directory (make fuzz-kernel makes one)"
nfiles=$(find "$CORPUS" -maxdepth 1 -type f ! -name '.*' | wc -l)
[ "$nfiles" -gt 0 ] || die "$CORPUS has no files"

vm_deps kernel-seeds.sh

# ---- 1: the KCOV kernel and the target ----
kdir=${SIOVH_CACHE:-/var/cache/siovh}/kernels/$fkey
[ -f "$kdir/done" ] || kdir=$(KERNEL_VARIANT=fuzz locked vm-images/build-kernel.sh | tail -n1)
[ -f "$kdir/bzImage" ] || fail "no fuzzing kernel (build-kernel.sh said '$kdir')"
grep -qx 'CONFIG_KCOV=y' "$kdir/config" || fail "$kdir has no CONFIG_KCOV"
fdir=build/fuzz/vm-$fkey
build_vm_target "$kdir" "$fdir"

# ---- 2: each file's kernel PCs, in one boot ----
work=$(mktemp -d "${TMPDIR:-/tmp}/siovh-kseeds.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/fuzz/files"
find "$CORPUS" -maxdepth 1 -type f ! -name '.*' -exec cp {} "$work/fuzz/files/" \;
cp "$HERE/kernel-seeds-guest.sh" "$work/fuzz/"
printf '%s\n' /bin/sh /opt/fuzz/kernel-seeds-guest.sh "/bin/$TARGET" >"$work/fuzz/fuzz-args"
VM_EXTRA_BINS="$fdir/$TARGET" VM_FUZZ_DIR="$work/fuzz" \
	vm-images/build-initramfs.sh "$work/initramfs.cpio" build/release/siovh >/dev/null ||
	fail "building the initramfs failed"
log "kernel $(cat "$kdir/release") ($fkey): the kernel PCs of each of $nfiles files of $CORPUS"
VM_MODE=fuzz VM_TIMEOUT=${VM_TIMEOUT:-1800} \
	locked vm-images/run-vm.sh vtd "$kdir" "$work/initramfs.cpio" "$work/run" \
	>"$work/run-vm.log" 2>&1 || true
[ -f "$work/run/vm.ktap" ] || { tail -n 20 "$work/run-vm.log" >&2; fail "the VM left no report"; }
grep -q '^ok [0-9]* fuzzer' "$work/run/vm.ktap" ||
	{ grep -A12 '^not ok' "$work/run/vm.ktap" >&2; fail "the PC run did not finish cleanly"; }
npcs=$(find "$work/run/pcs" -type f -size +0 2>/dev/null | wc -l)
[ "$npcs" -gt 0 ] || fail "no file reached a kernel PC (KCOV?): $(tail -n 3 "$work/run/fuzz.log" 2>/dev/null)"
if [ -s "$work/run/failed" ]; then
	log "left out (their run failed: exit status):"
	sed 's/^/  /' "$work/run/failed" >&2
fi

# the PC lists stay beside the corpus (not committed): --pick re-picks
# from them without a boot
pcs_keep=fuzz-work/kernel/$fkey/$TARGET/kernel-seeds-pcs
rm -rf "$pcs_keep"
mkdir -p "${pcs_keep%/*}"
cp -r "$work/run/pcs" "$pcs_keep"

# ---- 3, 4: the pick, the committed directory ----
(cd "$work/fuzz/files" && find . -maxdepth 1 -type f -printf '%f %s\n') >"$work/sizes"
pick "$work/run/pcs" "$MAX" "$MIN_GAIN" "$work/sizes" >"$work/picked" 2>"$work/total"
[ -s "$work/picked" ] || fail "the pick chose nothing"
total=$(cat "$work/total")
kept=$(awk '{ s += $2 } END { print s }' "$work/picked")
dest=fuzz/$TARGET/kernel-seeds
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
while read -r f _; do cp "$work/fuzz/files/$f" "$dest.tmp/"; done <"$work/picked"
cat >"$dest.README.tmp" <<EOF
Kernel seeds of $TARGET: $(wc -l <"$work/picked") files picked from $nfiles of the kernel
fuzzing corpus ($CORPUS, $(date -u +%Y-%m-%d)) by vm-images/kernel-seeds.sh (make fuzz-kernel-seeds
CORPUS=DIR refreshes them): each file's distinct kernel PCs under KCOV on $(cat "$kdir/release") ($fkey),
then a greedy cover (the file adding the most PCs first; at most $MAX files, each adding at least
$MIN_GAIN). They keep $kept of the $total PCs the corpus reached. Replayed on the kernel by make vm-check
(VM result fuzz-replay) and on the reference by make check (fuzz-replay:$TARGET).
EOF
rm -rf "$dest.old"
[ -d "$dest" ] && mv "$dest" "$dest.old"
mv "$dest.tmp" "$dest"
mv "$dest.README.tmp" "$dest.README"
rm -rf "$dest.old"
echo "kernel seeds: $(wc -l <"$work/picked") of $nfiles files, $kept of $total kernel PCs, in $dest"
