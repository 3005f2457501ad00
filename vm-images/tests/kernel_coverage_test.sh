#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# vm-images/kernel-coverage.sh without a VM: a fake kernel cache entry whose
# "kernel" is a small program built with gcov from files laid out like the
# kernel's (drivers/iommu/iommufd, drivers/iommu/intel, drivers/vfio,
# drivers/vfio/pci), and run directories holding the gcov tarballs a guest
# leaves (gcov/boot.tar, gcov/run.tar, gcov/kselftest-iommufd.tar, .gcda
# files under some build-tree path). Checks the scenarios, that files never
# executed count (the --initial capture), that iommufd's figures leave out
# selftest.c, the index, and the errors. TAP on stdout.
set -uo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
KCOVERAGE=$HERE/kernel-coverage.sh
. "$HERE/../harness/core/tests/tap.sh"

for t in lcov genhtml jq gcc; do
	if ! command -v "$t" >/dev/null; then
		printf 'ok 1 kernel-coverage.sh # SKIP %s not installed (harness/scripts/deps.sh --vm)\n1..1\n' "$t"
		exit 0
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-kcoverage-test.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
src=$tmp/src
kdir=$tmp/kernels/fake-0123
obj=$kdir/build
mkdir -p "$src"/drivers/iommu/iommufd "$src"/drivers/iommu/intel "$src"/drivers/vfio/pci "$src"/samples/x

# main.c: two functions, both run in the siovh scenario; selftest.c: half
# run (counting it would lower iommufd's figure); intel: run at boot;
# vfio_main.c: one of two branches; vfio_pci.c: never run.
cat >"$src/drivers/iommu/iommufd/main.c" <<'EOF'
int iommufd_a(int x) { return x + 1; }
int iommufd_b(int x) { return x * 2; }
EOF
cat >"$src/drivers/iommu/iommufd/selftest.c" <<'EOF'
int mock_a(int x) { return x - 1; }
int mock_b(int x) { return x - 2; }
EOF
cat >"$src/drivers/iommu/intel/iommu.c" <<'EOF'
int intel_init(int x) { return x; }
EOF
cat >"$src/drivers/vfio/vfio_main.c" <<'EOF'
int vfio_open(int x)
{
	if (x > 100)
		return -1;
	return 0;
}
EOF
cat >"$src/drivers/vfio/pci/vfio_pci.c" <<'EOF'
int vfio_pci_probe(int x) { return x + 3; }
EOF
cat >"$src/samples/x/prog.c" <<'EOF'
#include <string.h>
int iommufd_a(int), iommufd_b(int), mock_a(int), intel_init(int);
int vfio_open(int), vfio_pci_probe(int);
int main(int argc, char **argv)
{
	int r = intel_init(argc);

	if (argc > 1 && !strcmp(argv[1], "run"))
		r += iommufd_a(1) + iommufd_b(2) + mock_a(3) + vfio_open(4);
	if (argc > 1 && !strcmp(argv[1], "kself"))
		r += iommufd_a(1);
	if (argc > 1 && !strcmp(argv[1], "corpus"))
		r += iommufd_b(1) + vfio_open(200) + vfio_pci_probe(1);
	return r < 0;
}
EOF
dirs="drivers/iommu drivers/iommu/iommufd drivers/iommu/intel drivers/vfio drivers/vfio/pci"
mkdir -p "$obj"
for d in $dirs samples/x; do mkdir -p "$obj/$d"; done
objs=()
for f in drivers/iommu/iommufd/main drivers/iommu/iommufd/selftest drivers/iommu/intel/iommu \
	 drivers/vfio/vfio_main drivers/vfio/pci/vfio_pci samples/x/prog; do
	(cd "$obj" && gcc -O0 --coverage -c "$src/$f.c" -o "$f.o") || { echo "Bail out! gcc $f.c"; exit 1; }
	objs+=("$obj/$f.o")
done
# drivers/iommu itself has a file too (an instrumented directory must not
# be empty for build-kernel.sh; here the report just takes it in)
echo 'int iommu_core(void) { return 0; }' >"$src/drivers/iommu/iommu.c"
(cd "$obj" && gcc -O0 --coverage -c "$src/drivers/iommu/iommu.c" -o drivers/iommu/iommu.o)
gcc --coverage "${objs[@]}" "$obj/drivers/iommu/iommu.o" -o "$tmp/prog" || { echo "Bail out! link"; exit 1; }
echo "$dirs" >"$kdir/gcov-dirs"
echo "$src" >"$kdir/source"
echo "9.9.9-fake" >"$kdir/release"

