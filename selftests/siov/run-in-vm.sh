#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Run the selftests/siov programs where kselftest's own runner is not
# installed (the siovh VM's busybox initramfs), the way it runs them:
#
#   run-in-vm.sh DIR OUTDIR
#
# Each DIR/siov_* program runs under `timeout` (the `timeout=` of
# DIR/settings, else of the settings beside this script, else kselftest's
# default 45 s) with its KTAP in OUTDIR/<program>.ktap; the summary, one
# result per program as kselftest's runner prints it ("ok 1 selftests:
# siov: siov_iommufd # SKIP"), goes to stdout and OUTDIR/selftests.ktap.
# Exit 0 when no program failed (skips are fine), 1 otherwise, 2 on usage.
# POSIX sh: busybox's ash runs it. SIOV_TARGET and SIOVH_TIMEOUT_SCALE pass
# through to the programs.
#
# Wiring into the VM tier (vm-images/, not done here): build the programs
# per kernel with that kernel's headers,
#   make -C selftests/siov KSRC=$SRC KHDR=$CACHE/headers/include \
#        OUTPUT=$PWD/build/selftests/$NAME
# then in build-initramfs.sh, after siovh is staged (SIOV_DIR = that OUTPUT):
#   mkdir -p "$STAGE/opt/siov"
#   cp "$SIOV_DIR"/siov_iommufd "$SIOV_DIR"/siov_vdev "$SIOV_DIR"/siov_pci \
#      "$HERE/../selftests/siov/settings" "$HERE/../selftests/siov/run-in-vm.sh" \
#      "$STAGE/opt/siov/"
#   for p in "$STAGE"/opt/siov/siov_*; do file_is_static "$p" || copy_libs "$p"; done
# and in init.sh's run_clauses, after `siovh run` and before the tar of /out:
#   [ -x /opt/siov/run-in-vm.sh ] && /opt/siov/run-in-vm.sh /opt/siov /out/selftests
# so the KTAP lands in the results tar as selftests/*.ktap.
set -u

[ $# -eq 2 ] || { echo "usage: run-in-vm.sh DIR OUTDIR" >&2; exit 2; }
dir=$1
out=$2
[ -d "$dir" ] || { echo "run-in-vm.sh: $dir: no such directory" >&2; exit 2; }
mkdir -p "$out" || exit 2

settings_timeout() {
	for s in "$dir/settings" "$(dirname "$0")/settings"; do
		if [ -r "$s" ]; then
			sed -n 's/^timeout=\([0-9][0-9]*\)$/\1/p' "$s" | head -n 1
			return
		fi
	done
}
limit=$(settings_timeout)
limit=${limit:-45}

progs=
for p in "$dir"/siov_*; do
	[ -x "$p" ] && [ -f "$p" ] && case $p in *.c|*_gen) ;; *) progs="$progs $p" ;; esac
done

summary=$out/selftests.ktap
n=0
failed=0
{
	echo "TAP version 13"
	echo "1..$(echo $progs | wc -w)"
} | tee "$summary"
for p in $progs; do
	name=$(basename "$p")
	n=$((n + 1))
	echo "# selftests: siov: $name" | tee -a "$summary"
	(cd "$dir" && timeout "$limit" "./$name") >"$out/$name.ktap" 2>&1
	rc=$?
	case $rc in
	0)	line="ok $n selftests: siov: $name" ;;
	4)	# kselftest's runner prints no reason; ours gives the first
		# test's (an all-skip program skips for one reason, usually)
		why=$(sed -n 's/^ok [0-9]* [^ ]* # SKIP //p' "$out/$name.ktap" | head -n 1)
		line="ok $n selftests: siov: $name # SKIP${why:+ $why}" ;;
	124|143) line="not ok $n selftests: siov: $name # TIMEOUT $limit seconds"
		failed=$((failed + 1)) ;;
	*)	line="not ok $n selftests: siov: $name # exit=$rc"
		failed=$((failed + 1)) ;;
	esac
	echo "$line" | tee -a "$summary"
done
[ "$failed" -eq 0 ]
