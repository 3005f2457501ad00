#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Boot the siovh VM and collect what it ran:
#
#   vm-images/run-vm.sh [--shell] PROFILE KERNEL_DIR INITRAMFS [REPORT_DIR]
#
# PROFILE (the VM's devices and kernel command line):
#   mock   no emulated IOMMU, intel_iommu=off: the IOMMUFD_TEST mock device
#          attaches only like this on 6.12
#   vtd    emulated VT-d in scalable mode with PASID (intel-iommu,
#          x-scalable-mode=on,x-pasid-mode=on, interrupt remapping) and an
#          edu device
#   vtd-legacy  VT-d in legacy mode (not scalable) with Device-TLB support
#          (device-iotlb=on), edu and the ATS function (below)
#   vtd-flts    VT-d in scalable mode with first-stage translation
#          (x-flts=on) and Device-TLB support, edu and the ATS function;
#          VFIO attach fails with it on 6.12. No x-pasid-mode here: QEMU
#          10.0 refuses device-iotlb=on with it ("PASID based device IOTLB
#          is not supported"), so profile vtd keeps PASIDs and no ATS.
#          The ATS function: a virtio-rng-pci with ats=on behind a PCIe
#          root port (1af4:1044; the kernel has no virtio driver, so it
#          stays unbound until the guest binds it to vfio-pci). With
#          device-iotlb=on VT-d reports Device-TLB support and QEMU's DMAR
#          table an ATSR for all root ports, so the intel driver enables
#          ATS on it and flushes its device IOTLB on unmap. It has no FLR
#          (x-pcie-flr-init=off): vfio-pci resets it at every open and
#          close, and an FLR waits 100 ms; its PM reset takes 10 ms.
#   siov   the same VT-d and the siovh SIOV endpoint (siov-testdev, the
#          reference device core in QEMU: vm-images/qemu/) behind a PCIe
#          root port; needs the QEMU vm-images/qemu/build-qemu.sh builds
#          (QEMU=<its path>). SIOV_FAULT=<name> boots the device with one
#          of its injected faults (harness/ref/siovdev/faults.h). The guest
#          runs siov-pasid-test (vm-images/guest/) before the clauses; its
#          TAP lands in REPORT_DIR/siov.tap and is the VM result siov-pasid.
# KERNEL_DIR: a vm-images/build-kernel.sh cache entry (bzImage, release).
#
# Batch mode: QEMU under TCG (KVM only when /proc/cpuinfo has vmx/svm and
# /dev/kvm opens), console (ttyS0) to REPORT_DIR/console.log, the results
# port (ttyS1) to a file; a watchdog of VM_TIMEOUT seconds (default 900)
# kills a VM that does not power off ("VM hung", with the console's tail).
# The reports siovh wrote in the guest (results.json, results.ktap,
# junit.xml) are unpacked into REPORT_DIR (default reports/vm/<kernel>-
# <profile>), which is replaced as a whole only when the run is over. The
# console is scanned for kernel oopses, WARNINGs, BUGs, KASAN/UBSAN reports
# and panics. REPORT_DIR/vm.ktap has the VM's own results (boot, results,
# console clean, siovh's verdict) with the evidence, vm.json the figures.
#
# A kernel crash during siovh's run (oops=panic ends the VM) is reported
# (console-clean, with the excerpt) and the clauses left run in a fresh VM
# (vm-images/resume.sh; SIOVH_CATALOG, VM_RESUMES): REPORT_DIR then has
# every clause's result, the crashed boots' read from their consoles, and
# vm.ktap a resume-N result per fresh VM.
#
# --shell: the same kernel and image, console on this terminal, the guest's
# init starting a shell (siovh.mode=shell); nothing is collected.
#
# Exit: 0 all VM results and clauses ok (skips allowed), 1 one failed, 2 bad
# usage or missing input.
# Env: VM_TIMEOUT, VM_SMP (2), VM_MEM (1G), SIOVH_TIMEOUT_SCALE (4 under
# TCG), QEMU (qemu-system-x86_64), VM_APPEND (extra kernel arguments),
# VM_MODE (run, default; empty: init does nothing, the boot baseline: only
# boot, results and console-clean are judged; fuzz: the image's fuzzing run,
# init.sh siovh.mode=fuzz for vm-images/fuzz-kernel.sh, the VM result
# "fuzzer" in place of "siovh-run"), VM_QEMU_EXTRA (more QEMU arguments),
# SIOV_FAULT (profile siov), SIOVH_CATALOG (`siovh list --format json` of
# the guest's clauses, with its --filter: needed to resume after a crash),
# VM_RESUMES (fresh VMs after crashes, default 3), VM_KNOWN_CONSOLE (a
# file of "ERE<TAB>finding" lines: kernel bug reports of documented kernel
# findings, which console-clean shows without failing; one that does not
# occur fails as console-finding).
set -euo pipefail

