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
# 2. build or reuse the kernel (vm-images/build-kernel.sh);
# 3. build siovh (release flags) against that kernel's uAPI headers, in
#    build/vm-<kernel key>/ (make VM_HEADERS=..., vm-images/vm.mk);
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
# default "--target kernel"), REPORT_DIR (default reports), plus those of
# the scripts above (SIOVH_CACHE, KERNEL_SRC, KERNEL_PKG, VM_TIMEOUT, ...).
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
KEY=$(basename "$KDIR")

# 3. siovh against the kernel's headers
t0=$(now)
VARIANT=vm-$KEY
if ! make --no-print-directory -j"${JOBS:-2}" VARIANT="$VARIANT" \
	VM_HEADERS="$KDIR/headers/include" "build/$VARIANT/siovh" >"$LOGS/siovh.log" 2>&1; then
	fail_all "building siovh against $KDIR/headers failed" "$LOGS/siovh.log"
fi
log "siovh built in $(since "$t0") s"

# 4. initramfs
t0=$(now)
INITRD=build/$VARIANT/initramfs.cpio
if ! vm-images/build-initramfs.sh "$INITRD" "build/$VARIANT/siovh" "${RUN_ARGS[@]}" \
	>/dev/null 2>"$LOGS/initramfs.log"; then
	fail_all "building the initramfs failed" "$LOGS/initramfs.log"
fi
log "initramfs $INITRD ($(du -m "$INITRD" | cut -f1) MiB) in $(since "$t0") s"

if [ "$SHELL_MODE" = 1 ]; then
	exec vm-images/run-vm.sh --shell "${PROFILES[0]}" "$KDIR" "$INITRD"
fi

# 5. boot each profile; flatten its reports into one TAP stream
KREL=$(cat "$KDIR/release")
: >"$LOGS/tap"
status=0
for p in "${PROFILES[@]}"; do
	dir=$REPORT_DIR/vm/$KREL-$p
	t0=$(now)
	log "booting profile $p ($KREL)"
	vm-images/run-vm.sh "$p" "$KDIR" "$INITRD" "$dir" >"$LOGS/run-$p.log" 2>&1 || status=1
	if [ -f "$dir/vm.json" ]; then
		log "profile $p: $(tr -d '\n ' <"$dir/vm.json")"
	else
		log "profile $p: run-vm.sh wrote no report"
		tail -n 20 "$LOGS/run-$p.log" >&2
		printf 'not ok 0 %s: run-vm.sh failed\n' "$p" >>"$LOGS/tap"
		sed 's/^/# /' "$LOGS/run-$p.log" | tail -n 20 >>"$LOGS/tap"
		continue
	fi
	for k in "$dir/vm.ktap" "$dir/results.ktap"; do
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

n=$(grep -cE '^(not )?ok 0 ' "$LOGS/tap" || true)
echo "TAP version 13"
echo "1..$n"
awk '/^(not )?ok 0 / { i++; sub(/ok 0 /, "ok " i " ") } { print }' "$LOGS/tap"
grep -q '^not ok ' "$LOGS/tap" && status=1
exit "$status"
