#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The fuzz campaign driver behind `make fuzz`:
#
#   FUZZ_TIME=8h JOBS=N ENGINE=libfuzzer|afl|both TARGETS="a b" \
#   REPORT_DIR=reports/fuzz fuzz/campaign.sh
#
# Runs every (target, engine) pair for FUZZ_TIME (s, m or h suffix), up to
# JOBS at a time; when JOBS is larger than the number of pairs, each pair
# gets several workers (libFuzzer -fork=K, AFL++ one main and K-1
# secondaries sharing a sync dir). Binaries come from `make fuzz-build`.
#
# State lives in fuzz-work/TARGET/ (gitignored): corpus/ (shared by both
# engines), crashes/ (every finding as found), afl/ (AFL++'s sync dir),
# logs/. Everything an engine finds is on disk as soon as it is found, so a
# SIGKILL loses nothing; fuzz-work/.campaign records the pairs that
# finished, and starting the same campaign again skips them and fuzzes the
# rest from the corpus and findings as they are.
#
# At the end, per target: the corpus is merged and minimised (libFuzzer
# -merge=1, replacing the old one only once complete), every crash is
# replayed and deduplicated by its sanitizer stack signature (error kind
# plus the top three frames of our code), each unique one is minimised,
# and $REPORT_DIR gets summary.json, summary.txt and index.html, written
# atomically.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
. fuzz/lib.sh

FUZZ_TIME=${FUZZ_TIME:-60s}
JOBS=${JOBS:-$(nproc)}
ENGINE=${ENGINE:-both}
TARGETS=${TARGETS:-$(fuzz_targets)}
REPORT_DIR=${REPORT_DIR:-reports/fuzz}
WORK=${FUZZ_WORK:-fuzz-work}
LF=build/fuzz/libfuzzer AFL=build/fuzz/afl CMPLOG=build/fuzz/afl-cmplog

secs=$(fuzz_seconds "$FUZZ_TIME") || { echo "campaign: bad FUZZ_TIME '$FUZZ_TIME'" >&2; exit 2; }
case $ENGINE in
libfuzzer|afl) engines=$ENGINE ;;
both) engines="libfuzzer afl" ;;
*) echo "campaign: ENGINE must be libfuzzer, afl or both" >&2; exit 2 ;;
esac
for t in $TARGETS; do
	for e in $engines; do
		bin=$LF/$t
		[ "$e" = afl ] && bin=$AFL/$t
		[ -x "$bin" ] || { echo "campaign: $bin missing (make fuzz-build)" >&2; exit 2; }
	done
done

# ---- resumable state -------------------------------------------------------

mkdir -p "$WORK"
state=$WORK/.campaign
id="time=$secs engine=$ENGINE targets=$(echo $TARGETS)"
if [ -f "$state" ] && [ "$(head -1 "$state")" = "$id" ]; then
	echo "campaign: resuming ($(grep -c '^done ' "$state") pairs already done)"
else
	echo "$id" >"$state"
fi
is_done() { grep -qx "done $1 $2" "$state"; }

