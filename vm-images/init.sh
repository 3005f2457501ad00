#!/bin/sh
# SPDX-License-Identifier: MIT
#
# /init of the siovh VM (busybox sh, PID 1). Mounts proc, sys, dev,
# debugfs and a tmpfs, then by the kernel command line:
#
#   siovh.mode=run    (default) runs `siovh run ARGS --report /out`, ARGS
#                     from /etc/siovh/run-args; its console output goes to
#                     the console (ttyS0); the reports, as a base64 gzip'd
#                     tar between the lines SIOVH-RESULTS-BEGIN and
#                     SIOVH-RESULTS-END rc=<siovh's exit code>, to the
#                     results port (ttyS1), away from kernel messages;
#                     then /bin/kfindings, when the image has it, into
#                     /out/findings.ktap (vm-images/probes/kfindings.c),
#                     and the kselftest programs in /opt/siov, when the
#                     image has them, into /out/selftests/ (selftests/siov),
#                     and the fuzz targets' seeds on the kernel when the
#                     image has /opt/fuzz/replay-args (/out/fuzz-replay.*).
#   siovh.mode=shell  an interactive shell on the console.
#   siovh.mode=fuzz   a kernel fuzzing run (vm-images/fuzz-kernel.sh): the
#                     words of /opt/fuzz/fuzz-args (program, then its
#                     arguments) run with the corpus /opt/fuzz/corpus
#                     copied to /out/corpus; /out goes back as in run
#                     mode, "SIOVH-RESULTS-END rc=<the fuzzer's exit>".
#                     When the image has /opt/fuzz/corpora/ instead (vm-
#                     images/fuzz-kernel-coverage.sh): each directory
#                     NAME in it replayed once by the words of /opt/fuzz/
#                     replay-args on zeroed gcov counters, saved as
#                     /out/gcov/corpus-NAME.tar (its log and exit in
#                     /out/corpus-NAME.{log,rc}); rc is the first
#                     failing replay's exit, or 0.
#   siovh.mode=empty  nothing: the "kernel" status line, an empty results
#                     archive (rc=0), power off; the boot baseline that
#                     vm-check measures next to each run.
#   siovh.timeout_scale=N   exported as SIOVH_TIMEOUT_SCALE (TCG is slow).
#   siovh.siov=1      first runs /bin/siov-pasid-test (profile siov), its TAP
#                     saved as /out/siov.tap.
#   siovh.siov_only=1 and runs only the pci clauses (SIOV.DVSEC.*) of
#                     `siovh run`, and the vfio-parent run (below) only
#                     with siovh.vfio_filter=GLOB, on the clauses GLOB
#                     names (device-fault runs of vm-check).
#   (neither)         the kernel target gets mdev=mtty when the kernel has
#                     the mtty sample parent, judged by /etc/siovh/mtty.json;
#                     the VDCM clauses then run again with vfio=cdev (the
#                     cdev/iommufd path) into /out/cdev/. With an edu
#                     device (profile vtd) and siovh.edu=1 they run on it
#                     too, through vfio-pci (edu_run), into /out/edu/.
#   siovh.edu_only=1  (profiles vtd-legacy, vtd-flts) the edu run alone
#                     (edu_only), its exit the run's.
#   On the SIOV endpoint (profile siov) a second run follows the first:
#   `siovh run --target ref:parent=vfio:BDF`, the reference VDCM over the
#   endpoint through vfio-pci and the kernel's iommufd (PASID attach, the
#   endpoint's PASID-tagged DMA), reports in /out/vfio-parent/.
#   siovh.inject=KIND@N  test only: once siovh has N clause results, write
#                     KIND (BUG: an oops, which panics the VM; WARNING: a
#                     WARN) to LKDTM's provoke-crash/DIRECT, to show that
#                     the launcher reports it and the run continues (in a
#                     fresh VM after an oops).
#   /etc/siovh/exclude   (a resumed run, added by run-vm.sh): the clauses an
#                     earlier VM of this run finished; siovh leaves them out
#                     (--exclude) and runs with --jobs 1.
#   siovh.kiommufd=1  after the rest, runs the kernel's own iommufd
#                     selftests (/opt/kiommufd/iommufd, built by vm-check
#                     from the kernel's tree) on zeroed gcov counters: the
#                     coverage anchor; KTAP in /out/kselftest-iommufd.ktap.
#
# Kernel coverage (CONFIG_GCOV_KERNEL): the .gcda files of
# /sys/kernel/debug/gcov are saved as /out/gcov/boot.tar before anything
# runs, /out/gcov/run.tar after siovh, kfindings and the kselftests, and
# /out/gcov/kselftest-iommufd.tar after the kernel's iommufd selftests
# (vm-images/kernel-coverage.sh turns them into lcov reports on the host).
#
# Then it powers the VM off (PID 1 must never exit: that is a panic).
# Status lines start with "SIOVH-VM:" so the launcher can follow progress.

