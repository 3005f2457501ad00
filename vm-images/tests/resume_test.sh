#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# vm-images/resume.sh without a VM: three fabricated boots of one run (the
# first crashes after three results with two checks in flight, the second,
# one check at a time, crashes in the clause after two more, the third
# finishes, its results.json made by siovh itself on the reference with the
# exclusion the second crash left). Checks what is resumed, the clause the
# crash interrupted, the exclusion archive, and the merged results.json and
# results.ktap. TAP on stdout.
#
#   vm-images/tests/resume_test.sh PATH/TO/siovh
set -uo pipefail

siovh=${1:?usage: resume_test.sh PATH/TO/siovh}
HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/../harness/core/tests/tap.sh"

for t in jq cpio; do
	if ! command -v "$t" >/dev/null; then
		printf 'ok 1 resume.sh # SKIP %s not installed (harness/scripts/deps.sh --vm)\n1..1\n' "$t"
		exit 0
	fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/siovh-resume-test.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
INITRAMFS=$WORK/initramfs.cpio
SIOVH_CATALOG=$WORK/catalog.json
TESTS=()
add() { TESTS+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"${4:-}"); }
# shellcheck source=vm-images/resume.sh
. "$HERE/resume.sh"

# the guest's catalog of a run with --filter 'IOASID.*' (short under ASan)
"$siovh" list --format json --filter 'IOASID.*' >"$SIOVH_CATALOG" || { echo "Bail out! siovh list"; exit 1; }
mapfile -t ids < <(jq -r '.clauses[].id' "$SIOVH_CATALOG")
total=${#ids[@]}
(mkdir -p "$WORK/root/etc/siovh" && cd "$WORK/root" && echo init >init &&
	find . -mindepth 1 | cpio --quiet -o -H newc) >"$INITRAMFS"

cat >"$WORK/console.1" <<EOF
SIOVH-VM: kernel 9.9, uptime 2.0 s
SIOVH-VM: siovh run --target kernel --report /out
siovh 0.1.0: $total clauses on target kernel, 2 jobs, seed 1
[  1/$total] SKIP ${ids[0]} (15 ms): target lacks feature 'x': why
[  2/$total] ok   ${ids[1]} (3 ms)
[  3/$total] FAIL ${ids[2]} (7 ms)
        specs/x.c:40: expected 0, got -22
        second message
[    3.123456] Oops: invalid opcode: 0000 [#1] PREEMPT SMP
[    3.123457] Kernel panic - not syncing: Fatal exception
EOF
: >"$WORK/results.1"
resume_wanted 1
ok $? "boot 1 (oops, no results, siovh had started) is resumed"
[ "$(wc -l <"$WORK/left.2")" = $((total - 3)) ] && ! grep -qxF "${ids[2]}" "$WORK/left.2"
ok $? "the three clauses with a result are not left; boot 1 names no interrupted clause (2 jobs)"
[ ! -s "$WORK/crashed.tsv" ]
ok $? "no clause blamed for boot 1's crash"
resume_prepare 1
# second DIR INITRD: unpack the archive appended to INITRAMFS (the kernel
# unpacks every archive of the concatenation; cpio -i stops at the first)
second() {
	mkdir -p "$1" && cmp -s -n "$(stat -c %s "$INITRAMFS")" "$INITRAMFS" "$2" &&
		tail -c +"$(($(stat -c %s "$INITRAMFS") + 1))" "$2" | (cd "$1" && cpio --quiet -id 2>/dev/null)
}
second "$WORK/x" "$WORK/initrd.2" &&
	[ "$(cat "$WORK/x/etc/siovh/exclude")" = "$(printf '%s\n' "${ids[@]:0:3}")" ]
ok $? "initrd.2: the image, then an archive with /etc/siovh/exclude (the 3 done)"

{
	echo "SIOVH-VM: siovh run --target kernel --exclude /etc/siovh/exclude --jobs 1 --report /out"
	echo "[1/$((total - 3))] ok   ${ids[3]} (1 ms)"
	echo "[2/$((total - 3))] ok   ${ids[4]} (1 ms)"
	echo "[    4.100000] BUG: kernel NULL pointer dereference, address: 0000000000000000"
} >"$WORK/console.2"
: >"$WORK/results.2"
resume_wanted 2 && [ "$(cut -f2 "$WORK/crashed.tsv")" = "${ids[5]}" ]
ok $? "boot 2 (one check at a time) crashed in the first clause left without a result: ${ids[5]}"
[ "$(wc -l <"$WORK/left.3")" = $((total - 6)) ]
ok $? "boot 3 gets the $((total - 6)) clauses left"
resume_prepare 2
boots=3
second "$WORK/y" "$WORK/initrd.3"
"$siovh" run --target ref --filter 'IOASID.*' --exclude "$WORK/y/etc/siovh/exclude" --jobs 2 --report "$WORK/out" \
	>"$WORK/run.log" 2>&1
ok $? "boot 3's siovh (here on the reference) runs with that exclusion"
echo "SIOVH-RESULTS-END rc=0" >"$WORK/results.3"
! resume_wanted 3
ok $? "a boot that finished is not resumed"

resume_merge "$WORK/out" 2>"$WORK/merge.err"
ok $? "the crashed boots' results merge into results.json"
r=$WORK/out/results.json
[ "$(jq '.results | length' "$r")" = "$total" ] && [ "$(jq '[.results[].id] | unique | length' "$r")" = "$total" ] &&
	[ "$(jq '.clauses | length' "$r")" = "$total" ] && [ "$(jq .summary.total "$r")" = "$total" ]
ok $? "every one of the $total clauses has one result and its clause entry"
jq -e --arg a "${ids[0]}" --arg c "${ids[2]}" '
	(.results[] | select(.id == $a) | .status == "skip" and .skip_reason == "target lacks feature '"'"'x'"'"': why"
		and (.notes[0] | startswith("ran in VM boot 1 of 3"))) and
	(.results[] | select(.id == $c) | .status == "fail"
		and .messages == ["specs/x.c:40: expected 0, got -22", "second message"])' "$r" >/dev/null
ok $? "boot 1's results from its console: skip reason, failure messages, a note saying where from"
jq -e --arg id "${ids[5]}" '.results[] | select(.id == $id) | .status == "fail"
	and (.messages[0] | test("crashed while this clause ran \\(VM boot 2"))' "$r" >/dev/null
ok $? "the interrupted clause fails, saying the kernel crashed while it ran"
[ "$(jq -r '[.results[].id] | join(" ")' "$r")" = "$(printf '%s ' "${ids[@]}" | sed 's/ $//')" ]
ok $? "results in the catalog's order"
[ "$(grep -c '^not ok ' "$WORK/out/results.ktap")" = "$(jq .summary.failed "$r")" ] &&
	grep -q "^1\\.\\.$total\$" "$WORK/out/results.ktap" &&
	grep -q "^ok 1 ${ids[0]} .* # SKIP target lacks feature 'x': why\$" "$WORK/out/results.ktap"
ok $? "results.ktap written again from the merged results"
"$siovh" report merge "$r" -o "$WORK/m" >/dev/null 2>"$WORK/m.err"
ok $? "siovh reads the merged results.json (report merge)"
resume_results
[ "${#TESTS[@]}" = 2 ] && [[ ${TESTS[0]} == ok$'\t'resume-2$'\t'"boot 1 crashed; boot 2 ran the $((total - 3)) clauses left"* ]] &&
	[[ ${TESTS[1]} == ok$'\t'resume-3$'\t'"boot 2 crashed in ${ids[5]}; "* ]]
ok $? "one resume-N result per fresh VM, naming the interrupted clause"

# a crash before siovh started, or without a catalog: no resume
sed '/siovh run/d' "$WORK/console.1" >"$WORK/console.9"
: >"$WORK/results.9"
! resume_wanted 9
ok $? "a crash before siovh started is not resumed"
! SIOVH_CATALOG="" resume_wanted 1
ok $? "without SIOVH_CATALOG nothing is resumed"
tap_end