die() { echo "run-vm.sh: $*" >&2; exit 2; }

SHELL_MODE=0
if [ "${1:-}" = --shell ]; then
	SHELL_MODE=1
	shift
fi
[ $# -ge 3 ] || die "usage: run-vm.sh [--shell] PROFILE KERNEL_DIR INITRAMFS [REPORT_DIR]"
PROFILE=$1
KERNEL_DIR=$2
INITRAMFS=$3
QEMU=${QEMU:-qemu-system-x86_64}
VM_MODE=${VM_MODE:-run}
case $VM_MODE in run|empty|fuzz) ;; *) die "VM_MODE=$VM_MODE: run, empty or fuzz" ;; esac
VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_SMP=${VM_SMP:-2}
VM_MEM=${VM_MEM:-1G}

[ -f "$KERNEL_DIR/bzImage" ] || die "$KERNEL_DIR/bzImage missing (run vm-images/build-kernel.sh)"
[ -f "$INITRAMFS" ] || die "$INITRAMFS missing (run vm-images/build-initramfs.sh)"
command -v "$QEMU" >/dev/null || die "$QEMU not found (harness/scripts/deps.sh --vm)"
KREL=$(cat "$KERNEL_DIR/release" 2>/dev/null || basename "$KERNEL_DIR")
REPORT_DIR=${4:-reports/vm/$KREL-$PROFILE}

# ---- the profile: machine, devices, kernel arguments ----
MACHINE=q35
DEVICES=()
DMAR_TABLE=0
# the ATS function of the vtd profiles (above)
# shellcheck disable=SC2054 # QEMU's option lists are comma-separated
ATS_DEVICE=(-device pcie-root-port,id=ats-rp,chassis=2
	    -device virtio-rng-pci,bus=ats-rp,ats=on,x-pcie-flr-init=off)
APPEND="console=ttyS0 printk.time=1 panic=-1 oops=panic"
case $PROFILE in
mock)
	APPEND="$APPEND intel_iommu=off"
	;;
vtd)
	MACHINE="q35,kernel-irqchip=split"
	# shellcheck disable=SC2054 # QEMU's option lists are comma-separated
	DEVICES=(-device intel-iommu,intremap=on,caching-mode=on,x-scalable-mode=on,x-pasid-mode=on
		 -device edu)
	APPEND="$APPEND intel_iommu=on,sm_on"
	;;
vtd-legacy)
	# VT-d in legacy mode (no scalable mode: context entries point at the
	# second-stage tables, the intel driver's legacy paths) and edu
	MACHINE="q35,kernel-irqchip=split"
	# shellcheck disable=SC2054 # QEMU's option lists are comma-separated
	DEVICES=(-device intel-iommu,intremap=on,caching-mode=on,device-iotlb=on,snoop-control=on,eim=on,aw-bits=39
		 -device edu "${ATS_DEVICE[@]}")
	APPEND="$APPEND intel_iommu=on,sm_off,strict,sp_off"
	# and QEMU's DMAR table replaced by vm-images/dmar-table.py's: the
	# same unit and scopes plus an RMRR and a SATC (ACPI table upgrade
	# from the initrd)
	DMAR_TABLE=1
	APPEND="$APPEND siovh.dmar_table=1"
	;;
