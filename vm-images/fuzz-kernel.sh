#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Fuzz a real kernel's /dev/iommu with an op-stream target, KCOV-guided, in
# QEMU VMs (issue 9):
#
#   vm-images/fuzz-kernel.sh            (make fuzz-kernel FUZZ_TIME=... VMS=N)
#
# 1. The fuzzing kernel: build-kernel.sh with KERNEL_VARIANT=fuzz (KCOV,
#    KASAN; config/fuzz.variant.config), cached like the others.
# 2. The target (FUZZ_KTARGET, default iommufd_ops) built for the VM against
#    that kernel's uAPI headers (make fuzz-vm-build): libFuzzer, fed the
#    kernel's edges through KCOV (fuzz/common/kcov.h) as well as its own.
# 3. VMS VMs (default 1) fuzz side by side, each booted in fuzz mode
#    (init.sh siovh.mode=fuzz) with SIOVH_FUZZ_TARGET=SPEC and the kept
#    corpus (SPEC and the VM profile per target, below); every input is written to an ivshmem region before it runs
#    (fz_input_keep), whose memory is a file here, so a kernel crash does
#    not lose it. run-vm.sh's watchdog and console scan (oops, WARN, BUG,
#    KASAN, UBSAN, panic) judge each boot.
# 4. When a VM stops early (a kernel crash, or a finding of the target's own
#    oracle: kernel and model disagreed), what it found is filed and the VM
#    boots again with the grown corpus until FUZZ_TIME is spent. A boot
#    fuzzes for FUZZ_BOOT_TIME at most, so that the corpus comes out of the
#    VM and progress is shown at least that often: a killed campaign loses
#    at most the running boots, because the kept corpus (fuzz-work/kernel/
#    <kernel>/<target>/corpus) grows after each boot, and the next campaign
#    resumes from it.
# 5. Findings, deduplicated: a kernel crash by the report's title and its
#    top frames (reports/fuzz-kernel/crashes/<signature>/: input, console
#    excerpt, repro.txt); a disagreement (the target's oracle: kernel and
#    IOAS model differ) by the oracle's message (disagreements/<sig>/).
# 6. The same binary fuzzes the in-process reference here for a minute at
#    most, for the execs/s side by side.
#
# 7. At the end, the kernel's gcov coverage of the kept corpus, next to the
#    clauses' (vm-images/fuzz-kernel-coverage.sh), when the VM tier's gcov
#    kernel of KERNEL_PKG is cached; said when it is not.
#
# Output: reports/fuzz-kernel/ (stats.json, stats.txt, crashes/,
# disagreements/, boots/<n>/ as run-vm.sh wrote them, coverage/).
#
# FUZZ_REPLAY=FILE|DIR instead boots once and runs `siovh replay --target
# kernel` on FILE (a finding's input; make fuzz-kernel-replay REPLAY=FILE),
# or with FUZZ_DIFF=1 `siovh replay --diff ref,kernel`, filing what differs.
#
# The target spec in the VM (FUZZ_KSPEC, SIOVH_FUZZ_TARGET's syntax) and
# the VM profile (VM_PROFILE) follow the target unless given:
#   iommufd_ops      kernel                 (/dev/iommu), profile vtd
#   vfio_device_ops  kernel:mdev=mtty       (the kernel's VFIO device uAPI
#                                            on the mtty sample), profile vtd
# and a spec with parent=vfio (FUZZ_KSPEC='ref:parent=vfio:{siov}': the
# reference VDCM over the QEMU SIOV endpoint, the kernel's PASID attach/
# detach and IOAS map paths with real PASID-tagged DMA) gets profile siov
# and its QEMU (vm-images/qemu/build-qemu.sh, cached). "{siov}" is the
# endpoint's BDF, found in the guest by its IDs (init.sh). A spec other
# than "kernel" keeps its corpus and report apart: fuzz-work/kernel/<kernel>/
# <target>@<spec>/, reports/fuzz-kernel/<target>@<spec>/.
#
# FUZZ_DIFF=1 in a campaign: after each boot, the inputs it added to the
# corpus are replayed on the reference and the kernel in one more boot
# (siovh replay --diff ref,kernel) and each input whose traces differ is
# filed under disagreements/<sig>/ (sig: the first differing operation's
# name and both results), with both traces (fuzz-kernel-lib.sh file_diffs).
#
# Env: FUZZ_TIME (60s; s, m or h), FUZZ_BOOT_TIME (15m), VMS (1), FUZZ_DIFF,
# FUZZ_REPLAY, FUZZ_KTARGET, FUZZ_KSPEC, KERNEL_PKG (linux-source-7.x),
# FUZZ_KERNEL_DIR (a build-kernel.sh cache entry to use instead of the fuzz
# variant), VM_PROFILE, SIOVH_HEAVY_LOCK (default
# /tmp/siovh-heavy.lock, for the kernel build; empty when the caller holds it).
# Exit: 0 the campaign ran (findings are data, in the report), 1 it could
# not run (a VM that never booted, a build that failed), 2 bad usage, 3 the
# VM tier is unavailable (deps).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"

