# SPDX-License-Identifier: MIT
# shellcheck shell=bash
#
# The VM tier's documented kernel findings (vm-images/kernel-findings.txt),
# sourced by vm-check.sh (which findings apply to a run) and run-vm.sh
# (which kernel bug reports of a console they explain). Bash; tested by
# vm-images/tests/findings_test.sh on fabricated consoles.

FINDINGS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The documented kernel findings (vm-images/kernel-findings.txt) of the
# run named $1: "CLAUSE<TAB>FINDING" lines on stdout.
# A line whose clause is "console:ERE" is a kernel bug report (a WARN the
# run reaches from user space) that the run's console must show: those go
# to run-vm.sh (VM_KNOWN_CONSOLE), "ERE<TAB>FINDING" lines, with $2 =
# console.
run_findings() {
	local globs id why g
	while IFS=$'\t' read -r globs id why; do
		case $globs in '#'* | '') continue ;; esac
		case $id in
		console:*) [ "${2:-clauses}" = console ] || continue
			   id=${id#console:} ;;
		*) [ "${2:-clauses}" = clauses ] || continue ;;
		esac
		for g in ${globs//,/ }; do
			# shellcheck disable=SC2053 # g is a glob
			if [[ $1 == $g ]]; then
				printf '%s\t%s\n' "$id" "$why"
				break
			fi
		done
	done <"${KERNEL_FINDINGS:-$FINDINGS_HERE/kernel-findings.txt}"
}

# known_console: the kernel bug reports the run's documented findings
# expect (VM_KNOWN_CONSOLE: a file of "ERE<TAB>finding" lines, vm-check.sh's
# run_findings RUN console): of $WORK/oops.hits (grep -n lines of the
# console), the lines an ERE matches move to $WORK/known.hits (their
# findings to known.why), so console-clean shows them, with the excerpt,
# without failing; an ERE that matches nothing is a finding gone
# (known.gone: run-vm.sh fails it).
known_console() {
	local re why
	: >"$WORK/known.hits"
	: >"$WORK/known.why"
	: >"$WORK/known.gone"
	[ -n "${VM_KNOWN_CONSOLE:-}" ] && [ -s "$VM_KNOWN_CONSOLE" ] || return 0
	while IFS=$'\t' read -r re why; do
		[ -n "$re" ] || continue
		if grep -E -- "$re" "$WORK/oops.hits" >>"$WORK/known.hits"; then
			printf '%s\n' "$why" >>"$WORK/known.why"
			grep -vE -- "$re" "$WORK/oops.hits" >"$WORK/oops.rest" || true
			mv "$WORK/oops.rest" "$WORK/oops.hits"
		else
			printf '%s\n' "$why" >>"$WORK/known.gone"
		fi
	done <"$VM_KNOWN_CONSOLE"
	sort -t: -k1,1n -o "$WORK/known.hits" "$WORK/known.hits"
}


# kselftest_findings DIR FINDINGS: DIR/selftests.ktap (the kselftest
# runner's one line per program) on stdout, where a program that failed
# only through clauses the run's documented findings list (FINDINGS,
# run_findings' "CLAUSE<TAB>FINDING" lines; its own DIR/PROGRAM.ktap names
# the failed tests, "siov.<clause ID with '_' for '.'>") is ok, with the
# findings named: the kselftests run every clause of a facet, a finding's
# too, and must fail it as the siovh run does.
kselftest_findings() {
	awk -v d="$1" -v f="$2" 'BEGIN {
			while ((getline l < f) > 0) {
				i = index(l, "\t")
				if (!i)
					continue
				id = substr(l, 1, i - 1)
				gsub(/[^A-Za-z0-9]/, "_", id)
				known[id] = 1
			} }
		/^not ok [0-9]+ selftests: siov: [A-Za-z0-9_]+/ {
			k = d "/" $6 ".ktap"; bad = 0; list = ""
			while ((getline l < k) > 0) {
				if (l !~ /^not ok [0-9]+ siov\./)
					continue
				t = l
				sub(/^not ok [0-9]+ siov\./, "", t)
				sub(/[ \t].*/, "", t)
				if (t in known)
					list = list " " t
				else
					bad = 1
			}
			close(k)
			if (!bad && list != "") {
				sub(/^not ok/, "ok")
				$0 = $0 " (its failures are documented kernel findings:" list ")"
			} }
		{ print }' "$1/selftests.ktap"
}