/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp

say() { echo "SIOVH-VM: $*"; }

arg() {
	# shellcheck disable=SC2013 # the command line is words, not lines
	for w in $(cat /proc/cmdline); do
		case $w in "$1="*) echo "${w#*=}"; return ;; esac
	done
	echo "$2"
}

finish() {
	sync
	say "power off"
	poweroff -f
	sleep 10
}

# siovh.siov=1 (profile siov): the SIOV endpoint's guest test first, its
# TAP to /tmp/siov.tap (copied into /out after siovh wrote its reports).
siov_test() {
	[ "$(arg siovh.siov 0)" = 1 ] || return 0
	if [ ! -x /bin/siov-pasid-test ]; then
		printf 'TAP version 13\nnot ok 1 siov-pasid-test # not in the image\n1..1\n' >/tmp/siov.tap
		return 0
	fi
	say "siov-pasid-test"
	siov-pasid-test >/tmp/siov.tap 2>&1
	say "siov-pasid-test exit $?, uptime $(cut -d' ' -f1 /proc/uptime) s"
	cat /tmp/siov.tap
}

# The SIOV endpoint's BDF, found by its IDs (not by where QEMU put it).
pci_bdf() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor" 2>/dev/null)" = "$1" ] &&
		   [ "$(cat "$d/device" 2>/dev/null)" = "$2" ]; then
			basename "$d"
			return
		fi
	done
}
siov_bdf() { pci_bdf 0x8086 0x5107; }

# siovh.edu=1 (profile vtd): the VFIO-device clauses on QEMU's edu
# (1234:11e8) through vfio-pci (kernel:device=BDF,vfio=cdev: siovh binds it
# and unbinds it after), judged by /etc/siovh/edu.json, into /out/edu/.
# On by default (vm-check VM_EDU=0 turns it off). On 7.x VDCM.DMA.17 (a
# map with neither READ nor WRITE through iommufd's type1 compatibility)
# hits a WARN_ON in generic_pt's map_range once a real VT-d domain is
# attached: a kernel finding (vm-images/kernel-findings.txt, "console:"),
# shown by console-clean without failing it.
# Its exit status in edu_rc (none: 3).
edu_run() {
	pci_run edu 0x1234 0x11e8
	edu_rc=$pci_rc
}

# siovh.ats=1 (profile vtd-flts): the same clauses on the ATS function
# (virtio-rng-pci,ats=on behind a root port, 1af4:1044, run-vm.sh), judged
# by /etc/siovh/virtio-ats.json, into /out/ats/: its unmaps flush the
# function's device IOTLB (VT-d with device-iotlb=on). vm-check judges it
# by its reports and console line, as the edu run. (vtd-legacy has the
# function too, for the VT-d steps: a run there added no line of coverage
# to vtd-flts's, measured, and costs 4 s.)
ats_run() {
	[ "$(arg siovh.ats 0)" = 1 ] || return 0
	pci_run ats 0x1af4 0x1044
}

