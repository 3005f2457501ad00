#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Build (or reuse) the QEMU that carries the siovh SIOV endpoint (issue 8):
# Debian's QEMU orig tarball, our device added, VT-d's PASID size raised.
#
#   vm-images/qemu/build-qemu.sh [--print-key]
#
# 1. Source: `apt-get source --download-only qemu` (a deb-src entry for
#    bookworm-backports, harness/scripts/deps.sh --qemu). Only the orig
#    tarball is downloadable there (the .dsc and Debian's patches 404), so
#    the build uses the tarball alone, checked against the SHA-256 that
#    `apt-cache showsrc` lists for it. It is kept in the cache's src/.
# 2. The device, added by copying files and appending one build line (no
#    patch against one QEMU version): vm-images/qemu/siov-testdev.c and the
#    device core harness/ref/siovdev/*.[ch] (its unit tests left out) go to
#    hw/misc/siovh/, and hw/misc/meson.build gets one system_ss line,
#    built when the target has VT-d (CONFIG_VTD).
# 3. Two targeted edits, each checked: the pattern must occur exactly once
#    or the build stops naming the file and the pattern.
#    - hw/i386/intel_iommu.c: VT-d advertises PASID support with PSS 0 (a
#      1-bit PASID space, the guest sees max_pasid_log2 1); PSS becomes 19
#      (ECAP bits 39:35; 20-bit PASIDs), as real scalable-mode VT-d has.
#    - meson.build: the "+ds" tarball has no edk2 firmware, so the unpacking
#      of the edk2 blobs is switched off (only when the blobs are absent).
#      The VM boots SeaBIOS from Debian's packages (-L /usr/share/seabios).
# 4. configure (x86_64-softmmu, no default features) and ninja, JOBS jobs.
#
# Output, the last line of stdout: the path of the built binary,
#
#   ${SIOVH_CACHE:-/var/cache/siovh}/qemu/<version>-<key>/qemu-system-x86_64
#
# next to build.log, key, build-seconds and the "done" stamp. The key hashes
# the tarball's version, the device sources and this script; a complete
# entry is reused as is. One build per entry at a time (flock on the
# entry), and the build itself runs under the machine's heavy-job lock
# SIOVH_HEAVY_LOCK (default /tmp/siovh-heavy.lock; empty: the caller holds
# it already, as `make vm-check` does). The source and object trees are
# removed after a successful build (about 1 GiB); the binary links only
# Debian's shared libraries (glib, pixman, fdt).
#
# Env: SIOVH_CACHE, JOBS (default 2), QEMU_SRC_VERSION (a Debian source
# version to fetch instead of the newest), SIOVH_HEAVY_LOCK.
# Exit: 0 built or reused, 1 failed, 3 the source is unavailable (no
# deb-src entry, no network); the reason on stderr.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${SIOVH_CACHE:-/var/cache/siovh}
JOBS=${JOBS:-2}
HEAVY_LOCK=${SIOVH_HEAVY_LOCK-/tmp/siovh-heavy.lock}
CORE=$ROOT/harness/ref/siovdev
DEVICE=$HERE/siov-testdev.c

die() { echo "build-qemu.sh: $*" >&2; exit 1; }
# The source cannot be had (no deb-src, no network): exit 3, which
# vm-check.sh reports as a SKIP rather than a failure.
unavailable() { echo "build-qemu.sh: $*" >&2; exit 3; }
log() { echo "build-qemu.sh: $*" >&2; }

# The device core's sources as QEMU compiles them: everything but the unit
# tests and their helpers.
core_files() {
	local f
	for f in "$CORE"/*.c "$CORE"/*.h; do
		case ${f##*/} in
		*_test.c|*_test_helpers.h) ;;
		*) echo "$f" ;;
		esac
	done
}