vtd-flts)
	# scalable mode with first-stage translation (x-flts=on: the intel
	# driver then gives paging domains first-stage tables) and edu; on
	# 6.12 VFIO attach fails with it
	MACHINE="q35,kernel-irqchip=split"
	# shellcheck disable=SC2054 # QEMU's option lists are comma-separated
	DEVICES=(-device intel-iommu,intremap=on,caching-mode=on,x-scalable-mode=on,x-flts=on,device-iotlb=on,snoop-control=on
		 -device edu "${ATS_DEVICE[@]}")
	APPEND="$APPEND intel_iommu=on,sm_on"
	;;
siov)
	MACHINE="q35,kernel-irqchip=split"
	# shellcheck disable=SC2054 # QEMU's option lists are comma-separated
	DEVICES=(-device intel-iommu,intremap=on,caching-mode=on,x-scalable-mode=on,x-pasid-mode=on
		 -device pcie-root-port,id=siov-rp,chassis=1
		 -device "siov-testdev,bus=siov-rp${SIOV_FAULT:+,fault=$SIOV_FAULT}"
		 # Firmware: the built QEMU installs none, Debian's packages have it.
		 -L /usr/share/seabios -L /usr/share/qemu)
	APPEND="$APPEND intel_iommu=on,sm_on siovh.siov=1"
	"$QEMU" -device help 2>/dev/null | grep -q '"siov-testdev"' ||
		die "$QEMU has no siov-testdev device (build it: vm-images/qemu/build-qemu.sh)"
	;;
*)
	die "unknown profile '$PROFILE' (mock, vtd, vtd-legacy, vtd-flts, siov)"
	;;
esac

# shellcheck disable=SC2054 # QEMU's option lists are comma-separated
ACCEL=(-accel tcg,thread=multi -cpu max)
SCALE=${SIOVH_TIMEOUT_SCALE:-4}
if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ]; then
	ACCEL=(-accel kvm -cpu host)
	SCALE=${SIOVH_TIMEOUT_SCALE:-1}
fi
APPEND="$APPEND siovh.timeout_scale=$SCALE ${VM_APPEND:-}"

# VM_QEMU_EXTRA: more QEMU arguments, words (fuzz-kernel.sh's ivshmem).
# shellcheck disable=SC2206 # split into words on purpose
EXTRA=(${VM_QEMU_EXTRA:-})
QEMU_ARGS=(-machine "$MACHINE" "${ACCEL[@]}" -smp "$VM_SMP" -m "$VM_MEM"
	   -nographic -no-reboot -nic none "${DEVICES[@]}" "${EXTRA[@]}"
	   -kernel "$KERNEL_DIR/bzImage")

# with_dmar_table DIR: INITRAMFS becomes DIR/initrd, the DMAR table's cpio
# (uncompressed, first: the kernel looks for kernel/firmware/acpi/ there
# before it unpacks anything) followed by the image
with_dmar_table() {
	[ "$DMAR_TABLE" = 1 ] || return 0
	python3 "$(dirname "$0")/dmar-table.py" "$1/dmar.cpio" || die "dmar-table.py failed"
	cat "$1/dmar.cpio" "$INITRAMFS" >"$1/initrd"
	INITRAMFS=$1/initrd
}

if [ "$SHELL_MODE" = 1 ]; then
	SHELL_TMP=$(mktemp -d)
	with_dmar_table "$SHELL_TMP"
	"$QEMU" "${QEMU_ARGS[@]}" -initrd "$INITRAMFS" -serial mon:stdio -serial null \
		-append "$APPEND siovh.mode=shell"
	rc=$?
	rm -rf "$SHELL_TMP"
	exit $rc
fi

