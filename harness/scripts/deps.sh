#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages siovh needs, only those that are missing.
# Idempotent: a machine that has everything is left untouched (no apt runs).
#
#   deps.sh            build + test dependencies (gcc, clang, jansson, libxml2,
#                      uAPI headers with linux/iommufd.h, python3-jsonschema
#                      for the schema tests of results.json and profiles)
#   deps.sh --coverage and lcov (genhtml), for `make coverage`
#   deps.sh --browser  and chromium, for the optional headless render check
#                      of the HTML reports (harness/core/tests/report_test.sh)
#   deps.sh --fuzz     and AFL++ (afl-clang-fast, afl-fuzz, afl-cmin, afl-tmin)
#                      and zip, for `make fuzz-build` / `make fuzz`
#                      (libFuzzer itself comes with libclang-rt-14-dev)
#   deps.sh --vm       and what the VM tier needs (vm-images/): the kernel
#                      build tools, linux-source-6.12 (bookworm-security),
#                      busybox-static, cpio, and QEMU >= 10 (bookworm-backports)
#   deps.sh --qemu     and what vm-images/qemu/build-qemu.sh needs to build
#                      QEMU with the SIOV endpoint: the build tools (meson >= 1.5
#                      and python3-pycotap from bookworm-backports, ninja, glib,
#                      pixman, fdt) and a deb-src entry for bookworm-backports,
#                      from which `apt-get source` fetches QEMU's orig tarball
#
# The optional groups are never installed by `make check`, whose tests skip
# (with the reason) what needs them.
#
# linux/iommufd.h first appears in linux-libc-dev 6.2; bookworm ships 6.1, so
# the headers come from bookworm-backports (DESIGN.md, "Conventions").
set -eu

PKGS="make gcc clang libclang-rt-14-dev pkg-config libjansson-dev libxml2-dev
python3-jsonschema"
for arg in "$@"; do
	case $arg in
	--coverage) PKGS="$PKGS lcov" ;;
	--browser) PKGS="$PKGS chromium" ;;
	--fuzz) PKGS="$PKGS afl++ zip" ;;
	--vm) PKGS="$PKGS busybox-static cpio rsync bc flex bison libelf-dev libssl-dev xz-utils linux-source-6.12"
	      VM_QEMU=1 ;;
	--qemu) PKGS="$PKGS ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev xz-utils"
		QEMU_SRC=1 ;;
	*) echo "deps.sh: unknown option '$arg' (--coverage, --browser, --fuzz, --vm, --qemu)" >&2
	   exit 2 ;;
	esac
done
BACKPORTS_LIST=/etc/apt/sources.list.d/siovh-bookworm-backports.sources
BACKPORTS_SRC_LIST=/etc/apt/sources.list.d/siovh-bookworm-backports-src.sources

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
need_uapi=0
[ -f /usr/include/linux/iommufd.h ] || need_uapi=1
# --vm: QEMU 10 (bookworm-backports) for scalable-mode VT-d with PASID.
need_qemu=0
if [ "${VM_QEMU:-0}" = 1 ]; then
	qv=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
	if [ -z "$qv" ] || dpkg --compare-versions "$qv" lt 1:10; then
		need_qemu=1
	fi
fi

# --qemu: meson >= 1.5 and python3-pycotap (bookworm has 1.0.1 and none),
# and a deb-src line so `apt-get source qemu` can see bookworm-backports.
need_meson=0 need_src=0
if [ "${QEMU_SRC:-0}" = 1 ]; then
	mv=$(dpkg-query -W -f='${Version}' meson 2>/dev/null || true)
	if [ -z "$mv" ] || dpkg --compare-versions "$mv" lt 1.5; then
		need_meson=1
	fi
	dpkg-query -W -f='${Status}' python3-pycotap 2>/dev/null | grep -q "ok installed" ||
		need_meson=1
	[ -f "$BACKPORTS_SRC_LIST" ] || need_src=1
fi

if [ -z "$missing" ] && [ "$need_uapi" = 0 ] && [ "$need_qemu" = 0 ] &&
   [ "$need_meson" = 0 ] && [ "$need_src" = 0 ]; then
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "deps.sh: missing packages:$missing${need_uapi:+ (uAPI headers)}; run as root or install sudo" >&2
		exit 2
	fi
fi

export DEBIAN_FRONTEND=noninteractive
if { [ "$need_uapi" = 1 ] || [ "$need_qemu" = 1 ] || [ "$need_meson" = 1 ]; } &&
   [ ! -f "$BACKPORTS_LIST" ]; then
	echo "deps.sh: adding bookworm-backports for linux-libc-dev with linux/iommufd.h"
	$SUDO sh -c "cat > $BACKPORTS_LIST" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

if [ "$need_src" = 1 ]; then
	echo "deps.sh: adding deb-src bookworm-backports for QEMU's source tarball"
	$SUDO sh -c "cat > $BACKPORTS_SRC_LIST" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

echo "deps.sh: installing:$missing${need_uapi:+ linux-libc-dev/bookworm-backports}"
$SUDO apt-get update -q || { echo "deps.sh: apt-get update failed" >&2; exit 2; }
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi
if [ "$need_uapi" = 1 ]; then
	$SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports linux-libc-dev
fi
if [ "$need_qemu" = 1 ]; then
	$SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports qemu-system-x86 || {
		echo "deps.sh: installing qemu-system-x86 from bookworm-backports failed" >&2
		exit 2
	}
fi
if [ "$need_meson" = 1 ]; then
	$SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports meson python3-pycotap || {
		echo "deps.sh: installing meson and python3-pycotap from bookworm-backports failed" >&2
		exit 2
	}
fi
[ -f /usr/include/linux/iommufd.h ] || {
	echo "deps.sh: /usr/include/linux/iommufd.h still missing after install" >&2
	exit 2
}