# pci_run NAME VENDOR DEVICE: siovh's VDCM clauses on the function with
# those IDs through vfio-pci, judged by /etc/siovh/NAME's profile
# (pci_profile), reports in /out/NAME/, its output in /out/NAME.log, and a
# console line with its exit and the driver the function has after it
# (vm-check.sh pci_result); the exit in pci_rc (no such function: 3).
pci_run() {
	local bdf
	pci_rc=3
	bdf=$(pci_bdf "$2" "$3")
	[ -n "$bdf" ] && [ -d /sys/class/vfio-dev ] || return 0
	say "siovh run --target kernel:device=$bdf,vfio=cdev --filter 'VDCM.*' --report /out/$1"
	SIOVH_PROFILE=/etc/siovh/$(pci_profile "$1") siovh run \
		--target "kernel:device=$bdf,vfio=cdev" --filter 'VDCM.*' \
		--report "/out/$1" >"/out/$1.log" 2>&1
	pci_rc=$?
	say "siovh ($1) exit $pci_rc, driver after: $(basename "$(readlink "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null)" 2>/dev/null)"
}
pci_profile() {
	case $1 in
	edu) echo edu.json ;;
	ats) echo virtio-ats.json ;;
	esac
}

# siovh.edu_only=1 (profiles vtd-legacy, vtd-flts: the same clauses on edu
# and the ATS function under another VT-d mode, for the intel driver's
# other paths): those runs and the VT-d steps alone, the edu run's exit as
# the run's, its summary on the console; no main run, no fuzz seeds, no
# selftests.
edu_only() {
	edu_run
	rc=$edu_rc
	grep -E '^[0-9]+ passed' /out/edu.log 2>/dev/null | tail -n1
	ats_run
	vtd_steps
	gcov_snapshot run
	ship_out "$rc"
}

# vtd_steps (after the edu and ATS runs, every vtd profile): the intel
# driver's paths that no uAPI clause reaches, driven through sysfs on the
# emulated functions the runs used (found by their IDs, only those), as TAP
# in /out/vtd-steps.tap (vm-check flattens it as "<run>: vtd-steps: ..."):
#   sysfs      every attribute of /sys/class/iommu/*/intel-iommu/ reads,
#              non-empty (version N:N, cap and ecap hex); every IOMMU
#              group's reserved_regions reads as START END TYPE lines;
#   dmar-table (siovh.dmar_table=1) the DMAR table run-vm.sh put in the
#              initrd is the one in use;
#   identity   each function's (unbound) IOMMU group switched to the
#              identity domain through iommu_groups/N/type and back to
#              the type it had (the driver's pass-through attach);
#   hotplug    each function bound to vfio-pci (driver_override), removed
#              from the PCI bus and found again by a rescan: back in an
#              IOMMU group, with no driver (the driver's release and probe
#              of a device; ATS disabled and enabled again on the ATS one).
vtd_steps() {
	local n bdf name
	: >/tmp/steps.tap
	step_sysfs
	[ "$(arg siovh.dmar_table 0)" = 1 ] && step_dmar_table
	for name in edu:0x1234:0x11e8 ats:0x1af4:0x1044; do
		bdf=$(pci_bdf "$(echo "$name" | cut -d: -f2)" "$(echo "$name" | cut -d: -f3)")
		[ -n "$bdf" ] || continue
		step_identity "${name%%:*}" "$bdf"
		step_hotplug "${name%%:*}" "$bdf"
	done
	n=$(grep -cE '^(not )?ok ' /tmp/steps.tap)
	{ echo "TAP version 13"; echo "1..$n"; cat /tmp/steps.tap; } >/out/vtd-steps.tap
	say "vtd steps: $(grep -c '^ok' /tmp/steps.tap) of $n ok"
}

# step_ok COND-EXIT DESCRIPTION [REASON]: one TAP line into /tmp/steps.tap.
step_ok() {
	if [ "$1" = 0 ]; then
		echo "ok 0 $2" >>/tmp/steps.tap
	else
		echo "not ok 0 $2: ${3:-failed}" >>/tmp/steps.tap
	fi
}

