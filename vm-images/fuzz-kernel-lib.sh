#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# What vm-images/fuzz-kernel.sh does with a finished boot, as functions
# (sourced; vm-images/tests/fuzz_kernel_test.sh drives them on fabricated
# boots). They use OUT (the report directory), TARGET, SPEC (the target
# spec in the VM; kernel when unset), krel, PROFILE and keep (the kept
# corpus's directory), and log().
# shellcheck disable=SC2154 # those are the caller's

# vm_deps NAME: the VM tier's packages (deps.sh --vm), or exit 3 saying
# so (fuzz-kernel.sh, fuzz-kernel-coverage.sh and kernel-seeds.sh).
vm_deps() {
	local log
	log=$(mktemp)
	if ! harness/scripts/deps.sh --vm >"$log" 2>&1; then
		tail -n 3 "$log" >&2
		rm -f "$log"
		echo "$1: the VM tier's packages cannot be installed" >&2
		exit 3
	fi
	rm -f "$log"
}

# build_vm_target KDIR FDIR: TARGET against KDIR's uAPI headers into FDIR
# (fuzz.mk's fuzz-vm-build rules) and build/release/siovh, the image's
# /bin/siovh; fail() on error (fuzz-kernel-coverage.sh, kernel-seeds.sh).
build_vm_target() {
	make --no-print-directory -j"${JOBS:-2}" VM_HEADERS="$1/headers/include" \
		FUZZ_VM_DIR="$2" "$2/$TARGET" >/dev/null ||
		fail "building $TARGET against $1/headers failed"
	make --no-print-directory -j"${JOBS:-2}" build/release/siovh >/dev/null ||
		fail "building siovh failed"
}

# libFuzzer's final "stat::NAME: N" of a log, or nothing.
fstat() { sed -n "s/^stat::$2: *\([0-9]*\)/\1/p" "$1" 2>/dev/null | tail -n1; }

# The input fz_input_keep left (kernel_target.c's record) into FILE; false
# when there is none or it was being written.
last_input() {
	local shm=$1 file=$2 len
	[ -f "$shm" ] && [ "$(head -c 8 "$shm")" = SIOVHIN1 ] || return 1
	len=$(od -An -tu4 -j8 -N4 "$shm" | tr -d ' ')
	[ -n "$len" ] && [ "$len" != 4294967295 ] || return 1
	dd if="$shm" of="$file" bs=1 skip=16 count="$len" status=none
}

# A kernel report's signature: its title (the first Oops/WARNING/BUG/KASAN/
# UBSAN/panic line, timestamps and addresses out) and top three frames.
crash_sig() {
	local con=$1
	{
		grep -m1 -E '(Oops|WARNING:|BUG:|KASAN|UBSAN|Kernel panic)' "$con" |
			sed -E 's/^\[ *[0-9.]+\] //; s/0x[0-9a-f]+//g; s/[0-9]+//g'
		# reliable frames only (" ? " marks a guess of the unwinder)
		sed -n '/Call Trace:/,/<\/TASK>/p' "$con" | grep -v ' ? ' |
			grep -oE '[a-z_][a-z0-9_.]+\+0x' |
			grep -vE '^(dump_stack|show_stack|__warn|report_bug|handle_bug|exc_|asm_exc_|kasan_report|print_report)' |
			head -n3
	} | sha1sum | cut -c1-12
}

# How to run TARGET on the VM's target: "SIOVH_FUZZ_TARGET=SPEC /bin/TARGET".
guest_cmd() {
	local spec=${SPEC:-kernel}
	case $spec in
	*'{siov}'*) printf 'SIOVH_FUZZ_TARGET=%s /bin/%s INPUT  ({siov}: the SIOV endpoint, lspci -d 8086:5107)' \
		"$spec" "$TARGET" ;;
	*) printf 'SIOVH_FUZZ_TARGET=%s /bin/%s INPUT' "$spec" "$TARGET" ;;
	esac
}

# How to replay finding directory D's input (its "target" file names the
# fuzz target, so siovh replay needs no --fuzz).
repro() {
	local env=""
	[ "${SPEC:-kernel}" = kernel ] || env="FUZZ_KTARGET=$TARGET FUZZ_KSPEC='$SPEC' "
	printf '%s\n' \
		"${env}make fuzz-kernel-replay REPLAY=$1/input     (boots $krel, profile $PROFILE, once: the trace and verdict on the kernel; FUZZ_DIFF=1: compared with the reference)" \
		"reference: build/release/siovh replay $1/input     (make build/release/siovh build/release/fuzz/${TARGET}_replay)" \
		"in a VM shell (make vm-shell) with the input in the image: $(guest_cmd)"
}

