#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# vm-images/fuzz-kernel-coverage.sh without a VM: which of vm-check's runs
# it puts next to a corpus (--clause-runs: the clauses' gcov data must come
# from the very kernel build the corpus was replayed on, or its .gcda files
# would not match the .gcno files), and its usage errors. TAP on stdout.
set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
FKC=$HERE/fuzz-kernel-coverage.sh
. "$HERE/../harness/core/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-fkcov-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# run NAME KEY [nogcov]: a vm-check run directory
run() {
	mkdir -p "$tmp/vm/$1/gcov"
	printf '{"kernel": "7.3.4", "kernel_key": "%s", "mode": "run"}\n' "$2" >"$tmp/vm/$1/vm.json"
	[ "${3:-}" = nogcov ] || : >"$tmp/vm/$1/gcov/run.tar"
}
run 7.3.4-vtd 7.3-aaaa
run 7.3.4-siov 7.3-aaaa
run 7.3.4-mock 7.3-bbbb			# another build of the same release
run 7.3.4-siov-fault-dvsec-id 7.3-aaaa	# a device-fault boot: not the clauses' run
run 7.3.4-mock-crash-check 7.3-aaaa
run 6.12.117-vtd 7.3-aaaa		# another release
mkdir -p "$tmp/vm/7.3.4-vtd.old" "$tmp/vm/7.3.4-empty"
mkdir -p "$tmp/vm2/7.3.4-vtd"; echo '{"kernel": "7.3.4"}' >"$tmp/vm2/7.3.4-vtd/vm.json"

out=$("$FKC" --clause-runs "$tmp/vm" 7.3.4 7.3-aaaa 2>"$tmp/err")
ok $? "--clause-runs exits 0"
[ "$(printf '%s\n' "$out" | sed 's|.*/||' | sort | tr '\n' ' ')" = "7.3.4-siov 7.3.4-vtd " ]
ok $? "the vtd and siov runs of build 7.3-aaaa only: $(printf '%s\n' "$out" | sed 's|.*/||' | tr '\n' ' ')"
grep -q '7.3.4-mock: not a run of kernel build 7.3-aaaa' "$tmp/err"
ok $? "a run of another build of the same release is left out, said so"
run 7.3.4-siov 7.3-aaaa nogcov
rm -f "$tmp/vm/7.3.4-siov/gcov/run.tar"
out=$("$FKC" --clause-runs "$tmp/vm" 7.3.4 7.3-aaaa 2>"$tmp/err")
[ "$(printf '%s\n' "$out" | sed 's|.*/||')" = 7.3.4-vtd ] && grep -q '7.3.4-siov: no gcov/run.tar' "$tmp/err"
ok $? "a run without gcov data after the clauses is left out, said so"
out=$("$FKC" --clause-runs "$tmp/vm2" 7.3.4 7.3-aaaa 2>"$tmp/err")
[ -z "$out" ] && grep -q 'not a run of kernel build' "$tmp/err"
ok $? "a run whose vm.json names no kernel build (older run-vm.sh) is left out"
out=$("$FKC" --clause-runs "$tmp/none" 7.3.4 7.3-aaaa 2>"$tmp/err")
[ $? = 0 ] && [ -z "$out" ]
ok $? "no vm-check runs at all: none, exit 0"
"$FKC" --clause-runs "$tmp/vm" 7.3.4 >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q usage "$tmp/err"
ok $? "--clause-runs with a missing argument: exit 2, usage"
"$FKC" 'bad name=/tmp' >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "corpus name 'bad name'" "$tmp/err"
ok $? "a corpus name with a space: exit 2 naming it"
"$FKC" "x=$tmp/nonexistent" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "corpus x: .*nonexistent is not a directory" "$tmp/err"
ok $? "a corpus that is not a directory: exit 2 naming it"
mkdir -p "$tmp/empty"
"$FKC" "e=$tmp/empty" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "corpus e: .* has no files" "$tmp/err"
ok $? "an empty corpus: exit 2 naming it"
mkdir -p "$tmp/c" && : >"$tmp/c/f"
"$FKC" "a=$tmp/c" "a=$tmp/c" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q "corpus name 'a' given twice" "$tmp/err"
ok $? "a corpus name given twice: exit 2"

tap_end
