#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# The VM runs side by side (step 6 of vm-check.sh):
#
#   vm-images/vm-compare.sh SIOVH OUT_DIR RUN_DIR...
#
# RUN_DIR: a run-vm.sh report directory (results.json, vm.json), e.g.
# reports/vm/6.12.117-mock. Writes into OUT_DIR:
#   index.html, merged.json  `SIOVH report merge` over the runs' results.json
#                            (one column per run, in the order given; a link
#                            to OUT_DIR/../kernel-coverage/ when it exists)
#   compare.txt              which column is which kernel and profile, then
#                            every clause whose status is not the same in
#                            every run, with each run's status and its
#                            reason (skip reason, or the failure's first
#                            messages), so that each difference says why
# The last line of stdout is the summary ("N clauses, D differ across R
# runs"). Exit 0, or 1 when an input is missing or the merge fails.
set -euo pipefail

die() { echo "vm-compare.sh: $*" >&2; exit 1; }

[ $# -ge 3 ] || die "usage: vm-compare.sh SIOVH OUT_DIR RUN_DIR..."
SIOVH=$1
OUT=$2
shift 2
command -v jq >/dev/null || die "jq not found (harness/scripts/deps.sh --vm)"
# A run's vm.json: its own, or its VM's for a second run of the same VM
# in a subdirectory (profile siov's vfio-parent/); its name likewise.
vm_json() { if [ -f "$1/vm.json" ]; then echo "$1/vm.json"; else echo "$(dirname "$1")/vm.json"; fi; }
run_name() {
	local p
	if [ -f "$1/vm.json" ]; then echo "${1##*/}"; else p=$(dirname "$1"); echo "${p##*/}/${1##*/}"; fi
}
FILES=() NAMES=()
for d in "$@"; do
	[ -f "$d/results.json" ] || die "$d/results.json missing"
	[ -f "$(vm_json "$d")" ] || die "$d/vm.json missing"
	FILES+=("$d/results.json")
	NAMES+=("$(run_name "$d")")
done

mkdir -p "$OUT"
# the kernel coverage of these runs (vm-check.sh writes it first), linked
LINK=()
[ -f "$OUT/../kernel-coverage/index.html" ] && LINK=(--link "Kernel coverage=../kernel-coverage/index.html")
"$SIOVH" report merge "${FILES[@]}" -o "$OUT" "${LINK[@]}" >/dev/null ||
	die "siovh report merge failed"

# One line per run: label<TAB>run name; the labels are merge's own.
jq -r '.runs[] | [.label, .file] | @tsv' "$OUT/merged.json" >"$OUT/.labels"

{
	echo "siovh VM runs side by side (matrix: index.html, data: merged.json)"
	[ "${#LINK[@]}" -gt 0 ] && echo "Kernel coverage of these runs: ../kernel-coverage/index.html"
	echo
	printf '%-10s %-24s %-14s %-8s %s\n' column run kernel profile "pass/fail/skip"
	i=0
	for d in "$@"; do
		i=$((i + 1))
		label=$(sed -n "${i}p" "$OUT/.labels" | cut -f1)
		printf '%-10s %-24s %-14s %-8s %s\n' "$label" "$(run_name "$d")" \
			"$(jq -r .kernel "$(vm_json "$d")")" "$(jq -r .profile "$(vm_json "$d")")" \
			"$(jq -r '.summary | "\(.passed)/\(.failed)/\(.skipped)"' "$d/results.json")"
	done
	echo
	echo "Clauses whose status differs between the runs, each run's status and why:"
	# one jq over every run (not one per clause and run: 184 differing
	# clauses x 5 runs took 30 s): each run's first result per clause;
	# a line per run that has the clause, its first line only
	printf '%s\n' "${NAMES[@]}" | jq -R . | jq -s . >"$OUT/.names"
	jq -r -n --slurpfile m "$OUT/merged.json" --slurpfile names "$OUT/.names" '
		[inputs | reduce .results[] as $x ({}; if has($x.id) then . else .[$x.id] = $x end)] as $rs
		| $m[0].clauses[] | select((.status | unique | length) > 1) | .id as $id
		| "", $id,
		  (range(0; $rs | length) as $i | $rs[$i][$id] // empty | . as $r | $names[0][$i] as $run
		   | "  \($run | .[0:24] | . + " " * (24 - length)) \($r.status)"
		     + (if $r.status == "skip" then ": " + ($r.skip_reason // "")
			elif $r.status == "fail" then ": " + ([$r.messages[]? | tostring] | .[0:2] | join(" | "))
			else "" end)
		   | split("\n")[0])' "${FILES[@]}"
} >"$OUT/compare.txt"
rm -f "$OUT/.labels" "$OUT/.names"
echo "$(jq -r '.summary.clauses' "$OUT/merged.json") clauses, $(jq -r '.summary.differ' "$OUT/merged.json") differ across $# runs"
