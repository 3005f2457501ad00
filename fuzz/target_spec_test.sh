#!/bin/bash
# SPDX-License-Identifier: MIT
#
# SIOVH_FUZZ_TARGET on this host (fuzz/common/kernel_target.c, issue 9),
# with vfio_device_ops' replay driver: which reference specs a fuzz target
# takes and which it refuses, and that the oracle's reference-only part
# still holds on the reference.
#  - ref:fault=, ref:profile= and ref:parent=vfio:BDF,fault= are refused
#    with the reason (a fault is SIOVH_FUZZ_FAULT's business);
#  - ref:parent=vfio:BDF is taken: on a fabricated sysfs (SIOVH_SYSFS_ROOT)
#    the spec parses, and what fails is the open of that very target (no
#    VFIO here), with SIOVH_FUZZ_FAULT appended to it as fault=;
#  - on the reference, the raw driver's ADI accounting (the test facet's,
#    which a kernel target lacks) still catches an ADI that remove leaks.
#
#   target_spec_test.sh BUILD/fuzz      (TAP on stdout)
set -u

fuzz=${1:?usage: target_spec_test.sh BUILD/fuzz}
replay=$fuzz/vfio_device_ops_replay
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-fzspec-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$here/../harness/core/tests/tap.sh"

bdf=0000:00:05.0
mkdir -p "$tmp/sys/bus/pci/devices/$bdf"
head -c 4096 /dev/zero >"$tmp/sys/bus/pci/devices/$bdf/config"
# raw driver (byte 0 odd): create a VDEV of the first type in slot 0; the
# teardown removes it and checks the parent's ADIs
printf '\x01\x00\x00\x00\x00' >"$tmp/raw-create"

# run NAME [VAR=VALUE...]: the replay of raw-create in that environment;
# its exit status in rc, its siovh-fuzz lines in $tmp/NAME.log.
run() {
	local name=$1
	shift
	# (a subshell: the shell's own "Aborted" note goes nowhere)
	( env SIOVH_SYSFS_ROOT="$tmp/sys" "$@" "$replay" "$tmp/raw-create" \
		>"$tmp/$name.out" 2>&1; echo $? >"$tmp/rc" ) 2>/dev/null
	rc=$(cat "$tmp/rc")
	grep -a '^siovh-fuzz: ' "$tmp/$name.out" >"$tmp/$name.log"
}

# expect NAME STATUS-WANTED TEXT DESCRIPTION
expect() {
	local name=$1 want=$2 text=$3
	shift 3
	if [ "$want" = 0 ]; then [ "$rc" = 0 ]; else [ "$rc" != 0 ]; fi &&
		grep -qF -- "$text" "$tmp/$name.log"
	ok $? "$*" || sed 's/^/# /' "$tmp/$name.out" | head -n 5
}

[ -x "$replay" ] || { echo "Bail out! no $replay (make fuzz-replay)"; exit 1; }

run fault SIOVH_FUZZ_TARGET=ref:fault=vdcm-adi-reused
expect fault 1 "SIOVH_FUZZ_FAULT's business" "ref:fault=NAME is refused, the reason named"
run profile SIOVH_FUZZ_TARGET=ref:profile=specs/profiles/ref.json
expect profile 1 "only parent=vfio:BDF is taken" "ref:profile=PATH is refused"
run pfault SIOVH_FUZZ_TARGET=ref:parent=vfio:$bdf,fault=vdcm-adi-reused
expect pfault 1 "SIOVH_FUZZ_FAULT's business" "ref:parent=vfio:BDF,fault=NAME is refused"
run parent SIOVH_FUZZ_TARGET=ref:parent=vfio:$bdf
expect parent 1 "siovh-fuzz: opening the ref:parent=vfio:$bdf target:" \
	"ref:parent=vfio:BDF is taken (what fails is the endpoint's open: no VFIO here)"
! grep -q "is taken\|business" "$tmp/parent.log"
ok $? "and it is not refused"
run pinject SIOVH_FUZZ_TARGET=ref:parent=vfio:$bdf SIOVH_FUZZ_FAULT=vdcm-adi-reused
expect pinject 1 "opening the ref:parent=vfio:$bdf,fault=vdcm-adi-reused target" \
	"SIOVH_FUZZ_FAULT is appended to the parent=vfio spec"
run nosuch SIOVH_FUZZ_TARGET=ref:parent=vfio:0000:00:06.0
expect nosuch 1 "not a PCI function here" "a parent=vfio BDF that is not there is the spec's error"

run ref SIOVH_FUZZ_TARGET=ref
[ "$rc" = 0 ]
ok $? "SIOVH_FUZZ_TARGET=ref is the in-process reference: the input passes" ||
	sed 's/^/# /' "$tmp/ref.out" | head -n 5
run leak SIOVH_FUZZ_FAULT=vdcm-remove-leaks-adi
expect leak 1 "after every VDEV was removed the parent has" \
	"on the reference the raw driver's ADI accounting catches a leaked ADI"

tap_end
