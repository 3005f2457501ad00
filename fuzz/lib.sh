# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# Functions of the fuzz campaign (campaign.sh) and benchmark (bench.sh):
# target list, time parsing, engine statistics, corpus merge, crash
# triage (dedup by stack signature, minimisation) and the report.
# Callers set LF (the libFuzzer build directory) and run from the
# repository's top.

# Targets: the directories of fuzz/ with a NAME.options.
fuzz_targets() {
	local o
	for o in fuzz/*/*.options; do
		basename "$(dirname "$o")"
	done
}

# "90", "90s", "15m", "8h" -> seconds.
fuzz_seconds() {
	case $1 in
	*[!0-9smh]* | "" | [smh]*) return 1 ;;
	*h) echo $((${1%h} * 3600)) ;;
	*m) echo $((${1%m} * 60)) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}

# The max_len of a target's .options, as a libFuzzer flag.
fuzz_max_len() {
	local n
	n=$(sed -n 's/^max_len *= *\([0-9]*\)/\1/p' fuzz/"$1"/"$1".options)
	[ -n "$n" ] && echo "-max_len=$n"
}

# Copy AFL++'s queue and crashes (every instance) into corpus and crashes,
# named by content as libFuzzer names its files, so repeats are no-ops.
fuzz_import() {
	local afl=$1 corpus=$2 crashes=$3 f h
	for f in "$afl"/*/queue/id:* "$afl"/*/crashes/id:*; do
		[ -f "$f" ] || continue
		h=$(sha1sum <"$f" | cut -c1-40)
		case $f in
		*/queue/*) [ -e "$corpus/$h" ] || cp "$f" "$corpus/$h" ;;
		*) [ -e "$crashes/crash-$h" ] || cp "$f" "$crashes/crash-$h" ;;
		esac
	done
}

# "key value" from the last libFuzzer status line of a log.
lf_last() {
	grep -aE '^#[0-9]+' "$1" 2>/dev/null | tail -1
}

lf_field() {	# LINE KEY -> the number after KEY
	echo "$1" | sed -n "s|.*$2[: ]*\([0-9][0-9]*\).*|\1|p"
}

afl_field() {	# STATS KEY
	sed -n "s/^$2 *: *\([0-9.%]*\).*/\1/p" "$1" 2>/dev/null | head -1
}

# One line of statistics for a target under an engine.
fuzz_stats_line() {
	local d=$1 e=$2 t=$3 line s
	if [ "$e" = libfuzzer ]; then
		line=$(lf_last "$d/logs/libfuzzer.log")
		echo "$t libfuzzer: $(lf_field "$line" 'exec/s') execs/s," \
		     "cov $(lf_field "$line" 'cov'), corpus $(lf_field "$line" 'corp')," \
		     "crashes $(echo "$line" | sed -n 's/.*crash: [0-9]*\/[0-9]*\/\([0-9]*\).*/\1/p')"
	else
		s=$d/afl/main/fuzzer_stats
		echo "$t afl: $(afl_field "$s" execs_per_sec) execs/s," \
		     "edges $(afl_field "$s" edges_found), corpus $(afl_field "$s" corpus_count)," \
		     "crashes $(afl_field "$s" saved_crashes)"
	fi
}

# Merge and minimise the corpus; the old one is replaced only once the
# new one is complete (a kill in between leaves corpus.old, which the
# next campaign puts back).
fuzz_merge() {
	local t=$1 d=$2 new=$2/corpus.merge
	rm -rf "$new"
	mkdir -p "$new"
	if "$LF/$t" -merge=1 -rss_limit_mb=2560 -timeout=25 $(fuzz_max_len "$t") \
		"$new" "$d/corpus" >"$d/logs/merge.log" 2>&1 &&
	   [ -n "$(ls -A "$new")" ]; then
		rm -rf "$d/corpus.old"
		mv "$d/corpus" "$d/corpus.old" && mv "$new" "$d/corpus" &&
			rm -rf "$d/corpus.old"
	else
		echo "campaign: $t: corpus merge failed, corpus kept (see $d/logs/merge.log)"
		rm -rf "$new"
	fi
	"$LF/$t" -runs=0 $(fuzz_max_len "$t") "$d/corpus" >"$d/logs/coverage.log" 2>&1
}