# ---- batch run ----
mkdir -p "$(dirname "$REPORT_DIR")"
WORK=$(mktemp -d "$REPORT_DIR.tmp.XXXXXX")
with_dmar_table "$WORK"
QPID=""
cleanup() {
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill "$QPID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

CONSOLE=$WORK/console.log
RESULTS=$WORK/results.port

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# boot_vm N INITRD EXTRA_APPEND: boot N of this run, console to
# $WORK/console.N, results port to $WORK/results.N. The watchdog counts
# from the first boot (VM_TIMEOUT is the whole run's); boot 1 notes when
# init speaks first and when the first clause's result appears. Sets hung
# and qrc.
boot_vm() {
	local n=$1 con=$WORK/console.$1 t
	: >"$con"
	: >"$WORK/results.$n"
	"$QEMU" "${QEMU_ARGS[@]}" -initrd "$2" -monitor none \
		-chardev "file,id=con,path=$con" -serial chardev:con \
		-chardev "file,id=res,path=$WORK/results.$n" -serial chardev:res \
		-append "$APPEND siovh.mode=$VM_MODE $3" </dev/null >"$WORK/qemu.out" 2>&1 &
	QPID=$!
	while kill -0 "$QPID" 2>/dev/null; do
		t=$(now)
		if [ "$n" = 1 ] && [ -z "$first_init" ] && grep -q '^SIOVH-VM: kernel' "$con"; then
			first_init=$(elapsed "$start" "$t")
		fi
		if [ "$n" = 1 ] && [ -z "$first_result" ] && grep -qE '^\[ *[0-9]+/[0-9]+\] ' "$con"; then
			first_result=$(elapsed "$start" "$t")
		fi
		if awk -v a="$start" -v b="$t" -v m="$VM_TIMEOUT" 'BEGIN { exit !(b - a > m) }'; then
			hung=1
			kill "$QPID" 2>/dev/null || true
			break
		fi
		# finer until init spoke (an empty init powers off at once)
		if [ -z "$first_init" ]; then sleep 0.05; else sleep 0.2; fi
	done
	wait "$QPID" 2>/dev/null && qrc=0 || qrc=$?
	QPID=""
	# spoken and powered off between two polls: the exit time bounds it
	t=$(now)
	if [ "$n" = 1 ] && [ -z "$first_init" ] && grep -q '^SIOVH-VM: kernel' "$con"; then
		first_init=$(elapsed "$start" "$t")
	fi
	if [ "$n" = 1 ] && [ -z "$first_result" ] && grep -qE '^\[ *[0-9]+/[0-9]+\] ' "$con"; then
		first_result=$(elapsed "$start" "$t")
	fi
}

# After a kernel crash (a bug report on the console and no results) during
# siovh's run, the clauses left run in a fresh VM (resume.sh).
# shellcheck source=vm-images/resume.sh
. "$(dirname "${BASH_SOURCE[0]}")/resume.sh"

start=$(now)
first_init="" first_result="" hung=0 qrc=0
boots=1
boot_vm 1 "$INITRAMFS" ""
while [ "$VM_MODE" = run ] && [ "$hung" = 0 ] && resume_wanted "$boots"; do
	resume_prepare "$boots"
	boots=$((boots + 1))
	boot_vm "$boots" "$WORK/initrd.$boots" "siovh.resume=$boots"
done
cp "$WORK/console.1" "$CONSOLE"
for ((i = 2; i <= boots; i++)); do
	echo "SIOVH-VM: ---- boot $i: a fresh VM for the $(wc -l <"$WORK/left.$i") clauses left after the kernel crashed ----" >>"$CONSOLE"
	cat "$WORK/console.$i" >>"$CONSOLE"
done
cp "$WORK/results.$boots" "$RESULTS"
wall=$(elapsed "$start" "$(now)")

# known_console: the documented kernel findings' bug reports (findings.sh)
# shellcheck source=vm-images/findings.sh
. "$(dirname "${BASH_SOURCE[0]}")/findings.sh"

# ---- results ----
TESTS=()		# "ok|not ok<TAB>name<TAB>directive<TAB>diagnostics file"
add() { TESTS+=("$1"$'\t'"$2"$'\t'"$3"$'\t'"${4:-}"); }

tail -n 40 "$CONSOLE" >"$WORK/console.tail"
if [ "$hung" = 1 ]; then
	add "not ok" boot "VM hung: no power-off within ${VM_TIMEOUT} s" "$WORK/console.tail"
elif [ -z "$first_init" ]; then
	cat "$WORK/qemu.out" "$WORK/console.tail" >"$WORK/boot.diag"
	add "not ok" boot "init never ran (QEMU exit $qrc)" "$WORK/boot.diag"
else
	add ok boot "init after ${first_init} s"
fi

siovh_rc=""
tr -d '\r' <"$RESULTS" >"$WORK/results.txt"
if grep -q '^SIOVH-RESULTS-END rc=' "$WORK/results.txt"; then
	siovh_rc=$(sed -n 's/^SIOVH-RESULTS-END rc=\([0-9]*\).*/\1/p' "$WORK/results.txt")
	mkdir -p "$WORK/out"
	if sed -n '/^SIOVH-RESULTS-BEGIN$/,/^SIOVH-RESULTS-END/p' "$WORK/results.txt" |
	   sed '1d;$d' | base64 -d | tar -xzf - -C "$WORK/out" 2>"$WORK/extract.diag"; then
		add ok results "$(find "$WORK/out" -type f | wc -l) files"
		resume_merge "$WORK/out" 2>"$WORK/merge.diag" ||
			add "not ok" resume-merge "merging the crashed boots' results failed" "$WORK/merge.diag"
	else
		add "not ok" results "the results port did not decode" "$WORK/extract.diag"
	fi
else
	add "not ok" results "no SIOVH-RESULTS-END on the results port" \
		"$([ "$hung" = 1 ] || echo "$WORK/console.tail")"
fi

# Kernel messages (printk.time=1: "[   1.234567] ...") that report a bug.
grep -nE '^\[ *[0-9]+\.[0-9]+\] .*(Oops|WARNING:|BUG:|KASAN|UBSAN|Kernel panic)' \
	"$CONSOLE" >"$WORK/oops.hits" || true
known_console
if [ -s "$WORK/oops.hits" ]; then
	first=$(head -n1 "$WORK/oops.hits" | cut -d: -f1)
	sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$CONSOLE" >"$WORK/oops.diag"
	add "not ok" console-clean "$(wc -l <"$WORK/oops.hits") kernel bug report(s), first at console line $first" \
		"$WORK/oops.diag"
elif [ -s "$WORK/known.hits" ]; then
	first=$(head -n1 "$WORK/known.hits" | cut -d: -f1)
	sed -n "$((first > 5 ? first - 5 : 1)),$((first + 40))p" "$CONSOLE" >"$WORK/oops.diag"
	add ok console-clean "kernel finding (reported as documented): $(wc -l <"$WORK/known.hits") known kernel bug report(s), first at console line $first: $(paste -sd';' "$WORK/known.why")" \
		"$WORK/oops.diag"
else
	add ok console-clean "no Oops/WARNING/BUG/KASAN/UBSAN/panic"
fi
while IFS= read -r why; do
	add "not ok" console-finding "no such report in this run's console, but vm-images/kernel-findings.txt lists it ($why): the finding is gone, update the list"
done <"$WORK/known.gone"
resume_results

# siovh's own verdict: it ran to the end and wrote its reports (exit 0, or
# 1 when clauses failed: those count once, as the clauses' own results).
summary=$(grep -E '^[0-9]+ passed' "$CONSOLE" | tail -n1 || true)
[ "$VM_MODE" = empty ] && siovh_rc=empty
if [ "$VM_MODE" = fuzz ]; then
	# libFuzzer: 0 when its time ran out, else it found something (its
	# report and the input are in the results' findings/).
	case $siovh_rc in
	0) add ok fuzzer "exit 0: no finding" ;;
	"") add "not ok" fuzzer "the fuzzer did not finish" \
		"$([ "$hung" = 1 ] || [ -z "$first_init" ] || echo "$WORK/console.tail")" ;;
	*) add "not ok" fuzzer "exit $siovh_rc: a finding (see fuzz.log)" "$WORK/console.tail" ;;
	esac
