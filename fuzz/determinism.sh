#!/bin/bash
# SPDX-License-Identifier: MIT
#
# determinism.sh REPLAY_DIR TARGET...: the same input gives the same result
# whatever ran before it in the process (fuzz/common/fuzz.h), checked on
# every seed and regression reproducer of each target with its replay
# driver (REPLAY_DIR/TARGET_replay, make fuzz-replay) in --digest mode,
# which prints a hash of what each input observed: the files are run
#   1. all in one process, in name order;
#   2. all in one process, in reverse name order;
#   3. each in a process of its own (from a fresh state),
# and every file must have the same digest in all three. TAP, one result
# per target; the differing files as diagnostics.
set -u
dir=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "1..$#"
n=0 failed=0
for t in "$@"; do
	n=$((n + 1))
	bin=$dir/${t}_replay
	if [ ! -x "$bin" ]; then
		echo "not ok $n - determinism:$t: $bin missing (make fuzz-replay)"
		failed=1
		continue
	fi
	find fuzz/"$t"/seeds fuzz/"$t"/regressions -maxdepth 1 -type f ! -name ".*" \
		2>/dev/null | sort >"$tmp/files"
	if [ ! -s "$tmp/files" ]; then
		echo "ok $n - determinism:$t # SKIP no seeds"
		continue
	fi
	# Replay drivers print "DIGEST FILE"; sort by file to compare.
	ok=1
	xargs -d '\n' "$bin" --digest <"$tmp/files" >"$tmp/fwd" 2>"$tmp/err" || ok=0
	sort -r "$tmp/files" | xargs -d '\n' "$bin" --digest >"$tmp/rev" \
		2>>"$tmp/err" || ok=0
	: >"$tmp/one"
	while IFS= read -r f; do
		"$bin" --digest "$f" >>"$tmp/one" 2>>"$tmp/err" || ok=0
	done <"$tmp/files"
	for v in fwd rev one; do
		sort -k2 "$tmp/$v" >"$tmp/$v.s"
	done
	total=$(wc -l <"$tmp/files")
	if [ "$ok" = 1 ] && [ "$(wc -l <"$tmp/one.s")" = "$total" ] &&
	   cmp -s "$tmp/fwd.s" "$tmp/one.s" && cmp -s "$tmp/rev.s" "$tmp/one.s"; then
		echo "ok $n - determinism:$t: $total files, same digest in name order, reverse order and alone"
	else
		echo "not ok $n - determinism:$t: digests differ by order (or a replay failed)"
		join -j2 "$tmp/fwd.s" "$tmp/rev.s" | join -1 1 -2 2 - "$tmp/one.s" |
			awk '$2 != $3 || $3 != $4 { print "# " $1 ": in order " $2 ", reversed " $3 ", alone " $4 }' |
			head -10
		tail -5 "$tmp/err" | sed 's/^/# /'
		failed=1
	fi
done
exit "$failed"