# Fetch (once) the orig tarball of the newest (or QEMU_SRC_VERSION) qemu
# source package and check it. Sets TARBALL and SRC_VERSION.
fetch_source() {
	local spec=qemu ver name sum dir
	[ -n "${QEMU_SRC_VERSION:-}" ] && spec="qemu=$QEMU_SRC_VERSION"
	ver=${QEMU_SRC_VERSION:-$(apt-cache showsrc qemu 2>/dev/null |
		sed -n 's/^Version: //p' | sort -V | tail -n1)}
	[ -n "$ver" ] || unavailable "apt knows no qemu source package (deb-src for bookworm-backports: harness/scripts/deps.sh --qemu)"
	# The orig tarball of that version and its SHA-256, from the index.
	read -r sum name < <(apt-cache showsrc "$spec" 2>/dev/null |
		awk -v v="$ver" '/^Package:/ { p = 0 } /^Version: / { p = ($2 == v) }
			p && /^Checksums-Sha256:/ { c = 1; next } /^[^ ]/ { c = 0 }
			p && c && $3 ~ /\.orig\.tar\.[a-z]+$/ { print $1, $3; exit }') ||
		unavailable "no orig tarball listed for qemu $ver (apt-cache showsrc $spec)"
	[ -n "${name:-}" ] || unavailable "no orig tarball listed for qemu $ver (apt-cache showsrc $spec)"
	SRC_VERSION="$ver"
	TARBALL=$CACHE/src/$name
	if [ -f "$TARBALL" ] && echo "$sum  $TARBALL" | sha256sum -c --status; then
		return
	fi
	mkdir -p "$CACHE/src"
	dir=$(mktemp -d "$CACHE/src/.qemu-fetch.XXXXXX")
	log "fetching $name (qemu $ver) with apt-get source --download-only"
	# apt-get fails on the .dsc and Debian tarball, which the mirror lacks;
	# what counts is the orig tarball and its checksum.
	(cd "$dir" && apt-get source --download-only "$spec" >"$dir/apt.log" 2>&1) || true
	if [ ! -f "$dir/$name" ]; then
		tail -n 5 "$dir/apt.log" >&2
		rm -rf "$dir"
		unavailable "apt-get source did not fetch $name"
	fi
	echo "$sum  $dir/$name" | sha256sum -c --status || {
		rm -rf "$dir"
		die "$name does not match the SHA-256 apt-cache showsrc lists ($sum)"
	}
	mv "$dir/$name" "$TARBALL"
	rm -rf "$dir"
}

compute_key() {
	{
		echo "$SRC_VERSION"
		# shellcheck disable=SC2046 # one file name per line, no spaces
		sha256sum "$DEVICE" $(core_files) | sed "s|  $ROOT/|  |"
		cat "${BASH_SOURCE[0]}"
	} | sha256sum | cut -c1-16
}

# Replace the one line of FILE that contains OLD (a fixed string) by NEW;
# stop when OLD is not there exactly once.
edit_once() {
	local file=$1 old=$2 new=$3 n
	n=$(grep -cF -- "$old" "$file" || true)
	[ "$n" = 1 ] || die "expected '$old' exactly once in ${file#"$SRCDIR"/}, found $n: this QEMU needs a new edit step"
	OLD=$old NEW=$new perl -0pi -e 's/\Q$ENV{OLD}\E/$ENV{NEW}/' "$file"
	grep -qF -- "$new" "$file" || die "editing ${file#"$SRCDIR"/} failed"
}

# Steps 2 and 3 on an unpacked tree.
add_device() {
	local dst=$SRCDIR/hw/misc/siovh f list=""
	[ -f "$SRCDIR/hw/misc/meson.build" ] || die "no hw/misc/meson.build in $SRCDIR"
	mkdir -p "$dst"
	cp "$DEVICE" "$dst/"
	for f in $(core_files); do
		cp "$f" "$dst/"
		case $f in *.c) list="$list, 'siovh/${f##*/}'" ;; esac
	done
	printf "\n# siovh (vm-images/qemu/build-qemu.sh): the SIOV test endpoint\nsystem_ss.add(when: 'CONFIG_VTD', if_true: files('siovh/siov-testdev.c'%s))\n" \
		"$list" >>"$SRCDIR/hw/misc/meson.build"

	edit_once "$SRCDIR/hw/i386/intel_iommu.c" \
		's->ecap |= VTD_ECAP_PASID;' \
		's->ecap |= VTD_ECAP_PASID | (19ULL << 35); /* siovh: PSS 19, 20-bit PASIDs */'
	if ! ls "$SRCDIR"/pc-bios/edk2-*.fd.bz2 >/dev/null 2>&1; then
		edit_once "$SRCDIR/meson.build" \
			'unpack_edk2_blobs = bzip2.found()' \
			'unpack_edk2_blobs = false # siovh: the +ds tarball has no edk2 blobs'
	fi
}