step_sysfs() {
	local units=0 bad="" f v
	for u in /sys/class/iommu/*/intel-iommu; do
		[ -d "$u" ] || continue
		units=$((units + 1))
		for f in "$u"/*; do
			v=$(cat "$f" 2>/dev/null)
			[ -n "$v" ] || bad="$bad ${f#/sys/class/iommu/}(unreadable or empty)"
			case ${f##*/} in
			version) echo "$v" | grep -qE '^[0-9]+:[0-9]+$' || bad="$bad version=$v" ;;
			cap | ecap) echo "$v" | grep -qE '^[0-9a-f]+$' || bad="$bad ${f##*/}=$v" ;;
			esac
		done
	done
	[ "$units" -gt 0 ] || bad=" no /sys/class/iommu/*/intel-iommu"
	[ -z "$bad" ]
	step_ok $? "sysfs: the intel-iommu attributes of $units unit(s) read" "$bad"
	# every group's reserved regions (the driver's per-device ones: the
	# interrupt window, and the ISA bridge's floppy range); each line
	# "START END TYPE", the MSI window among them
	bad="" units=0
	for f in /sys/kernel/iommu_groups/*/reserved_regions; do
		[ -r "$f" ] || continue
		units=$((units + 1))
		grep -vqE '^0x[0-9a-f]+ 0x[0-9a-f]+ [a-z-]+$' "$f" && bad="$bad ${f#/sys/kernel/iommu_groups/}"
	done
	grep -qh ' msi$' /sys/kernel/iommu_groups/*/reserved_regions 2>/dev/null || bad="$bad (no msi region)"
	[ "$units" -gt 0 ] && [ -z "$bad" ]
	step_ok $? "sysfs: the reserved regions of $units IOMMU group(s) read, each START END TYPE, an msi window among them" "malformed or missing:$bad"
}

# step_dmar_table (siovh.dmar_table=1, profile vtd-legacy): the kernel took
# run-vm.sh's DMAR table (vm-images/dmar-table.py: OEM revision 2, QEMU's
# is 1), and its RMRR reached the AHCI function's IOMMU group as a direct
# reserved region.
step_dmar_table() {
	local rev why="" g
	rev=$(od -An -tu4 -j24 -N4 /sys/firmware/acpi/tables/DMAR 2>/dev/null | tr -d ' ')
	g=/sys/bus/pci/devices/0000:00:1f.2/iommu_group/reserved_regions
	if [ "$rev" != 2 ]; then
		why="the DMAR table's OEM revision is ${rev:-unreadable}, not the override's 2"
	elif ! grep -q '^0x00000000000f0000 0x00000000000fffff direct' "$g" 2>/dev/null; then
		why="no direct region 0xf0000-0xfffff in $g: $(tr '\n' ';' <"$g" 2>/dev/null)"
	fi
	[ -z "$why" ]
	step_ok $? "dmar-table: the DMAR override is in use, its RMRR a direct region of 00:1f.2's group" "$why"
}

# step_identity NAME BDF: the group's type to identity and back.
step_identity() {
	local g t0 t1 t2 why=""
	g=/sys/bus/pci/devices/$2/iommu_group/type
	t0=$(cat "$g" 2>/dev/null)
	if [ -z "$t0" ]; then
		why="no $g"
	elif ! echo identity >"$g" 2>/tmp/step.err; then
		why="writing identity to $g: $(cat /tmp/step.err)"
	elif t1=$(cat "$g") && [ "$t1" != identity ]; then
		why="type reads $t1 after writing identity"
	elif ! echo "$t0" >"$g" 2>/tmp/step.err; then
		why="writing $t0 back: $(cat /tmp/step.err)"
	elif t2=$(cat "$g") && [ "$t2" != "$t0" ]; then
		why="type reads $t2 after writing $t0 back"
	fi
	[ -z "$why" ]
	step_ok $? "identity: $1 ($2): IOMMU group type $t0 -> identity -> $t0" "$why"
}

