#!/bin/bash
# SPDX-License-Identifier: MIT
#
# siovh's command line: every bad input is ONE line on stderr naming the bad
# argument, exit status 2, before anything runs or any file is written;
# exit codes 0/1/3; --help and --version exit 0; the JSON parses, junit.xml
# is valid XML (xmllint, when installed), results.json is the same with
# --jobs 1 and --jobs 2, and SIGTERM in the middle of a run kills the checks
# and keeps the previous reports.
#
#   cli_test.sh PATH/TO/siovh [PATH/TO/runner_selftest]     (TAP on stdout)
#
# JSON is read with `runner_selftest --json-canon` (jansson), so that the
# test needs nothing the project does not install (no python, no jq).
set -u

siovh=${1:?usage: cli_test.sh PATH/TO/siovh [PATH/TO/runner_selftest]}
selftest=${2:-$(dirname "$siovh")/runner_selftest}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-cli-test.XXXXXX") || exit 1
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

# procs NEEDLE: how many processes have NEEDLE in their command line (no
# pgrep: procps is not installed everywhere).
procs() {
	local f count=0
	for f in /proc/[0-9]*/cmdline; do
		[ "$f" = "/proc/$BASHPID/cmdline" ] && continue
		tr '\0' ' ' 2>/dev/null <"$f" | grep -qF -- "$1" &&
			count=$((count + 1))
	done
	echo "$count"
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
fault=$("$siovh" faults | awk 'NR == 1 { print $1 }')
usage "'ref:fault=$fault'" run --target "ref:fault=$fault" --faults all
# ref:profile=PATH: a profile that cannot be read or parsed, or a parent
# the reference cannot build as stated, is refused naming the file (and
# field); only ref takes the option, once.
lite=specs/profiles/ref-lite.json
usage "$tmp/none.json" run --target "ref:profile=$tmp/none.json"
usage "only ref" run --target kernel:profile=$lite
usage "more than one profile" run --target "ref:profile=$lite,profile=$lite"
usage "profile path is empty" run --target ref:profile=
sed 's/"ims_entries": 4/"ims_entries": 2/' $lite >"$tmp/ims.json"
usage '$.parent.ims_entries' run --target "ref:profile=$tmp/ims.json"
sed 's/"pasid", *"dvsec"/"dvsec"/' $lite >"$tmp/nopasid.json"
usage '$.parent.ext_caps' run --target "ref:profile=$tmp/nopasid.json"
sed '0,/"adis": 4,/s//"adis": 65,/; s/"ims_entries": 4/"ims_entries": 65/' $lite >"$tmp/adis.json"
usage '$.parent.adis' run --target "ref:profile=$tmp/adis.json"
# ref:parent=vfio:BDF: a real function's address, alone, vdcm faults only
usage "is not vfio:BDF" run --target ref:parent=qemu:0000:01:00.0
usage "is not a PCI function here" run --target ref:parent=vfio:01:00
usage "only ref" run --target kernel:parent=vfio:0000:01:00.0
SIOVH_SYSFS_ROOT=$tmp/nosys usage "is not a PCI function here" \
	run --target ref:parent=vfio:0000:01:00.0
mkdir -p "$tmp/sys/bus/pci/devices/0000:01:00.0"
: >"$tmp/sys/bus/pci/devices/0000:01:00.0/config"
SIOVH_SYSFS_ROOT=$tmp/sys usage "more than one profile, or a profile and a parent" \
	run --target "ref:parent=vfio:0000:01:00.0,profile=$lite"
SIOVH_SYSFS_ROOT=$tmp/sys usage "cannot be combined" \
	run --target "ref:profile=$lite,parent=vfio:0000:01:00.0"
SIOVH_SYSFS_ROOT=$tmp/sys usage "only vdcm-* faults" \
	run --target ref:parent=vfio:0000:01:00.0,fault=siovdev-dvsec-id
usage "'0'" run --jobs 0
usage "'-1'" run --jobs -1
usage "'two'" run --jobs two
usage "'3x'" run --jobs 3x
usage "'--jobs'" run --jobs
usage "'0'" run --timeout 0
usage "'soon'" run --timeout soon
usage "'4097'" run --jobs 4097
usage "'99999999999999999999'" run --jobs 99999999999999999999
usage "'-5'" run --seed -5
usage "'18446744073709551616'" run --seed 18446744073709551616
usage "--filter wants" run --filter ''
usage "--filter wants" list --filter ''
usage "--target wants" run --target ''
usage "--target wants" faults --target ''
usage "--faults wants" run --faults ''
usage "'all' stands alone in --faults" run --faults "all,$fault"
usage "empty fault name in --faults" run --faults "$fault,"
usage "--report wants" run --report ''
usage "'--jobs' given twice" run --jobs 1 --jobs 2
usage "'--jobs' given twice" run -j 1 --jobs=2
usage "'--filter' given twice" run --filter 'IOASID.*' --filter 'X.*'
usage "'--format' given twice" list --format json --format text
usage "'--help' of 'run' takes no argument" run --help=x
usage "'NO.SUCH.*'" run --filter 'NO.SUCH.*'
usage "'NO.SUCH.*'" list --filter 'NO.SUCH.*'
usage "'yaml'" list --format yaml
# --exclude FILE: IDs, one per line; an unknown ID or an unreadable file is
# refused naming it; excluding every clause leaves nothing to run
usage "--exclude $tmp/none.txt" run --exclude "$tmp/none.txt"
printf '# left by a crash\n\nNO.SUCH.1\n' >"$tmp/ex-bad.txt"
usage "$tmp/ex-bad.txt:3: no clause 'NO.SUCH.1'" run --exclude "$tmp/ex-bad.txt"
"$siovh" list --filter 'IOASID.ALLOC.*' | awk '{ print $1 }' >"$tmp/ex-all.txt"
usage "leaves no clause" run --filter 'IOASID.ALLOC.*' --exclude "$tmp/ex-all.txt"
sed -n 2p "$tmp/ex-all.txt" >"$tmp/ex-one.txt"
"$siovh" run --filter 'IOASID.ALLOC.*' --exclude "$tmp/ex-one.txt" --jobs 1 >"$tmp/out" 2>&1 &&
	! grep -qF " $(cat "$tmp/ex-one.txt") " "$tmp/out" &&
	grep -qF "$(($(wc -l <"$tmp/ex-all.txt") - 1)) clauses" "$tmp/out"
ok $? "run --exclude leaves out exactly the listed clause"
usage "'yaml'" faults --format yaml
SIOVH_TIMEOUT_SCALE=fast usage "'fast'" run

# Bad usage writes nothing: not even the report directory.
usage "'0'" run --jobs 0 --report "$tmp/never"
usage "'nosuch'" run --target nosuch --report "$tmp/never"
[ ! -e "$tmp/never" ]
ok $? "a refused run creates no report directory"

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
# Root ignores the mode bits, so as root the case runs as nobody (setpriv).
real_siovh=$siovh
if touch "$tmp/ro/probe" 2>/dev/null; then
	rm -f "$tmp/ro/probe"
	chmod 755 "$tmp"
	printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups "%s" "$@"\n' \
		"$(realpath "$siovh")" >"$tmp/as-nobody"
	chmod 755 "$tmp/as-nobody"
	if command -v setpriv >/dev/null &&
	   "$tmp/as-nobody" --version >/dev/null 2>&1; then
		siovh=$tmp/as-nobody
	fi
fi
if [ "$siovh" = "$real_siovh" ] && touch "$tmp/ro/probe" 2>/dev/null; then
	rm -f "$tmp/ro/probe"
	n=$((n + 1))
	echo "ok $n unwritable report dir # SKIP root, and nobody cannot run $siovh"
else
	usage "$tmp/ro" run --report "$tmp/ro"
	[ "$(cat "$tmp/ro/results.json")" = '{"old": true}' ] &&
		[ "$(ls -A "$tmp/ro")" = results.json ]
	ok $? "an unwritable --report leaves the existing report untouched"
fi
siovh=$real_siovh
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
	"$selftest" --json-canon "$tmp/list.json" >/dev/null
ok $? "list --format json is valid JSON"
"$siovh" faults --format json >"$tmp/faults.json" 2>"$tmp/err" &&
	"$selftest" --json-canon "$tmp/faults.json" >/dev/null
ok $? "faults --format json is valid JSON"
"$siovh" list >/dev/full 2>"$tmp/err"
status=$?
[ "$status" -eq 3 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ]
ok $? "a failed write to stdout is an internal error: exit 3 ($status): $(cat "$tmp/err")"

# summary FILE: the last line is exactly the closing line.
summary() {
	tail -n 1 "$1" | grep -qxE '[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped'
}

# One real clause through run, with reports and the closing line.
first=$("$siovh" list | awk 'NR == 1 { print $1 }')
if [ -z "$first" ]; then
	n=$((n + 1))
	echo "ok $n run the clauses # SKIP no clause is registered"
	echo "1..$n"
	[ "$failed" -eq 0 ]
	exit
fi
"$siovh" run --filter "$first" --jobs 1 --report "$tmp/rep" >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" -eq 0 ] && summary "$tmp/out"
ok $? "run --filter $first passes on ref, exit 0, ends with the summary line"
for f in results.ktap junit.xml results.json; do
	[ -s "$tmp/rep/$f" ]
	ok $? "run --report writes $f"
done
"$selftest" --json-canon "$tmp/rep/results.json" >/dev/null
ok $? "results.json is valid JSON"
head -n 2 "$tmp/rep/results.ktap" | tr '\n' ' ' | grep -qx 'KTAP version 1 1\.\.1 '
ok $? "results.ktap starts with the version line and the plan"
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/rep/junit.xml" 2>"$tmp/err"
	ok $? "junit.xml is valid XML (xmllint)" || diag "$tmp/err"
else
	n=$((n + 1))
	echo "ok $n junit.xml passes xmllint # SKIP xmllint not installed (libxml2-utils)"
fi

# A clause that fails: exit 1, and the closing line is still last.
"$siovh" run --target "ref:fault=$fault" --jobs 2 >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" -eq 1 ] && summary "$tmp/out" &&
	tail -n 1 "$tmp/out" | grep -qv ' 0 failed'
ok $? "a failing clause (fault $fault): exit 1 ($status), summary last"

# A profile whose config space is passed through (config.passthrough, as
# specs/profiles/edu.json's) narrows VDCM.CFG.2 and VDCM.CFG.8 to what
# vfio.h promises; the narrowed CFG.8 still fails when accesses past the
# config region's end succeed (fault vdcm-cfg-beyond-region).
top=$(cd "$(dirname "$0")/../../.." && pwd)
sed 's/"class_code": "0x088000",/&"passthrough": true,/' "$top/specs/profiles/ref.json" >"$tmp/pt.json"
"$siovh" run --target "ref:profile=$tmp/pt.json" --filter 'VDCM.CFG.[28]' >"$tmp/out" 2>&1 &&
	[ "$(grep -c 'passthrough' "$tmp/pt.json")" = 2 ] &&
	"$siovh" run --target "ref:profile=$tmp/pt.json,fault=vdcm-cfg-beyond-region" \
		--filter 'VDCM.CFG.8' >"$tmp/out" 2>&1
status=$?
[ "$status" -eq 1 ] && grep -q 'config read at the end (0x1000) returned 0' "$tmp/out"
ok $? "a passed-through config space: CFG.2/8 pass on the reference, CFG.8 fails on vdcm-cfg-beyond-region (exit $status)" ||
	diag "$tmp/out"

# The kill table shows a line per fault, gaps named, summary last.
"$siovh" run --jobs 2 --faults "$fault" >"$tmp/out" 2>"$tmp/err"
status=$?
[ "$status" -le 1 ] && summary "$tmp/out" &&
	grep -qE "^\[fault 1/1\] $fault: (killed by [0-9]+ clauses?|NOT KILLED)" "$tmp/out"
ok $? "--faults: per-fault progress, summary last (exit $status)"

# Reports do not depend on --jobs (timings aside).
"$siovh" run --jobs 1 --report "$tmp/j1" >/dev/null 2>&1
"$siovh" run --jobs 2 --report "$tmp/j2" >/dev/null 2>&1
"$selftest" --json-canon "$tmp/j1/results.json" >"$tmp/j1.canon" &&
	"$selftest" --json-canon "$tmp/j2/results.json" >"$tmp/j2.canon" &&
	cmp -s "$tmp/j1.canon" "$tmp/j2.canon" &&
	cmp -s "$tmp/j1/results.ktap" "$tmp/j2/results.ktap"
ok $? "results.json and results.ktap are the same with --jobs 1 and --jobs 2" ||
	diff "$tmp/j1.canon" "$tmp/j2.canon" 2>&1 | head -n 10 | diag

# SIGTERM in the middle of a run: the checks die, siovh dies of the signal,
# the previous reports stay as they were and no temporary file is left.
mkdir -p "$tmp/sig"
cp -r "$tmp/rep/"* "$tmp/sig/"
sum_before=$(cd "$tmp/sig" && find . -type f | sort | xargs cat | cksum)
files_before=$(cd "$tmp/sig" && find . | sort | tr '\n' ' ')
"$siovh" run --jobs 2 --faults all --report "$tmp/sig" >"$tmp/sig.out" 2>"$tmp/sig.err" &
pid=$!
for _ in $(seq 200); do
	grep -q '^\[' "$tmp/sig.out" && break
	sleep 0.05
done
kill -TERM "$pid"
wait "$pid"
status=$?
sleep 0.2
left=$(procs "--report $tmp/sig")
[ "$status" -eq $((128 + 15)) ] &&
	[ "$(cd "$tmp/sig" && find . -type f | sort | xargs cat | cksum)" = "$sum_before" ] &&
	[ "$(cd "$tmp/sig" && find . | sort | tr '\n' ' ')" = "$files_before" ] &&
	[ "$left" -eq 0 ] && grep -q 'stopped by SIGTERM' "$tmp/sig.err"
ok $? "SIGTERM mid-run: exit $status, old reports intact, no temp file, $left processes left" ||
	{ ls -A "$tmp/sig" | diag; diag "$tmp/sig.err"; }

tap_end
