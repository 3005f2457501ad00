#!/bin/bash
# SPDX-License-Identifier: MIT
#
# oracle_check.sh REPLAY_DIR TARGET...: the fuzz targets' oracles still
# catch the reference's bugs. For every target with a fuzz/TARGET/kills
# file (fault names, one per line, '#' comments), each fault listed is
# injected into the ref target (SIOVH_FUZZ_FAULT, fuzz/common/fuzz_util.c)
# and the target's committed seeds are replayed through its replay driver
# (REPLAY_DIR/TARGET_replay, the sanitizer build make check has built):
# the oracle must stop the replay with its verdict ("siovh-fuzz: ...") or a
# sanitizer report. One TAP result per (target, fault), its first line of
# verdict as the description; an unknown fault name fails too.
#
# What this guards: the oracles are made cheap (ioasid_ops sweeps its
# invariants every few steps instead of after each, the engines compare
# deltas, ref_cache reuses the target), and a cheaper oracle that stopped
# catching a fault it caught before fails here. The kills files list what
# the seeds kill today (fuzz/oracle_check.sh --survey prints that list).
#
#   oracle_check.sh --survey REPLAY_DIR TARGET FACET...
#	try every fault of the named facets (siovh faults) and print the
#	ones the seeds kill, for fuzz/TARGET/kills
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

# killed REPLAY TARGET FAULT LOG: 0 when the oracle stopped the replay.
killed() {
	local replay=$1 t=$2 f=$3 log=$4
	# (The braces take bash's own "Aborted" line for the child too.)
	{ SIOVH_FUZZ_FAULT=$f timeout 120 "$replay/${t}_replay" fuzz/"$t"/seeds \
		$(ls -d fuzz/"$t"/regressions 2>/dev/null) >"$log" 2>&1; } \
		2>/dev/null && return 1
	grep -aq 'siovh-fuzz: target spec' "$log" && return 2
	grep -av 'siovh-fuzz: injected fault' "$log" |
		grep -aqE 'siovh-fuzz: |ERROR: [A-Za-z]+Sanitizer|runtime error:'
}

verdict() {
	grep -av 'siovh-fuzz: injected fault' "$1" |
		grep -aoE -m1 'siovh-fuzz: .{0,70}|ERROR: [A-Za-z]+Sanitizer: [a-z-]+|runtime error: .{0,60}' |
		head -1 | tr -d '#'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "${1:-}" = --survey ]; then
	replay=$2 t=$3
	shift 3
	siovh=${SIOVH:-build/release/siovh}
	for facet in "$@"; do
		for f in $("$siovh" faults | awk -v c="$facet" '$2 == c { print $1 }'); do
			killed "$replay" "$t" "$f" "$tmp/log" && echo "$f"
		done
	done
	exit 0
fi

replay=${1:?usage: oracle_check.sh REPLAY_DIR TARGET...}
shift
list=()
for t in "$@"; do
	[ -f fuzz/"$t"/kills ] || continue
	for f in $(sed 's/#.*//' fuzz/"$t"/kills); do
		list+=("$t:$f")
	done
done
echo "1..${#list[@]}"
n=0 failed=0
for p in "${list[@]}"; do
	t=${p%%:*} f=${p#*:}
	n=$((n + 1))
	if [ ! -x "$replay/${t}_replay" ]; then
		echo "not ok $n - oracle:$t:$f: $replay/${t}_replay missing"
		failed=1
		continue
	fi
	killed "$replay" "$t" "$f" "$tmp/log"
	case $? in
	0)	echo "ok $n - oracle:$t:$f: $(verdict "$tmp/log")" ;;
	2)	echo "not ok $n - oracle:$t:$f: no such fault ($(verdict "$tmp/log"))"
		failed=1 ;;
	*)	echo "not ok $n - oracle:$t:$f: the seeds ran through with the fault injected"
		tail -3 "$tmp/log" | sed 's/^/# /'
		failed=1 ;;
	esac
done
exit "$failed"