fuzz_recover() {	# DIR: finish an interrupted merge
	[ -d "$1/corpus" ] || { [ -d "$1/corpus.old" ] && mv "$1/corpus.old" "$1/corpus"; }
}

# The stack signature of a replay log: the error kind and the top three
# frames of our code (sanitizer, libFuzzer, libc and fz_fail frames left out).
fuzz_signature() {
	local log=$1 kind frames
	kind=$(grep -aoE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [A-Za-z-]+( on)?|runtime error: [a-z ]+|siovh-fuzz: [a-zA-Z ]+' \
		"$log" | head -1 | sed 's/ on$//; s/ *$//')
	frames=$(awk '/^ *#[0-9]+ 0x[0-9a-f]+ in / {
			if ($1 == "#0" && n > 0) exit
			f = $4
			if (f ~ /^(__|_start|abort|raise|fz_fail|fuzzer::|std::|LLVMFuzzerRunDriver|main$|malloc|calloc|realloc|free$|gsignal)/) next
			if (n++ < 3) printf "%s%s", (n > 1 ? ">" : ""), f
		}' "$log")
	echo "${kind:-unknown}:${frames:-?}"
}

# Replay every crash, group by signature, minimise one of each group.
fuzz_triage() {
	local t=$1 d=$2 f log sig h u
	mkdir -p "$d/unique"
	rm -f "$d"/unique/*/count
	for f in "$d"/crashes/*; do
		[ -f "$f" ] || continue
		log=$d/logs/replay.log
		# UBSan prints no stack unless asked: without one every
		# "index out of bounds" anywhere would share one signature.
		ASAN_OPTIONS=${ASAN_OPTIONS:-symbolize=1} \
		UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} timeout 120 \
			"$LF/$t" -runs=1 "$f" >"$log" 2>&1
		if [ $? -eq 0 ]; then
			sig="unreproducible:$(basename "$f" | cut -d- -f1)"
		else
			sig=$(fuzz_signature "$log")
		fi
		h=$(echo "$sig" | cksum | cut -d' ' -f1)
		u=$d/unique/$h
		if [ ! -d "$u" ]; then
			mkdir -p "$u"
			cp "$f" "$u/crash"
			cp "$log" "$u/stack.txt"
			echo "$sig" >"$u/signature"
		fi
		echo x >>"$u/count"
	done
	for u in "$d"/unique/*; do
		[ -f "$u/crash" ] && [ ! -f "$u/min" ] || continue
		case $(cat "$u/signature") in unreproducible*) continue ;; esac
		timeout 120 "$LF/$t" -minimize_crash=1 -max_total_time=30 \
			-exact_artifact_path="$u/min" "$u/crash" >"$u/minimize.log" 2>&1
		[ -f "$u/min" ] || cp "$u/crash" "$u/min"
	done
}

json_str() {	# a JSON string literal
	printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\000-\037')"
}

html_esc() {
	sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'
}

num() { echo "${1:-0}" | sed 's/[^0-9.].*//; s/^$/0/'; }

# fuzz_report DIR WORK TARGETS...: summary.json, summary.txt, index.html.
fuzz_report() {
	local out=$1 work=$2 t d line s u first tmp
	shift 2
	mkdir -p "$out"
	tmp=$(mktemp -d "$out/.tmp.XXXXXX")
	{
		echo '{"schema": "siovh-fuzz/1", "targets": ['
		first=1
		for t in "$@"; do
			d=$work/$t
			line=$(lf_last "$d/logs/libfuzzer.log")
			s=$d/afl/main/fuzzer_stats
			[ $first = 1 ] || echo ','
			first=0
			printf '{"name": %s, "corpus_files": %s, "corpus_bytes": %s,' \
				"$(json_str "$t")" "$(ls "$d/corpus" 2>/dev/null | wc -l)" \
				"$(du -sb "$d/corpus" 2>/dev/null | cut -f1)"
			printf ' "coverage": {"edges": %s, "features": %s},' \
				"$(num "$(lf_field "$(grep -a INITED "$d/logs/coverage.log" | tail -1)" cov)")" \
				"$(num "$(lf_field "$(grep -a INITED "$d/logs/coverage.log" | tail -1)" ft)")"
			printf ' "libfuzzer": {"execs_per_sec": %s, "cov": %s, "corpus": %s},' \
				"$(num "$(lf_field "$line" 'exec/s')")" "$(num "$(lf_field "$line" cov)")" \
				"$(num "$(lf_field "$line" corp)")"
			printf ' "afl": {"execs_per_sec": %s, "execs_done": %s, "edges": %s, "corpus": %s, "crashes": %s},' \
				"$(num "$(afl_field "$s" execs_per_sec)")" "$(num "$(afl_field "$s" execs_done)")" \
				"$(num "$(afl_field "$s" edges_found)")" "$(num "$(afl_field "$s" corpus_count)")" \
				"$(num "$(afl_field "$s" saved_crashes)")"
			printf ' "crash_files": %s, "unique_crashes": [' \
				"$(ls "$d/crashes" 2>/dev/null | wc -l)"
			local uf=1
			for u in "$d"/unique/*/; do
				[ -f "$u/signature" ] || continue
				[ $uf = 1 ] || printf ','
				uf=0
				printf '{"signature": %s, "count": %s, "reproducer": %s, "command": %s, "stack": %s}' \
					"$(json_str "$(cat "$u/signature")")" \
					"$(wc -l <"$u/count" 2>/dev/null || echo 0)" \
					"$(json_str "${u}min")" \
					"$(json_str "build/fuzz/libfuzzer/$t ${u}min")" \
					"$(json_str "$(grep -aE 'ERROR|siovh-fuzz|runtime error|^ *#[0-9]' "$u/stack.txt" | head -12 | tr '\n' '|')")"
			done
			printf ']}'
		done
		echo ']}'
	} >"$tmp/summary.json"
	{
		printf '%-16s %10s %10s %8s %8s %8s %8s\n' target lf-exec/s afl-exec/s corpus edges crashes unique
		for t in "$@"; do
			d=$work/$t
			line=$(lf_last "$d/logs/libfuzzer.log")
			s=$d/afl/main/fuzzer_stats
			printf '%-16s %10s %10s %8s %8s %8s %8s\n' "$t" \
				"$(num "$(lf_field "$line" 'exec/s')")" \
				"$(num "$(afl_field "$s" execs_per_sec)")" \
				"$(ls "$d/corpus" 2>/dev/null | wc -l)" \
				"$(num "$(lf_field "$(grep -a INITED "$d/logs/coverage.log" | tail -1)" cov)")" \
				"$(ls "$d/crashes" 2>/dev/null | wc -l)" \
				"$(ls -d "$d"/unique/*/ 2>/dev/null | wc -l)"
		done
		for t in "$@"; do
			for u in "$work/$t"/unique/*/; do
				[ -f "$u/signature" ] || continue
				echo "$t: $(cat "$u/signature")"
				echo "  reproduce: build/fuzz/libfuzzer/$t ${u}min"
			done
		done
	} >"$tmp/summary.txt"
	{
		echo '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
		echo '<title>siovh fuzz campaign</title><style>body{font-family:sans-serif}'
		echo 'table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px}'
		echo 'pre{background:#f4f4f4;padding:4px}</style></head><body>'
		echo "<h1>siovh fuzz campaign</h1><p>$(date -u +%FT%TZ)</p><pre>"
		html_esc <"$tmp/summary.txt"
		echo '</pre>'
		for t in "$@"; do
			for u in "$work/$t"/unique/*/; do
				[ -f "$u/signature" ] || continue
				echo "<h2>$t: $(html_esc <"$u/signature")</h2><pre>"
				grep -aE 'ERROR|siovh-fuzz|runtime error|^ *#[0-9]|SUMMARY' "$u/stack.txt" | head -30 | html_esc
				echo '</pre>'
			done
		done
		echo '</body></html>'
	} >"$tmp/index.html"
	mv -f "$tmp/summary.json" "$tmp/summary.txt" "$tmp/index.html" "$out/"
	rmdir "$tmp"
}
