#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The kernel's edges in AFL++'s shared map (issue 9; fuzz/common/
# afl_driver.c, kcov.c, afl_map.c), on a host without KCOV: a probe target
# (fuzz/common/kcov_afl_probe.c) built like the AFL++ fuzz targets, whose
# "kernel" PCs come from its input through the fake KCOV buffer
# (SIOVH_FUZZ_KCOV_FAKE), run under afl-showmap's fork server.
#  - without KCOV the map is the instrumentation's alone;
#  - with it the fork server announces FZ_KCOV_MAP_SIZE more bytes, above
#    the instrumentation's (64-byte aligned), and an input of 3 PCs puts
#    exactly 3 edges there;
#  - another last PC changes one of them and nothing below (the probe's
#    own branches do not depend on its input); the same input, the same
#    map.
#
#   kcov_afl_test.sh OUTDIR     (TAP on stdout; skips without AFL++)
set -u

out=${1:?usage: kcov_afl_test.sh OUTDIR}
here=$(cd "$(dirname "$0")/.." && pwd)
. "$here/harness/core/tests/tap.sh"
mkdir -p "$out"
export AFL_QUIET=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1
# afl-fuzz tells a deferred fork server to wait for __AFL_INIT by this
# variable; afl-showmap does not, and would then read the map size the
# runtime had before the driver grew it.
export __AFL_DEFER_FORKSRV=1

if ! command -v afl-clang-fast >/dev/null || ! command -v afl-showmap >/dev/null; then
	skip "kernel edges in AFL++'s map" "no AFL++ (harness/scripts/deps.sh --fuzz)"
	tap_end
	exit
fi

cd "$here" || exit 1
flags=(-D_GNU_SOURCE -Iharness/include -I. -O1 -g -Wall -Wextra -Werror -pthread)
if ! { clang "${flags[@]}" -c fuzz/common/afl_map.c -o "$out/afl_map.o" &&
	afl-clang-fast "${flags[@]}" fuzz/common/kcov_afl_probe.c \
		fuzz/common/afl_driver.c fuzz/common/kcov.c "$out/afl_map.o" \
		-o "$out/probe"; } >"$out/build.log" 2>&1; then
	ok 1 "the probe target builds with AFL++" || sed 's/^/# /' "$out/build.log" | tail -n 5
	tap_end
	exit
fi
ok 0 "the probe target builds with AFL++"

printf '\x01\x02\x03' >"$out/in-a"
printf '\x01\x02\x04' >"$out/in-b"

# showmap NAME INPUT [VAR=VALUE...]: the map in $out/NAME.map, afl-showmap's
# words on the map size in $out/NAME.size
showmap() {
	local name=$1 in=$2
	shift 2
	env "$@" afl-showmap -o "$out/$name.map" -- "$out/probe" <"$in" \
		>"$out/$name.log" 2>&1
	sed -n 's/.*(map size \([0-9]*\),.*/\1/p' "$out/$name.log" | tail -n1 >"$out/$name.size"
}
above() { awk -F: -v b="$2" '$1 + 0 >= b' "$out/$1.map"; }
below() { awk -F: -v b="$2" '$1 + 0 < b' "$out/$1.map"; }

showmap plain "$out/in-a"
plain=$(cat "$out/plain.size")
base=$(( (plain + 63) / 64 * 64 ))
[ -n "$plain" ] && [ "$plain" -gt 0 ] && [ "$plain" -lt 65536 ]
ok $? "without KCOV the map is the instrumentation's ($plain bytes)" ||
	sed 's/^/# /' "$out/plain.log" | tail -n 5

showmap a "$out/in-a" SIOVH_FUZZ_KCOV_FAKE=1
[ "$(cat "$out/a.size")" = $((base + 65536)) ]
ok $? "with KCOV the fork server announces 65536 bytes more at $base (got $(cat "$out/a.size"))" ||
	sed 's/^/# /' "$out/a.log" | tail -n 5
cnt=$(above a "$base" | wc -l)
ok $(( cnt == 3 ? 0 : 1 )) "3 kernel PCs are 3 edges in the kernel's region (got $cnt)"
above plain "$base" | grep -q .
ok $(( $? == 0 ? 1 : 0 )) "without KCOV nothing is there"

showmap b "$out/in-b" SIOVH_FUZZ_KCOV_FAKE=1
! cmp -s <(above a "$base") <(above b "$base") &&
	[ "$(comm -12 <(above a "$base" | sort) <(above b "$base" | sort) | wc -l)" = 2 ]
ok $? "another last PC changes one kernel edge, the first two stay"
cmp -s <(below a "$base") <(below b "$base")
ok $? "while the instrumentation's part is the same for both inputs"

showmap a2 "$out/in-a" SIOVH_FUZZ_KCOV_FAKE=1
cmp -s "$out/a.map" "$out/a2.map"
ok $? "the same input gives the same map"

tap_end
