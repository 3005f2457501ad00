# SPDX-License-Identifier: MIT
#
# TAP for the shell tests of harness/core/tests (sourced, not run):
#   ok STATUS DESCRIPTION   one result, "not ok" unless STATUS is 0;
#                           returns STATUS, so `ok $? ... || diagnose`
#   skip DESCRIPTION WHY    one skipped result
#   tap_end                 the plan line; the caller exits with its status
#                           (0 when nothing failed)
n=0 failed=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
	fi
	return "$1"
}

skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

tap_end() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}
