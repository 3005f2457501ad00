#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `siovh report ...` and the HTML reports: diff classifies regressed, fixed,
# skip-changed, appeared and disappeared clauses and exits 1 only on a
# regression; merge writes one matrix and merged.json; html escapes what
# checks print; a results.json of another schema major version, a missing
# file or a mistyped field is exit 2 naming the file and the field; trace
# maps functions to clauses from lcov tracefiles; `siovh run --report`
# writes conformance/index.html and index.html, well-formed (xmllint, when
# installed); headless Chromium renders the page to a PNG (when installed:
# harness/scripts/deps.sh --browser), else that test is skipped.
#
#   report_test.sh PATH/TO/siovh          (TAP on stdout)
set -u

siovh=${1:?usage: report_test.sh PATH/TO/siovh}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-report-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

# expect STATUS NEEDLE ARGS...: siovh ARGS exits STATUS and its stdout (for
# 0 and 1) or its one stderr line (for 2) contains NEEDLE.
expect() {
	local want=$1 needle=$2 status where
	shift 2
	"$siovh" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	where=$tmp/out
	[ "$want" -eq 2 ] && where=$tmp/err
	if [ "$status" -eq "$want" ] && grep -qF -- "$needle" "$where" &&
	   { [ "$want" -ne 2 ] || [ "$(wc -l <"$tmp/err")" -eq 1 ]; }; then
		ok 0 "siovh $* -> $want, '$needle'"
	else
		ok 1 "siovh $* -> $want, '$needle'"
		echo "# got exit $status"
		sed 's/^/# /' "$tmp/out" "$tmp/err" | head -n 20
	fi
}

