#!/bin/bash
# SPDX-License-Identifier: MIT
#
# make coverage: line, function and branch coverage of a --coverage build
# (gcc -O0 --coverage, build/coverage) running every clause on the
# reference, and which clauses reach which function of harness/ref/.
#
#   coverage.sh BUILD_DIR REPORT_DIR        (needs lcov: deps.sh --coverage)
#
# Writes REPORT_DIR/coverage/: index.html (genhtml, with branches),
# trace.json (function -> clauses, unreached functions and branches; see
# harness/core/report_trace.h), summary.json (figures of harness/ref/,
# "specs" and "specs_corpora"); re-renders REPORT_DIR/conformance/index.html
# from REPORT_DIR/results.json (when there is one, else this run's) with
# each clause linked to the functions it covers; then REPORT_DIR/index.html.
#
# 1. specs only: every clause once on ref and once on ref-lite (the second
#    parent, specs/profiles/ref-lite.json), counters merged into BUILD_DIR's
#    .gcda.
# 2. corpora: every fuzz/NAME/seeds directory (and NAME/regressions) is
#    replayed by the target's plain replay driver built in this coverage
#    build (make fuzz-replay: BUILD_DIR/fuzz/NAME_replay, fuzz/common/
#    replay.c) on top of 1's counters; without any, "specs + corpora" is
#    "specs only" and summary.json says so.
# 3. traceability: every clause again, each check child writing its own
#    counters under WORK/clauses/ID (SIOVH_COVERAGE_DIR, harness/core/check.c),
#    captured one tracefile per clause (in parallel, $JOBS). Unreached
#    functions are split by harness/ref/UNREACHABLE (those the target API
#    cannot reach, with the reason) and gaps (no reason: a clause is missing);
#    both are listed in trace.json, summary.json and the conformance page.
set -euo pipefail

build=$(cd "${1:?usage: coverage.sh BUILD_DIR REPORT_DIR}" && pwd)
reports=${2:?usage: coverage.sh BUILD_DIR REPORT_DIR}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
seed=${SEED:-1}
siovh=$build/siovh
work=$build/cov-work
out=$reports/coverage
rc=(--rc lcov_branch_coverage=1)
# The second reference parent (Makefile REF_LITE): no ATS/PRI, 4 ADIs.
lite=ref:profile=specs/profiles/ref-lite.json
top=$(pwd)

for t in lcov genhtml; do
	command -v $t >/dev/null || {
		echo "coverage.sh: $t missing (harness/scripts/deps.sh --coverage)" >&2
		exit 2
	}
done
rm -rf "$work"
mkdir -p "$work/info" "$out"

# capture NAME: BUILD_DIR's counters, sources of this tree only. lcov's
# chatter (and lcov 1.16's "Subroutine ... redefined" noise) goes to a log.
capture() {
	lcov -q "${rc[@]}" --capture --directory "$build" --base-directory "$top" \
		-o "$work/$1.raw" >>"$work/lcov.log" 2>&1 &&
	lcov -q "${rc[@]}" --extract "$work/$1.raw" "$top/harness/*" \
		"$top/specs/*" -o "$work/$1.info" >>"$work/lcov.log" 2>&1 || {
		cat "$work/lcov.log" >&2
		exit 3
	}
}

echo "coverage: 1/3 every clause on ref and on ref-lite (specs only)"
lcov -q --zerocounters --directory "$build"
for run in run:ref "run-lite:$lite"; do
	status=0
	"$siovh" run --target "${run#*:}" --jobs "$jobs" --seed "$seed" \
		--report "$work/${run%%:*}" >"$work/${run%%:*}.log" 2>&1 || status=$?
	tail -n 1 "$work/${run%%:*}.log" | sed "s|^|  ${run#*:}: |"
	[ "$status" -le 1 ] || { cat "$work/${run%%:*}.log" >&2; exit 3; }
done
capture specs

echo "coverage: 2/3 fuzz corpora"
corpora=()
if make --no-print-directory -j"$jobs" VARIANT="$(basename "$build")" fuzz-replay \
	>"$work/replay-build.log" 2>&1; then
	for seeds in fuzz/*/seeds; do
		[ -d "$seeds" ] || continue
		name=$(basename "$(dirname "$seeds")")
		echo "  replaying $seeds"
		# shellcheck disable=SC2046
		"$build/fuzz/${name}_replay" "$seeds" \
			$(ls -d "fuzz/$name/regressions" 2>/dev/null) \
			>>"$work/replay.log" 2>&1 ||
			echo "  $name: replay failed (see $work/replay.log)"
		corpora=(--corpora "$work/corpora.info")
	done
else
	echo "  the fuzz replay drivers did not build (see $work/replay-build.log)"
fi
if [ ${#corpora[@]} -gt 0 ]; then
	capture corpora
else
	echo "  no fuzz corpora (fuzz/*/seeds): specs + corpora = specs only"
fi

echo "coverage: 3/3 per-clause traceability"
lcov -q --zerocounters --directory "$build"
strip=$(cd "$build" && pwd | tr -cd / | wc -c)
# GCOV_PREFIX for siovh itself too: with only the strip, libgcov would write
# its .gcda files relative to the current directory, into the source tree.
# A clause's counters from both parents land in its one directory (libgcov
# adds to what is there): the functions it reaches on either.
for t in ref "$lite"; do
	GCOV_PREFIX=$work/parent GCOV_PREFIX_STRIP=$strip \
		SIOVH_COVERAGE_DIR=$work/clauses \
		"$siovh" run --target "$t" --jobs "$jobs" --seed "$seed" \
		--report "$work/run-traced" >>"$work/run-traced.log" 2>&1 || true
done
# Each clause's .gcda files need the build's .gcno files beside them.
(cd "$build" && find harness/ref -name '*.gcno') >"$work/gcno.list"
per_clause() {	# per_clause ID
	local d=$work/clauses/$1
	[ -d "$d/harness/ref" ] || return 0
	(cd "$build" && xargs -a "$work/gcno.list" cp --parents -t "$d")
	lcov -q --rc lcov_branch_coverage=1 --capture \
		--directory "$d/harness/ref" --base-directory "$top" \
		-o "$work/info/$1.info" >/dev/null 2>&1 || true
}
export -f per_clause
export build work top
[ -d "$work/clauses" ] || {
	echo "coverage.sh: no per-clause counters in $work/clauses (is $siovh a coverage build?)" >&2
	exit 3
}
ls "$work/clauses" | xargs -P "$jobs" -I{} bash -c 'per_clause "$@"' _ {}

"$siovh" report trace -o "$out/trace.json" --total "$work/specs.info" \
	"${corpora[@]}" --summary "$out/summary.json" \
	--unreachable harness/ref/UNREACHABLE "$work/info"

total=$work/specs.info
[ ${#corpora[@]} -eq 0 ] || total=$work/corpora.info
genhtml -q "${rc[@]}" --prefix "$top" --title "siovh: clauses on ref" \
	--legend -o "$out" "$total" \
	>/dev/null 2>"$work/genhtml.log" || { cat "$work/genhtml.log" >&2; exit 3; }

results=$reports/results.json
[ -f "$results" ] || results=$work/run/results.json
"$siovh" report html "$results" -o "$reports" --trace "$out/trace.json" \
	--coverage-href ../coverage/
"$siovh" report index "$reports"
echo "coverage: $out/index.html, $out/summary.json, $out/trace.json"
