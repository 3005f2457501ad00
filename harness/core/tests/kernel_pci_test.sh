#!/bin/bash
# SPDX-License-Identifier: MIT
#
# The kernel target's pci facet from the command line, against a fake sysfs
# ($SIOVH_SYSFS_ROOT) holding the reference parent's config space (dumped by
# kernel_pci_test --dump): the DVSEC clauses that only read pass on it, and
# the same image with the DVSEC's length or ID changed (the siov QEMU
# endpoint's dvsec-length and dvsec-id faults, as bytes) fails the clause
# that reads that field, and the whole-image check (SIOV.DVSEC.27) fails on
# that and on a capabilities pointer with its reserved bits set. A malformed address or a missing device is exit 2
# with one line naming the option. The writing clauses need a device that
# ignores RO writes (a plain file takes every write): they run in the VM
# tier, on the QEMU endpoint.
#
#   kernel_pci_test.sh PATH/TO/siovh     (TAP on stdout; kernel_pci_test
#                                         next to it under harness/core/)
set -u

siovh=${1:?usage: kernel_pci_test.sh PATH/TO/siovh}
dumper=$(dirname "$siovh")/harness/core/kernel_pci_test
tmp=$(mktemp -d "${TMPDIR:-/tmp}/siovh-kpci-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/tap.sh"

bdf=0000:01:00.0
dev=$tmp/bus/pci/devices/$bdf
mkdir -p "$dev"
"$dumper" --dump "$tmp/ref.cfg"
ok $? "the reference parent's config space dumped" || { tap_end; exit 1; }

# put_byte FILE OFFSET VALUE: one byte of the image.
put_byte() { printf "\\x$3" | dd of="$1" bs=1 seek=$(($2)) conv=notrunc status=none; }

# run_clause IMAGE ID: siovh runs clause ID on the device holding IMAGE.
run_clause() {
	cp "$1" "$dev/config"
	SIOVH_SYSFS_ROOT=$tmp "$siovh" run --target "kernel:device=$bdf" \
		--filter "$2" --jobs 1 >"$tmp/out" 2>&1
}

for c in 1 2 3 4 5 6 7 11 17 27; do
	run_clause "$tmp/ref.cfg" "SIOV.DVSEC.$c"
	ok $? "SIOV.DVSEC.$c passes on the reference's config space through sysfs" ||
		sed 's/^/# /' "$tmp/out"
done

# The SIOV DVSEC's offset in the image: walk the chain like the clauses.
pos=$(od -An -tu4 -w4 -v "$tmp/ref.cfg" | awk '
	{ d[(NR - 1) * 4] = $1 }
	END { p = 256
	      while (p) { if (d[p] % 65536 == 35) { print p; exit }
			  p = int(d[p] / 1048576) } }')
[ -n "$pos" ]
ok $? "the image has a DVSEC (at ${pos:-none})" || { tap_end; exit 1; }

# expect_fail IMAGE ID WHAT: clause ID must fail on IMAGE.
expect_fail() {
	run_clause "$1" "$2"
	[ $? -eq 1 ] && grep -q "FAIL $2" "$tmp/out"
	ok $? "$2 fails on $3" || sed 's/^/# /' "$tmp/out"
}

cp "$tmp/ref.cfg" "$tmp/len.cfg"
put_byte "$tmp/len.cfg" $((pos + 7)) 02	# length 0x18 -> 0x28
expect_fail "$tmp/len.cfg" SIOV.DVSEC.4 "a DVSEC length of 0x28"
cp "$tmp/ref.cfg" "$tmp/id.cfg"
put_byte "$tmp/id.cfg" $((pos + 8)) 06	# DVSEC ID 5 -> 6
expect_fail "$tmp/id.cfg" SIOV.DVSEC.2 "a DVSEC ID of 6"
cp "$tmp/ref.cfg" "$tmp/loop.cfg"
put_byte "$tmp/loop.cfg" $((pos + 3)) 10	# next pointer -> 0x100
expect_fail "$tmp/loop.cfg" SIOV.DVSEC.1 "a chain that loops back to 0x100"
expect_fail "$tmp/len.cfg" SIOV.DVSEC.27 "a DVSEC length of 0x28"
cp "$tmp/ref.cfg" "$tmp/ptr.cfg"
put_byte "$tmp/ptr.cfg" 0x34 41	# capabilities pointer 0x40 -> 0x41
expect_fail "$tmp/ptr.cfg" SIOV.DVSEC.27 "a capabilities pointer with reserved bits set"

# usage NEEDLE DEVICE: exit 2, one stderr line containing NEEDLE.
usage() {
	SIOVH_SYSFS_ROOT=$tmp "$siovh" run --target "kernel:device=$2" \
		>"$tmp/out" 2>"$tmp/err"
	[ $? -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ ! -s "$tmp/out" ] &&
		grep -qF -- "$1" "$tmp/err"
	ok $? "kernel:device=$2 -> exit 2: $(head -n1 "$tmp/err")" ||
		sed 's/^/# /' "$tmp/err"
}
usage "device='01:00' is not a PCI address" 01:00
usage "device='0000:01:00.9' is not a PCI address" 0000:01:00.9
usage "device=0000:05:00.0: no such PCI device" 0000:05:00.0
tap_end