# doc FILE SCHEMA ID:STATUS...: a minimal siovh-results/1 document.
doc() {
	local file=$1 schema=$2 sep="" c r id st
	shift 2
	c="" r=""
	for x in "$@"; do
		id=${x%%:*} st=${x#*:}
		c+="$sep{\"id\": \"$id\", \"title\": \"t $id\", \"level\": \"MUST\", \"facet\": \"x\", \"needs\": []}"
		r+="$sep{\"id\": \"$id\", \"status\": \"$st\", \"duration_ms\": 1.5, \"messages\": [\"m $id <script>alert(1)</script> & \\\"q\\\"\"], \"notes\": [], \"reason\": null, \"skip_reason\": $([ "$st" = skip ] && echo '"target lacks feature '"'"'x'"'"'"' || echo null), \"output\": \"out <b>$id</b>\"}"
		sep=", "
	done
	cat >"$file" <<EOF
{"schema": "$schema", "tool": {"name": "siovh", "version": "0"},
 "started": "2026-01-01T00:00:00.000Z", "finished": "2026-01-01T00:00:01.000Z",
 "seed": 1, "target": {"spec": "t", "backend": "t", "fault": null, "features": ["x"]},
 "summary": {"total": $#, "passed": 0, "failed": 0, "skipped": 0},
 "clauses": [$c], "results": [$r],
 "faults": [{"name": "f1", "facet": "x", "summary": "s", "killed_by": ["X.1"], "ran": []},
            {"name": "f2", "facet": "x", "summary": "s", "killed_by": [], "ran": []}],
 "kill_table": {"complete": false, "faults_unkilled": ["f2"], "clauses_killing_nothing": ["X.4"]},
 "run": {"host": "h", "kernel": "k", "machine": "m", "git_revision": null}}
EOF
}

old=$tmp/old.json new=$tmp/new.json
doc "$old" siovh-results/1 X.1:pass X.2:fail X.3:skip X.4:pass X.6:skip X.10:pass
doc "$new" siovh-results/1 X.1:fail X.2:pass X.3:pass X.5:fail X.6:fail X.10:pass

# ---- diff ----
expect 1 "2 regressed, 1 fixed, 1 skip changes, 1 appeared, 1 disappeared, 1 unchanged" \
	report diff "$old" "$new"
for line in "regressed   X.1  pass -> fail" "regressed   X.6  skip -> fail" \
	    "fixed       X.2  fail -> pass" "skip        X.3  skip -> pass" \
	    "appeared    X.5  (absent) -> fail" "disappeared X.4  pass -> (absent)"; do
	grep -qF -- "$line" "$tmp/out"
	ok $? "diff lists '$line'"
done
grep -qF "X.1  pass -> fail: m X.1 <script>" "$tmp/out"
ok $? "diff says why a regressed clause fails"
expect 0 "0 regressed, 0 fixed, 0 skip changes, 0 appeared, 0 disappeared, 6 unchanged" \
	report diff "$old" "$old"
expect 1 "regressed   X.2  pass -> fail" report diff "$new" "$old"

# ---- bad input: exit 2, one line naming the file and the field ----
doc "$tmp/v2.json" siovh-results/2 X.1:pass
expect 2 "$tmp/v2.json: \$.schema: \"siovh-results/2\" is not supported" \
	report diff "$old" "$tmp/v2.json"
doc "$tmp/other.json" siovh-bench/1 X.1:pass
expect 2 "$tmp/other.json: \$.schema: expected \"siovh-results/1\"" \
	report merge "$tmp/other.json" -o "$tmp/m0"
doc "$tmp/bad.json" siovh-results/1 X.1:pass X.2:maybe
expect 2 "$tmp/bad.json: \$.results[1].status: expected \"pass\", \"fail\" or \"skip\", got \"maybe\"" \
	report diff "$old" "$tmp/bad.json"
sed 's/"duration_ms": 1.5/"duration_ms": "slow"/' "$old" >"$tmp/type.json"
expect 2 "$tmp/type.json: \$.results[0].duration_ms: expected a number, got a string" \
	report html "$tmp/type.json" -o "$tmp/h0"
sed 's/"spec": "t", //' "$old" >"$tmp/nospec.json"
expect 2 "$tmp/nospec.json: \$.target.spec: missing" report diff "$tmp/nospec.json" "$old"
echo '{"schema": ' >"$tmp/trunc.json"
expect 2 "$tmp/trunc.json:" report diff "$old" "$tmp/trunc.json"
expect 2 "$tmp/nosuch.json: cannot read: No such file or directory" \
	report diff "$tmp/nosuch.json" "$old"
[ ! -e "$tmp/m0" ] && [ ! -e "$tmp/h0" ]
ok $? "refused input writes no report directory"

# ---- usage ----
expect 2 "'report' needs html, merge, diff" report
expect 2 "unknown report 'bogus'" report bogus
expect 2 "'report diff' needs OLD.json and NEW.json" report diff "$old"
expect 2 "unexpected argument" report diff "$old" "$new" "$old"
expect 2 "'report merge' needs -o DIR" report merge "$old" "$new"
expect 2 "'--bogus'" report html "$old" --bogus -o "$tmp/h1"
expect 2 "'--output' given twice" report html "$old" -o "$tmp/h1" -o "$tmp/h2"
expect 0 "siovh report diff OLD.json NEW.json" report --help

# ---- merge ----
expect 0 "6 differ between runs" report merge "$old" "$new" -o "$tmp/merged"
[ -s "$tmp/merged/index.html" ] && [ -s "$tmp/merged/merged.json" ]
ok $? "merge writes index.html and merged.json"
grep -q '"schema": "siovh-merged/1"' "$tmp/merged/merged.json" &&
	grep -q '"clauses": 7' "$tmp/merged/merged.json"
ok $? "merged.json: schema siovh-merged/1, 7 clauses over both runs"
grep -qF 't #1' "$tmp/merged/index.html" && grep -qF 't #2' "$tmp/merged/index.html"
ok $? "two runs of one target get distinct column labels"
expect 0 "index.html" report merge "$old" "$new" -o "$tmp/merged-link" \
	--link "Kernel coverage=../kernel-coverage/index.html"
grep -qF '<a href="../kernel-coverage/index.html">Kernel coverage</a>' "$tmp/merged-link/index.html"
ok $? "merge --link TEXT=HREF puts that link in the page's navigation"
expect 2 "--link 'nolink': expected TEXT=HREF" report merge "$old" -o "$tmp/m1" --link nolink

# ---- html: escaping, sections ----
expect 0 "conformance/index.html" report html "$old" "$new" -o "$tmp/html"
page=$tmp/html/conformance/index.html
! grep -q '<script>alert' "$page" && ! grep -q '<b>X' "$page" &&
	grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;' "$page"
ok $? "text from checks is escaped (libxml2), never raw markup"
for s in 'id="summary"' 'id="matrix"' 'id="details"' 'id="faults"' \
	 'id="features"' 'GAP: no clause kills this fault' \
	 'target lacks feature' 'href="#d-X.10"'; do
	grep -qF -- "$s" "$page"
	ok $? "conformance page has $s"
done
if command -v xmllint >/dev/null; then
	xmllint --noout "$page" 2>"$tmp/xml.err"
	ok $? "conformance page is well-formed (xmllint)"
else
	skip "conformance page is well-formed" "xmllint not installed"
fi

# ---- trace ----
mkdir -p "$tmp/cl"
cat >"$tmp/total.info" <<'EOF'
TN:
SF:/src/harness/ref/x/a.c
FN:3,f_one
FN:9,f_two
FNDA:4,f_one
FNDA:0,f_two
BRDA:4,0,0,3
BRDA:4,0,1,0
DA:3,4
DA:4,4
DA:9,0
end_of_record
SF:/src/harness/core/runner.c
FN:1,not_ours
FNDA:1,not_ours
end_of_record
EOF
printf 'SF:/src/harness/ref/x/a.c\nFN:3,f_one\nFNDA:2,f_one\nend_of_record\n' >"$tmp/cl/A.1.info"
printf 'SF:/src/harness/ref/x/a.c\nFN:3,f_one\nFNDA:0,f_one\nend_of_record\n' >"$tmp/cl/B.1.info"
expect 0 "1 of 2 functions of harness/ref/ reached by 2 clauses" \
	report trace -o "$tmp/trace.json" --total "$tmp/total.info" \
	--summary "$tmp/summary.json" "$tmp/cl"
tr -d ' \n' <"$tmp/trace.json" >"$tmp/trace.flat"
grep -qF '"name":"f_one","line":3,"clauses":["A.1"]' "$tmp/trace.flat" &&
	grep -qF '"unreached_functions":[1]' "$tmp/trace.flat" &&
	grep -qF '"file":"harness/ref/x/a.c","line":4,"branches":2,"untaken":1' "$tmp/trace.flat" &&
	! grep -q not_ours "$tmp/trace.flat"
ok $? "trace: f_one reached by A.1 only, f_two unreached, branch line 4 half taken, only harness/ref/"
tr -d ' \n' <"$tmp/summary.json" | grep -qF '"lines":66.66'
ok $? "summary.json: line coverage 2 of 3"
doc "$tmp/ab.json" siovh-results/1 A.1:pass B.1:pass
expect 0 "conformance/index.html" \
	report html "$tmp/ab.json" -o "$tmp/html2" --trace "$tmp/trace.json" \
	--coverage-href ../coverage/
grep -qF "Reaches 1 function of harness/ref/ beyond" "$tmp/html2/conformance/index.html" &&
	grep -qF 'href="../coverage/harness/ref/x/a.c.gcov.html#9"' "$tmp/html2/conformance/index.html"
ok $? "conformance page links clauses and unreached functions into the lcov report"

# ---- trace --unreachable: unreached functions with a reason vs gaps ----
printf 'SF:/src/harness/ref/x/a.c\nFN:3,f_one\nFN:9,f_two\nFN:12,f_three\nFNDA:1,f_one\nFNDA:0,f_two\nFNDA:0,f_three\nend_of_record\n' \
	>"$tmp/total3.info"
cat >"$tmp/unreach" <<'EOF'
# comment, then a blank line

x/a.c   f_two    bench accounting only
x/a.c   f_one    listed, but A.1 reaches it
x/b.c   f_gone   no such function
EOF
expect 0 "1 listed unreachable with a reason, 1 with no reason (gaps)" \
	report trace -o "$tmp/trace3.json" --total "$tmp/total3.info" \
	--summary "$tmp/summary3.json" --unreachable "$tmp/unreach" "$tmp/cl"
tr -d ' \n' <"$tmp/trace3.json" >"$tmp/trace3.flat"
tr -d ' \n' <"$tmp/summary3.json" >"$tmp/summary3.flat"
grep -qF '"unreachable":[{"function":1,"reason":"benchaccountingonly"}]' "$tmp/trace3.flat" &&
	grep -qF '"gaps":[2]' "$tmp/trace3.flat" &&
	grep -qF 'f_one:listedasunreachable,but1clausereachesit' "$tmp/trace3.flat" &&
	grep -qF 'f_gone:listedasunreachable,butnosuchfunction' "$tmp/trace3.flat" &&
	grep -qF '"unreached_gaps":1' "$tmp/summary3.flat" &&
	grep -qF '"gap_functions":["harness/ref/x/a.c:12f_three"]' "$tmp/summary3.flat"
ok $? "trace: f_two unreachable with its reason, f_three a gap, two stale entries"
expect 0 "conformance/index.html" \
	report html "$tmp/ab.json" -o "$tmp/html3" --trace "$tmp/trace3.json"
grep -qF 'GAPS (1 of 2 unreached)' "$tmp/html3/conformance/index.html" &&
	grep -qF 'f_two (harness/ref/x/a.c:9): bench accounting only' "$tmp/html3/conformance/index.html"
ok $? "conformance page separates gaps from unreachable functions with a reason"
printf 'x/a.c f_two\n' >"$tmp/unreach-bad"
expect 2 "$tmp/unreach-bad:1: expected FILE FUNCTION REASON" \
	report trace -o "$tmp/trace4.json" --total "$tmp/total3.info" \
	--unreachable "$tmp/unreach-bad" "$tmp/cl"

# ---- siovh run --report: conformance page and index ----
"$siovh" run --target ref --filter 'IOASID.ALLOC.*' --jobs 2 \
	--report "$tmp/run" >"$tmp/run.log" 2>&1
ok $? "siovh run --report on IOASID.ALLOC.*"
[ -s "$tmp/run/conformance/index.html" ] && [ -s "$tmp/run/index.html" ]
ok $? "run --report writes conformance/index.html and index.html"
grep -qF '"git_revision"' "$tmp/run/results.json" && grep -qF '"kernel"' "$tmp/run/results.json"
ok $? "results.json carries the run metadata (host, kernel, git revision)"
grep -qF 'href="conformance/index.html"' "$tmp/run/index.html" &&
	grep -qF 'make coverage' "$tmp/run/index.html"
ok $? "index.html links the conformance page and says how to make the rest"
grep -qF 'make vm-check' "$tmp/run/index.html"
ok $? "index.html without vm/compare/ says make vm-check makes it"
mkdir -p "$tmp/run/vm" && cp -r "$tmp/merged" "$tmp/run/vm/compare" &&
	"$siovh" report index "$tmp/run" >/dev/null &&
	grep -qF 'href="vm/compare/index.html"' "$tmp/run/index.html" &&
	grep -qF 'href="vm/compare/compare.txt"' "$tmp/run/index.html" &&
	grep -qF '6 of 7 clauses differ' "$tmp/run/index.html"
ok $? "index.html links the VM runs side by side (vm/compare/) with their figures"
echo '{}' >"$tmp/run/vm/bench.json" && "$siovh" report index "$tmp/run" >/dev/null &&
	grep -qF 'href="vm/bench.json"' "$tmp/run/index.html"
ok $? "index.html links the VM boot times (vm/bench.json) when there are some"
! grep -qF 'vm/compare-edu/' "$tmp/run/index.html" &&
	cp -r "$tmp/merged" "$tmp/run/vm/compare-edu" && "$siovh" report index "$tmp/run" >/dev/null &&
	grep -qF 'href="vm/compare-edu/index.html"' "$tmp/run/index.html"
ok $? "index.html links the edu runs side by side (vm/compare-edu/) when there are some"
grep -qF 'make vm-check (gcov kernels' "$tmp/run/index.html"
ok $? "index.html without vm/kernel-coverage/ says make vm-check makes it"
mkdir -p "$tmp/run/vm/kernel-coverage" && : >"$tmp/run/vm/kernel-coverage/index.html" &&
	cat >"$tmp/run/vm/kernel-coverage/coverage.json" <<'EOF'
{"run": {"date": "2026-01-01T00:00:00Z", "host": "h", "kernel": "k", "git_revision": "g"},
 "kernels": [{"kernel": "7.3.4", "scenarios": [
   {"scenario": "boot", "dirs": {}},
   {"scenario": "siovh", "dirs": {
     "drivers/iommu/iommufd": {"lines": {"pct": 61.2}, "branches": {"pct": 40.5}},
     "drivers/iommu/intel": {"lines": {"pct": 52}, "branches": {"pct": 30.25}},
     "drivers/vfio": {"lines": {"pct": 41.5}, "branches": {"pct": 20}}}}]}]}
EOF
"$siovh" report index "$tmp/run" >/dev/null &&
	grep -qF 'href="vm/kernel-coverage/index.html"' "$tmp/run/index.html" &&
	grep -qF '7.3.4: iommufd 61.2%/40.5%, intel 52.0%/30.2%, vfio 41.5%/20.0%' "$tmp/run/index.html"
ok $? "index.html links the kernel coverage with siovh's figures per kernel"
grep -qF 'make fuzz-kernel' "$tmp/run/index.html"
ok $? "index.html without fuzz-kernel/ says make fuzz-kernel makes it"
mkdir -p "$tmp/run/fuzz-kernel" && : >"$tmp/run/fuzz-kernel/stats.txt" &&
	cat >"$tmp/run/fuzz-kernel/stats.json" <<'EOF'
{"run": {"date": "2026-01-01T00:00:00Z", "host": "h", "kernel": "7.3.4 (VM)", "git_revision": "g"},
 "target": "iommufd_ops", "seconds": 600, "vms": 2, "vm_execs_per_s": 310,
 "ref_execs_per_s": 8400, "kernel_edges_max_per_boot": 2100, "crashes": 1,
 "disagreements": 3}
EOF
"$siovh" report index "$tmp/run" >/dev/null &&
	grep -qF 'href="fuzz-kernel/stats.txt"' "$tmp/run/index.html" &&
	grep -qF '600 s in 2 VM(s): 310 execs/s per VM (the reference 8400), 2100 kernel edges, 1 crashes, 3 disagreements' "$tmp/run/index.html"
ok $? "index.html links the kernel fuzzing run with its figures"
! grep -qF 'fuzz-kernel/coverage/index.html' "$tmp/run/index.html"
ok $? "no link to the corpus's kernel coverage before fuzz-kernel-coverage made it"
mkdir -p "$tmp/run/fuzz-kernel/coverage" && : >"$tmp/run/fuzz-kernel/coverage/index.html" &&
	cat >"$tmp/run/fuzz-kernel/coverage/summary.json" <<'EOF'
{"run": {"date": "2026-01-01T00:00:00Z", "host": "h", "kernel": "k", "git_revision": "g"},
 "kernel": "7.3.4", "target": "iommufd_ops",
 "corpora": [{"name": "corpus", "files": 907}, {"name": "kernel-seeds", "files": 30}]}
EOF
cat >"$tmp/run/fuzz-kernel/coverage/coverage.json" <<'EOF'
{"kernels": [{"kernel": "6.12.117", "scenarios": []},
 {"kernel": "7.3.4", "scenarios": [
   {"scenario": "boot", "dirs": {
     "drivers/iommu/iommufd": {"lines": {"pct": 0.1}, "branches": {"pct": 0}},
     "drivers/iommu/intel": {"lines": {"pct": 31.7}, "branches": {"pct": 20}},
     "drivers/vfio": {"lines": {"pct": 2.8}, "branches": {"pct": 1}}}},
   {"scenario": "corpus-corpus", "dirs": {
     "drivers/iommu/iommufd": {"lines": {"pct": 55.5}, "branches": {"pct": 40}},
     "drivers/iommu/intel": {"lines": {"pct": 40}, "branches": {"pct": 25.5}},
     "drivers/vfio": {"lines": {"pct": 3}, "branches": {"pct": 1.5}}}}]}]}
EOF
"$siovh" report index "$tmp/run" >/dev/null &&
	grep -qF 'href="fuzz-kernel/coverage/index.html"' "$tmp/run/index.html" &&
	grep -qF '(gcov, 7.3.4, lines/branches) of corpus-corpus, 907 files: iommufd 55.5%/40.0%, intel 40.0%/25.5%, vfio 3.0%/1.5%; the clauses (siovh): not measured; boot only: iommufd 0.1%/0.0%, intel 31.7%/20.0%, vfio 2.8%/1.0%' "$tmp/run/index.html"
ok $? "the kernel fuzzing row links the corpus's kernel coverage, its figures next to the clauses' (here not measured) and the boot's"
rm "$tmp/run/fuzz-kernel/stats.json" && "$siovh" report index "$tmp/run" >/dev/null &&
	grep -qF 'no campaign report (make fuzz-kernel); ' "$tmp/run/index.html" &&
	grep -qF 'of corpus-corpus, 907 files' "$tmp/run/index.html"
ok $? "the corpus's kernel coverage alone (no campaign stats) still shows, saying what is missing"

# ---- a real browser renders it ----
# ---- results.json against harness/schema/siovh-results-1.schema.json ----
# With python3's jsonschema (Debian: python3-jsonschema; not a dependency of
# make check): the real results.json of the run above validates, and one of
# another major version does not.
schema=$(cd "$(dirname "$0")/../../schema" && pwd)/siovh-results-1.schema.json
if python3 -c 'import jsonschema' 2>/dev/null; then
	validate() {	# validate DOC: exit 0 when valid, the first error on stdout
		python3 - "$schema" "$1" <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(
    json.load(open(sys.argv[2]))), key=lambda e: list(e.path))
for e in errors[:3]:
    print("%s: %s" % ("/".join(map(str, e.path)), e.message))
sys.exit(1 if errors else 0)
PY
	}
	validate "$tmp/run/results.json" >"$tmp/schema.out" 2>&1
	ok $? "a real results.json validates against siovh-results-1.schema.json"
	sed 's/^/# /' "$tmp/schema.out" | head -n 5
	sed 's|"siovh-results/1"|"siovh-results/2"|' "$tmp/run/results.json" \
		>"$tmp/schema-v2.json"
	! validate "$tmp/schema-v2.json" >/dev/null 2>&1
	ok $? "the schema rejects a results.json of another major version"
	python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
d["results"][0]["status"] = "passed"; json.dump(d, open(sys.argv[2], "w"))' \
		"$tmp/run/results.json" "$tmp/schema-bad.json"
	! validate "$tmp/schema-bad.json" >/dev/null 2>&1
	ok $? "the schema rejects a result status outside pass|fail|skip"
else
	skip "results.json validates against its JSON schema" \
		"python3 jsonschema not installed (apt-get install python3-jsonschema)"
fi

chromium=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$chromium" ]; then
	profile=$(mktemp -d "$tmp/chromium.XXXXXX")
	timeout 120 "$chromium" --headless --no-sandbox --disable-gpu \
		--disable-quic --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync \
		--user-data-dir="$profile" --screenshot="$tmp/page.png" \
		--window-size=1280,2000 "file://$tmp/run/conformance/index.html" \
		>"$tmp/chromium.log" 2>&1
	[ "$(head -c 8 "$tmp/page.png" 2>/dev/null | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] &&
		[ "$(stat -c %s "$tmp/page.png")" -gt 10000 ]
	ok $? "headless Chromium renders the conformance page to a PNG"
	[ -n "${SIOVH_SCREENSHOT:-}" ] && cp "$tmp/page.png" "$SIOVH_SCREENSHOT"
else
	skip "headless Chromium renders the conformance page" \
		"no $chromium (harness/scripts/deps.sh --browser)"
fi

tap_end