# File DIR's findings (one boot).
file_findings() {
	local dir=$1 sig d f msg
	if grep -q '^not ok [0-9]* console-clean' "$dir/vm.ktap" 2>/dev/null; then
		sig=$(crash_sig "$dir/console.log")
		d=$OUT/crashes/$sig
		mkdir -p "$d"
		echo "$TARGET" >"$d/target"
		if [ ! -f "$d/input" ] && last_input "$dir/input.shm" "$d/input"; then
			repro "$d" >"$d/repro.txt"
		fi
		[ -f "$d/console.txt" ] || grep -m1 -n -E '(Oops|WARNING:|BUG:|KASAN|UBSAN|Kernel panic)' \
			"$dir/console.log" | cut -d: -f1 | { read -r n; sed -n "$((n > 5 ? n - 5 : 1)),$((n + 60))p" "$dir/console.log"; } >"$d/console.txt"
		echo "$dir" >>"$d/boots"
		log "boot ${dir##*/}: kernel crash $sig: $(head -n6 "$d/console.txt" | grep -m1 -E 'BUG|WARN|KASAN|UBSAN|Oops|panic' || true)"
	fi
	for f in "$dir"/findings/crash-* "$dir"/findings/timeout-* "$dir"/findings/oom-*; do
		[ -f "$f" ] || continue
		# the oracle's verdict: its last line before the abort (not
		# the notes the target prints at start and exit)
		msg=$(grep '^siovh-fuzz: ' "$dir/fuzz.log" |
			grep -v -e '^siovh-fuzz: no kernel coverage' -e '^siovh-fuzz: kernel edges' |
			tail -n1 | sed 's/^siovh-fuzz: //' || true)
		[ -n "$msg" ] || msg=$(grep -m1 -E 'ERROR: libFuzzer|SUMMARY' "$dir/fuzz.log" || echo "${f##*/}")
		sig=$(printf '%s\n' "$msg" | sed -E 's/0x[0-9a-f]+/N/g; s/[0-9]+/N/g' | sha1sum | cut -c1-12)
		d=$OUT/disagreements/$sig
		mkdir -p "$d"
		echo "$TARGET" >"$d/target"
		[ -f "$d/input" ] || cp "$f" "$d/input"
		[ -f "$d/message.txt" ] || { echo "$msg"; grep -F -A20 "siovh-fuzz: $msg" "$dir/fuzz.log" | tail -n +2 | grep -v '^==' | head -n 20; } >"$d/message.txt"
		[ -f "$d/repro.txt" ] || repro "$d" >"$d/repro.txt"
		echo "$dir" >>"$d/boots"
		log "boot ${dir##*/}: disagreement $sig: $msg"
	done
}

# Add DIR's corpus to the kept one; the number of new files.
keep_corpus() {
	local dir=$1 f n=0
	for f in "$dir"/corpus/*; do
		[ -f "$f" ] || continue
		[ -f "$keep/corpus/${f##*/}" ] && continue
		cp "$f" "$keep/corpus/"
		n=$((n + 1))
	done
	echo "$n"
}


# File the differences of a differential replay boot DIR (siovh replay
# --diff ref,kernel --out /out/diff over DIR/corpus, FUZZ_DIFF): one
# disagreement per signature (the first differing operation's name and
# the two results, replay_trace.h), with the input, both traces and the
# difference; every input of a signature listed in its "inputs". The
# number of differing inputs.
file_diffs() {
	local dir=$1 x sig d name n=0
	for x in "$dir"/diff/*/; do
		[ -f "$x/signature" ] || continue
		name=${x%/}
		name=${name##*/}
		name=${name%.[0-9]*}
		sig=$(sha1sum <"$x/signature" | cut -c1-12)
		d=$OUT/disagreements/$sig
		if [ ! -f "$d/input" ]; then
			mkdir -p "$d"
			echo "$TARGET" >"$d/target"
			cp "$dir/corpus/$name" "$d/input" 2>/dev/null || true
			cp "$x"/*.trace "$x/diff.txt" "$x/signature" "$d/"
			echo "replay differs (reference vs kernel): $(cat "$x/signature")" >"$d/message.txt"
			repro "$d" >"$d/repro.txt"
			log "boot ${dir##*/}: new disagreement $sig: $(cat "$x/signature")" >&2
		fi
		echo "${dir##*/} $name" >>"$d/inputs"
		n=$((n + 1))
	done
	echo "$n"
}