# snapshot NAME RUN_DIR ARGS: run the program (fresh counters), tar its
# .gcda files as a guest would (under another path prefix)
snapshot() {
	local name=$1 run=$2 g=$tmp/guest/sys/kernel/debug/gcov/build
	shift 2
	find "$obj" -name '*.gcda' -delete
	"$tmp/prog" "$@"
	rm -rf "$tmp/guest"
	(cd "$obj" && find . -name '*.gcda' | while read -r f; do
		mkdir -p "$g/$(dirname "$f")"
		cp "$f" "$g/$f"
	done)
	mkdir -p "$run/gcov"
	tar -C "$g" -cf "$run/gcov/$name.tar" .
}
snapshot boot "$tmp/runs/a"
snapshot run "$tmp/runs/a" run
snapshot boot "$tmp/runs/b"
snapshot run "$tmp/runs/b" run
snapshot kselftest-iommufd "$tmp/runs/b" kself
mkdir -p "$tmp/runs/nogcov"
# a corpus replay (fuzz-kernel-coverage.sh): its boot, two corpora
snapshot boot "$tmp/runs/c"
snapshot corpus-big "$tmp/runs/c" corpus
snapshot corpus-none "$tmp/runs/c" none

out=$tmp/report/kernel-coverage/9.9.9-fake
"$KCOVERAGE" "$kdir" "$out" "$tmp/runs/a" "$tmp/runs/b" "$tmp/runs/nogcov" >"$tmp/out" 2>"$tmp/err"
ok $? "kernel-coverage.sh over two runs (and one without gcov data) exits 0"
grep -q "runs/nogcov has no gcov/boot.tar, left out" "$tmp/err"
ok $? "a run without gcov data is left out, said so"
[ -s "$out/boot/index.html" ] && [ -s "$out/siovh/index.html" ] && [ -s "$out/kselftest-iommufd/index.html" ]
ok $? "genhtml report per scenario (boot, siovh, kselftest-iommufd)"
j=$out/coverage.json
fig() { jq -r --arg s "$1" --arg d "$2" ".scenarios[] | select(.scenario == \$s) | .dirs[\$d].$3" "$j"; }
[ "$(fig siovh drivers/iommu/iommufd lines.pct)" = 100 ] &&
	[ "$(fig siovh drivers/iommu/iommufd lines.total)" = 2 ]
ok $? "iommufd: main.c fully run is 100 %, selftest.c (half run) left out: $(fig siovh drivers/iommu/iommufd lines.hit)/$(fig siovh drivers/iommu/iommufd lines.total) lines"
[ "$(fig siovh drivers/vfio lines.total)" -gt "$(fig siovh drivers/vfio lines.hit)" ] &&
	[ "$(fig siovh drivers/vfio lines.hit)" -gt 0 ] &&
	grep -q 'vfio_pci.c' "$out/siovh.info"
ok $? "never-executed vfio_pci.c counts (--initial): vfio $(fig siovh drivers/vfio lines.hit)/$(fig siovh drivers/vfio lines.total) lines"
[ "$(fig siovh drivers/vfio branches.total)" -gt 0 ] && [ "$(fig siovh drivers/vfio branches.hit)" -lt "$(fig siovh drivers/vfio branches.total)" ]
ok $? "branches counted: vfio $(fig siovh drivers/vfio branches.hit)/$(fig siovh drivers/vfio branches.total)"
[ "$(fig boot drivers/iommu/iommufd lines.hit)" = 0 ] && [ "$(fig boot drivers/iommu/intel lines.pct)" = 100 ]
ok $? "boot: only what ran at boot (intel 100 %, iommufd 0)"
[ "$(fig kselftest-iommufd drivers/iommu/iommufd lines.hit)" = 1 ] &&
	[ "$(jq -r '.scenarios[] | select(.scenario == "kselftest-iommufd") | .runs | join(",")' "$j")" = b ]
