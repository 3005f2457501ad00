#!/bin/bash
# SPDX-License-Identifier: MIT
#
# vm-images/fuzz-kernel-lib.sh on fabricated boots: the input a crash
# interrupted comes back from the record the fuzz target itself wrote (the
# replay driver with SIOVH_FUZZ_INPUT_MAP, the writer fuzz-kernel.sh's VMs
# use), a torn record gives none; two reports of one bug with other
# addresses and timestamps share a signature, another top frame does not;
# an oracle finding is filed as a disagreement with its input, message and
# reproducer; a clean boot files nothing; the kept corpus takes only new
# inputs.
#
#   fuzz_kernel_test.sh PATH/TO/iommufd_ops_replay     (TAP on stdout)
set -u

replay=${1:?usage: fuzz_kernel_test.sh PATH/TO/iommufd_ops_replay}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-fzk-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$here/../../harness/core/tests/tap.sh"
. "$here/../fuzz-kernel-lib.sh"

# shellcheck disable=SC2034 # read by fuzz-kernel-lib.sh
OUT=$tmp/report TARGET=iommufd_ops krel=7.3.4 PROFILE=vtd keep=$tmp/keep
log() { echo "# $*"; }
mkdir -p "$OUT/crashes" "$OUT/disagreements" "$keep/corpus"

# boot NAME CONSOLE-CLEAN: a boot directory as run-vm.sh leaves it.
boot() {
	local d=$tmp/$1
	mkdir -p "$d/findings" "$d/corpus"
	if [ "$2" = clean ]; then
		printf 'KTAP version 1\n1..4\nok 1 boot\nok 2 results\nok 3 console-clean\nok 4 fuzzer\n' >"$d/vm.ktap"
	else
		printf 'KTAP version 1\n1..4\nok 1 boot\nnot ok 2 results\nnot ok 3 console-clean # 1 kernel bug report(s)\nnot ok 4 fuzzer\n' >"$d/vm.ktap"
	fi
	: >"$d/console.log"
	: >"$d/fuzz.log"
	echo "$d"
}

# oops FILE TS ADDR FRAME: a KASAN report with a call trace.
oops() {
	cat >"$1" <<EOF
[    1.000000] siovh-fuzz booted
[   $2] ==================================================================
[   $2] BUG: KASAN: slab-use-after-free in iopt_area_unmap+0x$3/0x200
[   $2] Read of size 8 at addr ffff88800$3 by task iommufd_ops/36
[   $2] Call Trace:
[   $2]  <TASK>
[   $2]  dump_stack_lvl+0x5d/0x80
[   $2]  ? iopt_unrelated_guess+0x10/0x20
[   $2]  kasan_report+0xb9/0xf0
[   $2]  $4+0x$3/0x200
[   $2]  iopt_unmap_iova_range+0x1c2/0x400
[   $2]  iommufd_ioas_unmap+0x9a/0x120
[   $2]  __x64_sys_ioctl+0x90/0xd0
[   $2]  </TASK>
[   $2] Kernel panic - not syncing: KASAN: panic_on_warn set ...
EOF
}

# 1. a crash: its input from the record the target wrote before running it
b1=$(boot b1 crash)
oops "$b1/console.log" 12.345678 1a2 iopt_area_unmap
truncate -s 1M "$b1/input.shm"
printf '\x01\x02\x03input-one' >"$tmp/in1"
printf '\x00\x09\x09input-two-is-the-last' >"$tmp/in2"
SIOVH_FUZZ_INPUT_MAP=$b1/input.shm "$replay" "$tmp/in1" "$tmp/in2" >"$tmp/replay.log" 2>&1
ok $? "the fuzz target ran two inputs with SIOVH_FUZZ_INPUT_MAP" || cat "$tmp/replay.log" | sed 's/^/# /'
file_findings "$b1" >/dev/null
cnt=$(find "$OUT/crashes" -mindepth 1 -maxdepth 1 -type d | wc -l)
ok $(( cnt == 1 ? 0 : 1 )) "one crash filed (got $cnt)"
c1=$(find "$OUT/crashes" -mindepth 1 -maxdepth 1 -type d | head -n1)
cmp -s "$c1/input" "$tmp/in2"
ok $? "its input is the last one the target started"
grep -q 'BUG: KASAN: slab-use-after-free in iopt_area_unmap' "$c1/console.txt"
ok $? "its console excerpt has the report's title"
grep -q "SIOVH_FUZZ_TARGET=kernel /bin/iommufd_ops" "$c1/repro.txt"
ok $? "and a reproducer"

# 2. the same bug again (other time, addresses): the same signature
b2=$(boot b2 crash)
oops "$b2/console.log" 99.000001 3f4 iopt_area_unmap
file_findings "$b2" >/dev/null
cnt=$(find "$OUT/crashes" -mindepth 1 -maxdepth 1 -type d | wc -l)
ok $(( cnt == 1 ? 0 : 1 )) "the same bug elsewhere in time and memory is the same crash (got $cnt)"
ok $(( $(wc -l <"$c1/boots") == 2 ? 0 : 1 )) "which lists both boots"

