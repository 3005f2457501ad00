#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The VM tier, end to end (`make vm-check`, `make vm-shell`):
#
#   vm-images/vm-check.sh [PROFILE...]       batch: TAP on stdout
#   vm-images/vm-check.sh --shell [PROFILE]  interactive console
#
# 1. install what is missing (harness/scripts/deps.sh --vm); when that is
#    impossible (no apt, no network) the whole tier is one SKIP naming the
#    reason, not a failure;
# 2. build or reuse the kernel (vm-images/build-kernel.sh); for profile
#    siov also the QEMU with the SIOV endpoint (vm-images/qemu/
#    build-qemu.sh; deps.sh --qemu; source unavailable: that profile is one
#    SKIP with the reason) and its kernel: SIOV_KERNEL, else the newest 7.x
#    entry of the kernel cache, else the default kernel;
# 3. per kernel, build siovh (release flags) and the SIOV guest test
#    against its uAPI headers, in build/vm-<kernel key>/ (make
#    VM_HEADERS=..., vm-images/vm.mk);
# 4. build the initramfs (vm-images/build-initramfs.sh), every run;
# 5. boot each PROFILE (default: $VM_PROFILES, else "mock"), collecting
#    reports/vm/<kernel>-<profile>/ (vm-images/run-vm.sh).
#
# stdout is one TAP stream: per profile, the VM's own results (boot,
# results, console-clean, siovh-run) and every clause's result, named
# "<profile>: ...". Progress and timings go to stderr.
# Exit: 0 nothing failed (skips allowed), 1 something failed.
#
# Env: VM_PROFILES, SIOVH_VM_ARGS (siovh run's arguments in the guest,
# default "--target kernel"), REPORT_DIR (default reports), SIOV_KERNEL (a
# kernel cache entry for profile siov), SIOV_FAULTS (device faults to show
# detected, default: dvsec-length dvsec-id ext-cap-loop dma-pasid-zero
# fill-overrun; empty: none), plus those
# of the scripts above (SIOVH_CACHE, KERNEL_SRC, KERNEL_PKG, VM_TIMEOUT...).
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
read -r -a PROFILES <<<"${*:-${VM_PROFILES:-mock}}"
read -r -a RUN_ARGS <<<"${SIOVH_VM_ARGS:---target kernel}"

LOGS=$(mktemp -d "${TMPDIR:-/tmp}/siovh-vm-check.XXXXXX")
trap 'rm -rf "$LOGS"' EXIT

# 1. dependencies
if ! harness/scripts/deps.sh --vm >"$LOGS/deps.log" 2>&1; then
	reason=$( { grep 'deps.sh:' "$LOGS/deps.log" | tail -n1; grep -m1 '^E:' "$LOGS/deps.log"; } |
		  tr '\n' ' ')
	[ -n "$reason" ] || reason=$(tail -n1 "$LOGS/deps.log")
	[ "$SHELL_MODE" = 1 ] && { cat "$LOGS/deps.log" >&2; exit 2; }
	skip_all "cannot install the VM tier's packages (qemu-system-x86, linux-source-6.12, busybox-static, ...): ${reason:-deps.sh --vm failed}"
fi

# 2. kernel
t0=$(now)
if ! KDIR=$(vm-images/build-kernel.sh 2> >(tee "$LOGS/kernel.log" >&2) | tail -n1); then
	fail_all "kernel build failed" "$LOGS/kernel.log"
fi
log "kernel $KDIR ready in $(since "$t0") s"

want_profile() {
	local p
	for p in "${PROFILES[@]}"; do [ "$p" = "$1" ] && return 0; done
	return 1
}

