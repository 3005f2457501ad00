#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Install the Debian packages siovh needs, only those that are missing.
# Idempotent: a machine that has everything is left untouched (no apt runs).
#
#   deps.sh            build + test dependencies (gcc, clang, jansson, libxml2,
#                      uAPI headers with linux/iommufd.h, python3-jsonschema
#                      for the schema tests of results.json and profiles,
#                      ccache for the rebuilds of a fresh clone)
#   deps.sh --coverage and lcov (genhtml), for `make coverage`
#   deps.sh --browser  and chromium, for the optional headless render check
#                      of the HTML reports (harness/core/tests/report_test.sh)
#   deps.sh --fuzz     and AFL++ (afl-clang-fast, afl-fuzz, afl-cmin, afl-tmin)
#                      and zip, for `make fuzz-build` / `make fuzz`
#                      (libFuzzer itself comes with libclang-rt-14-dev)
#   deps.sh --vm       and what the VM tier needs (vm-images/): the kernel
#                      build tools, linux-source-6.12 (bookworm-security),
#                      busybox-static, cpio, jq, lcov (kernel coverage), libcap-dev
#                      (the kernel's iommufd selftests), QEMU >= 10 (bookworm-backports),
#                      and the newest linux-source-7.* of trixie-backports,
#                      fetched (not installed: its dependencies are trixie's)
#                      into $SIOVH_CACHE/debs/ and unpacked there with dpkg -x
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
python3-jsonschema ccache"
for arg in "$@"; do
	case $arg in
	--coverage) PKGS="$PKGS lcov" ;;
	--browser) PKGS="$PKGS chromium" ;;
	--fuzz) PKGS="$PKGS afl++ zip" ;;
	--vm) PKGS="$PKGS busybox-static cpio rsync bc flex bison libelf-dev libssl-dev xz-utils jq linux-source-6.12 lcov libcap-dev"
	      VM_QEMU=1 ;;
	--qemu) PKGS="$PKGS ninja-build libglib2.0-dev libpixman-1-dev libfdt-dev xz-utils"
		QEMU_SRC=1 ;;
	*) echo "deps.sh: unknown option '$arg' (--coverage, --browser, --fuzz, --vm, --qemu)" >&2
	   exit 2 ;;
	esac
done
BACKPORTS_LIST=/etc/apt/sources.list.d/siovh-bookworm-backports.sources
BACKPORTS_SRC_LIST=/etc/apt/sources.list.d/siovh-bookworm-backports-src.sources
TRIXIE_LIST=/etc/apt/sources.list.d/siovh-trixie-backports.sources
TRIXIE_PIN=/etc/apt/preferences.d/siovh-trixie-backports
CACHE=${SIOVH_CACHE:-/var/cache/siovh}