ok $? "kselftest-iommufd: its run (b) only, with that run's boot"
! grep -q 'samples/x' "$out/siovh.info"
ok $? "the report is cut to drivers/iommu and drivers/vfio"

fout=$tmp/report/fuzz/9.9.9-fake
"$KCOVERAGE" "$kdir" "$fout" "$tmp/runs/c" "$tmp/runs/a" >"$tmp/out" 2>"$tmp/err"
ok $? "kernel-coverage.sh over a corpus replay and a clauses run exits 0"
j=$fout/coverage.json
[ "$(jq -r '[.scenarios[].scenario] | join(",")' "$j")" = boot,siovh,corpus-big,corpus-none ] &&
	[ -s "$fout/corpus-big/index.html" ]
ok $? "corpus-NAME scenarios after the others, by name, each with its report: $(jq -r '[.scenarios[].scenario] | join(",")' "$j")"
[ "$(fig corpus-big drivers/iommu/iommufd lines.hit)" = 1 ] && [ "$(fig corpus-big drivers/vfio lines.hit)" = 4 ] &&
	grep -A6 'vfio_pci.c' "$fout/corpus-big.info" | grep -q '^DA:1,1' &&
	[ "$(fig corpus-big drivers/iommu/intel lines.pct)" = 100 ] &&
	[ "$(jq -r '.scenarios[] | select(.scenario == "corpus-big") | .runs | join(",")' "$j")" = c ]
ok $? "corpus-big: what the corpus ran (iommufd_b, vfio's other branch, vfio_pci) plus its run's boot (intel), run c only"
[ "$(fig corpus-none drivers/iommu/iommufd lines.hit)" = 0 ] && [ "$(fig corpus-none drivers/iommu/intel lines.pct)" = 100 ]
ok $? "corpus-none: the boot alone (counters zeroed before each corpus)"
[ "$(fig boot drivers/iommu/iommufd lines.hit)" = 0 ] && [ "$(fig siovh drivers/iommu/iommufd lines.hit)" = 2 ]
ok $? "boot and siovh unchanged by the corpus run next to them"
mkdir -p "$tmp/runs/bad/gcov" && cp "$tmp/runs/c/gcov/boot.tar" "$tmp/runs/bad/gcov/" &&
	cp "$tmp/runs/c/gcov/corpus-big.tar" "$tmp/runs/bad/gcov/corpus-a b.tar"
"$KCOVERAGE" "$kdir" "$tmp/r4" "$tmp/runs/bad" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q 'corpus-a b.tar: a corpus name' "$tmp/err" && [ ! -e "$tmp/r4" ]
ok $? "a corpus name with a space: exit 1 naming the file, nothing written"

"$KCOVERAGE" --index "$tmp/report/kernel-coverage" >/dev/null 2>"$tmp/err" &&
	grep -q '9.9.9-fake/siovh/index.html' "$tmp/report/kernel-coverage/index.html" &&
	[ "$(jq -r '.kernels[0].kernel' "$tmp/report/kernel-coverage/coverage.json")" = 9.9.9-fake ] &&
	jq -e '.run.date and .anchor_quoted.lines_pct' "$tmp/report/kernel-coverage/coverage.json" >/dev/null
ok $? "--index: a table linking each kernel's scenarios, coverage.json with the run and the quoted anchor"

"$KCOVERAGE" "$kdir" "$tmp/r2" "$tmp/runs/nogcov" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q 'no run directory has gcov data' "$tmp/err" && [ ! -e "$tmp/r2" ]
ok $? "no gcov data at all: exit 1, said so, nothing written"
rm "$kdir/gcov-dirs"
"$KCOVERAGE" "$kdir" "$tmp/r3" "$tmp/runs/a" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q 'gcov-dirs missing: not a gcov kernel build' "$tmp/err"
ok $? "a kernel without gcov: exit 1 naming the missing file"
echo "$dirs" >"$kdir/gcov-dirs"
echo garbage >"$tmp/runs/a/gcov/boot.tar"
"$KCOVERAGE" "$kdir" "$out" "$tmp/runs/a" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -q 'boot.tar' "$tmp/err" && [ -s "$out/siovh/index.html" ]
ok $? "a broken tarball: exit 1 naming it, the previous report kept"

tap_end
