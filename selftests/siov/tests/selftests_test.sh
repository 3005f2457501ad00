#!/bin/bash
# SPDX-License-Identifier: MIT
#
# selftests/siov against the kernel trees this machine has: for each tree
# with built headers (vm-images caches them under /var/cache/siovh/kernels,
# or SIOV_KSRC + SIOV_KHDR name one), build the kselftest programs
# standalone with -Werror and check their KTAP and exit codes:
#   - on this host's kernel (the kernel target): the plan is the facet's
#     clause count, every skip has a reason, and the exit code is what
#     kselftest says for the results (4 when all skipped, 0, or 1);
#   - on the reference (SIOV_TARGET=ref): every test passes, exit 0;
#   - with clang too (build only, -Werror);
#   - on the reference with an injected iommufd fault: some test fails with
#     its evidence, exit 1 (the fail path is real);
# then bundle them into a scratch copy of the first tree's kselftest
# directory and run `make -C tools/testing/selftests TARGETS=siov run_tests`.
# The kernel trees are never modified. Without any tree: one SKIP.
#
#   selftests_test.sh SIOVH_BINARY [WORK_DIR]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
. "$root/harness/core/tests/tap.sh"

siovh=${1:?usage: selftests_test.sh SIOVH_BINARY [WORK_DIR]}
work=${2:-$root/build/selftests/check}
cache=${SIOVH_CACHE:-/var/cache/siovh}
facets="iommufd vdev pci"
mkdir -p "$work"