else
	case $siovh_rc in
	empty) ;;
	0|1) add ok siovh-run "exit $siovh_rc: $summary" ;;
	"") add "not ok" siovh-run "siovh did not finish" \
		"$([ "$hung" = 1 ] || [ -z "$first_init" ] || echo "$WORK/console.tail")" ;;
	*) add "not ok" siovh-run "exit $siovh_rc (usage or internal error): $summary" "$WORK/console.tail" ;;
	esac
fi

# The fuzz targets' seeds replayed on the kernel (init.sh fuzz_replay):
# one VM result; a divergence or crash is the replay's exit and its log.
if [ -f "$WORK/out/fuzz-replay.rc" ]; then
	frc=$(cat "$WORK/out/fuzz-replay.rc")
	tail -n 30 "$WORK/out/fuzz-replay.log" >"$WORK/replay.diag" 2>/dev/null || true
	if [ "$frc" = 0 ]; then
		add ok fuzz-replay "the seeds ran on the kernel, no finding"
	else
		add "not ok" fuzz-replay "exit $frc (fuzz-replay.log)" "$WORK/replay.diag"
	fi
fi

# The SIOV endpoint's guest test (profile siov): one VM result, its own
# results flattened next to the clauses' by vm-check.sh.
if [ "$PROFILE" = siov ] && [ "$VM_MODE" = run ]; then
	if [ -f "$WORK/out/siov.tap" ] && grep -q '^1\.\.[1-9]' "$WORK/out/siov.tap"; then
		nf=$(grep -c '^not ok ' "$WORK/out/siov.tap" || true)
		np=$(grep -c '^ok ' "$WORK/out/siov.tap" || true)
		grep -A3 '^not ok ' "$WORK/out/siov.tap" >"$WORK/siov.diag" || true
		if [ "$nf" = 0 ]; then
			add ok siov-pasid "siov-pasid-test: $np ok"
		else
			add "not ok" siov-pasid "siov-pasid-test: $nf of $((nf + np)) failed" "$WORK/siov.diag"
		fi
	else
		add "not ok" siov-pasid "siov-pasid-test left no complete siov.tap" \
			"$([ "$hung" = 1 ] || echo "$WORK/console.tail")"
	fi