# step_hotplug NAME BDF: bound to vfio-pci, removed, found by a rescan.
step_hotplug() {
	local d why="" drv
	d=/sys/bus/pci/devices/$2
	echo vfio-pci >"$d/driver_override"
	echo "$2" >/sys/bus/pci/drivers_probe 2>/dev/null
	if [ ! -d "$d/vfio-dev" ]; then
		why="did not bind to vfio-pci"
		echo >"$d/driver_override"
	else
		echo 1 >"$d/remove"
		if [ -e "$d" ]; then
			why="still on the bus after remove"
		else
			echo 1 >/sys/bus/pci/rescan
			drv=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
			if [ ! -e "$d" ]; then
				why="not found again by the rescan"
			elif [ ! -e "$d/iommu_group" ]; then
				why="found again without an IOMMU group"
			elif [ -n "$drv" ]; then
				why="found again bound to $drv"
			fi
		fi
	fi
	[ -z "$why" ]
	step_ok $? "hotplug: $1 ($2) bound to vfio-pci, removed, rescanned: back in an IOMMU group, unbound" "$why"
}

# with_device SPEC ARGS...: ARGS with the kernel target replaced by SPEC
# (`--target kernel` or `--target=kernel`; siovh takes one --target), or
# SPEC added when no target is named; into ARGS (words: no argument of
# run-args has spaces in it).
with_device() {
	spec=$1 ARGS="" prev="" named=0
	shift
	for a in "$@"; do
		if [ "$prev" = --target ] && [ "$a" = kernel ]; then
			a=$spec named=1
		elif [ "$a" = --target=kernel ]; then
			a=--target=$spec named=1
		elif [ "$prev" = --target ] || [ "${a#--target=}" != "$a" ]; then
			named=1
		fi
		ARGS="$ARGS $a" prev=$a
	done
	[ "$named" = 1 ] || ARGS="$ARGS --target $spec"
}

# gcov_snapshot NAME: the gcov counters as /out/gcov/NAME.tar (the .gcda
# files only, under their build-tree paths; the .gcno links are the host's).
gcov_snapshot() {
	g=/sys/kernel/debug/gcov
	[ -d $g ] || return 0
	rm -rf /tmp/gcov && mkdir -p /tmp/gcov /out/gcov
	(cd $g && find . -name '*.gcda') | while IFS= read -r f; do
		mkdir -p "/tmp/gcov/${f%/*}"
		cat "$g/$f" >"/tmp/gcov/$f"
	done
	tar -C /tmp/gcov -cf "/out/gcov/$1.tar" .
	rm -rf /tmp/gcov
	say "gcov $1: $(tar -tf "/out/gcov/$1.tar" | grep -c 'gcda$') files"
}

# The kernel's own iommufd selftests on zeroed counters (siovh.kiommufd=1).
kiommufd() {
	[ "$(arg siovh.kiommufd 0)" = 1 ] && [ -x /opt/kiommufd/iommufd ] || return 0
	[ -w /sys/kernel/debug/gcov/reset ] && echo 1 >/sys/kernel/debug/gcov/reset
	say "kiommufd: the kernel's iommufd selftests"
	/opt/kiommufd/iommufd >/out/kselftest-iommufd.ktap 2>&1
	say "kiommufd exit $?, uptime $(cut -d' ' -f1 /proc/uptime) s"
	gcov_snapshot kselftest-iommufd
}

# fault_injection: the kernel target's fail_nth (harness/backends/
# kernel_fail_nth.h) is /proc/thread-self/fail-nth; for it to fail the
# GFP_KERNEL allocations of iommufd and VFIO, failslab and fail_page_alloc
# must not ignore allocations that may sleep, and an injected failure must
# print nothing (verbose 0: no "FAULT_INJECTION" line, no stack dump on
# the console, where run-vm.sh looks for kernel bug reports). Nothing fails
# unless a thread arms its fail-nth: the probability stays 0. The
# kernel's iommufd selftests set the same (iommufd_fail_nth.c).
fault_injection() {
	local d=/sys/kernel/debug a
	[ -d "$d/failslab" ] || { say "no failslab in debugfs: fail_nth clauses skip"; return 0; }
	echo N >"$d/failslab/ignore-gfp-wait"
	echo N >"$d/fail_page_alloc/ignore-gfp-wait" 2>/dev/null
	for a in "$d"/fail*/verbose; do
		[ -w "$a" ] && echo 0 >"$a"
	done
	say "fault injection: failslab ignore-gfp-wait $(cat "$d/failslab/ignore-gfp-wait"), verbose 0"
}