# Pairs "SRC HDR" of kernel trees whose headers_install output exists, one
# per source tree: the cache's variants of one kernel (gcov, fuzz, older
# fragments) share its uAPI headers, so building against each again would
# test nothing new.
trees() {
	local k src seen=" "
	if [ -n "${SIOV_KSRC:-}" ]; then
		echo "$SIOV_KSRC ${SIOV_KHDR:-$SIOV_KSRC/usr/include}"
		return
	fi
	for k in "$cache"/kernels/*/; do
		# "done": the entry is complete (a build in progress has none).
		[ -f "$k/done" ] && [ -r "$k/source" ] &&
			[ -f "$k/headers/include/linux/iommufd.h" ] || continue
		src=$(cat "$k/source")
		[ -f "$src/tools/testing/selftests/kselftest_harness.h" ] || continue
		[[ $seen == *" $src "* ]] && continue
		seen+="$src "
		echo "$src ${k}headers/include"
	done
}

# ccache, as siovh's Makefile uses it: each tree's builds compile siovh's
# library again (gcc and clang, standalone and in-tree), the same sources
# on every run and in every clone. Debug info may then name another
# clone's directory (CCACHE_NOHASHDIR): these programs are only run.
CC_GCC=gcc CC_CLANG=clang
if command -v ccache >/dev/null && mkdir -p "$cache/ccache" 2>/dev/null &&
   [ -w "$cache/ccache" ]; then
	export CCACHE_DIR=$cache/ccache CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
	CC_GCC="ccache gcc" CC_CLANG="ccache clang"
fi

# count_clauses FACET: clauses of that facet in siovh's catalog.
count_clauses() { "$siovh" list | awk -v f="$1" '$3 == f' | wc -l; }

# The exit code kselftest expects for a KTAP file's results.
expected_rc() {
	local p f s
	p=$(grep -cE '^ok [0-9]+ ' "$1")
	s=$(grep -E '^ok [0-9]+ ' "$1" | grep -c '# SKIP')
	f=$(grep -cE '^not ok [0-9]+ ' "$1")
	if [ "$f" -gt 0 ]; then echo 1
	elif [ "$p" -eq "$s" ] && [ "$s" -gt 0 ]; then echo 4
	else echo 0
	fi
}

# plan_is FILE N: the KTAP plan is 1..N and N results follow.
plan_is() {
	grep -qx "1\.\.$2" "$1" &&
		[ "$(grep -cE '^(not )?ok [0-9]+ ' "$1")" -eq "$2" ]
}

# One tree: build standalone, then run every program three ways.
check_tree() {
	local src=$1 hdr=$2 name out log prog nc rc exp fault f
	name=$(basename "$src")
	out=$work/$name
	log=$work/$name.build.log
	make -C "$root/selftests/siov" KSRC="$src" KHDR="$hdr" OUTPUT="$out" \
		CC="$CC_GCC" USERCFLAGS=-Werror -j"${JOBS:-2}" >"$log" 2>&1
	ok $? "$name: standalone build with -Werror" || { tail -5 "$log" | sed 's/^/# /'; return; }
	! grep -q 'warning:' "$log"
	ok $? "$name: no compiler warnings" || grep -m5 'warning:' "$log" | sed 's/^/# /'

	if command -v clang >/dev/null; then
		make -C "$root/selftests/siov" KSRC="$src" KHDR="$hdr" OUTPUT="$out-clang" \
			LLVM=1 CC="$CC_CLANG" USERCFLAGS=-Werror -j"${JOBS:-2}" >"$log.clang" 2>&1 &&
			! grep -q 'warning:' "$log.clang"
		ok $? "$name: standalone build with clang -Werror, no warnings" ||
			grep -m5 'warning:\|error' "$log.clang" | sed 's/^/# /'
	else
		skip "$name: clang build" "clang is not installed"
	fi

	fault=$("$siovh" faults | awk '$2 == "iommufd" { print $1; exit }')
	for f in $facets; do
		prog=$out/siov_$f
		nc=$(count_clauses "$f")
		SIOV_TARGET=kernel "$prog" >"$out/$f.kernel.ktap" 2>&1
		rc=$?
		plan_is "$out/$f.kernel.ktap" "$nc"
		ok $? "$name: siov_$f on this kernel: plan 1..$nc, $nc results"
		! grep -E '^ok [0-9]+ .*# SKIP *$' "$out/$f.kernel.ktap" | grep -q .
		ok $? "$name: siov_$f on this kernel: every skip has a reason"
		exp=$(expected_rc "$out/$f.kernel.ktap")
		[ "$rc" -eq "$exp" ]
		ok $? "$name: siov_$f on this kernel: exit $rc, kselftest's code for its results is $exp" ||
			grep -m3 '^not ok' "$out/$f.kernel.ktap" | sed 's/^/# /'

		SIOV_TARGET=ref "$prog" >"$out/$f.ref.ktap" 2>&1
		rc=$?
		[ "$rc" -eq 0 ] && plan_is "$out/$f.ref.ktap" "$nc" &&
			[ "$(grep -cE '^ok [0-9]+ siov\.[A-Za-z0-9_]+$' "$out/$f.ref.ktap")" -eq "$nc" ]
		ok $? "$name: siov_$f on the reference: $nc passed, exit 0 (got $rc)" ||
			grep -m3 '^not ok' "$out/$f.ref.ktap" | sed 's/^/# /'
	done
	if [ -n "$fault" ]; then
		SIOV_TARGET=ref:fault=$fault "$out/siov_iommufd" >"$out/fault.ktap" 2>&1
		rc=$?
		[ "$rc" -eq 1 ] && grep -qE '^not ok [0-9]+ ' "$out/fault.ktap" &&
			grep -qE '^# .*: (EXPECT|ASSERT)_' "$out/fault.ktap"
		ok $? "$name: siov_iommufd on ref:fault=$fault fails with evidence, exit 1 (got $rc)"
	else
		skip "$name: fault path" "siovh lists no iommufd fault"
	fi

	# run-in-vm.sh, the VM tier's runner, under busybox sh when present.
	local sh=sh
	command -v busybox >/dev/null && sh="busybox sh"
	SIOV_TARGET=ref $sh "$root/selftests/siov/run-in-vm.sh" "$out" "$out/vm.ref" \
		>"$out/vm.ref.tap" 2>&1 &&
		[ "$(grep -cE '^ok [0-9]+ selftests: siov: siov_[a-z]+$' "$out/vm.ref.tap")" -eq 3 ] &&
		[ -s "$out/vm.ref/siov_iommufd.ktap" ]
	ok $? "$name: run-in-vm.sh ($sh) on the reference: 3 programs ok, exit 0"
	if [ -n "$fault" ]; then
		SIOV_TARGET=ref:fault=$fault $sh "$root/selftests/siov/run-in-vm.sh" \
			"$out" "$out/vm.fault" >"$out/vm.fault.tap" 2>&1
		rc=$?
		[ "$rc" -eq 1 ] &&
			grep -qE '^not ok [0-9]+ selftests: siov: siov_iommufd # exit=1$' "$out/vm.fault.tap"
		ok $? "$name: run-in-vm.sh with ref:fault=$fault: siov_iommufd not ok, exit 1 (got $rc)"
	fi
}

# A scratch kselftest directory: the tree's kselftest files, its headers,
# and the bundle; then the kernel's own selftests make runs it.
check_in_tree() {
	local src=$1 hdr=$2 k log
	k=$work/intree
	rm -rf "$k"
	mkdir -p "$k/tools/testing/selftests" "$k/scripts" "$k/usr"
	cp -p "$src"/tools/testing/selftests/{Makefile,lib.mk,kselftest.h,kselftest_harness.h} \
		"$k/tools/testing/selftests/" &&
	cp -rp "$src/tools/testing/selftests/kselftest" "$k/tools/testing/selftests/" &&
	cp -p "$src/scripts/subarch.include" "$k/scripts/" &&
	cp -rp "$hdr" "$k/usr/include"
	ok $? "in-tree: scratch copy of $(basename "$src")'s kselftest directory" || return
	log=$work/intree.log
	make -C "$root/selftests/siov" bundle KSRC="$k" OUTPUT="$work/$(basename "$src")" \
		>"$log" 2>&1 &&
	[ -f "$k/tools/testing/selftests/siov/gen/siov_iommufd.c" ]
	ok $? "in-tree: make bundle" || { tail -5 "$log" | sed 's/^/# /'; return; }
	make -C "$k/tools/testing/selftests" TARGETS=siov CC="$CC_GCC" -j"${JOBS:-2}" >>"$log" 2>&1 &&
		[ -x "$k/tools/testing/selftests/siov/siov_iommufd" ]
	ok $? "in-tree: make -C tools/testing/selftests TARGETS=siov" ||
		{ tail -5 "$log" | sed 's/^/# /'; return; }
	SIOV_TARGET=ref make -C "$k/tools/testing/selftests" TARGETS=siov run_tests \
		>"$work/intree.ref.tap" 2>&1
	[ "$(grep -cE '^ok [0-9]+ selftests: siov: siov_[a-z]+$' "$work/intree.ref.tap")" -eq 3 ]
	ok $? "in-tree: run_tests on the reference: 3 programs ok" ||
		grep -E 'selftests: siov' "$work/intree.ref.tap" | sed 's/^/# /'
	make -C "$k/tools/testing/selftests" TARGETS=siov run_tests >"$work/intree.kernel.tap" 2>&1
	[ "$(grep -cE '^ok [0-9]+ selftests: siov: siov_[a-z]+( # SKIP)?$' "$work/intree.kernel.tap")" -eq 3 ]
	ok $? "in-tree: run_tests on this kernel: 3 programs ok or skipped" ||
		grep -E 'selftests: siov' "$work/intree.kernel.tap" | sed 's/^/# /'
}

first=
while read -r src hdr; do
	[ -n "$src" ] || continue
	check_tree "$src" "$hdr"
	[ -n "$first" ] || first="$src $hdr"
done < <(trees)
if [ -z "$first" ]; then
	skip "selftests/siov" "no kernel tree with built headers in $cache/kernels (make vm-check builds them) and no SIOV_KSRC"
else
	check_in_tree $first
fi
tap_end