pairs=()
for t in $TARGETS; do
	fuzz_recover "$WORK/$t"
	mkdir -p "$WORK/$t/corpus" "$WORK/$t/crashes" "$WORK/$t/logs"
	# Seeds join the corpus (never overwriting a file already there).
	cp -n fuzz/"$t"/seeds/* "$WORK/$t/corpus/" 2>/dev/null
	for e in $engines; do
		is_done "$t" "$e" || pairs+=("$t:$e")
	done
done
npairs=${#pairs[@]}
slots=$JOBS
[ "$npairs" -gt 0 ] && [ "$slots" -gt "$npairs" ] && slots=$npairs
[ "$slots" -lt 1 ] && slots=1
workers=1
[ "$npairs" -gt 0 ] && workers=$((JOBS / (npairs < JOBS ? npairs : JOBS)))
[ "$workers" -lt 1 ] && workers=1
echo "campaign: $npairs pairs ($(echo $TARGETS) x $engines), $secs s each," \
     "$slots at a time, $workers worker(s) each"

# ---- running one pair ------------------------------------------------------

run_libfuzzer() {
	local t=$1 d=$WORK/$1
	"$LF/$t" -fork="$workers" -ignore_crashes=1 -ignore_ooms=1 \
		-ignore_timeouts=1 -max_total_time="$secs" -timeout=25 \
		-rss_limit_mb=2560 -print_final_stats=1 \
		-dict=fuzz/"$t"/"$t".dict $(fuzz_max_len "$t") \
		-artifact_prefix="$d/crashes/" "$d/corpus" \
		>"$d/logs/libfuzzer.log" 2>&1
}

# AFL++: resumes its own sync dir (AFL_AUTORESUME); afterwards its queue
# and crashes are copied into the shared corpus and crashes/.
run_afl() {
	local t=$1 d=$WORK/$1 k pids=()
	local env=(AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_AUTORESUME=1 AFL_NO_AFFINITY=1
		   AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_QUIET=1
		   AFL_IMPORT_FIRST=1)
	for k in $(seq 1 "$workers"); do
		local role="-M main" log=$d/logs/afl.log
		[ "$k" -gt 1 ] && role="-S s$k" log=$d/logs/afl-s$k.log
		env "${env[@]}" afl-fuzz $role -V "$secs" -i "$d/corpus" \
			-o "$d/afl" -x fuzz/"$t"/"$t".dict -t 5000 \
			-c "$CMPLOG/$t" -- "$AFL/$t" >"$log" 2>&1 &
		pids+=($!)
	done
	wait "${pids[@]}"
	fuzz_import "$d/afl" "$d/corpus" "$d/crashes"
}

run_pair() {
	local t=${1%%:*} e=${1##*:}
	"run_$e" "$t"
	echo "done $t $e" >>"$state"
}

# One progress line per running pair, from the engines' own stats.
progress() {
	local p t e
	for p in "${running[@]}"; do
		t=${p%%:*} e=${p##*:}
		echo "  [$(date +%T)] $(fuzz_stats_line "$WORK/$t" "$e" "$t")"
	done
}

running=()
declare -A pid_of=()
next=0 start=$(date +%s) tick=0
while [ "$next" -lt "$npairs" ] || [ ${#running[@]} -gt 0 ]; do
	while [ ${#running[@]} -lt "$slots" ] && [ "$next" -lt "$npairs" ]; do
		p=${pairs[$next]}
		next=$((next + 1))
		echo "campaign: start ${p%%:*} under ${p##*:}"
		run_pair "$p" &
		pid_of[$p]=$!
		running+=("$p")
	done
	sleep 2
	tick=$((tick + 2))
	still=()
	for p in "${running[@]}"; do
		if kill -0 "${pid_of[$p]}" 2>/dev/null; then
			still+=("$p")
		else
			wait "${pid_of[$p]}"
			echo "campaign: finished ${p%%:*} under ${p##*:}:" \
			     "$(fuzz_stats_line "$WORK/${p%%:*}" "${p##*:}" "${p%%:*}")"
		fi
	done
	running=("${still[@]}")
	if [ $((tick % 10)) -eq 0 ] && [ ${#running[@]} -gt 0 ]; then
		echo "campaign: $(( $(date +%s) - start )) s"
		progress
	fi
done

# ---- the end: minimise, dedup, report ---------------------------------------

echo "campaign: merging corpora, deduplicating and minimising crashes"
for t in $TARGETS; do
	fuzz_merge "$t" "$WORK/$t"
	fuzz_triage "$t" "$WORK/$t"
done
fuzz_report "$REPORT_DIR" "$WORK" $TARGETS
rm -f "$state"
echo "campaign: report in $REPORT_DIR/ (summary.txt, summary.json, index.html)"
cat "$REPORT_DIR/summary.txt"