FUZZ_TIME=${FUZZ_TIME:-60s}
VMS=${VMS:-1}
TARGET=${FUZZ_KTARGET:-iommufd_ops}
case $TARGET in
vfio_device_ops) SPEC=${FUZZ_KSPEC:-kernel:mdev=mtty} ;;
*) SPEC=${FUZZ_KSPEC:-kernel} ;;
esac
case $SPEC in
*parent=vfio:*) PROFILE=${VM_PROFILE:-siov} ;;
*) PROFILE=${VM_PROFILE:-vtd} ;;
esac
HEAVY_LOCK=${SIOVH_HEAVY_LOCK-/tmp/siovh-heavy.lock}
export KERNEL_PKG=${KERNEL_PKG:-linux-source-7.x}
# A spec other than the kernel's /dev/iommu: its own corpus and report.
TAG=$TARGET
[ "$SPEC" = kernel ] || TAG=$TARGET@$(printf '%s' "$SPEC" | tr -c 'A-Za-z0-9=.-' _)
OUT=reports/fuzz-kernel
[ "$SPEC" = kernel ] || OUT=reports/fuzz-kernel/$TAG

# shellcheck source=vm-images/fuzz-kernel-lib.sh
. "$HERE/fuzz-kernel-lib.sh"

die() { echo "fuzz-kernel.sh: $*" >&2; exit 2; }
fail() { echo "fuzz-kernel.sh: $*" >&2; exit 1; }
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
BOOT_SECS=$(seconds "${FUZZ_BOOT_TIME:-15m}") && [[ $BOOT_SECS =~ ^[0-9]+$ ]] &&
	[ "$BOOT_SECS" -ge 10 ] ||
	die "FUZZ_BOOT_TIME=${FUZZ_BOOT_TIME:-}: at least 10 seconds (30s, 15m, 1h)"
[[ $VMS =~ ^[1-9][0-9]*$ ]] || die "VMS=$VMS: a positive number of VMs"
[ -f "fuzz/$TARGET/$TARGET.options" ] || die "FUZZ_KTARGET=$TARGET: no fuzz/$TARGET/"
[[ $SPEC =~ ^[A-Za-z0-9=:,.{}_/-]+$ ]] ||
	die "FUZZ_KSPEC=$SPEC: a target spec (kernel, kernel:mdev=mtty, ref:parent=vfio:{siov})"
case $PROFILE in mock|vtd|siov) ;; *) die "VM_PROFILE=$PROFILE: mock, vtd or siov" ;; esac

vm_deps fuzz-kernel.sh

# ---- 1, 2: the kernel, the target, siovh (the image's /bin/siovh) ----
cached=${SIOVH_CACHE:-/var/cache/siovh}/kernels/$(KERNEL_VARIANT=fuzz vm-images/build-kernel.sh --print-key)
if [ -n "${FUZZ_KERNEL_DIR:-}" ]; then
	kdir=$FUZZ_KERNEL_DIR
