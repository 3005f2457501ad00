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
#                     image has them, into /out/selftests/ (selftests/siov).
#   siovh.mode=shell  an interactive shell on the console.
#   siovh.timeout_scale=N   exported as SIOVH_TIMEOUT_SCALE (TCG is slow).
#   siovh.siov=1      first runs /bin/siov-pasid-test (profile siov), its TAP
#                     saved as /out/siov.tap.
#   siovh.siov_only=1 and skips `siovh run` (device-fault runs of vm-check).
#   (neither)         the kernel target gets mdev=mtty when the kernel has
#                     the mtty sample parent, judged by /etc/siovh/mtty.json;
#                     the VDCM clauses then run again with vfio=cdev (the
#                     cdev/iommufd path) into /out/cdev/.
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
siov_bdf() {
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor" 2>/dev/null)" = 0x8086 ] &&
		   [ "$(cat "$d/device" 2>/dev/null)" = 0x5107 ]; then
			basename "$d"
			return
		fi
	done
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

run_clauses() {
	results=/dev/ttyS1
	set --
	while IFS= read -r a; do
		[ -n "$a" ] && set -- "$@" "$a"
	done </etc/siovh/run-args
	say "kernel $(uname -r), uptime $(cut -d' ' -f1 /proc/uptime) s"
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
	say "siovh run $* --report /out"
	siovh run "$@" --report /out
	rc=$?
	# the VDEV clauses again on the vfio cdev path (iommufd), when the
	# kernel has it: /out/cdev (its exit is in its reports)
	if [ "$mdev_run" = 1 ] && [ -d /sys/class/vfio-dev ]; then
		siovh run --target kernel:mdev=mtty,vfio=cdev --filter 'VDCM.*' \
			--report /out/cdev >/dev/null 2>&1
		say "siovh (vfio=cdev) exit $?"
	fi
	unset SIOVH_PROFILE
	say "siovh exit $rc, uptime $(cut -d' ' -f1 /proc/uptime) s"
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
	if [ ! -c "$results" ]; then
		say "no results port $results"
		return
	fi
	stty -F "$results" raw -echo 2>/dev/null
	{
		echo "SIOVH-RESULTS-BEGIN"
		tar -C /out -cf - . | gzip -c | base64
		echo "SIOVH-RESULTS-END rc=$rc"
	} >"$results"
}

scale=$(arg siovh.timeout_scale "")
[ -n "$scale" ] && export SIOVH_TIMEOUT_SCALE="$scale"

case $(arg siovh.mode run) in
shell)
	say "interactive shell; exit it to power off"
	setsid cttyhack sh -l
	;;
*)
	run_clauses
	;;
esac
finish