fi

# A diagnostics file as KTAP comment lines: terminal escapes and CRs out,
# every line (the last included) ended, at most 60.
diag_lines() {
	awk '{ gsub(/\033\[[0-9;?]*[A-Za-z]|\033c|\r/, ""); print "# " $0 }' "$1" | head -n 60
}

# vm.ktap: the VM's results, siovh's KTAP as the subtest of siovh-run.
{
	echo "KTAP version 1"
	echo "1..${#TESTS[@]}"
	echo "# vm $KREL profile $PROFILE: wall ${wall} s, boot-to-first-result ${first_result:-n/a} s"
	n=0 failed=0
	for t in "${TESTS[@]}"; do
		IFS=$'\t' read -r verdict name desc diag <<<"$t"
		n=$((n + 1))
		[ "$verdict" = ok ] || failed=$((failed + 1))
		if [ "$name" = siovh-run ] && [ -f "$WORK/out/results.ktap" ]; then
			sed 's/^/    /' "$WORK/out/results.ktap"
		fi
		echo "$verdict $n $name # $desc"
		if [ -n "$diag" ] && [ -s "$diag" ]; then
			diag_lines "$diag"
		fi
	done
} >"$WORK/vm.ktap"
failed=$(grep -c '^not ok ' "$WORK/vm.ktap" || true)

cat >"$WORK/vm.json" <<EOF
{
  "kernel": "$KREL",
  "kernel_key": "$(basename "$KERNEL_DIR")",
  "profile": "$PROFILE",
  "accel": "${ACCEL[1]}",
  "wall_s": $wall,
  "boot_to_init_s": ${first_init:-null},
  "boot_to_first_result_s": ${first_result:-null},
  "hung": $([ "$hung" = 1 ] && echo true || echo false),
  "mode": "$VM_MODE",
  "siovh_exit": $([ "$VM_MODE" = empty ] && echo null || echo "${siovh_rc:-null}"),
  "vm_failures": $failed
}
EOF

# Publish: the previous report is replaced only by a complete one.
mkdir -p "$WORK/out"
cp "$CONSOLE" "$WORK/out/console.log"
cp "$WORK/vm.ktap" "$WORK/vm.json" "$WORK/out/"
rm -rf "$REPORT_DIR.old"
[ -e "$REPORT_DIR" ] && mv "$REPORT_DIR" "$REPORT_DIR.old"
mv "$WORK/out" "$REPORT_DIR"
rm -rf "$REPORT_DIR.old"

cat "$REPORT_DIR/vm.ktap"
[ "$failed" = 0 ] && { [ "$siovh_rc" = 0 ] || [ "$siovh_rc" = empty ]; }