elif [ -f "$cached/done" ]; then
	kdir=$cached	# built: no need to queue for the heavy-job lock
elif [ -n "$HEAVY_LOCK" ]; then
	kdir=$(KERNEL_VARIANT=fuzz flock "$HEAVY_LOCK" vm-images/build-kernel.sh | tail -n1)
else
	kdir=$(KERNEL_VARIANT=fuzz vm-images/build-kernel.sh | tail -n1)
fi
[ -f "$kdir/bzImage" ] || fail "no fuzzing kernel (build-kernel.sh said '$kdir')"
key=$(basename "$kdir")
krel=$(cat "$kdir/release")
fdir=build/fuzz/vm-$key
# (a replay boot runs siovh replay, not the fuzzer)
[ -n "${FUZZ_REPLAY:-}" ] ||
make --no-print-directory -j"${JOBS:-2}" VM_HEADERS="$kdir/headers/include" \
	FUZZ_VM_DIR="$fdir" "$fdir/$TARGET" >/dev/null ||
	fail "building $TARGET against $kdir/headers failed"
make --no-print-directory -j"${JOBS:-2}" build/release/siovh \
	"build/release/fuzz/${TARGET}_replay" >/dev/null ||
	fail "building siovh and ${TARGET}_replay failed"
RBIN=build/release/fuzz/${TARGET}_replay
# Profile siov: the QEMU with the SIOV endpoint (a cache hit takes no lock).
if [ "$PROFILE" = siov ]; then
	harness/scripts/deps.sh --qemu >/dev/null 2>&1 ||
		fail "QEMU's build dependencies cannot be installed (harness/scripts/deps.sh --qemu)"
	QEMU=$(SIOVH_HEAVY_LOCK=$HEAVY_LOCK vm-images/qemu/build-qemu.sh 2>"${TMPDIR:-/tmp}/siovh-fuzzk-qemu.log" | tail -n1)
	[ -x "$QEMU" ] || fail "no QEMU with the SIOV endpoint (build-qemu.sh: $(tail -n1 "${TMPDIR:-/tmp}/siovh-fuzzk-qemu.log"))"
	export QEMU
fi
max_len=$(sed -n 's/^max_len *= *\([0-9]*\)/\1/p' "fuzz/$TARGET/$TARGET.options")
max_len=${max_len:-4096}