build() {
	local out=$1
	SRCDIR=$out/src
	rm -rf "$SRCDIR" "$out/build" "$out/qemu-system-x86_64"
	mkdir -p "$SRCDIR"
	log "unpacking ${TARBALL##*/} into $SRCDIR"
	tar -xf "$TARBALL" -C "$SRCDIR" --strip-components=1 || die "unpacking $TARBALL failed"
	add_device
	mkdir -p "$out/build"
	log "configuring (x86_64-softmmu)"
	(cd "$out/build" && "$SRCDIR/configure" --python=/usr/bin/python3 --target-list=x86_64-softmmu \
		--disable-docs --disable-werror --without-default-features \
		--disable-download --disable-install-blobs --enable-fdt=system) \
		>>"$out/build.log" 2>&1 || {
		tail -n 20 "$out/build.log" >&2
		die "configure failed (see $out/build.log)"
	}
	log "building qemu-system-x86_64 with ninja -j$JOBS (log: $out/build.log)"
	ninja -C "$out/build" -j"$JOBS" qemu-system-x86_64 >>"$out/build.log" 2>&1 || {
		grep -E 'error|FAILED' "$out/build.log" | tail -n 20 >&2
		die "ninja failed (see $out/build.log)"
	}
	"$out/build/qemu-system-x86_64" -device help 2>/dev/null | grep -q '"siov-testdev"' ||
		die "the built QEMU has no siov-testdev device"
	cp "$out/build/qemu-system-x86_64" "$out/qemu-system-x86_64"
	rm -rf "$SRCDIR" "$out/build"
}

main() {
	local key out start
	[ -f "$DEVICE" ] || die "$DEVICE missing"
	[ -f "$CORE/siovdev.h" ] || die "$CORE/siovdev.h missing"
	fetch_source
	key=$(compute_key)
	if [ "${1:-}" = --print-key ]; then
		echo "${SRC_VERSION#*:}-$key"
		return
	fi
	out=$CACHE/qemu/${SRC_VERSION#*:}-$key
	mkdir -p "$out"
	exec 9>"$out/.lock"
	flock 9 || die "cannot lock $out/.lock"
	if [ -f "$out/done" ]; then
		log "cache hit: $out"
	else
		if [ -n "$HEAVY_LOCK" ]; then
			log "waiting for the heavy-job lock $HEAVY_LOCK"
			exec 8>"$HEAVY_LOCK"
			flock 8 || die "cannot lock $HEAVY_LOCK"
		fi
		start=$(date +%s)
		: >"$out/build.log"
		build "$out"
		printf '%s\n' "qemu $SRC_VERSION (${TARBALL##*/})" \
			"device: siov-testdev.c + harness/ref/siovdev" >"$out/key"
		echo $(( $(date +%s) - start )) >"$out/build-seconds"
		touch "$out/done"
		[ -n "$HEAVY_LOCK" ] && exec 8>&-
		log "built $out in $(cat "$out/build-seconds") s"
	fi
	echo "$out/qemu-system-x86_64"
}

main "$@"
