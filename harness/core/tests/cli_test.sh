#!/bin/bash
# SPDX-License-Identifier: MIT
#
# siovh's command line: every bad input is ONE line on stderr naming the bad
# argument, exit status 2, before anything runs or any file is written;
# --help and --version exit 0; JSON output parses.
#
#   cli_test.sh PATH/TO/siovh        (TAP on stdout)
set -u

siovh=${1:?usage: cli_test.sh PATH/TO/siovh}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-cli-test.XXXXXX") || exit 1
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
n=0 failed=0

ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
}

diag() { sed 's/^/# /' "$@"; }

# usage NEEDLE ARGS...: exit 2, nothing on stdout, one stderr line with NEEDLE.
usage() {
	local needle=$1 status lines
	shift
	"$siovh" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	lines=$(wc -l <"$tmp/err")
	if [ "$status" -eq 2 ] && [ "$lines" -eq 1 ] && [ ! -s "$tmp/out" ] &&
	   grep -qF -- "$needle" "$tmp/err"; then
		ok 0 "siovh $* -> exit 2: $(cat "$tmp/err")"
	else
		ok 1 "siovh $* -> exit 2 with one line naming '$needle'"
		echo "# got exit $status, $lines stderr lines:"
		diag "$tmp/err"
		head -n 5 "$tmp/out" | diag
	fi
}

usage "missing command"
usage "'bogus'" bogus
usage "'--bogus'" --bogus
usage "'--bogus'" run --bogus
usage "'--bogus'" list --bogus
usage "'-x'" run -x
usage "'extra'" run extra
usage "'nosuch'" run --target nosuch
usage "'nosuch'" faults --target nosuch
usage "'nosuch-fault'" run --target ref:fault=nosuch-fault
usage "'nosuch-fault'" run --faults nosuch-fault
usage "'ref:fault=" run --target "ref:fault=$("$siovh" faults --format json |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["faults"][0]["name"])' 2>/dev/null)" --faults all
usage "'0'" run --jobs 0
usage "'-1'" run --jobs -1
usage "'two'" run --jobs two
usage "'3x'" run --jobs 3x
usage "'--jobs'" run --jobs
usage "'0'" run --timeout 0
usage "'soon'" run --timeout soon
usage "'-5'" run --seed -5
usage "'NO.SUCH.*'" run --filter 'NO.SUCH.*'
usage "'NO.SUCH.*'" list --filter 'NO.SUCH.*'
usage "'yaml'" list --format yaml
usage "'yaml'" faults --format yaml
SIOVH_TIMEOUT_SCALE=fast usage "'fast'" run

# An uncreatable report dir is refused before anything runs.
touch "$tmp/file"
usage "$tmp/file/reports" run --report "$tmp/file/reports"
# A report "dir" that is a file holding an old report stays as it was.
echo "old report" >"$tmp/old.json"
usage "$tmp/old.json" run --report "$tmp/old.json"
grep -qx "old report" "$tmp/old.json"
ok $? "a refused --report leaves the existing file untouched"
# An unwritable report dir with an old report in it (root writes anyway).
mkdir "$tmp/ro"
echo '{"old": true}' >"$tmp/ro/results.json"
chmod a-w "$tmp/ro"
if touch "$tmp/ro/probe" 2>/dev/null; then
	rm -f "$tmp/ro/probe"
	n=$((n + 1))
	echo "ok $n unwritable report dir # SKIP running as root, permissions do not bind"
else
	usage "$tmp/ro" run --report "$tmp/ro"
	[ "$(cat "$tmp/ro/results.json")" = '{"old": true}' ] &&
		[ "$(ls -A "$tmp/ro")" = results.json ]
	ok $? "an unwritable --report leaves the existing report untouched"
fi
chmod u+w "$tmp/ro"

# Help and version.
"$siovh" --help >"$tmp/out" 2>"$tmp/err"
ok $(($? != 0)) "--help exits 0"
grep -q '^Usage: siovh' "$tmp/out" && grep -q -- '--faults' "$tmp/out"
ok $? "--help prints the usage on stdout"
"$siovh" run --help >"$tmp/out" 2>&1
ok $(($? != 0)) "run --help exits 0"
"$siovh" --version >"$tmp/out" 2>"$tmp/err"
status=$?
grep -qE '^siovh [0-9]+\.[0-9]+\.[0-9]+' "$tmp/out"
ok $((status != 0 || $? != 0)) "--version exits 0 and prints the version: $(cat "$tmp/out")"

# Listings.
"$siovh" list >"$tmp/out" 2>"$tmp/err"
ok $(($? != 0)) "list exits 0 ($(wc -l <"$tmp/out") clauses)"
"$siovh" list --format json >"$tmp/list.json" 2>"$tmp/err" &&
	python3 -m json.tool "$tmp/list.json" >/dev/null
ok $? "list --format json is valid JSON"
python3 - "$tmp/list.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == "siovh-catalog/1"
for c in doc["clauses"]:
    for k in ("id", "title", "level", "source", "facet", "needs"):
        assert k in c, k
    assert c["level"] in ("MUST", "SHOULD", "MAY")
PY
ok $? "list --format json has id, title, level, source, facet, needs"
"$siovh" faults --format json >"$tmp/faults.json" 2>"$tmp/err" &&
	python3 -m json.tool "$tmp/faults.json" >/dev/null
ok $? "faults --format json is valid JSON"

# One real clause through run, with reports and the closing line.
first=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["clauses"]; print(c[0]["id"] if c else "")' "$tmp/list.json")
if [ -n "$first" ]; then
	"$siovh" run --filter "$first" --jobs 1 --report "$tmp/rep" >"$tmp/out" 2>"$tmp/err"
	status=$?
	[ "$status" -le 1 ] && tail -n 1 "$tmp/out" |
		grep -qxE '[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped'
	ok $? "run --filter $first ends with the summary line (exit $status)"
	for f in results.ktap junit.xml results.json; do
		[ -s "$tmp/rep/$f" ]
		ok $? "run --report writes $f"
	done
	python3 -m json.tool "$tmp/rep/results.json" >/dev/null
	ok $? "results.json is valid JSON"
else
	n=$((n + 1))
	echo "ok $n run one clause # SKIP no clause is registered"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
