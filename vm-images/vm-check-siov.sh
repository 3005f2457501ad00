# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# shellcheck disable=SC2034 # SIOV_SKIP and SIOV_QEMU are read by vm-check.sh
#
# Profile siov's steps, sourced by vm-check.sh (its globals: LOGS, TAP,
# REPORT_DIR, FAULT_SEGS, ...): the QEMU with the SIOV endpoint, built on
# first use; the clauses the vfio-parent run must pass; the device-fault
# boots, each of which some guest result must notice.

# Profile siov's QEMU (built once, on first use): sets SIOV_QEMU, or
# SIOV_SKIP with the reason it cannot be had.
SIOV_QEMU="" SIOV_SKIP="" SIOV_TRIED=0
siov_qemu() {
	local t0 qrc
	[ "$SIOV_TRIED" = 1 ] && return 0
	SIOV_TRIED=1
	t0=$(now)
	if ! harness/scripts/deps.sh --qemu >"$LOGS/deps-qemu.log" 2>&1; then
		SIOV_SKIP="cannot install QEMU's build dependencies: $(grep 'deps.sh:' "$LOGS/deps-qemu.log" | tail -n1)"
		return 0
	fi
	# make vm-check runs under the heavy-job lock already.
	SIOVH_HEAVY_LOCK="" vm-images/qemu/build-qemu.sh >"$LOGS/qemu.out" 2>"$LOGS/qemu.log" &&
		qrc=0 || qrc=$?
	step_done - build:qemu "$t0"
	case $qrc in
	0) SIOV_QEMU=$(tail -n1 "$LOGS/qemu.out")
	   log "qemu $SIOV_QEMU ready in $(since "$t0") s" ;;
	3) SIOV_SKIP="QEMU's source is unavailable: $(tail -n1 "$LOGS/qemu.log")" ;;
	*) kernel_fail siov "building QEMU with the SIOV endpoint failed" "$LOGS/qemu.log"
	   SIOV_SKIP="building QEMU failed (see the failing result)" ;;
	esac
}

# The clauses that must pass, not skip, in profile siov's vfio-parent run
# (ref:parent=vfio:BDF): the reference VDCM over the endpoint, with the
# kernel's IOMMU enforcing each VDEV's PASID domain. A missing result or
# a skip is a failure (a failure fails anyway, as every clause's).
SIOV_REQUIRED="SIOV.DVSEC.15 SIOV.DVSEC.21 SIOV.DVSEC.22 VDCM.DMA.2 VDCM.DMA.3
VDCM.DMA.4 VDCM.DMA.5 VDCM.DMA.6 VDCM.DMA.13 VDCM.LIFE.1 VDCM.REL.3 VDCM.IRQ.1"
siov_required() {
	local dir=$1 krel=$2 id bad=""
	for id in $SIOV_REQUIRED; do
		{ grep -E "^ok [0-9]+ $id( |\$)" "$dir/vfio-parent/results.ktap" 2>/dev/null || true; } |
			grep -qv '# SKIP' || bad="$bad $id"
	done
	if [ -z "$bad" ]; then
		printf 'ok 0 %s-siov: vfio-parent: required clauses passed (%s)\n' "$krel" \
			"$(echo $SIOV_REQUIRED)" >>"$TAP"
	else
		printf 'not ok 0 %s-siov: vfio-parent: did not pass (skipped or missing):%s\n' \
			"$krel" "$bad" >>"$TAP"
	fi
}