# 3. another top frame: another crash; a torn record gives no input
b3=$(boot b3 crash)
oops "$b3/console.log" 5.5 1a2 iopt_pages_unfill
truncate -s 1M "$b3/input.shm"
printf 'SIOVHIN1\xff\xff\xff\xff\x01\x00\x00\x00half' | dd of="$b3/input.shm" conv=notrunc status=none
file_findings "$b3" >/dev/null
cnt=$(find "$OUT/crashes" -mindepth 1 -maxdepth 1 -type d | wc -l)
ok $(( cnt == 2 ? 0 : 1 )) "another top frame is another crash (got $cnt)"
c3=$(grep -l "$b3" "$OUT"/crashes/*/boots | head -n1)
c3=${c3%/boots}
[ -n "$c3" ] && [ ! -e "$c3/input" ]
ok $? "a record torn mid-write gives no input"

# 4. the target's oracle: a disagreement with its input and message
b4=$(boot b4 clean)
sed -i 's/^ok 4 fuzzer/not ok 4 fuzzer/' "$b4/vm.ktap"
printf 'dis' >"$b4/findings/crash-0123abcd"
cat >"$b4/fuzz.log" <<'EOF'
INFO: Seed: 1
siovh-fuzz: no kernel coverage feedback: /sys/kernel/debug/kcov: No such file or directory
siovh-fuzz: reference and IOAS model diverged (1): step 3, copy(A0 0x40008000 +0x2000 -> A1 0x40002000, rw): returned -1 (-EPERM), the model expects 0
last operations:
  #1 map(A0, 0x40001000 +0x3000, va P1+0, rw) -> 0
==36== ERROR: libFuzzer: deadly signal
EOF
file_findings "$b4" >/dev/null
d=$(find "$OUT/disagreements" -mindepth 1 -maxdepth 1 -type d | head -n1)
[ -n "$d" ] && cmp -s "$d/input" "$b4/findings/crash-0123abcd"
ok $? "an oracle finding is a disagreement with its input"
grep -q 'model expects 0' "$d/message.txt" && grep -q '#1 map' "$d/message.txt"
ok $? "with the oracle's message and trace"
grep -q 'fuzz/iommufd_ops_replay\|_replay INPUT' "$d/repro.txt"
ok $? "and how to replay it on the reference"
cnt=$(find "$OUT/crashes" -mindepth 1 -maxdepth 1 -type d | wc -l)
ok $(( cnt == 2 ? 0 : 1 )) "a clean console files no crash"

# 5. the kept corpus takes what is new
b5=$(boot b5 clean)
printf a >"$b5/corpus/aaa"
printf b >"$b5/corpus/bbb"
cp "$b5/corpus/aaa" "$keep/corpus/"
cnt=$(keep_corpus "$b5")
ok $(( cnt == 1 ? 0 : 1 )) "one new corpus input kept (got $cnt)"
printf 'stat::average_exec_per_sec:     622\n' >>"$b5/fuzz.log"
ok $(( $(fstat "$b5/fuzz.log" average_exec_per_sec) == 622 ? 0 : 1 )) "libFuzzer's stats are read"

# 6. a differential replay boot (FUZZ_DIFF): one disagreement per
# signature, with the input, both traces and every input listed
b6=$tmp/b6
diffrec() { # NAME SIGNATURE
	mkdir -p "$b6/diff/$1" "$b6/corpus"
	printf 'in-%s' "$1" >"$b6/corpus/$1"
	echo "op -> 0" >"$b6/diff/$1/ref.trace"
	echo "op -> EINVAL" >"$b6/diff/$1/kernel.trace"
	echo "$2" >"$b6/diff/$1/signature"
	echo "first difference at operation 1" >"$b6/diff/$1/diff.txt"
}
diffrec aaa "map: ENOENT | EINVAL"
diffrec bbb "map: ENOENT | EINVAL"
diffrec ccc "ioctl 0x3b8f: ENOTTY | E2BIG"
ndis=$(find "$OUT/disagreements" -mindepth 1 -maxdepth 1 -type d | wc -l)
cnt=$(file_diffs "$b6" 2>/dev/null)
ok $(( cnt == 3 ? 0 : 1 )) "three differing inputs counted (got $cnt)"
new=$(( $(find "$OUT/disagreements" -mindepth 1 -maxdepth 1 -type d | wc -l) - ndis ))
ok $(( new == 2 ? 0 : 1 )) "filed as two disagreements, one per signature (got $new)"
d=$(grep -l 'map: ENOENT | EINVAL' "$OUT"/disagreements/*/signature | head -n1)
d=${d%/signature}
[ -n "$d" ] && cmp -s "$d/input" "$b6/corpus/aaa" && [ -f "$d/ref.trace" ] &&
	[ -f "$d/kernel.trace" ] && [ "$(cat "$d/target")" = iommufd_ops ] &&
	[ "$(wc -l <"$d/inputs")" -eq 2 ]
ok $? "with the first input, both traces, the target and both inputs listed"
grep -q 'make fuzz-kernel-replay REPLAY=' "$d/repro.txt"
ok $? "and the one-line reproducer"

tap_end
