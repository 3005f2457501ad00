#!/bin/bash
# SPDX-License-Identifier: MIT
#
# `siovh replay` (harness/core/cli_replay.c, replay_trace.c) and the trace
# of the op-stream fuzz targets (fuzz/common/trace.h), on the host, no VM:
#  - the reference replays the iommufd_ops seeds with a trace per
#    operation (object IDs normalised) and a verdict per file;
#  - the reference against itself agrees on every seed;
#  - the reference against itself with an injected fault disagrees, with
#    the first differing operation and its signature; one fault the
#    target's own oracle misses (the replay passes) is caught here;
#    --out keeps both traces, the difference and the signature;
#  - the comparer's rules, on a fake replay driver with canned traces:
#    a note that differs makes a file incomparable (exit 0), what follows
#    " ~ " is not compared, crash messages are each target's own, a trace
#    that ends early differs;
#  - a finding directory's "target" file names the fuzz target;
#  - bad input: a missing file, an unknown target, a target without the
#    facets, an unknown or malformed fuzz target, a file of no known fuzz
#    target, --diff with one spec, a third target, --out without --diff:
#    each exit 2 with one line naming it.
#
#   replay_test.sh BUILD/siovh      (BUILD/fuzz/iommufd_ops_replay built)
set -u

siovh=${1:?usage: replay_test.sh BUILD/siovh}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../../.." || exit 1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-replay-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$here/tap.sh"
seeds=fuzz/iommufd_ops/seeds
nseeds=$(find "$seeds" -type f | wc -l)

# 1. one target: trace and verdicts
"$siovh" replay "$seeds" >"$tmp/ref.out" 2>"$tmp/ref.err"
ok $? "replay of the iommufd_ops seeds on ref exits 0" || sed 's/^/# /' "$tmp/ref.err"
ok $(( $(grep -c '^= ok$' "$tmp/ref.out") == nseeds ? 0 : 1 )) "a verdict 'ok' for each of the $nseeds seeds"
grep -q '^ioas_alloc(flags 0) -> 0 ioas#1$' "$tmp/ref.out" &&
	grep -q '^final destroy(ioas#1) -> 0$' "$tmp/ref.out"
ok $? "object IDs are traced as the Nth object of their kind"
grep -q '^seq map(A0' "$tmp/ref.out" && grep -q '^! engine: dma$' "$tmp/ref.out"
ok $? "the IOAS engine's operations and its set-up note are traced"
grep -q 'iova auto#1' "$tmp/ref.out"
ok $? "an IOVA the target chose is traced as auto#K, not its value"

# 2. the reference against itself agrees
"$siovh" replay --diff ref,ref "$seeds" >"$tmp/same.out" 2>&1
ok $? "--diff ref,ref exits 0" || tail -n 3 "$tmp/same.out" | sed 's/^/# /'
grep -q "^replay ref vs ref: $nseeds files, $nseeds same, 0 differ, 0 incomparable$" "$tmp/same.out"
ok $? "and every seed is the same" || tail -n 1 "$tmp/same.out" | sed 's/^/# /'

# 3. an injected fault disagrees; one the oracle misses
f=iommufd-unknown-ioctl-einval
SIOVH_FUZZ_FAULT=$f build/"$(basename "$(dirname "$siovh")")"/fuzz/iommufd_ops_replay \
	"$seeds/generic" >/dev/null 2>&1
ok $? "fault $f passes the target's own oracle on seeds/generic"
"$siovh" replay --diff "ref,ref:fault=$f" --out "$tmp/out" "$seeds" >"$tmp/f1.out" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "--diff ref,ref:fault=$f exits 1"
grep -q "^differ $seeds/generic: ioctl 0x100: ENOTTY | implemented$" "$tmp/f1.out"
ok $? "the differing file and signature are named" || grep '^differ' "$tmp/f1.out" | sed 's/^/# /'
grep -q "^  - ref: ioctl 0x100(size 14) -> ENOTTY$" "$tmp/f1.out" &&
	grep -q "^  + ref:fault=$f: ioctl 0x100(size 14) -> EINVAL$" "$tmp/f1.out" &&
	grep -q '^       2  ioctl 0x3b89(size 40) -> ENOENT$' "$tmp/f1.out"
ok $? "with both operations and the context before them"
[ -f "$tmp/out/generic/ref.trace" ] && [ -f "$tmp/out/generic/ref_fault_$f.trace" ] &&
	grep -q 'ENOTTY | implemented' "$tmp/out/generic/signature" &&
	grep -q 'first difference at operation 3' "$tmp/out/generic/diff.txt"
ok $? "--out keeps both traces, the difference and the signature"
ok $(( $(find "$tmp/out" -mindepth 1 -maxdepth 1 | wc -l) == 1 ? 0 : 1 )) "and only for the file that differs"
f=iommufd-destroy-keeps-obj
"$siovh" replay --diff "ref,ref:fault=$f" "$seeds" >"$tmp/f2.out" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "--diff ref,ref:fault=$f exits 1 too"
grep -q '^differ .*| verdict crash$' "$tmp/f2.out"
ok $? "where the target's oracle stops the faulty reference: the verdicts differ" || grep '^differ' "$tmp/f2.out" | head -3 | sed 's/^/# /'