# run_siovh ARGS...: `siovh run ARGS --report /out`, its exit status in rc;
# a resumed run leaves out what the crashed VM finished; siovh.inject arms
# the test-only trigger.
run_siovh() {
	[ -f /etc/siovh/exclude ] && set -- "$@" --exclude /etc/siovh/exclude --jobs 1
	inject=$(arg siovh.inject "")
	say "siovh run $* --report /out"
	if [ -z "$inject" ] || [ -f /etc/siovh/exclude ]; then
		siovh run "$@" --report /out
		rc=$?
		return
	fi
	rm -f /tmp/siovh.rc
	: >/tmp/siovh.log
	inject_at "${inject%@*}" "${inject#*@}" &
	# the console gets every line as siovh prints it (tee), the trigger
	# counts them in the file
	{ siovh run "$@" --report /out; echo $? >/tmp/siovh.rc; } 2>&1 | tee /tmp/siovh.log
	wait
	rc=$(cat /tmp/siovh.rc)
}

# inject_at KIND N: KIND into provoke-crash/DIRECT once /tmp/siovh.log has
# N clause results (unless siovh ended before).
inject_at() {
	while [ ! -f /tmp/siovh.rc ]; do
		n=$(grep -cE '^\[ *[0-9]+/[0-9]+\] ' /tmp/siovh.log)
		if [ "$n" -ge "$2" ]; then
			say "inject: $1 after $n clause results (siovh.inject, test only)"
			echo "$1" >/sys/kernel/debug/provoke-crash/DIRECT
			return
		fi
		sleep 0.1
	done
}