# The newest linux-source-7.* trixie-backports has: `apt-get download` and
# `dpkg -x` into $CACHE/debs/<package>_<version>/ (its usr/src/ tarball is
# architecture-independent; installing it would drag trixie's dependencies).
fetch_linux_source_7() {
	local pkg ver dir deb
	pkg=$(apt-cache pkgnames linux-source-7. | grep -E '^linux-source-7\.[0-9]+$' |
	      sort -V | tail -n1)
	[ -n "$pkg" ] || { echo "deps.sh: trixie-backports has no linux-source-7.*" >&2; return 1; }
	ver=$(apt-cache madison "$pkg" | awk -F' *[|] *' '/trixie-backports/ { print $2; exit }')
	[ -n "$ver" ] || { echo "deps.sh: no trixie-backports version of $pkg" >&2; return 1; }
	dir=$CACHE/debs/${pkg}_$ver
	mkdir -p "$CACHE/debs"
	if [ ! -f "$dir/.siovh-unpacked" ]; then
		echo "deps.sh: fetching $pkg $ver (trixie-backports) into $CACHE/debs"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		# apt's _apt sandbox user may not write here; download as is.
		(cd "$dir.tmp" && apt-get download -q -o APT::Sandbox::User=root "$pkg=$ver") ||
			{ echo "deps.sh: apt-get download $pkg=$ver failed" >&2; return 1; }
		deb=$(ls "$dir.tmp"/*.deb)
		dpkg -x "$deb" "$dir.tmp/root" ||
			{ echo "deps.sh: dpkg -x $deb failed" >&2; return 1; }
		ls "$dir.tmp"/root/usr/src/linux-source-*.tar.* >/dev/null 2>&1 ||
			{ echo "deps.sh: $deb has no usr/src/linux-source-*.tar.*" >&2; return 1; }
		rm -f "$deb"
		touch "$dir.tmp/.siovh-unpacked"
		mv "$dir.tmp" "$dir"
	fi
	touch "$CACHE/debs/.linux-source-7.checked"
}

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

# --vm: the newest linux-source-7.* of trixie-backports, unpacked under
# $CACHE/debs/ (vm-images/build-kernel.sh, KERNEL_PKG=linux-source-7.x).
# Looked up again at most once a day, so a warm machine runs no apt.
# have_k7: one is unpacked already, so a failed look-up only warns.
need_k7=0
have_k7=0
if [ "${VM_QEMU:-0}" = 1 ]; then
	stamp=$CACHE/debs/.linux-source-7.checked
	ls "$CACHE"/debs/linux-source-7.*_*/.siovh-unpacked >/dev/null 2>&1 && have_k7=1
	if [ ! -f "$TRIXIE_LIST" ] || [ ! -f "$TRIXIE_PIN" ] || [ "$have_k7" = 0 ] ||
	   [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
		need_k7=1
	fi
fi

if [ -z "$missing" ] && [ "$need_uapi" = 0 ] && [ "$need_qemu" = 0 ] &&
   [ "$need_meson" = 0 ] && [ "$need_src" = 0 ] && [ "$need_k7" = 0 ]; then
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo"
	else
		echo "deps.sh: missing packages:$missing$([ "$need_uapi" = 1 ] && echo " (uAPI headers)"); run as root or install sudo" >&2
		exit 2
	fi
fi

export DEBIAN_FRONTEND=noninteractive

# add_source FILE TYPES SUITE: a deb822 source of Debian's archive.
add_source() {
	printf 'Types: %s\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$2" "$3" | $SUDO tee "$1" >/dev/null
}
if { [ "$need_uapi" = 1 ] || [ "$need_qemu" = 1 ] || [ "$need_meson" = 1 ]; } &&
   [ ! -f "$BACKPORTS_LIST" ]; then
	echo "deps.sh: adding bookworm-backports for linux-libc-dev with linux/iommufd.h"
	add_source "$BACKPORTS_LIST" deb bookworm-backports
fi

if [ "$need_src" = 1 ]; then
	echo "deps.sh: adding deb-src bookworm-backports for QEMU's source tarball"
	add_source "$BACKPORTS_SRC_LIST" deb-src bookworm-backports
fi

if [ "$need_k7" = 1 ]; then
	# Pinned at 1: nothing installed ever upgrades from trixie, and only
	# a package no other suite has can be picked from it.
	if [ ! -f "$TRIXIE_LIST" ]; then
		echo "deps.sh: adding trixie-backports (pinned low) for linux-source-7.*"
		add_source "$TRIXIE_LIST" deb trixie-backports
	fi
	if [ ! -f "$TRIXIE_PIN" ]; then
		$SUDO sh -c "cat > $TRIXIE_PIN" <<'PIN'
# siovh (harness/scripts/deps.sh --vm): only linux-source-7.* is fetched
# from here, never installed; nothing may upgrade from trixie.
Package: *
Pin: release n=trixie-backports
Pin-Priority: 1
PIN
	fi
fi

what=$missing
[ "$need_uapi" = 1 ] && what="$what linux-libc-dev/bookworm-backports"
[ "$need_k7" = 1 ] && what="$what (looking up linux-source-7.*)"
echo "deps.sh: installing:$what"
if ! $SUDO apt-get update -q; then
	if [ -n "$missing" ] || [ "$need_uapi" = 1 ] || [ "$need_qemu" = 1 ] ||
	   [ "$need_meson" = 1 ] || [ "$need_src" = 1 ] || [ "$have_k7" = 0 ]; then
		echo "deps.sh: apt-get update failed" >&2
		exit 2
	fi
	echo "deps.sh: apt-get update failed; keeping the linux-source-7.* already unpacked" >&2
	exit 0
fi
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
if [ "$need_k7" = 1 ] && ! fetch_linux_source_7; then
	[ "$have_k7" = 1 ] || exit 2
	echo "deps.sh: keeping the linux-source-7.* already unpacked" >&2
fi
[ -f /usr/include/linux/iommufd.h ] || {
	echo "deps.sh: /usr/include/linux/iommufd.h still missing after install" >&2
	exit 2
}
