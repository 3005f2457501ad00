#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Kernel coverage of the VM runs (vm-check.sh, after each kernel's runs):
#
#   vm-images/kernel-coverage.sh KERNEL_DIR OUT_DIR RUN_DIR...
#   vm-images/kernel-coverage.sh --index ROOT
#
# KERNEL_DIR: a vm-images/build-kernel.sh cache entry built with gcov
# (gcov-dirs, the .gcno files in build/). RUN_DIR: run-vm.sh report
# directories of that kernel; init.sh left in each gcov/boot.tar (the
# .gcda files of /sys/kernel/debug/gcov right after boot), gcov/run.tar
# (after siovh, kfindings and the selftests/siov programs) and, where the
# kernel's own iommufd selftests ran (siovh.kiommufd=1), gcov/kselftest-
# iommufd.tar (those selftests alone: the counters were zeroed first); a
# corpus replay (vm-images/fuzz-kernel-coverage.sh) left gcov/boot.tar and
# gcov/corpus-NAME.tar per corpus replayed (each on zeroed counters).
#
# Each scenario's counters are summed over its runs (gcov-tool merge),
# captured once, added to an --initial capture of every .gcno (so files
# never executed count, at 0) and cut to drivers/iommu/ and drivers/vfio/.
# Three scenarios, each the union over the runs that have its data:
#   boot               boot.tar of every run
#   siovh              run.tar of every run (boot included)
#   kselftest-iommufd  the kernel's iommufd selftests plus that run's boot
#   corpus-NAME        a fuzz corpus NAME replayed, plus that run's boot
#                      (after the three above, by name)
# OUT_DIR/<scenario>/index.html is genhtml's report, OUT_DIR/<scenario>.info
# the lcov data, OUT_DIR/coverage.json the figures: lines, branches and
# functions (hit, total, pct) of drivers/iommu/iommufd (without its mock
# driver selftest.c, like the issue's anchor), drivers/iommu/intel,
# drivers/vfio and drivers/iommu as a whole, per scenario.
#
# --index ROOT: ROOT/index.html (one table over every ROOT/*/coverage.json,
# each figure linked to its report) and ROOT/coverage.json (all of them).
#
# Exit 0; 1 when an input is missing or lcov/genhtml fails (named).
# Env: GCOV_TOOL (default gcov) and GCOV_MERGE (default gcov-tool: sums the
# runs' counters before one capture per scenario): those of the compiler
# that built the kernel, whose version the kernel's cache key has.
set -euo pipefail

die() { echo "kernel-coverage.sh: $*" >&2; exit 1; }
# timed PHASE CMD...: CMD, then "kernel-coverage.sh: time PHASE START
# SECONDS" on stderr (START: epoch seconds), which vm-check.sh collects.
# (CMD runs under set -e as it would alone: a failure ends the script.)
timed() {
	local ph=$1 t0
	shift
	t0=$(date +%s.%N)
	"$@"
	awk -v p="$ph" -v a="$t0" -v b="$(date +%s.%N)" \
		'BEGIN { printf "kernel-coverage.sh: time %s %s %.1f\n", p, a, b - a }' >&2
}

# The issue's measurement of the kernel's iommufd selftests on 7.3 (quoted
# next to ours; drivers/iommu/iommufd without selftest.c).
ANCHOR_QUOTED='{"source": "issue 7 (measured on 7.3)", "dir": "drivers/iommu/iommufd", "lines_pct": 85.6, "branches_pct": 65.5}'
SCENARIOS="boot siovh kselftest-iommufd"

for t in lcov genhtml jq; do
	command -v "$t" >/dev/null || die "$t not found (harness/scripts/deps.sh --vm)"
done
LCOV=(lcov -q --gcov-tool "${GCOV_TOOL:-gcov}" --rc lcov_branch_coverage=1)
GCOV_MERGE=${GCOV_MERGE:-gcov-tool}
command -v "$GCOV_MERGE" >/dev/null || die "$GCOV_MERGE not found (gcc's gcov-tool)"

