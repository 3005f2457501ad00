#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build the VM's initramfs (an uncompressed newc cpio: QEMU loads it as is,
# so the guest spends no time inflating it under TCG):
#
#   vm-images/build-initramfs.sh OUT.cpio SIOVH_BIN [SIOVH_RUN_ARGS...]
#
#   /bin/busybox + its applets  (busybox-static)
#   /bin/siovh                  SIOVH_BIN, with the shared objects ldd lists
#   /bin/<name>                 each program of $VM_EXTRA_BINS (e.g.
#                               kfindings, the siov profile's
#                               siov-pasid-test), with its shared objects
#   /opt/siov/                  the kselftest programs of selftests/siov in
#                               $VM_SELFTESTS_DIR, its settings and
#                               run-in-vm.sh (their runner in the guest)
#   /opt/fuzz/                  $VM_FUZZ_DIR: a kernel fuzzing run's
#                               fuzz-args and corpus (fuzz-kernel.sh), or
#                               the seed replay's replay-args and seeds
#   /opt/kiommufd/iommufd       $VM_KIOMMUFD_BIN when set: the kernel's own
#                               iommufd selftests (the coverage anchor)
#   /init                       vm-images/init.sh
#   /etc/siovh/run-args         the arguments of `siovh run` in the VM, one
#                               per line (default: --target kernel)
#   /etc/siovh/profile.json     the reference's device profile (the SIOV
#                               endpoint's, for kernel:device=BDF in init.sh)
#   /etc/siovh/mtty.json        the kernel mtty sample's profile (for
#                               kernel:mdev=mtty in init.sh)
#   /etc/siovh/edu.json         QEMU edu's through vfio-pci (for
#                               kernel:device=BDF,vfio=cdev in init.sh)
#   /etc/siovh/virtio-ats.json  the ATS function's (virtio-rng-pci, profiles
#                               vtd-legacy and vtd-flts) through vfio-pci
#
# The image is rebuilt every run (it takes about a second). The guest's
# mode (run the clauses, or an interactive shell) is chosen on the kernel
# command line (siovh.mode=run|shell, see init.sh), so `make vm-shell`
# boots the very image `make vm-check` ran.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}

die() { echo "build-initramfs.sh: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: build-initramfs.sh OUT.cpio SIOVH_BIN [SIOVH_RUN_ARGS...]"
OUT=$1
SIOVH_BIN=$2
shift 2

[ -x "$SIOVH_BIN" ] || die "$SIOVH_BIN is not an executable (build it first)"
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing (install busybox-static: harness/scripts/deps.sh --vm)"
file_is_static() { ! ldd "$1" >/dev/null 2>&1; }
file_is_static "$BUSYBOX" || die "$BUSYBOX is dynamically linked (need busybox-static)"
command -v cpio >/dev/null || die "cpio missing (harness/scripts/deps.sh --vm)"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/siovh-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

mkdir -p "$STAGE"/{bin,dev,etc/siovh,proc,sys,tmp,out,root}
cp "$BUSYBOX" "$STAGE/bin/busybox"
ln -s busybox "$STAGE/bin/sh"
cp "$HERE/init.sh" "$STAGE/init"
cp "$HERE/../specs/profiles/ref.json" "$STAGE/etc/siovh/profile.json"
cp "$HERE/../specs/profiles/mtty.json" "$STAGE/etc/siovh/mtty.json"
cp "$HERE/../specs/profiles/edu.json" "$STAGE/etc/siovh/edu.json"
cp "$HERE/../specs/profiles/virtio-ats.json" "$STAGE/etc/siovh/virtio-ats.json"
chmod 0755 "$STAGE/init"

# siovh and the shared objects it loads, at the paths ldd resolved them to
# (the interpreter included), so the guest's loader finds them without an
# ld.so.cache: glibc searches /lib/<triplet> and /usr/lib/<triplet> itself.
cp "$SIOVH_BIN" "$STAGE/bin/siovh"
copy_libs() {
	local lib
	ldd "$1" | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }' |
	while read -r lib; do
		[ -f "$lib" ] || die "ldd named $lib for $1 but it does not exist"
		mkdir -p "$STAGE$(dirname "$lib")"
		cp -L "$lib" "$STAGE$lib"
	done
}
file_is_static "$SIOVH_BIN" || copy_libs "$SIOVH_BIN"
# Extra programs (VM_EXTRA_BINS: space-separated paths) go to /bin too.
for bin in ${VM_EXTRA_BINS:-}; do
	[ -x "$bin" ] || die "VM_EXTRA_BINS: $bin is not an executable"
	cp "$bin" "$STAGE/bin/"
	file_is_static "$bin" || copy_libs "$bin"
done

# The kselftest programs of selftests/siov (VM_SELFTESTS_DIR: their
# OUTPUT directory), with the runner that stands in for kselftest's.
if [ -n "${VM_SELFTESTS_DIR:-}" ]; then
	mkdir -p "$STAGE/opt/siov"
	for prog in "$VM_SELFTESTS_DIR"/siov_iommufd "$VM_SELFTESTS_DIR"/siov_vdev \
		    "$VM_SELFTESTS_DIR"/siov_pci; do
		[ -x "$prog" ] || die "VM_SELFTESTS_DIR: $prog is not an executable"
		cp "$prog" "$STAGE/opt/siov/"
		file_is_static "$prog" || copy_libs "$prog"
	done
	cp "$HERE/../selftests/siov/settings" "$HERE/../selftests/siov/run-in-vm.sh" "$STAGE/opt/siov/"
fi

# Fuzzing on the kernel: VM_FUZZ_DIR holds a fuzzing run's arguments
# (fuzz-args, one per line; the program is in VM_EXTRA_BINS) and corpus
# (corpus/) for vm-images/fuzz-kernel.sh, or the seed replay's arguments
# (replay-args) and seeds (seeds/) for vm-check.sh; copied to /opt/fuzz.
if [ -n "${VM_FUZZ_DIR:-}" ]; then
	[ -f "$VM_FUZZ_DIR/fuzz-args" ] || [ -f "$VM_FUZZ_DIR/replay-args" ] ||
		die "VM_FUZZ_DIR: $VM_FUZZ_DIR has neither fuzz-args nor replay-args"
	mkdir -p "$STAGE/opt/fuzz"
	cp -r "$VM_FUZZ_DIR"/. "$STAGE/opt/fuzz/"
fi
if [ -n "${VM_KIOMMUFD_BIN:-}" ]; then
	[ -x "$VM_KIOMMUFD_BIN" ] || die "VM_KIOMMUFD_BIN: $VM_KIOMMUFD_BIN is not an executable"
	mkdir -p "$STAGE/opt/kiommufd"
	cp "$VM_KIOMMUFD_BIN" "$STAGE/opt/kiommufd/iommufd"
	file_is_static "$VM_KIOMMUFD_BIN" || copy_libs "$VM_KIOMMUFD_BIN"
fi

if [ $# -gt 0 ]; then
	printf '%s\n' "$@" >"$STAGE/etc/siovh/run-args"
else
	printf '%s\n' --target kernel >"$STAGE/etc/siovh/run-args"
fi

mkdir -p "$(dirname "$OUT")"
(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) \
	>"$OUT.tmp" || die "cpio failed writing $OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$OUT"
