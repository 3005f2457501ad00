#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `make fuzz-coverage FUZZ_TIME=10m`: how much of harness/ref/ each fuzz
# target reaches from its seeds in FUZZ_TIME on one core (issue 5, "branch
# coverage of harness/ref/ reached after 10 minutes from the seeds, single
# core").
#
#   FUZZ_TIME=10m PAR=2 TARGETS="a b" [KEEP="a"] REPORT_DIR=reports/fuzz fuzz/coverage.sh
#
# For each target: libFuzzer (build/fuzz/libfuzzer/NAME, one process, no
# -fork or -jobs, so one core) runs FUZZ_TIME from a fresh copy of the
# target's seeds (and regressions), under nice 19; PAR targets at a time
# (default 2: this is sized for a 2-core machine; more would make them
# share cores). Then the corpus it ended with is replayed through the
# target's replay driver of the gcc --coverage build
# (build/coverage/fuzz/NAME_replay, `make VARIANT=coverage fuzz-replay`,
# the same drivers `make coverage` replays the seeds with), its counters
# written to a directory of its own (GCOV_PREFIX: build/coverage's own
# counters, which `make coverage` uses, are left alone), and captured with
# lcov, harness/ref/ only.
#
# Writes REPORT_DIR/coverage-TIME.json (TIME as given, e.g. coverage-10m.json)
# and .txt: per target the libFuzzer figures (execs, execs/s, edges, corpus
# files) and lines / functions / branches of harness/ref/ hit and found;
# then all targets' counters together ("combined"). Work files stay in
# build/fuzz-coverage/ (corpora, logs, tracefiles).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
. fuzz/lib.sh

FUZZ_TIME=${FUZZ_TIME:-10m}
PAR=${PAR:-2}
TARGETS=${TARGETS:-$(fuzz_targets)}
REPORT_DIR=${REPORT_DIR:-reports/fuzz}
LF=build/fuzz/libfuzzer
COV=build/coverage
work=build/fuzz-coverage
rc=(--rc lcov_branch_coverage=1)

secs=$(fuzz_seconds "$FUZZ_TIME") ||
	{ echo "fuzz-coverage: bad FUZZ_TIME '$FUZZ_TIME'" >&2; exit 2; }
for c in lcov gcc; do
	command -v $c >/dev/null ||
		{ echo "fuzz-coverage: $c missing (harness/scripts/deps.sh --coverage)" >&2; exit 2; }
done
for t in $TARGETS; do
	for b in "$LF/$t" "$COV/fuzz/${t}_replay"; do
		[ -x "$b" ] || { echo "fuzz-coverage: $b missing (make fuzz-libfuzzer; make VARIANT=coverage fuzz-replay)" >&2; exit 2; }
	done
done
# KEEP="a b": targets whose last run (corpus, log) is kept and only
# replayed again, e.g. to redo one target after a fix without the others.
KEEP=${KEEP:-}
kept() { case " $KEEP " in *" $1 "*) [ -f "$work/$1/libfuzzer.log" ] ;; *) false ;; esac; }
mkdir -p "$work"
for t in $TARGETS; do
	kept "$t" || rm -rf "${work:?}/$t"
done
rm -rf "$work/base" "$work"/*.info
strip=$(cd "$COV" && pwd | tr -cd / | wc -c)
(cd "$COV" && find harness/ref -name '*.gcno') >"$work/gcno.list"
# Every line and branch of harness/ref/ at zero (lcov --initial), added to
# each target's counters: a file a target never ran is still counted as
# found, so every target is measured against the same totals.
mkdir -p "$work/base"
(cd "$COV" && xargs -a "$top/$work/gcno.list" cp --parents -t "$top/$work/base")
lcov -q "${rc[@]}" --capture --initial --directory "$work/base/harness/ref" \
	--base-directory "$top" -o "$work/base.raw" >"$work/lcov-base.log" 2>&1 &&
lcov -q "${rc[@]}" --extract "$work/base.raw" "$top/harness/ref/*" \
	-o "$work/base.info" >>"$work/lcov-base.log" 2>&1 ||
	{ cat "$work/lcov-base.log" >&2; exit 3; }

# fuzz NAME: FUZZ_TIME of libFuzzer on one core from the seeds.
fuzz() {
	local t=$1 d=$work/$1
	mkdir -p "$d/corpus"
	cp fuzz/"$t"/seeds/* "$d/corpus/"
	[ -d fuzz/"$t"/regressions ] && cp fuzz/"$t"/regressions/* "$d/corpus/"
	nice -n 19 "$LF/$t" -max_total_time="$secs" -timeout=25 \
		-rss_limit_mb=2560 -print_final_stats=1 \
		-dict=fuzz/"$t"/"$t".dict $(fuzz_max_len "$t") \
		-artifact_prefix="$d/" "$d/corpus" >"$d/libfuzzer.log" 2>&1
	echo "fuzz-coverage: $t: libFuzzer exit $?," \
	     "$(lf_last "$d/libfuzzer.log" | cut -c1-100)"
}

# replay NAME: the corpus through the coverage build, into NAME.info.
replay() {
	local t=$1 d=$work/$1
	rm -rf "$d/gcda"
	mkdir -p "$d/gcda"
	# replay.c takes at most 4096 files per run; a crash would lose only
	# its batch's counters (abort() skips gcov's dump), and says so.
	find "$d/corpus" -type f | sort | GCOV_PREFIX=$d/gcda \
		GCOV_PREFIX_STRIP=$strip xargs -r -n 2000 \
		"$COV/fuzz/${t}_replay" >"$d/replay.log" 2>&1 ||
		echo "fuzz-coverage: $t: a replay batch failed (see $d/replay.log)"
	(cd "$COV" && xargs -a "$top/$work/gcno.list" cp --parents -t "$top/$d/gcda")
	lcov -q "${rc[@]}" --capture --directory "$d/gcda/harness/ref" \
		--base-directory "$top" -o "$d/raw.info" >"$d/lcov.log" 2>&1 &&
	lcov -q "${rc[@]}" --extract "$d/raw.info" "$top/harness/ref/*" \
		-o "$d/ref.info" >>"$d/lcov.log" 2>&1 &&
	lcov -q "${rc[@]}" -a "$work/base.info" -a "$d/ref.info" \
		-o "$work/$t.info" >>"$d/lcov.log" 2>&1 ||
		{ echo "fuzz-coverage: $t: lcov failed (see $d/lcov.log)" >&2; return 1; }
}

# summary INFO KIND -> "hit found"
summary() {
	lcov "${rc[@]}" --summary "$1" 2>&1 |
		sed -n "s/^ *$2\.*: [0-9.]*% (\([0-9]*\) of \([0-9]*\) .*/\1 \2/p"
}

