#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `make bench-fuzz`: execs/s of every target under libFuzzer and under
# AFL++ persistent mode, side by side with the empty target
# (fuzz/common/empty.c, same flags, same library linked in), each run once
# for BENCH_TIME seconds from the target's seeds, one run at a time.
# Writes REPORT_DIR/bench-fuzz.json and REPORT_DIR/bench-fuzz.txt.
#
#   BENCH_TIME=10 TARGETS="a b" REPORT_DIR=reports fuzz/bench.sh
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
. fuzz/lib.sh

BENCH_TIME=${BENCH_TIME:-10}
TARGETS=${TARGETS:-$(fuzz_targets)}
REPORT_DIR=${REPORT_DIR:-reports}
LF=build/fuzz/libfuzzer AFL=build/fuzz/afl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# bench_lf NAME SEEDS -> execs/s
bench_lf() {
	rm -rf "$tmp/c"
	mkdir -p "$tmp/c"
	cp "$2"/* "$tmp/c/"
	"$LF/$1" -max_total_time="$BENCH_TIME" -print_final_stats=1 \
		$( [ "$1" = empty ] || fuzz_max_len "$1") "$tmp/c" \
		>"$tmp/lf.log" 2>&1
	sed -n 's/^stat::average_exec_per_sec: *//p' "$tmp/lf.log" | tail -1
}

bench_afl() {
	rm -rf "$tmp/o"
	AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 \
	AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
	AFL_QUIET=1 afl-fuzz -V "$BENCH_TIME" -i "$2" -o "$tmp/o" \
		-- "$AFL/$1" >"$tmp/afl.log" 2>&1
	afl_field "$tmp/o/default/fuzzer_stats" execs_per_sec
}

ratio() {	# A/B as a percentage
	awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { printf "%.1f", (b > 0 ? 100 * a / b : 0) }'
}

first=$(echo $TARGETS | cut -d' ' -f1)
echo "bench-fuzz: $BENCH_TIME s per run, empty target first"
elf=$(bench_lf empty "fuzz/$first/seeds")
eafl=$(bench_afl empty "fuzz/$first/seeds")
echo "  empty: libFuzzer $elf execs/s, AFL++ $eafl execs/s"
rows=() json=()
for t in $TARGETS; do
	l=$(bench_lf "$t" "fuzz/$t/seeds")
	a=$(bench_afl "$t" "fuzz/$t/seeds")
	rows+=("$(printf '%-16s %12s %8s%% %12s %8s%%' "$t" "${l:-0}" \
		"$(ratio "$l" "$elf")" "${a:-0}" "$(ratio "$a" "$eafl")")")
	json+=("$(printf '{"name": "%s", "libfuzzer_execs_per_sec": %s, "libfuzzer_pct_of_empty": %s, "afl_execs_per_sec": %s, "afl_pct_of_empty": %s}' \
		"$t" "$(num "$l")" "$(ratio "$l" "$elf")" "$(num "$a")" "$(ratio "$a" "$eafl")")")
	echo "  ${rows[-1]}"
done
mkdir -p "$REPORT_DIR"
{
	printf '%-16s %12s %9s %12s %9s\n' target libFuzzer '% empty' 'AFL++' '% empty'
	printf '%-16s %12s %9s %12s %9s\n' empty "$elf" 100.0% "$eafl" 100.0%
	printf '%s\n' "${rows[@]}"
} >"$tmp/bench-fuzz.txt"
{
	printf '{"schema": "siovh-bench-fuzz/1", "seconds_per_run": %s,\n' "$BENCH_TIME"
	printf ' "empty": {"libfuzzer_execs_per_sec": %s, "afl_execs_per_sec": %s},\n' \
		"$(num "$elf")" "$(num "$eafl")"
	printf ' "targets": [\n  %s\n ]}\n' "$(IFS=$'\n'; echo "${json[*]}" | sed '$!s/$/,/')"
} >"$tmp/bench-fuzz.json"
mv -f "$tmp/bench-fuzz.txt" "$tmp/bench-fuzz.json" "$REPORT_DIR/"
cat "$REPORT_DIR/bench-fuzz.txt"