# 4. the comparer's rules, on canned traces (SIOVH_FUZZ_REPLAY_DIR)
mkdir -p "$tmp/fake" "$tmp/in/fuzz/fake"
for x in note tilde crash short line; do printf x >"$tmp/in/fuzz/fake/$x"; done
cat >"$tmp/fake/fake_replay" <<'EOF'
#!/bin/bash
# A replay driver's --trace output; SIOVH_FUZZ_FAULT=b makes target b's.
t=a
[ -n "${SIOVH_FUZZ_FAULT:-}" ] && t=b
shift
for f in "$@"; do
	echo "== $f"
	case ${f##*/} in
	note)  echo "! geometry: $t"; echo "op(1) -> 0"; echo "= ok" ;;
	tilde) echo "ranges(1) -> 0 ~ num $t"; echo "= ok" ;;
	crash) echo "op(1) -> 0"; echo "= crash (signal 6): said by $t" ;;
	short) echo "op(1) -> 0"; [ "$t" = a ] && echo "op(2) -> 0"; echo "= ok" ;;
	line)  echo "op(1) -> 0"; echo "op(2) -> $([ "$t" = a ] && echo 0 || echo EINVAL) out"; echo "= ok" ;;
	esac
done
exit 0
EOF
chmod +x "$tmp/fake/fake_replay"
# ref:fault=NAME becomes SIOVH_FUZZ_FAULT=NAME: any real fault name will do
fb=$("$siovh" faults | awk 'NR == 1 { print $1 }')
SIOVH_FUZZ_REPLAY_DIR=$tmp/fake "$siovh" replay --diff "ref,ref:fault=$fb" \
	"$tmp"/in/fuzz/fake/* >"$tmp/fake.out" 2>&1
ok $(( $? == 1 ? 0 : 1 )) "canned traces: exit 1 (two files differ)" || sed 's/^/# /' "$tmp/fake.out"
grep -q "^incomparable $tmp/in/fuzz/fake/note: geometry: a | b$" "$tmp/fake.out"
ok $? "a note that differs makes the file incomparable, naming it"
grep -q "^same $tmp/in/fuzz/fake/tilde " "$tmp/fake.out"
ok $? "what follows ' ~ ' is not compared"
grep -q "^same $tmp/in/fuzz/fake/crash " "$tmp/fake.out"
ok $? "two crashes agree whatever each says"
grep -q "^differ $tmp/in/fuzz/fake/short: op 0 | verdict ok$" "$tmp/fake.out"
ok $? "a trace that ends early differs"
grep -q "^differ $tmp/in/fuzz/fake/line: op: 0 | EINVAL$" "$tmp/fake.out"
ok $? "a result that differs is the signature"
grep -q ": 5 files, 2 same, 2 differ, 1 incomparable$" "$tmp/fake.out"
ok $? "and the summary counts them"
SIOVH_FUZZ_REPLAY_DIR=$tmp/fake "$siovh" replay --diff "ref,ref:fault=$fb" \
	"$tmp/in/fuzz/fake/note" "$tmp/in/fuzz/fake/tilde" >/dev/null 2>&1
ok $? "only incomparable and same files: exit 0"

# 5. a finding directory names its fuzz target
mkdir -p "$tmp/finding"
cp "$seeds/generic" "$tmp/finding/input"
echo iommufd_ops >"$tmp/finding/target"
"$siovh" replay "$tmp/finding/input" >"$tmp/finding.out" 2>&1 &&
	grep -q '^= ok$' "$tmp/finding.out"
ok $? "a finding directory's 'target' file names the fuzz target"

# 6. bad input: exit 2, one line naming it
bad() {
	local want=$1 what=$2 err
	shift 2
	err=$("$siovh" replay "$@" 2>&1 >/dev/null)
	local status=$?
	[ "$status" -eq 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		printf '%s\n' "$err" | grep -qF -- "$want"
	ok $? "$what: exit 2 naming it" || echo "# status $status: $err"
}
bad "$tmp/nosuch" "a missing file" "$tmp/nosuch"
bad "bogus" "an unknown target" --target bogus "$seeds/generic"
bad "--target kernel" "a target without the facets (no /dev/iommu)" --target kernel "$seeds/generic"
bad "no replay driver for fuzz target 'nosuch'" "an unknown fuzz target" --fuzz nosuch "$seeds/generic"
bad "--fuzz wants" "a malformed fuzz target name" --fuzz ../x "$seeds/generic"
bad "which fuzz target is $tmp/finding.out" "a file of no known fuzz target" "$tmp/finding.out"
bad "--diff wants SPEC,SPEC" "--diff with one spec" --diff ref "$seeds/generic"
bad "a third" "a third target" --diff ref,ref --target ref "$seeds/generic"
bad "--out goes with --diff" "--out without --diff" --out "$tmp/o" "$seeds/generic"
bad "no FILE" "no file" --target ref

tap_end