# 2b. profile siov: the QEMU with the SIOV endpoint, and the newest 7.x
# kernel (PASID attach); without a 7.x kernel the default one boots and the
# guest test skips what its uAPI lacks. No QEMU: the profile skips.
SIOV_QEMU="" SIOV_SKIP="" SIOV_KDIR=""
if want_profile siov; then
	t0=$(now)
	if ! harness/scripts/deps.sh --qemu >"$LOGS/deps-qemu.log" 2>&1; then
		SIOV_SKIP="cannot install QEMU's build dependencies: $(grep 'deps.sh:' "$LOGS/deps-qemu.log" | tail -n1)"
	else
		# make vm-check runs under the heavy-job lock already.
		SIOVH_HEAVY_LOCK="" vm-images/qemu/build-qemu.sh >"$LOGS/qemu.out" 2>"$LOGS/qemu.log" &&
			qrc=0 || qrc=$?
		case $qrc in
		0) SIOV_QEMU=$(tail -n1 "$LOGS/qemu.out")
		   log "qemu $SIOV_QEMU ready in $(since "$t0") s" ;;
		3) SIOV_SKIP="QEMU's source is unavailable: $(tail -n1 "$LOGS/qemu.log")" ;;
		*) fail_all "building QEMU with the SIOV endpoint failed" "$LOGS/qemu.log" ;;
		esac
	fi
	if [ -n "${SIOV_KERNEL:-}" ]; then
		SIOV_KDIR=$SIOV_KERNEL
	else
		SIOV_KDIR=$(for d in "${SIOVH_CACHE:-/var/cache/siovh}"/kernels/7.*; do
				[ -f "$d/done" ] && echo "$d"; done | sort -V | tail -n1)
	fi
	if [ -z "$SIOV_KDIR" ]; then
		log "no 7.x kernel in the cache: profile siov boots $KDIR, PASID attach will skip"
		SIOV_KDIR=$KDIR
	fi
	[ -f "$SIOV_KDIR/bzImage" ] || fail_all "SIOV_KERNEL=$SIOV_KDIR has no bzImage"
fi

# 3-4. per kernel: siovh (release flags) and the SIOV guest test against
# its headers, and the initramfs
declare -A INITRD_OF=()
prepare_kernel() {
	local kdir=$1 variant t0
	variant=vm-$(basename "$kdir")
	[ -n "${INITRD_OF[$kdir]:-}" ] && return 0
	t0=$(now)
	if ! make --no-print-directory -j"${JOBS:-2}" VARIANT="$variant" \
		VM_HEADERS="$kdir/headers/include" "build/$variant/siovh" \
		"build/$variant/siov-pasid-test" >"$LOGS/siovh.log" 2>&1; then
		fail_all "building siovh against $kdir/headers failed" "$LOGS/siovh.log"
	fi
	log "siovh built against $(basename "$kdir") in $(since "$t0") s"
	t0=$(now)
	INITRD_OF[$kdir]=build/$variant/initramfs.cpio
	if ! SIOVH_EXTRA_BINS="build/$variant/siov-pasid-test" \
		vm-images/build-initramfs.sh "${INITRD_OF[$kdir]}" "build/$variant/siovh" \
		"${RUN_ARGS[@]}" >/dev/null 2>"$LOGS/initramfs.log"; then
		fail_all "building the initramfs failed" "$LOGS/initramfs.log"
	fi
	log "initramfs ${INITRD_OF[$kdir]} ($(du -m "${INITRD_OF[$kdir]}" | cut -f1) MiB) in $(since "$t0") s"
}
# The kernel and QEMU of a profile: sets P_KDIR, P_QEMU.
profile_env() {
	P_KDIR=$KDIR P_QEMU=${QEMU:-qemu-system-x86_64}
	if [ "$1" = siov ]; then
		P_KDIR=$SIOV_KDIR P_QEMU=$SIOV_QEMU
	fi
}

if [ "$SHELL_MODE" = 1 ]; then
	profile_env "${PROFILES[0]}"
	[ -n "$P_QEMU" ] || { echo "vm-check: $SIOV_SKIP" >&2; exit 2; }
	prepare_kernel "$P_KDIR"
	QEMU=$P_QEMU exec vm-images/run-vm.sh --shell "${PROFILES[0]}" "$P_KDIR" "${INITRD_OF[$P_KDIR]}"
fi