keep=fuzz-work/kernel/$key/$TAG
mkdir -p "$keep/corpus" "$OUT/crashes" "$OUT/disagreements" "$OUT/boots"
[ -n "$(ls -A "$keep/corpus")" ] || cp "fuzz/$TARGET/seeds"/* "$keep/corpus/"
work=$(mktemp -d "${TMPDIR:-/tmp}/siovh-fuzzk.XXXXXX")
PIDS=()
# A killed campaign stops its VMs: each loop's run-vm.sh (whose own trap
# stops its QEMU), then the loop.
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		pkill -TERM -P "$p" 2>/dev/null || true
		kill "$p" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- one boot: VM number v, fuzzing for s seconds ----
boot_no=0
next_boot() { boot_no=$(( $(ls "$OUT/boots" | sort -n | tail -n1 || echo 0) + 1 )); }

# boot V S DIR: stage an image with the kept corpus and boot it into DIR
# to fuzz for S seconds.
boot() {
	local v=$1 s=$2 dir=$3 stage=$work/vm$1
	rm -rf "$stage"
	mkdir -p "$stage/corpus"
	cp "$keep/corpus"/* "$stage/corpus/"
	cp "fuzz/$TARGET/$TARGET.dict" "$stage/"
	echo "$SPEC" >"$stage/fuzz-target"
	printf '%s\n' "/bin/$TARGET" "-max_total_time=$s" "-print_final_stats=1" \
		"-timeout=25" "-rss_limit_mb=512" "-max_len=$max_len" \
		"-dict=/opt/fuzz/$TARGET.dict" >"$stage/fuzz-args"
	vm_boot "$stage" "$dir" $((s + 300))
}

# vm_boot STAGE DIR TIMEOUT: boot STAGE's fuzz-args and corpus into DIR.
vm_boot() {
	local stage=$1 dir=$2
	VM_EXTRA_BINS="$([ -x "$fdir/$TARGET" ] && echo "$fdir/$TARGET") $RBIN" VM_FUZZ_DIR="$stage" \
		vm-images/build-initramfs.sh "$stage/initramfs.cpio" build/release/siovh >/dev/null
	truncate -s 1M "$stage/input.shm"
	VM_MODE=fuzz VM_TIMEOUT=$3 \
	VM_QEMU_EXTRA="-object memory-backend-file,id=fzin,share=on,mem-path=$stage/input.shm,size=1M -device ivshmem-plain,memdev=fzin" \
		vm-images/run-vm.sh "$PROFILE" "$kdir" "$stage/initramfs.cpio" "$dir" \
		>"$stage/run-vm.log" 2>&1 || true
	cp "$stage/input.shm" "$dir/input.shm" 2>/dev/null || true
}

# replay_boot V DIR MODE FILE...: one boot that replays the FILEs with
# `siovh replay` (MODE target: on the kernel, trace and verdict; diff:
# --diff ref,kernel, the differing inputs' traces in DIR/diff/), into DIR
# (fuzz.log holds siovh's output, corpus/ the FILEs).
replay_boot() {
	local v=$1 dir=$2 mode=$3 stage=$work/replay$1 f n=0
	shift 3
	rm -rf "$stage"
	mkdir -p "$stage/corpus"
	for f in "$@"; do
		cp "$f" "$stage/corpus/"
		n=$((n + 1))
	done
	# {spec}: the target spec, resolved in the guest (init.sh)
	echo "$SPEC" >"$stage/fuzz-target"
	if [ "$mode" = diff ]; then
		printf '%s\n' /bin/siovh replay --fuzz "$TARGET" --diff 'ref,{spec}' \
			--out /out/diff >"$stage/fuzz-args"
	else
		printf '%s\n' /bin/siovh replay --fuzz "$TARGET" --target '{spec}' >"$stage/fuzz-args"
	fi
	# TCG: about a tenth of a second per input and target, generously
	vm_boot "$stage" "$dir" $((120 + n))
}

# ---- FUZZ_REPLAY=FILE: one boot that runs FILE once, then its verdict ----
# (FUZZ_DIFF=1: compared with the reference, siovh replay --diff). A
# directory replays each of its files.
if [ -n "${FUZZ_REPLAY:-}" ]; then
	[ -e "$FUZZ_REPLAY" ] || die "FUZZ_REPLAY=$FUZZ_REPLAY: no such file"
	mapfile -t files < <(find "$FUZZ_REPLAY" -maxdepth 1 -type f | sort)
	[ "${#files[@]}" -gt 0 ] || die "FUZZ_REPLAY=$FUZZ_REPLAY: no file in it"
	rm -rf "$OUT/replay"
	replay_boot 1 "$OUT/replay" "$([ "${FUZZ_DIFF:-0}" = 1 ] && echo diff || echo target)" "${files[@]}"
	grep -E '^(ok|not ok) ' "$OUT/replay/vm.ktap" || fail "the replay VM left no report"
	cat "$OUT/replay/fuzz.log" 2>/dev/null || true
	grep -m1 -A30 -E '(Oops|WARNING:|BUG:|KASAN|UBSAN|Kernel panic)' "$OUT/replay/console.log" || true
	if [ "${FUZZ_DIFF:-0}" = 1 ]; then
		log "$(file_diffs "$OUT/replay") differing inputs filed under $OUT/disagreements/"
	fi
	exit 0
fi

# ---- 3, 4: VMS loops until FUZZ_TIME is spent ----
start=$(date +%s)
deadline=$((start + SECS))
log "kernel $krel ($PROFILE): $TARGET on $SPEC for $SECS s in $VMS VM(s), boots of $BOOT_SECS s at most; corpus $(ls "$keep/corpus" | wc -l) inputs"
vm_loop() {
	local v=$1 left dir
	while :; do
		left=$((deadline - $(date +%s)))
		[ "$left" -ge 10 ] || break
		[ "$left" -le "$BOOT_SECS" ] || left=$BOOT_SECS
		dir=$work/boot-$v-$(date +%s%N)
		boot "$v" "$left" "$dir"
		[ "${FUZZ_DIFF:-0}" = 1 ] && diff_boot "$v" "$dir"
		echo "$dir" >>"$work/done.$v"
	done
}
# FUZZ_DIFF=1: the inputs boot DIR added to the corpus, replayed on the
# reference and the kernel in a VM of their own (DIR/diff-boot), after it.
diff_boot() {
	local v=$1 dir=$2 f new=()
	for f in "$dir"/corpus/*; do
		[ -f "$f" ] && [ ! -f "$keep/corpus/${f##*/}" ] && new+=("$f")
	done
	[ "${#new[@]}" -gt 0 ] || return 0
	replay_boot "$v" "$dir/diff-boot" diff "${new[@]}"
}
for ((v = 1; v <= VMS; v++)); do
	vm_loop "$v" &
	PIDS+=($!)
