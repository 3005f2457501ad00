#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# vm-images/findings.sh without a VM: which lines of a fabricated
# kernel-findings.txt apply to which run (clauses and console reports
# apart), and how known_console sorts a fabricated console's bug reports
# into known (a documented WARN: shown, not failing), unknown (failing) and
# gone (a documented WARN that did not occur: failing). Then the committed
# kernel-findings.txt: the edu run of 7.x expects generic_pt's WARN. TAP on
# stdout.
#
#   vm-images/tests/findings_test.sh
set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
. "$HERE/../harness/core/tests/tap.sh"
# shellcheck source=vm-images/findings.sh
. "$HERE/findings.sh"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/siovh-findings-test.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT

KERNEL_FINDINGS=$WORK/findings.txt
printf '%s\n' '# a comment' '' \
	$'*-vtd,*:cdev\tVDCM.A.1\tclause finding one' \
	$'7.*-vtd:edu\tVDCM.B.2\tclause finding two' \
	$'7.*-vtd:edu\tconsole:WARNING: drivers/x/y\\.h:9 \tthe known WARN' \
	$'6.*-vtd:edu\tconsole:WARNING: drivers/z\\.c:1 \tanother WARN' >"$KERNEL_FINDINGS"

[ "$(run_findings 7.3.4-vtd)" = $'VDCM.A.1\tclause finding one' ]
ok $? "a run's clause findings: only those its globs match"
[ "$(run_findings 7.3.4-vtd:edu)" = $'VDCM.B.2\tclause finding two' ]
ok $? "the edu run's clause findings leave its console findings out"
[ "$(run_findings 7.3.4-vtd:edu console)" = $'WARNING: drivers/x/y\\.h:9 \tthe known WARN' ]
ok $? "the edu run's console findings: the ERE without 'console:', and only those"
[ -z "$(run_findings 7.3.4-vtd console)" ] && [ -z "$(run_findings 6.12.1-mock:edu console)" ]
ok $? "no console findings for runs the globs do not match"

# console LINES... into oops.hits the way run-vm.sh greps a console
hits() {
	printf '%s\n' "$@" >"$WORK/console"
	grep -nE '^\[ *[0-9]+\.[0-9]+\] .*(Oops|WARNING:|BUG:|KASAN|UBSAN|Kernel panic)' \
		"$WORK/console" >"$WORK/oops.hits" || true
}
VM_KNOWN_CONSOLE=$WORK/known.tsv
run_findings 7.3.4-vtd:edu console >"$VM_KNOWN_CONSOLE"

hits '[    1.0] boot' '[    4.5] WARNING: drivers/x/y.h:9 at 0xffff, CPU#0: siovh/313' '[    4.6] Call Trace:'
known_console
[ ! -s "$WORK/oops.hits" ] && [ "$(cut -d: -f1 "$WORK/known.hits")" = 2 ] &&
	[ "$(cat "$WORK/known.why")" = "the known WARN" ] && [ ! -s "$WORK/known.gone" ]
ok $? "a documented WARN moves to known.hits with its finding: nothing left to fail"

hits '[    4.5] WARNING: drivers/x/y.h:9 at 0xffff' '[    5.0] BUG: kernel NULL pointer dereference'
known_console
[ "$(cut -d: -f1 "$WORK/oops.hits")" = 2 ] && [ "$(cut -d: -f1 "$WORK/known.hits")" = 1 ]
ok $? "an undocumented BUG beside it stays in oops.hits (console-clean fails)"

hits '[    4.5] WARNING: drivers/x/y.h:10 at 0xffff'
known_console
[ "$(wc -l <"$WORK/oops.hits")" = 1 ] && [ ! -s "$WORK/known.hits" ] &&
	[ "$(cat "$WORK/known.gone")" = "the known WARN" ]
ok $? "the same file at another line is not the documented WARN, which is gone"

hits '[    1.0] boot'
known_console
[ ! -s "$WORK/oops.hits" ] && [ "$(cat "$WORK/known.gone")" = "the known WARN" ]
ok $? "a clean console with a documented WARN listed: the finding is gone"

VM_KNOWN_CONSOLE="" known_console
[ ! -s "$WORK/known.hits" ] && [ ! -s "$WORK/known.gone" ]
ok $? "no VM_KNOWN_CONSOLE: nothing known, nothing gone"

# a kselftest program whose failed tests are all documented findings is ok
mkdir -p "$WORK/ks"
printf '%s\n' 'TAP version 13' '1..2' \
	'not ok 1 selftests: siov: siov_a # exit=1' \
	'not ok 2 selftests: siov: siov_b # exit=1' >"$WORK/ks/selftests.ktap"
printf '%s\n' 'ok 1 siov.VDCM_A_0' 'not ok 2 siov.VDCM_A_1' >"$WORK/ks/siov_a.ktap"
printf '%s\n' 'not ok 1 siov.VDCM_A_1' 'not ok 2 siov.VDCM_C_3' >"$WORK/ks/siov_b.ktap"
run_findings 7.3.4-vtd >"$WORK/ks.tsv"
out=$(kselftest_findings "$WORK/ks" "$WORK/ks.tsv")
grep -q '^ok 1 selftests: siov: siov_a # exit=1 (its failures are documented kernel findings: VDCM_A_1)$' <<<"$out" &&
	grep -q '^not ok 2 selftests: siov: siov_b # exit=1$' <<<"$out"
ok $? "kselftests: a program failing only documented findings is ok, one with another failure is not"

# the committed list: generic_pt's WARN on 7.x's edu run, on no other run
unset KERNEL_FINDINGS
run_findings 7.3.4-vtd:edu console >"$VM_KNOWN_CONSOLE"
hits '[    4.825393] WARNING: drivers/iommu/generic_pt/fmt/../iommu_pt.h:933 at 0xffffffff812323f5, CPU#0: siovh/313'
known_console
[ ! -s "$WORK/oops.hits" ] && grep -q 'VDCM.DMA.17' "$WORK/known.why"
ok $? "kernel-findings.txt: 7.3's edu run knows generic_pt's WARN (iommu_pt.h:933), from VDCM.DMA.17"
[ -z "$(run_findings 6.12.117-vtd:edu console)" ] && [ -z "$(run_findings 7.3.4-vtd console)" ]
ok $? "kernel-findings.txt: no console finding for 6.12's edu run or 7.3's own"
[ "$(run_findings 7.3.4-vtd-legacy:edu console)" = "$(cat "$VM_KNOWN_CONSOLE")" ] &&
	[ "$(run_findings 7.3.4-vtd-flts:edu | cut -f1 | sort | tr '\n' ' ')" = "VDCM.DMA.17 VDCM.LIFE.6 VDCM.LIFE.7 VDCM.REGION.2 " ]
ok $? "kernel-findings.txt: the edu-only boots (vtd-legacy, vtd-flts) have the edu run's findings"

tap_end
