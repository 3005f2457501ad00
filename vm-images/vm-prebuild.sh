# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Sourced by vm-check.sh: the tier's long builds started ahead of need.
#
# On a fresh machine the tier's time is its builds: both kernels and
# profile siov's QEMU (about 400 s, 400 s and 340 s here), each one
# `make`/`ninja -j2` with serial phases (unpacking a source tarball,
# configuring, linking, apt) that leave a core idle. With VM_JOBS > 1,
# prebuild_start begins every kernel after the first and the QEMU build
# at once, under nice(1), beside the first kernel's build and boots: they
# take the idle core first and the whole machine once the foreground is
# done, without slowing the boots' clauses (which have timeouts) much. A
# warm cache makes each a cache hit of a second. VM_JOBS=1: each is built
# when needed, as before.
#
# Uses vm-check.sh's LOGS, KERNELS, PROFILES_OVERRIDE, VM_JOBS, now, log,
# step_done and kernel_fail. A background build's step (build:kernel,
# build:qemu in reports/vm/bench.json) spans the build itself, not the
# wait for it.
# shellcheck disable=SC2034 # KT0, KT1, SIOV_SKIP: read by vm-check.sh

PRE_NICE=${VM_PREBUILD_NICE:-10}
declare -A PRE_PID=() PRE_T0=()

# kernel_build PKG [NICE]: vm-images/build-kernel.sh for PKG ("src":
# KERNEL_SRC) at niceness NICE (default 0), the cache directory on
# stdout's last line.
kernel_build() {
	[ "$1" = src ] || export KERNEL_PKG=$1
	nice -n "${2:-0}" vm-images/build-kernel.sh
}

# prebuild_start: the kernels after the first and, when a profile siov
# will boot, the QEMU, in the background.
prebuild_start() {
	local k pkg tag siov=0
	[ "${VM_JOBS:-2}" -gt 1 ] || return 0
	for k in "${KERNELS[@]:1}"; do
		pkg=${k%%:*} tag=${pkg#linux-source-}
		[ -n "${PRE_PID[$pkg]:-}" ] && continue
		PRE_T0[$pkg]=$(now)
		( kernel_build "$pkg" "$PRE_NICE" | tail -n1 >"$LOGS/prebuild-$tag.out"
		  now >"$LOGS/prebuild-$tag.end" ) 2>"$LOGS/kernel-$tag.log" &
		PRE_PID[$pkg]=$!
		log "kernel $pkg: building in the background (pid ${PRE_PID[$pkg]})"
	done
	for k in "${KERNELS[@]}"; do
		case ",${PROFILES_OVERRIDE:-${k#*:}}," in *,siov,*) siov=1 ;; esac
	done
	[ "$siov" = 1 ] && siov_qemu_start
	return 0
}

# kernel_ready PKG TAG: the kernel built (or its background build waited
# for): KDIR its cache directory, KT0 and KT1 when its build began and
# ended; status 1 when the build failed (its log: $LOGS/kernel-TAG.log).
kernel_ready() {
	local pkg=$1 tag=$2 rc=0
	KDIR="" KT0=$(now)
	if [ -n "${PRE_PID[$pkg]:-}" ]; then
		KT0=${PRE_T0[$pkg]}
		wait "${PRE_PID[$pkg]}" || rc=$?
		unset "PRE_PID[$pkg]"
		[ "$rc" = 0 ] && KDIR=$(cat "$LOGS/prebuild-$tag.out")
		KT1=$(cat "$LOGS/prebuild-$tag.end" 2>/dev/null || now)
	else
		KDIR=$(kernel_build "$pkg" 2> >(tee "$LOGS/kernel-$tag.log" >&2) |
		       tail -n1) || rc=$?
		KT1=$(now)
	fi
	[ "$rc" = 0 ] && [ -n "$KDIR" ] && [ -d "$KDIR" ]
}

# Profile siov's QEMU (vm-images/qemu/build-qemu.sh, built once, on first
# use or by prebuild_start): siov_qemu sets SIOV_QEMU, or SIOV_SKIP with
# the reason it cannot be had.
SIOV_QEMU="" SIOV_SKIP="" SIOV_TRIED=0 SIOV_PID="" SIOV_T0=""
# siov_qemu_start [now]: the build in the background, niced unless "now"
# (siov_qemu then waits for it at once).
siov_qemu_start() {
	local n=$PRE_NICE
	[ -n "$SIOV_PID" ] && return 0
	[ "${1:-}" = now ] && n=0
	SIOV_T0=$(now)
	# exit 97: its build dependencies cannot be installed. make vm-check
	# runs under the heavy-job lock already (SIOVH_HEAVY_LOCK="").
	( trap 'now >"$LOGS/qemu.end"' EXIT
	  nice -n "$n" harness/scripts/deps.sh --qemu >"$LOGS/deps-qemu.log" 2>&1 ||
		exit 97
	  SIOVH_HEAVY_LOCK="" nice -n "$n" vm-images/qemu/build-qemu.sh \
		>"$LOGS/qemu.out" 2>"$LOGS/qemu.log" ) &
	SIOV_PID=$!
	[ "$n" = 0 ] || log "qemu: building in the background (pid $SIOV_PID)"
}
siov_qemu() {
	local qrc=0
	[ "$SIOV_TRIED" = 1 ] && return 0
	SIOV_TRIED=1
	[ -n "$SIOV_PID" ] || siov_qemu_start now
	wait "$SIOV_PID" || qrc=$?
	step_done - build:qemu "$SIOV_T0" "$(cat "$LOGS/qemu.end" 2>/dev/null || now)"
	case $qrc in
	0) SIOV_QEMU=$(tail -n1 "$LOGS/qemu.out")
	   log "qemu $SIOV_QEMU ready" ;;
	97) SIOV_SKIP="cannot install QEMU's build dependencies: $(grep 'deps.sh:' "$LOGS/deps-qemu.log" | tail -n1)" ;;
	3) SIOV_SKIP="QEMU's source is unavailable: $(tail -n1 "$LOGS/qemu.log")" ;;
	*) kernel_fail siov "building QEMU with the SIOV endpoint failed" "$LOGS/qemu.log"
	   SIOV_SKIP="building QEMU failed (see the failing result)" ;;
	esac
}

# prebuild_wait: no background build left running (a kernel whose run
# ended early, a QEMU no profile booted).
prebuild_wait() {
	local p
	for p in "${PRE_PID[@]}"; do
		wait "$p" || true
	done
	PRE_PID=()
	[ -n "$SIOV_PID" ] && [ "$SIOV_TRIED" = 0 ] && { wait "$SIOV_PID" || true; }
	return 0
}