pct() { awk -v h="${1:-0}" -v f="${2:-0}" 'BEGIN { printf "%.1f", f ? 100 * h / f : 0 }'; }

# cov_json INFO: the "lines", "functions" and "branches" members.
cov_json() {
	local info=$1 k h f sep=
	for k in lines functions branches; do
		read -r h f <<<"$(summary "$info" "$k")"
		printf '%s"%s": {"hit": %s, "found": %s, "pct": %s}' "$sep" "$k" \
			"${h:-0}" "${f:-0}" "$(pct "$h" "$f")"
		sep=', '
	done
}

echo "fuzz-coverage: $secs s per target from its seeds, one core each, $PAR at a time"
running=0
for t in $TARGETS; do
	kept "$t" && { echo "fuzz-coverage: $t: kept from the last run"; continue; }
	fuzz "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$PAR" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
echo "fuzz-coverage: replaying the corpora through $COV"
infos=()
for t in $TARGETS; do
	replay "$t" && infos+=(-a "$work/$t.info")
done
[ ${#infos[@]} -gt 0 ] || { echo "fuzz-coverage: nothing captured" >&2; exit 3; }
lcov -q "${rc[@]}" "${infos[@]}" -o "$work/combined.info" >"$work/lcov-combined.log" 2>&1 ||
	{ cat "$work/lcov-combined.log" >&2; exit 3; }

mkdir -p "$REPORT_DIR"
name=coverage-$FUZZ_TIME
tmp=$(mktemp -d "$REPORT_DIR/.tmp.XXXXXX")
{
	printf '{"schema": "siovh-fuzz-coverage/1", "seconds_per_target": %s,\n' "$secs"
	printf ' "engine": "libfuzzer, one process per target, nice 19, %s at a time",\n' "$PAR"
	printf ' "scope": "harness/ref/", "date": "%s", "commit": "%s",\n' \
		"$(date -u +%FT%TZ)" "$(git rev-parse --short HEAD 2>/dev/null)"
	printf ' "targets": [\n'
	sep=
	for t in $TARGETS; do
		line=$(lf_last "$work/$t/libfuzzer.log")
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/libfuzzer.log" | tail -1)
		printf '%s  {"name": "%s", "execs": %s, "execs_per_sec": %s, "edges": %s, "corpus_files": %s, ' \
			"$sep" "$t" "$(num "$execs")" \
			"$(num "$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t/libfuzzer.log" | tail -1)")" \
			"$(num "$(lf_field "$line" cov)")" "$(find "$work/$t/corpus" -type f | wc -l)"
		if [ -f "$work/$t.info" ]; then
			cov_json "$work/$t.info"
		else
			printf '"error": "no coverage captured"'
		fi
		printf '}'
		sep=$',\n'
	done
	printf '\n ],\n "combined": {%s}}\n' "$(cov_json "$work/combined.info")"
} >"$tmp/$name.json"
{
	echo "harness/ref/ coverage after $FUZZ_TIME of libFuzzer per target from its seeds (one core each)"
	printf '%-16s %10s %8s %7s %8s %16s %16s\n' target execs exec/s edges corpus lines branches
	for t in $TARGETS combined; do
		if [ "$t" = combined ]; then
			printf '%-16s %10s %8s %7s %8s' combined - - - -
		else
			line=$(lf_last "$work/$t/libfuzzer.log")
			printf '%-16s %10s %8s %7s %8s' "$t" \
				"$(num "$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t/libfuzzer.log" | tail -1)")" \
				"$(num "$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$t/libfuzzer.log" | tail -1)")" \
				"$(num "$(lf_field "$line" cov)")" "$(find "$work/$t/corpus" -type f | wc -l)"
		fi
		info=$work/$t.info
		[ "$t" = combined ] && info=$work/combined.info
		if [ -f "$info" ]; then
			set -- $(summary "$info" lines) $(summary "$info" branches)
			printf ' %16s %16s\n' "$(pct "$1" "$2")% $1/$2" "$(pct "$3" "$4")% $3/$4"
		else
			printf ' %16s %16s\n' - -
		fi
	done
} >"$tmp/$name.txt"
mv -f "$tmp/$name.json" "$tmp/$name.txt" "$REPORT_DIR/"
rmdir "$tmp"
cat "$REPORT_DIR/$name.txt"
