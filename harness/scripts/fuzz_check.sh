#!/bin/bash
# SPDX-License-Identifier: MIT
#
# fuzz_check.sh SECONDS DIR TARGET...: run each libFuzzer target
# (build/fuzz/libfuzzer/TARGET) for SECONDS from a copy of its seeds, JOBS
# (default 2) at a time (7 targets x 10 s on 2 cores: the step takes about
# 40 s), and print TAP: one result per target, failing with the tail of
# the sanitizer report when it found something (input and log kept in
# DIR/TARGET/). A missing binary fails too. Then one result per target
# from fuzz/determinism.sh: its seeds give the same results in any order
# and each in a process of its own (the targets keep state across inputs,
# fuzz/common/ref_cache.c), with the replay drivers in FUZZ_REPLAY_DIR
# (default build/asan/fuzz, which make check has just built; skipped when
# they are not there). Then, with the same drivers, one result per fault a
# fuzz/TARGET/kills file lists: injected, the seeds must make the target's
# oracle stop (fuzz/oracle_check.sh).
set -u
secs=$1 dir=$2
shift 2
replay=${FUZZ_REPLAY_DIR:-build/asan/fuzz}
rm -rf "$dir"
mkdir -p "$dir"
# The plan: two results per target, and one per fault listed in a
# fuzz/TARGET/kills file when the replay drivers are there.
nkills=0
if [ -d "$replay" ]; then
	for t in "$@"; do
		[ -f fuzz/"$t"/kills ] &&
			nkills=$((nkills + $(sed 's/#.*//' fuzz/"$t"/kills | wc -w)))
	done
fi
echo "1..$(($# * 2 + nkills))"
# fuzz_one T: T's run, its TAP line (without the number) in DIR/T/verdict.
fuzz_one() {
	local t=$1 bin=build/fuzz/libfuzzer/$1
	if [ ! -x "$bin" ]; then
		echo "not ok - libfuzzer:$t: $bin missing (make fuzz-libfuzzer)" >"$dir/$t.verdict"
		return
	fi
	mkdir -p "$dir/$t/corpus"
	cp fuzz/"$t"/seeds/* "$dir/$t/corpus/" 2>/dev/null
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 \
		-dict=fuzz/"$t"/"$t".dict -artifact_prefix="$dir/$t/" \
		"$dir/$t/corpus" >"$dir/$t/log" 2>&1; then
		echo "ok - libfuzzer:$t $secs s: $(grep -aE '^#[0-9]+' "$dir/$t/log" | tail -1 | cut -c1-90)"
	else
		echo "not ok - libfuzzer:$t: found something, input in $dir/$t/"
		grep -aE 'ERROR|siovh-fuzz|runtime error|^ *#[0-9]+ 0x|SUMMARY' "$dir/$t/log" |
			head -12 | sed 's/^/# /'
	fi >"$dir/$t.verdict"
}

# JOBS targets at a time (each libFuzzer run is one process on one core),
# the results printed in the order given.
running=0
for t in "$@"; do
	if [ "$running" -ge "${JOBS:-2}" ]; then
		wait -n
		running=$((running - 1))
	fi
	fuzz_one "$t" &
	running=$((running + 1))
done
wait
n=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	sed "1s/^\(not \)\{0,1\}ok /&$n /" "$dir/$t.verdict"
	grep -q '^not ok' "$dir/$t.verdict" && failed=1
done
# renumber FILE N: FILE's TAP results, numbered from N + 1, without its plan.
renumber() {
	awk -v n="$2" '/^1\.\./ { next }
		/^(not )?ok [0-9]+/ { sub(/ok [0-9]+/, "ok " ($2 == "ok" ? $3 : $2) + n) }
		{ print }' "$1"
}
if [ -d "$replay" ]; then
	# The oracles still catch the faults their kills files list
	# (fuzz/oracle_check.sh: the cheap oracles are not weaker ones),
	# beside the determinism check (each is one process at a time).
	fuzz/oracle_check.sh "$replay" "$@" >"$dir/oracle.tap" 2>&1 &
	oracle=$!
	fuzz/determinism.sh "$replay" "$@" >"$dir/determinism.tap" 2>&1 || failed=1
	wait "$oracle" || failed=1
	renumber "$dir/determinism.tap" "$n"
	n=$((n + $#))
	renumber "$dir/oracle.tap" "$n"
else
	for t in "$@"; do
		n=$((n + 1))
		echo "ok $n - determinism:$t # SKIP no replay drivers in $replay"
	done
fi
exit "$failed"
