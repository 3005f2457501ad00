#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# vm-images/kernel-seeds.sh's pick (--pick) on fabricated per-file PC lists,
# as the guest leaves them (kernel-seeds-guest.sh): the greedy cover's
# order, its stop at SEEDS_MIN_GAIN and at N, its tie-break (the smaller
# file), bad usage. TAP on stdout.
set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
SEEDS=$HERE/kernel-seeds.sh
. "$HERE/../harness/core/tests/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-kseeds-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# pcs FILE PC...: a PC list (hex, ascending, as kcov.c writes it)
pcs() { local f=$1; shift; printf 'ffffffff8100%04x\n' "$@" >"$tmp/$f"; }
mkdir -p "$tmp/p"
pcs p/a 1 2 3 4 5 6
pcs p/b 1 2 3
pcs p/c 7 8 9 10 11
pcs p/d 5 6 7 8 9 10 11 12
pcs p/e 100
: >"$tmp/p/empty"

out=$("$SEEDS" --pick "$tmp/p" 10 2>"$tmp/err")
ok $? "--pick exits 0"
[ "$out" = $'d 8\na 4' ]
ok $? "greedy: d (8 new PCs) first, then a (1-4); b and c add nothing, e adds 1 < SEEDS_MIN_GAIN 4: $(echo $out)"
out=$(SEEDS_MIN_GAIN=1 "$SEEDS" --pick "$tmp/p" 10 2>/dev/null)
[ "$out" = $'d 8\na 4\ne 1' ]
ok $? "SEEDS_MIN_GAIN=1 takes e too, never a file that adds nothing: $(echo $out)"
out=$("$SEEDS" --pick "$tmp/p" 1 2>/dev/null)
[ "$out" = 'd 8' ]
ok $? "at most N files: N=1 gives d alone"

# a tie: the same PCs, the smaller file wins whatever the names
mkdir -p "$tmp/t"
pcs t/aaa-big 1 2 3 4 5
pcs t/zzz-small 1 2 3 4 5
mkdir -p "$tmp/tc"
printf 'x%.0s' $(seq 200) >"$tmp/tc/aaa-big"
printf 'x' >"$tmp/tc/zzz-small"
out=$("$SEEDS" --pick "$tmp/t" 5 "$tmp/tc" 2>/dev/null)
[ "$out" = 'zzz-small 5' ]
ok $? "a tie goes to the smaller file: $out"

"$SEEDS" --pick "$tmp/nonexistent" 3 >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'usage' "$tmp/err"
ok $? "--pick of no directory: exit 2, usage"
"$SEEDS" --pick "$tmp/p" 0 >/dev/null 2>"$tmp/err"
[ $? = 2 ]
ok $? "--pick of 0 files: exit 2"
SEEDS_MAX=x "$SEEDS" "$tmp/p" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && grep -q 'SEEDS_MAX=x' "$tmp/err"
ok $? "SEEDS_MAX not a number: exit 2 naming it"

tap_end
