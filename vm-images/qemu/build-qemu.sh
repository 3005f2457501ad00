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
#    built when the target has VT-d (CONFIG_VTD); configs/devices/
#    x86_64-softmmu/siovh.mak lists the devices the build has.
# 3. Two targeted edits, each checked: the pattern must occur exactly once
#    or the build stops naming the file and the pattern.
#    - hw/i386/intel_iommu.c: VT-d advertises PASID support with PSS 0 (a
#      1-bit PASID space, the guest sees max_pasid_log2 1); PSS becomes 19
#      (ECAP bits 39:35; 20-bit PASIDs), as real scalable-mode VT-d has.
#    - meson.build: the "+ds" tarball has no edk2 firmware, so the unpacking
#      of the edk2 blobs is switched off (only when the blobs are absent).
#      The VM boots SeaBIOS from Debian's packages (-L /usr/share/seabios).
# 4. configure (x86_64-softmmu, no default features, only the siov
#    profile's devices, no debug information) and ninja, JOBS jobs: 1304
#    objects in 227 s on a fresh machine, where Debian's default device set
#    and -g took 1550 objects and 365 s (measured one after the other).
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
# it already, as `make vm-check` does). The binary links only Debian's
# shared libraries (glib, pixman, fdt).
#
# The configured source and object tree (about 1 GiB) is kept per tarball
# and script, in $SIOVH_CACHE/qemu-tree/<version>-<key>: a change to the
# device sources copies only the files that differ into it, so ninja
# recompiles those and relinks (seconds, not the minutes of a full build).
# prune-cache.sh removes trees no longer used.
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

# The build line hw/misc/meson.build gets: the adapter and the core's .c
# files, built when the target has VT-d (CONFIG_VTD).
MESON_MARK="# siovh (vm-images/qemu/build-qemu.sh): the SIOV test endpoint"
meson_line() {
	local f list=""
	for f in $(core_files); do
		case $f in *.c) list="$list, 'siovh/${f##*/}'" ;; esac
	done
	printf "system_ss.add(when: 'CONFIG_VTD', if_true: files('siovh/siov-testdev.c'%s))" "$list"
}

# Step 2, on an unpacked tree and again on a kept one: copy into
# hw/misc/siovh only the files that differ (unchanged ones keep their
# mtime, so ninja leaves their objects alone), drop files the core no
# longer has, and (re)write the build line after its marker.
sync_device() {
	local dst=$SRCDIR/hw/misc/siovh meson=$SRCDIR/hw/misc/meson.build f line
	local -A want=()
	[ -f "$meson" ] || die "no hw/misc/meson.build in $SRCDIR"
	mkdir -p "$dst"
	for f in "$DEVICE" $(core_files); do
		want[${f##*/}]=1
		cmp -s "$f" "$dst/${f##*/}" || cp "$f" "$dst/"
	done
	for f in "$dst"/*; do
		if [ -e "$f" ] && [ -z "${want[${f##*/}]:-}" ]; then
			rm -f "$f"
		fi
	done
	line=$(meson_line)
	if ! grep -qF -- "$MESON_MARK" "$meson"; then
		printf '\n%s\n%s\n' "$MESON_MARK" "$line" >>"$meson"
	elif ! grep -qxF -- "$line" "$meson"; then
		MARK=$MESON_MARK LINE=$line perl -0pi -e \
			's/(\Q$ENV{MARK}\E\n)[^\n]*/$1$ENV{LINE}/' "$meson"
		grep -qxF -- "$line" "$meson" || die "rewriting the build line of hw/misc/meson.build failed"
	fi
}

# The devices the siov profile's VM has (vm-images/run-vm.sh): the q35
# machine, VT-d, a PCIe root port for the endpoint (the endpoint's own
# CONFIG_VTD line is in hw/misc/meson.build). With --without-default-devices
# everything else a q35 build would imply (VGA, NICs, USB, audio, TPM, IPMI,
# ...) stays out: 246 fewer objects to compile.
DEVICES_NAME=siovh
devices_file() {
	local mak=$SRCDIR/configs/devices/x86_64-softmmu/$DEVICES_NAME.mak
	[ -d "${mak%/*}" ] || die "no configs/devices/x86_64-softmmu in $SRCDIR: this QEMU needs a new device step"
	printf '%s\n' "# siovh (vm-images/qemu/build-qemu.sh): the siov profile's devices" \
		CONFIG_Q35=y CONFIG_VTD=y CONFIG_PCIE_PORT=y >"$mak"
}

# Step 3, once per unpacked tree.
edit_tree() {
	edit_once "$SRCDIR/hw/i386/intel_iommu.c" \
		's->ecap |= VTD_ECAP_PASID;' \
		's->ecap |= VTD_ECAP_PASID | (19ULL << 35); /* siovh: PSS 19, 20-bit PASIDs */'
	devices_file
	if ! ls "$SRCDIR"/pc-bios/edk2-*.fd.bz2 >/dev/null 2>&1; then
		edit_once "$SRCDIR/meson.build" \
			'unpack_edk2_blobs = bzip2.found()' \
			'unpack_edk2_blobs = false # siovh: the +ds tarball has no edk2 blobs'
	fi
}

# The kept tree's key: the tarball's version and this script (the device
# sources are synced into it, not part of it).
tree_key() {
	{ echo "$SRC_VERSION"; cat "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16
}

# Unpack, edit and configure the tree unless its "configured" stamp says a
# previous run did; an interrupted preparation starts over.
prepare_tree() {
	local tree=$1 log=$2
	SRCDIR=$tree/src
	[ -f "$tree/configured" ] && return
	rm -rf "$SRCDIR" "$tree/build"
	mkdir -p "$SRCDIR" "$tree/build"
	log "unpacking ${TARBALL##*/} into $SRCDIR"
	tar -xf "$TARBALL" -C "$SRCDIR" --strip-components=1 || die "unpacking $TARBALL failed"
	edit_tree
	sync_device
	log "configuring (x86_64-softmmu)"
	(cd "$tree/build" && "$SRCDIR/configure" --python=/usr/bin/python3 --target-list=x86_64-softmmu \
		--disable-docs --disable-werror --without-default-features \
		--without-default-devices --with-devices-x86_64="$DEVICES_NAME" --disable-debug-info \
		--disable-download --disable-install-blobs --enable-fdt=system) \
		>>"$log" 2>&1 || {
		tail -n 20 "$log" >&2
		die "configure failed (see $log)"
	}
	touch "$tree/configured"
}

# Build entry OUT in the kept tree, under the tree's own lock: the entries
# of other device keys share it.
build() {
	local out=$1 tree
	tree=$CACHE/qemu-tree/${SRC_VERSION#*:}-$(tree_key)
	mkdir -p "$tree"
	exec 7>"$tree/.lock"
	flock 7 || die "cannot lock $tree/.lock"
	prepare_tree "$tree" "$out/build.log"
	sync_device
	log "building qemu-system-x86_64 with ninja -j$JOBS in $tree (log: $out/build.log)"
	ninja -C "$tree/build" -j"$JOBS" qemu-system-x86_64 >>"$out/build.log" 2>&1 || {
		grep -E 'error|FAILED' "$out/build.log" | tail -n 20 >&2
		die "ninja failed (see $out/build.log)"
	}
	"$tree/build/qemu-system-x86_64" -device help 2>/dev/null | grep -q '"siov-testdev"' ||
		die "the built QEMU has no siov-testdev device"
	cp "$tree/build/qemu-system-x86_64" "$out/qemu-system-x86_64"
	touch "$tree/done"	# its last use, for prune-cache.sh
	exec 7>&-
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