# 5. boot each profile; flatten its reports into one TAP stream
: >"$LOGS/tap"
status=0
for p in "${PROFILES[@]}"; do
	profile_env "$p"
	if [ -z "$P_QEMU" ]; then
		printf 'ok 0 %s: vm # SKIP %s\n' "$p" "$SIOV_SKIP" >>"$LOGS/tap"
		continue
	fi
	prepare_kernel "$P_KDIR"
	KREL=$(cat "$P_KDIR/release")
	dir=$REPORT_DIR/vm/$KREL-$p
	t0=$(now)
	log "booting profile $p ($KREL)"
	QEMU=$P_QEMU vm-images/run-vm.sh "$p" "$P_KDIR" "${INITRD_OF[$P_KDIR]}" "$dir" \
		>"$LOGS/run-$p.log" 2>&1 || status=1
	if [ -f "$dir/vm.json" ]; then
		log "profile $p: $(tr -d '\n ' <"$dir/vm.json")"
	else
		log "profile $p: run-vm.sh wrote no report"
		tail -n 20 "$LOGS/run-$p.log" >&2
		printf 'not ok 0 %s: run-vm.sh failed\n' "$p" >>"$LOGS/tap"
		sed 's/^/# /' "$LOGS/run-$p.log" | tail -n 20 >>"$LOGS/tap"
		continue
	fi
	for k in "$dir/vm.ktap" "$dir/siov.tap" "$dir/results.ktap"; do
		[ -f "$k" ] || continue
		# siovh writes a failure's "# file:line: ..." lines before its
		# result line; TAP readers expect them after it.
		awk -v p="$p" '/^(not )?ok [0-9]+ / {
				v = ($1 == "not") ? "not ok" : "ok"
				sub(/^(not )?ok [0-9]+ /, "")
				print v " 0 " p ": " $0
				printf "%s", held; held = ""; next }
			/^# [^ ]+:[0-9]+: / { held = held $0 "\n"; next }
			/^#/ { print }
			END { printf "%s", held }' "$k" >>"$LOGS/tap"
	done
	log "profile $p done in $(since "$t0") s"
done

# Device-model faults (profile siov): each fault of SIOV_FAULTS boots the
# endpoint with that fault and only the guest test; the fault is detected
# when at least one of the guest test's results fails.
if want_profile siov && [ -n "$SIOV_QEMU" ]; then
	KREL=$(cat "$SIOV_KDIR/release")
	for f in ${SIOV_FAULTS-dvsec-length dvsec-id ext-cap-loop dma-pasid-zero fill-overrun}; do
		dir=$REPORT_DIR/vm/$KREL-siov-fault-$f
		t0=$(now)
		SIOV_FAULT=$f QEMU=$SIOV_QEMU VM_APPEND="siovh.siov_only=1" \
			vm-images/run-vm.sh siov "$SIOV_KDIR" "${INITRD_OF[$SIOV_KDIR]}" "$dir" \
			>"$LOGS/run-fault-$f.log" 2>&1 || true
		failed=$(sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$dir/siov.tap" 2>/dev/null | tr '\n' ' ')
		if [ ! -f "$dir/siov.tap" ]; then
			printf 'not ok 0 siov-fault %s: no siov.tap (see %s)\n' "$f" "$dir" >>"$LOGS/tap"
		elif [ -n "$failed" ]; then
			printf 'ok 0 siov-fault %s: detected by %s\n' "$f" "${failed% }" >>"$LOGS/tap"
		elif grep -q "SKIP" "$dir/siov.tap" && [ "$f" = dma-pasid-zero ]; then
			printf 'ok 0 siov-fault %s # SKIP only PASID DMA shows it, and %s has no PASID attach\n' \
				"$f" "$KREL" >>"$LOGS/tap"
		else
			printf 'not ok 0 siov-fault %s: undetected, every guest result passed\n' "$f" >>"$LOGS/tap"
		fi
		log "fault $f done in $(since "$t0") s"
	done
fi

n=$(grep -cE '^(not )?ok 0 ' "$LOGS/tap" || true)
echo "TAP version 13"
echo "1..$n"
awk '/^(not )?ok 0 / { i++; sub(/ok 0 /, "ok " i " ") } { print }' "$LOGS/tap"
grep -q '^not ok ' "$LOGS/tap" && status=1
exit "$status"