run_clauses() {
	set --
	while IFS= read -r a; do
		[ -n "$a" ] && set -- "$@" "$a"
	done </etc/siovh/run-args
	say "kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime) s"
	gcov_snapshot boot
	fault_injection
	if [ "$(arg siovh.edu_only 0)" = 1 ]; then
		edu_only
		return
	fi
	siov_test
	siov_target=""
	if [ "$(arg siovh.siov 0)" = 1 ]; then
		bdf=$(siov_bdf)
		if [ -n "$bdf" ]; then
			siov_target="kernel:device=$bdf"
			with_device "$siov_target" "$@"
			# shellcheck disable=SC2086 # ARGS is words, on purpose
			set -- $ARGS
			export SIOVH_PROFILE=/etc/siovh/profile.json
		else
			say "no SIOV endpoint (8086:5107) on the PCI bus"
		fi
	fi
	# Profiles mock/vtd: the VFIO-device clauses on the kernel's mtty
	# sample mdev parent (kernel:mdev=mtty, judged by its profile).
	mdev_run=0
	if [ -z "$siov_target" ] && [ -d /sys/class/mdev_bus/mtty ]; then
		mdev_run=1
		with_device "kernel:mdev=mtty" "$@"
		# shellcheck disable=SC2086 # ARGS is words, on purpose
		set -- $ARGS
		export SIOVH_PROFILE=/etc/siovh/mtty.json
	fi
	# A device-fault run: the guest test and the pci clauses only.
	[ "$(arg siovh.siov_only 0)" = 1 ] && set -- "$@" --filter 'SIOV.DVSEC.*'
	run_siovh "$@"
	say "siovh exit $rc, uptime $(cut -d' ' -f1 /proc/uptime) s"
	# the VDEV clauses again on the vfio cdev path (iommufd), when the
	# kernel has it: /out/cdev (its exit is in its reports)
	if [ "$mdev_run" = 1 ] && [ -d /sys/class/vfio-dev ]; then
		siovh run --target kernel:mdev=mtty,vfio=cdev --filter 'VDCM.*' \
			--report /out/cdev >/dev/null 2>&1
		say "siovh (vfio=cdev) exit $?"
	fi
	if [ "$(arg siovh.edu 0)" = 1 ]; then
		edu_run
		ats_run
		vtd_steps
	fi
	# the reference VDCM over the endpoint, through VFIO (vfio_parent.h)
	# (a device-fault run: the clauses siovh.vfio_filter names, if any)
	vfilter=$(arg siovh.vfio_filter "")
	if [ "$(arg siovh.siov_only 0)" = 1 ] && [ -z "$vfilter" ]; then
		siov_target=""
	fi
	if [ -n "$siov_target" ]; then
		set --
		[ -n "$vfilter" ] && set -- --filter "$vfilter"
		say "siovh run --target ref:parent=vfio:$bdf $* --report /out/vfio-parent"
		siovh run --target "ref:parent=vfio:$bdf" "$@" --report /out/vfio-parent
		vrc=$?
		say "siovh (vfio parent) exit $vrc, uptime $(cut -d' ' -f1 /proc/uptime) s"
		[ "$rc" = 0 ] && rc=$vrc
	fi
	unset SIOVH_PROFILE
	[ -f /tmp/siov.tap ] && cp /tmp/siov.tap /out/siov.tap
	# the kernel's side of the known kernel/reference differences
	if [ -x /bin/kfindings ] && [ "$(arg siovh.siov_only 0)" != 1 ]; then
		kfindings >/out/findings.ktap 2>&1
		say "kfindings exit $?"
	fi
	# the same clauses as kselftest programs (selftests/siov)
	if [ -x /opt/siov/run-in-vm.sh ] && [ "$(arg siovh.siov_only 0)" != 1 ]; then
		# on the SIOV endpoint when there is one, as siovh ran
		if [ -n "$siov_target" ]; then
			SIOV_TARGET=$siov_target SIOVH_PROFILE=/etc/siovh/profile.json \
				/opt/siov/run-in-vm.sh /opt/siov /out/selftests >/dev/null 2>&1
		else
			/opt/siov/run-in-vm.sh /opt/siov /out/selftests >/dev/null 2>&1
		fi
		say "kselftests exit $?"
	fi
	# the clauses' coverage ("siovh"), before the fuzz seeds add theirs
	gcov_snapshot run
	fuzz_replay
	kiommufd
	ship_out "$rc"
}

# /out, as a base64 gzip'd tar, to the results port (ttyS1).
ship_out() {
	results=/dev/ttyS1
	if [ ! -c "$results" ]; then
		say "no results port $results"
		return
	fi
	stty -F "$results" raw -echo 2>/dev/null
	{
		echo "SIOVH-RESULTS-BEGIN"
		tar -C /out -cf - . | gzip -c | base64
		echo "SIOVH-RESULTS-END rc=$1"
	} >"$results"
}