done
# File each finished boot as it comes (corpus, findings, progress).
filed=()
harvest() {
	local v d n
	for ((v = 1; v <= VMS; v++)); do
		[ -f "$work/done.$v" ] || continue
		while read -r d; do
			[[ " ${filed[*]:-} " == *" $d "* ]] && continue
			filed+=("$d")
			[ -f "$d/vm.ktap" ] || { log "a boot left no report (${d##*/})"; continue; }
			next_boot
			mv "$d" "$OUT/boots/$boot_no"
			n=$(keep_corpus "$OUT/boots/$boot_no")
			file_findings "$OUT/boots/$boot_no"
			if [ -d "$OUT/boots/$boot_no/diff-boot" ]; then
				log "boot $boot_no: $(file_diffs "$OUT/boots/$boot_no/diff-boot") of its new inputs differ between the reference and the kernel" \
					"($(grep -m1 '^replay ' "$OUT/boots/$boot_no/diff-boot/fuzz.log" || echo 'no summary: see diff-boot/'))"
			fi
			log "boot $boot_no (VM $v): $(fstat "$OUT/boots/$boot_no/fuzz.log" average_exec_per_sec) execs/s," \
				"$(sed -n 's/^siovh-fuzz: kernel edges //p' "$OUT/boots/$boot_no/fuzz.log" | tail -n1 | grep . ||
				   echo '? (the target stopped on a finding)') kernel edges, corpus +$n"
		done <"$work/done.$v"
	done
}
while :; do
	alive=0
	for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
	harvest
	[ "$alive" = 1 ] || break
	sleep 2
done
PIDS=()

# ---- 6: the reference, same binary, a minute at most ----
ref_secs=$(( SECS < 60 ? SECS : 60 ))
mkdir -p "$work/ref"
cp "fuzz/$TARGET/seeds"/* "$work/ref/"
(cd "$work" && "$ROOT/$fdir/$TARGET" -max_total_time="$ref_secs" -print_final_stats=1 \
	-timeout=25 -max_len="$max_len" -dict="$ROOT/fuzz/$TARGET/$TARGET.dict" \
	"$work/ref" >"$work/ref.log" 2>&1) || true

# ---- the report ----
boots=0 execs=0 eps_sum=0 eps_n=0 booted=0 edges=0
for d in "$OUT"/boots/*/; do
	[ -f "$d/fuzz.log" ] || continue
	boots=$((boots + 1))
	grep -q '^ok [0-9]* boot' "$d/vm.ktap" && booted=$((booted + 1))
	e=$(fstat "$d/fuzz.log" number_of_executed_units); execs=$((execs + ${e:-0}))
	r=$(fstat "$d/fuzz.log" average_exec_per_sec)
	[ -n "$r" ] && { eps_sum=$((eps_sum + r)); eps_n=$((eps_n + 1)); }
	k=$(sed -n 's/^siovh-fuzz: kernel edges //p' "$d/fuzz.log" | tail -n1)
	[ "${k:-0}" -gt "$edges" ] && edges=$k