# Device-model faults (profile siov): each fault of SIOV_FAULTS boots the
# endpoint with that fault, the guest test, the pci clauses (SIOV.DVSEC.*,
# kernel:device=BDF) and the reference VDCM's clauses over the endpoint
# (ref:parent=vfio:BDF, named "vfio-parent:ID"); the fault is detected
# when at least one of their results fails that passed on the faithful
# device, and the result names which.
SIOV_FAULTS_DEFAULT="dvsec-length dvsec-id ext-cap-loop dma-pasid-zero fill-overrun
reset-keeps-queue irq-wrong-entry ims-mask-ignored"
# The vfio-parent clauses a fault's boot runs (siovh.vfio_filter): none for
# the config-space faults (the pci clauses judge those), the clauses of
# what the fault breaks for the rest; one VM boot's time per fault.
siov_fault_filter() {
	case $1 in
	dvsec-*|ext-cap-loop) ;;
	reset-*) echo "siovh.vfio_filter=VDCM.RESET.*" ;;
	irq-*|ims-*) echo "siovh.vfio_filter=VDCM.IRQ.*" ;;
	*) echo "siovh.vfio_filter=VDCM.DMA.*" ;;
	esac
}
siov_fails() {
	{ sed -n 's/^not ok [0-9]* \([^ ]*\).*/\1/p' "$1/siov.tap" "$1/results.ktap" \
		2>/dev/null || true
	  sed -n 's/^not ok [0-9]* \([^ ]*\).*/vfio-parent:\1/p' "$1/vfio-parent/results.ktap" \
		2>/dev/null || true; }
}
# siov_faults KERNEL_DIR INITRD RELEASE: the faults' boots, VM_JOBS at a
# time (measured on 2 cores, 4 fault boots: 35.1 s one after the other,
# 17.3 s two at a time, 19.5 s two at a time with one vCPU each, 30.5 s one
# after the other with one vCPU: the VMs keep their two vCPUs). Their
# results go to the segments FAULT_SEGS (allocated after profile siov's
# results, in SIOV_FAULTS's order).
siov_faults() {
	local kdir=$1 initrd=$2 krel=$3 f base i=0
	base=$REPORT_DIR/vm/$krel-siov
	siov_fails "$base" >"$LOGS/siov-base-fails"
	echo "-" >>"$LOGS/siov-base-fails"	# never empty: grep -f of nothing drops all
	for f in ${SIOV_FAULTS-$SIOV_FAULTS_DEFAULT}; do
		bg_wait_below "$VM_JOBS"
		BOOTS=$((BOOTS + 1))
		bg "${FAULT_SEGS[$i]}" siov_fault "$kdir" "$initrd" "$krel" "$f"
		i=$((i + 1))
	done
}
# siov_fault KERNEL_DIR INITRD RELEASE FAULT: one fault's boot, one result.
siov_fault() {
	local kdir=$1 initrd=$2 krel=$3 f=$4 dir t0 failed
	dir=$REPORT_DIR/vm/$krel-siov-fault-$f
	t0=$(now)
	SIOV_FAULT=$f QEMU=$SIOV_QEMU VM_APPEND="siovh.siov_only=1 $(siov_fault_filter "$f")" \
		vm-images/run-vm.sh siov "$kdir" "$initrd" "$dir" \
		>"$LOGS/run-fault-$f.log" 2>&1 || true
	# what fails here and not on the faithful device (a missing file
	# is reported below, not an error of sed's)
	failed=$(siov_fails "$dir" | grep -vxF -f "$LOGS/siov-base-fails" |
		 tr '\n' ' ' || true)
	if [ ! -f "$dir/siov.tap" ]; then
		printf 'not ok 0 %s-siov-fault %s: no siov.tap (see %s)\n' "$krel" "$f" "$dir" >>"$TAP"
	elif [ ! -f "$dir/results.ktap" ]; then
		printf 'not ok 0 %s-siov-fault %s: no results.ktap of the pci clauses (see %s)\n' \
			"$krel" "$f" "$dir" >>"$TAP"
	elif [ -n "$failed" ]; then
		printf 'ok 0 %s-siov-fault %s: detected by %s\n' "$krel" "$f" "${failed% }" >>"$TAP"
	elif grep -q "SKIP" "$dir/siov.tap" && [ "$f" = dma-pasid-zero ]; then
		printf 'ok 0 %s-siov-fault %s # SKIP only PASID DMA shows it, and %s has no PASID attach\n' \
			"$krel" "$f" "$krel" >>"$TAP"
	else
		printf 'not ok 0 %s-siov-fault %s: undetected, every guest result passed\n' "$krel" "$f" >>"$TAP"
	fi
	log "fault $f done in $(since "$t0") s"
	step_done "$krel" "boot:fault-$f" "$t0"
}