# The fuzz targets' seeds replayed on this kernel (issue 9), when the
# image has /opt/fuzz/replay-args (program and arguments; the seed files
# follow): /out/fuzz-replay.log and .rc.
fuzz_replay() {
	[ -f /opt/fuzz/replay-args ] || return 0
	set --
	while IFS= read -r a; do
		[ -n "$a" ] && set -- "$@" "$a"
	done </opt/fuzz/replay-args
	say "fuzz replay: $* ($(find /opt/fuzz/seeds -type f | wc -l) seeds)"
	SIOVH_FUZZ_TARGET=kernel "$@" /opt/fuzz/seeds/* >/out/fuzz-replay.log 2>&1
	echo $? >/out/fuzz-replay.rc
	say "fuzz replay exit $(cat /out/fuzz-replay.rc)"
}

# siovh.mode=fuzz: the fuzzer on the kernel, KCOV-guided (fuzz/common/
# kcov.h); its corpus, stats and findings come back in /out.
run_fuzzer() {
	set --
	while IFS= read -r a; do
		[ -n "$a" ] && set -- "$@" "$a"
	done </opt/fuzz/fuzz-args
	mkdir -p /out/corpus /out/findings
	cp /opt/fuzz/corpus/* /out/corpus/ 2>/dev/null
	# each input is kept in the ivshmem BAR first (fuzz-kernel.sh): a
	# kernel crash does not lose it
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ]; then
			echo 1 >"$d/enable" 2>/dev/null
			export SIOVH_FUZZ_INPUT_MAP="$d/resource2"
		fi
	done
	# the target spec (fuzz-kernel.sh): "{siov}" is the SIOV endpoint
	spec=kernel
	[ -f /opt/fuzz/fuzz-target ] && spec=$(cat /opt/fuzz/fuzz-target)
	case $spec in
	*'{siov}'*)
		bdf=$(siov_bdf)
		if [ -z "$bdf" ]; then
			say "fuzz target $spec: no SIOV endpoint (8086:5107) on the PCI bus"
			echo "siovh-fuzz: no SIOV endpoint for $spec" >/out/fuzz.log
			ship_out 2
			return
		fi
		spec=$(echo "$spec" | sed "s/{siov}/$bdf/g")
		# the reference VDCM opens it as a vfio cdev (in a run,
		# siov-pasid-test binds it first)
		echo vfio-pci >"/sys/bus/pci/devices/$bdf/driver_override"
		echo "$bdf" >/sys/bus/pci/drivers_probe
		[ -d "/sys/bus/pci/devices/$bdf/vfio-dev" ] ||
			say "the SIOV endpoint $bdf did not bind to vfio-pci"
		;;
	esac
	# a replay boot's arguments name the target {spec} (siovh replay)
	n=$#
	for a in "$@"; do
		set -- "$@" "$(echo "$a" | sed "s|{spec}|$spec|g")"
	done
	shift "$n"
	say "kernel $(uname -r), fuzzing $spec: $*"
	(cd /out/findings && SIOVH_FUZZ_TARGET=$spec "$@" /out/corpus) \
		>/out/fuzz.log 2>&1
	rc=$?
	say "fuzzer exit $rc, uptime $(cut -d' ' -f1 /proc/uptime) s"
	tail -n 5 /out/fuzz.log
	ship_out "$rc"
}

# siovh.mode=fuzz with /opt/fuzz/corpora/: the kernel coverage each corpus
# reaches (fuzz-kernel-coverage.sh), each on counters zeroed after the boot
# snapshot, as the kernel's iommufd selftests are (kiommufd).
replay_corpora() {
	set --
	while IFS= read -r a; do
		[ -n "$a" ] && set -- "$@" "$a"
	done </opt/fuzz/replay-args
	say "kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime) s, corpus replay: $*"
	gcov_snapshot boot
	rc=0
	for d in /opt/fuzz/corpora/*/; do
		[ -d "$d" ] || continue
		name=$(basename "$d")
		[ -w /sys/kernel/debug/gcov/reset ] && echo 1 >/sys/kernel/debug/gcov/reset
		say "corpus $name: $(find "$d" -type f | wc -l) files"
		SIOVH_FUZZ_TARGET=kernel "$@" "$d" >"/out/corpus-$name.log" 2>&1
		r=$?
		echo "$r" >"/out/corpus-$name.rc"
		say "corpus $name exit $r, uptime $(cut -d' ' -f1 /proc/uptime) s"
		[ "$r" = 0 ] || { [ "$rc" != 0 ] || rc=$r; tail -n 5 "/out/corpus-$name.log"; }
		gcov_snapshot "corpus-$name"
	done
	ship_out "$rc"
}

scale=$(arg siovh.timeout_scale "")
[ -n "$scale" ] && export SIOVH_TIMEOUT_SCALE="$scale"

case $(arg siovh.mode run) in
shell)
	say "interactive shell; exit it to power off"
	setsid cttyhack sh -l
	;;
fuzz)
	if [ -d /opt/fuzz/corpora ]; then replay_corpora; else run_fuzzer; fi
	;;
empty)
	say "kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime) s (empty init)"
	ship_out 0
	;;
*)
	run_clauses
	;;
esac
finish