# figures INFO: JSON object of the directory groups' lines/branches/functions.
figures() {
	awk '
	function grp(f) {
		n = 0
		if (f ~ /\/drivers\/iommu\/iommufd\// && f !~ /\/selftest\.c$/) g[++n] = "drivers/iommu/iommufd"
		if (f ~ /\/drivers\/iommu\/intel\//) g[++n] = "drivers/iommu/intel"
		if (f ~ /\/drivers\/vfio\//) g[++n] = "drivers/vfio"
		if (f ~ /\/drivers\/iommu\//) g[++n] = "drivers/iommu"
		return n
	}
	/^SF:/ { ng = grp(substr($0, 4)) }
	/^(LF|LH|BRF|BRH|FNF|FNH):/ {
		split($0, kv, ":")
		for (i = 1; i <= ng; i++) sum[g[i], kv[1]] += kv[2]
		seen[kv[1]] = 1
	}
	END {
		split("drivers/iommu/iommufd drivers/iommu/intel drivers/vfio drivers/iommu", order, " ")
		for (i = 1; i <= 4; i++)
			printf "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", order[i],
				sum[order[i], "LH"], sum[order[i], "LF"],
				sum[order[i], "BRH"], sum[order[i], "BRF"],
				sum[order[i], "FNH"], sum[order[i], "FNF"]
	}' "$1" | jq -R -s '
		def f(h; t): {hit: h, total: t,
			      pct: (if t > 0 then (h * 1000 / t | round) / 10 else null end)};
		split("\n") | map(select(length > 0) | split("\t")) |
		map({key: .[0], value: {lines: f(.[1] | tonumber; .[2] | tonumber),
					branches: f(.[3] | tonumber; .[4] | tonumber),
					functions: f(.[5] | tonumber; .[6] | tonumber)}}) |
		from_entries'
}

# unpack TAR DIR: TAR's .gcda files of the instrumented directories into
# DIR, under their build-tree relative paths (the guest's path of the build
# tree, whatever it is, cut).
unpack() {
	local tar=$1 dir=$2 top d
	rm -rf "$T/x"
	mkdir -p "$T/x" "$dir"
	tar -xf "$tar" -C "$T/x" 2>"$T/tar.err" || die "$tar does not unpack: $(head -n1 "$T/tar.err")"
	top=$(find "$T/x" -type d -path '*/drivers/iommu' -print -quit)
	[ -n "$top" ] || die "$tar has no drivers/iommu/*.gcda (not a gcov kernel's run?)"
	top=${top%/drivers/iommu}
	# those of the instrumented directories (whose .gcno files we have)
	for d in $DIRS; do
		[ -d "$top/$d" ] || continue
		mkdir -p "$dir/$d"
		find "$top/$d" -maxdepth 1 -name '*.gcda' -exec cp {} "$dir/$d/" \;
	done
}

# capture OUT.info DIR...: the counters of DIR... summed (gcov-tool merge:
# one lcov capture per scenario, not per run), next to a copy of the .gcno
# tree, captured with lcov.
capture() {
	local out=$1 cur=$2 i=0 d
	shift 2
	for d in "$@"; do
		i=$((i + 1))
		"$GCOV_MERGE" merge "$cur" "$d" -o "$T/merged.$i" >"$T/merge.log" 2>&1 ||
			{ tail -n 5 "$T/merge.log" >&2; die "$GCOV_MERGE merge $cur $d failed"; }
		cur=$T/merged.$i
	done
	rm -rf "$T/snap"
	cp -r "$T/gcno" "$T/snap"
	(cd "$cur" && find . -name '*.gcda' -print0 | cpio --quiet -0 -pdm "$T/snap") ||
		die "copying the merged .gcda files failed"
	rm -rf "$T"/merged.*
	"${LCOV[@]}" -c -d "$T/snap" -o "$T/capture.info" >"$T/lcov.log" 2>&1 ||
		{ tail -n 5 "$T/lcov.log" >&2; die "lcov --capture ($out) failed"; }
	scope "$T/capture.info" "$out"
}

# scope IN OUT: IN cut to drivers/iommu/ and drivers/vfio/ (the headers
# the captures also name go).
scope() {
	"${LCOV[@]}" -e "$1" '*/drivers/iommu/*' '*/drivers/vfio/*' -o "$2" >"$T/lcov.log" 2>&1 ||
		{ tail -n 5 "$T/lcov.log" >&2; die "lcov --extract of $1 failed"; }
}

# scenario NAME INFO...: initial + INFO... (both in scope); html, figures.
scenario() {
	local name=$1 i
	local -a add=(-a "$T/initial.info")
	shift
	for i in "$@"; do add+=(-a "$i"); done
	"${LCOV[@]}" "${add[@]}" -o "$OUT.tmp/$name.info" >"$T/lcov.log" 2>&1 ||
		{ tail -n 5 "$T/lcov.log" >&2; die "lcov --add for $name failed"; }
	genhtml -q --branch-coverage --prefix "$SRC" \
		--title "siovh VM $KREL: $name" -o "$OUT.tmp/$name" "$OUT.tmp/$name.info" \
		>"$T/genhtml.log" 2>&1 ||
		{ tail -n 5 "$T/genhtml.log" >&2; die "genhtml for $name failed"; }
	figures "$OUT.tmp/$name.info" | jq --arg n "$name" --argjson runs "$RUNS_OF" \
		'{scenario: $n, runs: $runs, dirs: .}' >"$T/$name.json"
}

index() {
	local root=$1 j rows
	mkdir -p "$root"
	j=$(for f in "$root"/*/coverage.json; do if [ -f "$f" ]; then cat "$f"; fi; done | jq -s .)
	jq -n --argjson k "$j" --argjson a "$ANCHOR_QUOTED" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		--arg host "$(uname -n)" --arg kernel "$(uname -r)" \
		--arg git "$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		'{run: {date: $date, host: $host, kernel: $kernel, git_revision: $git},
		  kernels: $k, anchor_quoted: $a}' >"$root/coverage.json.tmp"
	mv "$root/coverage.json.tmp" "$root/coverage.json"
	rows=$(jq -r '
		def cell(d): if d then
			"<td>\(d.lines.pct // "-")% / \(d.branches.pct // "-")% / \(d.functions.pct // "-")%" +
			"<br><span class=m>\(d.lines.hit)/\(d.lines.total) lines</span></td>" else "<td>-</td>" end;
		.kernels[] as $k | $k.scenarios[] |
		"<tr><td>\($k.kernel)</td><td><a href=\"\($k.dir)/\(.scenario)/index.html\">\(.scenario)</a>" +
		"<br><span class=m>\(.runs | join(", "))</span></td>" +
		cell(.dirs["drivers/iommu/iommufd"]) + cell(.dirs["drivers/iommu/intel"]) +
		cell(.dirs["drivers/vfio"]) + cell(.dirs["drivers/iommu"]) + "</tr>"' "$root/coverage.json")
	cat >"$root/index.html.tmp" <<EOF
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>siovh kernel coverage</title>
<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
table{border-collapse:collapse}.m{color:#777;font-size:85%}</style></head><body>
<h1>Kernel coverage (gcov, VM tier)</h1>
<p>Lines / branches / functions of the kernel's iommu and vfio code, per kernel and scenario: <b>boot</b> (the
boot alone), <b>siovh</b> (boot, siovh's clauses with --target kernel, kfindings and the selftests/siov
programs, over every boot profile of that kernel), <b>kselftest-iommufd</b> (boot and the kernel's own
tools/testing/selftests/iommu/iommufd), <b>corpus-NAME</b> (boot and a fuzz corpus NAME replayed once on
the kernel: make fuzz-kernel-coverage). Files never executed count (an lcov --initial capture is added).
drivers/iommu/iommufd excludes its mock driver selftest.c. Data: <a href="coverage.json">coverage.json</a>.</p>
<p>Anchor quoted from issue 7 (7.3, the kernel's iommufd selftests, drivers/iommu/iommufd):
$(jq -r '"\(.lines_pct)% lines, \(.branches_pct)% branches"' <<<"$ANCHOR_QUOTED").</p>
<table><tr><th>kernel</th><th>scenario (runs)</th><th>drivers/iommu/iommufd</th><th>drivers/iommu/intel</th>
<th>drivers/vfio</th><th>drivers/iommu (all)</th></tr>
$rows
</table></body></html>
EOF
	mv "$root/index.html.tmp" "$root/index.html"
}

if [ "${1:-}" = --index ]; then
	[ $# -eq 2 ] || die "usage: kernel-coverage.sh --index ROOT"
	index "$2"
	exit 0
fi

[ $# -ge 3 ] || die "usage: kernel-coverage.sh KERNEL_DIR OUT_DIR RUN_DIR..."
KDIR=$1
OUT=$2
shift 2
[ -f "$KDIR/gcov-dirs" ] || die "$KDIR/gcov-dirs missing: not a gcov kernel build (vm-images/build-kernel.sh)"
DIRS=$(cat "$KDIR/gcov-dirs")
SRC=$(cat "$KDIR/source")
KREL=$(cat "$KDIR/release")
T=$(mktemp -d "${TMPDIR:-/tmp}/siovh-kcoverage.XXXXXX")
trap 'rm -rf "$T" "$OUT.tmp"' EXIT

# the .gcno tree (a copy: captures add .gcda files next to them)
initial() {
	local d
	for d in $DIRS; do
		mkdir -p "$T/gcno/$d"
		compgen -G "$KDIR/build/$d/*.gcno" >/dev/null || die "$KDIR/build/$d has no .gcno files"
		cp "$KDIR/build/$d"/*.gcno "$T/gcno/$d/"
	done
	"${LCOV[@]}" -c -i -d "$T/gcno" -o "$T/initial.all.info" >"$T/lcov.log" 2>&1 ||
		{ tail -n 5 "$T/lcov.log" >&2; die "lcov --capture --initial failed"; }
	scope "$T/initial.all.info" "$T/initial.info"
}
timed initial initial

rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp"
BOOT=() RUN=() KSELF=() BOOT_RUNS=() RUN_RUNS=() KSELF_RUNS=()
declare -A CORPUS=() CORPUS_RUNS=()	# scenario -> its gcda dirs, its runs
n=0
t_unpack=$(date +%s.%N)
for r in "$@"; do
	name=${r%/}
	name=${name##*/}
	[ -f "$r/gcov/boot.tar" ] || { echo "kernel-coverage.sh: $r has no gcov/boot.tar, left out" >&2; continue; }
	n=$((n + 1))
	unpack "$r/gcov/boot.tar" "$T/runs/$n/boot"
	BOOT+=("$T/runs/$n/boot") BOOT_RUNS+=("$name")
	if [ -f "$r/gcov/run.tar" ]; then
		unpack "$r/gcov/run.tar" "$T/runs/$n/run"
		RUN+=("$T/runs/$n/run") RUN_RUNS+=("$name")
	fi
	if [ -f "$r/gcov/kselftest-iommufd.tar" ]; then
		unpack "$r/gcov/kselftest-iommufd.tar" "$T/runs/$n/kself"
		KSELF+=("$T/runs/$n/boot" "$T/runs/$n/kself") KSELF_RUNS+=("$name")
	fi
	for c in "$r"/gcov/corpus-*.tar; do
		[ -f "$c" ] || continue
		s=${c##*/}
		s=${s%.tar}
		[[ $s =~ ^corpus-[A-Za-z0-9._-]+$ ]] || die "$c: a corpus name of letters, digits, . _ - only"
		unpack "$c" "$T/runs/$n/$s"
		CORPUS[$s]+=" $T/runs/$n/boot $T/runs/$n/$s"
		CORPUS_RUNS[$s]+=" $name"
	done
done
[ "$n" -gt 0 ] || die "no run directory has gcov data (gcov/boot.tar)"
awk -v a="$t_unpack" -v b="$(date +%s.%N)" \
	'BEGIN { printf "kernel-coverage.sh: time unpack %s %.1f\n", a, b - a }' >&2

json_runs() { printf '%s\n' "$@" | jq -R . | jq -s -c .; }
RUNS_OF=$(json_runs "${BOOT_RUNS[@]}")
timed capture-boot capture "$T/boot.snap.info" "${BOOT[@]}"
timed html-boot scenario boot "$T/boot.snap.info"
if [ "${#RUN[@]}" -gt 0 ]; then
	RUNS_OF=$(json_runs "${RUN_RUNS[@]}")
	timed capture-siovh capture "$T/siovh.snap.info" "${RUN[@]}"
	timed html-siovh scenario siovh "$T/siovh.snap.info"
fi
if [ "${#KSELF[@]}" -gt 0 ]; then
	RUNS_OF=$(json_runs "${KSELF_RUNS[@]}")
	timed capture-kselftest-iommufd capture "$T/kself.snap.info" "${KSELF[@]}"
	timed html-kselftest-iommufd scenario kselftest-iommufd "$T/kself.snap.info"
fi
CORPORA=$(printf '%s\n' "${!CORPUS[@]}" | LC_ALL=C sort)
for s in $CORPORA; do
	# shellcheck disable=SC2086 # word lists of paths without spaces (mktemp's, run names)
	RUNS_OF=$(json_runs ${CORPUS_RUNS[$s]})
	# shellcheck disable=SC2086
	capture "$T/$s.snap.info" ${CORPUS[$s]}
	scenario "$s" "$T/$s.snap.info"
done
for s in $SCENARIOS $CORPORA; do
	if [ -f "$T/$s.json" ]; then cat "$T/$s.json"; fi
done | jq -s --arg k "$KREL" --arg d "${OUT##*/}" --arg gd "$DIRS" \
	'{kernel: $k, dir: $d, gcov_dirs: ($gd | split(" ")), scenarios: .}' >"$OUT.tmp/coverage.json"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
jq -r '.scenarios[] | "\(.scenario): iommufd \(.dirs["drivers/iommu/iommufd"].lines.pct)% intel \(.dirs["drivers/iommu/intel"].lines.pct)% vfio \(.dirs["drivers/vfio"].lines.pct)% (lines)"' \
	"$OUT/coverage.json" | paste -sd ';' | sed 's/;/; /g'