done
vm_eps=$([ "$eps_n" -gt 0 ] && echo $((eps_sum / eps_n)) || echo null)
ref_eps=$(fstat "$work/ref.log" average_exec_per_sec)
ncrash=$(find "$OUT/crashes" -mindepth 1 -maxdepth 1 -type d | wc -l)
ndis=$(find "$OUT/disagreements" -mindepth 1 -maxdepth 1 -type d | wc -l)
cat >"$OUT/stats.json" <<EOF
{
  "run": {
    "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
    "host": "$(hostname)",
    "kernel": "$krel (VM, KERNEL_VARIANT=fuzz)",
    "git_revision": "$(git describe --always --dirty 2>/dev/null || echo unknown)"
  },
  "kernel": "$krel",
  "profile": "$PROFILE",
  "target": "$TARGET",
  "spec": "$SPEC",
  "seconds": $SECS,
  "vms": $VMS,
  "boots": $boots,
  "vm_execs": $execs,
  "vm_execs_per_s": $vm_eps,
  "ref_execs_per_s": ${ref_eps:-null},
  "kernel_edges_max_per_boot": $edges,
  "corpus": $(find "$keep/corpus" -type f | wc -l),
  "crashes": $ncrash,
  "disagreements": $ndis
}
EOF
{
	echo "kernel fuzzing: $TARGET on $SPEC, $krel ($PROFILE), $SECS s, $VMS VM(s), $boots boot(s)"
	echo "execs/s per VM (mean over boots): $vm_eps; the same binary on the reference: ${ref_eps:-?}"
	echo "kernel edges (KCOV, largest in one boot): $edges; corpus: $(find "$keep/corpus" -type f | wc -l) inputs"
	echo "unique kernel crashes: $ncrash; disagreements with the model: $ndis"
	for d in "$OUT"/crashes/*/ "$OUT"/disagreements/*/; do
		[ -d "$d" ] || continue
		printf '  %s: %s\n' "${d%/}" "$(head -n1 "$d/message.txt" 2>/dev/null ||
			grep -m1 -E 'BUG|WARN|KASAN|UBSAN|Oops|panic' "$d/console.txt" 2>/dev/null)"
	done
} >"$OUT/stats.txt"
cat "$OUT/stats.txt"
[ "$booted" -gt 0 ] || fail "no VM booted (see $OUT/boots/*/vm.ktap)"

# ---- 7: the kernel coverage of the kept corpus (and the kernel seeds) ----
# on the VM tier's gcov kernel of the same version, when it is cached (its
# build is make fuzz-kernel-coverage's business, not a campaign's)
gkey=$(vm-images/build-kernel.sh --print-key)
if [ "$SPEC" != kernel ]; then
	log "target spec $SPEC: the corpus's kernel coverage is measured for SIOVH_FUZZ_TARGET=kernel only"
elif [ -f "${SIOVH_CACHE:-/var/cache/siovh}/kernels/$gkey/done" ]; then
	corpora=("corpus=$keep/corpus")
	[ -d "fuzz/$TARGET/kernel-seeds" ] && corpora+=("kernel-seeds=fuzz/$TARGET/kernel-seeds")
	FUZZ_KTARGET=$TARGET SIOVH_HEAVY_LOCK=$HEAVY_LOCK REPORT_DIR=reports \
		vm-images/fuzz-kernel-coverage.sh "${corpora[@]}" ||
		log "the corpus's kernel coverage failed or found something (above); reports/fuzz-kernel/coverage/"
else
	log "no gcov kernel $gkey cached: the corpus's kernel coverage is not measured (make fuzz-kernel-coverage builds it, then measures)"
fi
